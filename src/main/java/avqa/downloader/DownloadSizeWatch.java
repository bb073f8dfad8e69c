package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.Variable;

/**
 * The size cap (avqa.download.max-size) on yt-dlp's path for a body of no announced length: yt-dlp's
 * own {@code --max-filesize} refuses only a file whose length is announced, so a body that never ends
 * would be written until the deadline. While yt-dlp runs, its work directory is looked at twice a
 * second; a file in it past the cap stops yt-dlp (and the ffmpeg it may have started), and the video
 * fails for good: it is not a video of this dataset.
 */
public final class DownloadSizeWatch {

    private static final long PERIOD_MILLIS = 500;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "avqa-size-watch");
        t.setDaemon(true);
        return t;
    });

    private final long maxBytes;
    private final Map<Path, ScheduledFuture<?>> watched = new ConcurrentHashMap<>();
    private final Map<Path, Long> stopped = new ConcurrentHashMap<>();

    public DownloadSizeWatch(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Starts watching the job's work directory, for the yt-dlp run about to start. */
    public void start(@Variable("job") VideoJob job) {
        Path dir = job.workDir();
        stopped.remove(dir);
        ScheduledFuture<?> old = watched.put(dir, TIMER.scheduleWithFixedDelay(Deadline.watched(() -> look(dir)),
                PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS));
        if (old != null) {
            old.cancel(false);
        }
    }

    /** Stops watching: yt-dlp has ended. A look under way ends first, so none stops what comes next. */
    public void stop(@Variable("job") VideoJob job) {
        synchronized (this) {
            ScheduledFuture<?> f = watched.remove(job.workDir());
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    /** Whether this watch stopped the job's yt-dlp for its size. */
    public boolean stoppedForSize(@Variable("job") VideoJob job) {
        return stopped.containsKey(job.workDir());
    }

    /** The failure of a download this watch stopped. */
    public void fail(@Variable("job") VideoJob job) {
        throw failure(job);
    }

    /** The failure of the job's yt-dlp run if this watch stopped it (once), else null. */
    VideoFailure failure(VideoJob job) {
        Long size = stopped.remove(job.workDir());
        return size == null ? null : new VideoFailure.Permanent("the file is larger than avqa.download.max-size ("
                + ArchiveFetch.human(maxBytes) + "): yt-dlp was stopped once a file it wrote reached "
                + ArchiveFetch.human(size), "");
    }

    private void look(Path dir) {
        long largest = largestFile(dir);
        synchronized (this) {
            if (largest > maxBytes && watched.containsKey(dir) && stopped.putIfAbsent(dir, largest) == null) {
                WorkArea.stopProcessesUsing(dir);
            }
        }
    }

    /**
     * The largest file being downloaded in {@code dir}; not a merge's output ({@code .temp.}), which holds
     * the video and the audio together, each of which may come up to the cap.
     */
    static long largestFile(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().contains(".temp."))
                    .mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException gone) {
                    return 0;
                }
            }).max().orElse(0);
        } catch (IOException | java.io.UncheckedIOException gone) {
            return 0;
        }
    }
}
