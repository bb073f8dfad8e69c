package avqa.downloader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what a run does, says it while it goes (a progress bar on a terminal, a status line in the
 * log) and at its end: flushes the records, logs the summary and keeps it in
 * {@code runs/<timestamp>.json} so runs can be compared.
 */
public final class RunReport {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.summary");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

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
    private final CoolDown coolDown;
    private final Settings settings;
    private final VideoPlanner planner;
    private final boolean youtube;

    private volatile boolean active;
    private volatile Instant started = Instant.now();
    private volatile int planned;
    private final LongAdder downloaded = new LongAdder();
    private final LongAdder audioOnly = new LongAdder();
    private final LongAdder alreadyComplete = new LongAdder();
    private final LongAdder imported = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    private final LongAdder published = new LongAdder();
    private volatile ProgressBar bar;
    private volatile ClusterRecord cluster;
    private volatile String node;

    public RunReport(ProgressBook progress, FailureRecords failures, Workspace workspace, RunControl run,
                     CoolDown coolDown, Settings settings, VideoPlanner planner, boolean youtube) {
        this.planner = planner;
        this.progress = progress;
        this.failures = failures;
        this.workspace = workspace;
        this.run = run;
        this.coolDown = coolDown;
        this.settings = settings;
        this.youtube = youtube;
    }

    /** A worker of a cluster: its status line reads the cluster's progress from the database. */
    void useCluster(ClusterRecord record, String nodeName) {
        this.cluster = record;
        this.node = nodeName;
    }

    /** A worker starts: its status lines begin (its counters start at zero with the process). */
    public synchronized void startWorker() {
        started = Instant.now();
        active = true;
    }

    public synchronized void start() {
        published.reset();
        run.reset();
        started = Instant.now();
        planned = 0;
        downloaded.reset();
        audioOnly.reset();
        alreadyComplete.reset();
        imported.reset();
        bytes.reset();
        failed.clear();
        active = true;
    }

    public boolean isActive() {
        return active;
    }

    /** The plan is made: its size comes from the planner. */
    public void planned() {
        int count = planner.plannedVideos();
        planned = count;
        alreadyComplete.add(planner.completeCount());
        if (System.console() != null) {
            bar = new ProgressBarBuilder().setTaskName("videos").setInitialMax(count).setUpdateIntervalMillis(1000)
                    .showSpeed().build();
            bar.stepBy(planner.completeCount());
        }
    }

    public void alreadyComplete() {
        alreadyComplete.increment();
        step();
    }

    public void completed(@Header("avqaSourceUrl") String url, @Header("avqaBytes") Long written,
                          @Header("avqaOrigin") String origin) {
        ("archive".equals(origin) ? imported : url == null ? audioOnly : downloaded).increment();
        bytes.add(written == null ? 0 : written);
        step();
    }

    /** A video whose recorded permanent failure stands: counted as failed, not requested. */
    public void failedBefore() {
        failed(VideoFailure.PERMANENT);
    }

    public void failed(@Header("avqaCategory") String category) {
        failed.computeIfAbsent(category, c -> new LongAdder()).increment();
        step();
    }

    private void step() {
        ProgressBar b = bar;
        if (b != null) {
            b.step();
        }
    }

    /** The planner sent one video's message to the queue. */
    public void published() {
        published.increment();
    }

    /**
     * The planner's end: the records written (progress from the database, failures), its summary
     * logged and kept in {@code runs/}; exit status 0 once everything that needs work is queued.
     */
    public synchronized Summary finishPublishing(@Header("avqaQueue") String queue) {
        active = false;
        writeRecords();
        Map<String, Long> byCategory = failedByCategory();
        Summary s = new Summary(planned, 0, 0, alreadyComplete.sum(), byCategory,
                Duration.between(started, Instant.now()), run.stopReason());
        LOG.info("Published {} videos to the queue {} in {}: {} planned, {} already complete in the cluster record; "
                        + "not queued: {}.", published.sum(), queue, human(s.elapsed()), planned, alreadyComplete.sum(),
                byCategory.isEmpty() ? "none" : byCategory);
        keep(s);
        return s;
    }

    /** One line for the log while the run goes: complete / total, failures, rate, ETA, cool-down. */
    public String statusLine() {
        if (cluster != null) {
            return workerStatusLine();
        }
        long done = downloaded.sum() + audioOnly.sum() + imported.sum();
        long failedNow = failed.values().stream().mapToLong(LongAdder::sum).sum();
        long handled = done + alreadyComplete.sum() + failedNow;
        double hours = Math.max(1e-6, Duration.between(started, Instant.now()).toMillis() / 3_600_000.0);
        double perHour = done / hours;
        long remaining = Math.max(0, planned - handled);
        String eta = perHour <= 0 ? "unknown" : human(Duration.ofSeconds((long) (remaining / perHour * 3600)));
        Map<String, Long> byCategory = failedByCategory();
        return String.format("Status: %d/%d complete, %d to go; failed %s; %.1f videos/hour; ETA %s%s",
                progress.size(), planned, remaining, byCategory.isEmpty() ? "none" : byCategory, perHour, eta,
                coolDownNote());
    }

    private String workerStatusLine() {
        long done = downloaded.sum() + audioOnly.sum();
        double hours = Math.max(1e-6, Duration.between(started, Instant.now()).toMillis() / 3_600_000.0);
        Map<String, Long> byCategory = failedByCategory();
        String clusterWide;
        try {
            clusterWide = cluster.count() + " videos complete in the cluster record";
        } catch (RuntimeException e) {
            clusterWide = "the database cannot be read (" + ClusterConnections.rootMessage(e) + ")";
        }
        return String.format("Status (worker %s): %s; this worker: %d done, %d already complete, failed %s; "
                        + "%.1f videos/hour%s", node, clusterWide, done, alreadyComplete.sum(),
                byCategory.isEmpty() ? "none" : byCategory, done / hours,
                coolDownNote());
    }

    /** Writes the progress and failure files, empties {@code .partial/}, logs and keeps the summary. */
    public synchronized Summary finish() {
        active = false;
        ProgressBar b = bar;
        bar = null;
        if (b != null) {
            b.close();
        }
        writeRecords();
        Map<String, Long> byCategory = failedByCategory();
        Summary s = new Summary(planned, downloaded.sum(), audioOnly.sum(), alreadyComplete.sum(), byCategory,
                Duration.between(started, Instant.now()), run.stopReason());
        if (s.stoppedBecause() != null) {
            long pending = s.planned() - s.downloaded() - s.audioOnly() - s.alreadyComplete()
                    - byCategory.values().stream().mapToLong(Long::longValue).sum();
            LOG.error("Run stopped early: {}. {} videos were left pending for the next run.", s.stoppedBecause(),
                    pending);
        }
        LOG.info("Run finished in {}: {} videos planned; {} downloaded, {} imported from archives, {} audio re-extracted, "
                        + "{} already complete; failed: {}. {} complete in all.",
                human(s.elapsed()), s.planned(), s.downloaded(), imported.sum(), s.audioOnly(), s.alreadyComplete(),
                byCategory.isEmpty() ? "none" : byCategory, progress.size());
        LOG.info(coverageReport().stripTrailing());
        long noSource = byCategory.getOrDefault(VideoFailure.NO_SOURCE, 0L);
        if (noSource > 0) {
            LOG.warn(noSourceAdvice(noSource, youtube));
        }
        if (s.failedWithSource() > 0) {
            LOG.warn("Failures are listed with their reasons in failed_downloads.json and failed/<id>.json. "
                    + "A new run retries the transient and invalid-output ones; permanent ones only with --retry-permanent.");
        }
        keep(s);
        return s;
    }

    /** The end of a run or a plan: the progress and failure files rewritten, the work area emptied. */
    private void writeRecords() {
        progress.snapshot();
        failures.rebuildSummary();
        workspace.clearPartial();
    }

    private Map<String, Long> failedByCategory() {
        Map<String, Long> byCategory = new TreeMap<>();
        failed.forEach((k, v) -> byCategory.put(k, v.sum()));
        return byCategory;
    }

    private String coolDownNote() {
        long cooling = coolDown.remainingMillis();
        return cooling > 0 ? String.format("; cool-down, %.0f s left", cooling / 1000.0) : "";
    }

    /** Of the planned videos: where each group comes from and how much of it is complete. */
    public String coverageReport() {
        return planner.coverage().report(planner::isRecordedComplete, failures);
    }

    /** {@code runs/<timestamp>.json}: the summary, the bytes written and the settings used. */
    private void keep(Summary s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("started", started.toString());
        out.put("finished", Instant.now().toString());
        out.put("elapsed_seconds", s.elapsed().toMillis() / 1000.0);
        out.put("planned", s.planned());
        out.put("downloaded", s.downloaded());
        out.put("audio_re_extracted", s.audioOnly());
        out.put("imported", imported.sum());
        out.put("already_complete", s.alreadyComplete());
        out.put("failed", s.failed());
        out.put("complete_in_all", progress.size());
        if (published.sum() > 0) {
            out.put("published", published.sum());
        }
        out.put("bytes_written", bytes.sum());
        out.put("cpu_seconds", cpuSeconds());
        out.put("stopped_because", s.stoppedBecause());
        out.put("exit_status", s.exitCode());
        out.put("settings", settings.asMap());
        try {
            Path runs = workspace.root().resolve("runs");
            Files.createDirectories(runs);
            AtomicFiles.write(runs.resolve(RUN_NAME.format(started) + ".json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
        } catch (IOException e) {
            LOG.warn("Could not keep the run summary in runs/: {}", e.getMessage());
        }
    }

    /**
     * CPU time so far: of this process (the JVM, all its threads) and of the programs it ran and
     * waited for (yt-dlp, ffmpeg, ffprobe), from /proc/self/stat; the benchmark reads these to tell
     * the tool's own cost from the tools'. Empty where /proc is not there.
     */
    static Map<String, Double> cpuSeconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // fields after the command name in parentheses: utime=14, stime=15, cutime=16, cstime=17 (1-based)
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double hz = 100.0; // USER_HZ, 100 on Linux
            out.put("self", (Long.parseLong(f[11]) + Long.parseLong(f[12])) / hz);
            out.put("children", (Long.parseLong(f[13]) + Long.parseLong(f[14])) / hz);
        } catch (IOException | RuntimeException notLinux) {
            // not Linux: no figures
        }
        return out;
    }

    static String noSourceAdvice(long count, boolean youtube) {
        return count + " videos have no source and were not requested. "
                + (youtube ? "MUSIC-AVQA's own video ids (00000028, vv…, sa…, va…, esa…, eva…, evv… + 8 digits) "
                + "are the authors' internal names, not YouTube ids, and no public table maps them to YouTube: "
                + "asking YouTube for them only wastes the IP's rate limit. " : "")
                + "Get these videos from the official archives the MUSIC-AVQA authors distribute "
                + "(Google Drive / Baidu links in the GeWu-Lab/MUSIC-AVQA README, ~36.7 GB real + ~11.6 GB synthetic, "
                + "CC BY-NC 4.0) and import them with --import-archive FILE, or point --source-url-template at a mirror that serves them by these names, "
                + "e.g. --source-url-template 'https://mirror.example.org/avqa/{id}.mp4'.";
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
