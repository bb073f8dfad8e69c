package avqa.downloader;

import org.apache.camel.main.Main;

/** Creates the beans the routes call, by the names the routes use. */
final class Beans {

    private Beans() {
    }

    static void bind(Main main, Settings settings, Workspace workspace, RunControl run) {
        ProgressBook progress = new ProgressBook(workspace.root());
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
        main.bind("runReport", new RunReport(progress, failures, workspace, run, coolDown, settings, planner,
                rules.isYoutube()));
        main.bind("coolDown", coolDown);
        main.bind("toolOutcome", new ToolOutcome(workspace, Math.round(settings.getSeconds("avqa.download.timeout")),
                coolDown, run));
        main.bind("mediaValidator", new MediaValidator(run));
        main.bind("directDownload", new DirectDownload(settings, workspace, coolDown, run));
        Verifier verifier = new Verifier(workspace, run, new AnnotationPlanner(), settings.dataset(), settings.splits(), failures,
                settings.get("avqa.video-format"), settings.get("avqa.audio-format"));
        verifier.coverageFrom(() -> planner.plannedVideos() == 0 ? "" : planner.coverage().report(planner::isComplete, failures));
        main.bind("verifier", verifier);
        main.bind("retryLog", new RetryLog(settings.getInt("avqa.retry-attempts")));
    }
}
