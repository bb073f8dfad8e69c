package avqa.downloader;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file host on 127.0.0.1 as share links behave: {@code /share/<name>?dl=1} answers with a redirect to
 * the file itself, which is served with an ETag and a Last-Modified date, honours Range requests
 * guarded by If-Range, can be slowed down, cut short, or replaced by a new version; it counts every
 * byte it sends.
 */
final class ArchiveHost implements AutoCloseable {

    /** One request as the host saw it. */
    /** {@code atMillis}: when it came, on a monotonic clock. */
    record Request(String method, String path, String range, String ifRange, int status, long atMillis) {
    }

    private record Served(byte[] bytes, String etag, String lastModified) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Served> files = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final AtomicLong bytesSent = new AtomicLong();
    private volatile long pace;
    private volatile long cutAfter = -1;
    private volatile long announced = -1;
    private volatile boolean ignoreIfRange;
    private volatile boolean rangesFromStart;
    private volatile boolean gzip;
    private volatile boolean noLength;
    /** How a Drive-like link answers: null (the file), "confirm" (a page whose form gives it), or an error caption. */
    private volatile String drivePage;
    private volatile int drivePageStatus = 200;
    private final String uuid = java.util.UUID.randomUUID().toString();
    private volatile String login;
    /** The Content-Disposition each file is sent with, by the name it is served under. */
    private final Map<String, String> dispositions = new java.util.concurrent.ConcurrentHashMap<>();

    ArchiveHost() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** Serves {@code bytes} at {@code /files/<name>} with the given validator; its share link redirects there. */
    ArchiveHost serve(String name, byte[] bytes, String etag) {
        files.put(name, new Served(bytes, "\"" + etag + "\"", "Sun, 0" + (etag.length() % 9 + 1) + " Nov 2026 10:00:00 GMT"));
        return this;
    }

    /** Serves each file by its name, all with one validator. */
    ArchiveHost serveAll(java.util.List<java.nio.file.Path> files) throws IOException {
        for (java.nio.file.Path f : files) {
            serve(f.getFileName().toString(), java.nio.file.Files.readAllBytes(f), "v");
        }
        return this;
    }

    /** The share link of a file: it redirects to the file. */
    String shareUrl(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/share/" + name + "?dl=1";
    }

    /**
     * A share link that names nothing, {@code /s/<token>}: it redirects to the file ({@code /files/<name>}, the name as it
     * is, unescaped, in UTF-8), which is sent with no Content-Disposition unless one is set for it.
     */
    String opaqueShareUrl(String name) {
        String token = Integer.toHexString(name.hashCode());
        tokens.put(token, name);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/s/" + token;
    }

    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /**
     * This host as an http proxy ({@code http_proxy}): a request for any host's {@code /uc?id=<name>} or
     * {@code /files/<name>} (Google Drive's own links, say) is answered as this host answers its own.
     */
    String proxyUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A Google Drive-like link to a file: {@code /uc?export=download&id=<name>}, served without a redirect. */
    String driveUrl(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/uc?export=download&id=" + name;
    }

    /**
     * A Drive-like link ({@link #driveUrl}) answers with Google Drive's page for a file it cannot scan for
     * viruses: a form ({@code id="download-form"}, GET, hidden id, export, confirm and uuid) whose URL,
     * {@code /download?…}, gives the file to a request that brings the cookie the page set. With {@code error}, the page says that instead (its error caption).
     */
    ArchiveHost drivePage(String error) {
        this.drivePage = error == null ? "confirm" : error;
        return this;
    }

    /**
     * The Drive-like page ({@link #drivePage}) in a shape this tool does not know: its virus-scan warning with a form of
     * another id, sent by POST, and no download link.
     */
    ArchiveHost drivePageChanged() {
        this.drivePage = "confirm-changed";
        return this;
    }

    /**
     * The Drive-like page ({@link #drivePage}) is Drive's older one: no form, a download link ({@code <a
     * id="uc-download-link" href="/download?…">}, relative, its query escaped in the page) to the same URL its form
     * would lead to.
     */
    ArchiveHost drivePageWithLink() {
        this.drivePage = "confirm-link";
        return this;
    }

    /** The Drive-like page's form ({@link #drivePage}) leads to the same page again, for ever. */
    ArchiveHost confirmLoops() {
        this.confirmLoops = true;
        return this;
    }

    private volatile boolean confirmLoops;

    /** The Drive-like page ({@link #drivePage}) comes with this Content-Type (text/html unless said). */
    ArchiveHost drivePageType(String type) {
        this.drivePageType = type;
        return this;
    }

    private volatile String drivePageType = "text/html; charset=utf-8";

    /** The Drive-like page ({@link #drivePage}) comes with this HTTP status (200 unless said). */
    ArchiveHost drivePageStatus(int status) {
        this.drivePageStatus = status;
        return this;
    }

    /** Sends the file served as {@code name} with this Content-Disposition, as a file host names its download. */
    ArchiveHost disposition(String name, String header) {
        dispositions.put(name, header);
        return this;
    }

    /** The next {@code times} requests for a file are answered {@code status} with this Retry-After (a busy host). */
    ArchiveHost busyNext(int status, String retryAfter, int times) {
        this.busyStatus = status;
        this.busyRetryAfter = retryAfter;
        this.busyTimes.set(times);
        return this;
    }

    private volatile int busyStatus;
    private volatile String busyRetryAfter;
    private final java.util.concurrent.atomic.AtomicInteger busyTimes = new java.util.concurrent.atomic.AtomicInteger();

    /** Answers every request 401 (Basic) unless it carries this {@code user:password}. */
    ArchiveHost requireLogin(String userColonPassword) {
        this.login = userColonPassword;
        return this;
    }

    /** Answers a Range request with the part asked of the file it has now, whatever its If-Range says (a broken host). */
    ArchiveHost ignoreIfRange() {
        this.ignoreIfRange = true;
        return this;
    }

    /**
     * Answers a Range request 206 with the Content-Range asked for, but sends the file's bytes from its start
     * (a lying host): what it names and what it sends differ.
     */
    ArchiveHost rangesFromStart() {
        this.rangesFromStart = true;
        return this;
    }

    /**
     * Sends every file gzip-compressed on the way ({@code Content-Encoding: gzip}, its length the compressed one),
     * whatever the request's Accept-Encoding, and whole whatever its Range, as a server compressing on the fly does.
     */
    ArchiveHost gzip() {
        this.gzip = true;
        return this;
    }

    /**
     * The same, gzip-compressed twice: {@code Content-Encoding: gzip, gzip}, or two lines of {@code Content-Encoding:
     * gzip} ({@code twoLines}).
     */
    ArchiveHost gzipTwice(boolean twoLines) {
        this.gzip = true;
        this.gzipTwice = twoLines ? 2 : 1;
        return this;
    }

    /** The same, gzip-compressed once, though two lines of {@code Content-Encoding: gzip} say twice. */
    ArchiveHost gzipOnceSaidTwice() {
        this.gzip = true;
        this.gzipTwice = 3;
        return this;
    }

    /** 0: gzip once; 1: twice, named in one header; 2: twice, in two header lines; 3: once, said in two lines. */
    private volatile int gzipTwice;

    /**
     * Sends every file under {@code Content-Encoding: <coding>} (one this tool does not undo, such as zstd or br), whole
     * whatever its Range: compressed ({@code applied}; here by zlib's deflate, standing for it) or as it is.
     */
    ArchiveHost unknownCoding(String coding, boolean applied) {
        this.unknownCoding = coding;
        this.unknownCodingApplied = applied;
        return this;
    }

    private volatile String unknownCoding;
    private volatile boolean unknownCodingApplied;

    /**
     * Says every file, and the Drive-like page, is gzip-compressed ({@code Content-Encoding: gzip}) and sends it as it
     * is (a misconfigured host).
     */
    ArchiveHost gzipInName() {
        this.gzipInName = true;
        return this;
    }

    private volatile boolean gzipInName;

    /** Answers a Range request 206 under a Content-Range that starts {@code by} bytes after the place asked for (a broken host). */
    ArchiveHost shiftRanges(long by) {
        this.shift = by;
        return this;
    }

    private volatile long shift;

    /** Answers a request for the whole file with its part from {@code offset} on (a 206), as a broken host or cache may. */
    ArchiveHost partFromOnWholeRequests(long offset) {
        this.partFrom = offset;
        return this;
    }

    private volatile long partFrom = -1;

    /**
     * Gives each answer another ETag for the same file, its Last-Modified date the same (servers behind a load balancer,
     * each with an ETag of its own): an If-Range with an earlier answer's ETag never holds, one with the date does.
     */
    ArchiveHost etagPerAnswer() {
        this.etagPerAnswer = true;
        return this;
    }

    private volatile boolean etagPerAnswer;
    private final java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();

    /** Sends no ETag and no Last-Modified (a file host's own small server): nothing to guard a resume with but the length. */
    ArchiveHost noValidators() {
        this.noValidators = true;
        return this;
    }

    private volatile boolean noValidators;

    /** Announces no length: every answer's body is chunked, its end the last chunk (and ranges are not honoured). */
    ArchiveHost noLength() {
        this.noLength = true;
        return this;
    }

    /** Sends every file with this Content-Type (application/octet-stream unless said; text/html: a misconfigured host). */
    ArchiveHost contentType(String type) {
        this.contentType = type;
        return this;
    }

    private volatile String contentType = "application/octet-stream";

    /** Sends about {@code bytesPerSecond} (0: as fast as it goes). */
    ArchiveHost pace(long bytesPerSecond) {
        this.pace = bytesPerSecond;
        return this;
    }

    /** Every answer stops after {@code bytes} of its body, although its length announces more (-1: never). */
    ArchiveHost cutAfter(long bytes) {
        this.cutAfter = bytes;
        return this;
    }

    /** Every answer stops sending after {@code bytes} of its body and holds its connection open, silent (-1: never). */
    ArchiveHost stallAfter(long bytes) {
        this.stallAfter = bytes;
        return this;
    }

    private volatile long stallAfter = -1;

    /**
     * Answers a Range request under this whole length in its Content-Range ({@code bytes <start>-<total>/<total>},
     * or {@code bytes *}{@code /<total>} with a 416), whatever the file's (null: the file's own).
     */
    ArchiveHost rangeTotal(String total) {
        this.rangeTotal = total;
        return this;
    }

    private volatile String rangeTotal;

    /** For {@link #rangeTotal}: a 206 with no Content-Range at all, as a multipart answer has none of its own. */
    static final String NO_CONTENT_RANGE = "none";

    /**
     * Answers a Range request with {@code bytes} at most, a 206 whose Content-Range ends there short of the file's end
     * (as hosts and CDNs that give a file a part at a time do); -1: the rest of the file.
     */
    ArchiveHost capRanges(long bytes) {
        this.cap = bytes;
        return this;
    }

    private volatile long cap = -1;

    /**
     * With {@link #capRanges}: each such 206 goes on past the end its Content-Range names, with zeros to the file's
     * end (announced by its Content-Length), as a hostile or broken host may.
     */
    ArchiveHost overrunRanges() {
        this.overrun = true;
        return this;
    }

    private volatile boolean overrun;

    /** Every answer (a HEAD's too) announces {@code length} bytes, whatever the file holds (-1: its own length). */
    ArchiveHost announce(long length) {
        this.announced = length;
        return this;
    }

    long bytesSent() {
        return bytesSent.get();
    }

    synchronized List<Request> requests() {
        return new ArrayList<>(requests);
    }

    private synchronized void record(HttpExchange ex, String range, String ifRange, int status) {
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), range, ifRange, status,
                System.nanoTime() / 1_000_000));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String range = ex.getRequestHeaders().getFirst("Range");
            String ifRange = ex.getRequestHeaders().getFirst("If-Range");
            if (path.startsWith("/share/")) {
                record(ex, range, ifRange, 302);
                ex.getResponseHeaders().set("Location", "/files/" + path.substring("/share/".length()));
                ex.sendResponseHeaders(302, -1);
                return;
            }
            if (path.startsWith("/s/") && tokens.containsKey(path.substring("/s/".length()))) {
                record(ex, range, ifRange, 302);
                // as written, not escaped: its bytes UTF-8 (as some hosts send them), which the client reads as ISO-8859-1
                String to = "/files/" + tokens.get(path.substring("/s/".length()));
                ex.getResponseHeaders().set("Location", new String(to.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
                ex.sendResponseHeaders(302, -1);
                return;
            }
            String query = ex.getRequestURI().getQuery();
            // a Google Drive-like link, /uc?export=download&id=<name>: every file's path ends in uc
            String driveId = path.equals("/uc") && query != null
                    ? java.util.Arrays.stream(query.split("&")).filter(q -> q.startsWith("id=")).map(q -> q.substring(3))
                            .findFirst().orElse(null)
                    : null;
            String login = this.login;
            if (login != null && !("Basic " + java.util.Base64.getEncoder().encodeToString(login.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8))).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                record(ex, range, ifRange, 401);
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"files\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            String page = this.drivePage;
            if (confirmLoops && path.equals("/download") && query != null) {
                // the form's URL answers with the same page again
                driveId = java.util.Arrays.stream(query.split("&")).filter(q -> q.startsWith("id=")).map(q -> q.substring(3))
                        .findFirst().orElse(null);
            }
            if (driveId != null && page != null) {
                String html = page.equals("confirm")
                        ? "<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>"
                        + "<p>Google Drive can't scan this file for viruses.</p>"
                        + "<form id=\"download-form\" action=\"http://127.0.0.1:" + server.getAddress().getPort()
                        + "/download\" method=\"get\"><input type=\"submit\" value=\"Download anyway\"/>"
                        + "<input type=\"hidden\" name=\"id\" value=\"" + driveId + "\">"
                        + "<input type=\"hidden\" name=\"export\" value=\"download\">"
                        + "<input type=\"hidden\" name=\"confirm\" value=\"t\">"
                        + "<input type=\"hidden\" name=\"uuid\" value=\"" + uuid + "\"></form></body></html>"
                        : page.equals("confirm-changed")
                        ? "<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>"
                        + "<p>Google Drive can't scan this file for viruses.</p>"
                        + "<form id=\"dl-form-2\" action=\"/fetch\" method=\"post\"><input type=\"hidden\" name=\"k\" value=\""
                        + uuid + "\"><button>Download anyway</button></form></body></html>"
                        : page.equals("confirm-link")
                        ? "<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>"
                        + "<p>Google Drive can't scan this file for viruses.</p><a id=\"uc-download-link\" "
                        + "class=\"goog-inline-block jfk-button\" href=\"/download?id=" + driveId
                        + "&amp;export=download&amp;confirm=t&amp;uuid=" + uuid + "\">Download anyway</a></body></html>"
                        : "<!DOCTYPE html><html><body><div class=\"uc-main\"><p class=\"uc-error-caption\">Sorry, you can't "
                        + "view or download this file at this time.</p><p class=\"uc-error-subcaption\">" + page
                        + "</p></div></body></html>";
                byte[] bytes = html.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                record(ex, range, ifRange, drivePageStatus);
                ex.getResponseHeaders().set("Content-Type", drivePageType);
                // as Drive did: the form's URL gives the file only with the cookie its page set
                ex.getResponseHeaders().set("Set-Cookie", "download_warning_" + driveId + "=" + uuid + "; Path=/; HttpOnly");
                if (gzipInName) {
                    ex.getResponseHeaders().set("Content-Encoding", "gzip");
                }
                ex.sendResponseHeaders(drivePageStatus, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
                return;
            }
            String cookies = ex.getRequestHeaders().getFirst("Cookie");
            String confirmedId = path.equals("/download") && query != null && query.contains("confirm=t")
                    && query.contains("uuid=" + uuid) && cookies != null && cookies.contains("download_warning_")
                    ? java.util.Arrays.stream(query.split("&")).filter(q -> q.startsWith("id=")).map(q -> q.substring(3))
                            .findFirst().orElse(null)
                    : null;
            if (path.startsWith("/files/") && busyTimes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                record(ex, range, ifRange, busyStatus);
                ex.getResponseHeaders().set("Retry-After", busyRetryAfter);
                ex.sendResponseHeaders(busyStatus, -1);
                return;
            }
            String servedAs = path.startsWith("/files/") ? path.substring("/files/".length())
                    : driveId != null ? driveId : confirmedId;
            Served f = servedAs == null ? null : files.get(servedAs);
            if (f == null) {
                record(ex, range, ifRange, 404);
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (dispositions.containsKey(servedAs)) {
                ex.getResponseHeaders().set("Content-Disposition", dispositions.get(servedAs));
            }
            if (unknownCoding != null) {
                java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
                if (unknownCodingApplied) {
                    try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(packed)) {
                        z.write(f.bytes());
                    }
                } else {
                    packed.write(f.bytes());
                }
                record(ex, range, ifRange, 200);
                ex.getResponseHeaders().set("Content-Type", contentType);
                ex.getResponseHeaders().set("Content-Encoding", unknownCoding);
                ex.getResponseHeaders().set("ETag", f.etag());
                ex.sendResponseHeaders(200, packed.size());
                try (OutputStream out = ex.getResponseBody()) {
                    packed.writeTo(out);
                }
                return;
            }
            if (gzip) {
                java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
                try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(packed)) {
                    z.write(f.bytes());
                }
                if (gzipTwice == 1 || gzipTwice == 2) {
                    byte[] once = packed.toByteArray();
                    packed.reset();
                    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(packed)) {
                        z.write(once);
                    }
                }
                record(ex, range, ifRange, 200);
                ex.getResponseHeaders().set("Content-Type", contentType);
                if (gzipTwice >= 2) {
                    ex.getResponseHeaders().add("Content-Encoding", "gzip");
                    ex.getResponseHeaders().add("Content-Encoding", "gzip");
                } else {
                    ex.getResponseHeaders().set("Content-Encoding", gzipTwice == 1 ? "gzip, gzip" : "gzip");
                }
                ex.getResponseHeaders().set("ETag", f.etag());
                ex.sendResponseHeaders(200, packed.size());
                try (OutputStream out = ex.getResponseBody()) {
                    packed.writeTo(out);
                }
                return;
            }
            if (noLength && !"HEAD".equals(ex.getRequestMethod())) {
                record(ex, range, ifRange, 200);
                ex.getResponseHeaders().set("Content-Type", contentType);
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(f.bytes());
                }
                return;
            }
            long start = 0;
            int status = 200;
            Matcher m = range == null ? null : RANGE.matcher(range);
            String etag = etagPerAnswer ? f.etag().replaceFirst("\"$", "-" + answers.incrementAndGet() + "\"") : f.etag();
            boolean validatorHolds = ignoreIfRange || ifRange == null || ifRange.equals(etag) || ifRange.equals(f.lastModified());
            if (range == null && partFrom >= 0 && !"HEAD".equals(ex.getRequestMethod())) {
                status = 206;
                start = partFrom;
                ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (f.bytes().length - 1) + "/"
                        + f.bytes().length);
            } else if (m != null && m.matches() && validatorHolds) {
                start = Long.parseLong(m.group(1));
                if (start >= f.bytes().length) {
                    record(ex, range, ifRange, 416);
                    ex.getResponseHeaders().set("Content-Range", "bytes */" + (rangeTotal != null ? rangeTotal : f.bytes().length));
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                status = 206;
                long total = announced >= 0 ? announced : f.bytes().length;
                long end = cap >= 0 ? Math.min(total, start + cap) - 1 : total - 1;
                if (!NO_CONTENT_RANGE.equals(rangeTotal)) {
                    ex.getResponseHeaders().set("Content-Range", rangeTotal != null ? "bytes " + start + "-" + rangeTotal + "/"
                            + rangeTotal : "bytes " + (start + shift) + "-" + end + "/" + total);
                }
            }
            ex.getResponseHeaders().set("Content-Type", contentType);
            if (gzipInName) {
                ex.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            if (!noValidators) {
                ex.getResponseHeaders().set("ETag", etag);
                ex.getResponseHeaders().set("Last-Modified", f.lastModified());
            }
            record(ex, range, ifRange, status);
            long length = (announced >= 0 ? announced : f.bytes().length) - start;
            // with overrun, the bytes past the cap that a 206 sends are zeros
            long named = status == 206 && cap >= 0 ? Math.min(length, cap) : length;
            if (!overrun) {
                length = named;
            }
            if ("HEAD".equals(ex.getRequestMethod())) {
                // the JDK's server leaves a HEAD answer's length to the handler
                ex.getResponseHeaders().set("Content-Length", String.valueOf(length));
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.sendResponseHeaders(status, length);
            // not closed here: an answer cut short is ended by closing the exchange, which drops the connection
            OutputStream out = ex.getResponseBody();
            try {
                int chunk = 16 * 1024;
                long limit = Math.min(f.bytes().length - start, cutAfter >= 0 ? Math.min(length, cutAfter) : length);
                long from = rangesFromStart ? 0 : start;
                long stall = stallAfter;
                for (long at = 0; at < limit; at += chunk) {
                    if (stall >= 0 && at >= stall) {
                        // silent until the client goes away (or the host closes)
                        Thread.sleep(Long.MAX_VALUE);
                    }
                    int n = (int) Math.min(stall >= 0 && stall > at ? Math.min(chunk, stall - at) : chunk, limit - at);
                    if (at + n <= named) {
                        out.write(f.bytes(), (int) (from + at), n);
                    } else {
                        int good = (int) Math.max(0, named - at);
                        out.write(f.bytes(), (int) (from + at), good);
                        out.write(new byte[n - good]);
                    }
                    out.flush();
                    bytesSent.addAndGet(n);
                    if (pace > 0) {
                        Thread.sleep(n * 1000L / pace);
                    }
                }
                if (limit == length) {
                    out.close();
                }
            } catch (IOException | InterruptedException clientGone) {
                // the client went away
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
