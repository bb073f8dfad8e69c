package avqa.downloader;

import avqa.downloader.settings.CommandLineOptions;
import java.nio.file.Path;
import java.util.Map;

/**
 * The command line: {@code java -jar avqa-downloader.jar [options]}, run from the repository root.
 * The options come from the option table ({@code settings.SettingsTable}); {@link Launcher} does the
 * rest. Exit status: 0 every video that has a source is complete, 1 some failed, 2 bad options or
 * input or a missing tool, 3 another process holds the data directory.
 */
public final class AvqaDownloader {

    private AvqaDownloader() {
    }

    public static void main(String[] args) {
        FastStart.watchFirstJvm();
        ClassPreloader.start();
        System.exit(run(args, Path.of("").toAbsolutePath(), System.getenv()));
    }

    /** Runs the command line against the repository root {@code home}; returns the exit status. */
    public static int run(String[] args, Path home, Map<String, String> env) {
        CommandLineOptions.Parsed cli;
        try {
            cli = CommandLineOptions.parse(args);
        } catch (BadInputException e) {
            return Launcher.fail(2, e.getMessage());
        }
        if (cli.has("--help")) {
            CommandLineOptions.usage(System.out);
            return 0;
        }
        return new Launcher(home, env, cli).launch();
    }
}
