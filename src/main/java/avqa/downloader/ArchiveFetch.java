package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives fetched by URL into {@code archives/<name>}: {@code --import-archive URL}, and the
 * dataset's own archive (MUSIC-AVQA-v2.0's clip RAR). A download goes to {@code <name>.part} with
 * what the server said of the file ({@code <name>.json}: its ETag or Last-Modified and its length);
 * an interrupted one resumes with a Range request guarded by that validator ({@code If-Range}), and
 * starts over cleanly when the server says the file changed. The whole length is checked against
 * what the server announced before the file takes its final name; a complete archive is not
 * fetched again.
 */
public final class ArchiveFetch {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.archive");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern UNSATISFIED = Pattern.compile("bytes \\*/(\\d+)");

    private final Path dir;
    private final List<String> urls;
    private final String datasetArchive;
    private final VideoPlanner planner;
    private final DiskFull diskFull;
    private final RunControl run;
    private final ArchiveProgress progress;
    private final ArchiveListing listing;
    private final Map<String, Path> fetched = new LinkedHashMap<>();

    public ArchiveFetch(Path dataDir, List<String> urls, String datasetArchive, VideoPlanner planner, DiskFull diskFull,
                        RunControl run, ArchiveProgress progress, ArchiveListing listing) {
        this.dir = dataDir.resolve("archives");
        this.urls = urls;
        this.datasetArchive = datasetArchive;
        this.planner = planner;
        this.diskFull = diskFull;
        this.run = run;
        this.progress = progress;
        this.listing = listing;
    }

    /**
     * The archives to fetch now: every URL given, and the dataset's archive while some clip it
     * provides is not complete; those already complete here are not fetched again.
     */
    public synchronized List<String> pending() {
        fetched.clear();
        if (planner.plannedVideos() == planner.completeCount()) {
            return List.of();
        }
        List<String> all = new ArrayList<>(urls);
        if (datasetArchive != null && !datasetArchive.isEmpty() && planner.clipsIncomplete() > 0) {
            all.add(datasetArchive);
        }
        List<String> out = new ArrayList<>();
        for (String url : all) {
            Path file = file(url);
            JsonNode meta = meta(url);
            if (Files.isRegularFile(file) && meta != null && meta.path("complete").asBoolean(false)) {
                LOG.info("The archive {} is here already ({}), not fetched again", file.getFileName(), size(file));
                fetched.put(url, file);
            } else {
                out.add(url);
            }
        }
        return out;
    }

    /** The archives now complete under {@code archives/}, to import. */
    public synchronized List<Path> fetched() {
        return new ArrayList<>(fetched.values());
    }

    /** Whether {@code url} is the dataset's own archive (its failure means falling back to the dataset's source). */
    public boolean isDatasetArchive(@Variable("archiveUrl") String url) {
        return url != null && url.equals(datasetArchive);
    }

    /** The request for one attempt: a Range guarded by the validator when part of it is here. */
    public void request(Exchange exchange, @Variable("archiveUrl") String url) throws IOException {
        run.checkRunning();
        Files.createDirectories(dir);
        Message in = exchange.getIn();
        // only Camel's own headers stay; nothing else of the exchange is sent to the host
        in.removeHeaders("*", "Camel*");
        in.setHeader(Exchange.HTTP_URI, url);
        in.setHeader(Exchange.HTTP_METHOD, "GET");
        in.setHeader("Accept-Encoding", "identity");
        in.setBody("");
        Path part = part(url);
        JsonNode meta = meta(url);
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        String validator = meta == null ? null : validator(meta);
        long from = 0;
        if (have > 0 && validator != null) {
            in.setHeader("Range", "bytes=" + have + "-");
            in.setHeader("If-Range", validator);
            from = have;
        }
        exchange.setVariable("rangeFrom", from);
    }

    /** Stores the answer: appended or from the start, checked against the announced length, then renamed. */
    public void store(Exchange exchange, @Variable("archiveUrl") String url, @Variable("rangeFrom") long from)
            throws IOException {
        Message in = exchange.getIn();
        int code = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        InputStream body = in.getBody(InputStream.class);
        Path part = part(url);
        String name = file(url).getFileName().toString();
        long start;
        long total;
        try {
            if (code == 206) {
                Matcher m = CONTENT_RANGE.matcher(String.valueOf(in.getHeader("Content-Range")));
                if (!m.matches() || Long.parseLong(m.group(1)) != from) {
                    discard(url);
                    throw new VideoFailure.Transient("the server resumed " + name + " at another place; starting over", "");
                }
                start = from;
                total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            } else if (code == 200) {
                String type = String.valueOf(in.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
                if (type.startsWith("text/html") || type.startsWith("application/xhtml")) {
                    throw new VideoFailure.Permanent("the link answered with a web page, not an archive (a share link "
                            + "may need ?dl=1 to give the file itself)", "HTTP 200 " + type);
                }
                if (from > 0) {
                    LOG.info("{} changed on the server since the interrupted download (or the server does not resume): "
                            + "fetching it whole again", name);
                }
                start = 0;
                total = longHeader(in, "Content-Length");
            } else if (code == 416 && from > 0) {
                Matcher m = UNSATISFIED.matcher(String.valueOf(in.getHeader("Content-Range")));
                if (m.matches() && Long.parseLong(m.group(1)) == from) {
                    finish(url, from);
                    return;
                }
                discard(url);
                throw new VideoFailure.Transient("the server no longer has " + name + " as it was; starting over", "");
            } else {
                throw FailureClassifier.httpStatus(code);
            }
            writeMeta(url, in, total, false);
            announce(name, url, start, total);
            long written = copy(body, part, start, total, name);
            long size = start + written;
            if (total >= 0 && size != total) {
                if (size > total) {
                    discard(url);
                }
                throw new VideoFailure.Transient("got " + human(size) + " of the " + human(total) + " of " + name
                        + " the server announced; what came is kept, and a later attempt resumes there", "");
            }
            if (total < 0) {
                unannouncedLength(url, name, size);
            }
            finish(url, size);
        } finally {
            progress.done();
            HttpBodies.drop(body);
        }
    }

    /**
     * The host announced no length, so a connection that closed early looks like the end of the file:
     * the archive must read to its end before it counts as whole.
     */
    private void unannouncedLength(String url, String name, long size) throws IOException {
        switch (listing.check(part(url))) {
            case WHOLE -> LOG.info("The host announced no length for {}; the {} that came read as a whole archive",
                    name, human(size));
            case DAMAGED -> throw new VideoFailure.Transient("the host announced no length for " + name + ", and the "
                    + human(size) + " that came do not read as a whole archive (cut short?); what came is kept, and a "
                    + "later attempt resumes there", "");
            case UNCHECKED -> LOG.warn("The host announced no length for {}, and it cannot be checked without bsdtar: "
                    + "the {} that came are taken as whole", name, human(size));
        }
    }

    /** The archive could not be fetched: one line, and the run goes on with what it has. */
    public void failed(Exchange exchange, @Variable("archiveUrl") String url) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String why = cause == null ? "unknown" : cause.getMessage();
        LOG.warn("The archive at {} could not be fetched ({}){}", Redact.url(url), why, isDatasetArchive(url)
                ? "; its clips come from the dataset's other source (YouTube) instead" : "; it is not imported");
    }

    private void finish(String url, long size) throws IOException {
        Path part = part(url);
        Path file = file(url);
        AtomicFiles.move(part, file);
        JsonNode meta = meta(url);
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("url", Redact.url(url));
        done.put("url_sha256", sha(url));
        done.put("etag", meta == null ? null : meta.path("etag").asText(null));
        done.put("last_modified", meta == null ? null : meta.path("last_modified").asText(null));
        done.put("length", size);
        done.put("complete", true);
        AtomicFiles.write(metaFile(url), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(done));
        LOG.info("Fetched the archive {} ({})", file.getFileName(), human(size));
        synchronized (this) {
            fetched.put(url, file);
        }
    }

    private void announce(String name, String url, long start, long total) {
        String size = total < 0 ? "size not announced" : human(total);
        if (start > 0) {
            LOG.info("Resuming the archive {} ({}) at {} from {}", name, size, human(start), Redact.url(url));
        } else {
            LOG.info("Fetching the archive {} ({}) from {}", name, size, Redact.url(url));
        }
        progress.start(name, start, total);
    }

    private long copy(InputStream body, Path part, long start, long total, String name) throws IOException {
        long written = 0;
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            out.truncate(start);
            out.position(start);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = body.read(buf)) > 0) {
                run.checkRunning();
                out.write(ByteBuffer.wrap(buf, 0, n));
                written += n;
                progress.advance(n);
                if (total >= 0 && start + written > total) {
                    break;
                }
            }
        } catch (IOException e) {
            diskFull.check(e);
            run.checkRunning();
            throw new VideoFailure.Transient("the download of " + name + " broke off after " + human(start + written)
                    + (total >= 0 ? " of " + human(total) : "") + "; what came is kept, and a later attempt resumes there",
                    String.valueOf(e.getMessage()));
        }
        return written;
    }

    private void writeMeta(String url, Message in, long total, boolean complete) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("url", Redact.url(url));
        meta.put("url_sha256", sha(url));
        meta.put("etag", in.getHeader("ETag", String.class));
        meta.put("last_modified", in.getHeader("Last-Modified", String.class));
        meta.put("length", total);
        meta.put("complete", complete);
        AtomicFiles.write(metaFile(url), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
    }

    /** The validator a resume can be guarded by: a strong ETag, else the Last-Modified date. */
    private static String validator(JsonNode meta) {
        String etag = meta.path("etag").asText(null);
        if (etag != null && !etag.startsWith("W/")) {
            return etag;
        }
        return meta.path("last_modified").asText(null);
    }

    private void discard(String url) throws IOException {
        Files.deleteIfExists(part(url));
        Files.deleteIfExists(metaFile(url));
    }

    /** {@code archives/<name>}: the URL's last path segment, made safe; the URL's hash when it has none. */
    Path file(String url) {
        String path;
        try {
            path = URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            path = "";
        }
        String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        if (last.isEmpty() || last.startsWith(".") || last.length() > 100) {
            last = "archive-" + sha(url).substring(0, 12);
        }
        return dir.resolve(last);
    }

    private Path part(String url) {
        return file(url).resolveSibling(file(url).getFileName() + ".part");
    }

    private Path metaFile(String url) {
        return file(url).resolveSibling(file(url).getFileName() + ".json");
    }

    /** What the last attempt learnt of this URL's archive, or null (none, or another URL's). */
    private JsonNode meta(String url) {
        Path f = metaFile(url);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(f.toFile());
            return n != null && sha(url).equals(n.path("url_sha256").asText()) ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static long longHeader(Message in, String name) {
        String v = in.getHeader(name, String.class);
        try {
            return v == null ? -1 : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String size(Path file) {
        try {
            return human(Files.size(file));
        } catch (IOException e) {
            return "?";
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
