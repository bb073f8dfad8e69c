package avqa.downloader;

import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.engine.DefaultShutdownStrategy;

/**
 * Camel's shutdown strategy, with one difference: while the thread that reloads the edited pacing file
 * stops its old routes ({@link RouteEdits}), it waits {@link #RELOAD_WAIT_MILLIS} for the
 * starts paced in them, not Camel's 45 s, and does not list them. Every other stop (a run that ends, a
 * SIGTERM, even one during a reload) waits for its downloads as long as ever.
 */
public final class ReloadShutdown extends DefaultShutdownStrategy {

    /**
     * How long a reload of the pacing file waits for the exchanges in its routes before it replaces them.
     * The starts waiting in the pacing (the throttle, a cool-down) may wait for minutes, and with every
     * worker busy one nearly always is: Camel's own wait (45 s) would hold every edit that long. Those
     * starts are not lost: the old routes refuse them, and take-turn (07-download-video.yaml) paces them
     * again through the new ones.
     */
    static final long RELOAD_WAIT_MILLIS = 500;

    private static final ThreadLocal<Boolean> RELOADING = ThreadLocal.withInitial(() -> false);

    interface Reload {
        void run() throws Exception;
    }

    /** Runs a reload of the pacing file on this thread with the short wait. */
    static void duringReload(Reload reload) throws Exception {
        RELOADING.set(true);
        try {
            reload.run();
        } finally {
            RELOADING.remove();
        }
    }

    @Override
    public long getTimeout() {
        return RELOADING.get() ? RELOAD_WAIT_MILLIS : super.getTimeout();
    }

    @Override
    public TimeUnit getTimeUnit() {
        return RELOADING.get() ? TimeUnit.MILLISECONDS : super.getTimeUnit();
    }

    @Override
    public boolean isLogInflightExchangesOnTimeout() {
        return !RELOADING.get() && super.isLogInflightExchangesOnTimeout();
    }
}
