package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * A program of the pipeline (yt-dlp, ffmpeg, ffprobe) that can no longer be started while a run goes (removed,
 * moved or made unrunnable under a long run or a service): not the video's fault, and every video after it would
 * fail the same, each recorded as a bug of ours. In the dead-letter channel it stops the run in one line instead;
 * the video stays pending, complete videos are kept, and the next run (a service's next trigger) tries again, or a
 * service resumes the run as soon as the program starts again ({@link StopRecheck}). One the system refuses to start
 * for want of memory, processes or open files (said so, not as a program gone) may be a passing squeeze on a long run:
 * the video's transient failure, retried as one; only {@code avqa.tools.not-started-limit} videos in a row stop the run.
 */
public final class ToolGone {

    /** Java's words when a process cannot be started: the program, perhaps its directory, then the system's reason. */
    private static final Pattern CANNOT_RUN = Pattern.compile("Cannot run program \"(.*?)\"(?: \\(in directory \".*?\"\\))?: (.*)",
            Pattern.DOTALL);

    /** The system's reasons that mean the program is no longer there to run: ENOENT, EACCES, ENOEXEC, ENOTDIR. */
    private static final Pattern GONE = Pattern.compile("error=(2|13|8|20),");

    private final RunControl run;
    private final int notStartedLimit;
    private int notStartedInARow;

    /** {@code notStartedLimit}: videos in a row a program the system would not start fails before the run stops. */
    public ToolGone(RunControl run, int notStartedLimit) {
        this.run = run;
        this.notStartedLimit = notStartedLimit;
        // a new run counts its videos not started in a row from none
        run.onNewRun(this::started);
    }

    /**
     * The video-errors' onWhen: the failure is a program that is there but the system would not start for want of
     * memory or processes (error=12, 11): a passing squeeze on a long run, the video's transient failure, retried.
     */
    public boolean notStarted(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Cause cause = cause(failure);
        return cause != null && !cause.gone() && workFolderGone(exchange, failure) == null;
    }

    /**
     * Its retries spent: the video fails transient, in our words (recorded, tried again by the next run). After
     * {@code notStartedLimit} such videos in a row, none made complete since, the squeeze is no passing one: the run
     * stops in one line (a service resumes it once the program starts again).
     */
    public synchronized void notStartedFor(Exchange exchange) {
        Cause cause = cause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        if (cause == null) {
            return;
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, FailureClassifier.notStarted(Redact.text(cause.program(), 300),
                Redact.text(cause.why(), 200)));
        if (++notStartedInARow >= notStartedLimit) {
            notStartedInARow = 0;
            run.stop(cause.reason(notStartedLimit), cause::startsAgain);
        }
    }

    /** A video made complete: its programs started. */
    public synchronized void started() {
        notStartedInARow = 0;
    }

    /**
     * Stops the run when the failure the exchange caught is a program that could not be started. One that was to run
     * in its video's work folder ({@code .partial/<id>}), which another program removed meanwhile, is not the program's
     * trouble (the same program starts for every other video): that video's transient failure, in our words, and the
     * next run tries it again.
     */
    public void stopIfCaught(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Path folder = workFolderGone(exchange, caught);
        if (folder != null) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new VideoFailure.Transient("its work folder "
                    + Redact.text(folder.toString(), 300) + " was removed while the run went (by another program?), "
                    + "so its tool could not be started there; the next run tries it again", ""));
            return;
        }
        Cause cause = cause(caught);
        if (cause != null) {
            run.stop(cause.reason(), cause::startsAgain);
        }
    }

    /**
     * The video's work folder, when a tool could not be started in it because it is not there: Java's words for a
     * start in a folder that is missing ("Cannot run program X (in directory D): error=2", which name neither as the
     * one missing) or the process library's ("D doesn't exist.", its look before the start); else null.
     */
    static Path workFolderGone(Exchange exchange, Throwable caught) {
        if (!(exchange.getVariable("job") instanceof VideoJob job) || job.workDir() == null
                || Files.isDirectory(job.workDir())) {
            return null;
        }
        String folder = job.workDir().toString();
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t instanceof IOException ? t.getMessage() : null;
            if (m != null && (m.startsWith("Cannot run program") || m.endsWith(" doesn't exist.")) && m.contains(folder)) {
                return job.workDir();
            }
        }
        return null;
    }

    /** Why the run stops, when {@code caught} (or one of its causes) is a program that could not be started; else null. */
    static String reason(Throwable caught) {
        Cause cause = cause(caught);
        return cause == null ? null : cause.reason();
    }

    /** The program that could not be started, as it was given, and the system's reason; null for any other failure. */
    static Cause cause(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher m = t instanceof IOException && t.getMessage() != null ? CANNOT_RUN.matcher(t.getMessage()) : null;
            if (m != null && m.matches()) {
                return new Cause(m.group(1), m.group(2));
            }
        }
        return null;
    }

    /** A program that could not be started: {@code program} as it was given, {@code why} the system's reason. */
    record Cause(String program, String why) {

        /** Whether the program is no longer there to run (rather than refused for want of memory or processes). */
        boolean gone() {
            return GONE.matcher(why).lookingAt();
        }

        String reason() {
            return reason(1);
        }

        /** Why the run stops, the program not started for {@code videos} videos in a row. */
        String reason(int videos) {
            String shown = Redact.text(program, 300);
            String said = Redact.text(why, 200);
            if (!gone()) {
                // the program is there, the system would not start it: no memory, processes or open files left
                return shown + " could not be started" + (videos > 1 ? " for " + videos + " videos in a row" : "") + " ("
                        + said + "): the machine is short of memory, processes or open files; run again once it has "
                        + "them; complete videos are kept";
            }
            return shown + " can no longer be started (" + said
                    + "): was it removed or moved while the run went? Put it back (scripts/avqa.sh sets the tools up) "
                    + "or set avqa.tools.* to its path, and run again; complete videos are kept";
        }

        /** For a service's look at the stop: what cleared it once the program starts again; null while it does not. */
        String startsAgain() {
            return starts(program) ? Redact.text(program, 300) + " can be started again" : null;
        }
    }

    /** Whether the system starts {@code program} now: only its start is asked, it is stopped at once. */
    static boolean starts(String program) {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
