package avqa.downloader;

/**
 * The archive entries written out and handed to the workers (the seda queue import-media), counted
 * until each is dealt with, so the run waits for them all before stage 5 looks at the plan again: a
 * video an import is still working on must not be downloaded as if no archive had it.
 */
public final class ImportsInFlight {

    private final RunControl run;
    private int pending;

    public ImportsInFlight(RunControl run) {
        this.run = run;
    }

    /** One more entry handed to the workers. */
    public synchronized void sent() {
        pending++;
    }

    /** One entry dealt with, whatever came of it. */
    public synchronized void done() {
        pending--;
        notifyAll();
    }

    /**
     * Waits until every entry handed to the workers is dealt with, or the run stops (those still waiting
     * then stay pending for the next run, as every video not begun does).
     */
    public synchronized void drain() throws InterruptedException {
        while (pending > 0 && !run.isStopping()) {
            wait(250);
        }
    }
}
