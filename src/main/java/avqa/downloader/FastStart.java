package avqa.downloader;

import java.io.IOException;
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
 * given itself and the same arguments, standard streams and working directory (started outside the repository,
 * in the jar's repository, with the paths typed taken from where they were typed: {@link #repositoryToRunIn}); it passes SIGTERM, SIGINT
 * and SIGHUP on, and exits with the run's status. That costs the start of a JVM that loads a handful of
 * classes (about 0.1 s). The run itself watches this first JVM: should it be killed outright (kill -9),
 * the run stops its tools and ends at once, as a killed run does.
 *
 * <p>It runs in this JVM instead when it was started with options of its own for the class-data archive,
 * an agent (a debugger, a profiler), JMX, a flight recording or a log, or options in an {@code @argfile};
 * when a word of its command line does not survive this JVM's encoding; when there is nothing to add; or
 * with {@code -Davqa.relaunch=false}.
 * This class loads nothing of the application before it has decided, and the first JVM uses no lambda, stream
 * or string {@code +}: the first use of each sets up invokedynamic, which would cost the start some 50 ms.
 */
public final class FastStart {

    /** Set on the second JVM, to the first one's pid. */
    static final String RELAUNCHED = "avqa.relaunched";
    /** The directory a run started elsewhere was started from (the application's {@code CallerPaths.PROPERTY}). */
    static final String CALLER_DIR = "avqa.caller-dir";

    /**
     * JVM options after which the run stays in this JVM: the user chose the archive, attached an agent (a
     * debugger, a profiler), or asked for something that opens a port or writes a file (JMX, a flight
     * recording, a log), which two JVMs would both do; or the options are in a file ({@code @argfile}) that
     * this class does not read.
     */
    private static final List<String> OWN_CHOICE = List.of("-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
            "-XX:DumpLoadedClassList", "-Xshare", "-XX:+UseSharedSpaces", "-agentlib", "-agentpath", "-javaagent",
            "-Xrunjdwp", "-Xdebug", "-XX:StartFlightRecording", "-XX:FlightRecorderOptions", "-Dcom.sun.management",
            "-Xlog", "-Xloggc", "-verbose", "-XX:Flags=", "-XX:VMOptionsFile=");

    private FastStart() {
    }

    public static void main(String[] args) {
        List<String> command = command(args, System.getenv());
        Process run = null;
        if (command != null) {
            try {
                ProcessBuilder start = new ProcessBuilder(command).inheritIO();
                Path repository = repositoryToRunIn(Path.of(System.getProperty("java.class.path")), System.getenv());
                if (repository != null) {
                    start.directory(repository.toFile());
                }
                run = start.start();
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
     * its command line; JDK_JAVA_OPTIONS, JAVA_TOOL_OPTIONS and _JAVA_OPTIONS reach the second JVM through the
     * environment, and are read for what they choose), then what is missing of C1 only (with one compiler thread)
     * and the archive, then the jar's run with {@code args}.
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
        Path caller = repositoryToRunIn(Path.of(jar), env) == null ? null : Path.of("").toAbsolutePath();
        return command(Path.of(System.getProperty("java.home"), "bin", "java").toString(), options,
                String.join(" ", env.getOrDefault("JDK_JAVA_OPTIONS", ""), env.getOrDefault("JAVA_TOOL_OPTIONS", ""),
                        env.getOrDefault("_JAVA_OPTIONS", "")),
                Path.of(jar).toAbsolutePath(), ownPid(), args, caller);
    }

    /**
     * The repository the jar was built in ({@code REPO/target/NAME.jar}), when this JVM was started elsewhere: a
     * working directory with no {@code routes/} and no {@code application.properties} of its own, and no
     * {@code avqa.routes.dir} given. The run then runs there, as {@code scripts/avqa.sh} runs it, and takes the
     * relative paths typed here from here ({@value #CALLER_DIR}). Null otherwise.
     */
    static Path repositoryToRunIn(Path jar, Map<String, String> env) {
        Path here = Path.of("").toAbsolutePath();
        if (Files.isDirectory(here.resolve("routes")) || Files.exists(here.resolve("application.properties"))
                || System.getProperty("avqa.routes.dir") != null || env.containsKey("AVQA_ROUTES_DIR")) {
            return null;
        }
        Path target = jar.toAbsolutePath().normalize().getParent();
        Path repository = target == null ? null : target.getParent();
        return repository != null && Files.isDirectory(repository.resolve("routes")) && !repository.equals(here)
                ? repository : null;
    }

    /** Started where it runs, on a machine whose Linux gives no huge pages on request. */
    static List<String> command(String java, List<String> options, String fromEnvironment, Path jar, long pid, String[] args) {
        return command(java, options, fromEnvironment, jar, pid, args, null, false);
    }

    /** {@code caller}: where this JVM was started, when the run is to run in the jar's repository instead; else null. */
    static List<String> command(String java, List<String> options, String fromEnvironment, Path jar, long pid, String[] args,
                                Path caller) {
        return command(java, options, fromEnvironment, jar, pid, args, caller, hugePagesOnRequest(HUGE_PAGES));
    }

    /** {@code hugePages}: Linux gives transparent huge pages to the memory that asks for them ({@link #hugePagesOnRequest}). */
    static List<String> command(String java, List<String> options, String fromEnvironment, Path jar, long pid, String[] args,
                                Path caller, boolean hugePages) {
        String given = String.join(" ", options).concat(" ").concat(fromEnvironment);
        for (String own : OWN_CHOICE) {
            if (given.contains(own)) {
                return null;
            }
        }
        for (String option : options) {
            if (option.startsWith("@")) {
                return null;
            }
        }
        List<String> added = new ArrayList<>();
        if (!given.contains("-XX:TieredStopAtLevel") && !given.contains("TieredCompilation")) {
            added.add("-XX:TieredStopAtLevel=1");
            if (!given.contains("-XX:CICompilerCount")) {
                // one compiler thread, not two: on two cores the second competes with the main thread while the
                // run starts (0.12 s of the first request's 1.3 s); C2 needs two, so only with C1 only
                added.add("-XX:CICompilerCount=1");
            }
        }
        Path archive = archiveOf(jar);
        if (archive != null) {
            added.addAll(List.of("-XX:SharedArchiveFile=".concat(archive.toString()), "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        if (added.isEmpty() && caller == null) {
            return null; // the pages alone would not repay a second JVM's start
        }
        if (hugePages && !choosesPages(given)) {
            // Java's heap in 2 MB pages: a run touches some 100 MB of new heap before its first request, and 4 KB
            // pages cost it a fault each (the first request 0.1 s sooner, README)
            added.add("-XX:+UseTransparentHugePages");
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.addAll(added);
        command.add(property(RELAUNCHED, Long.toString(pid)));
        if (caller != null) {
            command.add(property(CALLER_DIR, caller.toString()));
        }
        command.addAll(List.of("-cp", jar.toString(), "avqa.downloader.AvqaDownloader"));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** {@code -Dname=value}, built without a string {@code +}, whose first use would set up invokedynamic in this JVM. */
    private static String property(String name, String value) {
        return new StringBuilder("-D").append(name).append('=').append(value).toString();
    }

    /**
     * Options with which the pages are the user's (huge pages or large ones chosen, shared memory), or with which
     * {@code -XX:+UseTransparentHugePages} would stop the JVM: ZGC (it then wants huge pages for shared memory, and a
     * tmpfs for {@code -XX:AllocateHeapAt}).
     */
    private static final String[] PAGES_CHOSEN = {"HugePages", "LargePage", "HugeTLBFS", "UseSHM", "UseZGC", "AllocateHeapAt"};

    static boolean choosesPages(String given) {
        for (String option : PAGES_CHOSEN) {
            if (given.contains(option)) {
                return true;
            }
        }
        return false;
    }

    /** Linux's setting for transparent huge pages. */
    static final Path HUGE_PAGES = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    /**
     * Whether Linux gives transparent huge pages to the memory that asks for them ({@code [madvise]} in {@code
     * setting}), the one mode in which {@code -XX:+UseTransparentHugePages} changes anything: with {@code [always]}
     * the heap has them already, and with {@code [never]} (or no such file) Java would print a warning.
     */
    static boolean hugePagesOnRequest(Path setting) {
        try {
            return new String(Files.readAllBytes(setting), java.nio.charset.StandardCharsets.US_ASCII).contains("[madvise]");
        } catch (IOException | RuntimeException none) {
            return false;
        }
    }

    /**
     * The class-data archive beside the jar ({@code name.jsa}), when it was made after the jar and is whole;
     * else null. A Java 17 archive cut short (a copy broken off) would crash the JVM that maps it, rather than
     * be refused: its header says where its last region ends, and the file must reach that far.
     */
    static Path archiveOf(Path jar) {
        String name = jar.getFileName().toString();
        Path archive = jar.resolveSibling(name.substring(0, name.length() - ".jar".length()).concat(".jsa"));
        try {
            return Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0 && whole(archive)
                    ? archive : null;
        } catch (IOException none) {
            return null;
        }
    }

    /** Magic and version of a dynamic class-data archive of Java 17 (HotSpot's cds.h). */
    private static final int DYNAMIC_MAGIC = 0xf00baba8;
    private static final int JAVA_17_VERSION = 11;
    /** Java 17's header: magic, crc, version, then 7 regions of 6 ints and 6 longs from offset 16. */
    private static final int REGIONS = 7;
    private static final int REGION_BYTES = 72;

    static boolean whole(Path archive) throws IOException {
        java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(16 + REGIONS * REGION_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long size;
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(archive)) {
            size = in.size();
            while (head.hasRemaining() && in.read(head) > 0) {
                // the header
            }
        }
        if (head.hasRemaining() || head.getInt(0) != DYNAMIC_MAGIC) {
            return false;
        }
        if (head.getInt(8) != JAVA_17_VERSION) {
            return true; // another Java's archive: that JVM checks it
        }
        for (int i = 0; i < REGIONS; i++) {
            int at = 16 + i * REGION_BYTES;
            long offset = head.getLong(at + 24);
            long used = head.getLong(at + 40);
            if (offset < 0 || used < 0 || offset + used > size) {
                return false;
            }
        }
        return true;
    }

    /**
     * The JVM options of this JVM's command line: what comes between the java command and {@code -jar}; null
     * when unreadable, or when a word of it does not read back as it was written in this JVM's encoding
     * ({@code sun.jnu.encoding}; a non-ASCII path under {@code LANG=C}): the second JVM would be given
     * something else.
     */
    static List<String> jvmOptions(Path cmdline) {
        try {
            java.nio.charset.Charset encoding = java.nio.charset.Charset.forName(
                    System.getProperty("sun.jnu.encoding", java.nio.charset.Charset.defaultCharset().name()));
            byte[] raw = Files.readAllBytes(cmdline);
            List<String> words = new ArrayList<>();
            int from = 0;
            for (int i = 0; i <= raw.length; i++) {
                if (i == raw.length ? i > from : raw[i] == 0) {
                    byte[] word = Arrays.copyOfRange(raw, from, i);
                    String read = new String(word, encoding);
                    if (!Arrays.equals(word, read.getBytes(encoding))) {
                        return null;
                    }
                    words.add(read);
                    from = i + 1;
                }
            }
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
                sun.misc.Signal.handle(new sun.misc.Signal(name), new sun.misc.SignalHandler() {
                    @Override
                    public void handle(sun.misc.Signal signal) {
                        pass(run, name);
                    }
                });
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
     * This JVM's process id, from Linux's /proc/self: ProcessHandle's first use sets up invokedynamic (its class's
     * lambdas) and a thread pool, which this JVM does not otherwise need before its run has started.
     */
    static long ownPid() {
        try {
            return Long.parseLong(Path.of("/proc/self").toRealPath().getFileName().toString());
        } catch (IOException | RuntimeException notLinux) {
            return ProcessHandle.current().pid();
        }
    }

    /** The parent process's id, from Linux's /proc/self/stat (its fourth field); -1 when it cannot be read. */
    static long parentPid() {
        try {
            return parentIn(new String(Files.readAllBytes(Path.of("/proc/self/stat")), java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException unreadable) {
            return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        }
    }

    /** The parent's id in a /proc/PID/stat line: "pid (name) state ppid ...", whose name may hold spaces and ')'. */
    static long parentIn(String stat) {
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 3);
        return Long.parseLong(after[1]);
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
            while (parentPid() == pid) {
                try {
                    Thread.sleep(100); // 0.15 ms of CPU a look: 0.15 % of a core
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
