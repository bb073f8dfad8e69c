package avqa.downloader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import avqa.downloader.cluster.ClusterRecord;
import org.apache.camel.Variable;

/**
 * Which videos are complete, kept in {@code download_progress.json} (the original downloader's
 * format: {@code {"completed": [ids], "timestamp": ISO-8601}}).
 *
 * <p>Recording a completion appends one line to {@code .download_progress.journal} and flushes it,
 * so its cost does not grow with the number already complete. The JSON file is rewritten from
 * memory (write, then rename) by the snapshot timer route and at the end of a run; after that the
 * journal is emptied. On start both are read, so a crash at any moment loses nothing: a torn last
 * journal line is ignored (its video is checked again on disk), and cut off before the run's first append
 * ({@link AppendOnlyLines}), so that the next line is not glued to it.
 */
public final class ProgressBook {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("avqa.progress");

    private final Path json;
    private final Path journal;
    private final Set<String> completed = new LinkedHashSet<>();
    private FileChannel journalOut;
    private boolean dirty;
    private ClusterRecord cluster;
    private boolean writesFiles = true;
    private String damage;
    /** False for --verify and --dry-run: they read the cluster's record and never change it. */
    private boolean changesRecord = true;

    /** What a record that meets a full disk stops; null for a book that only reads, or stops the run itself. */
    private final DiskFull diskFull;

    public ProgressBook(Path dataDir) {
        this(dataDir, null);
    }

    /**
     * {@code diskFull}: what a record of a complete video stops when it meets a full disk, as every write of the run
     * does (so that a service resumes the run once the disk has room again).
     */
    public ProgressBook(Path dataDir, DiskFull diskFull) {
        this.json = dataDir.resolve("download_progress.json");
        this.journal = dataDir.resolve(".download_progress.journal");
        this.diskFull = diskFull;
    }

    /**
     * On a cluster the database is the record: complete videos are read from it and written to it
     * at once. The planner still rewrites {@code download_progress.json} (so a single-process run
     * can take over); a worker writes no progress file, since many share the data directory.
     */
    public synchronized void useCluster(ClusterRecord record, boolean keepProgressFile, boolean changesRecord) {
        this.cluster = record;
        this.writesFiles = keepProgressFile;
        this.changesRecord = changesRecord;
    }

    public Path file() {
        return json;
    }

    /** Reads the progress file and the journal. An unparsable progress file is a {@link BadInputException}. */
    public synchronized void load() {
        completed.clear();
        readProgressFile();
        readJournalAndClusterRecord();
    }

    /**
     * For --verify, which checks the files and needs no record for it: as {@link #load}, but a progress file
     * that cannot be read is no refusal; what is wrong with it is kept ({@link #damage}) for the report, and
     * it is never rewritten.
     */
    public synchronized void loadToCheck() {
        completed.clear();
        try {
            readProgressFile();
        } catch (BadInputException e) {
            completed.clear();
            damage = e.getMessage();
            writesFiles = false;
        }
        readJournalAndClusterRecord();
    }

    /** What is wrong with the progress file, as a run would refuse it (null: nothing, or not loaded to check). */
    public synchronized String damage() {
        return damage;
    }

    /** A read-only data directory, checked by --verify: the record is read, never written (nor its journal tidied). */
    public synchronized void writesNothing() {
        writesFiles = false;
    }

    private void readProgressFile() {
        if (Files.isRegularFile(json)) {
            try {
                JsonNode root = JSON.readTree(json.toFile());
                JsonNode list = root == null ? null : root.get("completed");
                if (list == null || !list.isArray()) {
                    throw new BadInputException(json + " has no \"completed\" list; move it aside to start over");
                }
                List<String> ids = new ArrayList<>();
                // a number, null, a list: no id (5 is not the id "5"); dropped as an unsafe name is
                list.forEach(n -> ids.add(n.isTextual() ? n.textValue() : null));
                keepSafe(ids, json);
            } catch (JsonProcessingException e) {
                throw new BadInputException(json + " is not valid JSON"
                        + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")
                        + "; move it aside to start over: " + Redact.text(AnnotationReader.parserWords(e), 300));
            } catch (IOException e) {
                throw new BadInputException("cannot read " + json + ": " + FileTrees.describe(e));
            }
        }
    }

    private void readJournalAndClusterRecord() {
        if (Files.isRegularFile(journal)) {
            try {
                String text = Files.readString(journal, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n');
                List<String> ids = new ArrayList<>();
                for (String line : text.substring(0, end + 1).split("\n")) {
                    if (!line.isBlank()) {
                        ids.add(line.strip());
                    }
                }
                keepSafe(ids, journal);
            } catch (IOException e) {
                throw new BadInputException("cannot read " + journal + ": " + FileTrees.describe(e));
            }
            dirty = true;
        }
        if (cluster != null && completed.addAll(cluster.completeIds())) {
            dirty = true;
        }
    }

    /**
     * Adds the ids read from a file that are safe names ({@link VideoIdRules}); the others (a hand-edited or
     * damaged file; null for an entry that is no string) are dropped, never counted nor made a path, in one
     * line for the file.
     */
    private void keepSafe(List<String> ids, Path from) {
        int dropped = 0;
        String first = null;
        for (String id : ids) {
            if (id != null && VideoIdRules.isSafe(id)) {
                completed.add(id);
            } else if (dropped++ == 0) {
                first = id == null ? "an entry that is no string (a number, null, a list)" : "\"" + Redact.text(id, 80) + "\"";
            }
        }
        if (dropped > 0) {
            dirty = true;
            LOG.warn("{} ids in {} are not safe names (ASCII letters, digits, _ - #, at most 64 characters) and were "
                    + "dropped, not counted as complete (the first: {})", dropped, from.getFileName(), first);
        }
    }

    public synchronized boolean isComplete(String id) {
        return completed.contains(id);
    }

    public synchronized int size() {
        return completed.size();
    }

    /** Records one complete video: one appended, flushed journal line. */
    public void markComplete(@Variable("job") VideoJob job) {
        markComplete(job.id());
    }

    /** Records one complete video by id. */
    public synchronized void markComplete(String id) {
        if (cluster != null && changesRecord) {
            cluster.add(id);
        }
        if (!writesFiles) {
            completed.add(id);
            return;
        }
        try {
            if (journalOut == null) {
                journalOut = AppendOnlyLines.openDroppingTornLine(journal);
            }
            journalOut.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8)));
            journalOut.force(false);
        } catch (IOException e) {
            if (diskFull != null) {
                diskFull.check(e);
            }
            if (DiskFull.says(e.getMessage())) {
                throw new RunStoppedException(DiskFull.reason(e.getMessage(), journal.getParent()));
            }
            throw new UncheckedIOException("cannot record progress in " + journal, e);
        }
        completed.add(id);
        dirty = true;
    }

    /** Forgets a video whose files turned out to be missing. */
    public synchronized void forget(String id) {
        if (cluster != null && changesRecord) {
            cluster.forget(id);
        }
        if (completed.remove(id)) {
            dirty = true;
        }
    }

    /**
     * A video recorded complete before (without frames) whose frames failed now is no longer complete: with
     * --frames a complete video has its frames. Nor is one whose frames-only pass failed before its frames
     * (its video found damaged, and set aside). Its record goes at once, so that its failure record stands.
     */
    public void framesFailed(@Variable("job") VideoJob job) {
        if (job != null && (job.frames() != FramesMade.NONE || job.kind() == VideoJob.Kind.FRAMES_ONLY)
                && isComplete(job.id())) {
            forget(job.id());
            snapshot();
        }
    }

    /** Rewrites {@code download_progress.json} if anything changed, then empties the journal. */
    public synchronized void snapshot() {
        if (!dirty || !writesFiles) {
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("completed", new ArrayList<>(completed));
        out.put("timestamp", OffsetDateTime.now(ZoneOffset.UTC).toString());
        try {
            AtomicFiles.write(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
            if (journalOut != null) {
                journalOut.close();
                journalOut = null;
            }
            Files.deleteIfExists(journal);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + json, e);
        }
        dirty = false;
        snapshotFailedSaid = false;
    }

    private boolean snapshotFailedSaid;

    /**
     * The timer's rewrite of the record failed (a full disk, say): nothing is lost, since the journal holds every video
     * recorded since; said in one line, once until a rewrite succeeds (the timer tries every few seconds).
     */
    public synchronized void snapshotFailed(
            @org.apache.camel.ExchangeProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT) Throwable cause) {
        if (!snapshotFailedSaid) {
            snapshotFailedSaid = true;
            LOG.warn("{} could not be rewritten ({}): every video recorded since is kept in {}; tried again until it can be",
                    json, Shown.of(cause), journal.getFileName());
        }
    }

    public synchronized List<String> completed() {
        return new ArrayList<>(completed);
    }
}
