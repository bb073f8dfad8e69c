package avqa.downloader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The one rule for a full disk, whoever meets it (a tool's stderr, a write of ours): it is nobody's
 * video's fault, so it stops the run, naming the data directory; complete videos are kept.
 */
public final class DiskFull {

    private static final Pattern TEXT = Pattern.compile("No space left on device|Disk quota exceeded|Errno 28",
            Pattern.CASE_INSENSITIVE);

    private final Path dataDir;
    private final RunControl run;

    public DiskFull(Path dataDir, RunControl run) {
        this.dataDir = dataDir;
        this.run = run;
    }

    /** Whether a message says the disk is full. */
    public static boolean says(String message) {
        return message != null && TEXT.matcher(message).find();
    }

    /** Stops the run if {@code message} (a tool's stderr, an exception's text) says the disk is full. */
    public void check(String message, String detail) {
        if (says(message)) {
            String reason = "no space left on the disk holding " + dataDir + ": free some space and run again; "
                    + "complete videos are kept" + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
            run.stop(reason);
            throw new RunStoppedException(reason);
        }
    }

    /** A write of ours that failed: a full disk stops the run; any other error is returned as it is. */
    public IOException check(IOException e) {
        check(String.valueOf(e.getMessage()), null);
        return e;
    }
}
