package avqa.downloader;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the run may go on. Once stopped (by SIGTERM/Ctrl-C, a bot check that persists, a full
 * disk) no new download starts, running yt-dlp and ffmpeg processes are stopped, and the videos in
 * hand stay pending for the next run.
 */
public final class RunControl {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.run");

    private final AtomicReference<String> stopReason = new AtomicReference<>();

    /** Stops the run for {@code reason}; the first reason wins. */
    public void stop(String reason) {
        if (stopReason.compareAndSet(null, reason)) {
            LOG.error("Stopping the run: {}", reason);
            stopChildProcesses();
        }
    }

    public boolean isStopping() {
        return stopReason.get() != null;
    }

    public String stopReason() {
        return stopReason.get();
    }

    /** Throws {@link RunStoppedException} once the run is stopping: called before anything is started. */
    public void checkRunning() {
        String reason = stopReason.get();
        if (reason != null) {
            throw new RunStoppedException(reason);
        }
    }

    /** Clears the state for a new run. */
    public void reset() {
        stopReason.set(null);
    }

    /** Stops every process this JVM started (yt-dlp, ffmpeg, ffprobe, and their children). */
    public static void stopChildProcesses() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    }
}
