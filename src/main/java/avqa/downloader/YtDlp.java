package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.apache.camel.component.exec.ExecResult;

/**
 * yt-dlp: its argument list for one attempt (handed to camel-exec as a List, never a shell string;
 * the URL after {@code --}), and what its run left behind: the downloaded file, or the failure its
 * exit status and stderr mean. A batch's run is {@link YtDlpBatch}'s.
 */
public final class YtDlp {

    private static final String FORMAT_FILE = "format_id.txt";

    private final Settings settings;
    final FailureClassifier classifier;
    private final ToolVersions tools;
    final GenericPages genericPages;
    final long timeoutSeconds;

    private ProxyConfigFile proxyConfig;

    public YtDlp(Settings settings, FailureClassifier classifier, ToolVersions tools, GenericPages genericPages) {
        this.settings = settings;
        this.classifier = classifier;
        this.tools = tools;
        this.genericPages = genericPages;
        this.timeoutSeconds = Math.round(settings.getSeconds("avqa.download.timeout"));
    }

    public List<String> args(@Variable("job") VideoJob job) {
        String url = job.url();
        if (!VideoIdRules.isHttp(url)) {
            throw new IllegalArgumentException("refusing to build a yt-dlp command for an unchecked URL");
        }
        boolean youtube = VideoIdRules.isYoutubeUrl(url);
        if (youtube) {
            url = VideoIdRules.plainYoutubeUrl(url);
        }
        if (youtube && tools.tooOldForYoutube()) {
            // nothing is sent: this yt-dlp cannot extract YouTube's formats (a cluster worker meets this here)
            throw classifier.raise(tooOld(tools), url);
        }
        String dir = job.workDir().toString().replace("%", "%%");
        // the format it chose, for the provenance record, and the extractor that found it
        List<String> args = common(dir + "/video.%(ext)s", "after_move:%(format_id)s\t%(extractor)s", dir + "/" + FORMAT_FILE);
        if (youtube) {
            args.addAll(tools.youtubeArgs());
        } else {
            onlyGenericFor(List.of(url), args);
        }
        addCookies(args, job);
        if (Redact.secrets(url).equals(url)) {
            args.add("--");
            args.add(url);
        } else {
            // a URL with credentials in it is handed over in a file only we can read, not on the command line
            args.add("--batch-file");
            args.add(privateFile(job.workDir().resolve("url.txt"), (url + "\n").getBytes(StandardCharsets.UTF_8)).toString());
        }
        return args;
    }

    /** The options of every yt-dlp run: where it writes, what it keeps, what it prints where. */
    List<String> common(String output, String print, String printFile) {
        String format = settings.get("avqa.video-format");
        List<String> args = new ArrayList<>(List.of(
                "--ignore-config", "--no-playlist", "--no-progress", "--no-mtime", "--no-overwrites",
                // pages the source answers instead of a video are kept in the work directory, so a
                // bot-check or rate-limit page can be told from a wrong URL
                "--write-pages",
                // no retry of its own: each request passes the pacing, and a failure the backoff (a 503 was asked
                // four times at once); a fragment it cannot get fails the download instead of leaving a hole
                "--retries", "0", "--fragment-retries", "0", "--extractor-retries", "0",
                "--abort-on-unavailable-fragments", "--socket-timeout", "30",
                "--format", settings.get("avqa.download.format"),
                "--merge-output-format", format, "--remux-video", format,
                "--limit-rate", settings.get("avqa.rate-limit"),
                "--max-filesize", String.valueOf(settings.bytes("avqa.download.max-size")),
                "--output", output,
                "--print-to-file", print, printFile));
        if (takesCurrentOptions()) {
            // no "your yt-dlp is older than 90 days" nag, which became a failure's last_error
            args.add("--no-update");
        }
        if (!settings.get("avqa.proxy").isEmpty()) {
            // not on the command line, where any user of the machine sees it: in a file only we can read
            args.add("--config-locations");
            args.add(proxyConfig().toString());
        }
        return args;
    }

    /**
     * When yt-dlp's generic extractors delivered the videos of each URL's source before, it is given those
     * alone ({@link GenericPages}).
     */
    void onlyGenericFor(List<String> urls, List<String> args) {
        if (takesCurrentOptions() && !urls.isEmpty() && urls.stream().allMatch(genericPages::known)) {
            args.addAll(GenericPages.ONLY_GENERIC);
        }
    }

    /**
     * Whether a failed start was given the generic extractors alone and found no video in the page (one that
     * embeds another site's player, which only that site's extractor finds), a failure that is the
     * restriction's, not the video's: its source then gets every extractor again.
     */
    boolean foundNothingRestricted(VideoFailure f, List<String> args, String stderr, String url) {
        if (!GenericPages.restricted(args) || !f.category().equals(VideoFailure.PERMANENT)
                || !FailureClassifier.foundNoVideo(stderr)) {
            return false;
        }
        genericPages.forget(url);
        return true;
    }

    /**
     * Whether this yt-dlp takes {@code --no-update} (2023 on, surely: Debian's 2023.03.04 does; an older one
     * would refuse every start with it), and {@code --use-extractors} (2022.11.11 on). Its version is asked
     * once a run, as the provenance record asks it.
     */
    private boolean takesCurrentOptions() {
        java.time.LocalDate d = tools.ytDlpDate();
        return d != null && !d.isBefore(java.time.LocalDate.of(2023, 1, 1));
    }

    static Path privateFile(Path file, byte[] content) {
        try {
            AtomicFiles.writePrivate(file, content);
        } catch (IOException e) {
            throw new BadInputException("cannot write " + file + ": " + FileTrees.describe(e));
        }
        return file;
    }

    /** The failure of a YouTube download refused before any request: this yt-dlp is too old for YouTube. */
    static VideoFailure tooOld(ToolVersions tools) {
        return new VideoFailure.ToolOutdated("yt-dlp " + tools.ytDlpVersion() + " is older than "
                + ToolVersions.YOUTUBE_MINIMUM.toString().replace('-', '.') + " and cannot fetch from YouTube; "
                + "not requested. Update it: " + ToolVersions.HOW_TO_UPDATE, "refused before any request");
    }

    /** With --cookies: the option and this attempt's private copy of the cookies file. */
    void addCookies(List<String> args, VideoJob job) {
        if (!settings.get("avqa.cookies").isEmpty()) {
            args.add("--cookies");
            args.add(privateCookies(job).toString());
        }
    }

    /**
     * A copy of the cookies file for this attempt, in its work directory and readable by us only: yt-dlp
     * rewrites the cookies it is given, and neither the user's file nor another worker's copy must change.
     */
    private Path privateCookies(VideoJob job) {
        Path copy = job.workDir().resolve("cookies.txt");
        try {
            Files.deleteIfExists(copy);
            Files.createFile(copy);
            AtomicFiles.ownerOnly(copy);
            Files.write(copy, Files.readAllBytes(Path.of(settings.get("avqa.cookies"))));
        } catch (IOException e) {
            throw new BadInputException("cannot copy the cookies file " + settings.get("avqa.cookies") + ": "
                    + FileTrees.describe(e));
        }
        return copy;
    }

    /** The proxy, for --config-locations: a private config file in the machine's temporary directory. */
    private synchronized Path proxyConfig() {
        if (proxyConfig != null && proxyConfig.present()) {
            return proxyConfig.path();
        }
        if (proxyConfig != null) {
            proxyConfig.discard();
        }
        try {
            proxyConfig = ProxyConfigFile.write(settings.get("avqa.proxy"), Path.of(System.getProperty("java.io.tmpdir")));
            return proxyConfig.path();
        } catch (IOException | UnsupportedOperationException e) {
            throw new BadInputException("cannot write a private yt-dlp config for the proxy in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage());
        }
    }

    /** What yt-dlp says of a file over --max-filesize whose length was announced. */
    static final String TOO_LARGE = "larger than max-filesize";

    /** A yt-dlp run starting now, under avqa.download.timeout (the exec endpoint's timeout). */
    public TimedRun timedRun() {
        return TimedRun.starting(settings.millis("avqa.download.timeout"));
    }

    /**
     * The file a successful run wrote becomes the job's video; otherwise the classified failure is
     * thrown (an IP-wide one starts the cool-down; a signal before the run's timeout was from outside).
     */
    public void outcome(@Variable("job") VideoJob job, @Body ExecResult result, @Variable("ytDlpRun") TimedRun run) {
        String stderr = FailureClassifier.text(result.getStderr());
        if (result.getExitValue() != 0) {
            classifier.checkDisk(stderr);
            VideoFailure f = FailureClassifier.ytDlp(result.getExitValue(), stderr, WorkArea.savedPages(job.workDir()),
                    timeoutSeconds, run.timeoutPassed());
            if (foundNothingRestricted(f, result.getCommand().getArgs(), stderr, job.url())) {
                // asked again at once, with every extractor, in the same attempt (07's download-attempt)
                throw new GenericPages.FoundNothing();
            }
            throw classifier.raise(f, job.url());
        }
        classifier.ytDlpWorked();
        String[] printed = printed(job.workDir());
        job.fetched().byYtDlp(formatId(printed[0]));
        Path file = WorkArea.downloadedFile(job.workDir());
        // yt-dlp says so on its standard output, and exits 0, having written nothing
        String stdout = file == null ? FailureClassifier.text(result.getStdout()) : "";
        if (file == null && (stderr.contains(TOO_LARGE) || stdout.contains(TOO_LARGE))) {
            throw FailureClassifier.ytDlp(1, stdout.lines().filter(l -> l.contains(TOO_LARGE)).findFirst().orElse(stderr),
                    timeoutSeconds);
        }
        if (file == null) {
            throw new VideoFailure.InvalidOutput("yt-dlp reported success but wrote no file",
                    FailureClassifier.lastError(stderr));
        }
        genericPages.delivered(job.url(), printed.length > 1 ? printed[1] : "");
        job.video(file);
    }

    /** A format id yt-dlp printed (a server's words: checked, at most 100 plain characters), or "". */
    static String formatId(String printed) {
        return printed.matches("[A-Za-z0-9+_.,-]{1,100}") ? printed : "";
    }

    /** What yt-dlp printed into the work directory after the move: the format id and the extractor's name. */
    static String[] printed(Path workDir) {
        try {
            Path f = workDir.resolve(FORMAT_FILE);
            if (!Files.isRegularFile(f) || Files.size(f) > 4096) {
                return new String[] {""};
            }
            return Files.readString(f, StandardCharsets.UTF_8).strip().split("\t", 2);
        } catch (IOException | java.io.UncheckedIOException e) {
            return new String[] {""};
        }
    }
}
