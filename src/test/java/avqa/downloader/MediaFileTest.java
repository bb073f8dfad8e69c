package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast path: plain media-file URLs fetched by Camel's HTTP component, with the same guarantees. */
class MediaFileTest extends LoopbackServerTest {

    @Test
    void plainMediaFilesAreFetchedDirectlyOnceEachAndFaultsGetTheirCategories(@TempDir Path tmp) throws Exception {
        List<String> ok = serveClips("plainfile", 4);
        server.serve("file429", clip).failNext("file429", MediaServer.Fault.TOO_MANY_REQUESTS);
        server.serve("file404", clip).failAlways("file404", MediaServer.Fault.NOT_FOUND);
        server.serve("filecut", clip).failAlways("filecut", MediaServer.Fault.CUT);
        server.serve("filehalf", clip).failAlways("filehalf", MediaServer.Fault.TRUNCATED);
        server.serve("filepage", clip).failAlways("filepage", MediaServer.Fault.HTML_PAGE);
        server.serve("filelies", clip).failAlways("filelies", MediaServer.Fault.HTML_PAGE_AS_VIDEO);
        List<String> ids = new ArrayList<>(ok);
        ids.addAll(List.of("file429", "file404", "filecut", "filehalf", "filepage", "filelies"));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.mediaFileTemplate());
        args.addAll(List.of("--retry-attempts", "2", "--backoff", "0.2", "--cooldown", "0.2"));

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(1, outcome.exit());
        for (String id : ok) {
            assertEquals(1, server.hits(id).size(), id + ": one request, no yt-dlp look-ahead");
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[1] > 2.5, id);
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id);
        }
        assertTrue(Files.isRegularFile(data.resolve("audio/file429.wav")), "a 429 is retried");
        FailureHandlingTest.assertCategory(data, "file404", "permanent", 1);
        FailureHandlingTest.assertCategory(data, "filecut", "transient", 2);
        FailureHandlingTest.assertCategory(data, "filehalf", "invalid-output", 1);
        FailureHandlingTest.assertCategory(data, "filepage", "permanent", 1);
        // a page sent as video/mp4 is read as the page it is, not judged a damaged video
        FailureHandlingTest.assertCategory(data, "filelies", "permanent", 1);
        assertEquals(Fixture.readJson(data.resolve("failed/filepage.json")).get("reason").asText(),
                Fixture.readJson(data.resolve("failed/filelies.json")).get("reason").asText().replace("filelies", "filepage"));
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")));
    }

    /**
     * A 429 whose Retry-After asks for years: every worker pauses avqa.cooldown.max (here 1 s), and the line
     * says so, not that it waits as long as the source asks; the video then comes.
     */
    @Test
    void aRetryAfterOfYearsIsSaidWithThePauseTaken(@TempDir Path tmp) throws Exception {
        server.serve("years429", clip).failNext("years429", MediaServer.Fault.TOO_MANY_REQUESTS_FOR_YEARS);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("years429"));
        List<String> args = Fixture.localArgs(data, meta, server.mediaFileTemplate());

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_COOLDOWN_MAX", "1"));

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(0, outcome.exit(), outcome.stderr() + log);
        assertTrue(log.contains("Cool-down: every worker pauses for 1.0 s (") && log.contains(
                ", the source asks for a year or more (Retry-After); avqa.cooldown.max is the longest; cool-down 1 in a row)"), log);
        assertFalse(log.contains("as long as the source asks"), log);
        assertTrue(Files.isRegularFile(data.resolve("audio/years429.wav")));
    }

    /**
     * A worker that is done takes the next video at once, while the other is still downloading: with 2
     * workers and the second video's answer held until the other five were fetched whole, the five come
     * first. (Camel's pool, given no queue, had the worker holding the splitter's turn hand the first
     * video to the other worker and fetch the second itself, the plan's order being the annotations':
     * the other worker, done, then waited for it, here until the server gave up holding it.)
     */
    /**
     * A host that closes each connection right after its answer, without "Connection: close" (a raw
     * server here; some mirrors and proxies do it): the next video's request must not go out on the dead
     * pooled connection, where it fails without reaching the host. One worker, no pause: each video is
     * fetched once, at its first attempt.
     */
    @Test
    void aHostThatClosesEachConnectionSilentlyCostsNoVideoAnAttempt(@TempDir Path tmp) throws Exception {
        byte[] video = Files.readAllBytes(clip);
        byte[] head = RawHost.text("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: " + video.length + "\r\n\r\n");
        byte[] answer = java.util.Arrays.copyOf(head, head.length + video.length);
        System.arraycopy(video, 0, answer, head.length, video.length);
        try (RawHost host = new RawHost(path -> answer)) {
            List<String> ids = List.of("closing01", "closing02", "closing03", "closing04");
            Path meta = tmp.resolve("meta");
            Path data = tmp.resolve("data");
            Fixture.annotations(meta, "test", ids);
            List<String> args = Fixture.localArgs(data, meta, host.baseUrl() + "/v/{id}.mp4");
            args.addAll(List.of("--workers", "1", "--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr() + Files.readString(data.resolve("avqa_download.log")));
            assertEquals(4, PipelineTest.listNames(data.resolve("audio")).size());
            assertEquals(4, host.requests().size(), "one request a video: " + host.requests());
        }
    }

    @Test
    void aFreeWorkerTakesTheNextVideoWhileAnotherVideoStillDownloads(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("freeworker", 6);
        String held = ids.get(1);
        List<String> others = ids.stream().filter(id -> !id.equals(held)).toList();
        server.holdUntilServed(held, others, 60_000);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);

        assertEquals(0, Fixture.run(Fixture.localArgs(data, meta, server.mediaFileTemplate())).exit());

        assertFalse(server.heldInVain(held), "the other five were fetched while " + held + " was held");
        for (String id : ids) {
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
        }
    }

    /**
     * A host that serves a WebM as {@code <id>.mp4}: the file is kept as it came (its bytes are the host's,
     * which another lab's checksum list confirms), complete, with a warning that says what it is.
     */
    @Test
    void aWebmServedAsMp4IsKeptAsItCameWithAWarning(@TempDir Path tmp) throws Exception {
        Path webm = tmp.resolve("served.webm");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine", "-t", "2", "-c:v", "libvpx-vp9",
                "-deadline", "realtime", "-c:a", "libopus", "-f", "webm", webm.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        server.serve("webmasmp4", webm);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("webmasmp4"));

        assertEquals(0, Fixture.run(Fixture.localArgs(data, meta, server.mediaFileTemplate())).exit());

        assertArrayEquals(Files.readAllBytes(webm), Files.readAllBytes(data.resolve("videos/webmasmp4.mp4")), "as it came");
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("webmasmp4: its file is Matroska or WebM (matroska,webm), not mp4; kept as it came"), log);
        assertTrue(Files.readString(data.resolve("metadata/provenance.jsonl")).contains("\"container\":\"matroska,webm\""));
        // with frames, ffprobe checks the video before its pass: the same warning
        Path framed = tmp.resolve("framed");
        List<String> withFrames = new ArrayList<>(Fixture.localArgs(framed, meta, server.mediaFileTemplate()));
        withFrames.addAll(List.of("--frames", "1"));
        assertEquals(0, Fixture.run(withFrames).exit());
        assertTrue(Files.readString(framed.resolve("avqa_download.log")).contains("webmasmp4: its file is Matroska or WebM"));
    }

    /**
     * With no frames asked, the audio pass is the video's only check (no ffprobe): a file without sound
     * or without picture is refused in its words, and a good one's facts in provenance.jsonl are what
     * ffprobe says of it, its sound as long as the WAV.
     */
    @Test
    void theAudioPassChecksTheVideoAndKeepsItsFacts(@TempDir Path tmp) throws Exception {
        server.serve("passgood", clip);
        server.serve("passsilent", Fixture.clip("silent-3s", 3, false));
        server.serve("passsound", FfmpegReportTest.make("sound.m4a", "-f lavfi -i sine=duration=1 -c:a aac"));
        // a song with its cover art: a picture attached to the file, which ffmpeg lists as a video stream
        server.serve("passcover", FfmpegReportTest.make("cover.m4a", FfmpegReportTest.COVER));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("passgood", "passsilent", "passsound", "passcover"));

        assertEquals(1, Fixture.run(Fixture.localArgs(data, meta, server.mediaFileTemplate())).exit());

        FailureHandlingTest.assertCategory(data, "passsilent", "invalid-output", 1);
        FailureHandlingTest.assertCategory(data, "passsound", "invalid-output", 1);
        FailureHandlingTest.assertCategory(data, "passcover", "invalid-output", 1);
        assertEquals("the video file has no audio stream", Fixture.readJson(data.resolve("failed/passsilent.json")).get("reason").asText());
        assertEquals("the video file has no video stream", Fixture.readJson(data.resolve("failed/passsound.json")).get("reason").asText());
        assertEquals("the video file has no video stream", Fixture.readJson(data.resolve("failed/passcover.json")).get("reason").asText());
        assertFalse(Files.exists(data.resolve("videos/passcover.mp4")), "never under a final name");
        assertFalse(Files.exists(data.resolve("audio/passcover.wav")));

        // with frames asked, ffprobe checks the video before any pass: the cover is no video stream there too
        Path framed = tmp.resolve("framed");
        Fixture.annotations(meta, "test", List.of("passcover"));
        List<String> withFrames = new ArrayList<>(Fixture.localArgs(framed, meta, server.mediaFileTemplate()));
        withFrames.addAll(List.of("--frames", "1"));
        assertEquals(1, Fixture.run(withFrames).exit());
        assertEquals("the video file has no video stream", Fixture.readJson(framed.resolve("failed/passcover.json")).get("reason").asText());
        assertFalse(Files.exists(framed.resolve("frames/passcover")));
        var video = ResearchOutputsTest.assertProvenanceOfEveryFile(data).get("videos/passgood.mp4");
        assertEquals("mov,mp4,m4a,3gp,3g2,mj2", video.path("container").asText(), video.toString());
        assertEquals("h264", video.path("video_codec").asText());
        assertEquals(320, video.path("width").asInt());
        assertEquals(240, video.path("height").asInt());
        assertEquals(25.0, video.path("frame_rate").asDouble());
        assertEquals("aac", video.path("audio_codec").asText());
        assertEquals(44100, video.path("audio_rate").asInt());
        assertEquals(1, video.path("audio_channels").asInt());
        assertEquals(Fixture.probe(clip)[0], video.path("duration").asDouble(), 0.05);
        assertEquals(MediaValidator.wavSeconds(data.resolve("audio/passgood.wav")), video.path("audio_duration").asDouble(), 0.001);
    }

    /**
     * A video whose header says it lasts 4,000,000 s while its streams hold 60 s is refused on the fast path and
     * from an archive alike, in its words, never under a final name; before, it was kept, and the made-up
     * length went into its provenance. A good one beside it has the length its packets reach.
     */
    @Test
    void aVideoWhoseHeaderSaysFarMoreThanItsStreamsHoldIsRefusedOnEveryPath(@TempDir Path tmp) throws Exception {
        Path honest = FfmpegReportTest.make("honest60.mp4", "-f lavfi -i testsrc2=size=64x64:rate=10:duration=60 "
                + "-f lavfi -i sine=duration=60 -c:v libx264 -preset ultrafast -c:a aac -shortest");
        Path forged = FfmpegReportTest.forgedLength(honest, tmp.resolve("forged.mp4"), 4_000_000);
        server.serve("lenforged", forged);
        server.serve("lenhonest", honest);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("lenforged", "lenhonest"));

        assertEquals(1, Fixture.run(Fixture.localArgs(data, meta, server.mediaFileTemplate())).exit());

        String said = "the video file says it lasts 1111:06:40, but its streams hold 60.0 s: it was cut short, or its header is wrong";
        FailureHandlingTest.assertCategory(data, "lenforged", "invalid-output", 1);
        assertEquals(said, Fixture.readJson(data.resolve("failed/lenforged.json")).get("reason").asText());
        assertFalse(Files.exists(data.resolve("videos/lenforged.mp4")), "never under a final name");
        assertFalse(Files.exists(data.resolve("audio/lenforged.wav")));
        var provenance = ResearchOutputsTest.assertProvenanceOfEveryFile(data);
        assertEquals(60.0, provenance.get("videos/lenhonest.mp4").path("duration").asDouble(), 0.1);

        // from an archive: the same words, and the entry is not taken
        Path zip = tmp.resolve("videos.zip");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new java.util.zip.ZipEntry("videos/lenforged2.mp4"));
            Files.copy(forged, z);
            z.closeEntry();
        }
        Path fromArchive = tmp.resolve("archived");
        Fixture.annotations(meta, "test", List.of("lenforged2"));
        List<String> args = new ArrayList<>(Fixture.localArgs(fromArchive, meta, "http://127.0.0.1:9/{id}.mp4"));
        args.addAll(List.of("--import-archive", zip.toString()));
        Fixture.run(args);
        assertFalse(Files.exists(fromArchive.resolve("videos/lenforged2.mp4")), "never under a final name");
        String log = Files.readString(fromArchive.resolve("avqa_download.log"));
        assertTrue(log.contains(said), log);

        // with frames asked, ffprobe checks the video from its index: the streams' lengths against the header's
        Path framed = tmp.resolve("framed");
        Fixture.annotations(meta, "test", List.of("lenforged"));
        List<String> withFrames = new ArrayList<>(Fixture.localArgs(framed, meta, server.mediaFileTemplate()));
        withFrames.addAll(List.of("--frames", "1"));
        assertEquals(1, Fixture.run(withFrames).exit());
        assertEquals(said, Fixture.readJson(framed.resolve("failed/lenforged.json")).get("reason").asText());
        assertFalse(Files.exists(framed.resolve("videos/lenforged.mp4")), "never under a final name");
        assertFalse(Files.exists(framed.resolve("frames/lenforged")));
    }

    /**
     * A video whose sound stops after 5 of its 30 s is kept (it has sound; a still picture with its music is a
     * video too), with a warning that names it, on the fast path and where ffprobe checks it (frames made); one
     * whose sound lasts throughout gets none.
     */
    @Test
    void aVideoWhoseSoundStopsEarlyIsKeptWithAWarningThatNamesIt(@TempDir Path tmp) throws Exception {
        server.serve("soundshort", FfmpegReportTest.make("sound5of30.mp4", "-f lavfi -i testsrc2=size=64x64:rate=10:duration=30 "
                + "-f lavfi -i sine=duration=5 -c:v libx264 -preset ultrafast -c:a aac"));
        server.serve("soundwhole", clip);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("soundshort", "soundwhole"));
        for (String frames : List.of("", "1")) {
            Path data = tmp.resolve("data" + frames);
            List<String> args = new ArrayList<>(Fixture.localArgs(data, meta, server.mediaFileTemplate()));
            if (!frames.isEmpty()) {
                args.addAll(List.of("--frames", frames));
            }
            assertEquals(0, Fixture.run(args).exit());
            assertTrue(Files.isRegularFile(data.resolve("audio/soundshort.wav")));
            String log = Files.readString(data.resolve("avqa_download.log"));
            // (30 s as the index says it, 29.9 s as far as the packets reach: the last picture's start)
            assertTrue(java.util.regex.Pattern.compile("soundshort: its sound lasts 5\\.0 s of the (29\\.9|30\\.0) s of the "
                    + "video; kept \\(it has sound\\), but a model that expects sound throughout may need it padded or left out")
                    .matcher(log).find(), log);
            assertFalse(log.contains("soundwhole: its sound lasts"), log);
        }
    }

    /**
     * --pad-to pads a video shorter than it, not a longer one whose sound stops early: a 30 s video with 5 s
     * of sound keeps a 5 s WAV at --pad-to 10 (and --verify agrees), and gets a 40 s one at --pad-to 40.
     */
    @Test
    void padToPadsTheSoundOfAShorterVideoNotTheShortSoundOfALongerOne(@TempDir Path tmp) throws Exception {
        server.serve("soundshort", FfmpegReportTest.make("sound5of30.mp4", "-f lavfi -i testsrc2=size=64x64:rate=10:duration=30 "
                + "-f lavfi -i sine=duration=5 -c:v libx264 -preset ultrafast -c:a aac"));
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("soundshort"));
        for (int padTo : new int[] {10, 40}) {
            Path data = tmp.resolve("data" + padTo);
            List<String> args = new ArrayList<>(Fixture.localArgs(data, meta, server.mediaFileTemplate()));
            args.addAll(List.of("--pad-to", String.valueOf(padTo)));
            assertEquals(0, Fixture.run(args).exit());
            Path wav = data.resolve("audio/soundshort.wav");
            assertEquals(padTo == 10 ? 5.0 : 40.0, MediaValidator.wavSeconds(wav), 0.1, "--pad-to " + padTo);
            String provenance = Files.readString(data.resolve("metadata/provenance.jsonl"));
            assertEquals(padTo == 40, provenance.contains("padded_seconds"), provenance);
            Fixture.Outcome verify = Fixture.run(List.of("--verify", "--data-dir", data.toString(), "--dataset", "music-avqa",
                    "--splits", "test", "--pad-to", String.valueOf(padTo)));
            assertEquals(0, verify.exit(), "--pad-to " + padTo + ": " + verify.stdout() + verify.stderr());
        }
    }

    /**
     * Every request passes the pacing: the HTTP client repeats no 429 by itself (HttpClient 5 would, a
     * second later), so a video answered 429 three times, then 200, is asked exactly four times, and
     * the gaps between the asks grow with the cool-down and the backoff.
     */
    @Test
    void aVideoAnswered429ThreeTimesIsRequestedExactlyFourTimesWithGrowingGaps(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("thrice429x", 1);
        String id = ids.get(0);
        server.failNext(id, MediaServer.Fault.TOO_MANY_REQUESTS, MediaServer.Fault.TOO_MANY_REQUESTS,
                MediaServer.Fault.TOO_MANY_REQUESTS);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.mediaFileTemplate());
        args.addAll(List.of("--retry-attempts", "5", "--backoff", "0.3", "--cooldown", "0.4"));

        assertEquals(0, Fixture.run(args).exit());

        List<MediaServer.Hit> hits = server.hits(id);
        assertEquals(List.of(429, 429, 429, 200), hits.stream().map(MediaServer.Hit::status).toList(), hits.toString());
        long first = hits.get(1).atMillis() - hits.get(0).atMillis();
        long second = hits.get(2).atMillis() - hits.get(1).atMillis();
        long third = hits.get(3).atMillis() - hits.get(2).atMillis();
        assertTrue(first >= 350 && first < second && second < third,
                "gaps grow from the first cool-down (0.4 s): " + first + ", " + second + ", " + third + " ms");
        assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")));
    }

    @Test
    void aStalledMediaFileIsGivenUpAfterTheTimeoutAndRetried(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("stallfile", 1);
        server.failNext("stallfile0", MediaServer.Fault.STALL);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);

        long start = System.currentTimeMillis();
        Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta, server.mediaFileTemplate()),
                Map.of("AVQA_DOWNLOAD_TIMEOUT", "3"));

        assertEquals(0, outcome.exit());
        assertTrue(System.currentTimeMillis() - start < 30_000, "the stall did not hold the run");
        // given up by whichever of the two 3 s limits fires first: the download's time, or the silence it allows
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("the download did not finish within 3 s") || log.contains("no data came for 3 s: the "
                + "download stalled and was given up (avqa.download.timeout, 3 s)"), log);
        assertEquals(2, server.hits("stallfile0").size(), "stalled once, then fetched");
        assertFalse(Files.exists(data.resolve("failed/stallfile0.json")));
    }

    /**
     * A --rate-limit too low for the file to come within avqa.download.timeout: the download is given up at its
     * deadline, as a stalled one is (the pace's wait, 655 s a read at 100 bytes/s, held the run past the deadline
     * and past a stop); a rate of 0 is refused before anything starts.
     */
    @Test
    void aRateTooLowForTheDeadlineIsGivenUpAtItAndZeroIsRefused(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, serveClips("crawlfile", 1), server.mediaFileTemplate());
        args.addAll(List.of("--rate-limit", "100", "--retry-attempts", "1"));

        long start = System.currentTimeMillis();
        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_TIMEOUT", "3"));

        assertEquals(1, outcome.exit(), outcome.stderr());
        assertTrue(System.currentTimeMillis() - start < 30_000, "given up at its deadline: " + (System.currentTimeMillis() - start));
        assertTrue(Fixture.readJson(data.resolve("failed/crawlfile0.json")).get("reason").asText()
                .contains("did not finish within 3 s"), Files.readString(data.resolve("failed/crawlfile0.json")));
        assertFalse(Files.exists(data.resolve("videos/crawlfile0.mp4")));
        for (String zero : List.of("0", "0K", "0.0M")) {
            Fixture.Outcome refused = Fixture.run(List.of("--data-dir", tmp.resolve("zero").toString(), "--rate-limit", zero));
            assertEquals(2, refused.exit(), zero + ": " + refused.stderr());
            assertTrue(refused.stderr().contains("a byte rate above 0"), refused.stderr());
        }
    }

    @Test
    void aRateLimitIsRespectedWithoutYtDlp(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("slowfile", 1);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.mediaFileTemplate());
        args.addAll(List.of("--rate-limit", "100K"));
        long size = Files.size(clip);

        long start = System.currentTimeMillis();
        assertEquals(0, Fixture.run(args).exit());
        long took = System.currentTimeMillis() - start;

        assertTrue(took >= size * 1000 / (100 * 1024) - 300, size + " bytes at 100 KiB/s took only " + took + " ms");
    }

    /**
     * Each stage has its own retries: a download that needed all three attempts (503, 503, 200) does not
     * spend the retries of the stages after it. Camel keeps its redelivery count on a message that a
     * retry delivered; without the routes clearing it, the frames' ffmpeg, timed out here (60 frames a
     * second of a 2-minute clip cannot be written within 1 s), would fail at once, with no retry.
     */
    @Test
    void aStageAfterARetriedDownloadHasRetriesOfItsOwn(@TempDir Path tmp) throws Exception {
        Path longClip = Fixture.clip("tone-120s", 120, true);
        String id = "retriedthenslow0";
        server.serve(id, longClip).failNext(id, MediaServer.Fault.SERVER_ERROR, MediaServer.Fault.SERVER_ERROR);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of(id));
        List<String> args = Fixture.localArgs(data, meta, server.mediaFileTemplate());
        args.addAll(List.of("--retry-attempts", "3", "--backoff", "0.2", "--cooldown", "0.2", "--frames", "60"));

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_EXTRACT_TIMEOUT", "1"));

        assertEquals(List.of(503, 503, 200), server.hits(id).stream().map(MediaServer.Hit::status).toList());
        String log = Files.readString(data.resolve("avqa_download.log"));
        for (int attempt = 2; attempt <= 3; attempt++) {
            assertTrue(log.contains("Retrying " + id + " (attempt " + attempt + " of 3): server error"),
                    "the download's retry " + attempt + ": " + log);
            assertTrue(log.contains("Retrying " + id + " (attempt " + attempt + " of 3): ffmpeg did not finish in time"),
                    "the frames' own retry " + attempt + ": " + log);
        }
        assertEquals(1, outcome.exit(), outcome.stderr() + outcome.stdout());
        assertEquals("transient", Fixture.readJson(data.resolve("failed/" + id + ".json")).get("category").asText(),
                "recorded once its own retries are spent");
        // one line, without the empty brackets of a tool that said nothing more
        assertTrue(log.contains("Failed: " + id + " [transient] ffmpeg did not finish in time and was stopped "
                + "(avqa.extract.timeout)" + System.lineSeparator()), log);
    }
    /**
     * A mirror's plain media-file URLs with a user name and password in them ({@code http://user:pass@host/…},
     * which Camel's HTTP client refuses as it is) take the fast path all the same, and the password is
     * written nowhere.
     */
    @Test
    void aMirrorUrlWithALoginInItTakesTheFastPath(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("loginfile", 2);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        String template = server.mediaFileTemplate().replace("http://", "http://lab:f4stS3cret@");

        Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta, template));

        assertEquals(0, outcome.exit(), outcome.stderr());
        for (String id : ids) {
            assertEquals(1, server.hits(id).size(), id + ": one request, no yt-dlp look-ahead");
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
        }
        assertFalse(outcome.stdout().contains("f4stS3cret") || outcome.stderr().contains("f4stS3cret"));
        assertFalse(Files.readString(data.resolve("avqa_download.log")).contains("f4stS3cret"));
        assertFalse(Files.readString(data.resolve("metadata/provenance.jsonl")).contains("f4stS3cret"));
    }
}
