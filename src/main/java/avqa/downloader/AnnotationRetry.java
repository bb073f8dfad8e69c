package avqa.downloader;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The annotations' fetch asked again when their host says it is busy: an answer of 429 or 500, 502, 503, 504 is
 * asked again after the videos' backoff ({@code --backoff}, doubling, at most avqa.backoff.max; or the answer's
 * Retry-After when longer, within that), up to {@code --retry-attempts} in all. Anything else (a 404, a page instead of the file, a
 * host that cannot be reached) fails at once, as does the last attempt: the run stops in one line (exit 2). The wait
 * is the route's (a Delay that a stop of the run ends at once).
 */
public final class AnnotationRetry {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.fetch");
    /** The attempt under way of each file being fetched, and those to be asked for again. */
    private final Map<String, Integer> asked = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> askAgain = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Pacing pacing;
    private final int attempts;
    private final long maxWaitMillis;
    private final RunControl run;

    public AnnotationRetry(Pacing pacing, int attempts, long maxWaitMillis, RunControl run) {
        this.pacing = pacing;
        this.attempts = attempts;
        this.maxWaitMillis = maxWaitMillis;
        this.run = run;
        // a run stopped between two attempts leaves none for the next (a service's next trigger)
        run.onNewRun(() -> {
            asked.clear();
            askAgain.clear();
        });
    }

    /** The file's fetch begins: no count is left of an earlier one (a run stopped mid-fetch, say). */
    public void begin(Exchange exchange) {
        String file = name(exchange);
        asked.remove(file);
        askAgain.remove(file);
    }

    /**
     * Whether the file is asked for (again): its first attempt, or one after a busy answer ({@link #retrying}). The
     * count is kept here, by the file's name, not on the exchange: the loop's turns need not share one.
     */
    public boolean again(Exchange exchange) {
        String file = name(exchange);
        if (asked.putIfAbsent(file, 1) == null) {
            return true;
        }
        if (askAgain.remove(file)) {
            return true;
        }
        asked.remove(file);
        return false;
    }

    /**
     * After a failed attempt: when the host answered that it is busy and attempts are left, says so, marks the file
     * to be asked for again and gives the wait before that, in milliseconds (the route waits it: a stop of the run
     * ends the wait); -1 otherwise (its count goes).
     */
    public long retrying(Exchange exchange) {
        String file = name(exchange);
        HttpOperationFailedException busy = busyAnswer(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        int attempt = asked.getOrDefault(file, 1);
        if (busy == null || attempt >= attempts || run.isStopping()) {
            asked.remove(file);
            askAgain.remove(file);
            return -1;
        }
        long retryAfter = FailureClassifier.retryAfterMillis(retryAfter(busy.getResponseHeaders()));
        // a Retry-After longer than the backoff is waited (at most avqa.backoff.max), a shorter one is not: no attempts back to back
        long wait = Math.max(pacing.backoffMillis(attempt), retryAfter >= 0 ? Math.min(maxWaitMillis, retryAfter) : 0);
        LOG.warn("The annotations' host answered HTTP {} for {}: asked again in {} s (attempt {} of {}, --retry-attempts)",
                busy.getStatusCode(), Redact.text(file, 200), String.format(java.util.Locale.ROOT, "%.1f", wait / 1000.0),
                attempt + 1, attempts);
        asked.put(file, attempt + 1);
        askAgain.add(file);
        return wait;
    }

    /** The file's path in the dataset's repository, as the run names it. */
    private static String name(Exchange exchange) {
        Object file = exchange.getVariable("metadataFile");
        return file instanceof Dataset.MetadataFile f ? f.remotePath() : String.valueOf(file);
    }

    /** The answer in {@code caught} (or its causes) that says the host is busy: 429, 500, 502, 503 or 504; else null. */
    static HttpOperationFailedException busyAnswer(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException h) {
                int code = h.getStatusCode();
                return code == 429 || code == 500 || code == 502 || code == 503 || code == 504 ? h : null;
            }
        }
        return null;
    }

    private static String retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if ("Retry-After".equalsIgnoreCase(h.getKey())) {
                return h.getValue();
            }
        }
        return null;
    }
}
