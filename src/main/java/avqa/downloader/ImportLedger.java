package avqa.downloader;

import org.apache.camel.Variable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code metadata/imported_ids.txt}: the videos that came from archives, for the coverage report; and
 * the ids an archive had an entry for in this run (imported or found broken), which the plan made
 * before the import must then leave alone.
 */
public final class ImportLedger {

    private final Path file;
    private final Set<String> handled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ImportLedger(Workspace workspace) {
        this.file = workspace.metadataDir().resolve("imported_ids.txt");
    }

    public Set<String> importedIds() {
        if (!Files.isRegularFile(file)) {
            return Set.of();
        }
        try {
            return new HashSet<>(Files.readAllLines(file));
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** An archive has an entry for this video in this run. */
    public void handled(String id) {
        handled.add(id);
    }

    public boolean handledThisRun(String id) {
        return handled.contains(id);
    }

    /** A new run. */
    public void reset() {
        handled.clear();
    }

    /** Notes that a video came from an archive. */
    public synchronized void recordImported(@Variable("job") VideoJob job) throws IOException {
        if (job.kind() == VideoJob.Kind.ARCHIVE_ENTRY) {
            Files.writeString(file, Workspace.checked(job.id()) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
