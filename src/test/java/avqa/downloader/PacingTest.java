package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The pause before a request: --sleep and --jitter, and before a retry its exponential backoff. */
class PacingTest {

    @Test
    void aFirstAttemptPausesSleepPlusJitterAndARetryAlsoItsBackoffDoubledEachTimeUpToTheMaximum() {
        Pacing pacing = new Pacing(1000, 500, 5000, 2, 30_000);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        for (int i = 0; i < 200; i++) {
            long first = pacing.pauseMillis(null, exchange);
            assertTrue(first >= 1000 && first <= 1500, "sleep + [0, jitter]: " + first);
            long alsoFirst = pacing.pauseMillis(0, exchange);
            assertTrue(alsoFirst >= 1000 && alsoFirst <= 1500, "redelivery counter 0: " + alsoFirst);
            assertBetween(pacing.backoffMillis(1), 5000);
            assertBetween(pacing.backoffMillis(2), 10_000);
            assertBetween(pacing.backoffMillis(3), 20_000);
            assertEquals(30_000, pacing.backoffMillis(4), "40 s +-15 %, at most avqa.backoff.max");
            assertEquals(30_000, pacing.backoffMillis(9), "at most avqa.backoff.max");
        }
        assertEquals(0, new Pacing(0, 0, 0, 2, 600_000).backoffMillis(3), "--backoff 0: no backoff");
    }

    /**
     * A retry after a 503 that said when to come back (Retry-After) waits that long when it is longer than the backoff,
     * at most avqa.backoff.max; a 429's is the cool-down's, not waited twice.
     */
    @Test
    void aRetryAfterABusyAnswerWaitsItsRetryAfterWhenLonger() {
        Pacing pacing = new Pacing(0, 0, 300, 2, 8000);
        Exchange busy = new DefaultExchange(new DefaultCamelContext());
        busy.setProperty(Exchange.EXCEPTION_CAUGHT, FailureClassifier.httpStatus(503, "5"));
        long waited = pacing.pauseMillis(1, busy);
        assertTrue(waited >= 4900 && waited <= 5000, "its Retry-After: " + waited);
        Exchange forAges = new DefaultExchange(new DefaultCamelContext());
        forAges.setProperty(Exchange.EXCEPTION_CAUGHT, FailureClassifier.httpStatus(503, "86400"));
        long capped = pacing.pauseMillis(1, forAges);
        assertTrue(capped >= 7900 && capped <= 8000, "at most avqa.backoff.max: " + capped);
        Exchange limited = new DefaultExchange(new DefaultCamelContext());
        limited.setProperty(Exchange.EXCEPTION_CAUGHT, FailureClassifier.httpStatus(429, "5"));
        assertTrue(pacing.pauseMillis(1, limited) < 1000, "a 429's wait is the cool-down's");
    }

    @Test
    void aRetryThatPassesThePauseAgainWaitsOnlyWhatIsLeftOfItsBackoffNotASecondOne() throws Exception {
        Pacing pacing = new Pacing(0, 0, 5000, 2, 600_000);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        long first = pacing.pauseMillis(2, exchange);
        assertBetween(first, 10_000);
        Thread.sleep(300);
        long again = pacing.pauseMillis(2, exchange);
        assertTrue(again <= first - 250 && again >= first - 5000, "what is left: " + first + " then " + again);
        assertBetween(pacing.pauseMillis(3, exchange), 20_000);
    }

    @Test
    void aRetrySentBackThroughTheRoutesDelayWaitsOnlyWhatIsLeftOfItsBackoff() throws Exception {
        // as 06-pace-requests.yaml calls it: a delay whose bean expression Camel evaluates on a copy of the exchange
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("pacing", new Pacing(0, 0, 400, 2, 600_000));
            camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:pause").delay(method("pacing", "pauseMillis")).syncDelayed();
                }
            });
            camel.start();
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setHeader(Exchange.REDELIVERY_COUNTER, 2);
            long firstMillis = timedPause(camel, exchange);
            assertTrue(firstMillis >= 650, "the second retry's backoff, 800 ms +-15 %, waited: " + firstMillis);
            long againMillis = timedPause(camel, exchange);
            assertTrue(againMillis < 300, "nothing is left of it, no second backoff: " + againMillis + " ms");
            camel.getRegistry().lookupByNameAndType("pacing", Pacing.class).paced(exchange);
            long nextMillis = timedPause(camel, exchange);
            assertTrue(nextMillis >= 650, "once the pacing was passed, the next pass draws its own: " + nextMillis + " ms");
        }
    }

    @Test
    void aSecondStartInTheSameAttemptDoesNotWaitTheRetrysBackoffTwice() throws Exception {
        // as 07 sends a retry whose page yt-dlp's generic extractors alone found nothing in back through 06, which
        // ends with paced
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Pacing pacing = new Pacing(0, 0, 400, 2, 600_000);
            camel.getRegistry().bind("pacing", pacing);
            camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:pause").delay(method("pacing", "pauseMillis")).syncDelayed().bean("pacing", "paced");
                }
            });
            camel.start();
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setHeader(Exchange.REDELIVERY_COUNTER, 2);
            long firstMillis = timedPause(camel, exchange);
            assertTrue(firstMillis >= 650, "the second retry's backoff, 800 ms +-15 %, waited: " + firstMillis);
            pacing.againInTheSameAttempt(2, exchange);
            long againMillis = timedPause(camel, exchange);
            assertTrue(againMillis < 300, "the same attempt's second start, no second backoff: " + againMillis + " ms");
            exchange.getIn().setHeader(Exchange.REDELIVERY_COUNTER, 3);
            long nextMillis = timedPause(camel, exchange);
            assertTrue(nextMillis >= 1300, "the next retry waits its own, 1.6 s +-15 %: " + nextMillis + " ms");
        }
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

    /** How long {@code exchange} took through the test's route {@code direct:pause}, in milliseconds. */
    private static long timedPause(DefaultCamelContext camel, Exchange exchange) {
        long start = System.nanoTime();
        camel.createProducerTemplate().send("direct:pause", exchange);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void assertBetween(long actual, long nominal) {
        assertTrue(actual >= Math.round(nominal * (1 - Pacing.SPREAD)) && actual <= Math.round(nominal * (1 + Pacing.SPREAD)),
                actual + " within 15 % of " + nominal);
    }
}
