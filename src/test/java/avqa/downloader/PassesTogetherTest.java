package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Videos that reach their audio pass while ffmpeg's runs (avqa.workers at a time) are all taken share the next run
 * (FfmpegRuns; an import's entries, whose media work import-media's threads do while the archive is read on): the files and the facts they get are those of a pass over each alone, and a run over several that
 * meets a damaged video is not taken for any of them: each is passed again alone, and judged on its own.
 */
class PassesTogetherTest extends LoopbackServerTest {

    @Test
    void videosPassedTogetherGetWhatAPassAloneGivesAndADamagedOneIsJudgedAlone(@TempDir Path tmp) throws Exception {
        // an archive's entries are written out far quicker than a pass: with one ffmpeg run at a time (one worker),
        // the first entry's pass runs alone and the entries written meanwhile wait for the next run, up to eight
        List<String> ids = new ArrayList<>();
        java.util.Map<String, Path> entries = new java.util.LinkedHashMap<>();
        byte[] whole = Files.readAllBytes(clip);
        Path half = tmp.resolve("half.mp4");
        Files.write(half, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        for (int i = 0; i < 15; i++) {
            String id = i == 11 ? "togetherhalf" : "together" + i;
            ids.add(id);
            entries.put(id + ".mp4", i == 11 ? half : clip);
        }
        Path zip = tmp.resolve("videos.zip");
        ArchiveMaker.zip(ArchiveMaker.folder(tmp, "videos", entries), zip);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        // a source that answers nothing: every video must come from the archive
        List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
        args.addAll(List.of("--workers", "1", "--import-archive", zip.toString(), "--retry-attempts", "1"));

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(1, outcome.exit(), outcome.stderr());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("togetherhalf"), log);
        assertTrue(!Files.exists(data.resolve("audio/togetherhalf.wav")), "the damaged entry is not complete");
        assertTrue(log.lines().anyMatch(l -> l.contains("togetherhalf") && l.contains("the video is damaged")), log);
        byte[] audio = null;
        for (String id : ids) {
            if (id.equals("togetherhalf")) {
                continue;
            }
            byte[] wav = Files.readAllBytes(data.resolve("audio/" + id + ".wav"));
            if (audio == null) {
                audio = wav;
            }
            assertEquals(-1, java.util.Arrays.mismatch(audio, wav), id + ": the same audio as the others' (one clip)");
        }
        // each video's facts, as its pass said them, are the same whether it was passed alone or with others
        List<JsonNode> facts = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("metadata/provenance.jsonl"))) {
            JsonNode node = Fixture.JSON.readTree(line);
            if (node.path("file").asText().startsWith("videos/")) {
                ((ObjectNode) node).remove(List.of("id", "file", "source", "sha256", "at", "bytes"));
                facts.add(node);
            }
        }
        assertEquals(14, facts.size());
        assertEquals(1, facts.stream().distinct().count(), facts.toString());
        assertTrue(facts.get(0).path("duration").asDouble() > 2.5, facts.get(0).toString());

        JsonNode passes;
        try (Stream<Path> runs = Files.list(data.resolve("runs"))) {
            passes = Fixture.readJson(runs.findFirst().orElseThrow()).path("audio_passes");
        }
        assertTrue(passes.path("videos_passed_together").asLong() >= 2, passes.toString());
        // the run that met the damaged video was passed again, each of its videos alone
        assertTrue(passes.path("videos_passed_again_alone").asLong() >= 2, passes.toString());
        assertTrue(passes.path("ffmpeg_runs").asLong() < 15 + passes.path("videos_passed_again_alone").asLong(),
                passes.toString());
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")));
    }
}
