package avqa.downloader;

import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.main.Main;

/** Creates the beans the routes call, by the names the routes use. */
final class Beans {

    private Beans() {
    }

    static void bind(Main main, Settings settings, Workspace workspace, RunControl run) {
        bind(main, settings, workspace, run, null, null, false, false);
    }

    /**
     * With {@code cluster} (a planner, a worker, or --verify with a database): the broker, the
     * database's record of complete videos and, for --schedule, the clustered Quartz component too.
     * A check ({@code verifying}) only reads the record.
     */
    static void bind(Main main, Settings settings, Workspace workspace, RunControl run, ClusterConnections cluster,
                     String node, boolean scheduled, boolean verifying) {
        ProgressBook progress = new ProgressBook(workspace.root());
        ClusterRecord record = cluster == null ? null
                : new ClusterRecord(cluster.dataSource(), settings.get("avqa.broker.queue"), workspace, run);
        if (record != null) {
            // a check reads the record and writes nothing; a worker writes no progress file
            progress.useCluster(record, !verifying && !settings.get("avqa.role").equals("worker"), !verifying);
        }
        if (record != null && !verifying) {
            main.bind("clusterRecord", record);
            main.bind("completeVideos", record.repository());
            main.bind("queueMessages", new QueueMessages(workspace, record));
            main.bind("jms", JmsComponent.jmsComponent(settings.get("avqa.role").equals("planner")
                    ? cluster.publishingConnectionFactory() : cluster.connectionFactory()));
            if (scheduled) {
                main.bind("quartz", cluster.clusteredQuartz());
            }
        }
        progress.load();
        VideoIdRules rules = new VideoIdRules(settings.get("avqa.source.url-template"));
        FailureRecords failures = new FailureRecords(workspace);
        main.bind("workspace", workspace);
        main.bind("progressBook", progress);
        main.bind("failureRecords", failures);
        VideoPlanner planner = new VideoPlanner(new AnnotationPlanner(), rules,
                new VideoIdRules(settings.get("avqa.source.clip-url-template")), progress, workspace, failures,
                settings.dataset(), settings.splits(), settings.files("avqa.manifests"), settings.flag("avqa.retry-permanent"));
        main.bind("videoPlanner", planner);
        main.bind("archives", new Archives(settings.files("avqa.import-archives"), workspace, planner,
                settings.get("avqa.video-format")));
        main.bind("zipSplitter", new org.apache.camel.dataformat.zipfile.ZipSplitter());
        main.bind("tarSplitter", new org.apache.camel.dataformat.tarfile.TarSplitter());
        main.bind("pacing", new Pacing(settings.millis("avqa.sleep"), settings.millis("avqa.jitter")));
        main.bind("commandLines", new CommandLines(settings, workspace));
        CoolDown coolDown = new CoolDown(settings.millis("avqa.cooldown.initial"),
                settings.getSeconds("avqa.cooldown.multiplier"), settings.millis("avqa.cooldown.max"),
                settings.getInt("avqa.cooldown.reset-after"), settings.getInt("avqa.cooldown.bot-check-limit"), run);
        main.bind("runControl", run);
        RunReport report = new RunReport(progress, failures, workspace, run, coolDown, settings, planner, rules.isYoutube());
        if (record != null && settings.get("avqa.role").equals("worker")) {
            report.useCluster(record, node);
        }
        main.bind("runReport", report);
        main.bind("coolDown", coolDown);
        main.bind("toolOutcome", new ToolOutcome(workspace, Math.round(settings.getSeconds("avqa.download.timeout")),
                coolDown, run));
        main.bind("mediaValidator", new MediaValidator(run));
        main.bind("directDownload", new DirectDownload(settings, workspace, coolDown, run));
        Verifier verifier = new Verifier(workspace, run, new AnnotationPlanner(), settings.dataset(), settings.splits(), failures,
                settings.get("avqa.video-format"), settings.get("avqa.audio-format"));
        verifier.coverageFrom(() -> planner.plannedVideos() == 0 ? "" : planner.coverage().report(planner::isComplete, failures));
        if (record != null) {
            verifier.clusterRecordFrom(record);
        }
        main.bind("verifier", verifier);
        main.bind("retryLog", new RetryLog(settings.getInt("avqa.retry-attempts")));
    }
}
