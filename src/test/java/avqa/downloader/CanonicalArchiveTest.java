package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MUSIC-AVQA-v2.0 as it really is: the authors' RAR of their clips (on a share link, here a file host
 * on 127.0.0.1) is fetched and imported first, a {@code _flip} clip is mirrored from its imported clip,
 * and the clip sources (YouTube, here the loopback server) are asked only for what the archive lacks.
 */
class CanonicalArchiveTest extends LoopbackServerTest {

    static Path longClip;
    static final String CSV = "\uFEFFvideo_id,start_time,duration,suffix,has_flip\n"
            + "clipsrcaaaa,0:00,0:03,,N\n"
            + "clipsrcbbbb,0:02,0:03,_#02,Y\n"
            + "clipsrccccc,0:01,0:03,,N\n";
    static final List<String> CLIPS = List.of("clipsrcaaaa", "clipsrcbbbb_#02", "clipsrcbbbb_#02_flip", "clipsrccccc");

    @BeforeAll
    static void sources() throws Exception {
        longClip = Fixture.clip("tone-12s", 12, true);
        for (String source : List.of("clipsrcaaaa", "clipsrcbbbb", "clipsrccccc")) {
            server.serve(source, longClip);
        }
    }

    /** The v2.0 files as published: the balanced test split (naming every clip and a v1 video) and the CSV. */
    static Path published(Path tmp) throws Exception {
        Path meta = tmp.resolve("published");
        List<String> referenced = new ArrayList<>(CLIPS);
        referenced.add("00000001");
        Fixture.annotations(meta, "test", referenced);
        Files.createDirectories(meta.resolve("balance_full_set"));
        Files.move(meta.resolve("avqa-test.json"), meta.resolve("balance_full_set/test_balance.json"));
        Files.writeString(meta.resolve("MUSIC-AVQA-v2.0_additional_videos.csv"), CSV);
        return meta;
    }

    /** The authors' archive: their clips, already cut, in one folder. */
    static byte[] authorsArchive(Path tmp, List<String> clips) throws Exception {
        Map<String, Path> entries = new LinkedHashMap<>();
        clips.forEach(c -> entries.put(c + ".mp4", clip));
        Path src = ArchiveMaker.folder(tmp, "collect_new_set", entries);
        Path rar = tmp.resolve("collect_new_set.rar");
        ArchiveMaker.rar(src, rar);
        return Files.readAllBytes(rar);
    }

    static Fixture.Outcome run(Path tmp, Path meta, ArchiveHost host, String... more) {
        // the v1 videos the split names have no source (YouTube template); the clips' sources are the loopback server
        List<String> args = new ArrayList<>(Fixture.localArgs(tmp.resolve("data"), meta,
                avqa.downloader.settings.SettingsTable.YOUTUBE_TEMPLATE));
        args.addAll(List.of("--dataset", "music-avqa-v2", "--splits", "test"));
        args.addAll(List.of(more));
        return Fixture.run(args, Map.of("AVQA_SOURCE_CLIP_URL_TEMPLATE", server.urlTemplate(),
                "AVQA_ARCHIVE_URL", host.shareUrl("collect_new_set.rar")));
    }

    int sourceHits() {
        return server.hits("clipsrcaaaa").size() + server.hits("clipsrcbbbb").size() + server.hits("clipsrccccc").size();
    }

    @Test
    void everyClipComesFromTheArchiveAndTheFlipIsMirroredFromItsImportedClipWithoutARequest(@TempDir Path tmp)
            throws Exception {
        ArchiveMaker.need("bsdtar");
        Path meta = published(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("collect_new_set.rar", authorsArchive(tmp, List.of("clipsrcaaaa", "clipsrcbbbb_#02", "clipsrccccc")), "a1");
            int before = sourceHits();

            Fixture.Outcome outcome = run(tmp, meta, host);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(before, sourceHits(), "the clip sources received no request at all");
            for (String c : CLIPS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + c + ".mp4"))[0] > 2.5, c);
                assertTrue(Fixture.probe(data.resolve("audio/" + c + ".wav"))[1] > 2.5, c + ".wav");
            }
            byte[] plain = DatasetSourcesTest.frame(data.resolve("videos/clipsrcbbbb_#02.mp4"));
            byte[] flipped = DatasetSourcesTest.frame(data.resolve("videos/clipsrcbbbb_#02_flip.mp4"));
            assertTrue(DatasetSourcesTest.meanDifference(DatasetSourcesTest.mirror(plain), flipped) < 6,
                    "the _flip clip is the mirror image of the imported clip");
            Map<String, com.fasterxml.jackson.databind.JsonNode> lines = ResearchOutputsTest.assertProvenanceOfEveryFile(data);
            com.fasterxml.jackson.databind.JsonNode flip = lines.get("videos/clipsrcbbbb_#02_flip.mp4");
            assertEquals("derived flip (from a complete clip)", flip.path("group").asText());
            assertEquals("videos/clipsrcbbbb_#02.mp4", flip.path("source").path("from").asText());
            assertTrue(flip.path("source").path("flip").asBoolean() && flip.path("source").path("how").asText().contains("hflip"));
            com.fasterxml.jackson.databind.JsonNode entry = lines.get("videos/clipsrcaaaa.mp4");
            assertEquals("archive collect_new_set.rar", entry.path("group").asText());
            assertEquals("collect_new_set.rar", entry.path("source").path("archive").asText());
            assertEquals("collect_new_set/clipsrcaaaa.mp4", entry.path("source").path("entry").asText());
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("Fetching the archive collect_new_set.rar ("), "it says what it fetches and how large");
            assertTrue(log.contains("This run: 3 from archive collect_new_set.rar, 1 from derived flip (from a complete clip)"),
                    "the yield in one line: " + log);
            assertTrue(log.contains("archive collect_new_set.rar:") && log.contains("no source:"), "coverage by source: " + log);
            assertTrue(log.contains("1 video has no source and was not requested. "), "(it said \"1 videos have\"): " + log);
        }
    }

    @Test
    void onlyTheClipTheArchiveLacksIsFetchedFromItsSourceOnce(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        Path meta = published(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("collect_new_set.rar", authorsArchive(tmp, List.of("clipsrcaaaa", "clipsrcbbbb_#02")), "a2");
            int aBefore = server.hits("clipsrcaaaa").size();
            int bBefore = server.hits("clipsrcbbbb").size();
            int cBefore = server.hits("clipsrccccc").size();

            Fixture.Outcome outcome = run(tmp, meta, host);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(aBefore, server.hits("clipsrcaaaa").size(), "the archive had it");
            assertEquals(bBefore, server.hits("clipsrcbbbb").size(), "the archive had it; the flip comes from it");
            assertEquals(cBefore + 2, server.hits("clipsrccccc").size(),
                    "the missing clip's source, one download (yt-dlp looks at the URL, then downloads it)");
            for (String c : CLIPS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + c + ".mp4"))[0] > 2.5, c);
            }
            assertEquals(3.0, Fixture.probe(data.resolve("videos/clipsrccccc.mp4"))[0], 0.1, "cut to its window");
            // the clip's provenance: its source's URL, the format yt-dlp chose, its window, the tools' versions
            com.fasterxml.jackson.databind.JsonNode cut = ResearchOutputsTest.assertProvenanceOfEveryFile(data)
                    .get("videos/clipsrccccc.mp4");
            assertEquals(server.urlTemplate().replace("{id}", "clipsrccccc"), cut.path("source").path("url").asText());
            assertTrue(cut.path("source").path("yt_dlp_format").asText().matches("[A-Za-z0-9+_.,-]+"), cut.toString());
            assertEquals(1.0, cut.path("source").path("start").asDouble());
            assertEquals(3.0, cut.path("source").path("duration").asDouble());
            assertTrue(cut.path("tools").path("yt-dlp").asText().matches("\\d{4}\\.\\d{2}\\.\\d{2}.*"), cut.toString());
            assertTrue(cut.path("tools").has("ffmpeg"), cut.toString());
        }
    }

    /**
     * The dataset's own archive given with --import-archive as well, and that twice: one download (the
     * authors' is 48 GB), imported once.
     */
    @Test
    void theDatasetsArchiveGivenWithImportArchiveTooIsFetchedOnce(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        Path meta = published(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("collect_new_set.rar", authorsArchive(tmp, List.of("clipsrcaaaa", "clipsrcbbbb_#02", "clipsrccccc")), "a3");
            String url = host.shareUrl("collect_new_set.rar");

            Fixture.Outcome outcome = run(tmp, meta, host, "--import-archive", url, "--import-archive", url);

            assertEquals(0, outcome.exit(), outcome.stderr());
            for (String c : CLIPS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + c + ".mp4"))[0] > 2.5, c);
            }
            assertEquals(1, host.requests().stream().filter(r -> r.path().startsWith("/files/")).count(),
                    "fetched once: " + host.requests());
            assertEquals(1, Files.readString(data.resolve("avqa_download.log")).split("Fetching the archive ", -1).length - 1);
        }
    }

    /**
     * An archive's clip of another length than its window in the dataset's list (a 12 s file under the name of a 3 s
     * clip): kept as the archive has it, and said in one line (it was taken without a word; a probe's finding).
     */
    @Test
    void anArchivesClipOfAnotherLengthThanItsWindowIsSaid(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        Path meta = published(tmp);
        Path data = tmp.resolve("data");
        Map<String, Path> entries = new LinkedHashMap<>();
        entries.put("clipsrcaaaa.mp4", clip);
        entries.put("clipsrcbbbb_#02.mp4", clip);
        entries.put("clipsrccccc.mp4", longClip);
        Path rar = tmp.resolve("collect_new_set.rar");
        ArchiveMaker.rar(ArchiveMaker.folder(tmp, "collect_new_set", entries), rar);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("collect_new_set.rar", Files.readAllBytes(rar), "a6");

            Fixture.Outcome outcome = run(tmp, meta, host);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertTrue(log.contains("The clip clipsrccccc from collect_new_set.rar lasts 12.0 s, not the 3.0 s of its window "
                    + "in the dataset's list: kept as the archive has it"), log);
            assertFalse(log.contains("The clip clipsrcaaaa"), "one of its window's length is not said: " + log);
            assertEquals(12.0, Fixture.probe(data.resolve("videos/clipsrccccc.mp4"))[0], 0.2);
        }
    }

    /**
     * A local copy of the dataset's archive given with --import-archive (the authors' RAR downloaded by hand): imported
     * first, it provides every clip, and the dataset's archive is not downloaded (it was fetched first, then both were
     * read; a probe's finding). A local archive that lacks a clip leaves the dataset's archive to be fetched after it,
     * and the missing clip comes from there, not from its source.
     */
    @Test
    void aLocalCopyOfTheDatasetsArchiveSparesItsDownload(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        Path meta = published(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            byte[] whole = authorsArchive(tmp.resolve("a"), List.of("clipsrcaaaa", "clipsrcbbbb_#02", "clipsrccccc"));
            host.serve("collect_new_set.rar", whole, "a5");
            Path copy = Files.write(tmp.resolve("collect_new_set.rar"), whole);
            int before = sourceHits();

            Fixture.Outcome outcome = run(tmp, meta, host, "--import-archive", copy.toString());

            assertEquals(0, outcome.exit(), outcome.stderr());
            for (String c : CLIPS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + c + ".mp4"))[0] > 2.5, c);
            }
            assertEquals(0, host.requests().stream().filter(r -> r.path().startsWith("/files/")).count(),
                    "not downloaded: " + host.requests());
            assertEquals(before, sourceHits(), "no clip's source asked");

            // a local archive that lacks one clip: the dataset's archive is fetched after it, and provides it
            Path data2 = tmp.resolve("second/data");
            Path partial = Files.write(tmp.resolve("some.rar"), authorsArchive(tmp.resolve("b"),
                    List.of("clipsrcaaaa", "clipsrcbbbb_#02")));
            Fixture.Outcome second = run(tmp.resolve("second"), meta, host, "--import-archive", partial.toString());
            assertEquals(0, second.exit(), second.stderr());
            assertEquals(1, host.requests().stream().filter(r -> r.path().startsWith("/files/")).count(), host.requests().toString());
            assertEquals(before, sourceHits(), "no clip's source asked");
            String log = Files.readString(data2.resolve("avqa_download.log"));
            assertTrue(log.indexOf("Importing " + partial) < log.indexOf("Fetching the archive collect_new_set.rar"), log);
            assertEquals("archive collect_new_set.rar", ResearchOutputsTest.assertProvenanceOfEveryFile(data2)
                    .get("videos/clipsrccccc.mp4").path("group").asText());

            // the dataset's archive an earlier run fetched (one lacking a clip, which came from its source), given as a
            // file too when that clip and another are missing: read once, in the first pass (the later pass, the clip it
            // lacks still missing, found it whole here and read it again)
            host.serve("collect_new_set.rar", authorsArchive(tmp.resolve("c"), List.of("clipsrcaaaa", "clipsrcbbbb_#02")), "a7");
            Path data3 = tmp.resolve("third/data");
            assertEquals(0, run(tmp.resolve("third"), meta, host).exit());
            Path downloaded = data3.resolve("archives/collect_new_set.rar");
            assertTrue(Files.isRegularFile(downloaded));
            for (String c : List.of("clipsrcaaaa", "clipsrccccc")) {
                Files.delete(data3.resolve("videos/" + c + ".mp4"));
                Files.delete(data3.resolve("audio/" + c + ".wav"));
            }
            Fixture.Outcome third = run(tmp.resolve("third"), meta, host, "--import-archive", downloaded.toString());
            assertEquals(0, third.exit(), third.stderr());
            String thirdLog = Files.readString(data3.resolve("avqa_download.log"));
            thirdLog = thirdLog.substring(thirdLog.lastIndexOf("Planned "));
            assertEquals(1, thirdLog.split("Importing " + java.util.regex.Pattern.quote(downloaded.toString()), -1).length - 1,
                    thirdLog);
            assertTrue(Files.isRegularFile(data3.resolve("videos/clipsrcaaaa.mp4")), thirdLog);
            assertTrue(Files.isRegularFile(data3.resolve("videos/clipsrccccc.mp4")), "from its source again: " + thirdLog);
        }
    }

    @Test
    void anArchiveThatCannotBeFetchedIsSaidInOneLineAndTheClipsComeFromTheirSources(@TempDir Path tmp) throws Exception {
        Path meta = published(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            // nothing served: the share link leads to a 404
            Fixture.Outcome outcome = run(tmp, meta, host);

            assertEquals(0, outcome.exit(), outcome.stderr());
            for (String c : CLIPS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + c + ".mp4"))[0] > 2.5, c);
            }
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("could not be fetched (not found at the source (HTTP 404)); its clips come from the "
                    + "dataset's other source (YouTube) instead"), log);
        }
    }
}
