package avqa.downloader;

/**
 * A tool's run under camel-exec's timeout: when it started and how long it may take, so that a signal that
 * ended it can be told apart from that timeout. The start is read on the clock the timeout goes by (camel-exec's
 * watchdog, commons-exec's, counts the wall clock), before the watchdog starts: a run whose time on that clock is
 * short of the timeout cannot have been stopped by it.
 */
public record TimedRun(long startedMillis, long timeoutMillis) {

    /** A run starting now, with this timeout. */
    static TimedRun starting(long timeoutMillis) {
        return new TimedRun(System.currentTimeMillis(), timeoutMillis);
    }

    /** Whether the timeout may have stopped the run: its time has passed. */
    public boolean timeoutPassed() {
        return System.currentTimeMillis() - startedMillis >= timeoutMillis;
    }
}
