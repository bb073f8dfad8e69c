package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Variable;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path's look-ahead (avqa.download.look-ahead): a video fetched as a plain media file, or delivered by a
 * batch's yt-dlp, is handed to its media work (route fetched-media, on a thread of the look-ahead's pool: its clips, its audio pass, its frames and
 * its record), and its worker (or the batch's follower) takes its next video meanwhile, so that the videos waiting for
 * an ffmpeg run share it (FfmpegRuns), as an import's entries do. Each is counted here until it is dealt with, however it ended (complete, dead-lettered, stopped), so that the
 * run ends only once they all are: it is the wire tap's preparation of the copy that goes on (route hand-on-media), in
 * the worker's thread, before the copy is given to a thread of the look-ahead's pool.
 */
public final class FetchedInFlight implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.download");
    private final RunControl run;
    private final int atMost;
    private final FailureNotRecorded unrecorded;
    private int inFlight;
    /** Counted up when a stopped run's drain gives up on the videos still under way. */
    private int generation;

    /**
     * {@code atMost}: avqa.workers x avqa.download.look-ahead, the most videos handed on and not dealt with yet;
     * {@code unrecorded}: says a video whose media work ended with an error no route dealt with.
     */
    public FetchedInFlight(RunControl run, int atMost, FailureNotRecorded unrecorded) {
        this.run = run;
        this.atMost = atMost;
        this.unrecorded = unrecorded;
    }

    /**
     * Whether the job's video is small enough to share an ffmpeg run (FfmpegRuns.TOGETHER_AT_MOST): a larger one is
     * passed alone anyway, so its worker keeps it to the end, and no more room in .partial/ is taken by large videos
     * than without the look-ahead, nor more of them left for a stop to throw away.
     */
    public boolean small(@Variable("job") VideoJob job) {
        try {
            return job.video() != null && Files.size(job.video()) <= FfmpegRuns.TOGETHER_AT_MOST;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The exchange's video is handed to its media work now: counted until the exchange is done. While as many as may
     * be are under way, its worker waits for one of them to end first; a stop of the run ends that wait, the video
     * left pending.
     */
    public void sent(Exchange exchange) throws Exception {
        int handedIn;
        synchronized (this) {
            while (inFlight >= atMost && !run.isStopping()) {
                wait(250);
            }
            run.checkRunning();
            inFlight++;
            handedIn = generation;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                unrecorded.handedOn(done, () -> dealtWith(handedIn));
            }
        });
    }

    /** The wire tap's preparation of the video's copy that goes on to its media work: {@link #sent}. */
    @Override
    public void process(Exchange copy) throws Exception {
        sent(copy);
    }

    private synchronized void dealtWith(int handedIn) {
        // a video of a stopped run whose drain gave up on it counts no more
        if (handedIn == generation) {
            inFlight--;
            notifyAll();
        }
    }

    /**
     * Waits until every video handed on is dealt with. A stopping run waits too, for at most
     * {@link ImportsInFlight#STOP_WAIT_MILLIS}: their ffmpeg is stopped with the run, and each sees the stop at its
     * next step, so that nothing is cleared away under a thread still using it.
     */
    public synchronized void drain() throws InterruptedException {
        long stopDeadline = Long.MAX_VALUE;
        while (inFlight > 0) {
            if (run.isStopping()) {
                stopDeadline = Math.min(stopDeadline, System.currentTimeMillis() + ImportsInFlight.STOP_WAIT_MILLIS);
                if (System.currentTimeMillis() >= stopDeadline) {
                    LOG.warn("{} downloaded videos did not end their media work within {} s of the stop; they stay pending",
                            inFlight, ImportsInFlight.STOP_WAIT_MILLIS / 1000);
                    inFlight = 0;
                    generation++;
                    return;
                }
            }
            wait(250);
        }
    }
}
