package avqa.downloader;

import avqa.downloader.settings.SettingsTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ids from the annotations never reach a URL, a process or a path unchecked. */
class IdSafetyTest extends LoopbackServerTest {


    @Test
    void musicAvqaInternalIdsUnderTheYoutubeTemplateAreNeverRequested(@TempDir Path tmp) throws Exception {
        List<String> internal = List.of("00000028", "00007001", "vv00000123", "sa00000456", "va00000789",
                "esa00000500", "eva00000501", "evv00000502");
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", internal);
        try (ConnectionSentinel youtube = new ConnectionSentinel()) {
            List<String> args = Fixture.localArgs(tmp.resolve("data"), meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--proxy", youtube.proxyUrl(), "--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), "no-source videos do not make the run fail");
            assertEquals(0, youtube.connections(), "no request reached YouTube (through the proxy)");
            for (String id : internal) {
                JsonNode r = Fixture.readJson(tmp.resolve("data/failed/" + id + ".json"));
                assertEquals("no-source", r.get("category").asText(), id);
                assertEquals(0, r.get("attempts").asInt(), id);
            }
            assertTrue(Fixture.lastSummary(tmp.resolve("data")).contains("no-source=8"));
            String log = Files.readString(tmp.resolve("data/avqa_download.log"));
            assertTrue(log.contains("official archives") && log.contains("--source-url-template"),
                    "the summary says what the user can do");

            // the control: an id that looks like a YouTube id is requested, so the sentinel does see requests
            Path controlMeta = tmp.resolve("control-meta");
            Fixture.annotations(controlMeta, "test", List.of("dQw4w9WgXcQ"));
            List<String> control = Fixture.localArgs(tmp.resolve("control"), controlMeta, SettingsTable.YOUTUBE_TEMPLATE);
            control.addAll(List.of("--proxy", youtube.proxyUrl(), "--retry-attempts", "1"));
            assertEquals(1, Fixture.run(control).exit());
            if (YtDlpVersions.defaultIsTooOld()) {
                // a yt-dlp too old for YouTube is refused even this request (OldYtDlpTest)
                assertEquals("tool-outdated", Fixture.readJson(tmp.resolve("control/failed/dQw4w9WgXcQ.json"))
                        .get("category").asText());
            } else {
                assertTrue(youtube.connections() > 0, "a YouTube-shaped id is requested through the proxy");
            }
        }
    }

    @Test
    void hostileIdsStartNoProcessAndWriteNothingOutsideTheDataDirectory(@TempDir Path tmp) throws Exception {
        Path pwned = tmp.resolve("pwned");
        List<String> hostile = List.of("../x", "../../etc/passwd", "--exec=touch " + pwned, "a b", "a\nb", "..",
                "vidéo", "x".repeat(65), "$(touch " + pwned + ")", "id;rm -rf ~", "",
                "x".repeat(100_000), "a\u0000b", "\u202eevil", "tab\there");
        String dashId = "-dashstart1";
        server.serve(dashId, clip);
        List<String> ids = new ArrayList<>(hostile);
        ids.add(dashId);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        int before = server.hits().size();

        Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate()));

        assertEquals(1, outcome.exit(), "invalid ids count as failures");
        List<MediaServer.Hit> hits = server.hits().subList(before, server.hits().size());
        assertFalse(hits.isEmpty());
        assertTrue(hits.stream().allMatch(h -> h.id().equals(dashId)), "only the valid id was requested: " + hits);
        assertFalse(Files.exists(pwned), "no command ran");
        assertFalse(Files.exists(tmp.resolve("x")));
        assertEquals(Set.of("meta", "data"), new HashSet<>(PipelineTest.listNames(tmp)), "nothing outside the data dir");
        assertTrue(Fixture.probe(data.resolve("videos/" + dashId + ".mp4"))[0] > 2.5, "an id starting with - downloads");
        assertTrue(Files.isRegularFile(data.resolve("audio/" + dashId + ".wav")));
        JsonNode failures = Fixture.readJson(data.resolve("failed_downloads.json"));
        for (String id : hostile) {
            assertEquals("invalid-id", failures.path(FailureRecords.shown(id)).path("category").asText(), "recorded: " + id);
        }
        for (String name : PipelineTest.listNames(data.resolve("failed"))) {
            assertTrue(name.matches("invalid-id-[0-9a-f]{16}\\.json"), name);
        }
        // the plan's line tells them from videos without a source (it counted them as such)
        String plan = Files.readString(data.resolve("avqa_download.log")).lines().filter(l -> l.contains("Planned "))
                .findFirst().orElseThrow();
        assertTrue(plan.contains(", 0 without a source, " + hostile.size() + " with an invalid id,"), plan);
    }

    /**
     * Ids read back from download_progress.json and the journal are held to the same rule: a path, a 5000-character
     * name or one with control characters is dropped (one line per file, counting them, the first escaped), never
     * counted as complete, and gone from the progress file the run writes (found by an adversarial probe).
     */
    @Test
    void unsafeIdsInTheProgressFileAndJournalAreDroppedInOneLinePerFileAndNotCounted(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("progsafe", 2);
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        Path data = Files.createDirectories(tmp.resolve("data"));
        String longId = "x".repeat(5000);
        // 5 and null are no ids, though "5" and "null" would be safe names
        Files.writeString(data.resolve("download_progress.json"), Fixture.JSON.writeValueAsString(java.util.Map.of(
                "completed", java.util.Arrays.asList("../../../tmp/outside", longId, "\u001b[31mred", 5, null, List.of("a")),
                "timestamp", "2026-01-01T00:00:00Z")));
        Files.writeString(data.resolve(".download_progress.journal"), "\u001b[1mbold\n../../x\n");

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(0, outcome.exit(), outcome.stdout());
        assertTrue(Fixture.lastSummary(data).contains("2 videos planned") && Fixture.lastSummary(data).contains("2 complete in all"),
                Fixture.lastSummary(data));
        Set<String> recorded = new HashSet<>();
        Fixture.readJson(data.resolve("download_progress.json")).get("completed").forEach(n -> recorded.add(n.asText()));
        assertEquals(Set.copyOf(ids), recorded, "the unsafe ids are gone from the progress file");
        // the run's log (the console's lines reach outcome.stdout() only when Log4j's console was set up in this run)
        String log = Files.readString(data.resolve("avqa_download.log"));
        List<String> said = log.lines().filter(l -> l.contains("not safe names")).toList();
        assertEquals(2, said.size(), "one line per file: " + said);
        assertTrue(said.get(0).contains("6 ids in download_progress.json") && said.get(0).contains("\"../../../tmp/outside\""),
                said.get(0));
        assertTrue(said.get(1).contains("2 ids in .download_progress.journal") && said.get(1).contains("\"\\u001b[1mbold\""),
                said.get(1));
        assertFalse(log.contains("x".repeat(100)) || outcome.stdout().contains("x".repeat(100)), "the long id is never shown whole");
        assertFalse(log.contains("\u001b") || outcome.stdout().contains("\u001b"), "no control character reaches the log");
        assertEquals(Set.of("meta", "data"), new HashSet<>(PipelineTest.listNames(tmp)), "nothing outside the data dir");
    }

    /**
     * A question whose "video_id" is null or missing names no video: it is passed over, and one line counts such
     * questions and says where the first is (there is no id to record a failure under); the file is not refused,
     * as it is not for an id that is a string but no safe name (recorded {@code invalid-id}, never requested).
     * The other questions' videos are planned and downloaded.
     */
    @Test
    void questionsWithANullOrMissingIdArePassedOverInOneLineAndTheOthersDownload(@TempDir Path tmp) throws Exception {
        String good = "besidenull1";
        server.serve(good, clip);
        Path meta = tmp.resolve("meta");
        Files.createDirectories(meta);
        Files.writeString(meta.resolve("avqa-test.json"), String.join("\n", "[",
                " {\"video_id\": null, \"question_id\": 1},",
                " {\"video_id\": \"" + good + "\", \"question_id\": 2},",
                " {\"question_id\": 3},",
                " {\"video_id\": \"../x\", \"question_id\": 4}",
                "]"));
        Path data = tmp.resolve("data");

        Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate()));

        assertEquals(1, outcome.exit(), "the unsafe id counts as a failure, as it did: " + outcome.stderr());
        assertTrue(Fixture.probe(data.resolve("videos/" + good + ".mp4"))[0] > 2.5, "the other question's video downloads");
        assertTrue(Files.isRegularFile(data.resolve("audio/" + good + ".wav")));
        List<String> planned = new ArrayList<>();
        Fixture.readJson(data.resolve("metadata/video_ids.json")).get("all_ids").forEach(n -> planned.add(n.asText()));
        assertEquals(List.of(good, "../x"), planned);
        assertEquals("invalid-id", Fixture.readJson(data.resolve("failed_downloads.json"))
                .path(FailureRecords.shown("../x")).path("category").asText());
        String said = "avqa-test.json: 2 questions have no usable \"video_id\" (a string or a whole number) and are passed "
                + "over (the first: question 0 at line 2, column 15: its \"video_id\" is null); the other questions are planned";
        List<String> lines = Files.readAllLines(data.resolve("avqa_download.log")).stream()
                .filter(l -> l.contains("no usable")).toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(" WARN ") && lines.get(0).endsWith(said), lines.get(0));
    }
}
