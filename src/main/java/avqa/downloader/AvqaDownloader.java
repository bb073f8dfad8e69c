package avqa.downloader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: options become {@code avqa.*} settings, the settings are checked, and the
 * pipeline in {@code routes/*.yaml} is started on camel-main: one run, a scheduled service, or a
 * verification of the data directory. Exit status: 0 every video that has a source is complete, 1
 * some failed, 2 bad options or input or a missing tool, 3 another process holds the data directory.
 */
@Command(name = "avqa-downloader", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Assembles the MUSIC-AVQA dataset: annotations, videos and WAV audio, verified and resumable.",
                "Reads ./application.properties and ./routes/*.yaml; every option is also a property "
                        + "(-Dprop=… or an environment variable: avqa.workers is AVQA_WORKERS)."},
        footer = {"", "Exit status: 0 every video that has a source is complete; 1 some failed or the run stopped early; "
                + "2 bad options, unreadable input or missing yt-dlp/ffmpeg; 3 another process holds the data directory."})
public final class AvqaDownloader implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "PATH", description = "root of everything written (avqa.data-dir, default ./data/avqa)")
    String dataDir;
    @Option(names = "--workers", paramLabel = "N", description = "downloads at the same time (avqa.workers, default 4)")
    String workers;
    @Option(names = "--rate-limit", paramLabel = "RATE", description = "bandwidth cap per download, yt-dlp --limit-rate (avqa.rate-limit, default 50K)")
    String rateLimit;
    @Option(names = "--retry-attempts", paramLabel = "N", description = "attempts per video for transient failures (avqa.retry-attempts, default 5)")
    String retryAttempts;
    @Option(names = "--sleep", paramLabel = "SECONDS", description = "pause before each download (avqa.sleep, default 3.0)")
    String sleep;
    @Option(names = "--jitter", paramLabel = "SECONDS", description = "plus a random extra pause in [0, jitter] (avqa.jitter, default 2.0)")
    String jitter;
    @Option(names = "--video-format", paramLabel = "EXT", description = "container of the saved video: mp4 or mkv (avqa.video-format, default mp4)")
    String videoFormat;
    @Option(names = "--audio-format", paramLabel = "EXT", description = "format of the extracted audio (avqa.audio-format, default wav)")
    String audioFormat;
    @Option(names = "--dataset", paramLabel = "NAME", description = "music-avqa-v2 (default: v2.0's YouTube clips plus v1's videos) or music-avqa (v1) (avqa.dataset)")
    String dataset;
    @Option(names = "--manifest", paramLabel = "FILE", description = "clips to fetch: the v2.0 CSV, or CSV/JSON Lines with id,url[,start,end|duration,flip]; repeatable (avqa.manifests)")
    List<String> manifests;
    @Option(names = "--import-archive", paramLabel = "FILE", description = "import videos from an official archive (zip, tar, tar.gz); repeatable (avqa.import-archives)")
    List<String> archives;
    @Option(names = "--dry-run", description = "fetch the annotations, plan and report the coverage; download nothing")
    boolean dryRun;
    @Option(names = "--metadata-url", paramLabel = "URL", description = "where avqa-<split>.json are fetched from, http(s) or file: (avqa.metadata.base-url)")
    String metadataUrl;
    @Option(names = "--splits", paramLabel = "LIST", description = "annotation splits to use (avqa.metadata.splits, default train,val,test)")
    String splits;
    @Option(names = "--refresh-metadata", description = "fetch the annotations again even if metadata/ has them (avqa.metadata.refresh)")
    boolean refreshMetadata;
    @Option(names = "--retry-permanent", description = "request again videos whose last failure was permanent (avqa.retry-permanent)")
    boolean retryPermanent;
    @Option(names = "--source-url-template", paramLabel = "T", description = "URL handed to yt-dlp for a video id, with {id} (avqa.source.url-template)")
    String sourceUrlTemplate;
    @Option(names = "--max-requests", paramLabel = "N", description = "at most N download starts per period, across workers (avqa.throttle.max-requests, default 10)")
    String maxRequests;
    @Option(names = "--period", paramLabel = "SECONDS", description = "the throttle period (avqa.throttle.period, default 60)")
    String period;
    @Option(names = "--backoff", paramLabel = "SECONDS", description = "first retry delay, doubling each time (avqa.backoff.initial, default 5)")
    String backoff;
    @Option(names = "--cooldown", paramLabel = "SECONDS", description = "first IP-wide pause after a 429 or bot check, doubling on repeats (avqa.cooldown.initial, default 60)")
    String coolDown;
    @Option(names = "--cookies", paramLabel = "FILE", description = "cookies file passed to yt-dlp (avqa.cookies)")
    String cookies;
    @Option(names = "--proxy", paramLabel = "URL", description = "proxy passed to yt-dlp (avqa.proxy)")
    String proxy;
    @Option(names = "--schedule", description = "stay running and resume on the Quartz schedule (avqa.schedule.enabled)")
    boolean schedule;
    @Option(names = "--cron", paramLabel = "EXPR", description = "when to resume, Quartz cron with seconds (avqa.schedule.cron, default '0 0 2 * * ?')")
    String cron;
    @Option(names = "--no-initial-run", description = "with --schedule, wait for the first trigger instead of starting at once")
    boolean noInitialRun;
    @Option(names = "--status-interval", paramLabel = "SECONDS", description = "seconds between status lines in the log (avqa.status.interval, default 60)")
    String statusInterval;
    @Option(names = "--role", paramLabel = "ROLE", description = "all (default: one process does everything), planner "
            + "(publish one message per video to the broker) or worker (take videos from the broker); planner and "
            + "worker need avqa.broker.url and avqa.db.url (avqa.role)")
    String role;
    @Option(names = "--verify", description = "check the data directory, print a report, download nothing")
    boolean verify;
    @Option(names = "--repair", description = "with --verify, move invalid files to rejected/ so the next run fetches them again")
    boolean repair;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    /** The route file of the Quartz schedule, loaded only with --schedule. */
    static final String SCHEDULE_ROUTES = "09-schedule.yaml";
    /** The route file of the multi-host mode, loaded only with --role planner or worker. */
    static final String CLUSTER_ROUTES = "11-cluster.yaml";

    private static final org.slf4j.Logger EXIT_LOG = org.slf4j.LoggerFactory.getLogger("avqa.exit");

    private final Path home;
    private Map<String, String> env = Map.of();
    private Path logFile;

    AvqaDownloader(Path home) {
        this.home = home;
    }

    public static void main(String[] args) {
        System.exit(run(args, Path.of("").toAbsolutePath(), System.getenv()));
    }

    /** Runs the command line against the repository root {@code home}; returns the exit status. */
    public static int run(String[] args, Path home, Map<String, String> env) {
        AvqaDownloader command = new AvqaDownloader(home);
        CommandLine cli = new CommandLine(command);
        cli.setOverwrittenOptionsAllowed(true);
        cli.setParameterExceptionHandler((ex, a) -> {
            System.err.println("avqa-downloader: " + ex.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, c, p) -> {
            System.err.println("avqa-downloader: " + ex.getMessage());
            return 2;
        });
        command.env = env;
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        Settings settings;
        try {
            if (repair && !verify) {
                throw new BadInputException("--repair goes with --verify");
            }
            settings = Settings.resolve(commandLineValues(), home.resolve("application.properties"),
                    System.getProperties(), env);
            checkTools(settings);
        } catch (BadInputException e) {
            return fail(2, e.getMessage());
        }
        Path routes = home.resolve(settings.get("avqa.routes.dir")).toAbsolutePath().normalize();
        if (!Files.isDirectory(routes)) {
            return fail(2, "no routes folder at " + routes + "; run from the repository root or set avqa.routes.dir");
        }
        RunControl run = new RunControl();
        Workspace workspace = new Workspace(settings.dataDir(), settings.get("avqa.video-format"),
                settings.get("avqa.audio-format"), run);
        String node = settings.clustered() ? nodeName() : null;
        DataDirLock lock;
        try {
            if (node != null) {
                workspace.useNodeArea(node);
                lock = DataDirLock.acquireShared(workspace.root(), node);
            } else {
                lock = DataDirLock.acquire(workspace.root());
            }
        } catch (DataDirLock.HeldException e) {
            return fail(3, e.getMessage());
        } catch (BadInputException e) {
            return fail(2, e.getMessage());
        }
        ClusterConnections cluster = null;
        try (lock) {
            workspace.prepare();
            if (node != null) {
                DataDirLock.deadNodes(workspace.root(), node).forEach(workspace::removeNodeArea);
            }
            // on a cluster every node writes its own log: appends from many hosts to one file interleave
            logFile = workspace.root().resolve(node == null ? "avqa_download.log" : "avqa_download-" + node + ".log");
            logTo(logFile);
            if (settings.clustered() || (verify && !settings.get("avqa.db.url").isEmpty())) {
                cluster = new ClusterConnections(settings);
                cluster.createTables();
                if (settings.clustered()) {
                    cluster.checkBroker();
                }
            }
            return start(settings, workspace, routes, run, cluster, node);
        } catch (BadInputException e) {
            return fail(2, e.getMessage());
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** This process's name on a cluster: host and pid, as a safe name. */
    static String nodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "host";
        }
        host = host.replaceAll("[^A-Za-z0-9-]", "-");
        return host.substring(0, Math.min(40, host.length())) + "-" + ProcessHandle.current().pid();
    }

    private static int fail(int status, String message) {
        System.err.println("avqa-downloader: " + message);
        return status;
    }

    private int start(Settings settings, Workspace workspace, Path routes, RunControl run, ClusterConnections cluster,
                      String node) {
        boolean scheduled = settings.flag("avqa.schedule.enabled") && !verify && !dryRun;
        String role = settings.get("avqa.role");
        boolean worker = role.equals("worker") && !verify && !dryRun;
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:" + home.resolve("application.properties") + ";optional=true");
        Properties props = settings.asCamelProperties();
        props.setProperty("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        List<String> exclude = new java.util.ArrayList<>();
        if (!scheduled) {
            // a run that is not a service has no use for the Quartz route: not loading it spares the
            // start and stop of a Quartz scheduler (~0.4 s of every run)
            exclude.add("file:" + routes + "/" + SCHEDULE_ROUTES);
        }
        if (!settings.clustered() || verify || dryRun) {
            exclude.add("file:" + routes + "/" + CLUSTER_ROUTES);
        }
        if (!exclude.isEmpty()) {
            props.setProperty("camel.main.routes-exclude-pattern", String.join(",", exclude));
        }
        props.setProperty("avqa.worker", String.valueOf(worker));
        props.setProperty("camel.main.routes-reload-directory", routes.toString());
        props.setProperty("avqa.schedule.enabled", String.valueOf(scheduled));
        main.setOverrideProperties(props);
        Beans.bind(main, settings, workspace, run, cluster, node, scheduled, verify || dryRun);
        CountDownLatch finished = new CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            // SIGTERM or Ctrl-C: no new download starts, running tools are stopped, the videos in
            // hand stay pending; the run then writes its records and summary as usual.
            run.shutdown("stopped by a signal (SIGTERM or Ctrl-C)");
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            RunControl.stopChildProcesses();
            if (scheduled || worker) {
                // a service (or a cluster worker) asked to stop has done nothing wrong
                Runtime.getRuntime().halt(0);
            }
        }, "avqa-shutdown");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            main.start();
            ProducerTemplate template = main.getCamelContext().createProducerTemplate();
            if (dryRun) {
                System.out.print(template.requestBody("direct:dry-run", null, String.class));
                return 0;
            }
            if (verify) {
                Verifier.Report report = template.requestBody("direct:verify", repair, Verifier.Report.class);
                System.out.print(report.text());
                return report.exitCode();
            }
            if (worker) {
                // the consumer route takes videos from the queue until the process is told to stop;
                // a stop of its own (a full disk, a bot check that stays) ends it with status 1
                EXIT_LOG.info("Worker {} takes videos from the queue {} at {}", node, settings.get("avqa.broker.queue"),
                        settings.get("avqa.broker.url"));
                template.sendBody("direct:worker-start", "");
                while (!run.isShuttingDown() && !run.isStopping()) {
                    Thread.sleep(200);
                }
                if (!run.isShuttingDown()) {
                    System.err.println("avqa-downloader: worker stopped: " + run.stopReason());
                    return 1;
                }
                return 0;
            }
            if (scheduled) {
                if (settings.flag("avqa.schedule.initial-run")) {
                    template.sendBody("direct:guarded-run", "");
                }
                while (!run.isShuttingDown()) {
                    Thread.sleep(200);
                }
                run.awaitIdle(30_000);
                return 0;
            }
            if (role.equals("planner")) {
                RunReport.Summary summary = template.requestBody("direct:publish-videos", null, RunReport.Summary.class);
                if (summary.stoppedBecause() != null) {
                    System.err.println("avqa-downloader: planning stopped early: " + summary.stoppedBecause());
                    return 1;
                }
                return 0;
            }
            RunReport.Summary summary = template.requestBody("direct:run", null, RunReport.Summary.class);
            if (summary.stoppedBecause() != null) {
                System.err.println("avqa-downloader: run stopped early: " + summary.stoppedBecause());
            }
            return summary.exitCode();
        } catch (Exception e) {
            Throwable bad = rootBadInput(e);
            if (bad != null) {
                EXIT_LOG.error(bad.getMessage());
                return fail(2, bad.getMessage());
            }
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            EXIT_LOG.error("run stopped by an unexpected error", e);
            return fail(1, "run stopped: " + root.getMessage() + " (details in "
                    + logFile + ")");
        } finally {
            try {
                main.stop();
            } catch (Exception ignored) {
                // stopping is best effort
            }
            RunControl.stopChildProcesses();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for this
            }
        }
    }

    private static Throwable rootBadInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadInputException) {
                return t;
            }
        }
        return null;
    }

    private Map<String, String> commandLineValues() {
        Map<String, String> v = new LinkedHashMap<>();
        put(v, "avqa.data-dir", dataDir);
        put(v, "avqa.workers", workers);
        put(v, "avqa.rate-limit", rateLimit);
        put(v, "avqa.retry-attempts", retryAttempts);
        put(v, "avqa.sleep", sleep);
        put(v, "avqa.jitter", jitter);
        put(v, "avqa.video-format", videoFormat);
        put(v, "avqa.audio-format", audioFormat);
        put(v, "avqa.dataset", dataset);
        put(v, "avqa.manifests", manifests == null ? null : String.join(",", manifests));
        put(v, "avqa.import-archives", archives == null ? null : String.join(",", archives));
        put(v, "avqa.metadata.base-url", metadataUrl);
        put(v, "avqa.metadata.splits", splits);
        put(v, "avqa.metadata.refresh", refreshMetadata ? "true" : null);
        put(v, "avqa.retry-permanent", retryPermanent ? "true" : null);
        put(v, "avqa.source.url-template", sourceUrlTemplate);
        put(v, "avqa.throttle.max-requests", maxRequests);
        put(v, "avqa.throttle.period", period);
        put(v, "avqa.backoff.initial", backoff);
        put(v, "avqa.cooldown.initial", coolDown);
        put(v, "avqa.cookies", cookies);
        put(v, "avqa.proxy", proxy);
        put(v, "avqa.schedule.enabled", schedule ? "true" : null);
        put(v, "avqa.schedule.cron", cron);
        put(v, "avqa.schedule.initial-run", noInitialRun ? "false" : null);
        put(v, "avqa.status.interval", statusInterval);
        put(v, "avqa.role", role);
        return v;
    }

    private static void put(Map<String, String> v, String key, String value) {
        if (value != null) {
            v.put(key, value);
        }
    }

    /** yt-dlp, ffmpeg and ffprobe must be runnable before any work starts. */
    static void checkTools(Settings settings) {
        for (String key : List.of("avqa.tools.yt-dlp", "avqa.tools.ffmpeg", "avqa.tools.ffprobe")) {
            String tool = settings.get(key);
            if (!onPath(tool)) {
                throw new BadInputException(tool + " was not found; install it (Debian/Ubuntu: sudo apt-get install "
                        + "yt-dlp ffmpeg) or set " + key + " to its path");
            }
        }
    }

    private static boolean onPath(String tool) {
        if (tool.contains("/")) {
            return Files.isExecutable(Path.of(tool));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Points the log file appender at {@code <data-dir>/avqa_download.log}. */
    private static void logTo(Path logFile) {
        System.setProperty("avqa.log.file", logFile.toString());
        ((LoggerContext) LogManager.getContext(false)).reconfigure();
    }
}
