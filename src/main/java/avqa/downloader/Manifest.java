package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clip manifests: where each clip comes from and which window of its source it is.
 *
 * <ul>
 *   <li>the MUSIC-AVQA-v2.0 CSV as published: {@code video_id,start_time,duration,suffix,has_flip};
 *       the clip is {@code <video_id><suffix>}, and with {@code has_flip=Y} also
 *       {@code <video_id><suffix>_flip}; the URL comes from {@code --source-url-template};</li>
 *   <li>a generic CSV with a header, or JSON Lines, with {@code id} and {@code url} and optional
 *       {@code start}, {@code end} or {@code duration}, {@code flip}.</li>
 * </ul>
 * A bad row is reported with its line number and skipped; the others are kept.
 */
public final class Manifest {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.manifest");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One clip and its source. {@code sourceKey} names the download ({@code src-…}, never a clip's
     * name, so a source and the clips cut from it never share a work directory); clips of one source
     * share it.
     */
    public record Entry(String sourceKey, String url, Clip clip) {
    }

    /** What a manifest gave: the clips by name, and the rows that were skipped and why. */
    public record Contents(Map<String, Entry> clips, List<String> problems) {
    }

    private Manifest() {
    }

    /**
     * Reads a manifest; {@code clipSources} makes the URLs of the v2.0 CSV's {@code video_id}s
     * (avqa.source.clip-url-template, YouTube by default - not the --source-url-template that a
     * mirror of the v1 videos may have replaced).
     */
    public static Contents read(Path file, VideoIdRules clipSources) {
        VideoIdRules rules = clipSources;
        String name = file.getFileName().toString();
        Map<String, Entry> clips = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try {
            String first = firstLine(file);
            if (first == null) {
                throw new BadInputException(name + " is empty: expected a CSV with a header or JSON Lines");
            }
            if (first.startsWith("{")) {
                readJsonLines(file, name, rules, clips, problems);
            } else {
                readCsv(file, name, rules, clips, problems);
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BadInputException(name + " at line " + firstNonUtf8Line(file) + ": not UTF-8 text; save it as UTF-8");
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + FileTrees.describe(e));
        }
        problems.forEach(p -> LOG.warn("Skipped: {}", p));
        return new Contents(clips, problems);
    }

    /** The line of the first bytes in {@code file} that are not UTF-8 (1 when it cannot be read again). */
    static long firstNonUtf8Line(Path file) {
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        long line = 1;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(1 << 16);
            java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(1 << 16);
            boolean end = false;
            while (!end) {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                end = n < 0;
                bytes.position(bytes.position() + Math.max(n, 0));
                bytes.flip();
                java.nio.charset.CoderResult r = utf8.decode(bytes, chars, end);
                chars.flip();
                while (chars.hasRemaining()) {
                    if (chars.get() == '\n') {
                        line++;
                    }
                }
                chars.clear();
                if (r.isError()) {
                    return line;
                }
                bytes.compact();
            }
        } catch (IOException gone) {
            // the line is a help, not the message
        }
        return line;
    }

    private static String firstLine(Path file) throws IOException {
        try (BufferedReader r = new BufferedReader(new RecordSizeLimit(Files.newBufferedReader(file, StandardCharsets.UTF_8),
                file.getFileName().toString()))) {
            String line;
            while ((line = r.readLine()) != null) {
                line = line.replace("\uFEFF", "").strip();
                if (!line.isEmpty()) {
                    return line;
                }
            }
            return null;
        }
    }

    private static void readCsv(Path file, String name, VideoIdRules rules, Map<String, Entry> clips,
                                List<String> problems) throws IOException {
        try (RecordSizeLimit in = new RecordSizeLimit(Files.newBufferedReader(file, StandardCharsets.UTF_8), name);
             CSVParser csv = header(name, in)) {
            List<String> header = csv.getHeaderNames().stream().map(h -> h.replace("\uFEFF", "").strip()
                    .toLowerCase(Locale.ROOT)).toList();
            boolean v2 = header.containsAll(List.of("video_id", "start_time", "duration", "suffix", "has_flip"));
            if (!v2 && !header.containsAll(List.of("id", "url"))) {
                throw new BadInputException(name + ": the header must be video_id,start_time,duration,suffix,has_flip "
                        + "(MUSIC-AVQA-v2.0) or name the columns id and url; it is " + Redact.text(String.join(",", header), 200));
            }
            java.util.Iterator<CSVRecord> rows = csv.iterator();
            while (true) {
                CSVRecord row;
                try {
                    if (!rows.hasNext()) {
                        break;
                    }
                    row = rows.next();
                    in.nextRecord();
                } catch (java.io.UncheckedIOException | IllegalStateException e) {
                    // the parser's own words, without the exception's class name
                    Throwable root = e;
                    while (root.getCause() != null && root.getCause() != root) {
                        root = root.getCause();
                    }
                    if (root instanceof java.nio.charset.CharacterCodingException) {
                        throw new BadInputException(name + " at line " + firstNonUtf8Line(file)
                                + ": not UTF-8 text; save it as UTF-8");
                    }
                    problems.add(name + " line " + csv.getCurrentLineNumber() + ": malformed CSV ("
                            + Redact.text(String.valueOf(root.getMessage()).lines().findFirst().orElse(""), 200)
                            + "); the rest of the file is skipped");
                    break;
                }
                long line = row.getParser().getCurrentLineNumber();
                Map<String, String> r = new LinkedHashMap<>();
                for (int i = 0; i < header.size() && i < row.size(); i++) {
                    r.put(header.get(i), row.get(i));
                }
                try {
                    if (row.size() != header.size()) {
                        throw new IllegalArgumentException("has " + row.size() + " fields, the header " + header.size());
                    }
                    firstGiven(v2 ? v2Clips(r, rules) : genericClip(r.get("id"), r.get("url"), r.get("start"),
                            r.get("end"), r.get("duration"), r.get("flip")), clips);
                } catch (IllegalArgumentException e) {
                    problems.add(name + " line " + line + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * The CSV, its header read: a column with no name (a trailing comma) is no column of ours and is let be; a
     * name given twice is the file's fault, said with its line.
     */
    private static CSVParser header(String name, Reader in) throws IOException {
        try {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                    .setIgnoreEmptyLines(true).setAllowMissingColumnNames(true).get().parse(in);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BadInputException(name + " at line 1: the header cannot be read ("
                    + Redact.text(String.valueOf(e.getMessage()).lines().findFirst().orElse(""), 200) + ")");
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** JSON Lines, read one line at a time: a manifest of a million rows needs only its clips in memory. */
    private static void readJsonLines(Path file, String name, VideoIdRules rules, Map<String, Entry> clips,
                                      List<String> problems) throws IOException {
        RecordSizeLimit limit = new RecordSizeLimit(Files.newBufferedReader(file, StandardCharsets.UTF_8), name);
        try (BufferedReader r = new BufferedReader(limit)) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                limit.nextRecord();
                number++;
                String text = line.replace("\uFEFF", "").strip();
                if (text.isEmpty()) {
                    continue;
                }
                try {
                    JsonNode n = JSON.readTree(text);
                    if (n == null || !n.isObject()) {
                        throw new IllegalArgumentException("is not a JSON object");
                    }
                    firstGiven(genericClip(str(n, "id", "a string"), str(n, "url", "a string"), str(n, "start", "a time"),
                            str(n, "end", "a time"), str(n, "duration", "a time"), str(n, "flip", "a yes or no")), clips);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    problems.add(name + " line " + number + ": is not valid JSON");
                } catch (IllegalArgumentException e) {
                    problems.add(name + " line " + number + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * A field of a JSON line as text, null when it is absent or null; one that is an array or an object is said to
     * be so (its text would be empty: "id ''").
     */
    private static String str(JsonNode n, String field, String expected) {
        JsonNode v = n.get(field);
        if (v != null && v.isContainerNode()) {
            throw new IllegalArgumentException("its " + field + " is " + (v.isArray() ? "an array" : "an object")
                    + ", not " + expected);
        }
        return v == null || v.isNull() ? null : v.asText();
    }

    /**
     * Adds a row's clips, unless a clip of it was given by an earlier row: the first row for a clip holds, and
     * a later one is a problem of its own line (it was taken silently, the last row winning, which could give
     * a mirrored clip another window than its clip).
     */
    private static void firstGiven(Map<String, Entry> row, Map<String, Entry> clips) {
        for (String name : row.keySet()) {
            if (clips.containsKey(name)) {
                throw new IllegalArgumentException("the clip '" + shorten(name) + "' is given by an earlier row already; "
                        + "this row is skipped (a clip once)");
            }
        }
        clips.putAll(row);
    }

    private static Map<String, Entry> v2Clips(Map<String, String> r, VideoIdRules rules) {
        String videoId = r.get("video_id");
        String suffix = r.getOrDefault("suffix", "");
        String clipName = videoId + suffix;
        VideoTask source = rules.resolve(videoId);
        if (source.url() == null || !VideoIdRules.isSafe(clipName) || !VideoIdRules.isSafe(clipName + "_flip")) {
            throw new IllegalArgumentException("video_id '" + shorten(videoId) + "' with suffix '" + shorten(suffix)
                    + "' is not a valid source id");
        }
        double start = Clip.seconds(r.get("start_time"));
        double duration = Clip.seconds(r.get("duration"));
        if (duration < Clip.SHORTEST) {
            throw new IllegalArgumentException("duration must be " + Clip.SHORTEST + " s or more");
        }
        String flip = r.getOrDefault("has_flip", "").toUpperCase(Locale.ROOT);
        if (!flip.equals("Y") && !flip.equals("N")) {
            throw new IllegalArgumentException("has_flip must be Y or N, not '" + shorten(flip) + "'");
        }
        String key = "src-" + videoId;
        Map<String, Entry> clips = new LinkedHashMap<>();
        clips.put(clipName, new Entry(key, source.url(), new Clip(clipName, start, duration, false)));
        if (flip.equals("Y")) {
            clips.put(clipName + "_flip", new Entry(key, source.url(), new Clip(clipName + "_flip", start, duration, true)));
        }
        return clips;
    }

    private static Map<String, Entry> genericClip(String id, String url, String start, String end, String duration,
                                                  String flip) {
        if (id == null || !VideoIdRules.isSafe(id)) {
            throw new IllegalArgumentException("id '" + shorten(String.valueOf(id)) + "' is not a safe name "
                    + "(ASCII letters, digits, _ - #, at most 64 characters)");
        }
        VideoIdRules.checkSourceUrl(url);
        double from = blank(start) ? 0 : Clip.seconds(start);
        Double length = null;
        if (!blank(duration)) {
            length = Clip.seconds(duration);
        } else if (!blank(end)) {
            length = Clip.seconds(end) - from;
        }
        if (length != null && length <= 0) {
            throw new IllegalArgumentException("the window is empty (end before start)");
        }
        if (length != null && length < Clip.SHORTEST) {
            throw new IllegalArgumentException("the window is shorter than " + Clip.SHORTEST + " s, too short to hold a picture");
        }
        String f = blank(flip) ? "" : flip.strip().toLowerCase(Locale.ROOT);
        boolean mirrored = List.of("y", "yes", "true", "1").contains(f);
        if (!mirrored && !List.of("", "n", "no", "false", "0").contains(f)) {
            // "maybe" or 2 were taken as "not mirrored", as the v2.0 CSV's has_flip is not
            throw new IllegalArgumentException("flip must be yes or no (y, true, 1; n, false, 0), not '" + shorten(flip) + "'");
        }
        return Map.of(id, new Entry(sourceKey(url), url, new Clip(id, from, length, mirrored)));
    }

    /** A safe, stable name for the download of a URL, shared by every clip cut from it. */
    static String sourceKey(String url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return "src-" + HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** An input string as a problem line may show it: control characters visible, at most 40 characters. */
    private static String shorten(String s) {
        return Redact.text(s, 40);
    }
}
