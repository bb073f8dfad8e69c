package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirror's web pages (yt-dlp's generic extractor, not YouTube) with no pause asked: one yt-dlp start
 * per batch of videos instead of one per video, with the real yt-dlps, and a video the batch could not
 * deliver fetched on its own and classified as it would be alone.
 */
@Alone // a stop timed within yt-dlp's socket timeout
class BatchDownloadTest extends LoopbackServerTest {

    @Test
    void theCurrentYtDlpFetchesAMirrorsPagesInBatches(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        batches(tmp, "batchnew", Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.SET_UP.toString()));
    }

    @Test
    void debiansYtDlpFetchesAMirrorsPagesInBatches(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeDebiansOld();
        batches(tmp, "batchold", Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.DEBIAN.toString()));
    }

    /**
     * A template whose scheme is written in capitals ({@code HTTP://…}, which its check takes as http) goes to yt-dlp as
     * it goes to the fast path, in a batch and one video a start: each video failed as "a bug" (an unchecked URL).
     */
    @Test
    void aTemplateWhoseSchemeIsInCapitalsIsFetchedByYtDlp(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        for (String batch : List.of("32", "1")) {
            Path run = tmp.resolve("batch-" + batch);
            List<String> ids = serveClips("caps" + batch + "-", 3);
            List<String> args = localRun(run, ids, server.urlTemplate().replaceFirst("^http:", "HTTP:"));

            Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.SET_UP.toString(),
                    "AVQA_DOWNLOAD_BATCH", batch));

            Path data = run.resolve("data");
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), batch + ": " + outcome.stderr() + log);
            assertEquals(batch.equals("1"), count(log, "Downloading a batch of") == 0, batch + ": " + log);
            for (String id : ids) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, batch + ": " + id);
            }
        }
    }

    private void batches(Path tmp, String prefix, Map<String, String> env) throws Exception {
        List<String> ok = serveClips(prefix, 6);
        String missing = prefix + "404";
        server.serve(missing, clip).failAlways(missing, MediaServer.Fault.NOT_FOUND);
        List<String> ids = new ArrayList<>(ok);
        ids.add(3, missing);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.urlTemplate());

        Fixture.Outcome outcome = Fixture.run(args, env);

        assertEquals(1, outcome.exit(), "one video failed");
        for (String id : ok) {
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id);
        }
        String log = Files.readString(data.resolve("avqa_download.log"));
        // 7 videos over 2 workers: two batches (4 and 3), two yt-dlp starts; the first stops at the 404,
        // its last video, whose failure is classified from yt-dlp's words: permanent, not asked for again
        assertEquals(2, count(log, "Downloading a batch of"), log);
        assertTrue(log.contains("Downloading a batch of 4 videos from 127.0.0.1 with one yt-dlp start"), log);
        assertEquals(0, count(log, "Downloading " + missing + " from"), "not fetched again alone: " + log);
        FailureHandlingTest.assertCategory(data, missing, "permanent", 1);
        // every video was requested by its batch only: as often as one yt-dlp run asks for one video
        for (String id : ids) {
            assertTrue(server.hits(id).size() <= 2, id + ": " + server.hits(id).size() + " requests");
        }
        // provenance names the format yt-dlp chose for each video of a batch
        for (String id : ok) {
            var line = ResearchOutputsTest.provenanceByFile(data).get("videos/" + id + ".mp4");
            assertTrue(line.path("source").path("yt_dlp_format").asText().matches("[A-Za-z0-9+_.,-]+"), line.toString());
        }
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")));
    }

    /**
     * A data directory reached through a symbolic link (on another disk, say): yt-dlp names each file
     * under the linked path, the work directory is compared by its real one. Each video the batch
     * delivered is taken as delivered, not fetched again on its own.
     */
    @Test
    void aBatchIntoADataDirectoryBehindASymbolicLinkTakesWhatItDelivered(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        List<String> ids = serveClips("linked", 4);
        Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(tmp.resolve("data"), tmp.resolve("elsewhere"));
        Path data = tmp.resolve("data");

        Fixture.Outcome outcome = Fixture.run(localRun(tmp, ids, server.urlTemplate()),
                Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.SET_UP.toString()));

        assertEquals(0, outcome.exit(), outcome.stderr());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(2, count(log, "Downloading a batch of 2 videos"), log);
        for (String id : ids) {
            assertEquals(0, count(log, "Downloading " + id + " from"), "not fetched again alone: " + log);
            assertTrue(Fixture.probe(tmp.resolve("elsewhere/audio/" + id + ".wav"))[1] > 2.5, id);
        }
    }

    /**
     * yt-dlp saying it is out of date: each yt-dlp run of the batch stops at the video it failed, which
     * counts as it would alone, so the run stops after three in a row and the fourth is never asked for.
     */
    @Test
    void aBatchThatYtDlpCannotFetchBecauseItIsOutOfDateStopsTheRunWithoutAskingAgain(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("stale", 4);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.addAll(List.of("--workers", "1"));
        int before = server.hits().size();

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_FORMAT", "bestvideo[height>=4000]"));

        assertEquals(1, outcome.exit());
        assertTrue(outcome.stderr().contains("was out of date for 3 videos in a row"), outcome.stderr());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(3, count(log, "Downloading a batch of"), log);
        assertTrue(log.contains("Downloading a batch of 4 videos") && log.contains("Downloading a batch of 2 videos"), log);
        var asked = server.hits().subList(before, server.hits().size()).stream().map(MediaServer.Hit::id).distinct().toList();
        assertEquals(ids.subList(0, 3), asked, "three videos were asked for, in order, the fourth never");
        var failures = Fixture.readJson(data.resolve("failed_downloads.json"));
        assertEquals(2, failures.size(), "the first two are recorded; the third stopped the run: " + failures);
        failures.forEach(f -> assertEquals("tool-outdated", f.get("category").asText(), f.toString()));
    }

    /**
     * A body of no announced length that never ends, in a batch: the size watch stops the batch's yt-dlp, and
     * the video it was on fails for its size (permanent) at once, not as a timeout fetched alone again.
     */
    @Test
    void anEndlessBodyInABatchFailsForItsSizeWithoutBeingFetchedAgainAlone(@TempDir Path tmp) throws Exception {
        List<String> ok = serveClips("endlessbatch", 3);
        String endless = "endlessbatch9";
        server.serve(endless, clip).failAlways(endless, MediaServer.Fault.ENDLESS);
        List<String> ids = new ArrayList<>(ok);
        ids.add(1, endless);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.addAll(List.of("--workers", "1", "--rate-limit", "4M"));

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_MAX_SIZE", "2M", "AVQA_DOWNLOAD_TIMEOUT", "120"));

        assertEquals(1, outcome.exit(), outcome.stderr());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("Downloading a batch of"), log);
        assertEquals(0, count(log, "Downloading " + endless + " from"), "not fetched again alone: " + log);
        var r = Fixture.readJson(data.resolve("failed/" + endless + ".json"));
        assertEquals("permanent", r.get("category").asText(), r.toString());
        assertTrue(r.get("reason").asText().contains("larger than avqa.download.max-size (2.0 MiB)"), r.toString());
        for (String id : ok) {
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
        }
    }

    /**
     * A video of a batch that trickles (a byte a second: yt-dlp's socket timeout never comes) is given up once it has
     * taken avqa.download.timeout, and the videos behind it go on at once; before, the batch's whole time
     * (avqa.download.timeout for each video it had left, 60 s here) held them, and the failure said the 10 s.
     */
    @Test
    void aTricklingVideoInABatchIsGivenUpAfterItsOwnTimeoutAndTheRestGoOn(@TempDir Path tmp) throws Exception {
        List<String> ok = serveClips("tricklebatch", 5);
        String slow = "tricklebatch9";
        server.serve(slow, clip).failAlways(slow, MediaServer.Fault.TRICKLE);
        List<String> ids = new ArrayList<>(ok);
        ids.add(1, slow);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.addAll(List.of("--workers", "1", "--retry-attempts", "1"));
        long started = System.nanoTime();

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_TIMEOUT", "10"));

        long took = (System.nanoTime() - started) / 1_000_000_000L;
        assertEquals(1, outcome.exit(), outcome.stderr());
        for (String id : ok) {
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
        }
        var r = Fixture.readJson(data.resolve("failed/" + slow + ".json"));
        assertEquals("transient", r.get("category").asText(), r.toString());
        assertEquals("yt-dlp did not finish it within 10 s and was stopped (avqa.download.timeout)", r.get("reason").asText(),
                r.toString());
        // 10 s for the slow one, the others a few seconds: not the batch's 60 s
        assertTrue(took < 50, took + " s");
    }

    /**
     * Each video a batch delivered goes on (its check, its WAV) while yt-dlp fetches the next, so a stop of
     * the run during a batch keeps what was delivered: the next run does not ask for it again.
     */
    @Test
    void aStopDuringABatchKeepsTheVideosItDeliveredAndTheNextRunDoesNotAskAgain(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        List<String> ids = serveClips("kept", 4);
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        server.holdUntil(ids.get(2), release::get, 90_000);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.addAll(List.of("--workers", "1"));
        Map<String, String> env = Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.SET_UP.toString());
        Path log = tmp.resolve("run.log");

        Process p = Fixture.startJvm(args, env, log);
        try {
            // the batch's yt-dlp is held at its third video; the first two are made meanwhile, well within
            // yt-dlp's own wait for an answer (--socket-timeout 30), after which it would end the batch (the bound
            // counts from the JVM's start: on a loaded machine the start and yt-dlp's own took over 20 s)
            Fixture.await("the WAVs of the first two videos, while the batch's yt-dlp waits for the third", 45_000,
                    () -> Files.exists(data.resolve("audio/" + ids.get(0) + ".wav"))
                            && Files.exists(data.resolve("audio/" + ids.get(1) + ".wav")));
            assertEquals(1, server.hits(ids.get(2)).size(), "the third video's request is still the first, held");
            p.destroy();
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "stopped promptly");
        } finally {
            release.set(true);
            p.destroyForcibly();
        }
        String said = Files.readString(log);
        assertEquals(143, p.exitValue(), said);
        // the videos delivered were handed on to their media work: the stop is clean all the same
        assertEquals(List.of(), said.lines().filter(l -> l.contains(" ERROR ")).toList(), said);
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("failed")), "the rest wait, no failure recorded");
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "nothing half-made is left");
        assertEquals(List.of(), Fixture.processesUsing(data));
        int asked0 = server.hits(ids.get(0)).size();
        int asked1 = server.hits(ids.get(1)).size();

        Fixture.Outcome again = Fixture.run(args, env);

        assertEquals(0, again.exit(), again.stderr());
        assertEquals(asked0, server.hits(ids.get(0)).size(), "the first video is not asked for again");
        assertEquals(asked1, server.hits(ids.get(1)).size(), "the second video is not asked for again");
        for (String id : ids) {
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id);
        }
        String second = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(second.contains("Downloading a batch of 2 videos"), second);
    }

    /**
     * A video the batch's yt-dlp delivered whose file cannot be moved into its own work directory (here a
     * file stands where that directory goes) fails alone, for now: it is fetched again on its own, and the
     * videos delivered before and after it go on from the batch, none lost, none fetched twice.
     */
    @Test
    void aDeliveredVideoThatCannotBeTakenIsFetchedAloneAndTheBatchGoesOn(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        List<String> ids = serveClips("untaken", 4);
        Path data = tmp.resolve("data");
        Path blocker = data.resolve(".partial/" + ids.get(2));
        // the second video is answered once the third's work directory is blocked, before yt-dlp reaches it
        server.holdUntil(ids.get(1), () -> Files.exists(blocker), 30_000);
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.addAll(List.of("--workers", "1"));
        Thread blocking = new Thread(() -> {
            try {
                Fixture.await("the batch's work directory", 30_000, () -> Files.isDirectory(data.resolve(".partial/#batch-1")));
                Files.writeString(blocker, "in the way");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        blocking.start();

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.SET_UP.toString()));
        blocking.join();

        assertEquals(0, outcome.exit(), outcome.stderr());
        assertTrue(!server.heldInVain(ids.get(1)), "the third video's directory was blocked in time");
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, count(log, "Downloading " + ids.get(2) + " from"), "the blocked one is fetched alone: " + log);
        for (String id : List.of(ids.get(0), ids.get(1), ids.get(3))) {
            assertEquals(0, count(log, "Downloading " + id + " from"), id + " came from the batch: " + log);
        }
        for (String id : ids) {
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id);
        }
    }

    /**
     * A video the batch's yt-dlp did not deliver for a reason that may pass (a 503) goes on alone: one
     * warning line says so and why, and the batch's try was its first attempt, so its retries alone make
     * up --retry-attempts in all, and a video that still fails is recorded with that many.
     */
    @Test
    void aVideoTheBatchFailedForNowIsRetriedAloneWithALineSayingWhy(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        List<String> ids = serveClips("again", 5);
        String once = ids.get(1);
        String always = ids.get(3);
        server.failNext(once, MediaServer.Fault.SERVER_ERROR);
        server.failAlways(always, MediaServer.Fault.SERVER_ERROR);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.addAll(List.of("--workers", "1"));

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.SET_UP.toString()));

        assertEquals(1, outcome.exit(), outcome.stderr());
        String log = Files.readString(data.resolve("avqa_download.log"));
        for (String id : List.of(once, always)) {
            var alone = log.lines().filter(l -> l.contains(id + " alone")).toList();
            assertEquals(1, alone.size(), id + ": " + log);
            assertTrue(alone.get(0).contains("WARN") && alone.get(0).contains("Retrying " + id + " alone, not in its batch "
                    + "(attempt 2 of 3): server error at the source (HTTP 5xx)"), alone.get(0));
        }
        assertEquals(1, count(log, "Downloading " + once + " from"), "fetched alone once: " + log);
        assertEquals(2, count(log, "Downloading " + always + " from"), "fetched alone twice: " + log);
        FailureHandlingTest.assertCategory(data, always, "transient", 3);
        for (String id : ids) {
            if (!id.equals(always)) {
                assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id);
            }
            if (!id.equals(once) && !id.equals(always)) {
                assertEquals(0, count(log, "Downloading " + id + " from"), id + " came from the batch: " + log);
            }
        }
    }

    /**
     * Each video a batch delivered is handed to its media work, as a video of the fast path is, and the batch's follower
     * takes the next meanwhile: the videos that reach their audio pass while the worker's ffmpeg run is taken share the
     * next (each video was passed alone, one ffmpeg run each, before).
     */
    @Test
    void theVideosABatchDeliveredShareFfmpegRunsWhileYtDlpFetchesOn(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        List<String> ids = serveClips("batchshare", 8);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.addAll(List.of("--workers", "1"));

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.SET_UP.toString()));

        assertEquals(0, outcome.exit(), outcome.stderr());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, count(log, "Downloading a batch of 8 videos"), log);
        for (String id : ids) {
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id);
        }
        com.fasterxml.jackson.databind.JsonNode passes = LookAheadTest.lastRun(data).path("audio_passes");
        assertTrue(passes.path("videos_passed_together").asLong() >= 2, passes.toString());
        assertTrue(passes.path("ffmpeg_runs").asLong() < ids.size(), passes.toString());
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")));
    }

    /**
     * yt-dlp removed under a run between two batches (found by an adversarial review): the second batch's yt-dlp that
     * could not be started failed the whole run outright, in Camel's words, with no summary. Now each video it had left
     * goes on alone, one line each; the first of them stops the run in one line, as a video of its own would; the rest
     * stay pending, no failure recorded, and the first batch's videos are complete.
     */
    @Test
    void aYtDlpRemovedBetweenTwoBatchesStopsTheRunInOneLineAndLeavesTheRestPending(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        List<String> ids = serveClips("gonebatch", 6);
        Path ytDlp = tmp.resolve("bin/yt-dlp");
        Files.createDirectories(ytDlp.getParent());
        Files.copy(YtDlpVersions.SET_UP.toRealPath(), ytDlp);
        // the first batch's first video is answered once yt-dlp is gone: that batch's yt-dlp, started, goes on
        server.holdUntil(ids.get(0), () -> !Files.exists(ytDlp), 30_000);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.addAll(List.of("--workers", "1"));
        Path out = tmp.resolve("out.log");

        Process run = Fixture.startJvm(args, Map.of("AVQA_TOOLS_YT_DLP", ytDlp.toString(), "AVQA_DOWNLOAD_BATCH", "3"), out);
        try {
            Fixture.await("the first video to be asked for", 60_000, () -> !server.hits(ids.get(0)).isEmpty());
            Files.delete(ytDlp);
            assertTrue(run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the run ends: " + Files.readString(out));
        } finally {
            run.destroyForcibly();
        }

        String said = Files.readString(out);
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("Downloading a batch of 3 videos from 127.0.0.1") && count(log, "Downloading a batch of") == 2, log);
        assertTrue(log.contains("Fetching " + ids.get(3) + " again alone, not in its batch: the batch's yt-dlp could not be "
                + "started (error=2, No such file or directory), so it is asked for on its own"), log);
        assertTrue(said.contains(ytDlp + " can no longer be started (error=2, No such file or directory): was it removed or "
                + "moved while the run went?"), said);
        assertTrue(!said.contains("\tat ") && !said.contains("a bug") && !said.contains("Exception"), said);
        assertTrue(run.exitValue() != 0, "the run did not make every video");
        // the first batch's videos in their media work when the stop came are left pending with the rest
        for (String id : ids.subList(0, 3)) {
            assertEquals(Files.isRegularFile(data.resolve("audio/" + id + ".wav")),
                    Files.isRegularFile(data.resolve("videos/" + id + ".mp4")), id + ": complete or pending: " + said);
        }
        for (String id : ids.subList(3, 6)) {
            assertTrue(!Files.exists(data.resolve("videos/" + id + ".mp4")), id);
        }
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("failed")), "the rest wait, no failure recorded");
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")));
        assertTrue(said.contains("Run stopped early"), said);
    }

    @Test
    void withAPauseAskedEveryVideoIsItsOwnPacedStart(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("paced", 3);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.addAll(List.of("--sleep", "0.1"));

        assertEquals(0, Fixture.run(args).exit());

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(0, count(log, "Downloading a batch of"), log);
        for (String id : ids) {
            assertEquals(1, count(log, "Downloading " + id + " from"), log);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
