package avqa.downloader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The jar's main class. A plain {@code java -jar avqa-downloader.jar} cannot carry the JVM options that
 * halve the time to the first request (a jar's manifest holds no JVM options): the class-data archive
 * beside the jar ({@code avqa-downloader.jsa}, made when the jar is built) and the C1 compiler only (see
 * {@code scripts/jvm.sh}). So it starts the run in a second JVM that has them, with the options it was
 * given itself and the same arguments, standard streams and working directory; it passes SIGTERM, SIGINT
 * and SIGHUP on, and exits with the run's status. That costs the start of a JVM that loads a handful of
 * classes (about 0.1 s). The run itself watches this first JVM: should it be killed outright (kill -9),
 * the run stops its tools and ends at once, as a killed run does.
 *
 * <p>It runs in this JVM instead when it was started with options of its own for the class-data archive
 * or an agent (a debugger, a profiler), when there is nothing to add, or with {@code -Davqa.relaunch=false}.
 * This class loads nothing of the application before it has decided.
 */
public final class FastStart {

    /** Set on the second JVM, to the first one's pid. */
    static final String RELAUNCHED = "avqa.relaunched";

    /** JVM options after which this JVM is left as it was started: the user chose the archive, or attached an agent. */
    private static final List<String> OWN_CHOICE = List.of("-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
            "-XX:DumpLoadedClassList", "-Xshare", "-XX:+UseSharedSpaces", "-agentlib", "-agentpath", "-javaagent",
            "-Xrunjdwp", "-Xdebug");

    private FastStart() {
    }

    public static void main(String[] args) {
        List<String> command = command(args, System.getenv());
        Process run = null;
        if (command != null) {
            try {
                run = new ProcessBuilder(command).inheritIO().start();
            } catch (IOException | RuntimeException cannotStart) {
                run = null;
            }
        }
        if (run == null) {
            AvqaDownloader.main(args);
            return;
        }
        passSignalsTo(run);
        int status;
        while (true) {
            try {
                status = run.waitFor();
                break;
            } catch (InterruptedException ignored) {
                // only the run's end ends this JVM
            }
        }
        System.exit(status);
    }

    /**
     * The command of the second JVM, or null to run here: this JVM's java, the options it was given (from
     * its command line; JDK_JAVA_OPTIONS and JAVA_TOOL_OPTIONS reach the second JVM through the
     * environment), then what is missing of C1 only and the archive, then the jar's run with {@code args}.
     */
    static List<String> command(String[] args, Map<String, String> env) {
        if ("false".equalsIgnoreCase(System.getProperty("avqa.relaunch")) || System.getProperty(RELAUNCHED) != null) {
            return null;
        }
        String jar = System.getProperty("java.class.path", "");
        String started = System.getProperty("sun.java.command", "");
        if (!jar.endsWith(".jar") || jar.contains(java.io.File.pathSeparator) || !started.startsWith(jar)) {
            return null; // not a java -jar of one jar: tests, or a class path of the user's own
        }
        List<String> options = jvmOptions(Path.of("/proc/self/cmdline"));
        if (options == null) {
            return null;
        }
        return command(Path.of(System.getProperty("java.home"), "bin", "java").toString(), options,
                String.join(" ", env.getOrDefault("JDK_JAVA_OPTIONS", ""), env.getOrDefault("JAVA_TOOL_OPTIONS", "")),
                Path.of(jar), ProcessHandle.current().pid(), args);
    }

    static List<String> command(String java, List<String> options, String fromEnvironment, Path jar, long pid, String[] args) {
        String given = String.join(" ", options) + " " + fromEnvironment;
        if (OWN_CHOICE.stream().anyMatch(given::contains)) {
            return null;
        }
        List<String> added = new ArrayList<>();
        if (!given.contains("-XX:TieredStopAtLevel") && !given.contains("TieredCompilation")) {
            added.add("-XX:TieredStopAtLevel=1");
        }
        Path archive = archiveOf(jar);
        if (archive != null) {
            added.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        if (added.isEmpty()) {
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.addAll(added);
        command.add("-D" + RELAUNCHED + "=" + pid);
        command.addAll(List.of("-cp", jar.toString(), "avqa.downloader.AvqaDownloader"));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** The class-data archive beside the jar ({@code name.jsa}), when it was made after the jar; else null. */
    static Path archiveOf(Path jar) {
        String name = jar.getFileName().toString();
        Path archive = jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + ".jsa");
        try {
            return Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0 ? archive : null;
        } catch (IOException none) {
            return null;
        }
    }

    /** The JVM options of this JVM's command line: what comes between the java command and {@code -jar}; null when unreadable. */
    static List<String> jvmOptions(Path cmdline) {
        try {
            List<String> words = Arrays.asList(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0"));
            int jar = words.indexOf("-jar");
            return jar < 1 ? null : new ArrayList<>(words.subList(1, jar));
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** SIGTERM, SIGINT and SIGHUP to this JVM go on to the run, which stops as it does on them; this JVM waits for it. */
    @SuppressWarnings("restriction")
    private static void passSignalsTo(Process run) {
        for (String name : List.of("TERM", "INT", "HUP")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> pass(run, name));
            } catch (IllegalArgumentException notHere) {
                // a signal this platform does not have
            }
        }
    }

    private static void pass(Process run, String signal) {
        if (signal.equals("TERM")) {
            run.destroy();
            return;
        }
        try {
            new ProcessBuilder("kill", "-s", signal, Long.toString(run.pid())).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException cannot) {
            run.destroy();
        }
    }

    /**
     * In the second JVM: should the first one go away without waiting for this one (killed outright),
     * the run's tools are stopped and this JVM ends at once with 137, as the killed run would have.
     */
    static void watchFirstJvm() {
        String first = System.getProperty(RELAUNCHED);
        if (first == null) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(first);
        } catch (NumberFormatException notOurs) {
            return;
        }
        Thread watch = new Thread(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == pid) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
            RunControl.stopChildProcesses();
            Runtime.getRuntime().halt(137);
        }, "avqa-first-jvm-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
