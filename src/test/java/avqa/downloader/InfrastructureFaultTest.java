package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-host mode when its infrastructure fails, with real services of the test's own (an
 * ActiveMQ broker and a PostgreSQL cluster on the lab's bridge, stopped and started by the test; the
 * shared ones on 127.0.0.1 are never touched), workers each in a network namespace of its own, and
 * nginx on another serving slowly enough that a download lasts seconds:
 * <ul>
 *   <li>the broker restarted mid-run: the workers reconnect by themselves, nothing is lost, nothing is
 *       fetched twice to completion, the run finishes;</li>
 *   <li>PostgreSQL restarted mid-run: the same, and while it is down the workers take no new video,
 *       fail none, and say so in their status lines;</li>
 *   <li>a worker cut off from the network while it downloads: its video goes back to the queue once
 *       the broker notices, another worker completes it, and when the link is back the cut-off worker
 *       records no second completion and takes videos again;</li>
 *   <li>a planner and workers started in either order, and a worker started before the broker exists,
 *       end in the same complete dataset.</li>
 * </ul>
 */
@Alone // a lab of network namespaces with its broker, database and nginx, several JVMs
class InfrastructureFaultTest {

    static ManyHosts lab;
    static Path clip;
    static Path labDir;

    @BeforeAll
    static void lab() throws Exception {
        NetLab.requireOrSkip("InfrastructureFaultTest", ManyHosts.unavailable());
        clip = Fixture.clip("tone-8s", 8, true);
        labDir = Files.createTempDirectory("avqa-faults");
        // no limit that matters here; /slow/ sends about 150 KB/s, so a video takes about five seconds
        lab = new ManyHosts(labDir, 6000, 100, "150k", 0);
    }

    @AfterAll
    static void closeLab() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (labDir != null) {
            FileTrees.deleteTree(labDir, true);
        }
    }

    @AfterEach
    void stopNodes() throws Exception {
        if (lab != null) {
            lab.stopNodes();
            if (!lab.broker.speaksOpenWire()) {
                lab.broker.start();
            }
            if (!lab.db.listening()) {
                lab.db.start();
            }
        }
    }

    /** One run's setting: its videos, served by the lab's nginx, its queue and its shared data directory. */
    record Run(String queue, List<String> ids, Path meta, Path data, Path dir) {
        List<String> args(String role, String template, String... more) {
            return ManyHosts.args(role, data, meta, template, more);
        }
    }

    static Run newRun(Path dir, String name, int videos) throws Exception {
        String queue = "avqa.faults." + name + "." + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < videos; i++) {
            String id = name + (System.nanoTime() % 100_000) + "v" + i;
            ids.add(id);
            lab.nginx.serve(id, clip);
        }
        Fixture.annotations(dir.resolve("meta"), "test", ids);
        return new Run(queue, ids, dir.resolve("meta"), dir.resolve("data"), dir);
    }

    static Process worker(Run run, NetLab.Host host, String name, String template, String... more) throws Exception {
        List<String> extra = new ArrayList<>(List.of("--max-requests", "1000", "--period", "1", "--cooldown", "0.5",
                "--retry-attempts", "5", "--backoff", "0.3"));
        extra.addAll(List.of(more));
        // its management endpoint (port 9876, as for any worker) on its own address, for the test to read
        Map<String, String> env = new java.util.HashMap<>(lab.env(run.queue()));
        env.put("AVQA_MANAGEMENT_HOST", host.address());
        return lab.worker(host, run.args("worker", template, extra.toArray(String[]::new)), env,
                run.dir().resolve(name + ".out"));
    }

    /** A worker's readiness, read over the lab's bridge from its own address. */
    static java.net.http.HttpResponse<String> readiness(NetLab.Host host) {
        return ManagementTest.get("http://" + host.address() + ":9876/observe/health/ready");
    }

    static void plan(Run run, String template, String... more) throws Exception {
        Fixture.Outcome o = lab.planner(run.args("planner", template, more), lab.env(run.queue()),
                run.dir().resolve("planner.out"));
        assertEquals(0, o.exit(), o.stderr());
    }

    /** The videos a worker's log shows it downloading now (a "Downloading" without its "Complete"). */
    static List<String> inFlight(String log) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("Downloading (\\S+) from").matcher(log);
        while (m.find()) {
            if (!log.contains("Complete: " + m.group(1) + "\n") && !out.contains(m.group(1))) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    static void awaitAllComplete(Run run) throws InterruptedException {
        Fixture.await("every video recorded complete and the queue empty", 180_000, 200,
                () -> lab.recorded(run.queue()).keySet().containsAll(run.ids()) && lab.waiting(run.queue()) == 0);
    }

    /** Every video of the run complete and valid, recorded once, completed once; nothing failed. */
    static void assertCompleteOnce(Run run, String logs) throws Exception {
        Map<String, Integer> rows = lab.recorded(run.queue());
        for (String id : run.ids()) {
            double[] seconds = Fixture.probe(run.data().resolve("videos/" + id + ".mp4"));
            assertTrue(seconds[0] > 7 && seconds[1] > 7, id + " is a valid video with sound");
            assertTrue(Files.size(run.data().resolve("audio/" + id + ".wav")) > 0, id + " has its audio");
            assertEquals(1, rows.get(id), id + " has one row in the cluster record");
            assertEquals(1, ClusterTest.count(logs, "Complete: " + id + "\n"), id + " was completed once");
        }
        try (Stream<Path> failed = Files.list(run.data().resolve("failed"))) {
            assertEquals(List.of(), failed.toList(), "no video recorded failed");
        }
        assertTrue(lab.waiting(run.queue() + ".DLQ") <= 0, "nothing in the dead-letter queue");
    }

    /** Waits for a condition; if it does not come, the failure shows the end of each worker's log. */
    static void await(String what, long millis, Run run, List<Process> workers, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        try {
            Fixture.await(what, millis, 100, condition);
        } catch (AssertionError e) {
            StringBuilder tails = new StringBuilder(e.getMessage());
            for (Process p : workers) {
                // what it did (its status lines only the last)
                List<String> lines = ScaleOut.nodeLog(run.data(), p).lines().toList();
                String said = String.join("\n", lines.stream().filter(l -> !l.contains(" status - ")).toList());
                tails.append("\n--- worker ").append(p.pid()).append(":\n").append(said.substring(Math.max(0, said.length() - 8000)))
                        .append("\n").append(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
            }
            throw new AssertionError(tails.toString());
        }
    }

    static String logs(Run run, List<Process> workers) {
        StringBuilder all = new StringBuilder();
        for (Process p : workers) {
            all.append(ScaleOut.nodeLog(run.data(), p));
        }
        return all.toString();
    }

    /** What a worker printed (its console): one line per event, never a stack trace. */
    static void assertNoStackTrace(Run run, String name) {
        String out = ClusterTest.read(run.dir().resolve(name + ".out"));
        assertFalse(out.contains("\tat ") || out.contains("Exception in thread"), name + " printed a stack trace:\n" + out);
    }

    /** Two worker hosts of two consumers each, fetching the run's videos slowly, published by the planner. */
    static List<Process> twoSlowWorkersPlanned(Run run, List<NetLab.Host> hosts) throws Exception {
        List<Process> workers = List.of(worker(run, hosts.get(0), "a", lab.nginx.slowTemplate(), "--workers", "2"),
                worker(run, hosts.get(1), "b", lab.nginx.slowTemplate(), "--workers", "2"));
        plan(run, lab.nginx.slowTemplate());
        return workers;
    }

    /**
     * The run finishes: every video complete, recorded and completed once, each fetched to completion
     * once; both workers still running, each log saying {@code says}, no stack trace printed.
     */
    static void assertFinishedOnce(Run run, List<Process> workers, String says) throws Exception {
        awaitAllComplete(run);
        assertCompleteOnce(run, logs(run, workers));
        Map<String, Integer> whole = lab.nginx.wholeBodies();
        for (String id : run.ids()) {
            assertEquals(1, whole.getOrDefault(id, 0), id + " was fetched to completion exactly once");
        }
        for (Process p : workers) {
            assertTrue(p.isAlive(), "the worker is still running");
            assertTrue(ScaleOut.nodeLog(run.data(), p).contains(says), "its log says: " + says);
        }
        assertNoStackTrace(run, "a");
        assertNoStackTrace(run, "b");
    }

    @Test
    void theBrokerRestartedMidRunLosesNothingAndFetchesNothingTwice(@TempDir Path tmp) throws Exception {
        Run run = newRun(tmp, "brk", 6);
        List<Process> workers = twoSlowWorkersPlanned(run, List.of(lab.net.host(), lab.net.host()));
        // (a worker that has not reached the broker yet when it stops would only wait for it)
        await("both workers downloading", 60_000, run, workers, () -> workers.stream()
                .allMatch(p -> !inFlight(ScaleOut.nodeLog(run.data(), p)).isEmpty()));

        lab.broker.stop();
        await("both workers say they lost the broker", 30_000, run, workers,
                () -> workers.stream().allMatch(p -> ScaleOut.nodeLog(run.data(), p).contains("Lost the connection to the broker")));
        await("a status line saying so", 10_000, run, workers,
                () -> logs(run, workers).contains("connection lost, reconnecting for"));
        lab.broker.start();

        assertFinishedOnce(run, workers, "Connected to the broker");
    }

    @Test
    void postgresRestartedMidRunPausesTheWorkersAndFailsNothing(@TempDir Path tmp) throws Exception {
        // more videos than consumers: some wait on the queue while the database is down
        Run run = newRun(tmp, "pg", 8);
        List<NetLab.Host> hosts = List.of(lab.net.host(), lab.net.host());
        List<Process> workers = twoSlowWorkersPlanned(run, hosts);
        await("both workers downloading", 60_000, run, workers, () -> workers.stream()
                .allMatch(p -> !inFlight(ScaleOut.nodeLog(run.data(), p)).isEmpty()));

        lab.db.stop();
        await("both workers say they take no new video", 30_000, run, workers, () -> workers.stream().allMatch(
                p -> ScaleOut.nodeLog(run.data(), p).contains("cannot be reached: this worker takes no new video")));
        int requestsWhenPaused = lab.nginx.requests().size() + inFlight(logs(run, workers)).size();
        await("the status lines saying so for a few seconds", 30_000, run, workers, () -> workers.stream().allMatch(
                p -> ScaleOut.nodeLog(run.data(), p).matches("(?s).*cannot be reached for [3-9] s: taking no new video.*")));
        for (NetLab.Host h : hosts) {
            java.net.http.HttpResponse<String> ready = readiness(h);
            assertEquals(503, ready.statusCode(), "readiness DOWN while the database is down: " + ready.body());
            assertTrue(ready.body().contains("cannot reach the database") && ready.body().contains("videos wait until it is back"),
                    ready.body());
        }
        assertTrue(lab.nginx.requests().size() <= requestsWhenPaused, "no download started while the database was down");
        try (Stream<Path> failed = Files.list(run.data().resolve("failed"))) {
            assertEquals(List.of(), failed.toList(), "no video failed while the database was down");
        }
        lab.db.start();
        await("readiness UP again once the database is back", 60_000, run, workers,
                () -> hosts.stream().allMatch(h -> readiness(h).statusCode() == 200));

        assertFinishedOnce(run, workers, "this worker takes videos again");
    }

    @Test
    void aWorkerCutOffMidDownloadLosesItsVideoToAnotherAndRecordsNoSecondCompletion(@TempDir Path tmp) throws Exception {
        Run run = newRun(tmp, "cut", 1);
        String id = run.ids().get(0);
        List<NetLab.Host> hosts = List.of(lab.net.host(), lab.net.host());
        List<Process> workers = List.of(worker(run, hosts.get(0), "a", lab.nginx.slowTemplate(), "--workers", "1"),
                worker(run, hosts.get(1), "b", lab.nginx.slowTemplate(), "--workers", "1"));
        plan(run, lab.nginx.slowTemplate());
        Fixture.await("a worker downloading the video", 60_000, 20,
                () -> workers.stream().anyMatch(p -> inFlight(ScaleOut.nodeLog(run.data(), p)).contains(id)));
        int cut = inFlight(ScaleOut.nodeLog(run.data(), workers.get(0))).contains(id) ? 0 : 1;
        Process cutOff = workers.get(cut);
        Process other = workers.get(1 - cut);
        long cutAt = System.nanoTime();
        hosts.get(cut).linkDown();
        try {
            await("the other worker completing the video", 90_000, run, workers,
                    () -> ScaleOut.nodeLog(run.data(), other).contains("Complete: " + id + "\n"));
            System.out.printf("InfrastructureFaultTest: the video of the worker cut off was completed by the other %.1f s "
                    + "after the cut%n", (System.nanoTime() - cutAt) / 1e9);
        } finally {
            hosts.get(cut).linkUp();
        }
        await("the cut-off worker back on the broker and done with the video", 120_000, run, workers, () -> {
            String log = ScaleOut.nodeLog(run.data(), cutOff);
            return log.contains("Connected to the broker") && (log.contains(id + " was completed by another worker meanwhile")
                    || log.contains(id + " failed here, but another worker has taken it over") || log.contains("Done with " + id + " here"));
        });
        String cutLog = ScaleOut.nodeLog(run.data(), cutOff);
        cutLog.lines().filter(l -> l.contains("broker") || l.contains(id)).filter(l -> !l.contains("Status"))
                .forEach(l -> System.out.println("InfrastructureFaultTest: cut-off worker: " + l));
        assertFalse(cutLog.contains("Complete: " + id), "the cut-off worker recorded no completion:\n" + cutLog);
        assertCompleteOnce(run, logs(run, workers));

        // and it takes videos again: more videos for both
        Run more = new Run(run.queue(), new ArrayList<>(run.ids()), run.meta(), run.data(), run.dir());
        for (int i = 0; i < 6; i++) {
            String extra = "cutmore" + (System.nanoTime() % 100_000) + "v" + i;
            more.ids().add(extra);
            lab.nginx.serve(extra, clip);
        }
        Fixture.annotations(run.meta(), "test", more.ids());
        // slowly: the other worker, one video at a time, cannot take them all before the cut-off one is back at it
        plan(more, lab.nginx.slowTemplate(), "--refresh-metadata");
        awaitAllComplete(more);
        assertTrue(ScaleOut.nodeLog(run.data(), cutOff).contains("Complete: cutmore"), "the cut-off worker fetched again");
        assertCompleteOnce(more, logs(run, workers));
        assertNoStackTrace(run, cut == 0 ? "a" : "b");
    }

    @Test
    void anyStartOrderEndsInTheSameDataset(@TempDir Path tmp) throws Exception {
        Map<String, Map<String, String>> datasets = new TreeMap<>();
        List<String> ids = null;
        for (String order : List.of("planner-first", "workers-first", "worker-before-broker")) {
            Run run = newRun(tmp.resolve(order), "ord", 0);
            if (ids == null) {
                ids = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ids.add("order" + (System.nanoTime() % 100_000) + "v" + i);
                    lab.nginx.serve(ids.get(i), clip);
                }
            }
            run = new Run(run.queue(), ids, run.meta(), run.data(), run.dir());
            Fixture.annotations(run.meta(), "test", ids);
            List<Process> workers = new ArrayList<>();
            switch (order) {
                case "planner-first" -> {
                    plan(run, lab.nginx.template());
                    workers.add(worker(run, lab.net.host(), "w", lab.nginx.template()));
                }
                case "workers-first" -> {
                    workers.add(worker(run, lab.net.host(), "w", lab.nginx.template()));
                    workers.add(worker(run, lab.net.host(), "v", lab.nginx.template()));
                    Run r = run;
                    Fixture.await("the workers up", 60_000, 100, () -> workers.stream()
                            .allMatch(p -> ScaleOut.nodeLog(r.data(), p).contains("takes videos from the queue")));
                    plan(run, lab.nginx.template());
                }
                default -> {
                    lab.broker.stop();
                    workers.add(worker(run, lab.net.host(), "w", lab.nginx.template()));
                    Run r = run;
                    Fixture.await("the worker waiting for the broker", 60_000, 100, () -> {
                        String log = ScaleOut.nodeLog(r.data(), workers.get(0));
                        return log.contains("cannot be reached yet") && log.contains("not reached yet, waiting for");
                    });
                    assertTrue(workers.get(0).isAlive(), "a worker started before the broker waits for it");
                    lab.broker.start();
                    plan(run, lab.nginx.template());
                }
            }
            awaitAllComplete(run);
            assertCompleteOnce(run, logs(run, workers));
            assertNoStackTrace(run, "w");
            Map<String, String> files = new TreeMap<>();
            for (String dir : List.of("videos", "audio")) {
                try (Stream<Path> list = Files.list(run.data().resolve(dir))) {
                    for (Path f : list.toList()) {
                        files.put(dir + "/" + f.getFileName(), sha256(f));
                    }
                }
            }
            datasets.put(order, files);
            lab.stopNodes();
        }
        assertEquals(8, datasets.get("planner-first").size(), "4 videos and their audio");
        assertEquals(datasets.get("planner-first"), datasets.get("workers-first"), "the same dataset");
        assertEquals(datasets.get("planner-first"), datasets.get("worker-before-broker"), "the same dataset");
    }

    static String sha256(Path f) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
