package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which yt-dlp and which JavaScript runtime this run uses, and their versions. Each is found and
 * asked for its version once ({@code yt-dlp --version}, {@code deno --version}, {@code node --version}):
 * yt-dlp's and ffmpeg's while a run that downloads starts when the videos' source is not a plain media file and it
 * imports no archive from this disk ({@link #askAhead}; not on a planner), ffmpeg's at the fast path's first answer
 * when it is, or at the first audio of a run that imports ({@link #askFfmpegAhead}), the rest when first needed.
 */
public final class ToolVersions {

    /** yt-dlp's maintainers: YouTube's web formats cannot be extracted by versions before this one. */
    public static final LocalDate YOUTUBE_MINIMUM = LocalDate.of(2024, 7, 25);
    /** The first yt-dlp that takes {@code --js-runtimes} and {@code --remote-components}. */
    public static final LocalDate JS_RUNTIMES_SINCE = LocalDate.of(2025, 11, 12);
    /** Where scripts/avqa.sh puts a private deno when none is on PATH. */
    static final String PRIVATE_DENO = ".tools/deno/bin/deno";
    /** How to get a current yt-dlp, in the words every message uses. */
    public static final String HOW_TO_UPDATE = "scripts/avqa.sh sets up a current one in .tools/yt-dlp, "
            + "or: pip install -U \"yt-dlp[default]\"";

    private static final Pattern DATE_VERSION = Pattern.compile("(\\d{4})\\.(\\d{1,2})\\.(\\d{1,2})");
    private static final Pattern NUMBER_VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** A JavaScript runtime as yt-dlp takes it ({@code node:/usr/bin/node}), with the version it gave. */
    public record Runtime(String name, String path, String version) {
        public String argument() {
            return path == null ? name : name + ":" + path;
        }
    }

    private final String ytDlp;
    private final String runtimeSetting;
    private final List<String> remoteComponents;
    private final Path home;
    /** Each tool's version has its own lock: a yt-dlp slow to answer does not hold up ffmpeg's. */
    private final Object ytDlpLock = new Object();
    private final Object ffmpegLock = new Object();
    private String ytDlpVersion;
    private boolean runtimeFound;
    private Runtime runtime;

    private final String ffmpeg;
    private String ffmpegVersion;
    private final AtomicBoolean ffmpegAskedAhead = new AtomicBoolean();

    public ToolVersions(Settings settings) {
        this.ytDlp = settings.get("avqa.tools.yt-dlp");
        this.ffmpeg = settings.get("avqa.tools.ffmpeg");
        this.runtimeSetting = settings.get("avqa.tools.js-runtime");
        String rc = settings.get("avqa.tools.remote-components");
        this.remoteComponents = rc.isEmpty() ? List.of() : List.of(rc.split(","));
        this.home = settings.home();
    }

    /** The yt-dlp program as configured (a path, or a name looked up on PATH). */
    public String ytDlp() {
        return ytDlp;
    }

    /** yt-dlp's absolute path, or null when it cannot be found. */
    public String ytDlpPath() {
        Path p = which(ytDlp);
        return p == null ? null : p.toString();
    }

    /**
     * Asks ffmpeg and yt-dlp for their versions on a thread of its own while a run whose videos come through yt-dlp
     * starts: its first download would wait for yt-dlp's (which options it takes), its first record for ffmpeg's. On
     * two cores, asked when first needed they held up a run of 40 videos in two batches by about 0.2 s.
     */
    public void askAhead() {
        ffmpegAskedAhead.set(true);
        ahead(() -> {
            ffmpegVersion();
            ytDlpVersion();
        });
    }

    /**
     * Asks ffmpeg alone for its version, on a thread of its own, the first time this is called: the fast path calls it
     * at each answer (route fetch-media-file), so that ffmpeg starts while the first video's body is on its way and has
     * answered before that video's record. Asked as the run started, it took a core from the JVM's start on two cores:
     * the first request came 0.12 s later (README).
     */
    public void askFfmpegAhead() {
        if (!ffmpegAskedAhead.get() && ffmpegAskedAhead.compareAndSet(false, true)) {
            ahead(this::ffmpegVersion);
        }
    }

    private static void ahead(Runnable ask) {
        Thread ahead = new Thread(ask, "avqa-tool-versions");
        ahead.setDaemon(true);
        ahead.start();
    }

    /** yt-dlp's version as it prints it ({@code 2026.08.19}); empty when it cannot be run. */
    public String ytDlpVersion() {
        synchronized (ytDlpLock) {
            if (ytDlpVersion == null) {
                ytDlpVersion = firstLine(List.of(ytDlp, "--version"));
            }
            return ytDlpVersion;
        }
    }

    /** ffmpeg's version ({@code 5.1.8-0+deb12u1}), asked once; empty when it cannot be run. */
    public String ffmpegVersion() {
        synchronized (ffmpegLock) {
            if (ffmpegVersion == null) {
                String line = firstLine(List.of(ffmpeg, "-version"));
                ffmpegVersion = line.startsWith("ffmpeg version ") ? line.substring(15).split(" ")[0] : line;
            }
            return ffmpegVersion;
        }
    }

    /** The day yt-dlp's version names, or null when it names none. */
    public LocalDate ytDlpDate() {
        return releaseDate(ytDlpVersion());
    }

    /** yt-dlp's version names a day before {@link #YOUTUBE_MINIMUM}: YouTube will not work with it. */
    public boolean tooOldForYoutube() {
        LocalDate d = ytDlpDate();
        return d != null && d.isBefore(YOUTUBE_MINIMUM);
    }

    /** Whether this yt-dlp takes {@code --js-runtimes} (2025.11.12 or later). */
    public boolean takesJsRuntimes() {
        LocalDate d = ytDlpDate();
        return d != null && !d.isBefore(JS_RUNTIMES_SINCE);
    }

    /**
     * The JavaScript runtime yt-dlp is given for YouTube: as set, or with {@code auto} deno 2.0 or later
     * (on PATH, or the one scripts/avqa.sh put in .tools/deno), else node 20 or later on PATH; null with
     * {@code none} or when none is found.
     */
    public synchronized Runtime jsRuntime() {
        if (!runtimeFound) {
            runtimeFound = true;
            runtime = findRuntime();
        }
        return runtime;
    }

    private Runtime findRuntime() {
        if (runtimeSetting.equals("none")) {
            return null;
        }
        if (!runtimeSetting.equals("auto")) {
            int colon = runtimeSetting.indexOf(':');
            String name = colon < 0 ? runtimeSetting : runtimeSetting.substring(0, colon);
            Path p = which(colon < 0 ? name : runtimeSetting.substring(colon + 1));
            String path = p != null ? p.toString() : colon < 0 ? null : runtimeSetting.substring(colon + 1);
            return new Runtime(name, path, path == null ? "" : firstLine(List.of(path, "--version")));
        }
        for (String deno : List.of("deno", home.resolve(PRIVATE_DENO).toString())) {
            Runtime r = probe("deno", deno, 2);
            if (r != null) {
                return r;
            }
        }
        return probe("node", "node", 20);
    }

    /** The runtime {@code program} if it runs and its major version is at least {@code minMajor}. */
    private static Runtime probe(String name, String program, int minMajor) {
        Path p = which(program);
        if (p == null) {
            return null;
        }
        String version = firstLine(List.of(p.toString(), "--version"));
        Matcher m = NUMBER_VERSION.matcher(version);
        return m.find() && Integer.parseInt(m.group(1)) >= minMajor
                ? new Runtime(name, p.toString(), m.group()) : null;
    }

    /**
     * What yt-dlp needs for YouTube beyond the common arguments: the JavaScript runtime and the remote
     * components, for a yt-dlp that takes them.
     */
    public List<String> youtubeArgs() {
        List<String> args = new ArrayList<>();
        if (!takesJsRuntimes()) {
            return args;
        }
        Runtime r = jsRuntime();
        if (r != null) {
            // only this runtime: yt-dlp would otherwise prefer a deno it finds on PATH
            args.addAll(List.of("--no-js-runtimes", "--js-runtimes", r.argument()));
        }
        for (String c : remoteComponents) {
            args.addAll(List.of("--remote-components", c));
        }
        return args;
    }

    public List<String> remoteComponents() {
        return remoteComponents;
    }

    /** {@code 2026.08.19} (or a nightly's {@code 2026.08.19.123456}) as a day; null for anything else. */
    static LocalDate releaseDate(String version) {
        Matcher m = DATE_VERSION.matcher(version == null ? "" : version);
        if (!m.lookingAt()) {
            return null;
        }
        try {
            return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** A program by path, or looked up on PATH; null when it is not there or cannot be run. */
    public static Path which(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program).toAbsolutePath().normalize();
            return Files.isExecutable(p) && !Files.isDirectory(p) ? p : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toAbsolutePath();
            }
        }
        return null;
    }

    /** The first line a command prints (stdout and stderr), or empty when it cannot be run in 20 s. */
    public static String firstLine(List<String> command) {
        return output(command, 20).lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }

    /**
     * What a command prints (stdout and stderr together), or empty when it cannot be run in time. Read through the pipe
     * and never from a file: a version is asked on a daemon thread while a run starts, and a run that ends meanwhile
     * (a bad option, a host that does not resolve) would leave a file in /tmp. Only what is there is read, never
     * waiting on the pipe, so that a child the command leaves behind holding it open costs nothing.
     */
    public static String output(List<String> command, int timeoutSeconds) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return "";
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            // emptied while it runs, so that a long answer never fills the pipe and stalls the command
            while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
                printed.write(in.readNBytes(in.available()));
                if (System.nanoTime() - deadline > 0) {
                    p.destroyForcibly();
                    return "";
                }
            }
            for (int ready = in.available(); ready > 0; ready = in.available()) {
                printed.write(in.readNBytes(ready));
            }
            return printed.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            p.destroyForcibly();
            return "";
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
