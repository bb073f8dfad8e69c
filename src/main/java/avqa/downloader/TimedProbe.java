package avqa.downloader;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A question to a service that may not answer (a database, a broker, behind a dead link): asked on a
 * thread of its own, given {@code timeoutMillis} to answer, and asked again at most every
 * {@code cacheMillis}; while one question hangs no second one is started. So a health check or a
 * metrics scrape never waits longer than the timeout, however the service fails.
 *
 * @param <T> the answer
 */
final class TimedProbe<T> {

    /** The last answer, or why there is none (the service's words, or that it did not answer in time). */
    record Answer<T>(T value, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    private final String name;
    private final Callable<T> question;
    private final long timeoutMillis;
    private final long cacheMillis;
    private final ExecutorService thread;
    private Future<T> pending;
    private Answer<T> last;
    private long askedAt;

    TimedProbe(String name, Callable<T> question, long timeoutMillis, long cacheMillis) {
        this.name = name;
        this.question = question;
        this.timeoutMillis = timeoutMillis;
        this.cacheMillis = cacheMillis;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "avqa-probe-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The answer, fresh unless one was had in the last {@code cacheMillis}. */
    synchronized Answer<T> ask() {
        long now = System.currentTimeMillis();
        if (last != null && pending == null && now - askedAt < cacheMillis) {
            return last;
        }
        if (pending == null) {
            pending = thread.submit(question);
            askedAt = now;
        }
        try {
            T value = pending.get(Math.max(0, askedAt + timeoutMillis - now), TimeUnit.MILLISECONDS);
            last = new Answer<>(value, null);
        } catch (TimeoutException e) {
            // the question stays pending: the next ask waits for the same one, never starts a second
            return new Answer<>(last == null ? null : last.value(),
                    "no answer from " + name + " within " + timeoutMillis / 1000 + " s");
        } catch (ExecutionException e) {
            last = new Answer<>(null, Shown.of(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer<>(null, "interrupted");
        }
        pending = null;
        return last;
    }
}
