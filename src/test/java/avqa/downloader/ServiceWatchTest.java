package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service left running for weeks, as the lab meets it (found by an adversarial probe): what its health and its
 * log say when the ground moves under a run, and that it comes back once the ground is put back. Free ports only.
 */
class ServiceWatchTest extends LoopbackServerTest {

    @Test
    void aYtDlpRemovedUnderARunStopsItInOneLineLeavesTheRestPendingAndTheNextRunGoesOnOnceItIsBack(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("toolgone", 4);
        ToolGoneService service = ytDlpRemovedUnderARun(tmp, ids, "*/2 * * * * ?", Map.of());
        Path data = service.data();
        try {
            String said = ServiceTest.read(service.log());
            assertTrue(said.contains("Stopping the run: " + service.ytDlp() + " can no longer be started (error=2, No such "
                    + "file or directory): was it removed or moved while the run went?"), said);
            assertFalse(said.contains("a bug"), "no video's failure is taken for a bug of ours: " + said);
            assertTrue(Files.isRegularFile(data.resolve("audio/" + ids.get(1) + ".wav")), "the video in hand is complete");
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("failed")), "the rest wait, no failure recorded");
            // (each trigger's run starts with its health UP and stops again at its first video while yt-dlp is gone)
            Fixture.await("the health to say why the run stopped", 30_000, () -> {
                String body = ManagementTest.get(service.base() + "/observe/health").body();
                return body.contains("\"name\":\"run\"") && body.contains("the run stopped:")
                        && body.contains("can no longer be started") && body.contains("\"status\":\"DOWN\"");
            });
            assertTrue(service.process().isAlive(), "the service goes on");

            service.putBack();
            recovers(ids, data, service.base());
        } finally {
            service.stop();
        }
        assertEquals(0, service.process().exitValue(), ServiceTest.read(service.log()));
    }

    /**
     * The same under a nightly schedule: the service looked at nothing until the next trigger (a day away), its health
     * DOWN all the while, even once yt-dlp was back. Now it looks again every avqa.schedule.recheck seconds (1 here),
     * its health saying so; once yt-dlp starts again one line says so, the run resumes, and the health is UP, with no
     * trigger fired.
     */
    @Test
    void aRunStoppedForAToolGoneResumesOnceTheToolIsBackWithoutWaitingForTheNextTrigger(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("comeback", 3);
        ToolGoneService service = ytDlpRemovedUnderARun(tmp, ids, "0 0 2 1 1 ? 2099", Map.of("AVQA_SCHEDULE_RECHECK", "1"));
        Path log = service.log();
        try {
            assertTrue(ServiceTest.read(log).contains("Stopping the run: " + service.ytDlp() + " can no longer be started"),
                    ServiceTest.read(log));
            Fixture.await("the health to say why, and that it looks again", 30_000, () -> {
                String body = ManagementTest.get(service.base() + "/observe/health").body();
                return body.contains("the run stopped:") && body.contains("can no longer be started")
                        && body.contains("looked at again every 1 s: the run resumes by itself once it has cleared");
            });
            assertTrue(!ServiceTest.read(log).contains("the run resumes"), "nothing resumed while it is gone");

            service.putBack();
            Fixture.await("the one line that says it is back", 30_000,
                    () -> ServiceTest.read(log).contains(service.ytDlp() + " can be started again: the run resumes"));
            recovers(ids, service.data(), service.base());
            String said = ServiceTest.read(log);
            assertEquals(1, said.lines().filter(l -> l.contains("the run resumes")).count(), said);
            assertTrue(!said.contains("Scheduled resume ("), "no trigger fired: " + said);
            assertEquals(List.of(), PipelineTest.listNames(service.data().resolve("failed")), "no failure recorded");
        } finally {
            service.stop();
        }
        assertEquals(0, service.process().exitValue(), ServiceTest.read(log));
    }

    /**
     * A night without network or DNS: the source's host name did not resolve, the run stopped after
     * avqa.cooldown.network-limit cool-downs, and a nightly service stayed DOWN until the next trigger though the
     * network was back by the morning. Now it looks again every avqa.schedule.recheck seconds; once the name resolves
     * and its port takes a connection, one line says so, the run resumes and the health is UP, with no trigger fired.
     * The name is the loopback server's only by a hosts file of the service's JVM (jdk.net.hosts.file), written once
     * the run has stopped; until then it resolves nowhere.
     */
    @Test
    void aRunStoppedForNoNetworkResumesOnceTheHostNameResolvesAgain(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("netback", 3);
        Path hosts = tmp.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n");
        String port = server.mediaFileTemplate().replaceFirst("^http://127\\.0\\.0\\.1:(\\d+)/.*$", "$1");
        String template = server.mediaFileTemplate().replace("127.0.0.1", "avqa-netback.test");
        List<String> args = localRun(tmp, ids, template);
        int management = ManagementTest.freePort();
        args.addAll(List.of("--schedule", "--cron", "0 0 2 1 1 ? 2099", "--management-port", String.valueOf(management),
                "--workers", "1", "--cooldown", "0.2", "--backoff", "0.1", "--retry-attempts", "5"));
        Path log = tmp.resolve("service.log");
        String base = "http://127.0.0.1:" + management;
        Process service = Fixture.startJvm(args, Map.of("JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hosts,
                "AVQA_COOLDOWN_NETWORK_LIMIT", "2", "AVQA_SCHEDULE_RECHECK", "1"), log);
        try {
            Fixture.await("the run to stop for want of the name", 120_000, () -> ServiceTest.read(log).contains(
                    "Stopping the run: cannot resolve avqa-netback.test: no network or DNS; progress kept, run again when "
                    + "the network is back"));
            Fixture.await("the health to say why, and that it looks again", 30_000, () -> {
                java.net.http.HttpResponse<String> health = ManagementTest.get(base + "/observe/health");
                return health.statusCode() == 503 && health.body().contains("cannot resolve avqa-netback.test")
                        && health.body().contains("looked at again every 1 s: the run resumes by itself once it has cleared");
            });
            assertFalse(ServiceTest.read(log).contains("the run resumes"), "nothing resumed while the name resolves nowhere");
            assertTrue(server.hits(ids.get(0)).isEmpty(), "no request reached the source");

            Files.writeString(hosts, "127.0.0.1 localhost\n127.0.0.1 avqa-netback.test\n");
            Fixture.await("the one line that says the network is back", 60_000, () -> ServiceTest.read(log).contains(
                    "avqa-netback.test resolves again and takes a connection on port " + port + ": the run resumes"));
            recovers(ids, tmp.resolve("data"), base);
            String said = ServiceTest.read(log);
            assertEquals(1, said.lines().filter(l -> l.contains("the run resumes")).count(), said);
            assertFalse(said.contains("Scheduled resume ("), "no trigger fired: " + said);
            assertEquals(List.of(), PipelineTest.listNames(tmp.resolve("data/failed")), "no failure recorded");
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), ServiceTest.read(log));
    }

    /** A service whose own yt-dlp (a copy of the real one) was removed under its first run, which stopped. */
    private record ToolGoneService(Process process, Path ytDlp, Path log, Path data, String base) {

        /** yt-dlp put back. */
        void putBack() throws java.io.IOException {
            Files.copy(Path.of(".tools/yt-dlp/bin/yt-dlp").toRealPath(), ytDlp);
        }

        /** SIGTERM. */
        void stop() throws InterruptedException {
            process.destroy();
            assertTrue(process.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
    }

    /**
     * Starts a service on {@code cron} (one worker, one video per yt-dlp start, its own copy of yt-dlp, the management
     * endpoint on a free port) and removes its yt-dlp once the second video is asked for: the videos after it find no
     * yt-dlp to start, and the run stops.
     */
    private static ToolGoneService ytDlpRemovedUnderARun(Path tmp, List<String> ids, String cron, Map<String, String> env)
            throws Exception {
        Path ytDlp = tmp.resolve("bin/yt-dlp");
        Files.createDirectories(ytDlp.getParent());
        Files.copy(Path.of(".tools/yt-dlp/bin/yt-dlp").toRealPath(), ytDlp);
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        int port = ManagementTest.freePort();
        args.addAll(List.of("--schedule", "--cron", cron, "--management-port", String.valueOf(port), "--workers", "1"));
        Path log = tmp.resolve("service.log");
        // the second video is answered once yt-dlp is gone
        server.holdUntil(ids.get(1), () -> !Files.exists(ytDlp), 30_000);
        Map<String, String> all = new java.util.HashMap<>(env);
        // one video per yt-dlp start
        all.putAll(Map.of("AVQA_TOOLS_YT_DLP", ytDlp.toString(), "AVQA_DOWNLOAD_BATCH", "1"));
        Process service = Fixture.startJvm(args, all, log);
        try {
            Fixture.await("the second video to be asked for", 60_000, () -> !server.hits(ids.get(1)).isEmpty());
            Files.delete(ytDlp);
            Fixture.await("the run to stop", 60_000, () -> ServiceTest.read(log).contains("Run finished"));
        } catch (Exception | Error e) {
            service.destroyForcibly();
            throw e;
        }
        return new ToolGoneService(service, ytDlp, log, tmp.resolve("data"), "http://127.0.0.1:" + port);
    }

    /**
     * Stopping a service (systemctl stop, a deploy) in the middle of a run is asked for: a clean stop, exit 0, the
     * complete videos kept, the rest pending, and no ERROR line for a log alert to page someone about (the
     * summary's "Run stopped early" was one).
     */
    @Test
    void aServiceStoppedMidRunExitsZeroKeepsItsProgressAndLogsNoError(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("stopped", 4);
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--schedule", "--cron", "0 0 2 1 1 ? 2099", "--management-port", "off", "--workers", "1"));
        Path log = tmp.resolve("service.log");
        Path data = tmp.resolve("data");
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        server.holdUntil(ids.get(1), release::get, 60_000);
        Process service = Fixture.startJvm(args, Map.of(), log);
        try {
            // the first video's media work goes on while its worker fetches the second (avqa.download.look-ahead)
            Fixture.await("the second video to be in hand and the first complete", 60_000,
                    () -> !server.hits(ids.get(1)).isEmpty() && Files.isRegularFile(data.resolve("audio/" + ids.get(0) + ".wav")));
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        } finally {
            release.set(true);
            service.destroyForcibly();
        }
        String said = ServiceTest.read(log);
        assertEquals(0, service.exitValue(), said);
        assertTrue(said.contains("Run stopped early: stopped by a signal"), said);
        assertEquals(List.of(), said.lines().filter(l -> l.contains(" ERROR ")).toList(), said);
        assertTrue(Files.isRegularFile(data.resolve("audio/" + ids.get(0) + ".wav")), "the complete video is kept");
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("failed")), "the rest wait, no failure recorded");
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "nothing half-made is left");
        assertEquals(List.of(), Fixture.processesUsing(data));
    }

    /**
     * Every download hangs (the host sends its headers, then nothing): the run goes on, each video failing transient
     * after its timeout, and the health said UP throughout. Now it is DOWN ("stuck") once the run's last
     * avqa.management.failures-in-a-row videos all failed, and UP again as soon as a video is made complete.
     */
    @Test
    void aRunWhoseDownloadsAllHangIsStuckInTheHealthUntilAVideoIsMadeCompleteAgain(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("hung", 5);
        for (String id : ids.subList(0, 3)) {
            server.failAlways(id, MediaServer.Fault.STALL);
        }
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        int port = ManagementTest.freePort();
        args.addAll(List.of("--schedule", "--cron", "0 0 2 1 1 ? 2099", "--management-port", String.valueOf(port),
                "--workers", "1", "--retry-attempts", "1"));
        String base = "http://127.0.0.1:" + port;
        java.util.concurrent.atomic.AtomicReference<String> down = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean upAgain = new java.util.concurrent.atomic.AtomicBoolean();
        // the host mends once the health said DOWN; the last video waits until it said UP again: the run still goes
        server.holdUntil(ids.get(3), () -> down.get() != null, 120_000);
        server.holdUntil(ids.get(4), upAgain::get, 120_000);
        Path log = tmp.resolve("service.log");
        // each hung download given up after 3 s; stuck after 3 in a row
        Process service = Fixture.startJvm(args, Map.of("AVQA_DOWNLOAD_TIMEOUT", "3",
                "AVQA_MANAGEMENT_FAILURES_IN_A_ROW", "3"), log);
        try {
            Fixture.await("the health to say the run is stuck", 120_000, () -> {
                java.net.http.HttpResponse<String> r = ManagementTest.get(base + "/observe/health");
                if (r.statusCode() == 503) {
                    down.set(r.body());
                }
                return down.get() != null;
            });
            String checks = Fixture.JSON.readTree(down.get()).get("checks").toString();
            assertTrue(checks.contains("\"name\":\"run\"") && checks.contains("stuck: the last 3 videos all failed")
                    && checks.contains("transient"), checks);
            assertEquals(3, PipelineTest.listNames(tmp.resolve("data/failed")).size());
            Fixture.await("the health to be UP again once a video is complete", 60_000,
                    () -> ManagementTest.get(base + "/observe/health").statusCode() == 200);
            assertTrue(Files.isRegularFile(tmp.resolve("data/audio/" + ids.get(3) + ".wav")));
            upAgain.set(true);
            Fixture.await("the run to end", 60_000, () -> ServiceTest.read(log).contains("Run finished"));
        } finally {
            upAgain.set(true);
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), ServiceTest.read(log));
    }

    /**
     * A 429 starts an IP-wide cool-down, which resumes by itself: paging someone for it would be wrong, and the
     * README tells the lab to page on readiness. It was DOWN for every cool-down; now only once cool-downs in a row
     * have lasted avqa.management.cool-down-alert-after (30 minutes).
     */
    @Test
    void aShortCoolDownKeepsTheHealthUpForItResumesByItself(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("cooled", 3);
        server.failNext(ids.get(1), MediaServer.Fault.TOO_MANY_REQUESTS);
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        int port = ManagementTest.freePort();
        args.addAll(List.of("--schedule", "--cron", "0 0 2 1 1 ? 2099", "--management-port", String.valueOf(port),
                "--workers", "1", "--cooldown", "10"));
        Path log = tmp.resolve("service.log");
        String base = "http://127.0.0.1:" + port;
        Process service = Fixture.startJvm(args, Map.of(), log);
        try {
            Fixture.await("the cool-down", 60_000, () -> ServiceTest.read(log).contains("Cool-down: every worker pauses"));
            // the cool-down is on before and after the health is asked
            assertTrue(coolDownLeft(base) > 1, ManagementTest.ours(ManagementTest.get(base + "/observe/metrics").body()));
            java.net.http.HttpResponse<String> health = ManagementTest.get(base + "/observe/health");
            assertTrue(coolDownLeft(base) > 0);
            assertEquals(200, health.statusCode(), health.body());
            Fixture.await("the run to end", 60_000, () -> ServiceTest.read(log).contains("Run finished"));
            for (String id : ids) {
                assertTrue(Files.isRegularFile(tmp.resolve("data/audio/" + id + ".wav")), id);
            }
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), ServiceTest.read(log));
    }

    private static double coolDownLeft(String base) {
        Double left = ManagementTest.samples(ManagementTest.get(base + "/observe/metrics").body())
                .get("avqa_cooldown_remaining_seconds");
        return left == null ? -1 : left;
    }

    /**
     * The annotations' host is down when the schedule starts a run: the run fails outright in one line and the
     * service goes on. It used to stay "active" for good after it (avqa_run_active 1, a status line every interval
     * while nothing ran) with its health UP, night after night; now the run is over, the health DOWN with why, and
     * UP again once a later run goes.
     */
    @Test
    void aScheduledRunThatFailsOutrightIsOverAndItsReasonIsTheHealthsUntilALaterRunGoes(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("noannot", 2);
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        int port = ManagementTest.freePort();
        // the annotations under /json of the loopback server: not there (404) until the test puts them
        args.addAll(List.of("--metadata-url", server.baseUrl() + "/json", "--schedule", "--cron", "*/2 * * * * ?",
                "--management-port", String.valueOf(port)));
        Path log = tmp.resolve("service.log");
        String base = "http://127.0.0.1:" + port;
        Process service = Fixture.startJvm(args, Map.of(), log);
        try {
            Fixture.await("a scheduled run to fail", 60_000, () -> ServiceTest.read(log).contains("The scheduled run failed"));
            java.util.concurrent.atomic.AtomicReference<String> down = new java.util.concurrent.atomic.AtomicReference<>();
            Fixture.await("the health to say why", 30_000, () -> {
                java.net.http.HttpResponse<String> r = ManagementTest.get(base + "/observe/health");
                down.set(r.body());
                return r.statusCode() == 503;
            });
            assertTrue(down.get().contains("the last run failed: cannot fetch avqa-test.json from") && down.get()
                    .contains("the next trigger tries again"), down.get());
            // (the status lines, every interval while a run goes, read the same: a run of nothing was said every minute)
            Fixture.await("no run going between the triggers", 30_000, () -> Double.valueOf(0).equals(ManagementTest
                    .samples(ManagementTest.get(base + "/observe/metrics").body()).get("avqa_run_active")));

            server.serveFile("/json/avqa-test.json", tmp.resolve("meta/avqa-test.json"));
            recovers(ids, tmp.resolve("data"), base);
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), ServiceTest.read(log));
    }

    /** A later run completes every video, and the health is UP again. */
    private static void recovers(List<String> ids, Path data, String base) throws InterruptedException {
        Fixture.await("a later run to complete the videos", 60_000,
                () -> ids.stream().allMatch(id -> Files.isRegularFile(data.resolve("audio/" + id + ".wav"))));
        Fixture.await("the health to be UP again", 30_000,
                () -> ManagementTest.get(base + "/observe/health").statusCode() == 200);
    }
}
