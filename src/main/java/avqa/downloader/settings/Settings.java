package avqa.downloader.settings;

import avqa.downloader.BadInputException;
import avqa.downloader.Dataset;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of the option table, resolved once per run with the precedence a user expects:
 * command line, then {@code -Davqa.x=…}, then the environment ({@code AVQA_X}), then
 * {@code ./application.properties}, then the built-in default. Each value passes its row's check,
 * then the checks that look at several settings at once; a bad value gets one clear line.
 */
public final class Settings {

    private final Map<String, String> values;
    private final Path home;
    private final ProxyEnvironment proxies;

    private Settings(Map<String, String> values, Path home, ProxyEnvironment proxies) {
        this.values = values;
        this.home = home;
        this.proxies = proxies;
    }

    /**
     * Resolves every setting.
     *
     * @param commandLine values given as options, by property
     * @param propertiesFile {@code ./application.properties} (may be missing)
     * @param system system properties
     * @param env the environment
     */
    public static Settings resolve(Map<String, String> commandLine, Path propertiesFile, Properties system,
                                   Map<String, String> env) {
        Properties file = new Properties();
        if (Files.isRegularFile(propertiesFile)) {
            try (Reader r = Files.newBufferedReader(propertiesFile)) {
                file.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new BadInputException("cannot read " + propertiesFile + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> v = new LinkedHashMap<>();
        for (Setting row : SettingsTable.ROWS) {
            String key = row.key();
            if (key == null) {
                continue;
            }
            String value = commandLine.get(key);
            if (value == null) {
                value = system.getProperty(key);
            }
            if (value == null) {
                value = env.get(envName(key));
            }
            if (value == null) {
                value = file.getProperty(key);
            }
            if (value == null) {
                value = row.value();
            }
            v.put(key, value.trim());
        }
        Settings s = new Settings(v, propertiesFile.toAbsolutePath().normalize().getParent(), ProxyEnvironment.from(env));
        s.check();
        return s;
    }

    /** {@code avqa.throttle.max-requests} → {@code AVQA_THROTTLE_MAX_REQUESTS}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private void check() {
        for (Setting row : SettingsTable.ROWS) {
            if (row.key() != null && row.check() != null) {
                String expected = row.check().expected(get(row.key()));
                if (expected != null) {
                    throw bad(row.name(), get(row.key()), expected);
                }
            }
        }
        SettingRules.check(this);
    }

    /** Replaces a value that depends on another (a dataset's default URL, say); only while checking. */
    void put(String key, String value) {
        values.put(key, value);
    }

    static BadInputException bad(String option, String value, String expected) {
        return new BadInputException(option + ": '" + avqa.downloader.Redact.text(avqa.downloader.Redact.secrets(value), 200)
                + "' is not valid; expected " + expected);
    }

    /** The HTTP proxies the environment names (http_proxy, https_proxy, all_proxy, no_proxy), for this tool's own requests. */
    public ProxyEnvironment proxies() {
        return proxies;
    }

    /** planner or worker: the run is spread over hosts through the broker and the database. */
    public boolean clustered() {
        return !get("avqa.role").equals("all");
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown setting " + key);
        }
        return v;
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public double getSeconds(String key) {
        return Double.parseDouble(get(key));
    }

    public long millis(String key) {
        return Math.round(getSeconds(key) * 1000);
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /** The splits asked for, each once, in the order first given ({@code --splits test,test} is the test split). */
    public List<String> splits() {
        return Arrays.stream(get("avqa.metadata.splits").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).distinct().toList();
    }

    public Dataset dataset() {
        return Dataset.byId(get("avqa.dataset"));
    }

    /** The repository root the run started from (where application.properties, routes/ and .tools/ are). */
    public Path home() {
        return home;
    }

    public Path dataDir() {
        return Path.of(get("avqa.data-dir")).toAbsolutePath().normalize();
    }

    /** The values by property, for code that needs them all (the Camel properties). */
    Map<String, String> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /**
     * The resolved settings, for the run summary: passwords are not written down, nor the credentials
     * inside a URL (a proxy's, a database's, a mirror's).
     */
    public Map<String, String> asMap() {
        Map<String, String> shown = new LinkedHashMap<>(values);
        shown.replaceAll((k, v) -> k.endsWith("password") && !v.isEmpty() ? "(set)" : avqa.downloader.Redact.secrets(v));
        return java.util.Collections.unmodifiableMap(shown);
    }

    /** A comma-separated list of paths (manifests, archives), each checked to be a readable file. */
    public List<Path> files(String key) {
        List<Path> out = new java.util.ArrayList<>();
        for (String f : get(key).split(",")) {
            if (!f.isBlank()) {
                Path p = Path.of(f.strip()).toAbsolutePath().normalize();
                if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                    Setting row = SettingsTable.row(key);
                    // named as the user gave it: the option's flag when it has one
                    throw new BadInputException((row != null && row.flag() != null ? row.flag() : key) + ": cannot read "
                            + avqa.downloader.Redact.text(p.toString(), 300));
                }
                out.add(p);
            }
        }
        return out;
    }

    /** The --import-archive values that are http(s) URLs, to download first; one given twice is one. */
    public List<String> archiveUrls() {
        return list("avqa.import-archives").stream().filter(Settings::isUrl).distinct().toList();
    }

    /** The --import-archive values that are files (a split archive: its first part). */
    public List<Path> archiveFiles() {
        return list("avqa.import-archives").stream().filter(v -> !isUrl(v))
                .map(v -> Path.of(v).toAbsolutePath().normalize()).toList();
    }

    /** Whether a run imports archives: --import-archive (files, folders or URLs), or the dataset's own to download. */
    public boolean importsArchives() {
        return !list("avqa.import-archives").isEmpty()
                || flag("avqa.archive.download") && !get("avqa.archive.url").isEmpty();
    }

    static boolean isUrl(String v) {
        String l = v.toLowerCase(Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://");
    }

    /** A comma-separated setting as its values. */
    List<String> list(String key) {
        return Arrays.stream(get(key).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** A size setting ({@code 500M}, {@code 4G}) in bytes. */
    public long bytes(String key) {
        return sizeInBytes(get(key));
    }

    /** {@code 500M}, {@code 4G}, {@code 1024} in bytes. */
    static long sizeInBytes(String size) {
        String v = size.toUpperCase(Locale.ROOT);
        int shift = switch (v.charAt(v.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        String number = shift == 0 ? v : v.substring(0, v.length() - 1);
        return (long) (Double.parseDouble(number) * (1L << shift));
    }

    /** For a {@code file:} metadata URL, the absolute directory it names; empty for http(s). */
    public String metadataDir() {
        String base = get("avqa.metadata.base-url");
        if (!base.startsWith("file:")) {
            return "";
        }
        String path = base.substring("file:".length());
        if (path.startsWith("//")) {
            path = java.net.URI.create(base).getPath();
        }
        return Path.of(path).toAbsolutePath().normalize().toString();
    }
}
