package avqa.downloader;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's own spacing of download starts, learnt from the 429s it draws. The Throttle EIP in
 * {@code 06-pace-requests.yaml} lets one start through per avqa.throttle.gap-millis: the fastest the
 * settings allow. A source that limits this address to less says so with a 429 (or "try again later"):
 * each one that starts a cool-down widens this host's gap by a tenth, never beyond one start per
 * period / avqa.throttle.min-requests. So a host settles just under the source's limit instead of
 * drawing a 429, and a cool-down, every few dozen starts. A source's limits change (YouTube's last
 * hours, not weeks): after avqa.throttle.recover-after without a 429 the gap narrows a step again, one
 * step per such stretch, back to the fastest at most; a long-lived process (--schedule) is not slowed
 * for good by one storm. Each host learns from its own 429s only: its address is the one limited.
 */
public final class HostThrottle {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.throttle");
    /** How much wider the gap gets with each 429, and narrower with each calm stretch. */
    static final double STEP = 1.1;

    private final long fastestGapMillis;
    private final long slowestGapMillis;
    private final long recoverAfterMillis;
    private final LongSupplier clockMillis;
    private long gapMillis;
    private long nextStart = Long.MIN_VALUE;
    /** Since when the gap has stood without a 429: the last widening or narrowing. */
    private long calmSince;

    /**
     * @param fastestGapMillis   the Throttle EIP's gap (avqa.throttle.gap-millis)
     * @param slowestGapMillis   the widest this host's gap may grow: period / avqa.throttle.min-requests
     * @param recoverAfterMillis how long without a 429 before the gap narrows a step (avqa.throttle.recover-after)
     */
    public HostThrottle(long fastestGapMillis, long slowestGapMillis, long recoverAfterMillis) {
        this(fastestGapMillis, slowestGapMillis, recoverAfterMillis, () -> System.nanoTime() / 1_000_000);
    }

    HostThrottle(long fastestGapMillis, long slowestGapMillis, long recoverAfterMillis, LongSupplier clockMillis) {
        this.fastestGapMillis = fastestGapMillis;
        this.slowestGapMillis = Math.max(fastestGapMillis, slowestGapMillis);
        this.recoverAfterMillis = Math.max(1, recoverAfterMillis);
        this.clockMillis = clockMillis;
        this.gapMillis = fastestGapMillis;
    }

    /** The source limited this address: from now on this host's starts are a tenth further apart. */
    public synchronized void rateLimited() {
        long before = gapMillis;
        gapMillis = Math.min(slowestGapMillis, Math.round(gapMillis * STEP));
        calmSince = clockMillis.getAsLong();
        if (gapMillis != before) {
            LOG.warn("This host's download starts are spaced {} s apart from now on (were {} s): the source limits "
                    + "this address to fewer than --max-requests per --period; at the slowest one per {} s "
                    + "(avqa.throttle.min-requests), a step closer again after each {} s without a 429 "
                    + "(avqa.throttle.recover-after)", seconds(gapMillis), seconds(before), seconds(slowestGapMillis),
                    seconds(recoverAfterMillis));
        }
    }

    /**
     * How long this start waits after the Throttle EIP (the Delay EIP's value): nothing until a 429 was
     * seen; then until its turn, one turn per gap across all of this host's workers. Back at the fastest,
     * a start still keeps the gap from the last one this spacing held back (the Throttle EIP let it
     * through a gap after its own previous turn, which that start had waited beyond). At the fastest it
     * leaves the spacing to the Throttle EIP, whose gap may have been edited while the run goes.
     */
    public synchronized long waitMillis() {
        long now = clockMillis.getAsLong();
        recover(now);
        if (gapMillis == fastestGapMillis && nextStart <= now) {
            return 0;
        }
        long start = Math.max(now, nextStart);
        nextStart = start + gapMillis;
        return start - now;
    }

    /** The gap between this host's starts now, in milliseconds. */
    public synchronized long gapMillis() {
        recover(clockMillis.getAsLong());
        return gapMillis;
    }

    /** A step narrower for each whole avqa.throttle.recover-after without a 429 since the gap last changed. */
    private void recover(long now) {
        if (gapMillis == fastestGapMillis) {
            return;
        }
        long stretches = (now - calmSince) / recoverAfterMillis;
        if (stretches <= 0) {
            return;
        }
        long before = gapMillis;
        for (long i = 0; i < stretches && gapMillis > fastestGapMillis; i++) {
            gapMillis = Math.max(fastestGapMillis, Math.round(gapMillis / STEP));
        }
        calmSince += stretches * recoverAfterMillis;
        LOG.info("This host's download starts are spaced {} s apart again (were {} s): no 429 for {} s{}",
                seconds(gapMillis), seconds(before), seconds(stretches * recoverAfterMillis),
                gapMillis == fastestGapMillis ? "; back to --max-requests per --period" : "");
    }

    /** Seconds as the lines say them: to the hundredth, to the thousandth below one (0.011 s, not 0.01 s, after 0.010 s). */
    static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, millis < 1000 ? "%.3f" : "%.2f", millis / 1000.0);
    }
}
