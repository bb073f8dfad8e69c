package avqa.downloader;

import java.util.concurrent.TimeUnit;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;
import org.apache.camel.component.exec.impl.DefaultExecCommandExecutor;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Watchdog;

/**
 * camel-exec's executor for ffmpeg: it watches an ffmpeg run for its two limits, its time (avqa.extract.timeout)
 * and the size of a file it writes under {@code -fs} (avqa.audio.max-size), and stops it gently at either.
 * <p>
 * Its timeout asks ffmpeg to stop (SIGTERM) and still hears what it says then. camel-exec's own stops a process
 * with {@code Process.destroy()}, which also closes the pipe its stderr is read from: ffmpeg's last lines were
 * lost, among them its "Exiting normally, received signal 15.". A SIGTERM that comes while ffmpeg still opens the
 * video makes it fail on the video (exit 1, "moov atom not found"), and without that line the failure was the
 * video's. An ffmpeg still there {@link #GRACE_MILLIS} after the SIGTERM (one waiting on a file that never comes)
 * is killed; camel-exec's own waited for it for ever.
 * <p>
 * The same watchdog keeps ffmpeg's {@code -fs N FILE} (avqa.audio.max-size on the audio pass): ffmpeg 5.1 keeps
 * that limit only when the file is its one output, and the pass has two (the audio, and every packet to nowhere),
 * so it wrote on past it. The file (each, in a pass over several videos) is looked at every {@link #CAP_LOOK_MILLIS}
 * ms and ffmpeg stopped (SIGTERM) once one reached N; the route then gives the video up ({@code Ffmpeg.checkAudioSize}). ffmpeg decodes silence to
 * WAV at about 450 MB/s here, so the file can pass N by some tens of megabytes before the stop.
 */
public final class FfmpegWatchdog extends DefaultExecCommandExecutor {

    /** How long ffmpeg has to end after its SIGTERM (it writes what it has, and exits). */
    static final long GRACE_MILLIS = 10_000;

    /** How often a file ffmpeg writes under {@code -fs} is looked at. */
    static final long CAP_LOOK_MILLIS = 50;

    private static final java.util.concurrent.ScheduledExecutorService LOOKS =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "avqa-ffmpeg-output-cap");
                t.setDaemon(true);
                return t;
            });

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
            Gentle gentle = new Gentle(command.getTimeout(), capped(command.getArgs()));
            watching.set(gentle);
            executor.setWatchdog(gentle);
        }
        return executor;
    }

    /** Each file named right after {@code -fs N} in ffmpeg's arguments (as Ffmpeg.audio puts them), with its N. */
    static java.util.List<java.util.Map.Entry<java.nio.file.Path, Long>> capped(java.util.List<String> args) {
        java.util.List<java.util.Map.Entry<java.nio.file.Path, Long>> caps = new java.util.ArrayList<>();
        for (int i = 0; i + 2 < args.size(); i++) {
            if (args.get(i).equals("-fs")) {
                try {
                    caps.add(java.util.Map.entry(java.nio.file.Path.of(args.get(i + 2)), Long.parseLong(args.get(i + 1))));
                } catch (RuntimeException e) {
                    // not a size and a file: no cap to keep
                }
            }
        }
        return caps;
    }

    /** The watchdog: at its timeout, a SIGTERM to the process alone; its pipes stay open. */
    private static final class Gentle extends ExecuteWatchdog {
        private final java.util.List<java.util.Map.Entry<java.nio.file.Path, Long>> caps;
        private Process process;
        private volatile boolean killed;

        Gentle(long millis, java.util.List<java.util.Map.Entry<java.nio.file.Path, Long>> caps) {
            super(millis);
            this.caps = caps;
        }

        @Override
        public synchronized void start(Process started) {
            this.process = started;
            super.start(started);
            if (!caps.isEmpty()) {
                ProcessHandle handle = started.toHandle();
                java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.ScheduledFuture<?> looks = LOOKS.scheduleWithFixedDelay(() -> {
                    // one SIGTERM only: ffmpeg exits hard, its file unfinished, on its fourth signal
                    if (caps.stream().anyMatch(cap -> cap.getKey().toFile().length() >= cap.getValue())
                            && !stopped.getAndSet(true)) {
                        handle.destroy();
                    }
                }, CAP_LOOK_MILLIS, CAP_LOOK_MILLIS, TimeUnit.MILLISECONDS);
                handle.onExit().thenRun(() -> looks.cancel(false));
            }
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
