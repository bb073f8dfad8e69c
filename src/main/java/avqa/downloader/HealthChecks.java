package avqa.downloader;

import avqa.downloader.cluster.ClusterConnections;
import avqa.downloader.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * What {@code /observe/health} reports for this tool, beside Camel's own checks, each DOWN with a reason
 * a person can act on:
 * <ul>
 * <li>liveness: the routes are running;</li>
 * <li>readiness: the data directory is writable and locked by this process; its disk is not nearly
 * full; yt-dlp, ffmpeg and ffprobe are there; on a cluster, the broker and the database answer;</li>
 * <li>readiness: no IP-wide cool-down has held the downloads back for long (a short one resumes by itself: nobody
 * is paged), the run has not stopped (a bot check that stays, a full disk, yt-dlp out of date, no network) and is
 * not stuck (its last videos all failed).</li>
 * </ul>
 */
final class HealthChecks {

    /** A check by its problem: null when all is well, else the reason it is DOWN. */
    static final class Check extends AbstractHealthCheck {
        private final Supplier<String> problem;
        private final boolean liveness;

        Check(String id, boolean liveness, Supplier<String> problem) {
            super("avqa", id);
            this.liveness = liveness;
            this.problem = problem;
        }

        @Override
        public boolean isLiveness() {
            return liveness;
        }

        @Override
        public boolean isReadiness() {
            return !liveness;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            String why;
            try {
                why = problem.get();
            } catch (RuntimeException e) {
                why = Shown.of(e);
            }
            if (why == null) {
                builder.up();
            } else {
                builder.message(why).down();
            }
        }
    }

    private HealthChecks() {
    }

    /** Every check this process has (the cluster's only with a broker and a database). */
    static List<Check> of(Settings settings, Workspace workspace, DataDirLock lock, CoolDown coolDown, RunControl run,
                          RunCounters counters, ClusterConnections cluster, Supplier<CamelContext> camel) {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("routes-running", true, () -> routesDown(camel.get())));
        Path root = workspace.root();
        checks.add(new Check("data-directory", false, () -> !Files.isWritable(root)
                ? root + " cannot be written: make it writable (or free the file system) and restart"
                // a videos/ that is gone (moved aside) is no write failure: the run's stop says what to do
                : !Files.isDirectory(workspace.videosDir()) ? workspace.videosDir() + " is not there (moved or removed): put it "
                + "back, or restart to take the data directory as it is now"
                : !Files.isWritable(workspace.videosDir())
                ? workspace.videosDir() + " cannot be written: make it writable (or free the file system) and restart"
                : !lock.held() ? "this process no longer holds the lock on " + root.resolve(".lock")
                + " (was the file removed?): stop it and start again" : null));
        long minFree = settings.bytes("avqa.management.min-free-disk");
        checks.add(new Check("disk-space", false, () -> freeSpaceProblem(root, minFree)));
        checks.add(new Check("tools", false, () -> missingTools(settings)));
        int inARow = settings.getInt("avqa.management.failures-in-a-row");
        long coolDownAlert = settings.millis("avqa.management.cool-down-alert-after");
        // a service looks again at a stop that can clear, and resumes the run then
        String recheck = settings.flag("avqa.schedule.enabled") ? "; looked at again every "
                + settings.get("avqa.schedule.recheck") + " s: the run resumes by itself once it has cleared" : "";
        checks.add(new Check("run", false, () -> {
            String problem = runProblem(coolDown, run, coolDownAlert);
            if (problem != null && run.stopClears() != null) {
                problem += recheck;
            }
            String failed = counters.failedOutright();
            return problem != null ? problem : failed != null ? "the last run failed: " + failed
                    + "; the next trigger tries again" : failingProblem(counters, inARow);
        }));
        if (cluster != null) {
            TimedProbe<Boolean> database = new TimedProbe<>("the database", () -> {
                try (java.sql.Connection c = cluster.dataSource().getConnection()) {
                    return c.isValid(2);
                }
            }, 3000, 2000);
            checks.add(new Check("database", false, () -> {
                TimedProbe.Answer<Boolean> a = database.ask();
                return a.ok() && Boolean.TRUE.equals(a.value()) ? null : "cannot reach the database "
                        + Redact.url(settings.get("avqa.db.url")) + ": " + (a.ok() ? "it does not answer" : a.problem())
                        + "; videos wait until it is back";
            }));
            TimedProbe<Boolean> broker = new TimedProbe<>("the broker", () -> {
                try (jakarta.jms.Connection c = cluster.connectionFactory().createConnection()) {
                    c.start();
                    return true;
                }
            }, 3000, 2000);
            checks.add(new Check("broker", false, () -> {
                TimedProbe.Answer<Boolean> a = broker.ask();
                return a.ok() ? null : "cannot reach the broker " + Redact.url(settings.get("avqa.broker.url")) + ": "
                        + a.problem() + "; videos wait until it is back";
            }));
        }
        return checks;
    }

    /** The routes that should run and do not (none while Camel starts or stops: the context check says that). */
    static String routesDown(CamelContext camel) {
        if (camel == null || !camel.getStatus().isStarted()) {
            return null;
        }
        List<String> down = new ArrayList<>();
        for (Route r : camel.getRoutes()) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(r.getRouteId());
            if (r.isAutoStartup() && status != null && !status.isStarted() && !status.isStarting()) {
                down.add(r.getRouteId() + " (" + status.name().toLowerCase(java.util.Locale.ROOT) + ")");
            }
        }
        return down.isEmpty() ? null : "routes not running: " + String.join(", ", down) + "; restart the process";
    }

    static String freeSpaceProblem(Path root, long minFree) {
        try {
            long free = Files.getFileStore(root).getUsableSpace();
            return free >= minFree ? null : String.format("%.1f MB free on the disk of %s, less than "
                    + "avqa.management.min-free-disk: free some space", free / 1e6, root);
        } catch (IOException e) {
            return "cannot read the free space of " + root + ": " + FileTrees.describe(e);
        }
    }

    static String missingTools(Settings settings) {
        List<String> missing = new ArrayList<>();
        for (String key : List.of("avqa.tools.yt-dlp", "avqa.tools.ffmpeg", "avqa.tools.ffprobe")) {
            if (!Tools.onPath(settings.get(key))) {
                missing.add(settings.get(key));
            }
        }
        return missing.isEmpty() ? null : String.join(", ", missing) + " not found: install "
                + (missing.size() == 1 ? "it" : "them") + " (scripts/avqa.sh sets them up) or set avqa.tools.* to the path";
    }

    /**
     * A run that goes on but makes nothing complete: its last {@code limit} videos all failed in a way a later run
     * tries again (every download hangs, the source answers 5xx, the network is cut); null while it makes progress,
     * between runs, or with {@code limit} 0.
     */
    static String failingProblem(RunCounters counters, int limit) {
        int failing = counters.retriedFailuresInARow();
        return limit <= 0 || !counters.isActive() || failing < limit ? null : String.format("stuck: the last %d videos "
                + "all failed, none made complete since (the last: %s); is the source down, or unreachable from here? "
                + "The run goes on; see failed/ for each video's reason", failing,
                Redact.text(counters.lastRetriedFailure(), 300));
    }

    /**
     * A run that stopped of its own accord is DOWN with its reason; so is an IP-wide cool-down once the cool-downs in
     * a row have held the downloads back for {@code alertMillis} (a shorter one resumes by itself: nobody is paged).
     */
    static String runProblem(CoolDown coolDown, RunControl run, long alertMillis) {
        String stopped = run.stopReason();
        if (stopped != null) {
            return "the run stopped: " + stopped;
        }
        long left = coolDown.remainingMillis();
        long heldBack = coolDown.heldBackMillis();
        return left <= 0 || heldBack < alertMillis ? null : String.format("cool-down: every download waits %.0f s more "
                + "(%s); cool-downs in a row for %s; it resumes by itself", Math.ceil(left / 1000.0), coolDown.reason(),
                StatusLine.human(java.time.Duration.ofMillis(heldBack)));
    }
}
