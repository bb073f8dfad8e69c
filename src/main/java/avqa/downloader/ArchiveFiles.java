package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Message;

/**
 * The files of an archive fetched by URL, in {@code archives/}: {@code <name>} once whole,
 * {@code <name>.part} while it comes, and {@code <name>.json}, what the server said of it (its ETag or
 * Last-Modified, its length, the file name it gave, whether it is complete), which counts only for the URL
 * it was written for. {@code <name>} comes from the URL; when the URL names no archive file (a Google Drive
 * link, a share link's id) the whole archive takes the name its host gave it ({@code Content-Disposition}),
 * so that the volumes or parts of one archive, each behind a link of its own, are found and read together.
 */
final class ArchiveFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    ArchiveFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /**
     * Records what the server said of the archive as it starts to send it; the name its host gave it stays
     * when this answer gives none (a resume's).
     */
    void writeMeta(String url, Message in, long total, boolean complete) throws IOException {
        JsonNode before = meta(url);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("url", Redact.url(url));
        meta.put("url_sha256", sha(url));
        meta.put("etag", in.getHeader("ETag", String.class));
        meta.put("last_modified", in.getHeader("Last-Modified", String.class));
        meta.put("length", total);
        boolean urlNamesIt = ARCHIVE_NAME.matcher(urlNamed(url).getFileName().toString()).matches();
        String given = urlNamesIt ? null : givenName(in.getHeader("Content-Disposition", String.class));
        if (given == null && before != null) {
            given = before.path("given_name").asText(null);
        }
        if (given == null && !urlNamesIt) {
            // as a browser names it: the URL a share link led to, when it names the file and the answer does not (nor
            // did an earlier answer: a resume's redirect does not rename what is coming)
            given = redirectedName(in.getHeader(HttpClientSetup.FINAL_URL, String.class));
        }
        if (given != null) {
            meta.put("given_name", given);
        }
        if (before != null && before.path(ETAG_PER_ANSWER).asBoolean(false)) {
            meta.put(ETAG_PER_ANSWER, true);
        }
        if (before != null && before.hasNonNull("saved_as")) {
            meta.put("saved_as", before.path("saved_as").asText());
            if (before.path(KEPT_ONCE).asBoolean(false)) {
                // another link's file, which stays this link's while a new copy comes (finish puts that elsewhere)
                meta.put(KEPT_ONCE, true);
            }
        }
        meta.put("complete", complete);
        AtomicFiles.write(metaFile(url), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
    }

    /**
     * The part takes the archive's name - the one its host gave it, when the URL names none and no other
     * archive here has it or is coming under it - and its record says it is complete; returns the archive.
     * The record names the file before it moves there, so that a run killed in between finds it its own.
     */
    synchronized Path finish(String url, long size) throws IOException {
        Path part = part(url);
        JsonNode meta = meta(url);
        String given = meta == null ? null : meta.path("given_name").asText(null);
        String savedBefore = meta == null ? null : meta.path("saved_as").asText(null);
        Path file = urlNamed(url);
        Matcher ext = given == null ? null : ARCHIVE_NAME.matcher(given);
        if (ext != null && ext.matches()) {
            Path named = dir.resolve(given);
            // (a name this link's record has as another link's file is not its own: kept once)
            boolean ownBefore = given.equals(savedBefore) && !meta.path(KEPT_ONCE).asBoolean(false);
            file = ownBefore || !taken(named) ? named
                    : dir.resolve(ext.group(1) + "-" + sha(url).substring(0, 12) + ext.group(2));
        }
        Map<String, Object> done = doneRecord(url, meta, size, file);
        done.put("complete", false);
        AtomicFiles.write(metaFile(url), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(done));
        AtomicFiles.move(part, file);
        done.put("complete", true);
        AtomicFiles.write(metaFile(url), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(done));
        return file;
    }

    /** The record of this URL's archive, whole under {@code file}: {@code complete} is for the caller to put. */
    private Map<String, Object> doneRecord(String url, JsonNode meta, long size, Path file) {
        String given = meta == null ? null : meta.path("given_name").asText(null);
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("url", Redact.url(url));
        done.put("url_sha256", sha(url));
        done.put("etag", meta == null ? null : meta.path("etag").asText(null));
        done.put("last_modified", meta == null ? null : meta.path("last_modified").asText(null));
        done.put("length", size);
        if (given != null) {
            done.put("given_name", given);
        }
        if (!file.equals(urlNamed(url))) {
            done.put("saved_as", file.getFileName().toString());
        }
        return done;
    }

    /**
     * The archive here under the name this URL's download would take (the one its host gave it, else its URL's)
     * when another link brought it and it has the same bytes as this download's {@code .part} of {@code size}
     * bytes: one file given by two links (a mirror's and its authors', say) is that one file here, not a second
     * archive under another name (which, for a part of a split archive, would read as a part of an archive whose
     * first part is missing). Null otherwise: no such file, it is this URL's own, or its bytes differ.
     */
    synchronized Path sameFileHere(String url, long size) throws IOException {
        JsonNode meta = meta(url);
        String given = meta == null ? null : meta.path("given_name").asText(null);
        String name = given != null && ARCHIVE_NAME.matcher(given).matches() ? given : lastSegment(url);
        if (name.isEmpty() || name.startsWith(".") || !ARCHIVE_NAME.matcher(name).matches()) {
            return null;
        }
        Path here = dir.resolve(name);
        Path part = part(url);
        boolean own = here.equals(urlNamed(url)) || meta != null && name.equals(meta.path("saved_as").asText(null))
                && !meta.path(KEPT_ONCE).asBoolean(false);
        return !own && Files.isRegularFile(here) && Files.isRegularFile(part) && Files.size(here) == size
                && Files.size(part) == size && Files.mismatch(part, here) == -1L ? here : null;
    }

    /**
     * A record's word that the file it names ({@code saved_as}) is another link's, which this link brought too (with
     * the same bytes): it is not this link's own name, and a new download of this link goes elsewhere.
     */
    static final String KEPT_ONCE = "kept_once_with_another_link";

    /** A copy's record: the file of its name (and length) it was compared with and found not to be ({@code name:length}). */
    static final String DIFFERS_FROM = "differs_from";

    /**
     * Copies of {@code file} under its name with another link's hash ({@code videos-<hash>.part2.rar}, the name a link
     * that brought the same file got while {@code file} was still coming under its own) that have its bytes: each
     * record that names such a copy now names {@code file}, then the copy goes. Returns the copies so folded.
     */
    synchronized List<Path> foldCopiesInto(Path file) throws IOException {
        Matcher ext = ARCHIVE_NAME.matcher(file.getFileName().toString());
        if (!ext.matches() || !Files.isRegularFile(file)) {
            return List.of();
        }
        Pattern copy = copies(ext);
        long size = Files.size(file);
        List<Path> folded = new java.util.ArrayList<>();
        List<Path> records;
        try (java.util.stream.Stream<Path> all = Files.list(dir)) {
            records = all.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
        }
        String compared = file.getFileName() + ":" + size;
        try (java.util.stream.Stream<Path> all = Files.list(dir)) {
            for (Path c : all.filter(p -> copy.matcher(p.getFileName().toString()).matches()).toList()) {
                if (!Files.isRegularFile(c, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(c) != size) {
                    continue;
                }
                // the records that name the copy: its link's
                Map<Path, ObjectNode> naming = new LinkedHashMap<>();
                for (Path r : records) {
                    JsonNode record = record(r.resolveSibling(r.getFileName().toString().replaceFirst("\\.json$", "")));
                    if (!(record instanceof ObjectNode o) || !o.path("complete").asBoolean(false)) {
                        continue;
                    }
                    String saved = o.path("saved_as").asText(null);
                    boolean itsOwn = saved == null && r.getFileName().toString().equals(c.getFileName() + ".json");
                    if (itsOwn || c.getFileName().toString().equals(saved)) {
                        naming.put(r, o);
                    }
                }
                // a copy found other before (a mirror's damaged one) is not read again at every run
                if (naming.isEmpty() || naming.values().stream().anyMatch(o -> compared.equals(o.path(DIFFERS_FROM).asText(null)))) {
                    continue;
                }
                boolean same = Files.mismatch(c, file) == -1L;
                for (Map.Entry<Path, ObjectNode> e : naming.entrySet()) {
                    if (same) {
                        e.getValue().put("saved_as", file.getFileName().toString());
                        e.getValue().put(KEPT_ONCE, true);
                    } else {
                        e.getValue().put(DIFFERS_FROM, compared);
                    }
                    AtomicFiles.write(e.getKey(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(e.getValue()));
                }
                if (same) {
                    Files.delete(c);
                    folded.add(c);
                }
            }
        }
        return folded;
    }

    /**
     * The file here that {@code file} is another link's copy of: {@code file} is named as that file with a link's hash
     * ({@code videos-<hash>.part2.rar} beside {@code videos.part2.rar}); null otherwise.
     */
    static Path copyOf(Path file) {
        Matcher m = HASHED.matcher(file.getFileName().toString());
        Path plain = m.matches() ? file.resolveSibling(m.group(1) + m.group(2)) : null;
        return plain != null && ARCHIVE_NAME.matcher(plain.getFileName().toString()).matches() && Files.isRegularFile(plain)
                ? plain : null;
    }

    /**
     * A copy of {@code named} (not here) that another link brought under its hash ({@code videos-<hash>.part2.rar} for
     * {@code videos.part2.rar}) while the download that names it had begun and not ended (its {@code .part} beside):
     * the first whose bytes that download began with ({@link #beginsAlike}); null when there is none. A hashed name is
     * only ever given to a download once it is whole.
     */
    static Path hashedCopyOf(Path named) {
        Matcher ext = ARCHIVE_NAME.matcher(named.getFileName().toString());
        Path folder = named.toAbsolutePath().getParent();
        Path begun = named.resolveSibling(named.getFileName() + ".part");
        if (!ext.matches() || folder == null || !Files.isDirectory(folder) || Files.isRegularFile(named)
                || !Files.isRegularFile(begun)) {
            return null;
        }
        Pattern copy = copies(ext);
        try (java.util.stream.Stream<Path> all = Files.list(folder)) {
            for (Path p : all.filter(c -> copy.matcher(c.getFileName().toString()).matches())
                    .filter(c -> Files.isRegularFile(c, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                if (beginsAlike(begun, p)) {
                    return named.resolveSibling(p.getFileName());
                }
            }
            return null;
        } catch (IOException unreadable) {
            return null;
        }
    }

    /**
     * Whether the download begun under a name ({@code begun}, its {@code .part}) has the first bytes of {@code copy}:
     * at least 4 KiB of them, compared up to 1 MiB. A file of the same name from another archive (another set's
     * volume, with its own entries' headers) differs there.
     */
    private static boolean beginsAlike(Path begun, Path copy) throws IOException {
        long n = Math.min(Files.size(begun), 1 << 20);
        if (n < 4096 || Files.size(copy) < n) {
            return false;
        }
        try (java.io.InputStream a = Files.newInputStream(begun); java.io.InputStream b = Files.newInputStream(copy)) {
            return java.util.Arrays.equals(a.readNBytes((int) n), b.readNBytes((int) n));
        }
    }

    /** The names of copies of an archive name ({@link #ARCHIVE_NAME}'s match) under a link's hash: stem-<hash>extension. */
    private static Pattern copies(Matcher ext) {
        return Pattern.compile(Pattern.quote(ext.group(1)) + "-[0-9a-f]{12}" + Pattern.quote(ext.group(2)));
    }

    /** A name with a link's hash before its archive extension: its stem, and its extension. */
    private static final Pattern HASHED = Pattern.compile("(.+)-[0-9a-f]{12}(\\..+)");

    /**
     * This URL's download is the archive {@code here} ({@link #sameFileHere}): its record names that file, and its
     * {@code .part} goes; returns {@code here}.
     */
    synchronized Path keepOnce(String url, long size, Path here) throws IOException {
        Map<String, Object> done = doneRecord(url, meta(url), size, here);
        done.put(KEPT_ONCE, true);
        done.put("complete", true);
        AtomicFiles.write(metaFile(url), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(done));
        Files.deleteIfExists(part(url));
        return here;
    }

    /**
     * Whether this URL's archive took its final name before a run was killed, with its record not yet saying
     * it is complete: the part is gone, and the file has the length the record was written with just before
     * the move (which comes only after every check). Its record then says so now.
     */
    synchronized boolean completedBeforeAKill(String url) throws IOException {
        JsonNode meta = meta(url);
        Path file = file(url);
        if (meta == null || meta.path("complete").asBoolean(false) || Files.exists(part(url)) || !Files.isRegularFile(file)
                || meta.path("length").asLong(-1) != Files.size(file)) {
            return false;
        }
        ObjectNode done = ((ObjectNode) meta).put("complete", true);
        AtomicFiles.write(metaFile(url), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(done));
        return true;
    }

    /**
     * Records that this URL's archive, whole as its host sent it, could not be read to its end when imported (cut
     * short or damaged at its host): the next run asks its host whether it has another copy. A new download's record
     * ({@link #writeMeta}, {@link #finish}) no longer says so.
     */
    synchronized void markUnreadable(String url) throws IOException {
        JsonNode meta = meta(url);
        if (meta instanceof ObjectNode record && record.path("complete").asBoolean(false)) {
            record.put("unreadable", true);
            AtomicFiles.write(metaFile(url), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
        }
    }

    /** Whether this URL's archive here could not be read to its end when imported ({@link #markUnreadable}). */
    boolean unreadable(String url) {
        JsonNode meta = meta(url);
        return meta != null && meta.path("unreadable").asBoolean(false);
    }

    /**
     * Whether another archive has this name here: a file, or one coming under it ({@code .part}, {@code .json}),
     * or a record that says it was saved under it.
     */
    private boolean taken(Path name) {
        String n = name.getFileName().toString();
        if (Files.exists(name) || Files.exists(dir.resolve(n + ".part")) || Files.exists(dir.resolve(n + ".json"))) {
            return true;
        }
        try (java.util.stream.Stream<Path> records = Files.list(dir)) {
            return records.filter(r -> r.getFileName().toString().endsWith(".json"))
                    .anyMatch(r -> {
                        try {
                            return n.equals(JSON.readTree(r.toFile()).path("saved_as").asText(null));
                        } catch (IOException unreadable) {
                            return false;
                        }
                    });
        } catch (IOException noFolder) {
            return false;
        }
    }

    /**
     * The file name in a {@code Content-Disposition} ({@code filename*}, else {@code filename}), made safe: its
     * last path segment only, each character other than a letter or digit (of any script: 视频.part1.rar and
     * 音频.part1.rar stay two names), dot, dash or underscore an underscore; null when there is none, it is
     * longer than 200 bytes, or it names no archive file.
     */
    static String givenName(String disposition) {
        if (disposition == null || disposition.isBlank()) {
            return null;
        }
        String plain = null;
        String extended = null;
        for (org.apache.hc.core5.http.HeaderElement e : org.apache.hc.core5.http.message.BasicHeaderValueParser.INSTANCE
                .parseElements(disposition, new org.apache.hc.core5.http.message.ParserCursor(0, disposition.length()))) {
            for (org.apache.hc.core5.http.NameValuePair p : e.getParameters()) {
                if (p.getName().equalsIgnoreCase("filename*") && p.getValue() != null) {
                    extended = extendedValue(p.getValue());
                } else if (p.getName().equalsIgnoreCase("filename") && p.getValue() != null) {
                    // sent as raw UTF-8 by some hosts, which browsers read so
                    plain = LenientLocation.asUtf8(p.getValue());
                }
            }
        }
        String name = extended != null ? extended : plain;
        return name == null ? null : safeName(name);
    }

    /**
     * A file name as a host gives it, made safe: its last path segment only, each character other than a letter or
     * digit, dot, dash or underscore an underscore; null when it is empty, starts with a dot, is longer than 200
     * bytes, or names no archive file.
     */
    private static String safeName(String name) {
        name = java.text.Normalizer.normalize(name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
                .strip(), java.text.Normalizer.Form.NFC).replaceAll("[^\\p{L}\\p{N}._-]", "_");
        return name.isEmpty() || name.startsWith(".") || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 200
                || !ARCHIVE_NAME.matcher(name).matches() ? null : name;
    }

    /** The archive file a URL names (its last path segment, percent-decoded, made safe as {@link #givenName}'s), or null. */
    static String redirectedName(String url) {
        if (url == null) {
            return null;
        }
        try {
            String path = URI.create(url).getPath();
            return path == null ? null : safeName(path);
        } catch (IllegalArgumentException notAUrl) {
            return null;
        }
    }

    /** An RFC 8187 value, {@code charset'language'percent-encoded}, decoded; null when it is not one. */
    private static String extendedValue(String v) {
        int first = v.indexOf('\'');
        int second = first < 0 ? -1 : v.indexOf('\'', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            return java.net.URLDecoder.decode(v.substring(second + 1).replace("+", "%2B"),
                    java.nio.charset.Charset.forName(v.substring(0, first).strip()));
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
    }

    /**
     * How much of an archive of {@code length} bytes (as its host announces it; -1: not announced) is
     * still to come here: nothing once it is whole, less what its {@code .part} holds; -1 when unknown.
     */
    long stillToCome(String url, long length) {
        JsonNode meta = meta(url);
        if (whole(url)) {
            return 0;
        }
        if (length < 0) {
            return -1;
        }
        long have = 0;
        try {
            // a part resumes only under the validator or the length it came with; without either the download starts over
            if (resumable(meta) && Files.isRegularFile(part(url))) {
                have = Files.size(part(url));
            }
        } catch (IOException e) {
            have = 0;
        }
        return Math.max(0, length - have);
    }

    /** Whether this URL's archive is here whole: its record says so, and the file has the length it was fetched with. */
    boolean whole(String url) {
        return Files.isRegularFile(file(url)) && complete(url) && otherSize(url) < 0;
    }

    /**
     * The size of this URL's archive here when its record says it is complete but the file has another length than
     * the one it was fetched with (cut short by a disk error, or another file copied there); -1 otherwise.
     */
    long otherSize(String url) {
        JsonNode meta = meta(url);
        try {
            long size = complete(url) && Files.isRegularFile(file(url)) ? Files.size(file(url)) : -1;
            return size >= 0 && size != meta.path("length").asLong(-1) ? size : -1;
        } catch (IOException unreadable) {
            return -1;
        }
    }

    private boolean complete(String url) {
        JsonNode meta = meta(url);
        return meta != null && meta.path("complete").asBoolean(false);
    }

    /**
     * One URL for each file the URLs give (the links to one file, as {@link DownloadPage#sameFile} knows them): the
     * one whose download is here, whole or in part, else the first given; in the order they were given.
     */
    List<String> onePerFile(List<String> urls) {
        Map<String, String> one = new LinkedHashMap<>();
        for (String url : urls) {
            one.merge(DownloadPage.sameFile(url), url, (first, other) -> meta(first) == null && meta(other) != null
                    ? other : first);
        }
        return new java.util.ArrayList<>(one.values());
    }

    /** The validator a resume can be guarded by: a strong ETag, else the Last-Modified date. */
    /**
     * Whether a part fetched under this record can be resumed: its host gave a validator to guard the resume
     * ({@code If-Range}), or it announced the file's whole length, which a resume's answer must name again (and
     * whose last bytes here it must send again, {@link ArchiveFetch}); without either a later attempt starts over.
     */
    static boolean resumable(JsonNode meta) {
        return meta != null && (validator(meta) != null || meta.path("length").asLong(-1) >= 0);
    }

    static String validator(JsonNode meta) {
        String etag = meta.path("etag").asText(null);
        if (etag != null && !etag.startsWith("W/") && !meta.path(ETAG_PER_ANSWER).asBoolean(false)) {
            return etag;
        }
        return meta.path("last_modified").asText(null);
    }

    /**
     * Set in a record whose host gave the same file (its length and date) another ETag at each answer (servers behind a
     * load balancer, each with an ETag of its own): its resumes are guarded by the Last-Modified date instead, else
     * each one was answered whole and a download cut again and again never ended.
     */
    static final String ETAG_PER_ANSWER = "etag_per_answer";

    /** This URL's host gives another ETag at each answer ({@link #ETAG_PER_ANSWER}): said in its record. */
    void etagPerAnswer(String url) throws IOException {
        JsonNode meta = meta(url);
        if (meta instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.put(ETAG_PER_ANSWER, true);
            AtomicFiles.write(metaFile(url), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
        }
    }

    /** The {@code .part} of this URL, whole here: left by a run stopped between {@link #keepOnce}'s two steps. */
    void discardStalePart(String url) {
        try {
            if (whole(url) && !file(url).equals(part(url))) {
                Files.deleteIfExists(part(url));
            }
        } catch (IOException e) {
            // it stays, as before
        }
    }

    void discard(String url) throws IOException {
        Files.deleteIfExists(part(url));
        Files.deleteIfExists(metaFile(url));
    }

    /**
     * A {@code .part} deleted: one that cannot be resumed ({@link #resumable}), whose bytes no attempt would use (each
     * fetch of it starts over, from nothing). Its record stays: a few bytes, and it may say more than the part (the
     * name a whole copy beside it was saved under, when that copy is fetched again).
     */
    static void dropPart(Path part) throws IOException {
        Files.deleteIfExists(part);
    }

    /**
     * The {@code .part}s in {@code dir} (archives/) that cannot be resumed: their record, ours, says their host gave no
     * validator and no length (a body of no announced length, left by a run killed, or by a version that kept it
     * when the disk filled); each next attempt fetches it from its start, truncating the part first, so its bytes
     * only hold the disk. A part without its record, or whose record says it is complete, is not counted.
     */
    static List<Path> unresumableParts(Path dir) {
        List<Path> out = new java.util.ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path part : (Iterable<Path>) files.sorted()::iterator) {
                String name = part.getFileName().toString();
                if (!name.endsWith(".part") || !Files.isRegularFile(part, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                JsonNode meta = record(part.resolveSibling(name.substring(0, name.length() - ".part".length())));
                if (meta != null && !meta.path("complete").asBoolean(false) && !resumable(meta)) {
                    out.add(part);
                }
            }
        } catch (IOException | java.io.UncheckedIOException unreadable) {
            // none counted
        }
        return out;
    }

    /** The size of a file, 0 when it cannot be told. */
    static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * {@code archives/<name>}: where this URL's archive is once whole: the name its record says it was saved
     * under ({@link #finish}), else the one its URL gives it ({@link #urlNamed}).
     */
    Path file(String url) {
        JsonNode meta = meta(url);
        String saved = meta == null ? null : meta.path("saved_as").asText(null);
        return saved != null && ARCHIVE_NAME.matcher(saved).matches() && !saved.startsWith(".") && !saved.contains("/")
                ? dir.resolve(saved) : urlNamed(url);
    }

    /** The name of this URL's archive, as the log and the messages give it: its file's, or the one its host gave it. */
    String name(String url) {
        JsonNode meta = meta(url);
        String given = meta == null ? null : meta.path("given_name").asText(null);
        return given != null && !meta.path("complete").asBoolean(false) ? given : file(url).getFileName().toString();
    }

    /**
     * {@code archives/<name>}: the URL's last path segment, made safe, when it names an archive file
     * ({@code videos.zip}, {@code MUSIC-AVQA-v2.0.rar}, {@code a.7z.001}) that no other URL's archive holds;
     * else that segment with a hash of the URL ({@code uc-3fa2b1c4d5e6}: every Google Drive link ends in
     * {@code uc}, and two such links must not share one file); the URL's hash alone when it has no segment.
     * A name this URL's archive already has here stays its name. Its {@code .part} and {@code .json} are
     * always beside this name.
     */
    private Path urlNamed(String url) {
        String last = lastSegment(url);
        String hash = sha(url).substring(0, 12);
        if (last.isEmpty() || last.startsWith(".") || last.length() > 100) {
            return dir.resolve("archive-" + hash);
        }
        Path plain = dir.resolve(last);
        Matcher ext = ARCHIVE_NAME.matcher(last);
        Path hashed = ext.matches() ? dir.resolve(ext.group(1) + "-" + hash + ext.group(2)) : dir.resolve(last + "-" + hash);
        String owner = ownerOf(plain);
        if (owner != null && owner.equals(sha(url))) {
            return plain;
        }
        // the record of this URL's own archive, wherever another URL's held the plain name then
        if (sha(url).equals(ownerOf(hashed))) {
            return hashed;
        }
        // a file of that name with no record of its own is another link's archive, saved under the name its host gave
        return owner == null && ext.matches() && !taken(plain) ? plain : hashed;
    }

    /** The URL's last path segment, made safe (each character other than an ASCII letter or digit, dot, dash or underscore an underscore). */
    private static String lastSegment(String url) {
        String path;
        try {
            path = URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            path = "";
        }
        return path == null ? "" : path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** A file name that says it is an archive, or a part of one ({@code .zip.002}, {@code .zip.ab}): its stem and its extension. */
    private static final Pattern ARCHIVE_NAME = Pattern.compile(
            "(?i)(.+?)(\\.(?:zip|rar|7z|tar|tgz|tbz2?|txz|tar\\.(?:gz|bz2|xz))(?:\\.\\d{1,4}|\\." + ArchiveFormat.SPLIT_LETTERS + ")?|\\.part\\d+\\.rar|\\.z\\d{2}|\\.[r-y]\\d{2})");

    /** The URL hash in the record of {@code file}, or null when there is none. */
    private static String ownerOf(Path file) {
        JsonNode n = record(file);
        return n == null ? null : n.path("url_sha256").asText(null);
    }

    /** The record {@code <file>.json}, or null when there is none that can be read. */
    private static JsonNode record(Path file) {
        Path f = file.resolveSibling(file.getFileName() + ".json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    Path part(String url) {
        Path named = urlNamed(url);
        return named.resolveSibling(named.getFileName() + ".part");
    }

    private Path metaFile(String url) {
        Path named = urlNamed(url);
        return named.resolveSibling(named.getFileName() + ".json");
    }

    /** What the last attempt learnt of this URL's archive, or null (none, or another URL's). */
    JsonNode meta(String url) {
        JsonNode n = record(urlNamed(url));
        return n != null && sha(url).equals(n.path("url_sha256").asText()) ? n : null;
    }

    /** The hash of a URL, its user name and password left out (a hash of a weak password could be guessed). */
    static String sha(String url) {
        String s = HostCredentials.withoutUserInfo(url);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
