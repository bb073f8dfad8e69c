package avqa.downloader;

import java.util.HashSet;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The threads waiting for a request's turn in the pacing (06-pace-requests.yaml: its pause with a retry's
 * backoff, the throttle, a host's wider spacing). A stop of the run wakes them (an interrupt, which those
 * waits end on), and any that comes to wait after it, so that a SIGTERM does not wait out the throttle's
 * gap or a backoff; their videos are then left pending. A thread leaves with its interrupt cleared when
 * this woke it, and the exchange with Camel's mark of it, so nothing after the pacing sees it. The waits
 * must be on the worker's own thread (06's delays say asyncDelayed: false).
 */
public final class TurnWaits {

    private static final String THREAD = "turnWaitThread";

    private final Set<Thread> waiting = new HashSet<>();
    private final Set<Thread> woken = new HashSet<>();
    private boolean stopped;

    /** The calling thread starts to wait for its turn; woken at once if the run is stopping. */
    public synchronized void enter(Exchange exchange) {
        Thread t = Thread.currentThread();
        exchange.setVariable(THREAD, t);
        waiting.add(t);
        if (stopped) {
            woken.add(t);
            t.interrupt();
        }
    }

    /**
     * The thread that entered with this exchange has its turn, or gave up waiting. When this woke it, its
     * interrupt is cleared, and so is the exchange's mark of it (Camel marks an exchange that met an
     * interrupt, and its error handlers then pass it by: the video's own could not leave it pending).
     */
    public synchronized void leave(Exchange exchange) {
        Thread entered = exchange.getVariable(THREAD, Thread.class);
        exchange.removeVariable(THREAD);
        Thread t = entered != null ? entered : Thread.currentThread();
        waiting.remove(t);
        if (woken.remove(t)) {
            if (t == Thread.currentThread()) {
                Thread.interrupted();
            }
            exchange.getExchangeExtension().setInterrupted(false);
        }
    }

    /** Wakes every thread waiting for its turn, and any that comes to wait from now on: the run is stopping. */
    public synchronized void wakeAll() {
        stopped = true;
        for (Thread t : waiting) {
            woken.add(t);
            t.interrupt();
        }
    }

    /** A new run: the waits are not woken any more. */
    public synchronized void reset() {
        stopped = false;
    }
}
