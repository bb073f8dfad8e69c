package avqa.downloader;

import java.util.HashSet;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The threads waiting for a request's turn in the pacing (06-pace-requests.yaml: its pause, the throttle,
 * a host's wider spacing). A stop of the run wakes them (an interrupt, which those waits end on), so that
 * a SIGTERM does not wait out the throttle's gap; their videos are then left pending. A thread leaves
 * with its interrupt cleared when this woke it, so nothing after the pacing sees it.
 */
public final class TurnWaits {

    private final Set<Thread> waiting = new HashSet<>();
    private final Set<Thread> woken = new HashSet<>();

    /** The calling thread starts to wait for its turn. */
    public synchronized void enter() {
        waiting.add(Thread.currentThread());
    }

    /**
     * The calling thread has its turn, or gave up waiting. When this woke it, its interrupt is cleared, and
     * so is the exchange's mark of it (Camel marks an exchange that met an interrupt, and its error handlers
     * then pass it by: the video's own could not leave it pending).
     */
    public synchronized void leave(Exchange exchange) {
        Thread t = Thread.currentThread();
        waiting.remove(t);
        if (woken.remove(t)) {
            Thread.interrupted();
            exchange.getExchangeExtension().setInterrupted(false);
        }
    }

    /** Wakes every thread waiting for its turn: the run is stopping. */
    public synchronized void wakeAll() {
        for (Thread t : waiting) {
            woken.add(t);
            t.interrupt();
        }
    }
}
