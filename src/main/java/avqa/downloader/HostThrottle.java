package avqa.downloader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's own spacing of download starts, learnt from the 429s it draws. The Throttle EIP in
 * {@code 06-pace-requests.yaml} lets one start through per avqa.throttle.gap-millis: the fastest the
 * settings allow. A source that limits this address to less says so with a 429 (or "try again later"):
 * each one that starts a cool-down widens this host's gap by a tenth, for as long as the process runs,
 * never beyond one start per period / avqa.throttle.min-requests. So a host settles just under the
 * source's limit instead of drawing a 429, and a cool-down, every few dozen starts. Each host learns
 * from its own 429s only: its address is the one limited.
 */
public final class HostThrottle {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.throttle");
    /** How much wider the gap gets with each 429. */
    static final double STEP = 1.1;

    private final long fastestGapMillis;
    private final long slowestGapMillis;
    private long gapMillis;
    private long nextStart;

    /**
     * @param fastestGapMillis the Throttle EIP's gap (avqa.throttle.gap-millis)
     * @param slowestGapMillis the widest this host's gap may grow: period / avqa.throttle.min-requests
     */
    public HostThrottle(long fastestGapMillis, long slowestGapMillis) {
        this.fastestGapMillis = fastestGapMillis;
        this.slowestGapMillis = Math.max(fastestGapMillis, slowestGapMillis);
        this.gapMillis = fastestGapMillis;
    }

    /** The source limited this address: from now on this host's starts are a tenth further apart. */
    public synchronized void rateLimited() {
        long before = gapMillis;
        gapMillis = Math.min(slowestGapMillis, Math.round(gapMillis * STEP));
        if (gapMillis != before) {
            LOG.warn("This host's download starts are spaced {} s apart from now on (were {} s): the source limits "
                    + "this address to fewer than --max-requests per --period; at the slowest one per {} s "
                    + "(avqa.throttle.min-requests)", seconds(gapMillis), seconds(before), seconds(slowestGapMillis));
        }
    }

    /**
     * How long this start waits after the Throttle EIP (the Delay EIP's value): nothing until a 429 was
     * seen; then until its turn, one turn per gap across all of this host's workers.
     */
    public synchronized long waitMillis() {
        if (gapMillis == fastestGapMillis) {
            return 0;
        }
        long now = System.nanoTime() / 1_000_000;
        long start = Math.max(now, nextStart);
        nextStart = start + gapMillis;
        return start - now;
    }

    /** The gap between this host's starts now, in milliseconds. */
    public synchronized long gapMillis() {
        return gapMillis;
    }

    private static String seconds(long millis) {
        return String.format("%.2f", millis / 1000.0);
    }
}
