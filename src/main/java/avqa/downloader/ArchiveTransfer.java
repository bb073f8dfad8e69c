package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One answer of an archive's host written into its {@code .part}: the line that says it starts (or
 * resumes), the bytes copied with the status line's progress, and a copy that breaks off kept for the
 * next attempt (a full disk stops the run).
 */
final class ArchiveTransfer {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.archive");

    private final DiskFull diskFull;
    private final RunControl run;
    private final ArchiveProgress progress;

    ArchiveTransfer(DiskFull diskFull, RunControl run, ArchiveProgress progress) {
        this.diskFull = diskFull;
        this.run = run;
        this.progress = progress;
    }

    private void announce(String name, String url, long start, long total) {
        String size = total < 0 ? "size not announced" : ArchiveFetch.human(total);
        if (start > 0) {
            LOG.info("Resuming the archive {} ({}) at {} from {}", name, size, ArchiveFetch.human(start), Redact.url(url));
        } else {
            LOG.info("Fetching the archive {} ({}) from {}", name, size, Redact.url(url));
        }
        progress.start(name, start, total);
    }

    /**
     * Writes the answer's body into the part from {@code start} (what was there after it is cut off), no
     * further than the announced length; returns how many bytes came.
     */
    long copy(InputStream body, Path part, long start, long total, String name, String url) throws IOException {
        announce(name, url, start, total);
        long written = 0;
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            out.truncate(start);
            out.position(start);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = body.read(buf)) > 0) {
                run.checkRunning();
                out.write(ByteBuffer.wrap(buf, 0, n));
                written += n;
                progress.advance(n);
                if (total >= 0 && start + written > total) {
                    break;
                }
            }
        } catch (IOException e) {
            diskFull.check(e);
            run.checkRunning();
            throw new VideoFailure.Transient("the download of " + name + " broke off after " + ArchiveFetch.human(start + written)
                    + (total >= 0 ? " of " + ArchiveFetch.human(total) : "") + "; what came is kept, and a later attempt resumes there",
                    String.valueOf(e.getMessage()));
        }
        return written;
    }
}
