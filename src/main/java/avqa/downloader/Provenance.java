package avqa.downloader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Variable;

/**
 * {@code metadata/provenance.jsonl}: where every complete file came from and what it is, one JSON line
 * appended per file as it takes its final name (one flushed write: its cost does not grow with the
 * dataset, and a crash loses at most the line being written). A video's line names its coverage group
 * first ({@code YouTube}, {@code archive collect_new_set.rar}, {@code derived flip (archive)}, …), then
 * its source (the URL without credentials and yt-dlp's format id, the archive and its entry, or the
 * clip it was mirrored from and how: {@link SourceDescription}), what ffprobe says of it, its bytes and SHA-256; the lines of its
 * audio and its frames folder say what they were made from and how (rate, channels, padding). The
 * last line of an id and file holds.
 */
public final class Provenance {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = new JsonFactory();

    private final Path file;
    private final Path legacyImports;
    private final Workspace workspace;
    private final String audioFormat;
    private final Object fps;
    private final String framesPattern;
    private final ToolVersions tools;
    private FileChannel out;

    public Provenance(Workspace workspace, String audioFormat, double fps, String framesPattern, ToolVersions tools) {
        this.file = fileIn(workspace);
        this.legacyImports = workspace.metadataDir().resolve("imported_ids.txt");
        this.workspace = workspace;
        this.audioFormat = audioFormat;
        this.fps = fps == Math.floor(fps) ? (Object) (long) fps : (Object) fps;
        this.framesPattern = framesPattern;
        this.tools = tools;
    }

    public Path file() {
        return file;
    }

    static Path fileIn(Workspace workspace) {
        return workspace.metadataDir().resolve("provenance.jsonl");
    }

    /**
     * The SHA-256 each file had when it took its name, by its path in the data directory (the last line of a file made
     * again wins); none for a file whose line names no hash of its own (a frames folder's).
     */
    static Map<String, String> publishedHashes(Path file) {
        return perFile(file, n -> n.path("sha256").asText("").matches("[0-9a-f]{64}") ? n.path("sha256").asText() : null);
    }

    /**
     * The size each file had when it took its name, by its path in the data directory ({@code videos/x.mp4}),
     * as its last line says: a file of another size now was changed or replaced since (for {@code --verify}).
     * Torn or foreign lines are passed over; no file, no sizes.
     */
    static Map<String, Long> publishedBytes(Path file) {
        return perFile(file, n -> n.path("bytes").canConvertToLong() ? n.path("bytes").asLong() : null);
    }

    /** What each line says of its file (null: nothing), by the file's path; a line cut by a crash, or not ours, says nothing. */
    private static <T> Map<String, T> perFile(Path file, java.util.function.Function<JsonNode, T> value) {
        Map<String, T> out = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                try {
                    JsonNode n = JSON.readTree(line);
                    T v = n == null || !n.path("file").isTextual() ? null : value.apply(n);
                    if (v != null) {
                        out.put(n.path("file").asText(), v);
                    }
                } catch (IOException torn) {
                    // a line cut by a crash, or not ours
                }
            }
        } catch (IOException e) {
            // unreadable: nothing to hold the files to (the probes still judge them)
            out.clear();
        }
        return out;
    }

    /**
     * The line of a video that took its final name: its group, where it came from, what ffprobe says of
     * it, bytes, SHA-256, the tools that fetched it. Nothing for a video already in place.
     */
    public void video(@Variable("job") VideoJob job) throws IOException {
        Path video = workspace.video(job.id());
        String sha = job.hashes().get(video);
        if (sha == null) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", job.id());
        line.put("group", job.origin());
        line.put("file", relative(video));
        line.put("source", SourceDescription.of(job, workspace));
        if (job.facts() != null) {
            line.putAll(job.facts().asJson());
        }
        line.put("bytes", Files.size(video));
        line.put("sha256", sha);
        Map<String, Object> made = new LinkedHashMap<>();
        if (job.fetched().usedYtDlp()) {
            made.put("yt-dlp", tools.ytDlpVersion());
        }
        if (job.kind() == VideoJob.Kind.CLIP || job.kind() == VideoJob.Kind.DERIVE) {
            made.put("ffmpeg", tools.ffmpegVersion());
        }
        if (!made.isEmpty()) {
            line.put("tools", made);
        }
        line.put("at", now());
        append(line);
    }

    /**
     * The lines of the files made from a video: its audio (format, rate, channels, duration, padding)
     * and its frames folder (rate, names, count, padding), each with what it was made from.
     */
    public void outputs(@Variable("job") VideoJob job) throws IOException {
        foundInPlace(job);
        audio(job);
        frames(job);
    }

    /**
     * The line of a video that a run stopped (killed, its disk full) right after it took its name, before its line
     * was written, and that this run hashed as it made its audio ({@link Publisher#publish}): its bytes and SHA-256,
     * no source (who fetched it is not known any more). An older line of that file (a video set aside and fetched
     * again) would otherwise hold, and --verify take this one for a file changed or replaced since.
     */
    private void foundInPlace(VideoJob job) throws IOException {
        Path video = workspace.video(job.id());
        String sha = job.hashes().get(video);
        if (sha != null) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", job.id());
            line.put("file", relative(video));
            line.put("found", "in place without its line (a run stopped as it took its name)");
            line.put("bytes", Files.size(video));
            line.put("sha256", sha);
            line.put("at", now());
            append(line);
        }
    }

    /** The audio's line, when it was put in place (its hash taken as it was moved). */
    public void audio(@Variable("job") VideoJob job) throws IOException {
        Path audio = workspace.audio(job.id());
        String sha = job.hashes().get(audio);
        if (sha != null) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", job.id());
            line.put("file", relative(audio));
            line.put("made_from", relative(workspace.video(job.id())));
            line.put("format", audioFormat);
            if (audioFormat.equals("wav")) {
                int[] rateChannels = MediaValidator.wavFormat(audio);
                line.put("rate", rateChannels[0]);
                line.put("channels", rateChannels[1]);
                line.put("duration", MediaFacts.round(MediaValidator.wavSeconds(audio)));
            }
            if (job.audioPadded() > 0) {
                line.put("padded_seconds", MediaFacts.round(job.audioPadded()));
                line.put("padding", "the last second repeated");
            }
            line.put("bytes", Files.size(audio));
            line.put("sha256", sha);
            line.put("tools", Map.of("ffmpeg", tools.ffmpegVersion()));
            line.put("at", now());
            append(line);
        }
    }

    /** The frames folder's line, when its frames were made. */
    private void frames(VideoJob job) throws IOException {
        if (job.frames().count() > 0) {
            Path folder = workspace.frames(job.id());
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", job.id());
            line.put("file", relative(folder) + "/");
            line.put("made_from", relative(workspace.video(job.id())));
            line.put("fps", fps);
            line.put("pattern", framesPattern);
            line.put("count", job.frames().count());
            if (job.frames().padded() > 0) {
                line.put("padded_frames", job.frames().padded());
                line.put("padding", "the last second repeated");
            }
            long bytes = 0;
            for (Map.Entry<Path, String> e : job.hashes().entrySet()) {
                if (e.getKey().startsWith(folder)) {
                    bytes += Files.size(e.getKey());
                }
            }
            line.put("bytes", bytes);
            line.put("sha256", "per image in SHA256SUMS");
            line.put("tools", Map.of("ffmpeg", tools.ffmpegVersion()));
            line.put("at", now());
            append(line);
        }
    }

    private String relative(Path p) {
        return workspace.root().relativize(p).toString();
    }

    private static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC).toString();
    }

    private synchronized void append(Map<String, Object> line) {
        try {
            if (out == null) {
                Files.createDirectories(file.getParent());
                out = AppendOnlyLines.open(file);
            }
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.wrap(bytes));
            out.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record provenance in " + file, e);
        }
    }

    /**
     * The coverage group of every video a line names (the last line of an id holds); videos an older
     * version recorded in {@code imported_ids.txt} count as {@code archive}. Reads only the first two
     * fields of each line.
     */
    public Map<String, String> groups() {
        Map<String, String> groups = new HashMap<>();
        if (Files.isRegularFile(legacyImports)) {
            try {
                Files.readAllLines(legacyImports).forEach(id -> groups.put(id, Coverage.ARCHIVE));
            } catch (IOException ignored) {
                // an unreadable ledger of an older version: those videos are grouped as planned
            }
        }
        if (!Files.isRegularFile(file)) {
            return groups;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] idGroup = idAndGroup(line);
                if (idGroup != null) {
                    groups.put(idGroup[0], idGroup[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return groups;
    }

    /** The id and group of one line, or null for a torn or foreign one. */
    private static String[] idAndGroup(String line) {
        try (JsonParser p = FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            String group = null;
            while (p.nextToken() == JsonToken.FIELD_NAME && (id == null || group == null)) {
                String name = p.currentName();
                p.nextToken();
                if ("id".equals(name)) {
                    id = p.getValueAsString();
                } else if ("group".equals(name)) {
                    group = p.getValueAsString();
                } else {
                    p.skipChildren();
                }
            }
            return id == null || group == null ? null : new String[] {id, group};
        } catch (IOException e) {
            return null;
        }
    }
}
