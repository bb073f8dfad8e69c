package avqa.downloader;

import java.util.HashSet;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Variable;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive entries written out and handed to the media threads (route import-media, by 07's wire tap), by video
 * id, until each is dealt with, so that the run waits for them all before stage 5 looks at the plan again
 * (a video an import is still working on must not be downloaded as if no archive had it), and a second
 * entry of the same name is not written into the work directory the first is still using.
 * <p>
 * It is the wire tap's preparation of the copy that goes on, in the archive's reader: the reader waits while as many
 * entries are handed on as the media threads hold and avqa.workers more, then the entry is counted. An entry counts
 * as dealt with when that copy is done, however it ended (recorded, dead-lettered, stopped).
 */
public final class ImportsInFlight implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.import");
    /** How long a stopping run waits for the entries under way to see the stop. */
    static final long STOP_WAIT_MILLIS = 60_000;

    private final RunControl run;
    private final Set<String> ids = new HashSet<>();
    /** The entries handed on that are larger than FfmpegRuns.TOGETHER_AT_MOST, and how many of them may be. */
    private final Set<String> large = new HashSet<>();
    private final int largeAtMost;
    /** The media threads (avqa.media-threads) and avqa.workers more waiting their turn. */
    private final int atMost;
    private final FailureNotRecorded unrecorded;
    /** Where the entries are written (null: free space not looked at). */
    private final java.nio.file.Path dataDir;
    /**
     * Free space under which the entries are written out one at a time, each made complete (its WAV too) before the
     * next is written: entries written ahead, their WAVs made side by side, filled a nearly full disk with halves, and
     * the run stopped at the first "no space left" with none complete, as did every run after it.
     */
    static final long SHORT_OF_SPACE = 1L << 30;
    private boolean saidShort;
    private java.nio.file.FileStore store;

    /**
     * {@code workers}: avqa.workers. The entries' media work is done by eight threads per worker, so that small
     * entries share ffmpeg's runs (FfmpegRuns); of the large ones, which never share a run, at most two per worker are
     * written out ahead, as many as before those threads were more than the workers, so that an archive of large
     * videos takes no more room in {@code .partial/} than then. {@code unrecorded}: says an entry whose media work ended
     * with an error no route dealt with.
     */
    public ImportsInFlight(RunControl run, int workers, FailureNotRecorded unrecorded) {
        this(run, workers, unrecorded, null);
    }

    /**
     * The same, with the data directory whose free space is looked at before each entry is written out: below
     * {@link #SHORT_OF_SPACE}, one entry at a time.
     */
    public ImportsInFlight(RunControl run, int workers, FailureNotRecorded unrecorded, java.nio.file.Path dataDir) {
        this.dataDir = dataDir;
        this.run = run;
        this.unrecorded = unrecorded;
        this.largeAtMost = Math.max(1, 2 * workers);
        this.atMost = avqa.downloader.settings.CamelProperties.mediaThreads(workers) + workers;
    }

    /**
     * The wire tap's preparation of an entry's copy that goes on to its media work: while as many are handed on as the
     * media threads and avqa.workers more, the archive's reader waits for one of them to end (a stop of the run ends
     * the wait); then the entry is counted ({@link #sent}). Counted only once it goes on, so that an interrupted wait
     * leaves no count behind (the reader is the one thread that hands entries on, so no entry of the same name is
     * looked at meanwhile).
     */
    @Override
    public void process(Exchange copy) throws Exception {
        synchronized (this) {
            while (ids.size() >= atMost && !run.isStopping()) {
                wait(250);
            }
        }
        sent(copy.getVariable("job", VideoJob.class), copy);
    }

    /** Whether an entry of this video is handed to the workers and not dealt with yet. */
    public synchronized boolean contains(String id) {
        return ids.contains(id);
    }

    /** The job's entry is handed to the workers now: counted until its exchange is done. */
    public synchronized void sent(@Variable("job") VideoJob job, Exchange exchange) {
        String id = job.id();
        ids.add(id);
        if (sizeOf(job.video()) > FfmpegRuns.TOGETHER_AT_MOST) {
            large.add(id);
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                unrecorded.handedOn(done, () -> dealtWith(id));
            }
        });
    }

    private static long sizeOf(java.nio.file.Path file) {
        try {
            return file == null ? 0 : java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /**
     * Waits, before the next entry is written out, while as many large entries as may be are handed on and not dealt
     * with yet; a stop of the run ends the wait.
     */
    public synchronized void awaitRoom() throws InterruptedException {
        while ((large.size() >= largeAtMost || !ids.isEmpty() && shortOfSpace()) && !run.isStopping()) {
            wait(250);
        }
    }

    /** Whether the data directory's disk has less than {@link #SHORT_OF_SPACE} free (said once a run). */
    private boolean shortOfSpace() {
        if (dataDir == null) {
            return false;
        }
        long free;
        try {
            if (store == null) {
                // looked up once (its lookup reads the mount table); its free space is asked anew each time
                store = java.nio.file.Files.getFileStore(dataDir);
            }
            free = store.getUsableSpace();
        } catch (java.io.IOException e) {
            return false;
        }
        if (free >= SHORT_OF_SPACE) {
            return false;
        }
        if (!saidShort) {
            saidShort = true;
            LOG.warn("Only {} free on the disk of {}: the archive's entries are imported one at a time, each made complete "
                    + "before the next is written out, so that what fits is kept", DownloadEstimate.human(free),
                    Redact.text(dataDir.toString(), 300));
        }
        return true;
    }

    private synchronized void dealtWith(String id) {
        ids.remove(id);
        large.remove(id);
        notifyAll();
    }

    /**
     * Waits until the entry of this video handed to the workers is dealt with (at once if none is); a
     * stop of the run ends the wait.
     */
    public synchronized void awaitDealtWith(String id) throws InterruptedException {
        while (ids.contains(id) && !run.isStopping()) {
            wait(250);
        }
    }

    /**
     * Waits until every entry handed to the workers is dealt with. A stopping run waits too, for at most
     * {@link #STOP_WAIT_MILLIS} (the entries waiting their turn end at once, those under way at their
     * next step), so that nothing is cleared away under a worker still using it.
     */
    public synchronized void drain() throws InterruptedException {
        // the next import (a service's next run) looks at the disk anew
        saidShort = false;
        long stopDeadline = Long.MAX_VALUE;
        while (!ids.isEmpty()) {
            if (run.isStopping()) {
                stopDeadline = Math.min(stopDeadline, System.currentTimeMillis() + STOP_WAIT_MILLIS);
                if (System.currentTimeMillis() >= stopDeadline) {
                    LOG.warn("{} imported videos did not end within {} s of the stop; they stay pending", ids.size(),
                            STOP_WAIT_MILLIS / 1000);
                    ids.clear();
                    return;
                }
            }
            wait(250);
        }
    }
}
