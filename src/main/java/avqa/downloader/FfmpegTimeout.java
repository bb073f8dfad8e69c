package avqa.downloader;

import java.util.concurrent.TimeUnit;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;
import org.apache.camel.component.exec.impl.DefaultExecCommandExecutor;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Watchdog;

/**
 * camel-exec's executor for ffmpeg, whose timeout asks ffmpeg to stop (SIGTERM) and still hears what it says
 * then. camel-exec's own stops a process with {@code Process.destroy()}, which also closes the pipe its stderr
 * is read from: ffmpeg's last lines were lost, among them its "Exiting normally, received signal 15.". A
 * SIGTERM that comes while ffmpeg still opens the video makes it fail on the video (exit 1, "moov atom not
 * found"), and without that line the failure was the video's. An ffmpeg still there {@link #GRACE_MILLIS}
 * after the SIGTERM (one waiting on a file that never comes) is killed; camel-exec's own waited for it for ever.
 */
public final class FfmpegTimeout extends DefaultExecCommandExecutor {

    /** How long ffmpeg has to end after its SIGTERM (it writes what it has, and exits). */
    static final long GRACE_MILLIS = 10_000;

    /** The exit of a process a SIGTERM ended (128 + 15). */
    static final int TERMINATED = 143;

    /** The watchdog of the run on this thread (camel-exec prepares and runs a command on one thread). */
    private final ThreadLocal<Gentle> watching = new ThreadLocal<>();

    /**
     * Runs the command; an ffmpeg killed when its grace ran out reports the exit of one its timeout's SIGTERM
     * ended (143), not the 137 of one killed by someone else: whatever it said before, it ran out of time.
     */
    @Override
    public ExecResult execute(ExecCommand command) {
        try {
            ExecResult result = super.execute(command);
            Gentle gentle = watching.get();
            if (gentle != null && gentle.killed() && result.getExitValue() == FailureClassifier.KILLED_FROM_OUTSIDE) {
                return new ExecResult(command, result.getStdout(), result.getStderr(), TERMINATED);
            }
            return result;
        } finally {
            watching.remove();
        }
    }

    @Override
    protected DefaultExecutor prepareDefaultExecutor(ExecCommand command) {
        DefaultExecutor executor = super.prepareDefaultExecutor(command);
        if (executor.getWatchdog() != null) {
            Gentle gentle = new Gentle(command.getTimeout());
            watching.set(gentle);
            executor.setWatchdog(gentle);
        }
        return executor;
    }

    /** The watchdog: at its timeout, a SIGTERM to the process alone; its pipes stay open. */
    private static final class Gentle extends ExecuteWatchdog {
        private Process process;
        private volatile boolean killed;

        Gentle(long millis) {
            super(millis);
        }

        @Override
        public synchronized void start(Process started) {
            this.process = started;
            super.start(started);
        }

        @Override
        public synchronized void timeoutOccured(Watchdog watchdog) {
            if (!isWatching() || process == null || !process.isAlive()) {
                return; // it ended, or was stopped watching, as the time ran out
            }
            ProcessHandle handle = process.toHandle();
            handle.destroy();
            handle.onExit().completeOnTimeout(handle, GRACE_MILLIS, TimeUnit.MILLISECONDS).thenAccept(h -> {
                if (h.isAlive()) {
                    killed = true;
                    h.destroyForcibly();
                }
            });
        }

        boolean killed() {
            return killed;
        }
    }
}
