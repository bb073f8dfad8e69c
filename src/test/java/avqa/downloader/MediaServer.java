package avqa.downloader;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The video host the tests download from: an HTTP server on 127.0.0.1 that serves clips under
 * {@code /v/<id>.mp4}, answers Range requests, records every request, and injects faults per id.
 */
final class MediaServer implements AutoCloseable {

    /** What the server does instead of serving a video. */
    enum Fault {
        TOO_MANY_REQUESTS, NOT_FOUND, SERVER_ERROR,
        /** A 429 whose Retry-After asks for more than three years. */
        TOO_MANY_REQUESTS_FOR_YEARS,
        /** Serves the first half of the file as if it were all of it (honest Content-Length). */
        TRUNCATED,
        /** Promises the whole file, sends half, then drops the connection. */
        CUT,
        /** An ordinary HTML page instead of a video. */
        HTML_PAGE,
        /** The same page, sent as {@code Content-Type: video/mp4}. */
        HTML_PAGE_AS_VIDEO,
        /** A page asking to confirm you are not a bot, as YouTube serves to a limited IP. */
        BOT_CHECK_PAGE,
        /** Sends the headers and a little of the body, then nothing more until the client gives up. */
        STALL,
        /** The whole file promised, sent at one byte a second. */
        TRICKLE,
        /** A body without a Content-Length that never ends. */
        ENDLESS,
        /** A 500 whose page, without a Content-Length, never ends. */
        ENDLESS_ERROR_PAGE,
        /** A gzip-encoded body (asked for or not) that inflates a thousandfold. */
        GZIP_BOMB,
        /** The file, gzip-encoded though nothing asked for it, its Content-Length the compressed one. */
        GZIPPED,
        /** The file gzip-encoded twice, {@code Content-Encoding: gzip, gzip}. */
        GZIPPED_TWICE,
        /** The same, the two codings on two lines of {@code Content-Encoding}. */
        GZIPPED_TWICE_TWO_LINES,
        /** The file gzip-encoded once, {@code Content-Encoding: gzip, identity}. */
        GZIPPED_AND_IDENTITY,
        /** The file gzip-encoded once, though {@code Content-Encoding: gzip} comes twice (on two lines). */
        GZIPPED_ONCE_SAID_TWICE,
        /** The file itself, with 400 lines of {@code Content-Encoding}, each 60 KiB of {@code gzip,gzip,…}. */
        CODINGS_WITHOUT_END,
        /** The file as raw deflate (no zlib header), as some hosts send "deflate". */
        RAW_DEFLATE,
        /** The file itself, with "Content-Encoding: none" (a common server-side idiom for "not compressed"). */
        ENCODING_NONE,
        /** The file itself, sent as {@code Content-Type: text/html}. */
        VIDEO_AS_HTML,
        /** The file itself, with "Content-Encoding: gzip" though it was never compressed. */
        GZIP_NOT_APPLIED,
        /** The file itself, with "Content-Encoding: deflate" though it was never compressed. */
        DEFLATE_NOT_APPLIED,
        /** A line of text (no video), with "Content-Encoding: gzip" though it was never compressed. */
        TEXT_AS_GZIP,
        /** A 404 whose small page comes at one byte a second. */
        SLOW_ERROR_PAGE,
        /** A redirect to an ftp:// location. */
        REDIRECT_FTP,
        /** A redirect to itself, for ever. */
        REDIRECT_LOOP,
        /** The file with its last 5 KB cut off (its index, at the front, whole), with an honest Content-Length. */
        CUT_TAIL,
        /** The first half of the file as 206 Partial Content, which nobody asked for. */
        PARTIAL,
        /** A redirect to the same path under /moved (which the test serves). */
        MOVED,
        /** A redirect whose Location is no URL. */
        REDIRECT_BROKEN,
        /** A redirect whose Location header is empty (HttpClient would take it for the page itself). */
        REDIRECT_EMPTY,
        /** The file gzip-encoded, the gzip's trailer (its CRC and length, 8 bytes) left off, the Content-Length honest. */
        GZIP_WITHOUT_TRAILER,
        /** The file gzip-encoded, a run of bytes in its middle zeroed (damaged compressed data), the Content-Length honest. */
        GZIP_DAMAGED
    }

    /** One request as the server saw it. */
    record Hit(long atMillis, String method, String id, String range, int status) {
    }

    private static final Pattern PATH = Pattern.compile("/v/(.+?)(?:\\.mp4)?");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Path> videos = new ConcurrentHashMap<>();
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final List<String> uris = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Deque<Fault>> nextFaults = new ConcurrentHashMap<>();
    private final Map<String, Fault> alwaysFaults = new ConcurrentHashMap<>();
    private volatile Fault everyone;
    private volatile long everyoneUntil;
    private volatile long stormLength;
    private volatile long stormStart;
    private final List<Hit> hits = new ArrayList<>();
    private final Map<String, Integer> completeBodies = new ConcurrentHashMap<>();
    private volatile long holdMillis;
    private volatile long pace;
    private final Map<String, java.util.function.BooleanSupplier> holds = new ConcurrentHashMap<>();
    private final Map<String, java.util.function.BooleanSupplier> bodyHolds = new ConcurrentHashMap<>();
    private final Map<String, Boolean> heldInVain = new ConcurrentHashMap<>();
    private final long started = System.currentTimeMillis();

    MediaServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /**
     * The {@code --source-url-template} that points at this server, as a page-like URL without a
     * file extension: yt-dlp fetches these (as it does YouTube's).
     */
    String urlTemplate() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v/{id}";
    }

    /** A template of plain media-file URLs ({@code …/<id>.mp4}): the tool fetches these itself. */
    String mediaFileTemplate() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v/{id}.mp4";
    }

    MediaServer serve(String id, Path clip) {
        videos.put(id, clip);
        return this;
    }

    /** Serves a web page (text/html) as video {@code id}'s page. */
    MediaServer servePage(String id, String html) {
        pages.put(id, html);
        return this;
    }

    /** Serves a plain file (an annotation file, say) at an exact path such as {@code /json/avqa-test.json}. */
    MediaServer serveFile(String path, Path file) {
        files.put(path, file);
        return this;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Faults for the next requests of {@code id} (a video or a page), one per request, before it is served normally. */
    MediaServer failNext(String id, Fault... faults) {
        nextFaults.computeIfAbsent(id, k -> new ArrayDeque<>()).addAll(List.of(faults));
        return this;
    }

    /** A fault for every request of {@code id} (null to stop it). */
    MediaServer failAlways(String id, Fault fault) {
        if (fault == null) {
            alwaysFaults.remove(id);
        } else {
            alwaysFaults.put(id, fault);
        }
        return this;
    }

    /** A fault for every video request until {@code millis} from now: a storm that hits the whole IP. */
    MediaServer failEveryoneFor(Fault fault, long millis) {
        everyone = fault;
        everyoneUntil = System.currentTimeMillis() + millis;
        return this;
    }

    /**
     * A storm that begins with the next request, whenever it comes (a run's start-up takes longer on a
     * busy machine), and lasts {@code millis}; returns when it began, or 0 until then.
     */
    MediaServer failEveryoneFromNextRequestFor(Fault fault, long millis) {
        everyone = fault;
        everyoneUntil = 0;
        stormLength = millis;
        return this;
    }

    /** When the storm began (0: not yet, or not a storm of {@link #failEveryoneFromNextRequestFor}). */
    long stormStart() {
        return stormStart;
    }

    /** Sends every video at about {@code bytesPerSecond} (0: as fast as it goes). */
    MediaServer pace(long bytesPerSecond) {
        pace = bytesPerSecond;
        return this;
    }

    /**
     * Answers {@code id} only once each of {@code others} was sent whole (at most {@code maxMillis}
     * later): a download that lasts while the others are fetched.
     */
    MediaServer holdUntilServed(String id, List<String> others, long maxMillis) {
        return holdUntil(id, () -> others.stream().allMatch(completeBodies::containsKey), maxMillis);
    }

    /**
     * Answers {@code id} only once {@code condition} holds (at most {@code maxMillis} later); its requests
     * are recorded when they come.
     */
    MediaServer holdUntil(String id, java.util.function.BooleanSupplier condition, long maxMillis) {
        holds.put(id, condition);
        heldInVain.put(id, false);
        holdMillis = maxMillis;
        return this;
    }

    /** Whether the answer to a held video went out because the wait ran out rather than its condition held. */
    boolean heldInVain(String id) {
        return heldInVain.getOrDefault(id, false);
    }

    /**
     * Sends {@code id}'s headers at once and its body only once {@code condition} holds (at most {@code maxMillis}
     * later): the client has its answer, and waits for the body.
     */
    MediaServer holdBodyUntil(String id, java.util.function.BooleanSupplier condition, long maxMillis) {
        bodyHolds.put(id, condition);
        heldInVain.put(id, false);
        holdMillis = maxMillis;
        return this;
    }

    private void await(String id) throws InterruptedException {
        await(id, holds.get(id));
    }

    private void await(String id, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + holdMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() >= deadline) {
                heldInVain.put(id, true);
                return;
            }
            Thread.sleep(20);
        }
    }

    /** How many times the whole of a video was sent to the end (the client read it all). */
    int completeBodies(String id) {
        return completeBodies.getOrDefault(id, 0);
    }

    /** Milliseconds since the server started, on the clock of {@link Hit#atMillis()}. */
    long now() {
        return System.currentTimeMillis() - started;
    }

    synchronized List<Hit> hits() {
        return new ArrayList<>(hits);
    }

    List<Hit> hits(String id) {
        return hits().stream().filter(h -> id.equals(h.id())).toList();
    }

    private synchronized void record(String method, String id, String range, int status) {
        hits.add(new Hit(System.currentTimeMillis() - started, method, id, range, status));
    }

    /** A page's fault: those {@link #failNext} gave it (a storm or {@link #failAlways} is for videos only). */
    private synchronized Fault nextPageFault(String id) {
        Deque<Fault> queue = nextFaults.get(id);
        return queue == null ? null : queue.poll();
    }

    private Fault faultFor(String id) {
        synchronized (this) {
            if (stormLength > 0 && everyoneUntil == 0) {
                stormStart = System.currentTimeMillis();
                everyoneUntil = stormStart + stormLength;
                stormLength = 0;
            }
        }
        if (everyone != null && System.currentTimeMillis() < everyoneUntil) {
            return everyone;
        }
        Deque<Fault> queue = nextFaults.get(id);
        synchronized (this) {
            if (queue != null && !queue.isEmpty()) {
                return queue.poll();
            }
        }
        return alwaysFaults.get(id);
    }

    /** Every request's URI as it was sent (path and query). */
    List<String> uris() {
        return List.copyOf(uris);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            uris.add(ex.getRequestURI().toString());
            String rawPath = ex.getRequestURI().getRawPath();
            if (files.containsKey(rawPath)) {
                byte[] body = Files.readAllBytes(files.get(rawPath));
                record(ex.getRequestMethod(), rawPath, null, 200);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            Matcher m = PATH.matcher(rawPath);
            String id = m.matches() ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : rawPath;
            String range = ex.getRequestHeaders().getFirst("Range");
            boolean head = "HEAD".equals(ex.getRequestMethod());
            Fault pageFault = pages.containsKey(id) ? nextPageFault(id) : null;
            if (pageFault != null) {
                fault(ex, id, range, pageFault, null);
                return;
            }
            if (pages.containsKey(id)) {
                byte[] body = pages.get(id).getBytes(StandardCharsets.UTF_8);
                record(ex.getRequestMethod(), id, range, 200);
                ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, head ? -1 : body.length);
                if (!head) {
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(body);
                    }
                }
                return;
            }
            Path clip = videos.get(id);
            Fault fault = clip == null ? Fault.NOT_FOUND : faultFor(id);
            if (fault != null) {
                fault(ex, id, range, fault, clip);
                return;
            }
            byte[] data = Files.readAllBytes(clip);
            long start = 0;
            long end = data.length - 1;
            int status = 200;
            if (range != null) {
                Matcher r = RANGE.matcher(range.trim());
                if (r.matches()) {
                    if (!r.group(1).isEmpty()) {
                        start = Long.parseLong(r.group(1));
                        if (!r.group(2).isEmpty()) {
                            end = Math.min(end, Long.parseLong(r.group(2)));
                        }
                    } else if (!r.group(2).isEmpty()) {
                        start = Math.max(0, data.length - Long.parseLong(r.group(2)));
                    }
                    if (start >= data.length || start > end) {
                        ex.getResponseHeaders().set("Content-Range", "bytes */" + data.length);
                        record(ex.getRequestMethod(), id, range, 416);
                        ex.sendResponseHeaders(416, -1);
                        return;
                    }
                    status = 206;
                    ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + data.length);
                }
            }
            ex.getResponseHeaders().set("Content-Type", "video/mp4");
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            long length = end - start + 1;
            record(ex.getRequestMethod(), id, range, status);
            if (holds.containsKey(id)) {
                try {
                    await(id);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            ex.sendResponseHeaders(status, head ? -1 : length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    if (bodyHolds.containsKey(id)) {
                        out.flush();
                        await(id, bodyHolds.get(id));
                    }
                    long perSecond = pace;
                    if (perSecond <= 0) {
                        out.write(data, (int) start, (int) length);
                    } else {
                        // a slow source: 16 KiB at a time, so a download lasts long enough to be interrupted
                        int chunk = 16 * 1024;
                        for (long at = start; at <= end; at += chunk) {
                            out.write(data, (int) at, (int) Math.min(chunk, end + 1 - at));
                            out.flush();
                            Thread.sleep(chunk * 1000L / perSecond);
                        }
                    }
                    out.flush();
                    if (start == 0 && end == data.length - 1) {
                        completeBodies.merge(id, 1, Integer::sum);
                    }
                } catch (IOException | InterruptedException clientWentAway) {
                    // the client closed early: fine, and not a complete download
                }
            }
        }
    }

    private void fault(HttpExchange ex, String id, String range, Fault fault, Path clip) throws IOException {
        switch (fault) {
            case TOO_MANY_REQUESTS -> plain(ex, id, range, 429, "Too Many Requests");
            case TOO_MANY_REQUESTS_FOR_YEARS -> {
                ex.getResponseHeaders().set("Retry-After", "99999999");
                plain(ex, id, range, 429, "Too Many Requests");
            }
            case NOT_FOUND -> plain(ex, id, range, 404, "Not Found");
            case SERVER_ERROR -> plain(ex, id, range, 503, "Service Unavailable");
            case HTML_PAGE, HTML_PAGE_AS_VIDEO, BOT_CHECK_PAGE -> {
                record(ex.getRequestMethod(), id, range, 200);
                byte[] page = (fault != Fault.BOT_CHECK_PAGE
                        ? "<!DOCTYPE html><html><head><title>Welcome</title></head><body><p>Our videos</p></body></html>"
                        : "<!DOCTYPE html><html><head><title>Sign in</title></head><body>"
                        + "<p>Sign in to confirm you’re not a bot</p></body></html>").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", fault == Fault.HTML_PAGE_AS_VIDEO ? "video/mp4"
                        : "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, page.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(page);
                }
            }
            case TRUNCATED -> {
                byte[] data = Files.readAllBytes(clip);
                int half = data.length / 2;
                record(ex.getRequestMethod(), id, range, 200);
                ex.getResponseHeaders().set("Content-Type", "video/mp4");
                ex.sendResponseHeaders(200, half);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(data, 0, half);
                }
            }
            case CUT, STALL -> {
                byte[] data = Files.readAllBytes(clip);
                record(ex.getRequestMethod(), id, range, 200);
                ex.getResponseHeaders().set("Content-Type", "video/mp4");
                ex.sendResponseHeaders(200, data.length);
                OutputStream out = ex.getResponseBody();
                try {
                    out.write(data, 0, fault == Fault.CUT ? data.length / 2 : 1024);
                    out.flush();
                    if (fault == Fault.STALL) {
                        Thread.sleep(120_000);
                    }
                } catch (IOException | InterruptedException e) {
                    // client gave up
                }
                // closing now, short of the promised length, drops the connection
            }
            case TRICKLE, SLOW_ERROR_PAGE -> {
                byte[] data = fault == Fault.TRICKLE ? Files.readAllBytes(clip) : new byte[4096];
                int status = fault == Fault.TRICKLE ? 200 : 404;
                record(ex.getRequestMethod(), id, range, status);
                ex.getResponseHeaders().set("Content-Type", fault == Fault.TRICKLE ? "video/mp4" : "text/html");
                ex.sendResponseHeaders(status, data.length);
                OutputStream out = ex.getResponseBody();
                try {
                    for (byte b : data) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(1000);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client gave up, as it should
                }
            }
            case ENDLESS, ENDLESS_ERROR_PAGE -> {
                int status = fault == Fault.ENDLESS ? 200 : 500;
                record(ex.getRequestMethod(), id, range, status);
                ex.getResponseHeaders().set("Content-Type", fault == Fault.ENDLESS ? "video/mp4" : "text/html");
                ex.sendResponseHeaders(status, 0);
                OutputStream out = ex.getResponseBody();
                byte[] chunk = new byte[64 * 1024];
                try {
                    while (true) {
                        out.write(chunk);
                        bytesSent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the client gave up, as it should
                }
            }
            case GZIP_BOMB -> {
                record(ex.getRequestMethod(), id, range, 200);
                java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
                try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(packed)) {
                    byte[] zeros = new byte[1 << 20];
                    for (int i = 0; i < 100; i++) {
                        gz.write(zeros);
                    }
                }
                byte[] body = packed.toByteArray();
                ex.getResponseHeaders().set("Content-Type", "video/mp4");
                ex.getResponseHeaders().set("Content-Encoding", "gzip");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            case CODINGS_WITHOUT_END -> {
                record(ex.getRequestMethod(), id, range, 200);
                String line = "gzip,".repeat(60 * 1024 / 5);
                for (int i = 0; i < 400; i++) {
                    ex.getResponseHeaders().add("Content-Encoding", line);
                }
                ex.getResponseHeaders().set("Content-Type", "video/mp4");
                ex.sendResponseHeaders(200, Files.size(clip));
                try (OutputStream out = ex.getResponseBody()) {
                    Files.copy(clip, out);
                }
            }
            case GZIPPED_TWICE, GZIPPED_TWICE_TWO_LINES, GZIPPED_AND_IDENTITY, GZIPPED_ONCE_SAID_TWICE -> {
                record(ex.getRequestMethod(), id, range, 200);
                byte[] body = Files.readAllBytes(clip);
                int once = fault == Fault.GZIPPED_AND_IDENTITY || fault == Fault.GZIPPED_ONCE_SAID_TWICE ? 1 : 0;
                for (int i = once; i < 2; i++) {
                    java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
                    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(packed)) {
                        gz.write(body);
                    }
                    body = packed.toByteArray();
                }
                ex.getResponseHeaders().set("Content-Type", "video/mp4");
                if (fault == Fault.GZIPPED_TWICE_TWO_LINES || fault == Fault.GZIPPED_ONCE_SAID_TWICE) {
                    ex.getResponseHeaders().add("Content-Encoding", "gzip");
                    ex.getResponseHeaders().add("Content-Encoding", "gzip");
                } else {
                    ex.getResponseHeaders().set("Content-Encoding", fault == Fault.GZIPPED_TWICE ? "gzip, gzip" : "gzip, identity");
                }
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            case GZIP_WITHOUT_TRAILER, GZIP_DAMAGED -> {
                record(ex.getRequestMethod(), id, range, 200);
                java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
                try (java.io.OutputStream z = new java.util.zip.GZIPOutputStream(packed)) {
                    z.write(Files.readAllBytes(clip));
                }
                byte[] body = packed.toByteArray();
                if (fault == Fault.GZIP_WITHOUT_TRAILER) {
                    body = java.util.Arrays.copyOf(body, body.length - 8);
                } else {
                    java.util.Arrays.fill(body, body.length / 2, body.length / 2 + 64, (byte) 0);
                }
                ex.getResponseHeaders().set("Content-Type", "video/mp4");
                ex.getResponseHeaders().set("Content-Encoding", "gzip");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            case GZIPPED, RAW_DEFLATE, ENCODING_NONE, VIDEO_AS_HTML, GZIP_NOT_APPLIED, DEFLATE_NOT_APPLIED, TEXT_AS_GZIP -> {
                record(ex.getRequestMethod(), id, range, 200);
                java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
                if (fault == Fault.TEXT_AS_GZIP) {
                    packed.write("Service busy, come back later\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } else if (fault != Fault.GZIPPED && fault != Fault.RAW_DEFLATE) {
                    packed.write(Files.readAllBytes(clip));
                } else {
                    try (java.io.OutputStream z = fault == Fault.GZIPPED ? new java.util.zip.GZIPOutputStream(packed)
                            : new java.util.zip.DeflaterOutputStream(packed, new java.util.zip.Deflater(6, true))) {
                        z.write(Files.readAllBytes(clip));
                    }
                }
                ex.getResponseHeaders().set("Content-Type", fault == Fault.VIDEO_AS_HTML ? "text/html; charset=utf-8" : "video/mp4");
                String encoding = switch (fault) {
                    case GZIPPED, GZIP_NOT_APPLIED, TEXT_AS_GZIP -> "gzip";
                    case RAW_DEFLATE, DEFLATE_NOT_APPLIED -> "deflate";
                    case ENCODING_NONE -> "none";
                    default -> null;
                };
                if (encoding != null) {
                    ex.getResponseHeaders().set("Content-Encoding", encoding);
                }
                ex.sendResponseHeaders(200, packed.size());
                try (OutputStream out = ex.getResponseBody()) {
                    packed.writeTo(out);
                }
            }
            case PARTIAL -> {
                byte[] data = Files.readAllBytes(clip);
                int half = data.length / 2;
                record(ex.getRequestMethod(), id, range, 206);
                ex.getResponseHeaders().set("Content-Range", "bytes 0-" + (half - 1) + "/" + data.length);
                ex.sendResponseHeaders(206, half);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(data, 0, half);
                }
            }
            case MOVED -> {
                record(ex.getRequestMethod(), id, range, 302);
                ex.getResponseHeaders().set("Location", "/moved" + ex.getRequestURI().getPath());
                ex.sendResponseHeaders(302, -1);
            }
            case REDIRECT_FTP, REDIRECT_LOOP, REDIRECT_BROKEN, REDIRECT_EMPTY -> {
                record(ex.getRequestMethod(), id, range, 302);
                ex.getResponseHeaders().set("Location", fault == Fault.REDIRECT_FTP
                        ? "ftp://127.0.0.1:9/v/" + id + ".mp4"
                        : fault == Fault.REDIRECT_BROKEN ? "http://[not a host/v.mp4"
                        : fault == Fault.REDIRECT_EMPTY ? "" : ex.getRequestURI().toString());
                ex.sendResponseHeaders(302, -1);
            }
            case CUT_TAIL -> {
                byte[] data = Files.readAllBytes(clip);
                int length = data.length - 5 * 1024;
                record(ex.getRequestMethod(), id, range, 200);
                ex.getResponseHeaders().set("Content-Type", "video/mp4");
                ex.sendResponseHeaders(200, length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(data, 0, length);
                }
            }
            default -> throw new IllegalStateException(fault.toString());
        }
    }

    private final java.util.concurrent.atomic.AtomicLong bytesSent = new java.util.concurrent.atomic.AtomicLong();

    /** Bytes sent by the endless fault. */
    long endlessBytesSent() {
        return bytesSent.get();
    }

    private void plain(HttpExchange ex, String id, String range, int status, String text) throws IOException {
        record(ex.getRequestMethod(), id, range, status);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
