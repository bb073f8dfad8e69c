package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One run at a time, and a scheduled run's start against route edits being taken between runs. */
class RunControlTest {

    /**
     * A trigger that fires while route edits are being taken between runs waits for them and runs (with a
     * nightly schedule, skipping it would lose a night's run); one that fires during a run is skipped at once.
     */
    @Test
    void aTriggerWaitsForRouteEditsBeingTakenButNotForARun() throws Exception {
        RunControl run = new RunControl();
        assertTrue(run.tryStartTakingEdits(true));
        Thread[] trigger = new Thread[1];
        CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(() -> {
            trigger[0] = Thread.currentThread();
            return run.tryStartRun();
        });
        Fixture.await("the trigger waiting for the edits", 10_000,
                () -> trigger[0] != null && trigger[0].getState() == Thread.State.TIMED_WAITING);
        assertFalse(started.isDone(), "not skipped while the edits are taken");
        run.editsTaken();
        assertTrue(started.get(10, TimeUnit.SECONDS), "the run starts once they are taken");

        // the run goes: another trigger, and the edits, are refused at once
        long t0 = System.nanoTime();
        assertFalse(run.tryStartRun());
        assertFalse(run.tryStartTakingEdits(true));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(RunControl.EDIT_WAIT_SECONDS / 2),
                "a trigger during a run is skipped, not held");
        run.runEnded();

        // edits that include the schedule's own routes: a trigger skips at once (their reload would wait for it)
        assertTrue(run.tryStartTakingEdits(false));
        assertFalse(run.tryStartRun());
        run.editsTaken();
        assertTrue(run.tryStartTakingEdits(true));
    }

    /**
     * A stop that could clear (a full disk) then the data directory gone: the stop can no longer clear by itself, and
     * its reason is the directory's (a service would otherwise wait for room that never resumes the run, or resume
     * into a directory that is not its own); a stop for good is not made one that clears.
     */
    @Test
    void theDataDirectoryGoneAfterAStopThatCouldClearIsTheStopsReasonAndItNoLongerClears() {
        RunControl run = new RunControl();
        run.stop("no space left", () -> "room again");
        assertEquals("room again", run.stopClears().get());
        run.dataDirGone("the data directory went");
        assertEquals("the data directory went", run.stopReason());
        assertNull(run.stopClears(), "a stop for good");
        assertTrue(run.isDataDirGone());

        run.stop("no space left", () -> "room again");
        assertEquals("the data directory went", run.stopReason(), "the first stop for good wins");
        assertNull(run.stopClears());

        RunControl bySignal = new RunControl();
        bySignal.stop("stopped by SIGTERM");
        bySignal.dataDirGone("the data directory went");
        assertEquals("stopped by SIGTERM", bySignal.stopReason(), "a stop for good keeps its reason");
        assertNull(bySignal.stopClears());
    }
}
