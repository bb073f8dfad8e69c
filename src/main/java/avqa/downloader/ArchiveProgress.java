package avqa.downloader;

import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * How an archive's download is going: a progress bar in bytes on a terminal, and the text the status
 * line adds to the log (bytes, rate, ETA).
 */
public final class ArchiveProgress {

    private volatile String name;
    private volatile long total;
    private volatile long have;
    private volatile long startedAt;
    private volatile long startBytes;
    private volatile ProgressBar bar;

    /** A download starts, or goes on ({@code goesOn}: the next part of a file its host gives a part at a time). */
    synchronized void start(String archive, long start, long size, boolean goesOn) {
        if (goesOn && archive.equals(name)) {
            // the same bar, and the rate since the download started
            return;
        }
        done();
        name = archive;
        total = size;
        have = start;
        startBytes = start;
        startedAt = System.nanoTime();
        if (System.console() != null) {
            bar = new ProgressBarBuilder().setTaskName(archive).setInitialMax(Math.max(size, 0)).setUnit(" MiB", 1 << 20)
                    .setUpdateIntervalMillis(1000).showSpeed().build();
            bar.stepTo(start);
        }
    }

    void advance(long bytes) {
        have += bytes;
        ProgressBar b = bar;
        if (b != null) {
            b.stepBy(bytes);
        }
    }

    synchronized void done() {
        name = null;
        ProgressBar b = bar;
        bar = null;
        if (b != null) {
            b.close();
        }
    }

    /** "; fetching collect_new_set.rar: 1.2 of 3.4 GiB (35 %), 12.0 MiB/s, ETA 3m10s", or "" when none is. */
    public String text() {
        String n = name;
        if (n == null) {
            return "";
        }
        double seconds = Math.max(1e-3, (System.nanoTime() - startedAt) / 1e9);
        double rate = (have - startBytes) / seconds;
        String of = total > 0 ? String.format(Locale.ROOT, " of %s (%d %%)", ArchiveFetch.human(total), have * 100 / total) : "";
        String eta = total > 0 && rate > 0 ? ", ETA " + StatusLine.human(Duration.ofSeconds((long) ((total - have) / rate))) : "";
        return String.format(Locale.ROOT, "; fetching %s: %s%s, %s/s%s", n, ArchiveFetch.human(have), of,
                ArchiveFetch.human((long) rate), eta);
    }
}
