package avqa.downloader.settings;

import avqa.downloader.BadInputException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line, made by picocli from the option table: each row with a flag becomes an option;
 * what the user typed becomes property values (for {@link Settings#resolve}) and the actions chosen
 * ({@code --verify}, {@code --dry-run}, ...).
 */
public final class CommandLineOptions {

    /** What the command line said. */
    public record Parsed(Map<String, String> values, Set<String> actions, Map<String, String> actionValues) {
        public boolean has(String action) {
            return actions.contains(action);
        }

        public String actionValue(String flag) {
            return actionValues.get(flag);
        }
    }

    private CommandLineOptions() {
    }

    static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("avqa-downloader");
        spec.usageMessage().sortOptions(false).autoWidth(true).description(
                "Assembles the MUSIC-AVQA dataset: annotations, videos and WAV audio, verified and resumable.",
                "Reads application.properties and routes/*.yaml from the repository root; every option is also a property "
                        + "(-Dprop=… or an environment variable: avqa.workers is AVQA_WORKERS).")
                .footer("", "Exit status: 0 every video that has a source is complete; 1 some failed or the run stopped "
                        + "early; 2 bad options, unreadable input or missing yt-dlp/ffmpeg; 3 another process holds the "
                        + "data directory.");
        for (Setting row : SettingsTable.ROWS) {
            if (row.flag() == null) {
                continue;
            }
            OptionSpec.Builder b = OptionSpec.builder(row.flag().equals("--help") ? new String[] {"-h", "--help"}
                    : new String[] {row.flag()});
            String help = row.help() + (row.key() == null ? "" : " (" + row.key()
                    + (row.value() == null || row.value().isEmpty() || row.kind() == Setting.Kind.ON
                    || row.kind() == Setting.Kind.OFF ? "" : ", default " + row.value()) + ")");
            b.description(help);
            switch (row.kind()) {
                case VALUE, ACTION_VALUE -> b.type(String.class).paramLabel(row.label());
                case LIST -> b.type(List.class).auxiliaryTypes(String.class).paramLabel(row.label());
                default -> b.arity("0").type(boolean.class);
            }
            if (row.flag().equals("--help")) {
                b.usageHelp(true);
            }
            spec.addOption(b.build());
        }
        return spec;
    }

    /**
     * An argument no option takes, in our words: picocli's names its place in the argument list ("at
     * index 12"), which nobody counts; an unknown option gets the options it may have meant.
     */
    static String unmatched(CommandLine.UnmatchedArgumentException e) {
        List<String> args = e.getUnmatched();
        String typed = args.isEmpty() ? "" : args.get(0);
        // as typed, but a URL's password masked and control characters escaped
        String first = avqa.downloader.Redact.text(avqa.downloader.Redact.secrets(typed), 200);
        if (typed.startsWith("-")) {
            List<String> near = e.getSuggestions();
            return "unknown option '" + first + "'" + (near.isEmpty() ? "" : "; did you mean "
                    + String.join(" or ", near.subList(0, Math.min(3, near.size()))) + "?");
        }
        return "unexpected argument '" + first + "': the tool takes options only, each value after its option "
                + "(--name VALUE; quote a value with spaces)";
    }

    /** Parses the arguments; a bad one is a {@link BadInputException} in picocli's words. */
    public static Parsed parse(String[] args) {
        CommandLine cli = new CommandLine(spec());
        cli.setOverwrittenOptionsAllowed(true);
        ParseResult result;
        try {
            result = cli.parseArgs(args);
        } catch (CommandLine.UnmatchedArgumentException e) {
            throw new BadInputException(unmatched(e) + " (see --help)");
        } catch (CommandLine.ParameterException e) {
            throw new BadInputException(e.getMessage() + " (see --help)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> actions = new LinkedHashSet<>();
        Map<String, String> actionValues = new LinkedHashMap<>();
        for (Setting row : SettingsTable.ROWS) {
            if (row.flag() == null || !result.hasMatchedOption(row.flag())) {
                continue;
            }
            Object v = result.matchedOptionValue(row.flag(), null);
            switch (row.kind()) {
                case VALUE -> values.put(row.key(), String.valueOf(v));
                case LIST -> {
                    List<String> given = result.<List<String>>matchedOptionValue(row.flag(), List.of());
                    if (given.stream().anyMatch(String::isBlank)) {
                        throw new BadInputException(row.flag() + ": an empty value; expected " + row.label()
                                + " (see --help)");
                    }
                    values.put(row.key(), String.join(",", given));
                }
                case ON -> values.put(row.key(), "true");
                case OFF -> values.put(row.key(), "false");
                case ACTION -> actions.add(row.flag());
                case ACTION_VALUE -> actionValues.put(row.flag(), String.valueOf(v));
                default -> throw new IllegalStateException(row.toString());
            }
        }
        return new Parsed(values, actions, actionValues);
    }

    public static void usage(PrintStream out) {
        new CommandLine(spec()).usage(out);
    }
}
