package avqa.downloader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Variable;

/**
 * {@code metadata/provenance.jsonl}: where every complete file came from, one JSON line appended per
 * completion (one flushed write: its cost does not grow with the dataset, and a crash loses at most
 * the line being written, whose video is then checked again). The line names the coverage group
 * first ({@code YouTube}, {@code archive collect_new_set.rar}, {@code derived flip (archive)}, …), then
 * the source: the URL (without credentials), the archive and its entry, or the clip it was mirrored
 * from and how. The last line of an id is the one that holds.
 */
public final class Provenance {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = new JsonFactory();

    private final Path file;
    private final Path legacyImports;
    private FileChannel out;

    public Provenance(Workspace workspace) {
        this.file = workspace.metadataDir().resolve("provenance.jsonl");
        this.legacyImports = workspace.metadataDir().resolve("imported_ids.txt");
    }

    public Path file() {
        return file;
    }

    /** Appends the line of a video made complete. */
    public void record(@Variable("job") VideoJob job) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", job.id());
        line.put("group", job.origin());
        switch (job.kind()) {
            case ARCHIVE_ENTRY -> {
                line.put("archive", job.archive());
                line.put("entry", Redact.text(job.entry(), 300));
            }
            case CLIP -> {
                Clip c = job.clip();
                if (job.url() != null) {
                    line.put("url", Redact.url(job.url()));
                } else {
                    line.put("from", c.name().substring(0, c.name().length() - "_flip".length()));
                }
                line.put("start", c.start());
                line.put("duration", c.duration());
                line.put("flip", c.flip());
                if (c.flip()) {
                    line.put("how", "ffmpeg -vf hflip");
                }
            }
            case AUDIO_ONLY -> line.put("made", "audio");
            default -> line.put("url", Redact.url(job.url()));
        }
        line.put("at", OffsetDateTime.now(ZoneOffset.UTC).toString());
        append(line);
    }

    private synchronized void append(Map<String, Object> line) {
        try {
            if (out == null) {
                Files.createDirectories(file.getParent());
                out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
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
