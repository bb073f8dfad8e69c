package avqa.downloader;

import avqa.downloader.cluster.ClusterRecord;
import avqa.downloader.cluster.QueueDepth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.processor.TotalRequestsThrottler;

/**
 * The tool's own metrics, read from the beans that already keep them ({@link RunCounters},
 * {@link CoolDown}, the progress book, the Throttle EIP of {@code routes/06-pace-requests.yaml}, the
 * cluster record and the queue) whenever Prometheus scrapes: nothing is counted twice and no route has
 * a step for them. The names are stable; the README lists them.
 */
final class RunMetrics {

    /** Every failure category, so that each has a series (at 0) before its first failure. */
    static final List<String> CATEGORIES = List.of(VideoFailure.TRANSIENT, VideoFailure.PERMANENT,
            VideoFailure.INVALID_OUTPUT, VideoFailure.TOOL_OUTDATED, VideoFailure.NO_SOURCE, VideoFailure.INVALID_ID,
            VideoFailure.CASE_CONFLICT, VideoFailure.ERROR);

    private RunMetrics() {
    }

    static void register(MeterRegistry registry, RunCounters counters, CoolDown coolDown, ProgressBook progress,
                         long configuredGapMillis, Supplier<CamelContext> camel) {
        for (String how : List.of(RunCounters.DOWNLOADED, RunCounters.IMPORTED, RunCounters.AUDIO)) {
            FunctionCounter.builder("avqa.videos.complete", counters, c -> c.completeTotal(how)).tag("how", how)
                    .description("Videos made complete: downloaded (or cut, or mirrored), imported from an archive, "
                            + "or only their audio extracted").register(registry);
        }
        for (String category : CATEGORIES) {
            FunctionCounter.builder("avqa.videos.failed", counters, c -> c.failedTotal(category)).tag("category", category)
                    .description("Failure records written, by category").register(registry);
        }
        counter(registry, "avqa.videos.skipped", counters, RunCounters::skippedTotal,
                "Videos found complete and not requested again");
        counter(registry, "avqa.bytes.written", counters, RunCounters::bytesTotal,
                "Bytes of video and audio put in place");
        counter(registry, "avqa.cooldowns.started", coolDown, CoolDown::startedCount,
                "IP-wide cool-downs started (429, try again later, bot check, no network)");
        gauge(registry, "avqa.cooldown.remaining.seconds", coolDown, c -> c.remainingMillis() / 1000.0,
                "Seconds left of the current IP-wide cool-down (0: none)");
        gauge(registry, "avqa.throttle.starts.per.minute", camel, c -> startsPerMinute(c.get(), configuredGapMillis),
                "Download starts per minute the Throttle EIP lets through, as the route in force says");
        gauge(registry, "avqa.run.active", counters, c -> c.isActive() ? 1 : 0, "1 while a run goes");
        gauge(registry, "avqa.run.planned.videos", counters, RunCounters::planned, "Videos the current (or last) run planned");
        gauge(registry, "avqa.dataset.complete.videos", progress, ProgressBook::size,
                "Videos recorded complete in this data directory");
    }

    /** A worker's view of the cluster: the videos waiting on the queue and those the cluster has complete. */
    static void registerWorker(MeterRegistry registry, QueueDepth queue, ClusterRecord record) {
        TimedProbe<Long> depth = new TimedProbe<>("the broker", queue::count, 3000, 10_000);
        TimedProbe<Long> complete = new TimedProbe<>("the database", record::count, 3000, 10_000);
        gauge(registry, "avqa.queue.depth", depth, p -> value(p.ask()),
                "Videos waiting on the queue (at most " + QueueDepth.CAP + " counted; NaN: the broker does not answer)");
        gauge(registry, "avqa.cluster.complete.videos", complete, p -> value(p.ask()),
                "Videos the cluster record has complete (NaN: the database does not answer)");
    }

    private static double value(TimedProbe.Answer<Long> a) {
        return a.ok() && a.value() != null ? a.value() : Double.NaN;
    }

    /** The live throttle's rate: one start per its time period (edited in the route file or not). */
    static double startsPerMinute(CamelContext camel, long configuredGapMillis) {
        Processor p = camel == null ? null : camel.getProcessor("throttle");
        long gap = p instanceof TotalRequestsThrottler t ? t.getTimePeriodMillis() : configuredGapMillis;
        int perGap = p instanceof TotalRequestsThrottler t ? Math.max(1, t.getCurrentMaximumRequests()) : 1;
        return gap <= 0 ? Double.NaN : 60_000.0 * perGap / gap;
    }

    private static <T> void counter(MeterRegistry registry, String name, T source, ToDoubleFunction<T> f, String help) {
        FunctionCounter.builder(name, source, f).description(help).register(registry);
    }

    private static <T> void gauge(MeterRegistry registry, String name, T source, ToDoubleFunction<T> f, String help) {
        Gauge.builder(name, source, f).description(help).strongReference(true).register(registry);
    }
}
