package avqa.downloader;

import avqa.downloader.cluster.ClusterConnections;
import avqa.downloader.cluster.ClusterRecord;
import java.time.Duration;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * How a run says how far it got while it goes: a progress bar on a terminal, and a status line in the
 * log every {@code --status-interval} seconds (complete / total, failures, rate, ETA, cool-down).
 */
public final class StatusLine {

    private final RunCounters counters;
    private final ProgressBook progress;
    private final CoolDown coolDown;
    private final VideoPlanner planner;
    private final ArchiveProgress archive;
    private volatile ProgressBar bar;
    private volatile ClusterRecord cluster;
    private volatile String node;
    private volatile java.util.function.Supplier<String> clusterNotes = () -> "";

    public StatusLine(RunCounters counters, ProgressBook progress, CoolDown coolDown, VideoPlanner planner,
                      ArchiveProgress archive) {
        this.archive = archive;
        this.counters = counters;
        this.progress = progress;
        this.coolDown = coolDown;
        this.planner = planner;
        counters.onStep(() -> {
            ProgressBar b = bar;
            if (b != null) {
                b.step();
            }
        });
    }

    /**
     * A worker of a cluster: its status line reads the cluster's progress from the database, and says
     * what {@code notes} says (a broker or a database that cannot be reached).
     */
    public void useCluster(ClusterRecord record, String nodeName, java.util.function.Supplier<String> notes) {
        this.cluster = record;
        this.node = nodeName;
        this.clusterNotes = notes;
    }

    /** The plan is made: on a terminal, a progress bar over it. */
    public void planned() {
        if (System.console() != null) {
            bar = new ProgressBarBuilder().setTaskName("videos").setInitialMax(planner.plannedVideos())
                    .setUpdateIntervalMillis(1000).showSpeed().build();
            bar.stepBy(planner.completeCount());
        }
    }

    /** The run is over: the bar is closed. */
    public void close() {
        ProgressBar b = bar;
        bar = null;
        if (b != null) {
            b.close();
        }
    }

    public String text() {
        if (cluster != null) {
            return workerText();
        }
        long done = counters.done();
        long handled = done + counters.alreadyCompleteCount() + counters.failedCount() + counters.notRecordedCount();
        double hours = Math.max(1e-6, counters.elapsed().toMillis() / 3_600_000.0);
        double perHour = done / hours;
        long remaining = Math.max(0, counters.planned() - handled);
        String eta = perHour <= 0 ? "unknown" : human(Duration.ofSeconds((long) (remaining / perHour * 3600)));
        Map<String, Long> byCategory = counters.failedByCategory();
        return String.format("Status: %d/%d complete, %d to go; failed %s; %.1f videos/hour; ETA %s%s%s",
                progress.size(), counters.planned(), remaining, byCategory.isEmpty() ? "none" : byCategory, perHour, eta,
                coolDownNote(), archive.text());
    }

    private String workerText() {
        long done = counters.downloaded() + counters.audioOnly();
        double hours = Math.max(1e-6, counters.elapsed().toMillis() / 3_600_000.0);
        Map<String, Long> byCategory = counters.failedByCategory();
        String notes = clusterNotes.get();
        String clusterWide;
        try {
            clusterWide = notes.contains("the database") ? "the cluster record cannot be read"
                    : cluster.count() + " videos complete in the cluster record";
        } catch (RuntimeException e) {
            clusterWide = "the database cannot be read (" + ClusterConnections.rootMessage(e) + ")";
        }
        return String.format("Status (worker %s): %s; this worker: %d done, %d already complete, failed %s; "
                        + "%.1f videos/hour%s%s", node, clusterWide, done, counters.alreadyCompleteCount(),
                byCategory.isEmpty() ? "none" : byCategory, done / hours, coolDownNote(), notes);
    }

    /** "; cool-down, 42 s left" while one is on. */
    String coolDownNote() {
        long cooling = coolDown.remainingMillis();
        return cooling > 0 ? String.format("; cool-down, %.0f s left", cooling / 1000.0) : "";
    }

    /** A source's Retry-After as said to the user: one of a year or more (the most it is read as) is said so. */
    static String asked(long millis) {
        return millis >= FailureClassifier.RETRY_AFTER_MOST_MILLIS ? "a year or more" : human(Duration.ofMillis(millis));
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 86_400) {
            return String.format("%dd%02dh", s / 86_400, (s / 3600) % 24);
        }
        return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
