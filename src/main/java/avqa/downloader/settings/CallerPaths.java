package avqa.downloader.settings;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Relative paths taken from where the user typed them. The run reads {@code application.properties} and
 * {@code routes/} from the repository, so it runs there ({@code scripts/avqa.sh} changes to it, and a plain
 * {@code java -jar} started elsewhere starts its run there, {@code FastStart}); the directory the user was in
 * comes as {@value #PROPERTY}. A file or folder given on the command line or in an {@code AVQA_…} variable
 * ({@code --data-dir data}, {@code --import-archive videos.zip}, {@code --metadata-url file:meta/}) is then
 * made absolute against it, as any other command would take it; the defaults and {@code application.properties}
 * stay the repository's.
 */
public final class CallerPaths {

    /** The directory the user ran the tool from, when the run does not run there. */
    public static final String PROPERTY = "avqa.caller-dir";

    private CallerPaths() {
    }

    /** Where the user ran the tool from, when it is not where this JVM runs; else null (nothing to change). */
    public static Path callerDir() {
        String given = System.getProperty(PROPERTY);
        if (given == null || given.isBlank()) {
            return null;
        }
        Path caller = Path.of(given).toAbsolutePath();
        return caller.equals(Path.of("").toAbsolutePath()) ? null : caller;
    }

    /** The command line with its relative paths made absolute against {@code caller}. */
    public static CommandLineOptions.Parsed resolve(CommandLineOptions.Parsed cli, Path caller) {
        Map<String, String> values = new LinkedHashMap<>(cli.values());
        Map<String, String> actionValues = new LinkedHashMap<>(cli.actionValues());
        for (Setting row : SettingsTable.ROWS) {
            if (!takesPath(row)) {
                continue;
            }
            if (row.key() != null) {
                values.computeIfPresent(row.key(), (k, v) -> resolveAll(v, row, caller));
            } else if (row.flag() != null) {
                actionValues.computeIfPresent(row.flag(), (k, v) -> resolveAll(v, row, caller));
            }
        }
        return new CommandLineOptions.Parsed(values, cli.actions(), actionValues);
    }

    /** The environment with the relative paths of its {@code AVQA_…} settings made absolute against {@code caller}. */
    public static Map<String, String> resolveEnvironment(Map<String, String> env, Path caller) {
        Map<String, String> resolved = new HashMap<>(env);
        for (Setting row : SettingsTable.ROWS) {
            if (row.key() != null && takesPath(row)) {
                resolved.computeIfPresent(Settings.envName(row.key()), (k, v) -> resolveAll(v, row, caller));
            }
        }
        return resolved;
    }

    /** A setting whose value names a file or folder (or a {@code file:} URL). */
    private static boolean takesPath(Setting row) {
        return row.label() != null && (row.label().equals("PATH") || row.label().startsWith("FILE")
                || row.label().equals("URL") && row.check() == Checks.METADATA_URL);
    }

    private static String resolveAll(String value, Setting row, Path caller) {
        if (row.kind() != Setting.Kind.LIST) {
            return resolve(value, caller);
        }
        // a repeated option's values are joined with commas
        return Arrays.stream(value.split(",", -1)).map(v -> resolve(v, caller)).collect(Collectors.joining(","));
    }

    /** One value: a relative path (or {@code file:} URL) made absolute against {@code caller}; a URL as it is. */
    static String resolve(String value, Path caller) {
        String v = value.trim();
        if (v.isEmpty() || v.startsWith("/")) {
            return value;
        }
        if (v.regionMatches(true, 0, "file:", 0, 5)) {
            String path = v.substring(5);
            return path.isEmpty() || path.startsWith("/") ? value
                    : "file:" + caller.resolve(path) + (path.endsWith("/") ? "/" : "");
        }
        if (v.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            return value;
        }
        return caller.resolve(v).toString();
    }
}
