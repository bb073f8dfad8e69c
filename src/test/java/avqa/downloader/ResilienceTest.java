package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a week-long run meets, injected for real: rate-limit storms, bot checks, stalls, a second copy. */
@Alone // a download timeout of a few seconds
class ResilienceTest extends LoopbackServerTest {



    @Test
    void aRateLimitStormPausesEveryWorkerAndEveryVideoCompletesAfterIt(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("storm", 6);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--workers", "3", "--cooldown", "1", "--retry-attempts", "6", "--backoff", "0.2"));
        long stormMillis = 5000;
        // the storm begins with the run's first request, however long its start-up takes
        server.failEveryoneFromNextRequestFor(MediaServer.Fault.TOO_MANY_REQUESTS, stormMillis);

        // one yt-dlp start per video, so each worker meets the storm on its own (the bot-check test below
        // shows the cool-downs with batches)
        Fixture.Outcome outcome = Fixture.run(args, java.util.Map.of("AVQA_DOWNLOAD_BATCH", "1"));

        assertEquals(0, outcome.exit(), "every video completes after the storm");
        for (String id : ids) {
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
        }
        assertEquals(0, Fixture.readJson(data.resolve("failed_downloads.json")).size(), "nothing recorded as failed");
        long stormStart = server.stormStart() - (System.currentTimeMillis() - server.now());
        long refused = server.hits().stream().filter(h -> h.atMillis() >= stormStart && h.status() == 429).count();
        // Cool-downs of 1, 2, 4 s start at most at 0, 1 and 3 s into a 5 s storm: three windows in which
        // each of the 3 workers may start once, plus one request per worker already in flight.
        // (Each worker retrying on its own backoff of 0.2, 0.4, 0.8 ... s would send 18 or more.)
        assertTrue(refused <= 3 * 3 + 3, "requests during the storm: " + refused);
        assertTrue(refused >= 3, "the storm was met: " + refused);
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("Cool-down: every worker pauses for 1.0 s"), "the log says when a cool-down starts");
        assertTrue(log.contains("Cool-down: every worker pauses for 2.0 s"), "and that it grows");
        assertTrue(log.contains("Cool-down over"), "and when it ends");
    }

    @Test
    void aPersistentBotCheckStopsTheRunEarlyWithTheCookiesHintAndALaterRunResumes(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("botcheck", 8);
        for (String id : ids) {
            server.failAlways(id, MediaServer.Fault.BOT_CHECK_PAGE);
        }
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--cooldown", "0.3", "--retry-attempts", "5"));
        int before = server.hits().size();

        Fixture.Outcome stopped = Fixture.run(args);

        assertEquals(1, stopped.exit());
        int spent = server.hits().size() - before;
        // 3 cool-downs, then the 4th bot check stops it; a request already in flight may add one per window
        assertTrue(spent <= 8, "only a few requests were spent: " + spent);
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("--cookies"), "the user is told about --cookies");
        assertTrue(log.contains("Run stopped early"), log);
        JsonNode failures = Fixture.readJson(data.resolve("failed_downloads.json"));
        failures.forEach(f -> assertEquals("transient", f.get("category").asText(), "never recorded as permanent"));
        assertTrue(failures.size() < ids.size(), "the videos not tried stay pending, not failed: " + failures);
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")));

        for (String id : ids) {
            server.failAlways(id, null);
        }
        assertEquals(0, Fixture.run(args).exit(), "a later run resumes and completes");
        assertEquals(ids.size(), PipelineTest.listNames(data.resolve("audio")).size());
    }

    @Test
    void aStalledDownloadIsKilledAfterTheTimeoutAndRetriedAndNoProcessOutlivesTheRun(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("stalled", 2);
        // the first request is yt-dlp looking at the URL, the second one the download, which stalls
        server.failNext("stalled0", MediaServer.Fault.STALL, MediaServer.Fault.STALL);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);

        long start = System.currentTimeMillis();
        // 6 s and 5 attempts: on a loaded machine yt-dlp's own start (its Python imports) has taken over 3 s, and a
        // retry that times out before its first request would say nothing about the stall
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--retry-attempts", "5"));
        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_TIMEOUT", "6"));

        assertEquals(0, outcome.exit());
        assertTrue(System.currentTimeMillis() - start < 60_000, "the stall did not hold the run");
        assertTrue(Files.isRegularFile(data.resolve("audio/stalled0.wav")));
        assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("within 6 s"));
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList(),
                "no yt-dlp or ffmpeg left running");
        assertEquals(List.of(), Fixture.processesUsing(data));
    }

    /**
     * A yt-dlp killed mid-download from outside (kill -9: the kernel's OOM killer, or a person), long before its
     * timeout, is said to have been killed, not to have run out of time, and is retried: one start per video, and a
     * batch's start (whose video it stopped at is retried alone, in a line that says so and why).
     */
    @ParameterizedTest
    @ValueSource(strings = {"1", "32"})
    void aYtDlpKilledFromOutsideMidDownloadIsRetriedAndNotCalledATimeout(String batch, @TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("killed" + batch + "x", 2);
        // the first request is yt-dlp looking at the URL, the second one the download, which stalls until killed
        server.failNext(ids.get(0), MediaServer.Fault.STALL, MediaServer.Fault.STALL);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        // one yt-dlp at a time: the one running once the stalled download has begun is the stalled one
        args.addAll(List.of("--workers", "1"));
        java.util.concurrent.atomic.AtomicReference<Throwable> killing = new java.util.concurrent.atomic.AtomicReference<>();
        Thread killer = new Thread(() -> {
            try {
                Fixture.await("the stalled download to begin", 60_000, () -> server.hits(ids.get(0)).size() >= 2);
                java.util.concurrent.atomic.AtomicReference<ProcessHandle> ytDlp = new java.util.concurrent.atomic.AtomicReference<>();
                Fixture.await("its yt-dlp", 30_000, () -> {
                    Fixture.processesUsing(data).stream().filter(p -> p.info().commandLine().orElse("").contains("yt-dlp"))
                            .findFirst().ifPresent(ytDlp::set);
                    return ytDlp.get() != null;
                });
                assertEquals(0, new ProcessBuilder("kill", "-9", String.valueOf(ytDlp.get().pid())).start().waitFor());
            } catch (Throwable t) {
                killing.set(t);
            }
        });
        killer.start();

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_TIMEOUT", "600", "AVQA_DOWNLOAD_BATCH", batch));
        killer.join();

        assertEquals(null, killing.get(), "the test killed yt-dlp");
        assertEquals(0, outcome.exit(), outcome.stderr());
        assertTrue(Files.isRegularFile(data.resolve("audio/" + ids.get(0) + ".wav")), "retried and completed");
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("Retrying " + ids.get(0) + (batch.equals("1") ? "" : " alone, not in its batch")
                + " (attempt 2 of 3): yt-dlp was killed (SIGKILL) "
                + "before it finished, not by this tool's timeout: the system may be short of memory"), log);
        assertFalse(log.contains("did not finish within"), "not called a timeout");
        assertEquals(List.of(), Fixture.processesUsing(data));
    }

    @Test
    void aSecondProcessOnTheSameDataDirectoryExits3AndAKilledHolderDoesNotBlockTheNext(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("locked", 2);
        server.failAlways("locked0", MediaServer.Fault.STALL);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        Process holder = Fixture.startJvm(args, Map.of(), tmp.resolve("holder.log"));
        try {
            Fixture.await("the first run to download", 30_000, () -> !server.hits("locked0").isEmpty());

            Fixture.Outcome second = Fixture.run(args);

            assertEquals(3, second.exit());
            assertTrue(second.stderr().contains("pid " + holder.pid()) && second.stderr().contains(data.toString()),
                    second.stderr());
            assertFalse(Fixture.processesUsing(data).isEmpty(), "the holder's yt-dlp is running");
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        server.failAlways("locked0", null);

        Fixture.Outcome next = Fixture.run(args);

        assertEquals(0, next.exit(), next.stderr());
        assertTrue(Files.isRegularFile(data.resolve("audio/locked0.wav")));
        assertEquals(List.of(), Fixture.processesUsing(data), "the killed run's yt-dlp was stopped");
    }
}
