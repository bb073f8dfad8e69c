package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Videos that failed permanently (a mirror that answered 404, or a login page, for each) are not asked for again
 * at that URL; a new --source-url-template, as the failure's advice says to check, is a new source: they are asked
 * for there. Before, nothing was requested until --retry-permanent (found by a helper's probe).
 */
class NewSourceAfterPermanentTest {

    @Test
    void aNewTemplateAsksAgainWhatFailedPermanentlyAtTheOld(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("new-source", 3, true);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> ids = List.of("00000001", "00000002");
        Fixture.annotations(meta, "test", ids);
        try (ArchiveHost empty = new ArchiveHost(); ArchiveHost mirror = new ArchiveHost()) {
            for (String id : ids) {
                mirror.serve(id + ".mp4", Files.readAllBytes(clip), "v");
            }
            String wrong = empty.shareUrl("{id}.mp4").replace("/share/", "/files/").replace("?dl=1", "");
            String right = mirror.shareUrl("{id}.mp4").replace("/share/", "/files/").replace("?dl=1", "");

            Fixture.Outcome first = Fixture.run(Fixture.localArgs(data, meta, wrong));
            assertEquals(1, first.exit(), first.stderr());
            assertEquals("permanent", Fixture.readJson(data.resolve("failed_downloads.json")).path("00000001")
                    .path("category").asText());

            // the same source: not asked again
            int asked = empty.requests().size();
            Fixture.Outcome same = Fixture.run(Fixture.localArgs(data, meta, wrong));
            assertEquals(1, same.exit(), same.stderr());
            assertEquals(asked, empty.requests().size(), "asked again: " + empty.requests());

            Fixture.Outcome moved = Fixture.run(Fixture.localArgs(data, meta, right));

            assertEquals(0, moved.exit(), moved.stderr());
            for (String id : ids) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("2 videos that failed permanently "
                    + "before are asked for again: their source URL is not the one they failed at"));
        }
    }
}
