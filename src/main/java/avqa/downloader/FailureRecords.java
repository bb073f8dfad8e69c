package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;

/**
 * The dead-letter records: one {@code failed/<id>.json} per video that could not be made complete
 * (written by the dead-letter route's file endpoint), and {@code failed_downloads.json}, rebuilt from
 * them at the end of a run. A later success removes the record.
 */
public final class FailureRecords {

    /** With --debug only: the stack traces of unexpected errors. */
    private static final org.slf4j.Logger DEBUG = org.slf4j.LoggerFactory.getLogger("avqa.debug");


    private static final ObjectMapper JSON = new ObjectMapper();

    private final Workspace workspace;

    public FailureRecords(Workspace workspace) {
        this.workspace = workspace;
    }

    /** One record to write: its JSON, and the name of its file under failed/. */
    public record Failure(Map<String, Object> json, String fileName) {
    }

    /**
     * The records for what the routes gave up on, from the exception that stopped it: one for the
     * video, or one per clip when a source that clips are cut from could not be fetched.
     */
    public List<Failure> fromException(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String category;
        String reason;
        String lastError;
        if (cause instanceof VideoFailure f) {
            category = f.category();
            reason = f.reason();
            lastError = f.lastError();
        } else {
            category = VideoFailure.ERROR;
            // a bug of ours: said in our words; its stack trace is in the log with --debug
            reason = "unexpected error (a bug: run again with --debug and report the log)";
            lastError = Shown.of(cause);
            if (cause != null) {
                DEBUG.error("The unexpected error, for a bug report", cause);
            }
        }
        VideoJob job = exchange.getVariable("job", VideoJob.class);
        exchange.setVariable("category", category);
        String archive = job.fetched().archive();
        String entry = job.fetched().entry();
        if (archive != null && entry != null && lastError != null) {
            // the tools name the entry by where it was written out, a work directory gone by now
            lastError = lastError.replace(job.workDir().toString() + java.io.File.separator, "")
                    .replace("video." + workspace.videoExt(), Redact.text(entry, 300) + " in " + Redact.text(archive, 200));
        }
        List<Failure> records = new java.util.ArrayList<>();
        for (String id : job.recordIds()) {
            Failure f = record(id, category, reason, lastError, job.attempts(), job.url());
            if (archive != null && entry != null) {
                f.json().put("archive", Redact.text(archive, 200));
                f.json().put("entry", Redact.text(entry, 300));
            }
            records.add(f);
        }
        return records;
    }

    /** The record for a video that has no possible source; nothing was requested. */
    public Failure fromTask(Exchange exchange) {
        VideoTask task = exchange.getVariable("task", VideoTask.class);
        return record(task.id(), task.category(), task.reason(), "", 0, null);
    }

    /**
     * One record on its way to the dead-letter file endpoint: the JSON as the body, its file name in
     * the header the file endpoint reads, its category in the variable {@code category}, and what the
     * tool said last, in brackets for the log line (the variable {@code lastErrorShown}; empty when it said
     * nothing).
     */
    public void prepare(Exchange exchange) {
        Failure f = exchange.getIn().getBody(Failure.class);
        exchange.getIn().setHeader(Exchange.FILE_NAME, f.fileName());
        exchange.setVariable("category", f.json().get("category"));
        Object last = f.json().get("last_error");
        exchange.setVariable("lastErrorShown", last == null || last.toString().isBlank() ? "" : " (" + last + ")");
        // an archive's entry is named (of two entries of one name, the one that failed; both are recorded safe to show)
        Object entry = f.json().get("entry");
        exchange.setVariable("entryShown", entry == null ? "" : "; the entry " + entry + " of " + f.json().get("archive"));
        exchange.getIn().setBody(f.json());
    }

    /**
     * An id as a record shows it: an unsafe one's control characters made visible, and one of absurd
     * length cut (its file name hashes all of it).
     */
    static String shown(String id) {
        return Redact.text(id, 200);
    }

    private Failure record(String id, String category, String reason, String lastError, int attempts, String url) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", shown(id));
        r.put("category", category);
        r.put("reason", Redact.secrets(reason));
        r.put("last_error", Redact.text(Redact.secrets(lastError), 1000));
        r.put("attempts", attempts);
        r.put("at", OffsetDateTime.now(ZoneOffset.UTC).toString());
        if (url != null) {
            r.put("url", Redact.url(url));
        }
        return new Failure(r, fileName(id));
    }

    /**
     * {@code <id>.json} for a safe id (on a file system that does not tell case apart, with a hash of the
     * id, so that two ids differing in case keep two records); a hash for an id that must never become a path.
     */
    public String fileName(String id) {
        if (VideoIdRules.isSafe(id)) {
            return workspace.caseInsensitive() ? id + "-" + hash(id) + ".json" : id + ".json";
        }
        return "invalid-id-" + hash(id) + ".json";
    }

    private static String hash(String id) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(String.valueOf(id).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The category of a video's failure record, or null when it has none. */
    public String category(String id) {
        Recorded r = recorded(id);
        return r == null ? null : r.category();
    }

    /**
     * A video's failure record as a plan reads it: its category, and the URL it failed at as the record shows it
     * ({@link Redact#url}; null when it has none).
     */
    record Recorded(String category, String url) {
    }

    /** A video's failure record, or null when it has none (or it cannot be read). */
    Recorded recorded(String id) {
        Path record = workspace.failedDir().resolve(fileName(id));
        if (!Files.isRegularFile(record)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(record.toFile());
            return n == null ? null : new Recorded(n.path("category").asText(null), n.path("url").asText(null));
        } catch (IOException e) {
            return null;
        }
    }

    /** Removes a video's failure record after it completed. */
    public void clear(@Variable("job") VideoJob job) throws IOException {
        Files.deleteIfExists(workspace.failedDir().resolve(fileName(job.id())));
    }

    /**
     * Rebuilds {@code failed_downloads.json} ({id: {attempts, category, reason, last_error, at}}) from
     * {@code failed/}, one record at a time: the records are read and written as a stream, in the order
     * of their file names, so a million of them need only their names in memory. The record of a video
     * recorded complete is removed (a run killed between the two left it), so the two records never disagree.
     */
    public void rebuildSummary(java.util.function.Predicate<String> recordedComplete) {
        List<Path> records = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(workspace.failedDir(), "*.json")) {
            // not a record still being written (.writing-<id>.json, or one a full disk left half-written)
            files.forEach(f -> {
                if (!f.getFileName().toString().startsWith(".")) {
                    records.add(f);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + workspace.failedDir(), e);
        }
        records.sort(null);
        // through a temporary name (AtomicFiles): a write that fails leaves the summary as it was, and no temporary file
        try {
            AtomicFiles.write(workspace.root().resolve("failed_downloads.json"), stream -> writeSummary(stream, records,
                    recordedComplete));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write failed_downloads.json", e);
        }
    }

    private static void writeSummary(java.io.OutputStream stream, List<Path> records,
                                     java.util.function.Predicate<String> recordedComplete) throws IOException {
        try (com.fasterxml.jackson.core.JsonGenerator out = JSON.getFactory().createGenerator(stream,
                com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            out.useDefaultPrettyPrinter();
            out.writeStartObject();
            for (Path f : records) {
                JsonNode n;
                try {
                    n = JSON.readTree(f.toFile());
                } catch (IOException e) {
                    continue; // a record cut by a crash: its video is tried again next run
                }
                if (n == null || !n.hasNonNull("id")) {
                    continue;
                }
                if (recordedComplete.test(n.get("id").asText())) {
                    Files.deleteIfExists(f);
                    continue;
                }
                out.writeObjectFieldStart(n.get("id").asText());
                out.writeNumberField("attempts", n.path("attempts").asInt());
                out.writeStringField("category", n.path("category").asText());
                out.writeStringField("reason", n.path("reason").asText());
                out.writeStringField("last_error", n.path("last_error").asText());
                out.writeStringField("at", n.path("at").asText());
                out.writeEndObject();
            }
            out.writeEndObject();
        }
    }
}
