package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place that decides what a failure means: yt-dlp's words, ffmpeg's exit, an HTTP answer or
 * a web page served instead of a video become a {@link VideoFailure} of the right category. An
 * IP-wide signal (429, "try again later", a bot check) starts the cool-down for every worker here,
 * and only here.
 */
public final class FailureClassifier {

    /** Exit statuses of a process that the exec timeout (or a signal) killed. */
    static final List<Integer> KILLED = List.of(-1, 137, 143);

    private record Rule(Pattern pattern, String category, String reason, VideoFailure.Signal signal) {
        static Rule of(String regex, String category, String reason) {
            return of(regex, category, reason, VideoFailure.Signal.NONE);
        }

        static Rule of(String regex, String category, String reason, VideoFailure.Signal signal) {
            return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), category, reason, signal);
        }
    }

    static final String RATE_LIMITED = "rate-limited by the source (HTTP 429); if it persists, lower --max-requests "
            + "or raise --sleep";

    /** What a web page served instead of a video can tell (read only when no video was found in it). */
    private static final List<Rule> PAGE_RULES = List.of(
            Rule.of("confirm you.?re not a bot|not a robot|unusual traffic|captcha", VideoFailure.TRANSIENT,
                    "the source answered with a page asking to confirm this is not a bot (IP-wide limit)",
                    VideoFailure.Signal.BOT_CHECK),
            Rule.of("Too Many Requests|try again later|rate limit", VideoFailure.TRANSIENT,
                    "the source answered with a page saying to try again later (IP-wide limit)",
                    VideoFailure.Signal.RATE_LIMIT));

    private static final Pattern NO_VIDEO_IN_PAGE = Pattern.compile("Unsupported URL", Pattern.CASE_INSENSITIVE);

    /** yt-dlp's words; the first match wins: the IP-wide signals come before the permanent texts they can contain. */
    private static final List<Rule> YT_DLP_RULES = List.of(
            Rule.of("confirm your age|age[- ]restricted|inappropriate for some users", VideoFailure.PERMANENT,
                    "age-restricted: only a signed-in client can fetch it (--cookies)"),
            Rule.of("HTTP Error 429|Too Many Requests", VideoFailure.TRANSIENT, RATE_LIMITED,
                    VideoFailure.Signal.RATE_LIMIT),
            Rule.of("confirm you.?re not a bot|not a robot|captcha", VideoFailure.TRANSIENT,
                    "the source asks to confirm this is not a bot (IP-wide limit); wait, or pass --cookies",
                    VideoFailure.Signal.BOT_CHECK),
            Rule.of("try again later", VideoFailure.TRANSIENT,
                    "the source says try again later (IP-wide limit)", VideoFailure.Signal.RATE_LIMIT),
            Rule.of("Private video", VideoFailure.PERMANENT, "private video"),
            Rule.of("copyright", VideoFailure.PERMANENT, "removed for copyright"),
            Rule.of("account (associated with this video )?has been terminated|account .*terminated",
                    VideoFailure.PERMANENT, "the uploader's account was terminated"),
            Rule.of("not (made )?available in your country|blocked it in your country|geo.?restrict",
                    VideoFailure.PERMANENT, "not available in this country (geo-blocked); a --proxy elsewhere may help"),
            Rule.of("has been removed|removed by the uploader|video (has been )?removed", VideoFailure.PERMANENT,
                    "removed from the source"),
            Rule.of("Video unavailable|This video is unavailable|video is not available", VideoFailure.PERMANENT,
                    "video unavailable at the source"),
            Rule.of("members.only|Join this channel", VideoFailure.PERMANENT, "members-only video"),
            Rule.of("Incomplete YouTube ID|looks truncated|is not a valid URL", VideoFailure.PERMANENT,
                    "not a valid video id for this source"),
            Rule.of("HTTP Error 404|HTTP Error 410", VideoFailure.PERMANENT, "not found at the source (HTTP 404/410)"),
            // a refused media request (as opposed to a refused page) is usually an expired or throttled link
            Rule.of("unable to download video data: HTTP Error 403", VideoFailure.TRANSIENT,
                    "the source refused the media request (HTTP 403); usually temporary"),
            Rule.of("HTTP Error 40[13]", VideoFailure.PERMANENT, "access denied by the source (HTTP 401/403)"),
            Rule.of("Unsupported URL", VideoFailure.PERMANENT,
                    "the source answered with a web page, not a video (check --source-url-template)"),
            Rule.of("larger than max-filesize", VideoFailure.PERMANENT,
                    "the file is larger than avqa.download.max-size: not a video of this dataset"),
            Rule.of("Postprocessing|Conversion failed|ffmpeg not found", VideoFailure.INVALID_OUTPUT,
                    "yt-dlp downloaded the video but could not convert it to --video-format"),
            Rule.of("HTTP Error 5\\d\\d", VideoFailure.TRANSIENT, "server error at the source (HTTP 5xx)"),
            Rule.of("timed? ?out|Connection (reset|refused|aborted)|Temporary failure|Network is unreachable"
                            + "|Remote end closed|IncompleteRead|Did not get any data blocks|content too short"
                            + "|Giving up after|unable to download video data",
                    VideoFailure.TRANSIENT, "network failure while downloading"));

    private final CoolDown coolDown;
    private final DiskFull diskFull;
    private final RunControl run;

    public FailureClassifier(CoolDown coolDown, DiskFull diskFull, RunControl run) {
        this.coolDown = coolDown;
        this.diskFull = diskFull;
        this.run = run;
    }

    /** Classifies a failed yt-dlp run from its exit status and stderr. */
    public static VideoFailure ytDlp(int exitValue, String stderr, long timeoutSeconds) {
        return ytDlp(exitValue, stderr, "", timeoutSeconds);
    }

    /**
     * Classifies a failed yt-dlp run from its exit status, its stderr and, when it found no video in
     * what the source answered, the pages it saved ({@code --write-pages}).
     */
    public static VideoFailure ytDlp(int exitValue, String stderr, String pages, long timeoutSeconds) {
        String lastError = lastError(stderr);
        if (KILLED.contains(exitValue)) {
            return new VideoFailure.Transient("yt-dlp did not finish within " + timeoutSeconds
                    + " s and was stopped (avqa.download.timeout)", lastError);
        }
        if (NO_VIDEO_IN_PAGE.matcher(stderr).find()) {
            return page(pages, lastError);
        }
        for (Rule rule : YT_DLP_RULES) {
            if (rule.pattern().matcher(stderr).find()) {
                return VideoFailure.of(rule.category(), rule.reason(), lastError, rule.signal());
            }
        }
        return new VideoFailure.Transient("yt-dlp failed (exit " + exitValue + ") with an error it did not explain",
                lastError);
    }

    /**
     * What a web page served instead of a video means: a bot check or a rate-limit page (IP-wide,
     * transient), or else a wrong URL (permanent).
     */
    public static VideoFailure page(String page, String lastError) {
        for (Rule rule : PAGE_RULES) {
            if (rule.pattern().matcher(page).find()) {
                return VideoFailure.of(rule.category(), rule.reason(), lastError, rule.signal());
            }
        }
        return new VideoFailure.Permanent("the source answered with a web page, not a video "
                + "(check --source-url-template)", lastError);
    }

    /** What an HTTP status other than 200 means. */
    public static VideoFailure httpStatus(int code) {
        if (code == 429) {
            return new VideoFailure.Transient(RATE_LIMITED, "HTTP Error 429", VideoFailure.Signal.RATE_LIMIT);
        }
        if (code >= 500) {
            return new VideoFailure.Transient("server error at the source (HTTP " + code + ")", "HTTP Error " + code);
        }
        if (code == 404 || code == 410) {
            return new VideoFailure.Permanent("not found at the source (HTTP " + code + ")", "HTTP Error " + code);
        }
        return new VideoFailure.Permanent("the source answered HTTP " + code, "HTTP Error " + code);
    }

    /**
     * What an exception of the HTTP client means (the fast path, an archive's download): the same
     * categories as yt-dlp's words for the same troubles.
     */
    public static VideoFailure network(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof VideoFailure f) {
                return f;
            }
            if (t instanceof java.net.UnknownHostException) {
                return new VideoFailure.Transient("cannot resolve the source's host name " + Redact.text(m, 100)
                        + ": no network or DNS", m);
            }
            if (m.startsWith(HttpClientSetup.NOT_HTTP)) {
                return new VideoFailure.Permanent("the source redirected to a location that is not http or https ("
                        + m.substring(HttpClientSetup.NOT_HTTP.length()) + "); only http and https are followed", m);
            }
            if (t instanceof org.apache.hc.client5.http.RedirectException
                    || t instanceof org.apache.hc.client5.http.CircularRedirectException) {
                return new VideoFailure.Permanent("the source redirects in a loop (too many redirects)", m);
            }
            if (t instanceof java.net.SocketTimeoutException) {
                return new VideoFailure.Transient("no data came in time: the request was given up", m);
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return new VideoFailure.Transient("the secure connection to the source failed (TLS)", m);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new VideoFailure.Transient("network failure while downloading", String.valueOf(root.getMessage()));
    }

    /** Rethrows the exception an HTTP request raised as the failure it means (a route's doCatch). */
    public void rethrowNetwork(org.apache.camel.Exchange exchange) {
        Throwable e = exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class);
        throw raise(network(e));
    }

    /**
     * The failure to throw: an IP-wide signal starts the cool-down for every worker first; a stop of
     * the run (a signal, a full disk) wins over any failure.
     */
    public VideoFailure raise(VideoFailure failure) {
        run.checkRunning();
        if (failure.signal() != VideoFailure.Signal.NONE) {
            coolDown.signal(failure.reason(), failure.signal() == VideoFailure.Signal.BOT_CHECK);
        }
        return failure;
    }

    /** A request that went through: counts towards ending a cool-down. */
    public void success() {
        coolDown.success();
    }

    /** A tool's stderr: a full disk stops the run. */
    public void checkDisk(String stderr) {
        diskFull.check(stderr, lastError(stderr));
    }

    /** The most telling line of a tool's stderr: the last {@code ERROR:} line, else the last line. */
    public static String lastError(String stderr) {
        String last = "";
        String lastErrorLine = null;
        boolean continueError = false;
        for (String line : stderr.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            last = line.strip();
            if (last.toUpperCase(Locale.ROOT).startsWith("ERROR")) {
                lastErrorLine = last;
                // yt-dlp sometimes puts the message on the line after a bare "ERROR:"
                continueError = last.length() <= "ERROR:".length();
            } else if (continueError) {
                lastErrorLine = lastErrorLine + " " + last;
                continueError = false;
            }
        }
        String pick = (lastErrorLine != null ? lastErrorLine : last)
                .replaceFirst(";? *please report this issue on .*$", "");
        return pick.length() > 500 ? pick.substring(0, 500) + "…" : pick;
    }

    /** A process's output as text. */
    public static String text(InputStream in) {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
