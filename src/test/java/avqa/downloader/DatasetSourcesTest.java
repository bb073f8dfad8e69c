package avqa.downloader;

import avqa.downloader.settings.SettingsTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the videos really are: v2.0's YouTube clips, the official archives, manifests. */
class DatasetSourcesTest extends LoopbackServerTest {

    static Path longClip;

    @BeforeAll
    static void longSource() throws Exception {
        longClip = Fixture.clip("tone-12s", 12, true);
    }

    @Test
    void aV2CsvGivesExactClipsAMirroredFlipAndFetchesASharedSourceOnce(@TempDir Path tmp) throws Exception {
        for (String id : List.of("plainvideo1", "startvideo1", "twoclipsvid", "flipvideo01")) {
            server.serve(id, longClip);
        }
        Path csv = tmp.resolve("clips.csv");
        Files.writeString(csv, "\uFEFFvideo_id,start_time,duration,suffix,has_flip\n"
                + "plainvideo1,0:00,0:03,,N\n"
                + "startvideo1,0:04,0:03,,N\n"
                + "twoclipsvid,0:01,0:02,_#02,N\n"
                + "twoclipsvid,0:06,0:03,_#03,N\n"
                + "flipvideo01,0:02,0:04,,Y\n");
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Map<String, Double> expected = Map.of("plainvideo1", 3.0, "startvideo1", 3.0, "twoclipsvid_#02", 2.0,
                "twoclipsvid_#03", 3.0, "flipvideo01", 4.0, "flipvideo01_flip", 4.0);
        Fixture.annotations(meta, "test", new ArrayList<>(expected.keySet()));
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--manifest", csv.toString()));

        // the v2.0 CSV's video ids are YouTube's: here the loopback server stands in for YouTube
        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_SOURCE_CLIP_URL_TEMPLATE", server.urlTemplate()));

        assertEquals(0, outcome.exit(), outcome.stderr());
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            double[] video = Fixture.probe(data.resolve("videos/" + e.getKey() + ".mp4"));
            double[] audio = Fixture.probe(data.resolve("audio/" + e.getKey() + ".wav"));
            assertEquals(e.getValue(), video[0], 0.1, e.getKey() + " picture lasts the window");
            assertEquals(e.getValue(), video[1], 0.1, e.getKey() + " sound lasts the window");
            assertEquals(e.getValue(), audio[1], 0.1, e.getKey() + ".wav");
        }
        assertEquals(expected.size(), PipelineTest.listNames(data.resolve("videos")).size(), "exactly these files");
        assertEquals(2, server.hits("twoclipsvid").size(), "the shared source was fetched once (look, then download)");

        byte[] plain = frame(data.resolve("videos/flipvideo01.mp4"));
        byte[] flipped = frame(data.resolve("videos/flipvideo01_flip.mp4"));
        assertTrue(meanDifference(mirror(plain), flipped) < 6, "the _flip clip is the mirror image: "
                + meanDifference(mirror(plain), flipped));
        assertTrue(meanDifference(plain, flipped) > 15, "and not the same picture: " + meanDifference(plain, flipped));
        assertTrue(Fixture.probe(data.resolve("videos/startvideo1.mp4"))[0] > 0);
        // a source is named by its clips in the log, not by this tool's key for it (src-…)
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertFalse(log.contains("src-"), log);
    }

    /**
     * A clip whose window starts past its source's end fails for that reason, permanently, and its sibling from the
     * same source is cut; it was "the video file has no video stream" (ffmpeg made a file of nothing), retried. So does
     * one whose window ends past the end (it was invalid-output, and its source fetched again at every run).
     */
    @Test
    void aClipStartingPastItsSourcesEndSaysSo(@TempDir Path tmp) throws Exception {
        server.serve("pastendsrc1", longClip);
        Path csv = tmp.resolve("clips.csv");
        Files.writeString(csv, "video_id,start_time,duration,suffix,has_flip\n"
                + "pastendsrc1,0:20,0:03,_#01,N\n"
                + "pastendsrc1,0:02,0:03,_#02,N\n"
                + "pastendsrc1,0:10,0:05,_#03,N\n");
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("pastendsrc1_#01", "pastendsrc1_#02", "pastendsrc1_#03"));
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--manifest", csv.toString()));

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_SOURCE_CLIP_URL_TEMPLATE", server.urlTemplate()));

        assertEquals(1, outcome.exit(), outcome.stderr());
        var record = Fixture.readJson(data.resolve("failed/pastendsrc1_#01.json"));
        assertEquals("permanent", record.get("category").asText(), record.toString());
        assertEquals("the clip starts at 20.0 s, but the video it is cut from lasts 12.0 s", record.get("reason").asText());
        assertEquals(3.0, Fixture.probe(data.resolve("videos/pastendsrc1_#02.mp4"))[0], 0.1);
        // a window that ends past the end: the clip ends there, and always would (it was invalid-output: the whole
        // source fetched again at every run)
        var endsPast = Fixture.readJson(data.resolve("failed/pastendsrc1_#03.json"));
        assertEquals("permanent", endsPast.get("category").asText(), endsPast.toString());
        assertTrue(endsPast.get("reason").asText().startsWith("the clip's window ends at 15.0 s, but the video it is cut "
                + "from lasts 12.0 s (the clip lasts 2.0"), endsPast.toString());
    }

    @Test
    void theRealV2FilesPlanIntoTheRightClipsAndCoverageWithoutAnyRequest(@TempDir Path tmp) throws Exception {
        Path v2 = Fixture.SHARED_DATA.resolve("music-avqa-v2");
        if (!Files.isDirectory(v2)) {
            System.err.println("SKIPPED: the real MUSIC-AVQA-v2.0 files are not at " + v2);
        }
        assumeTrue(Files.isDirectory(v2), "no ../shared/data/music-avqa-v2");
        Path meta = tmp.resolve("published");
        Files.createDirectories(meta.resolve("balance_full_set"));
        Files.copy(v2.resolve("test_balance.json"), meta.resolve("balance_full_set/test_balance.json"));
        Files.copy(v2.resolve("MUSIC-AVQA-v2.0_additional_videos.csv"), meta.resolve("MUSIC-AVQA-v2.0_additional_videos.csv"));
        Path data = tmp.resolve("data");
        String said;
        try (ConnectionSentinel youtube = new ConnectionSentinel()) {
            Fixture.Outcome outcome = Fixture.run(List.of("--dataset", "music-avqa-v2", "--splits", "test",
                    "--metadata-url", "file:" + meta, "--data-dir", data.toString(), "--proxy", youtube.proxyUrl(),
                    "--dry-run"));

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(0, youtube.connections(), "planning requested nothing");
            said = outcome.stdout();
        }
        // the authors' clip archive, which a run fetches first and --dry-run does not: said, since the plan counts
        // its clips as YouTube downloads
        assertTrue(said.contains("A run fetches the archive https://www.dropbox.com/s/ejb36sh6gzqwdhn/collect_new_set.rar?dl=1 "
                + "first (the dataset's own); --dry-run does not"), said);
        JsonNode plan = Fixture.readJson(data.resolve("plan.json"));
        assertEquals(7138, plan.get("referenced").asInt());
        assertEquals(6402, plan.get("coverage").get(Coverage.NO_SOURCE).asInt(), "v1's internal names");
        assertEquals(670, plan.get("coverage").get(Coverage.YOUTUBE).asInt(), "v2.0's YouTube clips");
        assertEquals(66, plan.get("coverage").get(Coverage.FLIP).asInt(), "their mirrored copies");
        assertEquals(698, plan.get("downloads").size(), "one download per YouTube video");
        JsonNode shared = null;
        for (JsonNode d : plan.get("downloads")) {
            if (d.get("url").asText().equals("https://www.youtube.com/watch?v=6cjIJVzP6eI")) {
                shared = d;
            }
        }
        assertTrue(shared != null);
        List<String> names = new ArrayList<>();
        shared.get("clips").forEach(c -> names.add(c.get("name").asText()));
        assertEquals(List.of("6cjIJVzP6eI", "6cjIJVzP6eI_#03", "6cjIJVzP6eI_#04", "6cjIJVzP6eI_#05",
                "6cjIJVzP6eI_#05_flip", "6cjIJVzP6eI_flip"), names.stream().sorted().toList());
        assertEquals(7138, Fixture.readJson(data.resolve("metadata/video_ids.json")).get("all_ids").size());
        assertTrue(said.contains("--import-archive") && said.contains("no source"), "the coverage says what to do: " + said);
    }

    @Test
    void aZipOfVideosNamedByMusicAvqaIdsImportsWithoutRequestsResumesAndSkipsACorruptEntry(@TempDir Path tmp)
            throws Exception {
        List<String> ids = List.of("00000001", "00000002", "00000003", "00000004", "00000005");
        Path zip = tmp.resolve("MUSIC-AVQA-videos-Real.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("MUSIC-AVQA-videos-Real/"));
            z.putNextEntry(new ZipEntry("MUSIC-AVQA-videos-Real/README.txt"));
            z.write("videos".getBytes());
            for (String id : ids) {
                z.putNextEntry(new ZipEntry("MUSIC-AVQA-videos-Real/" + id + ".mp4"));
                z.write(id.equals("00000003") ? new byte[] {0, 1, 2, 3, 4, 5, 6, 7} : Files.readAllBytes(clip));
            }
            z.putNextEntry(new ZipEntry("../../escape.mp4"));
            z.write(Files.readAllBytes(clip));
        }
        Path tar = tmp.resolve("synthetic.tar.gz");
        Path tarDir = tmp.resolve("tar-src");
        Files.createDirectories(tarDir);
        Files.copy(clip, tarDir.resolve("vv00000010.mp4"));
        Process tarring = new ProcessBuilder("tar", "-czf", tar.toString(), "-C", tarDir.toString(), "vv00000010.mp4").start();
        assertTrue(tarring.waitFor(20, TimeUnit.SECONDS) && tarring.exitValue() == 0);
        Path broken = tmp.resolve("broken.zip");
        byte[] whole = Files.readAllBytes(zip);
        Files.write(broken, java.util.Arrays.copyOf(whole, whole.length / 2));
        List<String> all = new ArrayList<>(ids);
        all.add("vv00000010");
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", all);
        long firstImported;
        try (ConnectionSentinel youtube = new ConnectionSentinel()) {
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--proxy", youtube.proxyUrl(), "--import-archive", zip.toString(),
                    "--import-archive", tar.toString(), "--import-archive", broken.toString()));

            // interrupted: killed as soon as the first video is in
            Process first = Fixture.startJvm(args, Map.of(), tmp.resolve("first.log"));
            Fixture.await("the first import to be recorded complete", 60_000,
                    () -> ServiceTest.read(data.resolve(".download_progress.journal")).contains("00000001\n"));
            first.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            firstImported = Files.getLastModifiedTime(data.resolve("videos/00000001.mp4")).toMillis();

            Fixture.Outcome resumed = Fixture.run(args);

            assertEquals(1, resumed.exit(), "the corrupt entry counts as a failure: " + resumed.stderr());
            assertEquals(0, youtube.connections(), "nothing was requested from the network");
        }
        for (String id : List.of("00000001", "00000002", "00000004", "00000005", "vv00000010")) {
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id + ".wav");
        }
        assertTrue(!Files.exists(data.resolve("videos/00000003.mp4")), "the corrupt entry is skipped");
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("Failed: 00000003 [invalid-output]"), "and reported");
        assertTrue(log.contains("The archive " + broken + " could not be read to its end"),
                "a damaged archive is reported, the run goes on");
        assertEquals(firstImported, Files.getLastModifiedTime(data.resolve("videos/00000001.mp4")).toMillis(),
                "the interrupted import resumed without redoing 00000001");
        assertTrue(!Files.exists(tmp.resolve("escape.mp4")) && !Files.exists(data.resolve("escape.mp4")),
                "an entry's path never leads outside videos/");
        assertTrue(Fixture.lastSummary(data).contains("6 videos planned"), Fixture.lastSummary(data));
    }

    @Test
    void aManifestWithAMalformedRowReportsItsLineAndCompletesTheOthers(@TempDir Path tmp) throws Exception {
        server.serve("mirrorclip1", longClip).serve("mirrorclip2", clip);
        String base = server.baseUrl() + "/v/";
        Path manifest = tmp.resolve("lab-mirror.csv");
        Files.writeString(manifest, "id,url,start,duration,flip\n"
                + "labclip_a," + base + "mirrorclip1.mp4,0:02,0:03,\n"
                + "labclip_b,ftp://elsewhere/x.mp4,,,\n"
                + "labclip_c," + base + "mirrorclip2.mp4,,,yes\n"
                + "labclip_d," + base + "mirrorclip1.mp4,abc,,\n"
                + "labclip_a," + base + "mirrorclip1.mp4,0:01,0:02,\n"
                + "labclip_g," + base + "mirrorclip1.mp4,," + "9".repeat(400) + ",\n"
                + "labclip_h," + base + "mirrorclip1.mp4,,,maybe\n"
                + "labclip_i," + base + "mirrorclip1.mp4,0,0.0000001,\n"
                + "labclip_f,\"" + base + "mirrorclip1.mp4\"x,,,\n");
        Path jsonl = tmp.resolve("more.jsonl");
        Files.writeString(jsonl, "{\"id\": \"labclip_e\", \"url\": \"" + base + "mirrorclip1.mp4\", \"start\": 5, \"end\": 7}\n"
                + "{not json\n"
                + "{\"id\": \"labclip_c\", \"url\": \"" + base + "mirrorclip1.mp4\", \"start\": 1, \"end\": 2}\n");
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of());
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--manifest", manifest.toString(), "--manifest", jsonl.toString()));

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(0, outcome.exit(), outcome.stderr());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("lab-mirror.csv line 3: url must be http(s)"), log);
        assertTrue(log.contains("lab-mirror.csv line 5: 'abc' is not a time"), log);
        assertTrue(log.contains("more.jsonl line 2: is not valid JSON"), log);
        assertTrue(log.contains("lab-mirror.csv line 10: malformed CSV (Invalid character"), log);
        // times and flips that were taken, and failed in ffmpeg's words at every run (an adversarial probe)
        assertTrue(log.contains("lab-mirror.csv line 7: '" + "9".repeat(40) + "…(360 more characters)' is past any video's "
                + "length (at most 100 hours)"), log);
        assertTrue(log.contains("lab-mirror.csv line 8: flip must be yes or no (y, true, 1; n, false, 0), not 'maybe'"), log);
        assertTrue(log.contains("lab-mirror.csv line 9: the window is shorter than 0.1 s"), log);
        // a clip given twice: the first row holds, in a manifest and across manifests
        assertTrue(log.contains("lab-mirror.csv line 6: the clip 'labclip_a' is given by an earlier row already"), log);
        assertTrue(log.contains("more.jsonl: 1 of its clips is given otherwise by an earlier manifest (the first: "
                + "labclip_c); the earlier rows hold"), log);
        assertFalse(log.contains("CSVException"), "the parser's words, not its class name: " + log);
        assertEquals(3.0, Fixture.probe(data.resolve("videos/labclip_a.mp4"))[0], 0.1);
        assertEquals(3.0, Fixture.probe(data.resolve("videos/labclip_c.mp4"))[0], 0.1, "a whole video, mirrored");
        assertEquals(2.0, Fixture.probe(data.resolve("videos/labclip_e.mp4"))[0], 0.1, "start 5, end 7");
        assertEquals(List.of("labclip_a.wav", "labclip_c.wav", "labclip_e.wav"), PipelineTest.listNames(data.resolve("audio")));
        assertEquals(1, server.hits("mirrorclip1").size(), "one download (a plain file: no yt-dlp) for two clips");
    }

    /** The first frame after 1 s, as 64×48 grey pixels. */
    static byte[] frame(Path video) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-ss", "1", "-i", video.toString(),
                "-frames:v", "1", "-vf", "scale=64:48,format=gray", "-f", "rawvideo", "-").start();
        byte[] raw = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(64 * 48, raw.length);
        return raw;
    }

    static byte[] mirror(byte[] f) {
        byte[] m = new byte[f.length];
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                m[y * 64 + x] = f[y * 64 + 63 - x];
            }
        }
        return m;
    }

    static double meanDifference(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return (double) sum / a.length;
    }
}
