package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path's look-ahead (avqa.download.look-ahead): a worker hands the video it fetched to its media work and
 * fetches its next meanwhile, so that the videos waiting for an ffmpeg run share it; with the look-ahead off, a worker
 * finishes each video before its next. A stop leaves the videos handed on and not yet complete pending, with nothing
 * half-made left, and the next run fetches only those again.
 */
class LookAheadTest extends LoopbackServerTest {

    @Test
    void aWorkerFetchesItsNextVideoWhileTheLastIsAtItsMediaWorkAndTheWaitingVideosShareFfmpegRuns(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("ahead", 8);
        List<String> args = oneWorker(tmp, ids);
        Fixture.Outcome outcome = Fixture.run(args);
        Path data = tmp.resolve("data");
        assertEquals(0, outcome.exit(), outcome.stderr());
        for (String id : ids) {
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
        }
        List<String> log = Files.readAllLines(data.resolve("avqa_download.log"));
        int fetchedBeforeTheLastWasComplete = 0;
        for (int k = 0; k + 1 < ids.size(); k++) {
            if (line(log, "Downloading " + ids.get(k + 1) + " ") < line(log, "Complete: " + ids.get(k))) {
                fetchedBeforeTheLastWasComplete++;
            }
        }
        assertTrue(fetchedBeforeTheLastWasComplete > 0, "with one worker, a video was fetched while the one before it was "
                + "still at its media work: " + String.join("\n", log));
        JsonNode passes = lastRun(data).path("audio_passes");
        assertTrue(passes.path("videos_passed_together").asLong() >= 2, passes.toString());
        assertTrue(passes.path("ffmpeg_runs").asLong() < ids.size(), passes.toString());
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")));
    }

    @Test
    void withTheLookAheadOffAWorkerFinishesEachVideoBeforeItFetchesItsNext(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("inturn", 5);
        Path data = eachCompleteBeforeTheOneAfterIsFetched(tmp, ids, 0);
        JsonNode passes = lastRun(data).path("audio_passes");
        assertEquals(0, passes.path("videos_passed_together").asLong(), passes.toString());
        assertEquals(ids.size(), passes.path("ffmpeg_runs").asLong(), passes.toString());
    }

    /**
     * The look-ahead bounds what is handed on: with one worker and a look-ahead of 1, a worker that finds its one video
     * handed on still at its media work waits before it hands on the next, so it never asks for a video while two are
     * unfinished before it.
     */
    @Test
    void aWorkerWhoseLookAheadIsFullWaitsForAVideoToBeDealtWithBeforeItFetchesMore(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("bounded", 6);
        Path data = eachCompleteBeforeTheOneAfterIsFetched(tmp, ids, 1);
        for (String id : ids) {
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
        }
    }

    /**
     * SIGTERM while the worker waits for a video's answer and the videos it handed on may still be at their media work:
     * the stop is clean (exit 143, no ERROR line, no failure recorded, nothing half-made, no process left), and the
     * next run fetches again only the videos that were not complete.
     */
    @Test
    void aStopLeavesTheVideosHandedOnPendingAndCleanAndTheNextRunFetchesOnlyThoseAgain(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("handedon", 6);
        List<String> args = oneWorker(tmp, ids);
        Path data = tmp.resolve("data");
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        server.holdUntil(ids.get(4), release::get, 60_000);
        Process run = Fixture.startJvm(args, Map.of(), tmp.resolve("run.log"));
        try {
            Fixture.await("the fifth video to be asked for", 60_000, () -> !server.hits(ids.get(4)).isEmpty());
            run.destroy();
            assertTrue(run.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        } finally {
            release.set(true);
            run.destroyForcibly();
        }
        String said = ServiceTest.read(tmp.resolve("run.log"));
        assertEquals(143, run.exitValue(), said);
        assertTrue(said.contains("Run stopped early: stopped by a signal"), said);
        assertEquals(List.of(), said.lines().filter(l -> l.contains(" ERROR ")).toList(), said);
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("failed")), "the rest wait, no failure recorded");
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "nothing half-made is left");
        assertEquals(List.of(), Fixture.processesUsing(data));
        List<String> completeFirst = new ArrayList<>();
        for (String id : ids) {
            if (Files.isRegularFile(data.resolve("audio/" + id + ".wav"))) {
                completeFirst.add(id);
                assertTrue(Files.isRegularFile(data.resolve("videos/" + id + ".mp4")), id);
            } else {
                assertTrue(Files.notExists(data.resolve("videos/" + id + ".mp4")), id + ": no video without its audio");
            }
        }

        Fixture.Outcome again = Fixture.run(args);
        assertEquals(0, again.exit(), again.stderr());
        for (String id : ids) {
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
            // one request for each video complete in the first run, a second for the others fetched then (the fifth's
            // answer was held), one for the sixth, which the first run never asked for
            int expected = completeFirst.contains(id) || id.equals(ids.get(5)) ? 1 : 2;
            assertEquals(expected, server.hits(id).size(), id + " " + server.hits(id));
        }
    }

    /**
     * A service takes an edit of 07-download-video.yaml between its runs, which makes the media work's routes (and the
     * look-ahead's pool) again: the next run's video handed on to them is still dealt with (found by review when the
     * hand-over was a seda queue whose route was made again not started: the video waited in a queue nothing read, and
     * the run never ended).
     */
    @Test
    void aServiceThatTookAnEditOfTheDownloadRoutesStillFinishesTheVideosHandedOn(@TempDir Path tmp) throws Exception {
        Path routes = ReadableErrorsTest.copyOfRoutes(tmp);
        List<String> ids = serveClips("reedit", 3);
        server.failAlways(ids.get(2), MediaServer.Fault.SERVER_ERROR);
        List<String> args = oneWorker(tmp, ids);
        args.addAll(List.of("--schedule", "--cron", "*/2 * * * * ?", "--retry-attempts", "1", "--management-port", "off"));
        Path log = tmp.resolve("service.log");
        Process service = Fixture.startJvm(args, Map.of("AVQA_ROUTES_DIR", routes.toString()), log);
        try {
            Fixture.await("the first run to end", 60_000, () -> ServiceTest.read(log).contains("Run finished"));
            Path download = routes.resolve("07-download-video.yaml");
            Files.writeString(download, Files.readString(download) + "\n# edited\n");
            Fixture.await("the edit to be taken between runs", 30_000, () -> ServiceTest.read(log).contains("Routes reloaded"));
            server.failAlways(ids.get(2), null);
            Fixture.await("a later run to complete the video that failed, handed on to the route made again", 30_000,
                    () -> ServiceTest.read(log).contains("Complete: " + ids.get(2)));
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), ServiceTest.read(log));
    }

    /**
     * A video handed on whose media work cannot even begin (here the route fetched-media is not there, as after an edit of
     * 07-download-video.yaml that renamed it): the wire tap's thread drops what it is left with, so the tool says it
     * in one line of its own words, the run ends with exit 1, nothing is recorded for the video, and the next run, with
     * the route back, completes it.
     */
    @Test
    void aVideoHandedOnWhoseMediaWorkCannotBeginIsSaidInOneLineAndTheNextRunCompletesIt(@TempDir Path tmp) throws Exception {
        Path routes = routesWithTheMediaRouteRenamed(tmp, "fetched-media", 12);
        List<String> ids = serveClips("notaken", 2);
        List<String> args = oneWorker(tmp, ids);
        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_ROUTES_DIR", routes.toString()));
        Path data = tmp.resolve("data");
        assertSaidAndLeftPending(outcome, data, ids);

        Fixture.Outcome again = Fixture.run(args);
        assertEquals(0, again.exit(), again.stderr());
        for (String id : ids) {
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
            assertEquals(2, server.hits(id).size(), id + " " + server.hits(id));
        }
    }

    /** A cluster's worker keeps each video to the end: its JMS transaction commits only once the video is dealt with. */
    @Test
    void aClusterWorkerHandsNothingOnAndTheLookAheadBoundsTheMediaWorksRoom(@TempDir Path tmp) {
        java.util.function.Function<Map<String, String>, java.util.Properties> camel = env -> avqa.downloader.settings.CamelProperties.of(
                avqa.downloader.settings.Settings.resolve(Map.of(), tmp.resolve("none.properties"), new java.util.Properties(), env));
        java.util.Properties all = camel.apply(Map.of("AVQA_WORKERS", "3", "AVQA_DOWNLOAD_LOOK_AHEAD", "8"));
        assertEquals("true", all.getProperty("avqa.look-ahead-on"));
        assertEquals("24", all.getProperty("avqa.look-ahead-room"));
        assertEquals("24", all.getProperty("avqa.look-ahead-threads"));
        assertEquals("false", camel.apply(Map.of("AVQA_ROLE", "worker", "AVQA_BROKER_URL", "tcp://127.0.0.1:61616",
                "AVQA_DB_URL", "jdbc:postgresql://127.0.0.1:5432/avqa")).getProperty("avqa.look-ahead-on"));
        assertEquals("false", camel.apply(Map.of("AVQA_DOWNLOAD_LOOK_AHEAD", "0")).getProperty("avqa.look-ahead-on"));
        assertEquals("64", camel.apply(Map.of("AVQA_WORKERS", "16")).getProperty("avqa.look-ahead-threads"));
    }

    /**
     * A copy of the routes in which 07's route {@code route} is under another name, as an edit that renamed it would
     * leave it; its wire tap (its uri indented by {@code tapIndent}) waits half a second for it, not Camel's 30 s.
     */
    static Path routesWithTheMediaRouteRenamed(Path tmp, String route, int tapIndent) throws java.io.IOException {
        Path routes = ReadableErrorsTest.copyOfRoutes(tmp);
        Path download = routes.resolve("07-download-video.yaml");
        String yaml = Files.readString(download);
        String from = "    from:\n      uri: direct:" + route + "\n";
        String tap = " ".repeat(tapIndent) + "uri: direct:" + route + "\n";
        assertTrue(yaml.contains(from) && yaml.contains(tap), "07's " + route + " route and its wire tap are where this test looks");
        Files.writeString(download, yaml.replace(from, "    from:\n      uri: direct:" + route + "-elsewhere\n")
                .replace(tap, " ".repeat(tapIndent) + "uri: direct:" + route + "?timeout=500\n"));
        return routes;
    }

    /**
     * The run said, in one line each in our words, that these videos' media work could not begin, ended with exit 1
     * and counted them as failures not recorded; they have no audio and no failure record (they stay pending).
     */
    static void assertSaidAndLeftPending(Fixture.Outcome outcome, Path data, List<String> ids) throws Exception {
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, outcome.exit(), log);
        for (String id : ids) {
            assertTrue(log.contains(id + ": its media work could not be done or recorded (the route that takes it on is not "
                    + "there: an edit of its route file that left it out or renamed it?); it stays pending, and the next run "
                    + "tries it again"), log);
            assertEquals(1, log.split(java.util.regex.Pattern.quote(id + ": its media work"), -1).length - 1,
                    "said once: " + log);
            assertEquals(1, log.lines().filter(l -> l.contains(" ERROR ") && l.contains(id)).count(), "one ERROR line: " + log);
            assertTrue(Files.notExists(data.resolve("audio/" + id + ".wav")), id);
            assertTrue(Files.notExists(data.resolve("failed/" + id + ".json")), id);
        }
        // nothing under a final name: no video published that its media work did not check
        try (java.util.stream.Stream<Path> videos = Files.list(data.resolve("videos"))) {
            assertEquals(List.of(), videos.map(p -> p.getFileName().toString()).toList(), "no video published");
        }
        assertEquals(ids.size(), lastRun(data).path("failures_not_recorded").asLong(), lastRun(data).toString());
        for (String internal : List.of("direct:", "Exception", "\tat ", "Exchange")) {
            assertTrue(!log.contains(internal) && !outcome.stdout().contains(internal) && !outcome.stderr().contains(internal),
                    "no \"" + internal + "\" in what the tool said: " + log + outcome.stderr());
        }
    }

    /**
     * A run of these videos with one worker and this look-ahead, which must end well: each video is complete before the
     * worker asks for the one {@code lookAhead + 1} places after it. Returns the data directory.
     */
    private static Path eachCompleteBeforeTheOneAfterIsFetched(Path tmp, List<String> ids, int lookAhead) throws Exception {
        Fixture.Outcome outcome = Fixture.run(oneWorker(tmp, ids), Map.of("AVQA_DOWNLOAD_LOOK_AHEAD", String.valueOf(lookAhead)));
        Path data = tmp.resolve("data");
        assertEquals(0, outcome.exit(), outcome.stderr());
        List<String> log = Files.readAllLines(data.resolve("avqa_download.log"));
        int after = lookAhead + 1;
        for (int k = 0; k + after < ids.size(); k++) {
            assertTrue(line(log, "Complete: " + ids.get(k)) < line(log, "Downloading " + ids.get(k + after) + " "),
                    ids.get(k) + " is complete before " + ids.get(k + after) + " is fetched: " + String.join("\n", log));
        }
        return data;
    }

    /** A fast local run of these videos with one worker. */
    private static List<String> oneWorker(Path tmp, List<String> ids) throws java.io.IOException {
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--workers", "1"));
        return args;
    }

    private static int line(List<String> log, String text) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with \"" + text + "\" in\n" + String.join("\n", log));
    }

    static JsonNode lastRun(Path data) throws Exception {
        try (Stream<Path> runs = Files.list(data.resolve("runs"))) {
            return Fixture.readJson(runs.sorted().reduce((a, b) -> b).orElseThrow());
        }
    }
}
