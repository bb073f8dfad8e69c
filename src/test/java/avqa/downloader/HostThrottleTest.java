package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** This host's spacing: a tenth wider per 429, a step narrower per calm stretch, within its bounds. */
class HostThrottleTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final HostThrottle throttle = new HostThrottle(1000, 2000, 3_600_000, now::get);

    @Test
    void eachRateLimitWidensTheGapByATenthUpToTheSlowest() {
        assertEquals(0, throttle.waitMillis(), "no wait of its own before a 429");
        assertEquals(0, throttle.waitMillis(), "the spacing is the Throttle EIP's, edited or not");
        throttle.rateLimited();
        assertEquals(1100, throttle.gapMillis());
        throttle.rateLimited();
        assertEquals(1210, throttle.gapMillis());
        for (int i = 0; i < 20; i++) {
            throttle.rateLimited();
        }
        assertEquals(2000, throttle.gapMillis(), "never beyond period / avqa.throttle.min-requests");
        assertEquals(0, throttle.waitMillis(), "no wait of its own before a start it held back");
        assertEquals(2000, throttle.waitMillis(), "then one (wider) gap after it");
    }

    /**
     * The widening's line tells a gap below a second from the one before it (a mirror paced at --max-requests 1000 per
     * --period 10: "0.011 s apart (were 0.010 s)"; it said "0.01 s (were 0.01 s)"), whatever the locale's decimal mark.
     */
    @Test
    void aGapBelowASecondIsSaidToTheMillisecond() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            assertEquals("0.010", HostThrottle.seconds(10));
            assertEquals("0.011", HostThrottle.seconds(11));
            assertEquals("1.39", HostThrottle.seconds(1390));
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void eachCalmStretchNarrowsTheGapAStepBackToTheFastest() {
        throttle.rateLimited();
        throttle.rateLimited();
        throttle.rateLimited();
        assertEquals(1331, throttle.gapMillis());
        now.addAndGet(3_599_999);
        assertEquals(1331, throttle.gapMillis(), "not before a whole stretch without a 429");
        now.addAndGet(1);
        assertEquals(1210, throttle.gapMillis(), "a step narrower after one stretch");
        now.addAndGet(1_800_000);
        throttle.rateLimited();
        assertEquals(1331, throttle.gapMillis(), "a 429 widens it again");
        now.addAndGet(3_600_000 * 2);
        assertEquals(1100, throttle.gapMillis(), "a step per stretch, the stretch counted from that 429");
        now.addAndGet(3_600_000L * 10);
        assertEquals(1000, throttle.gapMillis(), "never narrower than the throttle's own gap");
        assertEquals(0, throttle.waitMillis(), "and then no wait of its own");
        assertEquals(0, throttle.waitMillis(), "the spacing is the Throttle EIP's, edited or not");
    }
}
