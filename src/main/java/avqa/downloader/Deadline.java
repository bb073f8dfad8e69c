package avqa.downloader;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A time limit on something that reads from a server: when it passes, {@code onExpiry} runs (it drops
 * the connection), whatever the server is doing — a body trickled a byte at a time never hits a read
 * timeout, so only a deadline bounds it.
 */
final class Deadline implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "avqa-deadlines");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledFuture<?> task;
    private volatile boolean expired;

    private Deadline(long millis, Runnable onExpiry) {
        this.task = TIMER.schedule(() -> {
            expired = true;
            onExpiry.run();
        }, millis, TimeUnit.MILLISECONDS);
    }

    static Deadline after(long millis, Runnable onExpiry) {
        return new Deadline(millis, onExpiry);
    }

    boolean expired() {
        return expired;
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
