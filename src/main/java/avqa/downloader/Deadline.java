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
        this.task = TIMER.schedule(watched(() -> {
            expired = true;
            onExpiry.run();
        }), millis, TimeUnit.MILLISECONDS);
    }

    private Deadline(long periodMillis, java.util.function.BooleanSupplier due, Runnable onExpiry) {
        java.util.concurrent.atomic.AtomicReference<ScheduledFuture<?>> self = new java.util.concurrent.atomic.AtomicReference<>();
        Runnable look = () -> {
            if (!expired && due.getAsBoolean()) {
                expired = true;
                onExpiry.run();
                ScheduledFuture<?> me = self.get();
                if (me != null) {
                    me.cancel(false);
                }
            }
        };
        ScheduledFuture<?> f = TIMER.scheduleWithFixedDelay(watched(look), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        self.set(f);
        this.task = f;
    }

    /** The task, an error of the JVM in which ends the run (the timer's Future would keep it to itself). */
    static Runnable watched(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                FatalErrorExit.check(t);
                throw t;
            }
        };
    }

    static Deadline after(long millis, Runnable onExpiry) {
        return new Deadline(millis, onExpiry);
    }

    /**
     * A deadline that is a condition rather than a time: {@code due} is asked every {@code periodMillis} (on
     * the deadlines' own thread, its only caller), and the first time it says yes, {@code onExpiry} runs.
     */
    static Deadline when(long periodMillis, java.util.function.BooleanSupplier due, Runnable onExpiry) {
        return new Deadline(periodMillis, due, onExpiry);
    }

    boolean expired() {
        return expired;
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
