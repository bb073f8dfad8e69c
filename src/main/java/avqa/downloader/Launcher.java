package avqa.downloader;

import avqa.downloader.cluster.ClusterConnections;
import avqa.downloader.settings.CamelProperties;
import avqa.downloader.settings.CommandLineOptions;
import avqa.downloader.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Everything between the command line and the routes: the settings resolved and checked, the tools
 * found, the data directory locked and tidied, the log pointed into it, the multi-host connections
 * opened, and camel-main started with the route files this mode needs; then {@link RunModes} runs
 * what was asked.
 */
final class Launcher {

    /** The route file of the Quartz schedule, loaded only with --schedule. */
    static final String SCHEDULE_ROUTES = "40-schedule.yaml";
    /** The route file of the multi-host mode, loaded only with --role planner or worker. */
    static final String CLUSTER_ROUTES = "60-cluster.yaml";

    private final Path home;
    private final Map<String, String> env;
    private final CommandLineOptions.Parsed cli;

    Launcher(Path home, Map<String, String> env, CommandLineOptions.Parsed cli) {
        this.home = home;
        this.env = env;
        this.cli = cli;
    }

    static int fail(int status, String message) {
        System.err.println("avqa-downloader: " + message);
        return status;
    }

    int launch() {
        Settings settings;
        try {
            for (String withVerify : List.of("--repair", "--checksums", "--against")) {
                if ((cli.has(withVerify) || cli.actionValue(withVerify) != null) && !cli.has("--verify")) {
                    throw new BadInputException(withVerify + " goes with --verify");
                }
            }
            String against = cli.actionValue("--against");
            if (against != null && !readableFile(against)) {
                throw new BadInputException("--against: cannot read " + Redact.text(against, 300)
                        + " (a SHA256SUMS file of another copy of the dataset)");
            }
            settings = Settings.resolve(cli.values(), home.resolve("application.properties"), System.getProperties(), env);
            debugLogging(settings.flag("avqa.debug"));
            if (cli.has("--version")) {
                logTo(Path.of("/dev/null"), 1L << 60, 1);
                return VersionReport.print(settings, System.out);
            }
            if (cli.has("--doctor")) {
                // a check of the machine: no lock, no pipeline, nothing written (not even a log file)
                logTo(Path.of("/dev/null"), 1L << 60, 1);
                return new Doctor(settings, System.out).run();
            }
            Tools.check(settings);
            if (!cli.has("--verify")) {
                AudioEncoding.check(settings);
            }
            if (!settings.get("avqa.cookies").isEmpty()) {
                // the doctor's check of the cookies file, made before any request: a file yt-dlp cannot read
                // would fail every YouTube download it is given to
                Doctor.Finding cookies = SetupCheckup.cookies(Path.of(settings.get("avqa.cookies")).toAbsolutePath());
                if (cookies.level() == Doctor.Finding.Level.FAIL) {
                    throw new BadInputException("--cookies: " + cookies.text());
                }
            }
        } catch (BadInputException e) {
            return fail(2, e.getMessage());
        }
        try {
            // a --management-port taken (a typo, another service) is refused before anything is written: no data
            // directory, no lock, no log
            ManagementEndpoint.refuseTaken(settings, cli.has("--verify") || cli.has("--dry-run"));
        } catch (BadInputException e) {
            return fail(2, e.getMessage());
        }
        Path routes = home.resolve(settings.get("avqa.routes.dir")).toAbsolutePath().normalize();
        if (!Files.isDirectory(routes)) {
            return fail(2, "no routes folder at " + routes + "; run from the repository root (scripts/avqa.sh runs there from anywhere) or set avqa.routes.dir");
        }
        RunControl run = new RunControl();
        Workspace workspace = new Workspace(settings.dataDir(), settings.get("avqa.video-format"),
                settings.get("avqa.audio-format"));
        WorkArea work = new WorkArea(workspace.root());
        String node = settings.clustered() ? nodeName() : null;
        boolean verify = cli.has("--verify");
        if (verify && !java.nio.file.Files.isDirectory(workspace.root())) {
            // a typo in --data-dir: nothing to check, and nothing is made there (a lock, folders and a log were)
            return fail(2, "--verify: " + Redact.text(workspace.root().toString(), 300) + " is not there: nothing to check "
                    + "(give --data-dir the data directory a run made)");
        }
        // a read-only copy (a read-only share or bind mount): --verify alone checks it without a lock (nobody
        // can write it), a log file, or any folder made; a run and --repair are refused before anything
        Path readOnlyAt = ReadOnlyDataDir.where(workspace);
        boolean readOnly = readOnlyAt != null;
        DataDirLock lock = null;
        // on a cluster every node writes its own log: appends from many hosts to one file interleave
        Path logFile = workspace.root().resolve(node == null ? "avqa_download.log" : "avqa_download-" + node + ".log");
        try {
            workspace.refuseNonFiles(logFile.getFileName().toString());
            if (!readOnly) {
                workspace.refuseLinks(logFile.getFileName().toString());
                if (node != null) {
                    work.useNodeArea(node);
                    lock = DataDirLock.acquireShared(workspace.root(), node);
                } else {
                    lock = DataDirLock.acquire(workspace.root());
                }
            }
        } catch (DataDirLock.HeldException e) {
            return fail(3, e.getMessage());
        } catch (ReadOnlyDataDir.Found e) {
            // mounted read-write, but its writes are refused (a share exported read-only): read-only all the same
            readOnly = true;
            readOnlyAt = workspace.root();
        } catch (BadInputException e) {
            return fail(2, e.getMessage());
        }
        String refused = readOnly ? ReadOnlyDataDir.refusal(readOnlyAt, verify, cli.has("--repair")) : null;
        if (refused != null) {
            return fail(2, refused);
        }
        ClusterConnections cluster = null;
        try (DataDirLock held = lock) {
            if (readOnly) {
                workspace.prepareReadOnly(readOnlyAt);
                // the console only: nothing is written in the data directory
                logFile = null;
                logTo(Path.of("/dev/null"), 1L << 60, 1);
            } else {
                workspace.prepare(node != null);
                work.prepare();
                int oldLogs = 0;
                if (node != null) {
                    DataDirLock.deadNodes(workspace.root(), node).forEach(work::removeNodeArea);
                    oldLogs = NodeLogs.prune(workspace.root(), node, settings.getInt("avqa.log.keep"));
                }
                logTo(logFile, settings.bytes("avqa.log.max-size"), settings.getInt("avqa.log.keep"));
                if (oldLogs > 0) {
                    org.slf4j.LoggerFactory.getLogger("avqa.run").info("Deleted the logs of {} earlier {} gone (the "
                            + "avqa.log.keep most recent of those are kept)", oldLogs, oldLogs == 1 ? "process" : "processes");
                }
            }
            if (!verify) {
                // said, not left to be found out: which requests go through which proxy (a proxy paid by the
                // gigabyte would not want the archives; a network that allows only its proxy needs them there)
                org.slf4j.Logger said = org.slf4j.LoggerFactory.getLogger("avqa.run");
                if (settings.proxies().any()) {
                    said.info("proxies from the environment, for the annotations, the archives and the video files (and "
                            + "for yt-dlp, which reads them too): " + settings.proxies().describe());
                    for (String problem : settings.proxies().problems()) {
                        said.warn(problem + ". Until then every request of this tool that would go through it fails "
                                + "(yt-dlp may use it)");
                    }
                }
                if (!settings.get("avqa.proxy").isEmpty() && !cli.has("--dry-run")) {
                    said.info("--proxy is used by yt-dlp, which then fetches every video; the annotations and the archives "
                            + (settings.proxies().any() ? "go as the environment's proxies say (above), not through it"
                            : "are fetched directly, not through it (https_proxy in the environment would send them through a proxy)"));
                }
            }
            if (settings.clustered() || (verify && !settings.get("avqa.db.url").isEmpty())) {
                // the PostgreSQL driver logs through java.util.logging (a stack trace on stderr when a
                // connection breaks): into our log instead, one line each (0.04-0.1 s, so only here)
                org.apache.logging.log4j.jul.Log4jBridgeHandler.install(true, null, false);
                cluster = new ClusterConnections(settings);
                cluster.createTables();
                if (settings.clustered()) {
                    cluster.checkBroker();
                }
            }
            return start(settings, new Wiring.Parts(workspace, held, work, run, cluster, node), routes, logFile);
        } catch (BadInputException e) {
            return fail(2, e.getMessage());
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private int start(Settings settings, Wiring.Parts parts, Path routes, Path logFile) {
        boolean verify = cli.has("--verify");
        boolean dryRun = cli.has("--dry-run");
        boolean scheduled = settings.flag("avqa.schedule.enabled") && !verify && !dryRun;
        boolean worker = settings.get("avqa.role").equals("worker") && !verify && !dryRun;
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:" + home.resolve("application.properties") + ";optional=true");
        Properties props = CamelProperties.of(settings);
        props.setProperty("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        List<String> exclude = new ArrayList<>();
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
        int managementPort = ManagementEndpoint.port(settings, scheduled || worker, verify || dryRun);
        ManagementEndpoint.configure(props, settings, managementPort);
        main.setOverrideProperties(props);
        Wiring.bind(main, settings, parts, scheduled, verify || dryRun, verify, managementPort > 0);
        return new RunModes(main, settings, parts.run(), logFile).run(cli, scheduled, worker, parts.node());
    }

    private static boolean readableFile(String path) {
        try {
            return Files.isRegularFile(Path.of(path)) && Files.isReadable(Path.of(path));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
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

    /**
     * With --debug, the log and the console get the stack traces of unexpected errors and Camel's own
     * report of a route edit it could not load; without it every failure is one line.
     */
    private static void debugLogging(boolean debug) {
        if (debug) {
            System.setProperty("avqa.log.traces", "true");
            System.setProperty("avqa.log.debug-level", "all");
            System.setProperty("avqa.log.camel-reload-level", "warn");
        } else {
            System.clearProperty("avqa.log.traces");
            System.clearProperty("avqa.log.debug-level");
            System.clearProperty("avqa.log.camel-reload-level");
        }
    }

    /**
     * Points the log file appender at {@code <data-dir>/avqa_download.log}, rolled over to {@code .1},
     * {@code .2}... once larger than {@code maxBytes}, {@code keep} of them kept.
     */
    private static void logTo(Path logFile, long maxBytes, int keep) {
        System.setProperty("avqa.log.file", logFile.toString());
        // the rolled-over names are a pattern, in which a % of the path would be read as a conversion
        System.setProperty("avqa.logfile.rolled", logFile.toString().replace("%", "%%") + ".%i");
        System.setProperty("avqa.logfile.max-bytes", Long.toString(maxBytes));
        System.setProperty("avqa.logfile.keep", Integer.toString(keep));
        ((LoggerContext) LogManager.getContext(false)).reconfigure();
        LogTrouble.watch(logFile);
    }
}
