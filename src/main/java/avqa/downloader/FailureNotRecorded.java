package avqa.downloader;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A video's failure whose record could not be written (failed/ made read-only under the run, a folder where
 * its file goes, rejected/ gone): one line in our words, and the run ends with exit 1. The video stays pending,
 * and the next run tries it again. Without this, Camel said it in its own words and the run could end with 0.
 */
public final class FailureNotRecorded {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.download");

    private final RunControl run;
    private final RunCounters counters;

    public FailureNotRecorded(RunControl run, RunCounters counters) {
        this.run = run;
        this.counters = counters;
    }

    /** In a doCatch around a failure's records, after a full disk has stopped the run: said and counted. */
    public void said(Exchange exchange) {
        if (run.isStopping()) {
            return; // a stop (a full disk, a signal) leaves the video pending, and says why once
        }
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.error("{}: its failure could not be recorded in failed/ ({}); it stays pending, and the next run tries it again",
                whose(exchange), Shown.of(caught));
        counters.notRecorded();
    }

    /**
     * A video handed on to its media work (the fast path's look-ahead, an archive's entry: a wire tap, whose own thread
     * drops what it is left with) whose exchange ended with an error that no route dealt with: its media work's route
     * was not there to take it (an edit of 07-download-video.yaml that left it out or renamed it, taken by a service
     * between runs; the hand-over waits 30 s for it first, Camel's direct endpoint's default), or anything
     * else escaped its routes' error handling. Said and counted as above (nothing when it ended well or the run is
     * stopping), then {@code countOff} is run however that went: said before the video's count is off, so that the
     * run's end, which waits for the count, counts it.
     */
    public void handedOn(Exchange done, Runnable countOff) {
        try {
            Exception failed = done.getException();
            if (failed == null || run.isStopping()) {
                return;
            }
            LOG.error("{}: its media work could not be done or recorded ({}); it stays pending, and the next run tries it again",
                    whose(done), Shown.of(failed));
            counters.notRecorded();
        } finally {
            countOff.run();
        }
    }

    /** The id of the record being written (a clip's, for a clip), else the video's, as the records show it. */
    private static String whose(Exchange exchange) {
        Object record = exchange.getVariable("record");
        if (record instanceof java.util.Map<?, ?> json && json.get("id") != null) {
            return Redact.text(json.get("id").toString(), 200);
        }
        VideoJob job = exchange.getVariable("job", VideoJob.class);
        return job == null ? "A video" : Redact.text(job.id(), 200);
    }
}
