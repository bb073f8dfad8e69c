package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest's row whose URL gives text or nothing instead of a video is said to be what it is, as a template's
 * video is: its source is checked by ffprobe before its clip is cut, and that check said only "not a readable media
 * file (ffprobe failed)", with a path in the work area (found by a helper's probe).
 */
class ManifestNotAVideoTest {

    @Test
    void aManifestRowGivingTextOrNothingIsSaidToBeTextOrEmpty(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of());
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("text.mp4", "File not found on this mirror\n".getBytes(StandardCharsets.US_ASCII), "t");
            host.serve("nothing.mp4", new byte[0], "n");
            host.serve("limit.mp4", "Error: rate limit exceeded, try again later\n".getBytes(StandardCharsets.US_ASCII), "l");
            host.serve("busy.mp4", "\u001b[31mServer busy: come back in a while\u001b[0m\n".getBytes(StandardCharsets.US_ASCII), "b");
            host.serve("gone.mp4", "File removed by its owner; try again later\n".getBytes(StandardCharsets.US_ASCII), "g");
            host.serve("page.mp4", ("<!DOCTYPE html><html><head><title>Video removed</title></head><body>Removed. Check back "
                    + "later.</body></html>").getBytes(StandardCharsets.US_ASCII), "p");
            host.serve("red.mp4", "\u001b[1;31mAccess denied\u001b[0m\n".getBytes(StandardCharsets.US_ASCII), "r");
            Path rows = Files.writeString(tmp.resolve("rows.csv"), "id,url\nmtext," + host.shareUrl("text.mp4")
                    + "\nmempty," + host.shareUrl("nothing.mp4") + "\nmlimit," + host.shareUrl("limit.mp4")
                    + "\nmbusy," + host.shareUrl("busy.mp4") + "\nmred," + host.shareUrl("red.mp4")
                    + "\nmgone," + host.shareUrl("gone.mp4") + "\nmpage," + host.shareUrl("page.mp4") + "\n");
            List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
            args.addAll(List.of("--manifest", rows.toString(), "--retry-attempts", "1", "--cooldown", "1"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            JsonNode failed = Fixture.readJson(data.resolve("failed_downloads.json"));
            assertEquals("invalid-output", failed.path("mtext").path("category").asText(), failed.toString());
            assertEquals("the file is text, not a video (\"File not found on this mirror\")",
                    failed.path("mtext").path("reason").asText(), failed.toString());
            assertEquals("invalid-output", failed.path("mempty").path("category").asText(), failed.toString());
            assertEquals("the file is empty (0 bytes), not a video", failed.path("mempty").path("reason").asText(),
                    failed.toString());
            // a host's passing refusal sent as the file is transient, in its words (found by a probe: "invalid-output"
            // for the plain text, "the video is damaged" for the coloured one); a text in colours is text
            assertEquals("transient", failed.path("mlimit").path("category").asText(), failed.toString());
            assertEquals("the source sent a refusal instead of the video (\"Error: rate limit exceeded, try again later\"): "
                    + "asked again later", failed.path("mlimit").path("reason").asText(), failed.toString());
            assertEquals("transient", failed.path("mbusy").path("category").asText(), failed.toString());
            assertEquals("the source sent a refusal instead of the video (\"Server busy: come back in a while\"): "
                    + "asked again later", failed.path("mbusy").path("reason").asText(), failed.toString());
            // a text that says the file will not come, and a web page, are what they were, whatever else they say
            assertEquals("invalid-output", failed.path("mgone").path("category").asText(), failed.toString());
            assertEquals("permanent", failed.path("mpage").path("category").asText(), failed.toString());
            assertTrue(failed.path("mpage").path("reason").asText().contains("web page"), failed.toString());
            assertEquals("invalid-output", failed.path("mred").path("category").asText(), failed.toString());
            assertEquals("the file is text, not a video (\"Access denied\")", failed.path("mred").path("reason").asText(),
                    failed.toString());
            // (the run's log: its console's lines reach outcome.stdout() only when Log4j's console was set up in this run)
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("Cool-down: every worker pauses"), "the rate limit's words start the cool-down: " + log);
        }
    }
}
