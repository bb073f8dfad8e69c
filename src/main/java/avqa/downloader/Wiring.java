package avqa.downloader;

import avqa.downloader.cluster.BrokerLink;
import avqa.downloader.cluster.ClusterConnections;
import avqa.downloader.cluster.DatabaseGate;
import avqa.downloader.cluster.Leases;
import avqa.downloader.cluster.ClusterRecord;
import avqa.downloader.cluster.QueueMessages;
import avqa.downloader.settings.Settings;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.main.Main;

/** Creates the beans the routes call, by the names the routes use. */
final class Wiring {

    /**
     * What the launcher made before Camel: the data directory (and its lock), the run's control, the
     * cluster's connections, this node's name on a cluster.
     */
    record Parts(Workspace workspace, DataDirLock lock, WorkArea work, RunControl run, ClusterConnections cluster,
                 String node) {
    }

    private Wiring() {
    }

    /**
     * With a cluster (a planner, a worker, or --verify with a database): the broker, the database's
     * record of complete videos and, for --schedule, the clustered Quartz component too. A check
     * ({@code readOnly}: --verify, --dry-run) only reads the record. With the management endpoint
     * ({@code managed}), its metrics and health checks. {@code verify}: the files are checked even when the
     * progress file is damaged (one problem more in the report). A data directory on a read-only file system
     * ({@link Workspace#readOnly}), which only --verify checks, has nothing written in it.
     */
    static void bind(Main main, Settings settings, Parts parts, boolean scheduled, boolean readOnly, boolean verify,
                     boolean managed) {
        Workspace workspace = parts.workspace();
        RunControl run = parts.run();
        // a service resumes a run a full disk stopped once it has the room its health asks for
        DiskFull diskFull = new DiskFull(workspace.root(), run, settings.bytes("avqa.management.min-free-disk"));
        ProgressBook progress = new ProgressBook(workspace.root(), diskFull);
        if (workspace.readOnly()) {
            progress.writesNothing();
        }
        main.bind("dataDirWatch", new DataDirWatch(workspace.root(), parts.lock(), run,
                new PublishedFolders(java.util.List.of(workspace.videosDir(), workspace.audioDir(), workspace.framesDir()))));
        boolean worker = settings.get("avqa.role").equals("worker");
        DatabaseGate gate = parts.cluster() == null ? null
                : new DatabaseGate(parts.cluster().dataSource(), run, Redact.url(settings.get("avqa.db.url")));
        ClusterRecord record = gate == null ? null
                : new ClusterRecord(parts.cluster().dataSource(), settings.get("avqa.broker.queue"), workspace, run, gate);
        // which worker is at which video (none outside a cluster worker)
        main.bind("leases", gate == null || !worker ? Leases.none()
                : new Leases(parts.cluster().dataSource(), gate, settings.get("avqa.broker.queue"), parts.node()));
        if (record != null) {
            // a check reads the record and writes nothing; a worker writes no progress file
            progress.useCluster(record, !readOnly && !worker, !readOnly);
        }
        if (record != null && !readOnly) {
            main.bind("clusterRecord", record);
            // whether the database and the broker can be reached: the hooks for a readiness check
            main.bind("databaseGate", gate);
            main.bind("brokerLink", parts.cluster().brokerLink());

            main.bind("completeVideos", record.repository());
            main.bind("queueMessages", new QueueMessages(workspace, record, worker
                    ? new avqa.downloader.cluster.AllowedSources(settings) : null, settings.getInt("avqa.broker.max-deliveries")));
            main.bind("jms", JmsComponent.jmsComponent(settings.get("avqa.role").equals("planner")
                    ? parts.cluster().publishingConnectionFactory() : parts.cluster().connectionFactory()));
            if (scheduled) {
                main.bind("quartz", parts.cluster().clusteredQuartz());
            }
        }
        if (verify) {
            // the files are checked without the record: a damaged progress file is one of the problems reported
            progress.loadToCheck();
        } else {
            progress.load();
        }
        main.bind("diskFull", diskFull);
        main.bind("toolGone", new ToolGone(run, settings.getInt("avqa.tools.not-started-limit")));
        main.bind("stopRecheck", new StopRecheck(run));
        VideoIdRules rules = new VideoIdRules(settings.get("avqa.source.url-template"));
        FailureRecords failures = new FailureRecords(workspace);
        ImportLedger imports = new ImportLedger();
        ToolVersions tools = new ToolVersions(settings);
        double fps = number(settings.get("avqa.frames.fps"));
        double padTo = number(settings.get("avqa.pad-to"));
        String audioFormat = settings.get("avqa.audio-format");
        String framesPattern = settings.get("avqa.frames.pattern");
        OutputSettings outputs = new OutputSettings(workspace, audioFormat, settings.get("avqa.audio.rate"),
                settings.get("avqa.audio.channels"), settings.get("avqa.pad-to"), settings.get("avqa.frames.fps"),
                framesPattern, settings.get("avqa.frames.method").equals("reference"), readOnly, verify);
        Provenance provenance = new Provenance(workspace, audioFormat, fps, framesPattern, tools);
        Checksums checksums = new Checksums(workspace.root());
        VideoPlanner planner = new VideoPlanner(new AnnotationReader(!workspace.readOnly(), diskFull), rules,
                new VideoIdRules(settings.get("avqa.source.clip-url-template")), progress, workspace, failures,
                settings.dataset(), settings.splits(), settings.files("avqa.manifests"), settings.flag("avqa.retry-permanent"),
                outputs, fps > 0);
        CoolDown coolDown = new CoolDown(settings.millis("avqa.cooldown.initial"),
                settings.getSeconds("avqa.cooldown.multiplier"), settings.millis("avqa.cooldown.max"),
                settings.getInt("avqa.cooldown.reset-after"), settings.getInt("avqa.cooldown.bot-check-limit"),
                settings.getInt("avqa.cooldown.network-limit"), run);
        HostThrottle hostThrottle = new HostThrottle(avqa.downloader.settings.CamelProperties.throttleGapMillis(settings),
                (settings.millis("avqa.throttle.period") + settings.getInt("avqa.throttle.min-requests") - 1)
                        / settings.getInt("avqa.throttle.min-requests"), settings.millis("avqa.throttle.recover-after"));
        coolDown.slowsDown(hostThrottle);
        main.bind("hostThrottle", hostThrottle);
        // camel-main takes a ShutdownStrategy bean as the context's: an edit of the pacing file waits 0.5 s
        main.bind("shutdownStrategy", new ReloadShutdown());
        FailureClassifier classifier = new FailureClassifier(coolDown, diskFull, run,
                new OutdatedToolStop(settings.getInt("avqa.tools.outdated-limit"), tools, run));
        main.bind("failureClassifier", classifier);
        main.bind("shown", new Shown());
        main.bind("workspace", workspace);
        main.bind("workArea", parts.work());
        main.bind("jobs", new Jobs(workspace, parts.work()));
        main.bind("publisher", new Publisher(workspace, parts.work(), diskFull, run, checksums, worker));
        main.bind("provenance", provenance);
        main.bind("checksums", checksums);
        main.bind("outputSettings", outputs);
        main.bind("padding", new Padding(padTo, settings.bytes("avqa.audio.max-size")));
        Frames frames = new Frames(fps, framesPattern, padTo, settings.get("avqa.frames.method").equals("reference"),
                workspace, outputs);
        main.bind("frames", frames);
        main.bind("progressBook", progress);
        main.bind("failureRecords", failures);
        main.bind("videoPlanner", planner);
        DispatchRecheck dispatchRecheck = new DispatchRecheck(planner, imports);
        main.bind("dispatchRecheck", dispatchRecheck);
        main.bind("planFile", new PlanFile(planner, workspace));
        ArchiveProgress archiveProgress = new ArchiveProgress();
        HostCredentials hostCredentials = new HostCredentials();
        // the annotations' host may ask for the user name and password of --metadata-url
        hostCredentials.requestUri(settings.get("avqa.metadata.base-url"));
        main.bind("metadataUrls", new MetadataUrls(settings.get("avqa.metadata.base-url"), settings.metadataDir()));
        main.bind("fetchedMetadata", new FetchedMetadata(workspace.metadataDir(), settings.metadataDir().isEmpty()));
        main.bind("metadataSources", new MetadataSources(workspace.metadataDir(), settings.dataset().metadataFiles(settings.splits()),
                settings.get("avqa.metadata.base-url"), settings.metadataDir(), readOnly, diskFull));
        ArchiveTransfer.SpeedFloor speedFloor = new ArchiveTransfer.SpeedFloor(settings.bytes("avqa.archive.speed-limit"),
                settings.getSeconds("avqa.archive.speed-time"));
        ArchiveFetch archiveFetch = new ArchiveFetch(workspace.root(), settings.archiveUrls(), hostCredentials,
                settings.bytes("avqa.archive.max-size"), speedFloor,
                settings.flag("avqa.archive.download") ? settings.get("avqa.archive.url") : null, planner, diskFull, run,
                archiveProgress, new ArchiveListing(settings.get("avqa.tools.bsdtar")));
        // a local copy of the dataset's archive, given with --import-archive, spares its download
        archiveFetch.datasetArchiveAfterLocalOnes(!settings.archiveFiles().isEmpty());
        main.bind("archiveFetch", archiveFetch);
        main.bind("metadataLimit", new BodyLimit(settings.bytes("avqa.metadata.max-size"), speedFloor, run));
        ArchiveEntries archiveEntries = new ArchiveEntries(settings.get("avqa.tools.bsdtar"), run, workspace.root());
        main.bind("archiveEntries", archiveEntries);
        RunCounters counters = new RunCounters(run, planner, imports);
        FailureNotRecorded failureNotRecorded = new FailureNotRecorded(run, counters);
        ImportsInFlight importsInFlight = new ImportsInFlight(run, settings.getInt("avqa.workers"), failureNotRecorded,
                workspace.root());
        main.bind("importsInFlight", importsInFlight);
        main.bind("fetchedInFlight", new FetchedInFlight(run,
                settings.getInt("avqa.workers") * settings.getInt("avqa.download.look-ahead"), failureNotRecorded));
        ArchiveImport archiveImport = new ArchiveImport(settings.archiveFiles(), archiveFetch, planner, imports,
                importsInFlight, diskFull, settings.get("avqa.video-format"), settings.bytes("avqa.archive.max-entry-size"), run);
        archiveImport.readBy(archiveEntries);
        main.bind("archiveImport", archiveImport);
        main.bind("clipWindows", new ClipWindows(planner));
        main.bind("hostCredentials", hostCredentials);
        DownloadSizeWatch sizeWatch = new DownloadSizeWatch(settings.bytes("avqa.download.max-size"));
        main.bind("downloadSizeWatch", sizeWatch);
        // an answer's head within 30 s, as a stalled body (or within avqa.download.timeout, when shorter)
        hostCredentials.proxies(settings.proxies());
        HttpClientSetup httpClientSetup = new HttpClientSetup(hostCredentials, settings.proxies(),
                Math.min(30_000, settings.millis("avqa.download.timeout")), settings.millis("avqa.download.timeout"));
        run.onStop(() -> httpClientSetup.abortWaiting(run.stopReason()));
        main.bind("httpClientSetup", httpClientSetup);
        main.bind("http", new HttpComponentSetup());
        // an OutOfMemoryError in a worker ends the run in one line instead of losing its video silently
        main.bind("threadPools", new FatalErrorExit.ThreadPools());
        main.bind("fatalErrorExit", new FatalErrorExit());
        main.bind("fatalErrorEvents", new FatalErrorExit.Notifier());

        Pacing pacing = new Pacing(settings.millis("avqa.sleep"), settings.millis("avqa.jitter"),
                settings.millis("avqa.backoff.initial"), settings.getSeconds("avqa.backoff.multiplier"),
                settings.millis("avqa.backoff.max"));
        main.bind("pacing", pacing);
        main.bind("annotationRetry", new AnnotationRetry(pacing, settings.getInt("avqa.retry-attempts"),
                settings.millis("avqa.backoff.max"), run));
        main.bind("coolDown", coolDown);
        main.bind("runControl", run);
        main.bind("turnWaits", run.turns());
        YtDlp ytDlp = new YtDlp(settings, classifier, tools, new GenericPages());
        main.bind("ytDlp", ytDlp);
        main.bind("ytDlpBatch", new YtDlpBatch(ytDlp, sizeWatch));
        main.bind("ytDlpEnvironment", new YtDlpEnvironment());
        main.bind("batchDeliveries", new BatchDeliveries(ytDlp));
        main.bind("youtubeGate", new YoutubeGate(tools, settings.clustered(), dispatchRecheck, settings.importsArchives()));
        main.bind("spaceCheck", new SpaceCheck(workspace.root(), settings.getInt("avqa.workers")));
        main.bind("paceHint", new PaceHint(avqa.downloader.settings.CamelProperties.throttleGapMillis(settings),
                settings.getInt("avqa.throttle.max-requests"), settings.get("avqa.throttle.period")));
        Ffmpeg ffmpeg = new Ffmpeg(workspace.root(), audioFormat, settings.get("avqa.audio.rate"),
                settings.get("avqa.audio.channels"), settings.bytes("avqa.audio.max-size"), diskFull, run, classifier);
        main.bind("ffmpeg", ffmpeg);
        FfmpegRuns ffmpegRuns = new FfmpegRuns(ffmpeg, run, settings.getInt("avqa.workers"),
                settings.bytes("avqa.audio.max-size"));
        main.bind("ffmpegRuns", ffmpegRuns);
        main.bind("ffmpegWatchdog", new FfmpegWatchdog());
        main.bind("mediaValidator", new MediaValidator(run, frames, classifier));
        MediaFileFetcher fastPath = new MediaFileFetcher(settings, classifier, diskFull, run);
        main.bind("mediaFileFetcher", fastPath);
        main.bind("downloadBatches", new DownloadBatches(settings, fastPath));
        main.bind("toolVersions", tools);
        if (!readOnly && !settings.get("avqa.role").equals("planner") && settings.archiveFiles().isEmpty()
                && !fastPath.appliesTo(settings.get("avqa.source.url-template").replace("{id}", "x"))) {
            // a run that downloads through yt-dlp: the versions its first download and record need are asked meanwhile;
            // the fast path asks ffmpeg's at its first answer instead (route fetch-media-file), not while the JVM starts,
            // and a run that imports archives from this disk (whose start the two would slow) ffmpeg's at its first audio
            // (route extract-audio), yt-dlp's only if a YouTube download is left after the imports (youtubeGate) or a
            // video they lack goes to yt-dlp
            tools.askAhead();
        }
        StatusLine status = new StatusLine(counters, progress, coolDown, planner, archiveProgress);
        if (record != null && worker) {
            BrokerLink brokerLink = parts.cluster().brokerLink();
            status.useCluster(record, parts.node(), () -> brokerLink.statusNote() + gate.statusNote());
        }
        main.bind("counters", counters);
        main.bind("failureNotRecorded", failureNotRecorded);
        main.bind("suspectImports", new SuspectImports(workspace, progress, checksums, archiveImport, imports, counters));
        main.bind("statusLine", status);
        RunSummary runSummary = new RunSummary(counters, status, progress, failures, parts.work(), workspace, run, settings,
                planner, provenance, rules.isYoutube(), checksums);
        runSummary.archivesFrom(archiveFetch, archiveImport);
        if (!settings.get("avqa.role").equals("planner")) {
            runSummary.countPasses(ffmpegRuns);
        }
        main.bind("runSummary", runSummary);
        Verifier verifier = new Verifier(workspace, run, new AnnotationReader(false), settings.dataset(), settings.splits(),
                failures, checksums, fps > 0 ? fps : number(outputs.recorded("frames_fps")),
                padTo > 0 ? padTo : number(outputs.recorded("audio_pad_to")),
                fps > 0 ? settings.get("avqa.frames.method").equals("reference") : outputs.recorded("frames_method").equals("reference"),
                outputs.recorded("frames_pattern").isEmpty() ? framesPattern : outputs.recorded("frames_pattern"));
        // the frames' padding as this command line asks, else as the frames were made (which may not be the audio's)
        verifier.framesPadTo(padTo > 0 ? padTo : number(outputs.recorded("frames_pad_to")));
        // the audio's rate and channels as this command line asks, else as the files were made
        // (-1: not known, outputs.json damaged or not there: not checked)
        verifier.audioShape(settings.get("avqa.audio.rate").isEmpty() ? !outputs.recordedHere() ? -1
                        : (int) number(outputs.recorded("audio_rate")) : (int) number(settings.get("avqa.audio.rate")),
                settings.get("avqa.audio.channels").isEmpty() ? !outputs.recordedHere() ? -1
                        : (int) number(outputs.recorded("audio_channels")) : (int) number(settings.get("avqa.audio.channels")));
        boolean framesAsked = fps > 0 || number(outputs.recorded("frames_fps")) > 0;
        // complete as recorded, and as the check found its files (as the files alone when the record cannot be read)
        java.util.function.Predicate<String> recorded = progress.damage() == null ? planner::isComplete : workspace::isComplete;
        verifier.coverageFrom((valid, invalid, framesWhole) -> planner.plannedVideos() == 0 ? "" : planner.coverage().report(
                id -> recorded.test(id) && valid.test(id), failures,
                provenance.groups(), framesAsked ? id -> java.nio.file.Files.isDirectory(workspace.frames(id))
                        && framesWhole.test(id) : null,
                id -> recorded.test(id) && invalid.test(id)));
        verifier.progressDamage(progress.damage());
        if (record != null) {
            verifier.clusterRecordFrom(record);
        }
        main.bind("verifier", verifier);
        main.bind("retryLog", new RetryLog(settings.getInt("avqa.retry-attempts")));
        if (managed) {
            ManagementBeans.bind(main, settings, parts, counters, coolDown, progress, worker ? record : null);
        }
    }

    /** An optional number (a setting, already checked, or a value of outputs.json): 0 when empty or not a number. */
    private static double number(String value) {
        try {
            double v = value.isEmpty() ? 0 : Double.parseDouble(value);
            return Double.isFinite(v) && v > 0 ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
