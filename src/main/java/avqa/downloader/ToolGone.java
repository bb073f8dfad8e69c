package avqa.downloader;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * A program of the pipeline (yt-dlp, ffmpeg, ffprobe) that can no longer be started while a run goes (removed,
 * moved or made unrunnable under a long run or a service): not the video's fault, and every video after it would
 * fail the same, each recorded as a bug of ours. So would one the system refuses to start for want of memory,
 * processes or open files (said so, not as a program gone). In the dead-letter channel it stops the run in one line instead;
 * the video stays pending, complete videos are kept, and the next run (a service's next trigger) tries again.
 */
public final class ToolGone {

    /** Java's words when a process cannot be started: the program, perhaps its directory, then the system's reason. */
    private static final Pattern CANNOT_RUN = Pattern.compile("Cannot run program \"(.*?)\"(?: \\(in directory \".*?\"\\))?: (.*)",
            Pattern.DOTALL);

    /** The system's reasons that mean the program is no longer there to run: ENOENT, EACCES, ENOEXEC, ENOTDIR. */
    private static final Pattern GONE = Pattern.compile("error=(2|13|8|20),");

    private final RunControl run;

    public ToolGone(RunControl run) {
        this.run = run;
    }

    /** Stops the run when the failure the exchange caught is a program that could not be started. */
    public void stopIfCaught(Exchange exchange) {
        String reason = reason(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        if (reason != null) {
            run.stop(reason);
        }
    }

    /** Why the run stops, when {@code caught} (or one of its causes) is a program that could not be started; else null. */
    static String reason(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher m = t instanceof IOException && t.getMessage() != null ? CANNOT_RUN.matcher(t.getMessage()) : null;
            if (m != null && m.matches()) {
                String program = Redact.text(m.group(1), 300);
                String why = Redact.text(m.group(2), 200);
                if (!GONE.matcher(m.group(2)).lookingAt()) {
                    // the program is there, the system would not start it: no memory, processes or open files left
                    return program + " could not be started (" + why + "): the machine is short of memory, processes or "
                            + "open files; run again once it has them; complete videos are kept";
                }
                return program + " can no longer be started (" + why
                        + "): was it removed or moved while the run went? Put it back (scripts/avqa.sh sets the tools up) "
                        + "or set avqa.tools.* to its path, and run again; complete videos are kept";
            }
        }
        return null;
    }
}
