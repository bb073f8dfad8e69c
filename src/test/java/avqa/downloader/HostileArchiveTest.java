package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken archive: an entry cut short (its index whole) and an entry of 100 MB of zeros packed into a
 * few hundred KB. The first is caught by the pass that reads every packet; the second is not read past
 * avqa.archive.max-entry-size; the good entry beside them is imported.
 */
class HostileArchiveTest extends LoopbackServerTest {

    @Test
    void aCutEntryIsInvalidAndAnInflatingEntryIsNotReadPastTheCap(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        Path zip = tmp.resolve("videos.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("videos/00000001.mp4"));
            z.write(Arrays.copyOf(whole, whole.length - 5 * 1024));
            z.putNextEntry(new ZipEntry("videos/00000002.mp4"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                z.write(zeros);
            }
            z.putNextEntry(new ZipEntry("videos/00000003.mp4"));
            z.write(whole);
        }
        assertTrue(Files.size(zip) < 1 << 20, "a small archive: " + Files.size(zip));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("00000001", "00000002", "00000003"));
        List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
        args.addAll(List.of("--import-archive", zip.toString()));

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_ARCHIVE_MAX_ENTRY_SIZE", "10M"));

        assertEquals(1, outcome.exit(), outcome.stderr());
        assertEquals(List.of("00000003.mp4"), PipelineTest.listNames(data.resolve("videos")));
        var cut = Fixture.readJson(data.resolve("failed/00000001.json"));
        assertEquals("invalid-output", cut.get("category").asText());
        assertTrue(cut.get("reason").asText().contains("damaged"), cut.toString());
        var big = Fixture.readJson(data.resolve("failed/00000002.json"));
        assertEquals("invalid-output", big.get("category").asText());
        assertTrue(big.get("reason").asText().contains("larger than avqa.archive.max-entry-size"), big.toString());
        try (Stream<Path> all = Files.walk(data)) {
            long bytes = all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            assertTrue(bytes < 12 << 20, "the data directory holds " + bytes + " bytes");
        }
    }
    /**
     * Two entries of the same name, a good one and then garbage: the second comes while the workers are
     * still making the first one's audio, and is left alone (named in one line) rather than written into
     * the work directory the first is using; the video is the first, whole, its checksum its file's.
     */
    @Test
    void aSecondEntryOfTheSameNameIsLeftAloneWhileTheFirstIsImported(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        Path zip = tmp.resolve("videos.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("a/00000004.mp4"));
            z.write(whole);
            z.putNextEntry(new ZipEntry("b/00000004.mp4"));
            z.write(new byte[whole.length]);
        }
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("00000004"));
        List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
        args.addAll(List.of("--import-archive", zip.toString()));

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(0, outcome.exit(), outcome.stderr());
        assertEquals(Files.mismatch(clip, data.resolve("videos/00000004.mp4")), -1L, "the first entry, whole");
        assertTrue(Files.readString(data.resolve("SHA256SUMS")).contains(Checksums.sha256(clip) + "  videos/00000004.mp4"),
                Files.readString(data.resolve("SHA256SUMS")));
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("1 entries of videos.zip name a video an earlier entry of the same name was being imported as"), log);
    }
}
