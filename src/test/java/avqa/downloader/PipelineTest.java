package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline against real yt-dlp and ffmpeg and the loopback video server. */
class PipelineTest extends LoopbackServerTest {


    @Test
    void tenVideosEndCompleteAndValidAndASecondRunRequestsNothing(@TempDir Path tmp) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = "okvideo" + String.format("%04d", i);
            ids.add(id);
            server.serve(id, clip);
        }
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);

        Fixture.Outcome first = Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate()));

        assertEquals(0, first.exit(), "exit status of a complete run");
        for (String id : ids) {
            double[] video = Fixture.probe(data.resolve("videos/" + id + ".mp4"));
            assertTrue(video[0] > 2.5 && video[1] > 2.5, id + " video has picture and sound: " + video[0] + "/" + video[1]);
            double[] wav = Fixture.probe(data.resolve("audio/" + id + ".wav"));
            assertEquals(-1, wav[0], id + ".wav has no picture");
            assertEquals(video[1], wav[1], 0.1, id + ".wav lasts as long as the video's sound");
        }
        JsonNode progress = Fixture.readJson(data.resolve("download_progress.json"));
        List<String> completed = new ArrayList<>();
        progress.get("completed").forEach(n -> completed.add(n.asText()));
        assertEquals(ids.stream().sorted().toList(), completed.stream().sorted().toList());
        assertTrue(progress.hasNonNull("timestamp"));
        JsonNode videoIds = Fixture.readJson(data.resolve("metadata/video_ids.json"));
        assertEquals(10, videoIds.get("all_ids").size());
        assertEquals(10, videoIds.get("by_split").get("test").size());
        assertEquals(List.of(), listNames(data.resolve(".partial")), "no temporary files left");

        int requestsBefore = server.hits().size();
        Fixture.Outcome second = Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate()));

        assertEquals(0, second.exit());
        assertEquals(requestsBefore, server.hits().size(), "the second run made no request");
        assertTrue(Fixture.lastSummary(data).contains("10 already complete"), Fixture.lastSummary(data));
    }

    @Test
    void aBrokenVideoAlreadyInVideosIsSetAsideAndFetchedAgain(@TempDir Path tmp) throws Exception {
        String id = "brokenfile1";
        server.serve(id, clip);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of(id));
        Files.createDirectories(data.resolve("videos"));
        byte[] whole = Files.readAllBytes(clip);
        Files.write(data.resolve("videos/" + id + ".mp4"), java.util.Arrays.copyOf(whole, 20_000));

        Fixture.Outcome first = Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate()));

        assertEquals(1, first.exit());
        assertEquals("invalid-output", Fixture.readJson(data.resolve("failed/" + id + ".json")).get("category").asText());
        assertEquals(List.of(), listNames(data.resolve("videos")), "the broken file left videos/");
        assertEquals(List.of(id + ".mp4"), listNames(data.resolve("rejected")));
        assertTrue(server.hits(id).isEmpty(), "no request while a video file was there");

        assertEquals(0, Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate())).exit());
        assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[1] > 2.5);
        assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5);
    }

    static List<String> listNames(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
