package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doctor's disk check, made by every run once its plan is known: when the data directory's disk has
 * less room than the planned downloads will need (a rough estimate, as {@code --doctor} gives it), one
 * warning says so before the first request. The run goes ahead: it stops cleanly, with what it has, if
 * the disk fills up.
 */
public final class SpaceCheck {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.plan");

    private final Path dataDir;
    private final int workers;

    public SpaceCheck(Path dataDir, int workers) {
        this.dataDir = dataDir;
        this.workers = workers;
    }

    public void warnIfShort(@Variable("plan") List<VideoTask> plan) {
        DownloadEstimate estimate = DownloadEstimate.of(plan, workers);
        if (estimate.missing() == 0) {
            return;
        }
        long free;
        try {
            free = Files.getFileStore(dataDir).getUsableSpace();
        } catch (IOException e) {
            return;
        }
        if (free < estimate.bytes()) {
            LOG.warn("Only {} free for {}, less than the planned download needs (about {} for {}, "
                    + "with room for each worker's download in progress): the run stops with what it has when the "
                    + "disk is full; free some space or choose another --data-dir", DownloadEstimate.human(free),
                    dataDir, DownloadEstimate.human(estimate.bytes()),
                    Shown.count(estimate.missing(), "video or clip", "videos or clips"));
        }
    }
}
