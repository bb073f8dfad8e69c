package avqa.downloader;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.apache.camel.Header;

/**
 * The pause before each request (06-pace-requests.yaml): {@code --sleep} plus a random extra in
 * {@code [0, --jitter]}; before a retry, also its backoff: {@code --backoff} times
 * {@code avqa.backoff.multiplier} for each retry before it, give or take 15 % so that the retries of
 * videos that failed together do not come together, and at most {@code avqa.backoff.max}. The backoff is waited
 * here, in the pacing, rather than by Camel's redelivery, so that a stop of the run ends it at once.
 */
public final class Pacing {

    /** How far a backoff may be from its nominal value, either way. */
    static final double SPREAD = 0.15;

    private final long sleepMillis;
    private final long jitterMillis;
    private final long backoffMillis;
    private final double multiplier;
    private final long maxBackoffMillis;

    public Pacing(long sleepMillis, long jitterMillis, long backoffMillis, double multiplier, long maxBackoffMillis) {
        this.sleepMillis = sleepMillis;
        this.jitterMillis = jitterMillis;
        this.backoffMillis = backoffMillis;
        this.multiplier = multiplier;
        this.maxBackoffMillis = maxBackoffMillis;
    }

    /** The pause before a first attempt: --sleep and a random [0, --jitter]. */
    long sleepAndJitterMillis() {
        return sleepMillis + (jitterMillis > 0 ? ThreadLocalRandom.current().nextLong(jitterMillis + 1) : 0);
    }

    /**
     * The pause before an attempt: {@code retry} is Camel's redelivery counter (null or 0: a first attempt); a retry
     * waits its backoff, or the Retry-After of the 503 that failed the attempt before when that is longer.
     * A retry's backoff is drawn once and kept until the pacing has been passed ({@link #paced}): an attempt
     * that passes here again before that (an edit of 06 sent it back to wait, see take-turn in 07) waits only
     * what is left of it, not a second one.
     */
    public long pauseMillis(@Header(Exchange.REDELIVERY_COUNTER) Integer retry, Exchange exchange) {
        int n = retry == null ? 0 : retry;
        if (n <= 0) {
            return sleepAndJitterMillis();
        }
        long now = System.currentTimeMillis();
        Long until = exchange.getProperty(BACKOFF_UNTIL, Long.class);
        if (until == null || n != exchange.getProperty(BACKOFF_RETRY, 0, Integer.class)) {
            until = now + Math.max(backoffMillis(n), busyFor(exchange));
            exchange.setProperty(BACKOFF_UNTIL, until);
            exchange.setProperty(BACKOFF_RETRY, n);
        }
        return sleepAndJitterMillis() + Math.max(0, until - now);
    }

    /**
     * How long the source that failed the attempt before asked to be left alone, when it said it was busy (a 503's
     * Retry-After), at most as long as an archive waits for one; 0 when it did not say. A 429's is the IP-wide
     * cool-down's, waited there.
     */
    private long busyFor(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof VideoFailure failure
                && failure.signal() != VideoFailure.Signal.RATE_LIMIT && failure.retryAfterMillis() > 0
                ? Math.min(failure.retryAfterMillis(), archiveRetryCapMillis()) : 0;
    }

    /** The pacing has been passed: the next pass (the next attempt, a batch's next video) draws its own pause. */
    public void paced(Exchange exchange) {
        exchange.removeProperty(BACKOFF_UNTIL);
        exchange.removeProperty(BACKOFF_RETRY);
    }

    /**
     * A second start within the same attempt (07's fallback to all of yt-dlp's extractors) passes the pacing again: the
     * retry's backoff, waited before its first start, is not waited again; the sleep, the jitter, the cool-down and the
     * throttle are.
     */
    public void againInTheSameAttempt(@Header(Exchange.REDELIVERY_COUNTER) Integer retry, Exchange exchange) {
        int n = retry == null ? 0 : retry;
        if (n > 0) {
            exchange.setProperty(BACKOFF_UNTIL, System.currentTimeMillis());
            exchange.setProperty(BACKOFF_RETRY, n);
        }
    }

    // Exchange properties, not variables: 06 calls pauseMillis as a delay's bean expression, which Camel evaluates
    // on a copy of the exchange and from which it copies back the properties only.
    private static final String BACKOFF_UNTIL = "avqa.backoffUntil";
    private static final String BACKOFF_RETRY = "avqa.backoffRetry";

    /**
     * An archive's wait before its next attempt ({@code retry}: Camel's redelivery counter; 0 for a first attempt):
     * the retry's backoff, or longer when the host said how long to wait (a 429's or 503's Retry-After), at most
     * {@code avqa.backoff.max}. Archive hosts are not paced with the videos, so their cool-down is this wait.
     */
    public long archiveRetryMillis(@Header(Exchange.REDELIVERY_COUNTER) Integer retry, Exchange exchange) {
        int n = retry == null ? 0 : retry;
        if (n <= 0) {
            return 0;
        }
        long asked = exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof VideoFailure failure
                ? Math.min(failure.retryAfterMillis(), archiveRetryCapMillis()) : 0;
        return Math.max(backoffMillis(n), asked);
    }

    /** The longest an archive waits for its host's Retry-After: avqa.backoff.max, or --backoff when that is longer. */
    public long archiveRetryCapMillis() {
        return Math.max(maxBackoffMillis, backoffMillis);
    }

    /**
     * When the host asked for a longer wait than an archive's retry waits ({@code waitMillis}; a Retry-After of days),
     * what to add to the retry's line: "; it waits 120.0 s, where the host asks for a year or more (Retry-After):
     * avqa.backoff.max is the longest"; else "".
     */
    public String archiveRetryBeyondCap(@Variable("archiveRetryWait") Long waitMillis, Exchange exchange) {
        if (!(exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof VideoFailure failure) || waitMillis == null
                || failure.retryAfterMillis() <= waitMillis) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, "; it waits %.1f s, where the host asks for %s (Retry-After): %s is the longest",
                waitMillis / 1000.0, StatusLine.asked(failure.retryAfterMillis()),
                backoffMillis > maxBackoffMillis ? "--backoff" : "avqa.backoff.max");
    }

    /**
     * The backoff before retry number {@code retry} (1: the first retry), spread, at most
     * {@code avqa.backoff.max}; 0 before a first attempt.
     */
    public long backoffMillis(int retry) {
        if (retry <= 0 || backoffMillis <= 0) {
            return 0;
        }
        double nominal = backoffMillis * Math.pow(multiplier, retry - 1);
        double spread = 1 + SPREAD * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.min(maxBackoffMillis, Math.round(nominal * spread));
    }
}
