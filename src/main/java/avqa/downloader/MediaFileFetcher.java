package avqa.downloader;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import avqa.downloader.settings.Settings;

/**
 * The fast path for plain media files: a URL that is not YouTube and whose path ends in the
 * {@code --video-format} extension is fetched by Camel's HTTP component itself, without paying yt-dlp's start-up for each
 * video. The response is classified like yt-dlp's (429 and 5xx transient, 404/410 permanent, a web
 * page read for a bot check), streamed to the attempt's work directory at {@code --rate-limit}, and
 * checked to be as long as announced. yt-dlp stays the path for YouTube, for other pages, and
 * whenever {@code --proxy} or {@code --cookies} is set.
 */
public final class MediaFileFetcher {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.download");
    private static final Pattern MEDIA_PATH = Pattern.compile(".*\\.(mp4|m4v|mkv|webm|mov)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGkmg]?)");

    private final boolean enabled;
    private final String videoExt;
    private final long bytesPerSecond;
    private final long timeoutSeconds;
    private final long maxBytes;
    /** The most of a web page served instead of a video that is read, for its classification (and a file that small can be one). */
    static final int PAGE_BYTES = 256 * 1024;

    /** How long a web page served instead of a video may take to read, for its classification. */
    static final long PAGE_MILLIS = 15_000;
    private final FailureClassifier classifier;
    private final DiskFull diskFull;
    private final RunControl run;

    public MediaFileFetcher(Settings settings, FailureClassifier classifier, DiskFull diskFull, RunControl run) {
        this.enabled = settings.flag("avqa.download.direct") && settings.get("avqa.proxy").isEmpty()
                && settings.get("avqa.cookies").isEmpty();
        this.bytesPerSecond = rate(settings.get("avqa.rate-limit"));
        this.videoExt = settings.get("avqa.video-format");
        this.timeoutSeconds = Math.round(settings.getSeconds("avqa.download.timeout"));
        this.maxBytes = settings.bytes("avqa.download.max-size");
        this.classifier = classifier;
        this.diskFull = diskFull;
        this.run = run;
    }

    /** yt-dlp's notation: 50K is 50 KiB/s. */
    static long rate(String text) {
        Matcher m = RATE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(text);
        }
        double v = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        return Math.max(1, (long) (v * (1L << shift)));
    }

    /** Whether this URL takes the fast path. */
    public boolean applies(@Variable("job") VideoJob job) {
        return appliesTo(job.url());
    }

    /** Whether this URL is a plain media file the fast path fetches. */
    public boolean appliesTo(String url) {
        if (!enabled || url == null || VideoIdRules.isYoutubeUrl(url)) {
            return false;
        }
        try {
            String path = URI.create(url).getPath();
            // only a file already in --video-format: anything else needs yt-dlp's remux
            return path != null && MEDIA_PATH.matcher(path).matches()
                    && path.toLowerCase(Locale.ROOT).endsWith("." + videoExt);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A 206's Content-Range that is the whole file (bytes 0-(N-1)/N, N its Content-Length when it says one). */
    static boolean wholeRange(String contentRange, String contentLength) {
        java.util.regex.Matcher m = contentRange == null ? null
                : java.util.regex.Pattern.compile("(?i)\\s*bytes\\s+0-([0-9]{1,18})/([0-9]{1,18})\\s*").matcher(contentRange);
        if (m == null || !m.matches()) {
            return false;
        }
        long last = Long.parseLong(m.group(1));
        long size = Long.parseLong(m.group(2));
        long length = HttpBodies.length(contentLength);
        return size > 0 && last == size - 1 && (length < 0 || length == size);
    }

    /**
     * Stores the HTTP response as the job's video in its work directory ({@code video.<ext>}), or
     * throws the failure it means. The whole download has a deadline (avqa.download.timeout) and a
     * size cap (avqa.download.max-size); an answer we will not use is dropped, not read to its end,
     * and a web page is read for at most {@link #PAGE_MILLIS}.
     */
    public void save(@Variable("job") VideoJob job, @Header("CamelHttpResponseCode") Integer status,
                     @Header("Content-Type") Object contentTypes, @Header("Content-Length") Object contentLengths,
                     @Header("Retry-After") Object retryAfters, @Header("Content-Encoding") Object contentEncodings,
                     @Header("Transfer-Encoding") Object transferEncodings, @Header("Content-Range") Object contentRanges,
                     @Body InputStream body) throws IOException {
        String url = job.url();
        InputStream in = body == null ? InputStream.nullInputStream() : body;
        // a header the host sent twice comes as a list of its values: the first is the one taken
        String contentType = HttpBodies.first(contentTypes);
        String contentLength = HttpBodies.first(contentLengths);
        String retryAfter = HttpBodies.first(retryAfters);
        // the codings in the order applied (gzip, gzip: twice), each undone, the last first; one this tool does not
        // undo (br, zstd) leaves the body as it came, for the media pass to judge
        List<String> codings = HttpBodies.undone(contentEncodings);
        String encoding = codings == null ? null : String.join(", ", codings);
        boolean chunked = String.valueOf(transferEncodings).toLowerCase(Locale.ROOT).contains("chunked");
        try (Deadline deadline = Deadline.after(timeoutSeconds * 1000, () -> HttpBodies.drop(in));
             Deadline stop = Deadline.when(250, run::isStopping, () -> HttpBodies.drop(in))) {
            int code = status == null ? 0 : status;
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            if (code != 200 && !(code == 206 && wholeRange(HttpBodies.first(contentRanges), contentLength))) {
                throw classifier.raise(FailureClassifier.httpStatus(code, retryAfter), url);
            }
            // a host that compresses the video on the way announces the compressed length: its decoded bytes
            // count; a chunked body has no length, whatever Content-Length says (RFC 9112, 6.3), and a
            // Content-Length that is no number is none (the client has judged the body's framing already)
            long expected = encoding != null || chunked ? -1 : HttpBodies.length(contentLength);
            if (expected > maxBytes) {
                throw tooLarge(expected + " bytes announced");
            }
            // what the body is decides, not what its host calls it: its first bytes are looked at before it is
            // decoded, and again before a web page is read as one
            BufferedInputStream raw = new BufferedInputStream(in, 1 << 16);
            if (encoding != null && startsAsAVideo(peek(raw))) {
                LOG.info("{}: its host says it sends it compressed (Content-Encoding: {}), but it comes as it is, a video: "
                        + "it is taken as it comes", job.named(), encoding);
                encoding = null;
                expected = chunked ? -1 : HttpBodies.length(contentLength);
            }
            BufferedInputStream content = raw;
            if (encoding != null) {
                try {
                    content = new BufferedInputStream(HttpBodies.decoded(raw, codings), 1 << 16);
                } catch (HttpBodies.CodingCutShort e) {
                    // empty, or ended inside the gzip's header: a body cut short (or none), not a body of another kind
                    throw new VideoFailure.Transient("network failure while downloading", HttpTrouble.words(e));
                } catch (HttpBodies.CodingDamaged e) {
                    throw damaged(encoding, e);
                } catch (IOException e) {
                    throw notEncoded(encoding, e);
                }
            }
            if (type.startsWith("text/html") || type.startsWith("application/xhtml")) {
                byte[] head;
                try (Deadline reading = Deadline.after(PAGE_MILLIS, () -> HttpBodies.drop(in))) {
                    head = peek(content);
                } catch (IOException e) {
                    head = new byte[0];
                }
                if (!startsAsAVideo(head)) {
                    String page;
                    try (Deadline reading = Deadline.after(PAGE_MILLIS, () -> HttpBodies.drop(in))) {
                        page = new String(content.readNBytes(PAGE_BYTES), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        page = new String(head, StandardCharsets.UTF_8);
                    }
                    throw classifier.raise(FailureClassifier.page(page, "web page at " + Redact.url(url)), url);
                }
                LOG.info("{}: its host calls it a web page ({}), but it starts as a video does: it is taken as the video",
                        job.named(), Shown.plain(type));
            }
            Path target = job.workDir().resolve("video." + extension(url));
            long written;
            try {
                written = copy(content, target, deadline::expired);
            } catch (HttpBodies.CodingDamaged e) {
                throw damaged(encoding, e);
            } catch (java.util.zip.ZipException e) {
                throw notEncoded(encoding, e);
            } catch (IOException e) {
                if (deadline.expired()) {
                    throw new VideoFailure.Transient("the download did not finish within " + timeoutSeconds
                            + " s and was given up (avqa.download.timeout)", HttpTrouble.wordsOrMessage(e));
                }
                throw e;
            }
            if (expected >= 0 && written != expected) {
                throw new VideoFailure.Transient("network failure while downloading",
                        "got " + written + " of " + expected + " bytes");
            }
            if (written < PAGE_BYTES && ArchiveFetch.looksLikeAPage(target)) {
                // a web page sent as if it were the video (its Content-Type says video/mp4): read as the page it
                // is (a bot check, a sign-in page), not judged a damaged video
                String page = new String(Files.readAllBytes(target), StandardCharsets.UTF_8);
                throw classifier.raise(FailureClassifier.page(page, "web page at " + Redact.url(url)), url);
            }
            classifier.success();
            job.video(target);
        } catch (IOException e) {
            run.checkRunning();
            if (timedOut(e)) {
                // the socket's read timeout: 30 s, or the whole download's time when that is shorter
                throw new VideoFailure.Transient("no data came for " + Math.min(30, timeoutSeconds)
                        + " s: the download stalled and was given up" + (timeoutSeconds < 30
                        ? " (avqa.download.timeout, " + timeoutSeconds + " s)" : " (30 s without data end a download)"), "");
            }
            throw classifier.raise(FailureClassifier.unreachable(e, url), url);
        } finally {
            HttpBodies.drop(in);
        }
    }

    /** The most of an answer's first bytes looked at to tell a video from a page. */
    private static final int HEAD = 64;

    /** The first bytes of a body, left in it to be read again. */
    private static byte[] peek(BufferedInputStream body) throws IOException {
        body.mark(HEAD);
        byte[] head = body.readNBytes(HEAD);
        body.reset();
        return head;
    }

    /**
     * Whether bytes start as a video of a kind the fast path fetches does: an ISO media file (MP4, MOV, M4V:
     * a box such as {@code ftyp} at byte 4) or a Matroska/WebM one (EBML's magic number).
     */
    static boolean startsAsAVideo(byte[] head) {
        if (head.length >= 4 && (head[0] & 0xff) == 0x1a && (head[1] & 0xff) == 0x45 && (head[2] & 0xff) == 0xdf
                && (head[3] & 0xff) == 0xa3) {
            return true;
        }
        if (head.length < 8) {
            return false;
        }
        String box = new String(head, 4, 4, StandardCharsets.ISO_8859_1);
        return box.equals("ftyp") || box.equals("moov") || box.equals("mdat") || box.equals("free") || box.equals("wide");
    }

    /** A body of the coding its host named, damaged on the way. */
    private static VideoFailure damaged(String encoding, HttpBodies.CodingDamaged e) {
        return new VideoFailure.Transient("the video came compressed (Content-Encoding: " + encoding
                + ") and its compressed data is damaged; a later attempt asks again", e.reason());
    }

    /** A body whose host named a Content-Encoding it did not apply, and which is no video as it came either. */
    private static VideoFailure notEncoded(String encoding, IOException e) {
        String words = HttpTrouble.words(e);
        return new VideoFailure.Transient("the host says it sends the video compressed (Content-Encoding: " + encoding
                + "), but what came is not " + encoding + " data; a later attempt asks again",
                words == null ? Objects.requireNonNullElse(e.getMessage(), "") : words);
    }

    private VideoFailure tooLarge(String what) {
        return new VideoFailure.Permanent("the file is larger than avqa.download.max-size ("
                + ArchiveFetch.human(maxBytes) + "; " + what + "): not a video of this dataset", "");
    }

    /**
     * The request did not get an answer: a host name that cannot be resolved pauses every worker (no
     * network or DNS), a redirect to a location that is not http(s) or in a loop is permanent, a timeout
     * or a refused connection is a transient network failure (a host's misbehaviour in our words: {@link HttpTrouble}).
     */
    public void requestFailed(@Variable("job") VideoJob job,
                              @org.apache.camel.ExchangeProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT) Exception error) {
        throw classifier.raise(FailureClassifier.unreachable(error, job.url()), job.url());
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")) {
                return true;
            }
        }
        return false;
    }

    private static String extension(String url) {
        String path = URI.create(url).getPath();
        return path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Streams at most {@code bytesPerSecond}, like yt-dlp's --limit-rate, and at most
     * avqa.download.max-size bytes; stops when the run stops.
     */
    private long copy(InputStream in, Path target, java.util.function.BooleanSupplier expired) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long written = 0;
        long start = System.nanoTime();
        try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                written += n;
                if (written > maxBytes) {
                    throw tooLarge("more than that came");
                }
                out.write(buf, 0, n);
                run.checkRunning();
                // the pace's wait, a fifth of a second at a time: a stop of the run and the download's deadline end it
                for (long due = due(written, start); due > 1_000_000; due = due(written, start)) {
                    if (expired.getAsBoolean()) {
                        throw new java.io.InterruptedIOException("the download's time ran out at --rate-limit");
                    }
                    try {
                        Thread.sleep(Math.min(200, due / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RunStoppedException("interrupted");
                    }
                    run.checkRunning();
                }
            }
        } catch (IOException e) {
            throw diskFull.check(e);
        }
        return written;
    }

    /** Nanoseconds until {@code written} bytes since {@code start} are within the rate. */
    private long due(long written, long start) {
        return (long) (written * 1e9 / bytesPerSecond) - (System.nanoTime() - start);
    }
}
