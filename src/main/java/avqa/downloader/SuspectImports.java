package avqa.downloader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Videos imported from an archive whose own checksum failed at its end (a tar.gz's: its gzip's CRC-32
 * covers every byte, and is read only after the last entry): any of them may hold damaged bytes that
 * their checks cannot see (a video's picture is copied, not decoded), so those this run completed from
 * it are taken back: their files moved to {@code rejected/}, their completion forgotten, no longer counted
 * imported. The run then fetches them from their sources, like any video no archive had; a later run
 * imports them again from a good copy given to --import-archive.
 */
public final class SuspectImports {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.import");

    private final VerifyRepair rejected;
    private final ProgressBook progress;
    private final Checksums checksums;
    private final ArchiveImport archiveImport;
    private final ImportLedger imports;
    private final RunCounters counters;

    public SuspectImports(Workspace workspace, ProgressBook progress, Checksums checksums, ArchiveImport archiveImport,
                          ImportLedger imports, RunCounters counters) {
        this.rejected = new VerifyRepair(workspace);
        this.progress = progress;
        this.checksums = checksums;
        this.archiveImport = archiveImport;
        this.imports = imports;
        this.counters = counters;
    }

    /** Whether the archive's failure casts doubt on the entries read before it. */
    public boolean applies(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught) {
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DamagedArchiveException d && d.earlierEntriesSuspect()) {
                return true;
            }
        }
        return false;
    }

    /** Takes back the videos this run completed from the archive; their entries' media work is done by now. */
    public void takeBack(@Variable("archive") String archive) {
        List<String> taken = new ArrayList<>();
        for (String id : archiveImport.takenFromThisArchive()) {
            if (!progress.isComplete(id)) {
                continue;
            }
            // as --verify --repair sets a video aside
            rejected.setAsideVideo(id);
            progress.forget(id);
            counters.takenBack(id);
            imports.takenBack(id);
            taken.add(id);
        }
        if (taken.isEmpty()) {
            return;
        }
        progress.snapshot();
        // their SHA256SUMS lines go at the end of the run, as a file set aside by --repair loses its own
        checksums.forget();
        LOG.warn("{} videos imported from {} in this run are set aside in rejected/ and no longer complete, since its "
                        + "checksum failed and any of them may hold damaged bytes (for example {}); this run fetches them "
                        + "from their sources, and a later run imports them again from a good copy given to --import-archive",
                taken.size(), Redact.text(Path.of(archive).getFileName().toString(), 200), taken.stream().limit(5).toList());
    }
}
