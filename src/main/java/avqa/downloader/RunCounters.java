package avqa.downloader;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.Variable;

/** What a run has done so far, counted as it goes: the status line and the summary read these. */
public final class RunCounters {

    /** How a video was made complete: downloaded (or cut, or mirrored), imported from an archive, or only its audio. */
    public static final String DOWNLOADED = "downloaded";
    public static final String IMPORTED = "imported";
    public static final String AUDIO = "audio";

    private final RunControl run;
    private final VideoPlanner planner;
    private volatile boolean active;
    private volatile Instant started = Instant.now();
    private volatile int planned;
    private final LongAdder downloaded = new LongAdder();
    private final LongAdder audioOnly = new LongAdder();
    private final LongAdder alreadyComplete = new LongAdder();
    private final LongAdder imported = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder notRecorded = new LongAdder();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> made = new ConcurrentHashMap<>();
    /** The videos imported in this run, with the archive each came from (its origin). */
    private final Map<String, String> importedFrom = new ConcurrentHashMap<>();
    private final java.util.List<Runnable> onStep = new java.util.concurrent.CopyOnWriteArrayList<>();
    // since the process started, across the runs of a scheduled service: the metrics, which only grow, read these
    private final Map<String, LongAdder> completeTotal = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failedTotal = new ConcurrentHashMap<>();
    /** The videos failed in this run, with their category: one that is made complete later in the run is not failed. */
    private final Map<String, String> failedIds = new ConcurrentHashMap<>();
    private final LongAdder skippedTotal = new LongAdder();
    /** Failures a later run tries again (the source's or the machine's trouble, not the video's), none complete since. */
    private final java.util.concurrent.atomic.AtomicInteger retriedInARow = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String lastRetried = "";
    /** Why the last run failed outright (before its summary: the annotations could not be had, say); null if it did not. */
    private volatile String failedOutright;
    private final LongAdder bytesTotal = new LongAdder();

    private final ImportLedger imports;

    public RunCounters(RunControl run, VideoPlanner planner, ImportLedger imports) {
        this.run = run;
        this.planner = planner;
        this.imports = imports;
    }

    /** The failure categories a later run tries again: the source's or this machine's trouble, not the video's. */
    static final java.util.Set<String> RETRIED = java.util.Set.of(VideoFailure.TRANSIENT, VideoFailure.INVALID_OUTPUT,
            VideoFailure.TOOL_OUTDATED, VideoFailure.ERROR);

    /** Called for every video dealt with (the progress bar steps). */
    void onStep(Runnable r) {
        onStep.add(r);
    }

    /** A new run: every count back to zero, a stop of the previous run cleared. */
    public synchronized void start() {
        run.reset();
        imports.reset();
        started = Instant.now();
        planned = 0;
        for (LongAdder a : new LongAdder[] {downloaded, audioOnly, alreadyComplete, imported, bytes, published,
                notRecorded}) {
            a.reset();
        }
        failed.clear();
        failedIds.clear();
        made.clear();
        importedFrom.clear();
        retriedInARow.set(0);
        failedOutright = null;
        active = true;
    }

    /** A cluster worker starts: its counters start at zero with the process. */
    public synchronized void startWorker() {
        started = Instant.now();
        active = true;
    }

    public void stop() {
        active = false;
    }

    /**
     * A run that ended before its summary (a scheduled run whose annotations could not be fetched, say): it goes no
     * more (no status lines, avqa_run_active 0), and why it failed is the health's until the next run starts.
     */
    public void failedOutright(@org.apache.camel.ExchangeProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT) Throwable cause) {
        failedOutright = Shown.of(cause);
        active = false;
    }

    /** Why the last run failed outright, in one line; null when it did not. */
    public String failedOutright() {
        return failedOutright;
    }

    public boolean isActive() {
        return active;
    }

    /** The plan is made: its size comes from the planner. */
    public void planMade() {
        planned = planner.plannedVideos();
        alreadyComplete.add(planner.completeCount());
        skippedTotal.add(planner.completeCount());
    }

    public void alreadyComplete() {
        alreadyComplete.increment();
        skippedTotal.increment();
        step();
    }

    public void completed(@Variable("job") VideoJob job, @Variable("bytes") Long written) {
        String failedBefore = failedIds.remove(job.id());
        if (failedBefore != null) {
            // failed earlier in this run, complete now (a damaged archive entry, then a good one of its name)
            failed.computeIfAbsent(failedBefore, c -> new LongAdder()).decrement();
        }
        retriedInARow.set(0);
        String origin = job.origin();
        String how = origin.startsWith(Coverage.ARCHIVE) ? IMPORTED
                : origin.equals("audio") || origin.equals("frames") ? AUDIO : DOWNLOADED;
        (how.equals(IMPORTED) ? imported : how.equals(AUDIO) ? audioOnly : downloaded).increment();
        if (how.equals(IMPORTED)) {
            importedFrom.put(job.id(), origin);
        }
        completeTotal.computeIfAbsent(how, h -> new LongAdder()).increment();
        made.computeIfAbsent(origin, o -> new LongAdder()).increment();
        bytes.add(written == null ? 0 : written);
        bytesTotal.add(written == null ? 0 : written);
        step();
    }

    /**
     * A video imported in this run is taken back (its archive's checksum failed): it is no longer counted
     * imported, and what becomes of it next (its source's download, or a failure) is counted instead.
     */
    public void takenBack(String id) {
        String origin = importedFrom.remove(id);
        if (origin == null) {
            return;
        }
        imported.decrement();
        completeTotal.computeIfAbsent(IMPORTED, h -> new LongAdder()).decrement();
        made.computeIfAbsent(origin, o -> new LongAdder()).decrement();
    }

    /**
     * A video whose recorded permanent failure stands: counted as failed in this run, not requested; no record is
     * written, so the metrics' failure records (which a service's nightly runs would otherwise count again) stay.
     */
    public void failedBefore() {
        countFailed(VideoFailure.PERMANENT, null);
    }

    /** A failure record written ({@code record}: its body, with the video's id). */
    public void failed(@Variable("category") String category, @org.apache.camel.Body Object record) {
        failedTotal.computeIfAbsent(category, c -> new LongAdder()).increment();
        if (RETRIED.contains(category)) {
            Object reason = record instanceof Map<?, ?> json ? json.get("reason") : null;
            lastRetried = category + ": " + reason;
            retriedInARow.incrementAndGet();
        }
        countFailed(category, record);
    }

    private void countFailed(String category, Object record) {
        // one failure record each (a source's clips have one each): keyed by the record's id
        Object id = record instanceof Map<?, ?> json ? json.get("id") : null;
        String before = id == null ? null : failedIds.put(id.toString(), category);
        if (before != null) {
            // failed twice in this run: counted once, as its last failure
            failed.computeIfAbsent(before, c -> new LongAdder()).decrement();
        }
        failed.computeIfAbsent(category, c -> new LongAdder()).increment();
        step();
    }

    /** The planner sent one video's message to the queue. */
    public void published() {
        published.increment();
    }

    private void step() {
        onStep.forEach(Runnable::run);
    }

    public Instant started() {
        return started;
    }

    public Duration elapsed() {
        return Duration.between(started, Instant.now());
    }

    public int planned() {
        return planned;
    }

    public long downloaded() {
        return downloaded.sum();
    }

    public long audioOnly() {
        return audioOnly.sum();
    }

    public long imported() {
        return imported.sum();
    }

    /** A failure whose record could not be written (FailureNotRecorded): the run ends with exit 1. */
    public void notRecorded() {
        notRecorded.increment();
        step();
    }

    public long notRecordedCount() {
        return notRecorded.sum();
    }

    public long alreadyCompleteCount() {
        return alreadyComplete.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    public long publishedCount() {
        return published.sum();
    }

    /** Videos made complete by this run. */
    public long done() {
        return downloaded.sum() + audioOnly.sum() + imported.sum();
    }

    /** What this run made complete, by where it came from. */
    public Map<String, Long> madeByOrigin() {
        Map<String, Long> out = new TreeMap<>();
        made.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public Map<String, Long> failedByCategory() {
        Map<String, Long> byCategory = new TreeMap<>();
        failed.forEach((k, v) -> {
            if (v.sum() > 0) {
                byCategory.put(k, v.sum());
            }
        });
        return byCategory;
    }

    public long failedCount() {
        return failed.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * Failures of this run that a later run tries again, in a row: none made complete since the run began or since
     * the last one completed (the health check's stuck run).
     */
    public int retriedFailuresInARow() {
        return retriedInARow.get();
    }

    /** The last of those failures: its category and reason. */
    public String lastRetriedFailure() {
        return lastRetried;
    }

    /** Videos made complete since the process started, by how ({@link #DOWNLOADED}, {@link #IMPORTED}, {@link #AUDIO}). */
    public long completeTotal(String how) {
        LongAdder a = completeTotal.get(how);
        return a == null ? 0 : a.sum();
    }

    /** Failure records written since the process started, of one category. */
    public long failedTotal(String category) {
        LongAdder a = failedTotal.get(category);
        return a == null ? 0 : a.sum();
    }

    /** Videos found complete (and not requested) since the process started. */
    public long skippedTotal() {
        return skippedTotal.sum();
    }

    /** Bytes of video and audio put in place since the process started. */
    public long bytesTotal() {
        return bytesTotal.sum();
    }
}
