package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --verify} finds exactly what is wrong; {@code --repair} and a rerun make the dataset complete. */
class VerifyTest extends LoopbackServerTest {

    @Test
    void verifyReportsACorruptVideoAMissingWavAndAZeroSizeFileAndRepairMakesItComplete(@TempDir Path tmp)
            throws Exception {
        List<String> ids = List.of("verify0", "verify1", "verify2", "verify3");
        ids.forEach(id -> server.serve(id, clip));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        assertEquals(0, Fixture.run(args).exit());
        JsonNode run = Fixture.readJson(Files.list(data.resolve("runs")).findFirst().orElseThrow());
        assertEquals(4, run.get("downloaded").asInt(), "the run summary is kept in runs/");
        assertTrue(run.get("bytes_written").asLong() > 0, run.toString());
        assertEquals("2", run.get("settings").get("avqa.workers").asText());

        Files.write(data.resolve("videos/verify0.mp4"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Files.delete(data.resolve("audio/verify1.wav"));
        Files.write(data.resolve("audio/verify2.wav"), new byte[0]);
        List<String> verify = new ArrayList<>(args);
        verify.add("--verify");

        Fixture.Outcome report = Fixture.run(verify);

        assertEquals(1, report.exit(), report.stdout() + report.stderr());
        assertTrue(report.stdout().contains("1 of 4 annotated videos complete"), report.stdout() + report.stderr());
        // the coverage counts what the check found, not what was recorded: it says the same
        assertTrue(report.stdout().contains("Coverage: 1 of 4 videos complete"), report.stdout());
        // those whose files it found invalid stay in the group they came from, counted as such, not as pending
        assertTrue(report.stdout().contains("mirror:") && report.stdout().contains("invalid (--verify --repair sets it aside)=")
                && !report.stdout().contains("no source:"), report.stdout());
        JsonNode json = Fixture.readJson(data.resolve("verify_report.json"));
        assertEquals(List.of("verify0"), names(json.get("invalid_videos")));
        assertEquals(0, json.get("invalid_audio").size());
        assertEquals("[\"audio/verify2.wav\"]", json.get("zero_size_files").toString());
        assertEquals("[\"verify1\"]", json.get("videos_without_audio").toString());
        assertEquals(0, json.get("audio_without_video").size());
        assertEquals(0, json.get("unreferenced").size());
        assertEquals(false, json.get("dataset_complete").asBoolean());

        verify.add("--repair");
        assertEquals(1, Fixture.run(verify).exit());
        assertEquals(List.of("verify0.mp4", "verify2.wav"), PipelineTest.listNames(data.resolve("rejected")));

        int requests = server.hits().size();
        assertEquals(0, Fixture.run(args).exit(), "the rerun fetches and extracts what was set aside");
        assertEquals(List.of("verify0"), server.hits().subList(requests, server.hits().size()).stream()
                .map(MediaServer.Hit::id).distinct().toList(), "only the corrupt video was requested again");
        verify.remove("--repair");
        Fixture.Outcome again = Fixture.run(verify);
        assertEquals(0, again.exit(), again.stdout());
        assertTrue(again.stdout().contains("4 of 4 annotated videos complete"), again.stdout());
    }

    /**
     * A video cut short under its name after it was recorded (its index at the front whole, so ffprobe passes
     * it): --verify --checksums names it, --repair with them sets it aside, and the rerun fetches it again.
     */
    @Test
    void repairWithChecksumsSetsAsideAFileWhoseBytesChanged(@TempDir Path tmp) throws Exception {
        List<String> ids = List.of("changed0", "changed1");
        ids.forEach(id -> server.serve(id, clip));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.mediaFileTemplate());
        assertEquals(0, Fixture.run(args).exit());
        Path video = data.resolve("videos/changed1.mp4");
        byte[] whole = Files.readAllBytes(video);
        Files.write(video, java.util.Arrays.copyOf(whole, whole.length * 3 / 4));
        List<String> verify = new ArrayList<>(args);
        verify.addAll(List.of("--verify", "--repair", "--checksums"));

        Fixture.Outcome repaired = Fixture.run(verify);

        assertEquals(1, repaired.exit(), repaired.stdout());
        assertEquals(List.of("changed1.mp4"), PipelineTest.listNames(data.resolve("rejected")), repaired.stdout());
        int requests = server.hits().size();
        assertEquals(0, Fixture.run(args).exit(), "the rerun fetches what was set aside");
        assertEquals(List.of("changed1"), server.hits().subList(requests, server.hits().size()).stream()
                .map(MediaServer.Hit::id).distinct().toList());
        assertArrayEquals(whole, Files.readAllBytes(video));
        verify.remove("--repair");
        Fixture.Outcome clean = Fixture.run(verify);
        assertEquals(0, clean.exit(), clean.stdout());
    }

    static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
