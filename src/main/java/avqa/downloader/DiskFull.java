package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one rule for a full disk, whoever meets it (a tool's stderr, a write of ours): it is nobody's
 * video's fault, so it stops the run, naming the data directory; complete videos are kept. A file system
 * that became read-only (remounted after an error, say) takes no more writes either, and is said so.
 */
public final class DiskFull {

    private static final Pattern TEXT = Pattern.compile("No space left on device|Disk quota exceeded|Errno 28",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern READ_ONLY = Pattern.compile("Read-only file system|Errno 30", Pattern.CASE_INSENSITIVE);

    private final Path dataDir;
    private final RunControl run;
    private final long roomToResume;

    public DiskFull(Path dataDir, RunControl run) {
        this(dataDir, run, 0);
    }

    /**
     * {@code roomToResume}: the free space a service waits for before it resumes a run this stopped
     * (avqa.management.min-free-disk, below which its health is DOWN anyway): a run resumed on a few megabytes would
     * stop again at once.
     */
    public DiskFull(Path dataDir, RunControl run, long roomToResume) {
        this.dataDir = dataDir;
        this.run = run;
        this.roomToResume = roomToResume;
    }

    /** Whether a message says the disk is full. */
    public static boolean says(String message) {
        return message != null && (TEXT.matcher(message).find() || READ_ONLY.matcher(message).find());
    }

    /** Whether a message says the file system is read-only (EROFS). */
    static boolean saysReadOnly(String message) {
        return message != null && READ_ONLY.matcher(message).find();
    }

    /** Stops the run if {@code message} (a tool's stderr, an exception's text) says the disk is full. */
    public void check(String message, String detail) {
        if (says(message)) {
            throw new RunStoppedException(stop(message, detail));
        }
    }

    /**
     * Stops the run for a full disk or a read-only file system, and says why. The data directory itself no
     * longer writable is said as the data directory's watch says it ({@link DataDirWatch}, which may see it
     * first), and nothing more is written there.
     */
    private String stop(String message, String detail) {
        if (dataDirNotWritable(message, dataDir)) {
            String reason = DataDirWatch.notWritable(dataDir);
            run.dataDirGone(reason);
            return reason;
        }
        String reason = reason(message, dataDir) + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
        run.stop(reason, this::roomAgain);
        return reason;
    }

    /**
     * Whether the stop has cleared, for a service's look at it ({@link StopRecheck}): null while it stands, else what
     * cleared it. The data directory writable, none of its folders read-only, and its disk with the room to resume.
     */
    String roomAgain() {
        try {
            long free = Files.getFileStore(dataDir).getUsableSpace();
            return free < Math.max(1, roomToResume) || !Files.isWritable(dataDir) || readOnlyFolder(dataDir) != null ? null
                    : "the disk holding " + Redact.text(dataDir.toString(), 300) + " has room again ("
                    + DownloadEstimate.human(free) + " free) and takes writes";
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean dataDirNotWritable(String message, Path dir) {
        return READ_ONLY.matcher(message).find() && !Files.isWritable(dir);
    }

    /**
     * What stops the run, in one line: the disk is full, or its file system read-only (the data directory no
     * longer writable said as its watch says it, whichever write saw it first).
     */
    static String reason(String message, Path dir) {
        if (dataDirNotWritable(message, dir)) {
            return DataDirWatch.notWritable(dir);
        }
        if (!READ_ONLY.matcher(message).find()) {
            return "no space left on the disk holding " + dir + ": free some space and run again; complete videos are kept";
        }
        Path folder = readOnlyFolder(dir);
        return (folder == null ? "the file system holding " + dir
                : "the folder " + Redact.text(folder.toString(), 300))
                + " became read-only: make it writable and run again; complete videos are kept";
    }

    /**
     * The folder of the data directory (itself writable) that is read-only now: one a run writes in, a mount of its
     * own remounted read-only, say; null when none is seen to be (a share that says so only when written to).
     */
    private static Path readOnlyFolder(Path dir) {
        Workspace folders = new Workspace(dir, "", "");
        List<Path> candidates = new ArrayList<>(folders.layout());
        candidates.addAll(List.of(folders.framesDir(), dir.resolve(".partial")));
        for (Path folder : candidates) {
            if (!folder.equals(dir) && Files.isDirectory(folder)
                    && (ReadOnlyDataDir.is(folder) || !Files.isWritable(folder))) {
                return folder;
            }
        }
        return null;
    }

    /**
     * A full disk said in words of the write that met it ({@code words}, after "no space left on the disk holding
     * …: "), which say what became of it and what to do; a read-only file system is said as ever. Returns the
     * exception to throw.
     */
    RunStoppedException stopAs(String message, String words) {
        if (READ_ONLY.matcher(message).find()) {
            return new RunStoppedException(stop(message, null));
        }
        String reason = "no space left on the disk holding " + dataDir + ": " + words;
        run.stop(reason, this::roomAgain);
        return new RunStoppedException(reason);
    }

    /** The exception an exchange caught, when it says the disk is full (or read-only): the run stops. */
    public void checkCaught(org.apache.camel.Exchange exchange) {
        for (Throwable t = exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class); t != null;
                t = t.getCause() == t ? null : t.getCause()) {
            check(String.valueOf(t.getMessage()), null);
        }
    }

    /**
     * In the dead-letter channel: a failure whose exception says the disk is full (or read-only), from any
     * write of ours (a provenance or checksum line, a record), stops the run; the video is not at fault, and
     * stays pending ({@link RunControl#stoppedMidAttempt}). Only an I/O error of this machine's counts, not a
     * text that came from elsewhere (a server's or a proxy's answer; a tool's words are judged where read).
     */
    public void stopIfCaught(org.apache.camel.Exchange exchange) {
        String said = ourWriteFailed(exchange);
        if (said != null) {
            stop(said, null);
        }
    }

    /**
     * An exception whose causes are another machine's: a broker's (ActiveMQ rebuilds the broker's own I/O
     * error, its full disk too, in the client), a database's, an HTTP exchange's.
     */
    private static boolean fromElsewhere(Throwable t) {
        String c = t.getClass().getName();
        return c.startsWith("jakarta.jms.") || c.startsWith("javax.jms.") || c.startsWith("org.apache.activemq.")
                || c.startsWith("org.springframework.jms.") || c.startsWith("org.springframework.dao.")
                || c.startsWith("java.sql.") || c.startsWith("org.postgresql.") || c.startsWith("org.apache.hc.")
                || c.startsWith("org.apache.camel.http.") || c.startsWith("org.apache.camel.component.jms.");
    }

    private static String ourWriteFailed(org.apache.camel.Exchange exchange) {
        // the exception being handled, else the one the exchange caught (where a doCatch's steps find it)
        for (Throwable first : new Throwable[] {exchange.getException(),
                exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class)}) {
            for (Throwable t = first; t != null && !fromElsewhere(t); t = t.getCause() == t ? null : t.getCause()) {
                boolean local = t instanceof IOException || t instanceof java.io.UncheckedIOException;
                if (local && says(t.getMessage())) {
                    return t.getMessage();
                }
            }
        }
        return null;
    }

    /** A write of ours that failed: a full disk stops the run; any other error is returned as it is. */
    public IOException check(IOException e) {
        check(String.valueOf(e.getMessage()), null);
        return e;
    }
}
