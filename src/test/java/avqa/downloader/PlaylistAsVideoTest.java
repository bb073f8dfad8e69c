package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host that serves a playlist as a video (HLS text naming a file of this machine, by a file: URL or a bare path):
 * ffmpeg would read that file through it, so the playlist's few bytes were kept as a complete video and the named
 * file's sound became its WAV (found by a helper's probe). ffmpeg and ffprobe now read a media file only with the
 * demuxers of self-contained files ({@link Ffmpeg#MEDIA_INPUT}): the playlist is text, not a video, and nothing of it is
 * kept; a real video beside it is made as before.
 */
class PlaylistAsVideoTest {

    @Test
    void aPlaylistNamingALocalFileIsNoVideo(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("playlist-target", 3, true);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("00000001", "00000002", "00000003"));
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("00000001.mp4", ("#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\n" + clip.toUri()
                    + "\n#EXT-X-ENDLIST\n").getBytes(StandardCharsets.UTF_8), "a");
            host.serve("00000002.mp4", ("#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\n" + clip
                    + "\n#EXT-X-ENDLIST\n").getBytes(StandardCharsets.UTF_8), "b");
            host.serve("00000003.mp4", Files.readAllBytes(clip), "c");
            List<String> args = Fixture.localArgs(data, meta, host.shareUrl("{id}.mp4").replace("/share/", "/files/")
                    .replace("?dl=1", ""));
            args.addAll(List.of("--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            JsonNode failed = Fixture.readJson(data.resolve("failed_downloads.json"));
            for (String id : List.of("00000001", "00000002")) {
                assertEquals("invalid-output", failed.path(id).path("category").asText(), failed.toString());
                assertEquals("the file is text, not a video (\"#EXTM3U\")", failed.path(id).path("reason").asText(),
                        failed.toString());
                assertFalse(Files.exists(data.resolve("videos/" + id + ".mp4")), id);
                assertFalse(Files.exists(data.resolve("audio/" + id + ".wav")), id);
            }
            assertTrue(Fixture.probe(data.resolve("videos/00000003.mp4"))[0] > 2.5);
            assertTrue(Files.size(data.resolve("audio/00000003.wav")) > 100_000);
            assertFalse(Files.readString(data.resolve("SHA256SUMS")).contains("00000001"));
        }
    }
}
