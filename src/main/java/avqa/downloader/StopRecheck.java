package avqa.downloader;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's run that stopped for a cause that can clear (a full disk, a tool removed or one the system would not
 * start, a host name that could not be resolved) is looked at again every avqa.schedule.recheck seconds (40-schedule.yaml's recheck-stopped-run): once the
 * cause has cleared, one line says what cleared it and the run resumes, its health UP again, rather than waiting
 * for the next trigger (a day, with a nightly schedule) with the health DOWN.
 */
public final class StopRecheck {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.schedule");

    private final RunControl run;

    public StopRecheck(RunControl run) {
        this.run = run;
    }

    /** Whether the last run stopped for a cause that has cleared since, no run going: said in one line. */
    public boolean cleared() throws InterruptedException {
        Supplier<String> check = run.stopClears();
        if (check == null || run.isShuttingDown() || !run.awaitIdle(0)) {
            return false;
        }
        String cleared = check.get();
        if (cleared == null) {
            return false;
        }
        LOG.info("{}: the run resumes", cleared);
        return true;
    }
}
