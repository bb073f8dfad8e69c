package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pause before a request: --sleep and --jitter, and before a retry its exponential backoff. */
class PacingTest {

    @Test
    void aFirstAttemptPausesSleepPlusJitterAndARetryAlsoItsBackoffDoubledEachTimeUpToTheMaximum() {
        Pacing pacing = new Pacing(1000, 500, 5000, 2, 30_000);
        for (int i = 0; i < 200; i++) {
            long first = pacing.pauseMillis(null);
            assertTrue(first >= 1000 && first <= 1500, "sleep + [0, jitter]: " + first);
            assertEquals(first >= 1000 && first <= 1500, pacing.pauseMillis(0) >= 1000 && pacing.pauseMillis(0) <= 1500);
            assertBetween(pacing.backoffMillis(1), 5000);
            assertBetween(pacing.backoffMillis(2), 10_000);
            assertBetween(pacing.backoffMillis(3), 20_000);
            assertBetween(pacing.backoffMillis(4), 30_000);
            assertBetween(pacing.backoffMillis(9), 30_000);
            long retry = pacing.pauseMillis(2);
            assertTrue(retry >= 1000 + 8500 && retry <= 1500 + 11_500, "sleep + jitter + the second retry's backoff: " + retry);
        }
        assertEquals(0, new Pacing(0, 0, 0, 2, 600_000).backoffMillis(3), "--backoff 0: no backoff");
    }

    @Test
    void theBackoffIsSpreadSoThatRetriesOfVideosThatFailedTogetherDoNotComeTogether() {
        Pacing pacing = new Pacing(0, 0, 10_000, 2, 600_000);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.add(pacing.backoffMillis(1));
        }
        assertTrue(seen.size() > 10, "spread: " + seen);
    }

    private static void assertBetween(long actual, long nominal) {
        assertTrue(actual >= Math.round(nominal * (1 - Pacing.SPREAD)) && actual <= Math.round(nominal * (1 + Pacing.SPREAD)),
                actual + " within 15 % of " + nominal);
    }
}
