package avqa.downloader;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the run may go on. Once stopped (by SIGTERM/Ctrl-C, a bot check that persists, a full
 * disk) no new download starts, the requests waiting for their turn stop waiting, running yt-dlp and
 * ffmpeg processes are stopped, and the videos in hand stay pending for the next run.
 */
public final class RunControl {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.run");

    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final AtomicReference<java.util.function.Supplier<String>> clearedBy = new AtomicReference<>();
    private volatile String shutdownReason;
    private final java.util.concurrent.Semaphore oneRun = new java.util.concurrent.Semaphore(1);
    private final TurnWaits turns = new TurnWaits();
    private final java.util.List<Runnable> onStop = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<Runnable> onRunEnded = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Stops the run for {@code reason}; the first reason wins. */
    public void stop(String reason) {
        stop(reason, null);
    }

    /**
     * Stops the run for a cause that can clear (a full disk, a tool gone, no network or DNS): {@code cleared} says, when asked, what
     * cleared it (null while it stands), so that a service can resume the run then ({@link StopRecheck}).
     */
    public void stop(String reason, java.util.function.Supplier<String> cleared) {
        if (stopReason.compareAndSet(null, reason)) {
            clearedBy.set(cleared);
            if (shutdownReason != null) {
                // asked for (SIGTERM, Ctrl-C): no error, and no alert on ERROR lines for it
                LOG.warn("Stopping the run: {}", reason);
            } else {
                LOG.error("Stopping the run: {}", reason);
            }
            turns.wakeAll();
            stopChildProcesses();
            onStop.forEach(Runnable::run);
        }
    }

    /** Stops the run for the reason of the {@link RunStoppedException} an exchange caught. */
    public void stopFor(org.apache.camel.Exchange exchange) {
        Throwable cause = exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class);
        stop(cause == null ? "stopped" : cause.getMessage());
    }

    /** What says whether the cause of the stop has cleared; null when the run goes, or stopped for good. */
    public java.util.function.Supplier<String> stopClears() {
        return stopReason.get() == null ? null : clearedBy.get();
    }

    /** Something a stop ends at once besides the waits and the child processes (requests waiting for an answer). */
    public void onStop(Runnable action) {
        onStop.add(action);
    }

    /** The requests waiting for their turn in the pacing, which a stop wakes. */
    public TurnWaits turns() {
        return turns;
    }

    public boolean isStopping() {
        return stopReason.get() != null;
    }

    public String stopReason() {
        return stopReason.get();
    }

    /** Throws {@link RunStoppedException} once the run is stopping: called before anything is started. */
    public void checkRunning() {
        String reason = stopReason.get();
        if (reason != null) {
            throw new RunStoppedException(reason);
        }
    }

    /** The process is going away (SIGTERM, Ctrl-C): stops the current run and every later one. */
    public void shutdown(String reason) {
        shutdownReason = reason;
        stop(reason);
    }

    /**
     * A failure that reaches the dead-letter channel while the run stops (its yt-dlp or ffmpeg was stopped
     * with it, Camel gave up its redelivery because it is shutting down, or a tool could not be started
     * because the JVM is): not the video's fault, so it stays pending for the next run and nothing is
     * recorded. Only a permanent failure (the source's own answer: gone, private) is still the video's.
     */
    public boolean stoppedMidAttempt(org.apache.camel.Exchange exchange) {
        return isStopping() && (dataDirGone
                || !(exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT) instanceof VideoFailure.Permanent));
    }

    /** The data directory went from under the run: nothing more is written in it, no failure recorded. */
    private volatile boolean dataDirGone;

    public void dataDirGone(String reason) {
        dataDirGone = true;
        java.util.function.Supplier<String> clears = clearedBy.get();
        String before = stopReason.get();
        if (before != null && clears != null && clearedBy.compareAndSet(clears, null)
                && stopReason.compareAndSet(before, reason)) {
            // a stop that could clear by itself (a full disk) no longer can: the directory went meanwhile, and its
            // reason is now the one said (the health's), not a wait for room that would never resume the run
            LOG.error("Stopping the run: {}", reason);
            return;
        }
        stop(reason);
    }

    public boolean isDataDirGone() {
        return dataDirGone;
    }

    public boolean isShuttingDown() {
        return shutdownReason != null;
    }

    /** Clears a stop of the previous run (a bot check, say) for a new one; a shutdown stays. */
    public void reset() {
        dataDirGone = false;
        clearedBy.set(null);
        stopReason.set(shutdownReason);
        if (shutdownReason == null) {
            turns.reset();
            newRun.forEach(Runnable::run);
        }
    }

    private final java.util.List<Runnable> newRun = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * {@code starting} is done as each new run starts: a count of failures in a row that stops a run starts from none
     * in it, whatever the previous run left there (it stopped for another reason, or was stopped by a signal).
     */
    public void onNewRun(Runnable starting) {
        newRun.add(starting);
    }

    /**
     * Claims the right to run: false while another run is going (a Quartz trigger then skips). Route edits
     * being taken between runs hold that right for a moment: a trigger then waits for them (up to
     * {@link #EDIT_WAIT_SECONDS}), rather than losing its run (a night's, with a nightly schedule).
     */
    public boolean tryStartRun() {
        if (isShuttingDown()) {
            return false;
        }
        if (oneRun.tryAcquire()) {
            return true;
        }
        try {
            // the edits may have been taken between the two looks: one more try then
            return takingEdits ? oneRun.tryAcquire(EDIT_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
                    && claimedUnlessShuttingDown() : oneRun.tryAcquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The longest a run's start waits for route edits being taken. */
    static final long EDIT_WAIT_SECONDS = 60;

    private volatile boolean takingEdits;

    private boolean claimedUnlessShuttingDown() {
        if (isShuttingDown()) {
            oneRun.release();
            return false;
        }
        return true;
    }

    /**
     * Claims the right to run for taking route edits kept until no run goes; false while a run goes.
     * {@code triggersWait}: whether a run's start meanwhile waits for them (else it is skipped, as during a run).
     */
    public boolean tryStartTakingEdits(boolean triggersWait) {
        if (!isShuttingDown() && oneRun.tryAcquire()) {
            takingEdits = triggersWait;
            return true;
        }
        return false;
    }

    /** The route edits are taken: the right to run is given back. */
    public void editsTaken() {
        takingEdits = false;
        runEnded();
    }

    public void runEnded() {
        oneRun.release();
        onRunEnded.forEach(Runnable::run);
    }

    /** Something to do each time a run (or anything else that held the right to run) has ended. */
    public void onRunEnded(Runnable action) {
        onRunEnded.add(action);
    }

    /** Waits until no run is going, up to {@code millis}. */
    public boolean awaitIdle(long millis) throws InterruptedException {
        if (oneRun.tryAcquire(millis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            oneRun.release();
            return true;
        }
        return false;
    }

    /** Stops every process this JVM started (yt-dlp, ffmpeg, ffprobe, and their children). */
    public static void stopChildProcesses() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    }
}
