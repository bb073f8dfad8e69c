package avqa.downloader;

import avqa.downloader.settings.CommandLineOptions;
import avqa.downloader.settings.Settings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

/**
 * What the process does once Camel is up: one run, a dry run, a check of the data directory, a
 * scheduled service, a cluster planner or a worker; with a signal handler that stops the run cleanly
 * (SIGTERM or Ctrl-C: no new download starts, the videos in hand stay pending).
 */
final class RunModes {

    private static final org.slf4j.Logger EXIT_LOG = org.slf4j.LoggerFactory.getLogger("avqa.exit");

    private final Main main;
    private final Settings settings;
    private final RunControl run;
    /** The run's log file (null: none, a check of a read-only data directory). */
    private final Path logFile;

    RunModes(Main main, Settings settings, RunControl run, Path logFile) {
        this.main = main;
        this.settings = settings;
        this.run = run;
        this.logFile = logFile;
    }

    int run(CommandLineOptions.Parsed cli, boolean scheduled, boolean worker, String node) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
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
            // a cluster worker's downloads come from the queue, not from a scheduled run: for it a run always goes
            RouteEdits.watch(main.getCamelContext(), run, scheduled && !worker, main.configure().getRoutesExcludePattern());
            ProducerTemplate template = main.getCamelContext().createProducerTemplate();
            if (cli.has("--dry-run")) {
                System.out.print(template.requestBody("direct:dry-run", null, String.class));
                return 0;
            }
            if (cli.has("--verify")) {
                org.apache.camel.Exchange done = template.request("direct:verify",
                        ex -> {
                            ex.setVariable("repair", cli.has("--repair"));
                            ex.setVariable("checksums", cli.has("--checksums"));
                            ex.setVariable("against", cli.actionValue("--against"));
                        });
                if (done.getException() != null) {
                    throw done.getException();
                }
                Verifier.Report report = done.getMessage().getBody(Verifier.Report.class);
                System.out.print(report.text());
                return report.exitCode();
            }
            if (worker) {
                return worker(template, node);
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
            if (settings.get("avqa.role").equals("planner")) {
                RunSummary.Summary summary = template.requestBody("direct:publish-videos", null, RunSummary.Summary.class);
                if (summary.stoppedBecause() != null) {
                    System.err.println("avqa-downloader: planning stopped early: " + summary.stoppedBecause());
                    return 1;
                }
                return 0;
            }
            RunSummary.Summary summary = template.requestBody("direct:run", null, RunSummary.Summary.class);
            if (summary.stoppedBecause() != null) {
                System.err.println("avqa-downloader: run stopped early: " + summary.stoppedBecause());
            }
            return summary.exitCode();
        } catch (Exception e) {
            // an error of the JVM (out of memory) that came here inside an exception: its own one line, exit 1
            FatalErrorExit.check(e);
            Throwable stop = causeOf(e, RunStoppedException.class);
            if (stop != null) {
                // a stop of the run (a signal, say) before the videos: said as the stop it is
                EXIT_LOG.error("run stopped: " + stop.getMessage());
                return Launcher.fail(1, "run stopped: " + stop.getMessage());
            }
            if (run.stopReason() != null) {
                // what failed after the run was stopped (its data directory gone, say) is the stop's consequence
                EXIT_LOG.error("run stopped: " + run.stopReason());
                return Launcher.fail(1, "run stopped: " + run.stopReason());
            }
            Throwable bad = rootBadInput(e);
            if (bad != null) {
                EXIT_LOG.error(bad.getMessage());
                return Launcher.fail(2, bad.getMessage());
            }
            String full = diskFull(e);
            if (full != null) {
                // a write that found the disk full or read-only (--verify's report, say): said as the run says it
                String why = "run stopped: " + DiskFull.reason(full, java.nio.file.Path.of(settings.get("avqa.data-dir")));
                EXIT_LOG.error(why);
                return Launcher.fail(1, why);
            }
            String routeFile = RouteEdits.problem(e);
            String said = "run stopped: " + (routeFile != null ? routeFile + "; fix the file and start again"
                    : Shown.of(e) + "; this was not expected: run again with --debug and report what it says");
            if (settings.flag("avqa.debug")) {
                EXIT_LOG.error(said, e);
            } else {
                EXIT_LOG.error(said);
            }
            return Launcher.fail(1, logFile == null ? said : said + " (the log: " + logFile + ")");
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

    /**
     * The consumer route takes videos from the queue until the process is told to stop; a stop of its
     * own (a full disk, a bot check that stays) ends it with status 1.
     */
    private int worker(ProducerTemplate template, String node) throws InterruptedException {
        EXIT_LOG.info("Worker {} takes videos from the queue {} at {}", node, settings.get("avqa.broker.queue"),
                Redact.url(settings.get("avqa.broker.url")));
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

    /** The words of {@code e} or a cause that says the disk is full or read-only; null when none does. */
    private static String diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (DiskFull.says(m) || DiskFull.saysReadOnly(m))) {
                return m;
            }
        }
        return null;
    }

    private static Throwable rootBadInput(Throwable e) {
        return causeOf(e, BadInputException.class);
    }

    /** {@code e} or the first of its causes that is a {@code kind}; null when none is. */
    private static Throwable causeOf(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return t;
            }
        }
        return null;
    }
}
