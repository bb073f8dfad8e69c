package avqa.downloader;

import avqa.downloader.settings.CallerPaths;
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
        FatalErrorExit.watchUncaught();
        ClassPreloader.start();
        System.exit(run(args, Path.of("").toAbsolutePath(), System.getenv()));
    }

    /** Runs the command line against the repository root {@code home}; returns the exit status. */
    public static int run(String[] args, Path home, Map<String, String> env) {
        for (String arg : args) {
            if (arg.indexOf('\uFFFD') >= 0) {
                // the JVM read bytes its locale's encoding cannot hold: a path would name another file, or none
                return Launcher.fail(2, "an argument holds characters that this locale cannot read (its encoding is "
                        + System.getProperty("sun.jnu.encoding") + "): " + Redact.text(arg, 200)
                        + "; run with a UTF-8 locale, such as LANG=C.UTF-8");
            }
        }
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
        Path caller = CallerPaths.callerDir();
        if (caller != null) {
            // started from elsewhere: the paths typed there are the user's, not the repository's
            cli = CallerPaths.resolve(cli, caller);
            env = CallerPaths.resolveEnvironment(env, caller);
        }
        try {
            return new Launcher(home, env, cli).launch();
        } catch (java.nio.file.InvalidPathException e) {
            // a path the file system cannot hold, met while setting up (the locale's encoding, a NUL)
            return Launcher.fail(2, "not a path this machine can use: " + Redact.text(e.getInput(), 200) + " ("
                    + e.getReason() + ")");
        }
    }
}
