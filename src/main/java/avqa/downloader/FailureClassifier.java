package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
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

    static final String RATE_LIMITED = FailureRules.RATE_LIMITED;

    private static final Pattern NO_VIDEO_IN_PAGE = Pattern.compile("Unsupported URL", Pattern.CASE_INSENSITIVE);

    private final CoolDown coolDown;
    private final DiskFull diskFull;
    private final RunControl run;
    private final OutdatedToolStop outdated;

    public FailureClassifier(CoolDown coolDown, DiskFull diskFull, RunControl run, OutdatedToolStop outdated) {
        this.coolDown = coolDown;
        this.diskFull = diskFull;
        this.run = run;
        this.outdated = outdated;
    }

    /**
     * The exit of a tool that SIGKILL ended (128 + 9): never a tool's timeout, whose SIGTERM ends it otherwise,
     * but the kernel's OOM killer or a person.
     */
    static final int KILLED_FROM_OUTSIDE = 137;

    /** Classifies a failed yt-dlp run from its exit status and stderr, its timeout passed. */
    public static VideoFailure ytDlp(int exitValue, String stderr, long timeoutSeconds) {
        return ytDlp(exitValue, stderr, "", timeoutSeconds, true);
    }

    /**
     * Classifies a failed yt-dlp run from its exit status, its stderr and, when it found no video in
     * what the source answered, the pages it saved ({@code --write-pages}). A signal that ended it is its
     * timeout's only when that timeout had passed ({@link TimedRun}); a SIGKILL never is (the timeout's is a
     * SIGTERM): else it was killed from outside.
     */
    public static VideoFailure ytDlp(int exitValue, String stderr, String pages, long timeoutSeconds, boolean timeoutPassed) {
        String lastError = lastError(stderr);
        if (exitValue == KILLED_FROM_OUTSIDE || KILLED.contains(exitValue) && !timeoutPassed) {
            return killedFromOutside("yt-dlp", exitValue, stderr);
        }
        if (KILLED.contains(exitValue)) {
            // where it was (its last progress, an error it met), not a warning that says nothing of the time
            return new VideoFailure.Transient("yt-dlp did not finish within " + timeoutSeconds
                    + " s and was stopped (avqa.download.timeout)", lastError.startsWith("WARNING") ? "" : lastError);
        }
        if (NO_VIDEO_IN_PAGE.matcher(stderr).find()) {
            return page(pages, lastError);
        }
        for (FailureRules.Rule rule : FailureRules.YT_DLP_RULES) {
            if (rule.pattern().matcher(stderr).find()) {
                return VideoFailure.of(rule.category(), rule.reason(), lastError, rule.signal());
            }
        }
        return new VideoFailure.Transient("yt-dlp failed (exit " + exitValue + ") with an error it did not explain",
                lastError);
    }

    /**
     * A tool that a signal ended before its timeout (a SIGKILL, always), as the transient failure it is, not
     * said to have run out of time.
     */
    static VideoFailure killedFromOutside(String tool, int exitValue, String said) {
        String how = exitValue == KILLED_FROM_OUTSIDE ? "was killed (SIGKILL)"
                : exitValue == 143 ? "was stopped (SIGTERM)" : "was stopped by a signal";
        return new VideoFailure.Transient(tool + " " + how + " before it finished, not by this tool's timeout: "
                + "the system may be short of memory (the kernel's OOM killer), or someone stopped it", lastError(said));
    }

    /**
     * A program that is there but the system would not start (error=12, Cannot allocate memory; error=11, EAGAIN: no
     * memory or processes left for it): a passing squeeze on a long run, so the video's transient failure.
     */
    static VideoFailure notStarted(String program, String why) {
        return new VideoFailure.Transient(program + " could not be started: the machine is short of memory, processes or "
                + "open files", why);
    }

    /** Whether yt-dlp said it found no video at the URL ("Unsupported URL"). */
    static boolean foundNoVideo(String stderr) {
        return NO_VIDEO_IN_PAGE.matcher(stderr).find();
    }

    /**
     * What a web page served instead of a video means: a bot check or a rate-limit page (IP-wide,
     * transient), or else a wrong URL (permanent).
     */
    public static VideoFailure page(String page, String lastError) {
        for (FailureRules.Rule rule : FailureRules.PAGE_RULES) {
            if (rule.pattern().matcher(page).find()) {
                return VideoFailure.of(rule.category(), rule.reason(), lastError, rule.signal());
            }
        }
        return new VideoFailure.Permanent("the source answered with a web page, not a video "
                + "(check --source-url-template)", lastError);
    }

    /** What an HTTP status other than 200 means. */
    /** Where a proxy's login goes (written so that no masking of URLs' logins mangles it). */
    static final String PROXY_LOGIN_HOW = "give them in https_proxy / http_proxy, as user:password@ before the proxy's host";

    /** What a proxy's 407 means (for the JDK client's words for it, in --doctor). */
    static final String PROXY_LOGIN = "the proxy asks for a user name and password, or refused the ones given (HTTP 407): "
            + PROXY_LOGIN_HOW;

    public static VideoFailure httpStatus(int code) {
        return httpStatus(code, null);
    }

    /**
     * What an HTTP status other than 200 means; a 429 is a rate limit, and its Retry-After (seconds, or an
     * HTTP date) says how long the cool-down it starts lasts; a 503's says how long an archive's next attempt waits.
     */
    public static VideoFailure httpStatus(int code, String retryAfter) {
        if (code == 429) {
            return new VideoFailure.Transient(RATE_LIMITED, "HTTP Error 429", VideoFailure.Signal.RATE_LIMIT)
                    .retryAfter(retryAfterMillis(retryAfter));
        }
        long asked = retryAfterMillis(retryAfter);
        if (code == 503 && asked >= 0) {
            // a server that says it is busy and when to come back: its own trouble, not a limit on this
            // address (no IP-wide cool-down); the next attempt (a video's, an archive's) waits what it asked when
            // that is longer than its backoff (Pacing)
            return new VideoFailure.Transient("the source is busy (HTTP 503, its Retry-After " + (asked + 999) / 1000 + " s)",
                    "HTTP Error 503").retryAfter(asked);
        }
        if (code >= 600) {
            // no class of HTTP's (999 is a bot wall's): an answer other than 200, as any other
            return new VideoFailure.Permanent("the source answered HTTP " + code + ", which is no HTTP status", "HTTP Error " + code);
        }
        if (code >= 500) {
            return new VideoFailure.Transient("server error at the source (HTTP " + code + ")", "HTTP Error " + code);
        }
        if (code == 404 || code == 410) {
            return new VideoFailure.Permanent("not found at the source (HTTP " + code + ")", "HTTP Error " + code);
        }
        return new VideoFailure.Permanent("the source answered HTTP " + code, "HTTP Error " + code);
    }

    /** The longest Retry-After taken as asked, a year: a longer one is read as that. */
    static final long RETRY_AFTER_MOST_MILLIS = 366L * 24 * 3600 * 1000;

    /**
     * A Retry-After header in milliseconds from now: delay-seconds or an HTTP date; -1 when absent or unreadable, or a
     * date already past (a host's clock, or a stale page: no time asked, so a cool-down is the growing pause, at least
     * --cooldown, not none).
     */
    static long retryAfterMillis(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.strip();
        try {
            // a longer number than a year's seconds is a year: the cool-down's own cap (avqa.cooldown.max) then applies
            long year = RETRY_AFTER_MOST_MILLIS / 1000;
            if (v.matches("\\d+")) {
                return (v.length() > 12 ? year : Math.min(Long.parseLong(v), year)) * 1000;
            }
            long until = java.time.Duration.between(java.time.Instant.now(), java.time.ZonedDateTime.parse(v,
                    java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()).toMillis();
            return until > 0 ? until : -1;
        } catch (java.time.format.DateTimeParseException e) {
            return -1;
        }
    }

    /**
     * What an exception of the HTTP client means (the fast path, an archive's download), in the same
     * categories as yt-dlp's words for the same troubles: a host name that cannot be resolved is the
     * network's fault, not the video's (an IP-wide pause); a redirect to a location that is not http(s)
     * or in a loop, or to a URL with a login in it, is permanent; a timeout, a refused or reset connection, an
     * answer cut short or not valid HTTP is a transient network failure, its last error in our words ({@link HttpTrouble}).
     */
    /**
     * What a failed TLS handshake says of the source's certificate, in our words: not trusted here (a lab's mirror with
     * a self-signed certificate, or one from its own authority: Java's words are "PKIX path building failed"), for
     * another name, or out of date; else that the secure connection failed.
     */
    static String certificateTrouble(Throwable tls) {
        StringBuilder said = new StringBuilder();
        for (Throwable c = tls; c != null; c = c.getCause() == c ? null : c.getCause()) {
            said.append(c.getClass().getSimpleName()).append(' ').append(c.getMessage()).append('\n');
        }
        String all = said.toString();
        if (all.contains("PKIX path") || all.contains("unable to find valid certification path")) {
            return "the secure connection to the source failed (TLS): its certificate is not trusted here (self-signed, "
                    + "or from an authority of its own); start Java with a trust store that holds it "
                    + "(JAVA_TOOL_OPTIONS=\"-Djavax.net.ssl.trustStore=FILE\"), or use the mirror over http";
        }
        if (all.contains("Unsupported or unrecognized SSL message")) {
            // Java's words for an answer that is no TLS at all: a plain-http server at an https URL's port
            return "the secure connection to the source failed (TLS): the host answered without TLS, as a plain http server "
                    + "does; give its URL as http://";
        }
        if (all.contains("No subject alternative") || all.contains("No name matching")) {
            return "the secure connection to the source failed (TLS): its certificate is for another host name than the URL's";
        }
        if (all.contains("CertificateExpiredException") || all.contains("CertificateNotYetValidException")) {
            return "the secure connection to the source failed (TLS): its certificate is out of date";
        }
        return "the secure connection to the source failed (TLS)";
    }

    public static VideoFailure unreachable(Throwable error, String url) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof VideoFailure f) {
                return f;
            }
            if (t instanceof ProxyTrouble p) {
                // the proxy's, not the video's: kept for the next run; its login is every request's trouble, so
                // all workers pause, as for a name that cannot be resolved, and the run stops after
                // avqa.cooldown.network-limit such pauses in a row
                return p.everyRequest() ? new VideoFailure.Transient(m, "the proxy", VideoFailure.Signal.NETWORK)
                        : new VideoFailure.Transient(m, "the proxy");
            }
            if (t instanceof java.net.UnknownHostException) {
                return unresolved(url, t);
            }
            if (m.startsWith(HttpClientSetup.NOT_HTTP)) {
                return new VideoFailure.Permanent("the source redirected to a location that is not http or https ("
                        + m.substring(HttpClientSetup.NOT_HTTP.length()) + "); only http and https are followed", m);
            }
            if (t instanceof org.apache.hc.client5.http.RedirectException
                    || t instanceof org.apache.hc.client5.http.CircularRedirectException) {
                return new VideoFailure.Permanent("the source redirects in a loop (too many redirects)", HttpTrouble.wordsOf(t));
            }
            if (t instanceof org.apache.hc.core5.http.ProtocolException && m.toLowerCase(java.util.Locale.ROOT).contains("redirect")) {
                // "Invalid redirect URI", "Redirect URI does not specify a valid host name": the host's answer, every time
                return new VideoFailure.Permanent("the source redirected to a location that is no URL", m);
            }
            if (t instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                // a SocketTimeoutException too, but no connection, not data that stopped coming
                return new VideoFailure.Transient("network failure while downloading", HttpTrouble.wordsOf(t));
            }
            if (t instanceof java.net.SocketTimeoutException) {
                return new VideoFailure.Transient("no data came in time: the request was given up", m);
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return new VideoFailure.Transient(certificateTrouble(t), m);
            }
        }
        // a host that misbehaves (an answer cut short, a connection closed or reset, an answer that is not HTTP): in
        // our words, not the HTTP client's; transient, but for a redirect to a URL with a login, refused every time
        String words = HttpTrouble.words(error);
        if (words != null) {
            return HttpTrouble.permanent(error) ? new VideoFailure.Permanent(words, "")
                    : new VideoFailure.Transient("network failure while downloading", words);
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new VideoFailure.Transient("network failure while downloading", Objects.requireNonNullElse(root.getMessage(), ""));
    }

    /** Rethrows what an archive's request raised as the failure it means (the archive fetch's doCatch). */
    public void rethrowNetwork(org.apache.camel.Exchange exchange, @org.apache.camel.Variable("archiveUrl") String url) {
        Throwable e = exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class);
        throw raise(unreachable(e, url), null);
    }

    /** The source's host cannot be resolved: no network or DNS (the same for every video of that host). */
    static VideoFailure unresolved(String url, String lastError) {
        // the name yt-dlp says it could not resolve (a CDN's, a proxy's: "Failed to resolve 'rr3---sn-….googlevideo.com'"),
        // else the URL's
        java.util.regex.Matcher named = YT_DLP_UNRESOLVED.matcher(lastError == null ? "" : lastError);
        boolean saysWhich = named.find();
        String host = saysWhich ? named.group(1) : hostOf(url);
        if (!saysWhich && host != null && addressOnly(host)) {
            // an address needs no resolving: the name that failed is one the source led yt-dlp to (a redirect to a
            // host that does not exist, or to a URL with a login in it, which urllib takes for a host name). That
            // video's failure, not the network's: no cool-down, no stop of the run
            return new VideoFailure.Transient("yt-dlp could not resolve a host name that " + Redact.text(host, 60)
                    + " led it to (a redirect?); the source's own host is an address, so the network is not at fault", lastError);
        }
        // yt-dlp's words name no port, and it may go through a proxy: a service looks up only the name again
        return new VideoFailure.Transient(host == null ? FailureRules.UNRESOLVED
                : "cannot resolve " + Redact.text(host, 200) + ": no network or DNS", lastError, VideoFailure.Signal.NETWORK)
                .unresolved(host == null ? null : new NetworkBack(host, -1));
    }

    /**
     * The same, from the client's exception: the name is the one that failed (the source's, a proxy's, or
     * where a redirect led), else the URL's.
     */
    static VideoFailure unresolved(String url, Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String host = message.replaceFirst(":.*$", "").strip();
        // the resolver's words ("h: Name or service not known"), not the exception's class
        String said = message.isBlank() ? "the host name is not known" : Redact.text(message, 300);
        return host.isEmpty() ? unresolved(url, said) : new VideoFailure.Transient("cannot resolve "
                + Redact.text(host, 200) + ": no network or DNS", said, VideoFailure.Signal.NETWORK)
                .unresolved(new NetworkBack(host, host.equalsIgnoreCase(hostOf(url)) ? portOf(url) : -1));
    }

    /** Whether a URL's host is an IP address (IPv4, or IPv6 in brackets), which needs no name resolved. */
    static boolean addressOnly(String host) {
        return host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** yt-dlp's (urllib3's) words for a name it could not resolve, the name a plain host name's. */
    private static final java.util.regex.Pattern YT_DLP_UNRESOLVED =
            java.util.regex.Pattern.compile("Failed to resolve '([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)'");

    /** The URL's host, or null. */
    private static String hostOf(String url) {
        try {
            return java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    /** The port a request to the URL goes to (its own, else its scheme's), or -1. */
    private static int portOf(String url) {
        java.net.URI uri = java.net.URI.create(url);
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443
                : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }

    /**
     * The failure to throw for a request to {@code url}: an IP-wide signal starts the cool-down for every
     * worker first, yt-dlp saying it is out of date counts towards stopping the run, and a stop of the
     * run (a signal, a full disk, or one of these) wins over any failure: the video stays pending.
     */
    public VideoFailure raise(VideoFailure failure, String url) {
        // yt-dlp's words for a name it cannot resolve: the source's host named (a failure of the HTTP client
        // names the host that failed already, a proxy's say, and a proxy's refusal is no name's)
        VideoFailure f = failure.signal() == VideoFailure.Signal.NETWORK && url != null
                && FailureRules.UNRESOLVED.equals(failure.reason()) ? unresolved(url, failure.lastError()) : failure;
        run.checkRunning();
        if (f.signal() != VideoFailure.Signal.NONE) {
            coolDown.signal(f.reason(), f.signal(), f.retryAfterMillis(), f.unresolved());
        }
        if (VideoFailure.TOOL_OUTDATED.equals(f.category())) {
            outdated.failed(f);
        }
        run.checkRunning();
        return f;
    }

    /** A request that went through: counts towards ending a cool-down. */
    public void success() {
        coolDown.success();
    }

    /** yt-dlp fetched a video: it is not out of date for its source. */
    public void ytDlpWorked() {
        coolDown.success();
        outdated.worked();
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
                .replaceFirst(";? *please report this issue on .*$", "")
                // ffmpeg names the part of itself that speaks with its address in memory: "[aac @ 0x55f5…] …"
                .replaceAll("\\[([^\\]@\\s][^\\]@]*?) @ 0x[0-9a-fA-F]+\\] ", "$1: ")
                // Python names an error by its module and class ("yt_dlp.networking.exceptions.RequestError: …"):
                // the words after it say what happened
                .replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9]*(?:Error|Exception): ", "")
                // and repeats a network error's cause as Python writes it ("(caused by TransportError('[Errno 111]
                // Connection refused'))", "<urlopen error …>"): its words once are enough (an extractor's cause, a
                // JSONDecodeError's say, says more, and stays)
                .replaceFirst(" \\(caused by (?:<HTTPError [^>]*>|(?:TransportError|HTTPError|URLError|SSLError|"
                        + "IncompleteRead|ProxyError|RequestError|TimeoutError|ConnectionError)\\(.*\\))\\)$", "")
                .replaceAll("<urlopen error (.*?)>", "$1")
                // a file in the video's work folder, gone once it failed: named by its own name
                // (a path that holds a blank is left whole)
                .replaceAll("(?<![^\\s(\"'])/(?:[^\\s/:]+/)*\\.partial/[^\\s/:]+/", "");
        return pick.length() > 500 ? pick.substring(0, 500) + "…" : pick;
    }

    /** A process's output as text; output kept in memory stays readable from its start by the next step. */
    public static String text(InputStream in) {
        if (in == null) {
            return "";
        }
        try {
            if (in.markSupported()) { // camel-exec's output, kept in memory: readable again by the next step
                in.mark(Integer.MAX_VALUE);
                String read = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                in.reset();
                return read;
            }
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "";
        }
    }
}
