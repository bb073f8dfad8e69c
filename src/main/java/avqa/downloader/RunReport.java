package avqa.downloader;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts what a run did, and at its end flushes the records and says it in a summary. */
public final class RunReport {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.summary");

    /** What one run did. Exit status 0 when every video that has a source is complete. */
    public record Summary(int planned, long downloaded, long audioOnly, long alreadyComplete,
                          Map<String, Long> failed, Duration elapsed, String stoppedBecause) {
        public long failedWithSource() {
            return failed.entrySet().stream().filter(e -> !VideoFailure.NO_SOURCE.equals(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
        }

        public int exitCode() {
            return failedWithSource() == 0 && stoppedBecause == null ? 0 : 1;
        }
    }

    private final ProgressBook progress;
    private final FailureRecords failures;
    private final Workspace workspace;
    private final RunControl run;
    private final boolean youtube;

    private volatile Instant started = Instant.now();
    private volatile int planned;
    private final LongAdder downloaded = new LongAdder();
    private final LongAdder audioOnly = new LongAdder();
    private final LongAdder alreadyComplete = new LongAdder();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();

    public RunReport(ProgressBook progress, FailureRecords failures, Workspace workspace, RunControl run,
                     boolean youtube) {
        this.progress = progress;
        this.failures = failures;
        this.workspace = workspace;
        this.run = run;
        this.youtube = youtube;
    }

    public void start() {
        run.reset();
        started = Instant.now();
        planned = 0;
        downloaded.reset();
        audioOnly.reset();
        alreadyComplete.reset();
        failed.clear();
    }

    public void planned(int count) {
        planned = count;
    }

    public void alreadyComplete() {
        alreadyComplete.increment();
    }

    public void completed(@Header("avqaSourceUrl") String url) {
        (url == null ? audioOnly : downloaded).increment();
    }

    /** A video whose recorded permanent failure stands: counted as failed, not requested. */
    public void failedBefore() {
        failed(VideoFailure.PERMANENT);
    }

    public void failed(@Header("avqaCategory") String category) {
        failed.computeIfAbsent(category, c -> new LongAdder()).increment();
    }

    /** Writes the progress and failure files, empties {@code .partial/} and logs the summary. */
    public synchronized Summary finish() {
        progress.snapshot();
        failures.rebuildSummary();
        workspace.clearPartial();
        Map<String, Long> byCategory = new TreeMap<>();
        failed.forEach((k, v) -> byCategory.put(k, v.sum()));
        Summary s = new Summary(planned, downloaded.sum(), audioOnly.sum(), alreadyComplete.sum(), byCategory,
                Duration.between(started, Instant.now()), run.stopReason());
        if (s.stoppedBecause() != null) {
            long pending = s.planned() - s.downloaded() - s.audioOnly() - s.alreadyComplete()
                    - byCategory.values().stream().mapToLong(Long::longValue).sum();
            LOG.error("Run stopped early: {}. {} videos were left pending for the next run.", s.stoppedBecause(),
                    pending);
        }
        LOG.info("Run finished in {}: {} videos planned; {} downloaded, {} audio re-extracted, {} already complete; "
                        + "failed: {}. {} complete in all.",
                human(s.elapsed()), s.planned(), s.downloaded(), s.audioOnly(), s.alreadyComplete(),
                byCategory.isEmpty() ? "none" : byCategory, progress.size());
        long noSource = byCategory.getOrDefault(VideoFailure.NO_SOURCE, 0L);
        if (noSource > 0) {
            LOG.warn(noSourceAdvice(noSource, youtube));
        }
        if (s.failedWithSource() > 0) {
            LOG.warn("Failures are listed with their reasons in failed_downloads.json and failed/<id>.json. "
                    + "A new run retries the transient and invalid-output ones; permanent ones only with --retry-permanent.");
        }
        return s;
    }

    static String noSourceAdvice(long count, boolean youtube) {
        return count + " videos have no source and were not requested. "
                + (youtube ? "MUSIC-AVQA's own video ids (00000028, vv…, sa…, va…, esa…, eva…, evv… + 8 digits) "
                + "are the authors' internal names, not YouTube ids, and no public table maps them to YouTube: "
                + "asking YouTube for them only wastes the IP's rate limit. " : "")
                + "Get these videos from the official archives the MUSIC-AVQA authors distribute "
                + "(Google Drive / Baidu links in the GeWu-Lab/MUSIC-AVQA README, ~36.7 GB real + ~11.6 GB synthetic, "
                + "CC BY-NC 4.0), or point --source-url-template at a mirror that serves them by these names, "
                + "e.g. --source-url-template 'https://mirror.example.org/avqa/{id}.mp4'.";
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
