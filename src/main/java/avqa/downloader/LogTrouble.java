package avqa.downloader;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusListener;
import org.apache.logging.log4j.status.StatusLogger;

/**
 * Log4j's own trouble, said once on stderr in one line of ours instead of its stack traces: above all a log file
 * that cannot be written (a full disk, whose run then stops with its own line). The console keeps every line.
 */
final class LogTrouble implements StatusListener {

    private static final LogTrouble LISTENER = new LogTrouble();
    private static final AtomicBoolean REGISTERED = new AtomicBoolean();

    private volatile Path logFile;
    private final AtomicBoolean said = new AtomicBoolean();

    /** From now on Log4j's errors are said by this listener (Log4j's own console listener then stays silent). */
    static void watch(Path logFile) {
        LISTENER.logFile = logFile;
        LISTENER.said.set(false);
        if (REGISTERED.compareAndSet(false, true)) {
            StatusLogger.getLogger().registerListener(LISTENER);
        }
    }

    @Override
    public Level getStatusLevel() {
        return Level.ERROR;
    }

    @Override
    public void log(StatusData data) {
        if (!data.getLevel().isMoreSpecificThan(Level.ERROR) || !said.compareAndSet(false, true)) {
            return;
        }
        Throwable root = data.getThrowable();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        Path file = logFile;
        System.err.println("avqa-downloader: " + (root instanceof java.io.IOException && file != null
                ? "the log file " + Redact.text(file.toString(), 500) + " cannot be written (" + Shown.of(root)
                + "); the console has every line"
                : "logging: " + (root == null ? Redact.text(Shown.plain(data.getMessage().getFormattedMessage()), 500)
                : Shown.of(root))));
    }

    @Override
    public void close() {
        // nothing held
    }
}
