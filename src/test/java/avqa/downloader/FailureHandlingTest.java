package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults injected at the loopback server: retries with backoff, dead-lettered failures and their records. */
@Alone // the backoff's growth measured between yt-dlp starts
class FailureHandlingTest extends LoopbackServerTest {


    /**
     * A file over avqa.download.max-size that yt-dlp refuses (it says so on its standard output and exits
     * 0, having written nothing) is recorded permanent, with yt-dlp's own words, and not asked again.
     */
    @Test
    void aFileOverTheSizeCapThatYtDlpRefusesIsPermanent(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("toolarge", 2);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());

        Fixture.Outcome outcome = Fixture.run(args, java.util.Map.of("AVQA_DOWNLOAD_MAX_SIZE", "100K"));

        assertEquals(1, outcome.exit(), outcome.stderr());
        for (String id : ids) {
            JsonNode r = Fixture.readJson(data.resolve("failed/" + id + ".json"));
            assertEquals("permanent", r.get("category").asText(), r.toString());
            assertTrue(r.get("last_error").asText().contains("larger than max-filesize"), r.toString());
        }
        int asked = ids.stream().mapToInt(id -> server.hits(id).size()).sum();
        assertEquals(1, Fixture.run(args, java.util.Map.of("AVQA_DOWNLOAD_MAX_SIZE", "100K")).exit());
        assertEquals(asked, ids.stream().mapToInt(id -> server.hits(id).size()).sum(), "not asked again");
    }

    /**
     * A body of no announced length that never ends, on yt-dlp's path (whose --max-filesize lets it
     * through): yt-dlp is stopped once a file of its work directory passes avqa.download.max-size, long
     * before the deadline, and the video is permanent; nothing is left behind.
     */
    @Test
    void anEndlessBodyOnYtDlpsPathIsStoppedAtTheSizeCap(@TempDir Path tmp) throws Exception {
        String id = "endlessytdlp";
        server.serve(id, clip).failAlways(id, MediaServer.Fault.ENDLESS);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of(id));
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--rate-limit", "4M"));

        long start = System.currentTimeMillis();
        Fixture.Outcome outcome = Fixture.run(args, java.util.Map.of("AVQA_DOWNLOAD_MAX_SIZE", "2M",
                "AVQA_DOWNLOAD_TIMEOUT", "120"));
        long took = System.currentTimeMillis() - start;

        assertEquals(1, outcome.exit(), outcome.stderr());
        assertTrue(took < 60_000, "stopped at the cap, not by the 120 s deadline: " + took + " ms");
        JsonNode r = Fixture.readJson(data.resolve("failed/" + id + ".json"));
        assertEquals("permanent", r.get("category").asText(), r.toString());
        assertTrue(r.get("reason").asText().contains("larger than avqa.download.max-size (2.0 MiB): yt-dlp was stopped once a file it wrote reached"),
                r.toString());
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "nothing left behind");
        assertEquals(List.of(), Fixture.processesUsing(data), "no yt-dlp left");
    }

    @Test
    void aVideoAnswered429TwiceCompletesAndTheGapsBetweenAttemptsGrow(@TempDir Path tmp) throws Exception {
        String id = "ratelimited";
        server.serve(id, clip).failNext(id, MediaServer.Fault.TOO_MANY_REQUESTS, MediaServer.Fault.TOO_MANY_REQUESTS);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of(id));
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--backoff", "1", "--retry-attempts", "4"));

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(0, outcome.exit());
        assertTrue(Files.isRegularFile(data.resolve("videos/" + id + ".mp4")));
        assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")));
        List<MediaServer.Hit> hits = server.hits(id);
        List<Long> attemptStarts = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            // each attempt starts with one request; the two refused ones are the first two
            if (i == 0 || hits.get(i - 1).status() == 429) {
                attemptStarts.add(hits.get(i).atMillis());
            }
        }
        assertEquals(3, attemptStarts.size(), "three attempts: " + hits);
        long firstGap = attemptStarts.get(1) - attemptStarts.get(0);
        long secondGap = attemptStarts.get(2) - attemptStarts.get(1);
        assertTrue(secondGap > firstGap, "backoff grows: gaps " + firstGap + " ms then " + secondGap + " ms");
        assertTrue(firstGap >= 850, "the first retry waited about --backoff: " + firstGap + " ms");
        assertFalse(Files.exists(data.resolve("failed/" + id + ".json")));
    }

    @Test
    void notFoundTruncatedAndCutVideosAreDeadLetteredWithTheirCategoriesAndLeaveNoFiles(@TempDir Path tmp)
            throws Exception {
        server.serve("missing0001", clip).failAlways("missing0001", MediaServer.Fault.NOT_FOUND);
        server.serve("cutconnect1", clip).failAlways("cutconnect1", MediaServer.Fault.CUT);
        server.serve("webpage0001", clip).failAlways("webpage0001", MediaServer.Fault.HTML_PAGE);
        server.serve("goodvideo01", clip);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        // (a file cut short with an honest Content-Length is caught on the media-file path: MediaFileTest)
        List<String> ids = List.of("missing0001", "cutconnect1", "webpage0001", "goodvideo01");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--retry-attempts", "2", "--backoff", "0.2"));

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(1, outcome.exit(), "some videos failed");
        assertCategory(data, "missing0001", "permanent", 1);
        assertCategory(data, "cutconnect1", "transient", 2);
        assertCategory(data, "webpage0001", "permanent", 1);
        JsonNode summary = Fixture.readJson(data.resolve("failed_downloads.json"));
        assertEquals(3, summary.size(), summary.toString());
        assertEquals("transient", summary.get("cutconnect1").get("category").asText());
        assertEquals(2, summary.get("cutconnect1").get("attempts").asInt());
        assertTrue(summary.get("missing0001").get("last_error").asText().contains("HTTP Error 404"),
                summary.get("missing0001").toString());
        assertEquals(List.of("goodvideo01.mp4"), PipelineTest.listNames(data.resolve("videos")));
        assertEquals(List.of("goodvideo01.wav"), PipelineTest.listNames(data.resolve("audio")));
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")));

        // the source recovers: a rerun completes the video and removes its failure record; the
        // permanent failures are not requested again
        server.failAlways("cutconnect1", null);
        int missingHits = server.hits("missing0001").size();
        Fixture.Outcome rerun = Fixture.run(args);
        assertEquals(1, rerun.exit());
        assertEquals(missingHits, server.hits("missing0001").size(), "a permanent failure is not requested again");
        assertEquals("permanent", Fixture.readJson(data.resolve("failed/missing0001.json")).get("category").asText());
        assertTrue(Files.isRegularFile(data.resolve("videos/cutconnect1.mp4")));
        assertFalse(Files.exists(data.resolve("failed/cutconnect1.json")));
        assertFalse(Fixture.readJson(data.resolve("failed_downloads.json")).has("cutconnect1"));

        server.failAlways("missing0001", null);
        args.add("--retry-permanent");
        Fixture.run(args);
        assertTrue(server.hits("missing0001").size() > missingHits, "--retry-permanent requests it again");
        assertTrue(Files.isRegularFile(data.resolve("videos/missing0001.mp4")));
    }

    /**
     * A run killed between a video's completion being recorded and its old failure record being removed left
     * both: the next run's records agree again (the video is complete, and failed for nothing).
     */
    @Test
    void aFailureRecordOfAVideoRecordedCompleteIsRemoved(@TempDir Path tmp) throws Exception {
        String id = "stalefail1";
        server.serve(id, clip).failNext(id, MediaServer.Fault.NOT_FOUND);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of(id));
        List<String> args = Fixture.localArgs(data, meta, server.mediaFileTemplate());
        assertEquals(1, Fixture.run(args).exit());
        byte[] failure = Files.readAllBytes(data.resolve("failed/" + id + ".json"));
        List<String> retry = new java.util.ArrayList<>(args);
        retry.add("--retry-permanent");
        assertEquals(0, Fixture.run(retry).exit());
        // as the kill leaves it
        Files.write(data.resolve("failed/" + id + ".json"), failure);

        Fixture.Outcome again = Fixture.run(args);

        assertEquals(0, again.exit(), again.stderr());
        assertFalse(Files.exists(data.resolve("failed/" + id + ".json")), "the stale record is gone");
        assertEquals(0, Fixture.readJson(data.resolve("failed_downloads.json")).size(),
                Files.readString(data.resolve("failed_downloads.json")));
    }

    static void assertCategory(Path data, String id, String category, int attempts) throws Exception {
        Path record = data.resolve("failed/" + id + ".json");
        assertTrue(Files.isRegularFile(record), "dead-letter record for " + id);
        JsonNode r = Fixture.readJson(record);
        assertEquals(id, r.get("id").asText());
        assertEquals(category, r.get("category").asText(), id + ": " + r);
        assertEquals(attempts, r.get("attempts").asInt(), id + ": " + r);
        assertFalse(r.get("reason").asText().isBlank());
        assertFalse(Files.exists(data.resolve("videos/" + id + ".mp4")));
        assertFalse(Files.exists(data.resolve("audio/" + id + ".wav")));
    }
}
