package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which annotation files a run fetches into {@code metadata/}, by where those there came from: {@code
 * metadata/sources.json} says it for each file, as its source shown (no password, no token) and a hash of
 * its URL without the user name and password. A file is fetched when it is missing, when {@code
 * --refresh-metadata} asks, or when it came from another {@code --metadata-url} than this run's (said in
 * one line); a file the record does not name (a data directory from before the record) is kept, and
 * recorded as this URL's. The files fetched take their names only once all of them are in, so a fetch
 * that fails leaves {@code metadata/} as it was. A check ({@code --dry-run}, {@code --verify}) only says
 * that a run would fetch them again.
 */
public final class MetadataSources {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.fetch");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PENDING = "pending";

    private final Path dir;
    private final Path record;
    private final List<Dataset.MetadataFile> files;
    private final String shown;
    private final String hash;
    private final boolean readOnly;
    private final DiskFull diskFull;

    /**
     * @param base     the effective --metadata-url (the dataset's by default)
     * @param folder   for a {@code file:} URL, the absolute folder it names; empty for http(s)
     * @param diskFull what a write that meets a full disk stops; null for a look that writes nothing (--doctor)
     */
    public MetadataSources(Path metadataDir, List<Dataset.MetadataFile> files, String base, String folder,
                           boolean readOnly, DiskFull diskFull) {
        this.dir = metadataDir;
        this.record = metadataDir.resolve("sources.json");
        this.files = List.copyOf(files);
        // a folder is the same wherever the run starts from; a fragment is never sent, a login not part of the source
        String source = folder.isEmpty() ? HostCredentials.withoutFragment(HostCredentials.withoutUserInfo(base))
                : "file:" + folder;
        this.shown = folder.isEmpty() ? Redact.url(base) : Redact.url(source);
        this.hash = ArchiveFiles.sha(source);
        this.readOnly = readOnly;
        this.diskFull = diskFull;
    }

    /**
     * The files to fetch: those metadata/ lacks, all with {@code refresh}, and those that came from another
     * URL (one line says so). A run records the files the record does not name as this URL's.
     */
    public List<Dataset.MetadataFile> toFetch(boolean refresh) {
        ObjectNode sources = read();
        List<Dataset.MetadataFile> out = new ArrayList<>();
        Set<String> others = new LinkedHashSet<>();
        boolean adopted = false;
        for (Dataset.MetadataFile file : files) {
            JsonNode entry = sources == null ? null : sources.get(file.localName());
            if (refresh || !Files.isRegularFile(dir.resolve(file.localName()))) {
                out.add(file);
            } else if (entry == null) {
                // fetched before sources.json was kept: taken as this URL's, without a request
                adopted = true;
            } else if (!hash.equals(entry.path("url_sha256").asText())) {
                others.add(entry.path(PENDING).asBoolean() ? "a fetch that did not finish"
                        : Redact.url(entry.path("from").asText("?")));
                if (!readOnly) {
                    out.add(file);
                }
            }
        }
        if (!others.isEmpty()) {
            LOG.info("metadata/'s annotations came from {}, not from --metadata-url {}: {}", String.join(" and ", others),
                    shown, readOnly ? "a run fetches them again; this reads those in metadata/" : "fetching them again");
        }
        if (adopted && !readOnly) {
            write(sources, files.stream().filter(f -> sources == null || !sources.has(f.localName())).toList(), false);
        }
        return out;
    }

    /** --verify: says when metadata/'s annotations came from another URL (a run would fetch them again). */
    public void compare() {
        toFetch(false);
    }

    /**
     * Once every file fetched reads as its own (under its temporary name): each takes its name, and the
     * record says they came from this URL. Until they all have, the record names them as pending, so that a
     * run killed half-way fetches them again.
     */
    public void install(@Variable("metadataFiles") List<Dataset.MetadataFile> fetched) {
        if (fetched.isEmpty()) {
            return;
        }
        write(read(), fetched, true);
        for (Dataset.MetadataFile file : fetched) {
            try {
                AtomicFiles.move(dir.resolve(".fetching-" + file.localName()), dir.resolve(file.localName()));
            } catch (IOException e) {
                throw failed(dir.resolve(file.localName()), e);
            }
        }
        write(read(), fetched, false);
    }

    /** What a fetch that failed (or was stopped) left under temporary names. */
    public void discard(@Variable("metadataFiles") List<Dataset.MetadataFile> fetched) {
        for (Dataset.MetadataFile file : fetched) {
            try {
                Files.deleteIfExists(dir.resolve(".fetching-" + file.localName()));
            } catch (IOException e) {
                // the next run's tidying removes it
            }
        }
    }

    /** Whether every file of this run is in metadata/ from this URL (or from before the record). */
    boolean allFromHere() {
        ObjectNode sources = read();
        return files.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f.localName()))
                && (sources == null || !sources.has(f.localName())
                || hash.equals(sources.get(f.localName()).path("url_sha256").asText())));
    }

    /** The record, or null when there is none (or none that reads: then the files are taken as this URL's). */
    private ObjectNode read() {
        if (!Files.isRegularFile(record)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(record.toFile());
            if (n instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            // said below
        }
        LOG.warn("{} cannot be read; the annotations in metadata/ are taken as fetched from --metadata-url {}",
                record, shown);
        return null;
    }

    private void write(ObjectNode sources, List<Dataset.MetadataFile> these, boolean pending) {
        ObjectNode all = sources == null ? JSON.createObjectNode() : sources;
        for (Dataset.MetadataFile file : these) {
            ObjectNode entry = JSON.createObjectNode();
            if (pending) {
                entry.put(PENDING, true);
            } else {
                entry.put("from", shown);
                entry.put("url_sha256", hash);
            }
            all.set(file.localName(), entry);
        }
        try {
            AtomicFiles.write(record, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
        } catch (IOException e) {
            throw failed(record, e);
        }
    }

    /** A write into metadata/ that failed: a full disk stops the run; anything else fails it in one line. */
    private BadInputException failed(Path file, IOException e) {
        if (diskFull != null) {
            diskFull.check(e);
        }
        return new BadInputException("cannot write " + file + ": " + FileTrees.describe(e));
    }
}
