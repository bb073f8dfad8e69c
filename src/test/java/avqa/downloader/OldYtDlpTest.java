package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.SettingsTable;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A yt-dlp too old for YouTube (Debian 12's 2023.03.04) and a plan with YouTube clips: nothing goes
 * towards YouTube (shown with a proxy on 127.0.0.1 that counts connections), every YouTube clip is
 * recorded tool-outdated without a request, one warning says why and how to update, and the clips from
 * other sources are fetched as usual.
 */
class OldYtDlpTest extends LoopbackServerTest {

    static final String YOUTUBE_CLIPS = "id,url,start,duration,flip\n"
            + "ytclipa0001,https://www.youtube.com/watch?v=dQw4w9WgXcQ,0:10,60,\n"
            + "ytclipb0001,https://www.youtube.com/watch?v=dQw4w9WgXcQ,1:10,60,y\n"
            + "ytclipc0001,https://youtu.be/9bZkp7q19f0,0,60,\n";

    @Test
    void aRunWhoseClipsComeFromYoutubeSendsNothingTowardsYoutubeAndSaysWhy(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeDebiansOld();
        Map<String, String> oldYtDlp = Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.DEBIAN.toString());
        Path meta = tmp.resolve("meta");
        Path manifest = tmp.resolve("clips.csv");
        Path data = tmp.resolve("data");
        String warning = refusedUnrequested(tmp, oldYtDlp, "scripts/avqa.sh");
        assertTrue(warning.contains("2 YouTube downloads (3 videos or clips")
                && warning.contains(YtDlpVersions.version(YtDlpVersions.DEBIAN))
                && warning.contains("older than 2024.07.25")
                && warning.contains("pip install -U \"yt-dlp[default]\""), warning);

        // a later run with a current yt-dlp does not treat tool-outdated as permanent: it plans them again
        // (here shown with the plan of a dry run, which requests nothing)
        Fixture.Outcome plan = Fixture.run(List.of("--dry-run", "--dataset", "music-avqa", "--splits", "test",
                "--data-dir", data.toString(), "--metadata-url", "file:" + meta, "--manifest", manifest.toString()));
        assertEquals(0, plan.exit());
        assertEquals(2, Fixture.readJson(data.resolve("plan.json")).get("downloads").size(),
                "both YouTube sources are planned again");
    }

    @Test
    void aCurrentYtDlpWithNoJavaScriptRuntimeSendsNothingTowardsYoutubeEither(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        String warning = refusedUnrequested(tmp, Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.SET_UP.toString(),
                "AVQA_TOOLS_JS_RUNTIME", "none"), "JavaScript runtime");
        assertTrue(warning.contains("no JavaScript runtime") && warning.contains("deno"), warning);
    }

    /**
     * Runs the YouTube clips through a proxy that counts connections: none may reach it, every clip is
     * recorded tool-outdated with no attempt and a reason that says {@code reason}; returns the one warning.
     */
    static String refusedUnrequested(Path tmp, Map<String, String> env, String reason) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("00000028"));
        Path manifest = tmp.resolve("clips.csv");
        Files.writeString(manifest, YOUTUBE_CLIPS);
        Path data = tmp.resolve("data");

        try (ConnectionSentinel youtube = new ConnectionSentinel()) {
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--manifest", manifest.toString(), "--proxy", youtube.proxyUrl()));

            Fixture.Outcome outcome = Fixture.run(args, env);

            assertEquals(1, outcome.exit(), "the YouTube clips are not complete");
            assertEquals(0, youtube.connections(), "no request went towards YouTube");
        }
        for (String clip : List.of("ytclipa0001", "ytclipb0001", "ytclipc0001")) {
            JsonNode r = Fixture.readJson(data.resolve("failed/" + clip + ".json"));
            assertEquals("tool-outdated", r.get("category").asText(), clip + ": " + r);
            assertEquals(0, r.get("attempts").asInt(), clip + " was never requested");
            assertTrue(r.get("reason").asText().contains(reason), r.toString());
        }
        List<String> warnings = Files.readAllLines(data.resolve("avqa_download.log")).stream()
                .filter(l -> l.contains("Not requesting")).toList();
        assertEquals(1, warnings.size(), "one warning: " + warnings);
        return warnings.get(0);
    }

    @Test
    void otherSourcesGoAheadBesideTheRefusedYoutubeClips(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeDebiansOld();
        server.serve("mirrorsource1", clip);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("00000028"));
        Path manifest = tmp.resolve("clips.csv");
        Files.writeString(manifest, YOUTUBE_CLIPS + "mirrorclip01," + server.baseUrl() + "/v/mirrorsource1.mp4,0,2,\n");
        Path data = tmp.resolve("data");
        List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
        args.addAll(List.of("--manifest", manifest.toString()));

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.DEBIAN.toString()));

        assertEquals(1, outcome.exit());
        assertTrue(Fixture.probe(data.resolve("audio/mirrorclip01.wav"))[1] > 1.5, "the mirror's clip is complete");
        assertEquals("tool-outdated", Fixture.readJson(data.resolve("failed/ytclipa0001.json")).get("category").asText());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("from " + server.baseUrl() + "/v/mirrorsource1.mp4"), "the mirror was fetched");
        assertFalse(log.contains("from https://www.youtube.com") || log.contains("from https://youtu.be"),
                "no download from YouTube was started");
    }

    /**
     * The official archives imported first: a YouTube video an archive provided is not refused, and the warning counts
     * only what the archives lacked. Before, the gate ran on the plan, ahead of the imports: it warned of every video,
     * though the archive then provided all but one.
     */
    @Test
    void anImportWarnsOnlyOfTheVideosItsArchivesLack(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeDebiansOld();
        ArchiveMaker.need("zip");
        List<String> ids = List.of("oldimport01", "oldimport02", "oldimport03");
        Path zip = tmp.resolve("videos.zip");
        ArchiveMaker.zip(ArchiveMaker.folder(tmp, "videos", Map.of("oldimport01.mp4", clip, "oldimport02.mp4", clip)), zip);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", ids);
        Path data = tmp.resolve("data");
        List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
        args.addAll(List.of("--import-archive", zip.toString()));

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.DEBIAN.toString()));

        assertEquals(1, outcome.exit(), outcome.stderr());
        for (String id : List.of("oldimport01", "oldimport02")) {
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
            assertFalse(Files.exists(data.resolve("failed/" + id + ".json")), id + " was recorded failed");
        }
        JsonNode r = Fixture.readJson(data.resolve("failed/oldimport03.json"));
        assertEquals("tool-outdated", r.get("category").asText(), r.toString());
        assertEquals(0, r.get("attempts").asInt(), "never requested: " + r);
        List<String> warnings = Files.readAllLines(data.resolve("avqa_download.log")).stream()
                .filter(l -> l.contains("Not requesting")).toList();
        assertEquals(1, warnings.size(), "one warning: " + warnings);
        assertTrue(warnings.get(0).contains("Not requesting 1 YouTube download (1 video or clip"), warnings.get(0));
    }
}
