package avqa.downloader;

import org.apache.camel.main.Main;

/** Creates the beans the routes call, by the names the routes use. */
final class Beans {

    private Beans() {
    }

    static void bind(Main main, Settings settings, Workspace workspace) {
        ProgressBook progress = new ProgressBook(workspace.root());
        progress.load();
        VideoIdRules rules = new VideoIdRules(settings.get("avqa.source.url-template"));
        FailureRecords failures = new FailureRecords(workspace);
        main.bind("workspace", workspace);
        main.bind("progressBook", progress);
        main.bind("failureRecords", failures);
        main.bind("runReport", new RunReport(progress, failures, rules.isYoutube()));
        main.bind("videoPlanner", new VideoPlanner(new AnnotationPlanner(), rules, progress, workspace, settings.splits()));
        main.bind("pacing", new Pacing(settings.millis("avqa.sleep"), settings.millis("avqa.jitter")));
        main.bind("commandLines", new CommandLines(settings, workspace));
        main.bind("toolOutcome", new ToolOutcome(workspace, Math.round(settings.getSeconds("avqa.download.timeout"))));
        main.bind("mediaValidator", new MediaValidator());
        main.bind("retryLog", new RetryLog(settings.getInt("avqa.retry-attempts")));
    }
}
