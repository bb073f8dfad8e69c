package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Troubles that are not the video's: yt-dlp saying it is out of date, and no network or DNS. Neither
 * spends every video's retries; each stops the run with one line saying what to do, and the videos not
 * yet dealt with stay pending for a later run.
 */
class ToolTroubleTest extends LoopbackServerTest {

    /**
     * The real yt-dlp, asked for a format the loopback source does not offer, says "Requested format is
     * not available": tool-outdated, not retried; the third in a row stops the run.
     */
    @Test
    void yt_dlpSayingItIsOutOfDateThreeTimesInARowStopsTheRunAndTheRestStaysPending(@TempDir Path tmp)
            throws Exception {
        List<String> args = localRun(tmp, serveClips("outdated", 6), server.urlTemplate());
        args.addAll(List.of("--workers", "1", "--retry-attempts", "3"));
        Path data = tmp.resolve("data");
        int before = server.hits().size();

        // one yt-dlp start per video (no batches: BatchDownloadTest shows the stop after a batch)
        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_FORMAT", "bestvideo[height>=4000]",
                "AVQA_DOWNLOAD_BATCH", "1"));

        assertEquals(1, outcome.exit());
        assertTrue(outcome.stderr().contains("run stopped early: yt-dlp ")
                && outcome.stderr().contains("was out of date for 3 videos in a row")
                && outcome.stderr().contains("pip install -U \"yt-dlp[default]\""), outcome.stderr());
        JsonNode failures = Fixture.readJson(data.resolve("failed_downloads.json"));
        assertEquals(2, failures.size(), "the first two are recorded; the third stopped the run and stays pending: "
                + failures);
        failures.forEach(f -> {
            assertEquals("tool-outdated", f.get("category").asText(), f.toString());
            assertEquals(1, f.get("attempts").asInt(), "not retried in this run: " + f);
            assertTrue(f.get("last_error").asText().contains("Requested format is not available"), f.toString());
        });
        long asked = server.hits().subList(before, server.hits().size()).stream().map(MediaServer.Hit::id)
                .distinct().count();
        assertEquals(3, asked, "three videos were asked for, the other three never");
        assertFalse(Files.exists(data.resolve("videos/outdated5.mp4")));
    }

    /**
     * No network: the run's own JVM in a network namespace of its own, where no host name resolves (and
     * no packet leaves the machine). Through yt-dlp and through the fast path alike, the unresolvable host
     * pauses every worker, and after avqa.cooldown.network-limit cool-downs the run stops with one line.
     */
    @Test
    void withoutNetworkTheRunPausesThenStopsWithOneLineAndSpendsNoVideosRetries(@TempDir Path tmp) throws Exception {
        assumeTrue(ToolVersions.which("unshare") != null
                && ToolVersions.output(List.of("unshare", "-rn", "true"), 10).isEmpty(),
                "cannot make a network namespace here (unshare -rn)");
        for (String template : List.of("http://avqa-unresolvable.invalid/v/{id}", "http://avqa-unresolvable.invalid/v/{id}.mp4")) {
            Path dir = tmp.resolve(template.endsWith(".mp4") ? "fast" : "ytdlp");
            List<String> ids = List.of("offline0001", "offline0002", "offline0003", "offline0004");
            Fixture.annotations(dir.resolve("meta"), "test", ids);
            List<String> args = Fixture.localArgs(dir.resolve("data"), dir.resolve("meta"), template);
            args.addAll(List.of("--cooldown", "0.2", "--backoff", "0.1", "--retry-attempts", "5"));
            Path log = dir.resolve("run.log");

            Process run = startOffline(args, Map.of("AVQA_COOLDOWN_NETWORK_LIMIT", "2"), log);

            assertTrue(run.waitFor(120, TimeUnit.SECONDS), "the run stopped by itself");
            String out = Files.readString(log);
            assertEquals(1, run.exitValue(), out);
            assertTrue(out.contains("avqa-downloader: run stopped early: cannot resolve avqa-unresolvable.invalid: "
                    + "no network or DNS; progress kept, run again when the network is back"), out);
            assertTrue(out.contains("Cool-down: every worker pauses for 0.2 s (cannot resolve avqa-unresolvable.invalid"),
                    out);
            JsonNode failures = Fixture.readJson(dir.resolve("data/failed_downloads.json"));
            assertEquals(0, failures.size(), "no video spent its retries; all stay pending: " + failures);
        }
    }

    /** The command line in a JVM of its own, inside a new network namespace (no network at all). */
    private static Process startOffline(List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-rn",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AvqaDownloader.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }
}
