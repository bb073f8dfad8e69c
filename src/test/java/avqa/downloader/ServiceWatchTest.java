package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
        Path ytDlp = tmp.resolve("bin/yt-dlp");
        Files.createDirectories(ytDlp.getParent());
        Path original = Path.of(".tools/yt-dlp/bin/yt-dlp").toRealPath();
        Files.copy(original, ytDlp);
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        int port = ManagementTest.freePort();
        args.addAll(List.of("--schedule", "--cron", "*/2 * * * * ?", "--management-port", String.valueOf(port),
                "--workers", "1"));
        Path log = tmp.resolve("service.log");
        Path data = tmp.resolve("data");
        // the second video is answered once yt-dlp is gone: the videos after it find no yt-dlp to start
        server.holdUntil(ids.get(1), () -> !Files.exists(ytDlp), 30_000);
        // one video per yt-dlp start
        Process service = Fixture.startJvm(args, Map.of("AVQA_TOOLS_YT_DLP", ytDlp.toString(), "AVQA_DOWNLOAD_BATCH", "1"), log);
        String base = "http://127.0.0.1:" + port;
        try {
            Fixture.await("the second video to be asked for", 60_000, () -> !server.hits(ids.get(1)).isEmpty());
            Files.delete(ytDlp);
            Fixture.await("the run to stop", 60_000, () -> ServiceTest.read(log).contains("Run finished"));
            String said = ServiceTest.read(log);
            assertTrue(said.contains("Stopping the run: " + ytDlp + " can no longer be started (error=2, No such file or "
                    + "directory): was it removed or moved while the run went?"), said);
            assertFalse(said.contains("a bug"), "no video's failure is taken for a bug of ours: " + said);
            assertTrue(Files.isRegularFile(data.resolve("audio/" + ids.get(1) + ".wav")), "the video in hand is complete");
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("failed")), "the rest wait, no failure recorded");
            JsonNode health = Fixture.JSON.readTree(ManagementTest.get(base + "/observe/health").body());
            assertEquals("DOWN", health.get("status").asText());
            String checks = health.get("checks").toString();
            assertTrue(checks.contains("\"name\":\"run\"") && checks.contains("the run stopped:")
                    && checks.contains("can no longer be started"), checks);
            assertTrue(service.isAlive(), "the service goes on");

            Files.copy(original, ytDlp);
            Fixture.await("a later run to complete the rest", 60_000,
                    () -> ids.stream().allMatch(id -> Files.isRegularFile(data.resolve("audio/" + id + ".wav"))));
            Fixture.await("the health to be UP again", 30_000,
                    () -> ManagementTest.get(base + "/observe/health").statusCode() == 200);
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), ServiceTest.read(log));
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
            Fixture.await("the second video to be in hand", 60_000, () -> !server.hits(ids.get(1)).isEmpty());
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
}
