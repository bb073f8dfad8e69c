package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * A broken archive: an entry cut short (its index whole) and an entry of 2.2 GB of zeros packed into
 * two megabytes (more than a Java array holds: an entry held in memory whole ends the process). The
 * first is caught by the pass that reads every packet; the second is not read past
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
            for (int i = 0; i < 2200; i++) {
                z.write(zeros);
            }
            z.putNextEntry(new ZipEntry("videos/00000003.mp4"));
            z.write(whole);
        }
        assertTrue(Files.size(zip) < 4 << 20, "a small archive: " + Files.size(zip));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, meta, List.of("00000001", "00000002", "00000003"), SettingsTable.YOUTUBE_TEMPLATE, zip);

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
        List<String> args = importArgs(data, meta, List.of("00000004"), SettingsTable.YOUTUBE_TEMPLATE, zip);

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(0, outcome.exit(), outcome.stderr());
        assertEquals(Files.mismatch(clip, data.resolve("videos/00000004.mp4")), -1L, "the first entry, whole");
        assertTrue(Files.readString(data.resolve("SHA256SUMS")).contains(Checksums.sha256(clip) + "  videos/00000004.mp4"),
                Files.readString(data.resolve("SHA256SUMS")));
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("1 entries of videos.zip name a video an earlier entry of the same name was imported as"), log);
    }

    /**
     * Two entries of the same name, a damaged one first: the second is tried once the first has failed,
     * and is the video; nothing stays recorded as failed.
     */
    @Test
    void aSecondEntryOfTheSameNameIsTheVideoWhenTheFirstIsDamaged(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        Path zip = tmp.resolve("videos.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("a/00000005.mp4"));
            z.write(Arrays.copyOf(whole, whole.length / 2));
            z.putNextEntry(new ZipEntry("b/00000005.mp4"));
            z.write(whole);
        }
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, meta, List.of("00000005"), SettingsTable.YOUTUBE_TEMPLATE, zip);

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(0, outcome.exit(), outcome.stderr() + Files.readString(data.resolve("avqa_download.log")));
        assertEquals(-1L, Files.mismatch(clip, data.resolve("videos/00000005.mp4")), "the second entry, whole");
        assertFalse(Files.exists(data.resolve("failed/00000005.json")), "no failure stays recorded");
    }

    /**
     * Entries of one name, each 30 MB of zeros (a few kilobytes packed), past a cap of 10M: the first is
     * written out up to the cap and fails; the later ones of that name are not read at all (one line names
     * them), where each would otherwise be written out to the cap again; a video of another name after
     * them is imported.
     */
    @Test
    void entriesOfANameWhoseFirstWasPastTheCapAreNotReadAgain(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        Path zip = tmp.resolve("videos.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            byte[] zeros = new byte[1 << 20];
            for (String folder : List.of("a", "b", "c")) {
                z.putNextEntry(new ZipEntry(folder + "/00000006.mp4"));
                for (int i = 0; i < 30; i++) {
                    z.write(zeros);
                }
            }
            z.putNextEntry(new ZipEntry("d/00000007.mp4"));
            z.write(whole);
        }
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, meta, List.of("00000006", "00000007"), SettingsTable.YOUTUBE_TEMPLATE, zip);

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_ARCHIVE_MAX_ENTRY_SIZE", "10M"));

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, outcome.exit(), outcome.stderr() + log);
        assertEquals(List.of("00000007.mp4"), PipelineTest.listNames(data.resolve("videos")));
        var big = Fixture.readJson(data.resolve("failed/00000006.json"));
        assertTrue(big.get("reason").asText().contains("larger than avqa.archive.max-entry-size"), big.toString());
        assertTrue(log.contains("2 entries of videos.zip name a video whose earlier entry there was larger than "
                + "avqa.archive.max-entry-size (10.0 MiB), and were not read (for example [b/00000006.mp4, c/00000006.mp4])"), log);
        assertFalse(log.contains("earlier entry of the same name was imported"), log);
    }

    /**
     * A symbolic link named as a video, before the video itself (tar, zip and RAR all keep links): it is
     * no video and takes no slot; the file of that name is imported, and one line names the link.
     */
    @Test
    void aLinkNamedAsAVideoIsLeftAloneAndTheVideoOfThatNameIsImported(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("links"));
        Files.createDirectories(src.resolve("videos"));
        Files.copy(clip, src.resolve("videos/00000005.mp4"));
        Files.createSymbolicLink(src.resolve("links/00000005.mp4"), Path.of("../videos/00000005.mp4"));
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("00000005"));
        ArchiveMaker.need("tar");
        ArchiveMaker.need("zip");
        ArchiveMaker.need("rar");
        Map<String, List<String>> makers = new java.util.LinkedHashMap<>();
        // the link first, in each: tar and zip in the order given, rar in its own (checked below by the log)
        makers.put("videos.tar", List.of("tar", "-c", "-f", "%s", "links", "videos"));
        makers.put("videos.zip", List.of("zip", "-q", "-y", "-r", "%s", "links", "videos"));
        makers.put("videos.rar", List.of("rar", "a", "-ma5", "-m0", "-ol", "-idq", "%s", "links", "videos"));
        for (Map.Entry<String, List<String>> maker : makers.entrySet()) {
            Path archive = tmp.resolve(maker.getKey());
            ArchiveMaker.run(src, maker.getValue().stream().map(a -> a.replace("%s", archive.toString()))
                    .toArray(String[]::new));
            Path data = tmp.resolve("data-" + maker.getKey());
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--import-archive", archive.toString()));

            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), maker.getKey() + ": " + outcome.stderr() + log);
            assertEquals(-1L, Files.mismatch(clip, data.resolve("videos/00000005.mp4")), maker.getKey() + ": the video");
            assertFalse(Files.exists(data.resolve("failed/00000005.json")), maker.getKey());
            assertTrue(log.contains("1 entries of " + maker.getKey() + " are named as videos but are links, sparse files "
                    + "or special files, not videos of their own, and were left alone (for example [links/00000005.mp4 (a symbolic link)])"),
                    maker.getKey() + ": " + log);
        }
    }

    /**
     * A zip cut short loses its central directory, by which a zip is read: it is read from its start instead,
     * and the videos that came whole are imported; the cut one is not, and the log says the archive is damaged.
     */
    @Test
    void aZipCutShortIsReadFromItsStartAsFarAsItGoes(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        Path full = tmp.resolve("full.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(full))) {
            for (String id : List.of("00000006", "00000007", "00000008")) {
                z.putNextEntry(new ZipEntry("videos/" + id + ".mp4"));
                z.write(whole);
            }
        }
        byte[] bytes = Files.readAllBytes(full);
        int directory = indexOf(bytes, new byte[] {'P', 'K', 1, 2});
        Path zip = tmp.resolve("videos.zip");
        Files.write(zip, Arrays.copyOf(bytes, directory - 2000));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, meta, List.of("00000006", "00000007", "00000008"), SettingsTable.YOUTUBE_TEMPLATE, zip);

        Fixture.run(args);

        assertEquals(List.of("00000006.mp4", "00000007.mp4"), PipelineTest.listNames(data.resolve("videos")));
        assertEquals("invalid-output", Fixture.readJson(data.resolve("failed/00000008.json")).get("category").asText());
    }

    /**
     * A zip entry whose bytes were damaged after it was packed (8 bytes of its picture changed, stored as
     * they are): every packet is still there, so only the archive's CRC-32 tells. It fails alone, as
     * damaged, whether the zip is read by its central directory or, cut before it, from its start.
     */
    @Test
    void aZipEntryWhoseBytesDoNotMatchItsChecksumFailsAloneHoweverTheZipIsRead(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        List<String> ids = List.of("00000011", "00000012", "00000013");
        Path full = tmp.resolve("full.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(full))) {
            for (String id : ids) {
                ZipEntry e = new ZipEntry(id + ".mp4");
                e.setMethod(ZipEntry.STORED);
                e.setSize(whole.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(whole);
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(whole);
            }
        }
        byte[] bytes = Files.readAllBytes(full);
        int second = indexOf(Arrays.copyOfRange(bytes, 4, bytes.length), new byte[] {'P', 'K', 3, 4}) + 4;
        int middle = second + 30 + "00000012.mp4".length() + whole.length / 2;
        for (int i = 0; i < 8; i++) {
            bytes[middle + i] ^= (byte) 0x5a;
        }
        Path damaged = tmp.resolve("damaged.zip");
        Files.write(damaged, bytes);
        Path cut = tmp.resolve("cut.zip");
        Files.write(cut, Arrays.copyOf(bytes, indexOf(bytes, new byte[] {'P', 'K', 1, 2})));
        // deflated (level 0: stored blocks, so the damage inflates without an error), each entry's CRC in
        // the data descriptor after its data, and read from its start (cut before its central directory)
        Path described = tmp.resolve("described.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(described))) {
            z.setLevel(0);
            for (String id : ids) {
                z.putNextEntry(new ZipEntry(id + ".mp4"));
                z.write(whole);
            }
        }
        bytes = Files.readAllBytes(described);
        second = indexOf(Arrays.copyOfRange(bytes, 4, bytes.length), new byte[] {'P', 'K', 3, 4}) + 4;
        middle = second + 30 + "00000012.mp4".length() + whole.length / 2;
        for (int i = 0; i < 8; i++) {
            bytes[middle + i] ^= (byte) 0x5a;
        }
        Files.write(described, Arrays.copyOf(bytes, indexOf(bytes, new byte[] {'P', 'K', 1, 2})));
        for (Path zip : List.of(damaged, cut, described)) {
            Path meta = tmp.resolve("meta-" + zip.getFileName());
            Path data = tmp.resolve("data-" + zip.getFileName());
            List<String> args = importArgs(data, meta, ids, SettingsTable.YOUTUBE_TEMPLATE, zip);

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), zip + ": " + outcome.stderr());
            assertEquals(List.of("00000011.mp4", "00000013.mp4"), PipelineTest.listNames(data.resolve("videos")), zip.toString());
            var record = Fixture.readJson(data.resolve("failed/00000012.json"));
            assertEquals("invalid-output", record.get("category").asText(), zip + ": " + record);
            assertTrue(record.toString().contains("do not match the checksum the archive gives"), zip + ": " + record);
            // the record names the entry and its archive, not the work directory it was written out to
            assertEquals(zip.getFileName().toString(), record.get("archive").asText(), record.toString());
            assertEquals("00000012.mp4", record.get("entry").asText(), record.toString());
            assertFalse(record.toString().contains(".partial"), record.toString());
        }
    }

    /**
     * A RAR 5 whose second video was damaged after it was packed (RAR stores a video as it is, since it cannot
     * make it smaller, and libarchive checks no CRC-32 of a stored file): the CRC-32 of its header tells, and
     * that video alone fails, as damaged.
     */
    @Test
    void aRarFileWhoseBytesDoNotMatchItsChecksumFailsAlone(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        List<String> ids = List.of("00000031", "00000032", "00000033");
        Map<String, Path> entries = new java.util.LinkedHashMap<>();
        ids.forEach(id -> entries.put(id + ".mp4", clip));
        Path rar = tmp.resolve("videos.rar");
        ArchiveMaker.rar(ArchiveMaker.folder(tmp, "videos", entries), rar);
        byte[] bytes = Files.readAllBytes(rar);
        byte[] start = Arrays.copyOf(Files.readAllBytes(clip), 64);
        int first = indexOf(bytes, start);
        int second = first + 1 + indexOf(Arrays.copyOfRange(bytes, first + 1, bytes.length), start);
        int middle = second + (int) Files.size(clip) / 2;
        for (int i = 0; i < 8; i++) {
            bytes[middle + i] ^= (byte) 0x5a;
        }
        Path damaged = tmp.resolve("damaged.rar");
        Files.write(damaged, bytes);
        // the second file in the archive's order (rar's, not the names'): its name is in the header before its data
        String hit = inArchiveOrder(bytes, ids).get(1);
        var record = importFailsAloneByItsChecksum(tmp, ids, hit, damaged);
        assertEquals("videos/" + hit + ".mp4", record.get("entry").asText(), record.toString());
    }

    /** An import of {@code archive} in which the video {@code hit} alone fails, its bytes not matching its checksum. */
    private static com.fasterxml.jackson.databind.JsonNode importFailsAloneByItsChecksum(Path tmp, List<String> ids,
            String hit, Path archive) throws Exception {
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, archive);

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(1, outcome.exit(), outcome.stderr());
        assertEquals(ids.stream().filter(id -> !id.equals(hit)).map(id -> id + ".mp4").toList(),
                PipelineTest.listNames(data.resolve("videos")));
        var record = Fixture.readJson(data.resolve("failed/" + hit + ".json"));
        assertEquals("invalid-output", record.get("category").asText(), record.toString());
        assertTrue(record.toString().contains("do not match the checksum the archive gives"), record.toString());
        return record;
    }

    /**
     * A RAR 5 split into volumes, one middle volume damaged after it was packed (8 bytes changed in a video's data):
     * `rar t` fails it by the CRC-32 of the file's last part, which is the whole file's. It published the damaged
     * video as complete (an adversarial probe); now that video alone fails, as damaged, and the others are imported.
     */
    @Test
    void aDamagedVolumeOfASplitRarFailsTheVideoItHoldsAPartOf(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("rar");
        List<String> ids = List.of("00000041", "00000042", "00000043");
        Path source = clipsFolder(tmp, ids);
        Path volumes = Files.createDirectories(tmp.resolve("volumes"));
        long volume = Math.max(20, Files.size(clip) / 1024 / 2);
        ArchiveMaker.run(source, "rar", "a", "-ma5", "-m0", "-r", "-idq", "-v" + volume + "k",
                volumes.resolve("videos.rar").toString(), ".");
        List<Path> parts;
        try (var listed = Files.list(volumes)) {
            parts = listed.sorted().toList();
        }
        assertTrue(parts.size() >= 4, parts.toString());
        Path middle = parts.get(parts.size() / 2);
        byte[] bytes = Files.readAllBytes(middle);
        int at = bytes.length * 2 / 3;
        for (int i = 0; i < 8; i++) {
            bytes[at + i] ^= (byte) 0x5a;
        }
        Files.write(middle, bytes);
        // the video whose part that is: the last file header before it names it
        String hit = ids.stream().max(java.util.Comparator.comparingInt(id -> lastIndexOf(
                Arrays.copyOf(bytes, at), (id + ".mp4").getBytes(java.nio.charset.StandardCharsets.UTF_8)))).orElseThrow();
        Process test = new ProcessBuilder("rar", "t", "-idq", parts.get(0).toString()).redirectErrorStream(true).start();
        String said = new String(test.getInputStream().readAllBytes());
        assertTrue(test.waitFor() != 0 && said.contains(hit + ".mp4"), "rar t fails it too: " + said);
        importFailsAloneByItsChecksum(tmp, ids, hit, parts.get(0));
    }

    /**
     * A RAR cut short a little way into its last video: bsdtar died with its last 10 KiB block unwritten, and the
     * video before, whole in the archive, was lost with it (an adversarial probe). bsdtar now writes small blocks
     * for an archive known to be cut, and the video before the cut is imported.
     */
    @Test
    void aRarCutShortInsideAVideoKeepsTheWholeVideoBeforeIt(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        List<String> ids = List.of("00000061", "00000062", "00000063");
        Path rar = tmp.resolve("whole.rar");
        ArchiveMaker.rar(clipsFolder(tmp, ids), rar);
        byte[] bytes = Files.readAllBytes(rar);
        int third = indexOf(bytes, Arrays.copyOf(Files.readAllBytes(clip), 64), 2);
        Path cut = Files.createDirectories(tmp.resolve("cut")).resolve("videos.rar");
        Files.write(cut, Arrays.copyOf(bytes, third + 100));
        String last = inArchiveOrder(bytes, ids).get(2);
        Path data = tmp.resolve("data");

        Fixture.Outcome outcome = Fixture.run(importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, cut));

        assertEquals(1, outcome.exit(), outcome.stderr());
        assertEquals(ids.stream().filter(id -> !id.equals(last)).map(id -> id + ".mp4").toList(),
                PipelineTest.listNames(data.resolve("videos")));
        assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("videos.rar does not end as a RAR ends"));
    }

    /**
     * A RAR whose last file's packed data is damaged at its start: bsdtar fails there, with the end of the video
     * before it still in its unwritten block; the archive ends as a RAR ends, so this is known only when bsdtar
     * failed. It is then read again in small blocks, and the video before the damage is imported.
     */
    @Test
    void aRarDamagedAtTheStartOfAFileKeepsTheWholeVideoBeforeIt(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("rar");
        List<String> ids = List.of("00000064", "00000065", "00000066");
        Path source = clipsFolder(tmp, ids.subList(0, 2));
        // the last file compresses well (a video does not), so that its damage is in packed data bsdtar unpacks
        Files.writeString(source.resolve("videos/00000066.mp4"), "not a video, but it packs well. ".repeat(4000));
        Path rar = Files.createDirectories(tmp.resolve("damaged")).resolve("videos.rar");
        ArchiveMaker.run(source, "rar", "a", "-ma5", "-m3", "-r", "-idq", rar.toString(), "videos/00000064.mp4",
                "videos/00000065.mp4", "videos/00000066.mp4");
        byte[] bytes = Files.readAllBytes(rar);
        int name = indexOf(bytes, "00000066.mp4".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (int i = name + 30; i < name + 70; i++) {
            bytes[i] ^= (byte) 0x5a;
        }
        Files.write(rar, bytes);
        Path data = tmp.resolve("data");

        Fixture.Outcome outcome = Fixture.run(importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, rar));

        assertEquals(1, outcome.exit(), outcome.stderr());
        assertEquals(List.of("00000064.mp4", "00000065.mp4"), PipelineTest.listNames(data.resolve("videos")));
        assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("bsdtar could not read videos.rar to its "
                + "end; it reads it again up to there"), outcome.stdout());
    }

    /** The ids in the order of their files in a RAR: the order of their names in its headers. */
    private static List<String> inArchiveOrder(byte[] archive, List<String> ids) {
        return ids.stream().sorted(java.util.Comparator.comparingInt(
                id -> indexOf(archive, (id + ".mp4").getBytes(java.nio.charset.StandardCharsets.UTF_8)))).toList();
    }

    /**
     * A stored 7z (7z -mx0, as videos are stored) whose second video was damaged after it was packed: bsdtar checks no
     * CRC of a stored file and gave the damaged bytes as zeros, with no error, so the video was published as complete
     * (an adversarial probe). Now it fails alone, by the CRC-32 the 7z's header gives, as `7zz t` fails it; a 7z split
     * into byte-parts, read by commons-compress, fails it too.
     */
    @Test
    void aStoredSevenZipFileWhoseBytesDoNotMatchItsChecksumFailsAlone(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("7zz");
        List<String> ids = List.of("00000051", "00000052", "00000053");
        Path whole = tmp.resolve("whole.7z");
        ArchiveMaker.sevenZip(clipsFolder(tmp, ids), whole, "-mx0");
        byte[] bytes = Files.readAllBytes(whole);
        byte[] start = Arrays.copyOf(Files.readAllBytes(clip), 64);
        int middle = indexOf(bytes, start, 1) + (int) Files.size(clip) / 2;
        for (int i = 0; i < 8; i++) {
            bytes[middle + i] ^= (byte) 0x5a;
        }
        Path damaged = Files.write(tmp.resolve("damaged.7z"), bytes);
        Process test = new ProcessBuilder("7zz", "t", damaged.toString()).redirectErrorStream(true).start();
        String said = new String(test.getInputStream().readAllBytes());
        test.waitFor();
        String hit = ids.stream().filter(id -> said.contains("CRC Failed : videos/" + id + ".mp4")).findFirst()
                .orElseThrow(() -> new AssertionError("7zz t names the damaged file: " + said));

        importFailsAloneByItsChecksum(tmp.resolve("whole"), ids, hit, damaged);

        Path parts = Files.createDirectories(tmp.resolve("parts"));
        int half = bytes.length / 2;
        Files.write(parts.resolve("damaged.7z.001"), Arrays.copyOf(bytes, half));
        Files.write(parts.resolve("damaged.7z.002"), Arrays.copyOfRange(bytes, half, bytes.length));
        Path data = tmp.resolve("split/data");
        Fixture.Outcome split = Fixture.run(importArgs(data, tmp.resolve("split/meta"), ids, SettingsTable.YOUTUBE_TEMPLATE,
                parts.resolve("damaged.7z.001")));
        assertEquals(1, split.exit(), split.stderr());
        assertEquals(ids.stream().filter(id -> !id.equals(hit)).map(id -> id + ".mp4").toList(),
                PipelineTest.listNames(data.resolve("videos")));
        assertEquals("invalid-output", Fixture.readJson(data.resolve("failed/" + hit + ".json")).get("category").asText());
    }

    /**
     * Clean archives whose videos lie in a folder named in Chinese, imported by a run in the C locale (cron, systemd,
     * a slim container): bsdtar crashed on the RAR (signal 11) and stopped on the 7z, and the tar's reader stopped
     * ("Input length = 1"), each good archive said to be damaged (an adversarial probe). Each is imported whole.
     */
    @Test
    void archivesWithNamesThatAreNotAsciiAreImportedInTheCLocale(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("rar");
        ArchiveMaker.need("7zz");
        List<String> ids = List.of("00000061", "00000062", "00000063");
        List<Path> archives = List.of(tmp.resolve("v.rar"), tmp.resolve("v.7z"), tmp.resolve("v.tar"));
        for (int i = 0; i < ids.size(); i++) {
            Path folder = ArchiveMaker.folder(tmp.resolve("a" + i), "视频 é", Map.of(ids.get(i) + ".mp4", clip));
            switch (i) {
                case 0 -> ArchiveMaker.rar(folder, archives.get(i));
                case 1 -> ArchiveMaker.sevenZip(folder, archives.get(i), "-mx0");
                default -> ArchiveMaker.tar(folder, archives.get(i));
            }
        }
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, archives.get(0));
        for (Path archive : archives.subList(1, archives.size())) {
            args.addAll(List.of("--import-archive", archive.toString()));
        }
        Path out = tmp.resolve("run.out");

        Process run = Fixture.startJvm(args, Map.of("LC_ALL", "C", "LANG", "C"), out);

        assertTrue(run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the run ends");
        assertEquals(0, run.exitValue(), Files.readString(out));
        assertEquals(ids.stream().map(id -> id + ".mp4").toList(), PipelineTest.listNames(data.resolve("videos")));
        assertFalse(Files.readString(out).contains("damaged"), Files.readString(out));
    }

    /**
     * A RAR 5 that stores files identical to one before as references to it (rar -oi): bsdtar gives each reference as an
     * empty file, which failed as "the file is empty, not a video" on every run (an adversarial probe). A reference is
     * now a link, named in the archive's warning, and its video comes from its source.
     */
    @Test
    void aRarFileStoredAsAReferenceToAnotherIsALinkAndItsVideoComesFromItsSource(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("rar");
        List<String> ids = List.of("00000071", "00000072", "00000073");
        ids.forEach(id -> server.serve(id, clip));
        Path rar = tmp.resolve("refs.rar");
        ArchiveMaker.run(clipsFolder(tmp, ids), "rar", "a", "-ma5", "-m0", "-oi", "-r", "-idq", rar.toString(), ".");
        Process list = new ProcessBuilder("rar", "lt", rar.toString()).redirectErrorStream(true).start();
        String listed = new String(list.getInputStream().readAllBytes());
        list.waitFor();
        assertEquals(2, listed.split("File reference", -1).length - 1, "rar stored two references: " + listed);
        Path data = tmp.resolve("data");

        Fixture.Outcome outcome = Fixture.run(importArgs(data, tmp.resolve("meta"), ids, server.urlTemplate(), rar));

        assertEquals(0, outcome.exit(), outcome.stderr());
        assertEquals(ids.stream().map(id -> id + ".mp4").toList(), PipelineTest.listNames(data.resolve("videos")));
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("2 entries of refs.rar are named as videos but are links"), log);
        assertTrue(log.contains("stored as a reference to it (rar -oi), which bsdtar cannot read"), log);
        assertEquals(2, log.split("Downloading ", -1).length - 1, "the two from their source: " + log);
    }

    /**
     * A 7z cut short: bsdtar, which reads it, ends its tar output as a tar ends and then fails. Its failure
     * is said in one line (bsdtar's words), not passed over as an archive that held no planned video.
     */
    @Test
    void aSevenZipThatBsdtarCannotReadIsSaidToBeDamagedNotEmpty(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        List<String> ids = List.of("00000021", "00000022", "00000023");
        Path source = ArchiveMaker.folder(tmp, "videos", Map.of(ids.get(0) + ".mp4", clip, ids.get(1) + ".mp4", clip,
                ids.get(2) + ".mp4", clip));
        Path whole = tmp.resolve("whole.7z");
        ArchiveMaker.sevenZip(source, whole, "-mx0");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = tmp.resolve("cut.7z");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length * 55 / 100));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        // a source that answers nothing: the videos fail at once where the archive did not give them
        List<String> args = importArgs(data, meta, ids, "http://127.0.0.1:9/{id}.mp4", cut);
        args.addAll(List.of("--retry-attempts", "1"));

        Fixture.Outcome outcome = Fixture.run(args);

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.lines().anyMatch(l -> l.contains("The archive " + cut) && l.contains("could not be read to its end")
                && l.contains("bsdtar could not read cut.7z")), log);
        // bsdtar's own closing line says nothing: the reason is the line before it
        assertFalse(log.contains("Error exit delayed") || log.contains("cut.7z: bsdtar:"), log);
        assertEquals(1, outcome.exit(), outcome.stderr());
    }

    /** A zip split into byte-parts whose middle part is missing: said in one line, naming it; what comes before it is imported. */
    @Test
    void aSplitZipWithAMiddlePartMissingNamesThePart(@TempDir Path tmp) throws Exception {
        List<String> ids = List.of("00000031", "00000032", "00000033");
        Path source = ArchiveMaker.folder(tmp, "videos", Map.of(ids.get(0) + ".mp4", clip, ids.get(1) + ".mp4", clip,
                ids.get(2) + ".mp4", clip));
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        ArchiveMaker.zip(source, out.resolve("videos.zip"));
        List<Path> parts = ArchiveMaker.split(out.resolve("videos.zip"), Files.size(clip) / 2);
        assertTrue(parts.size() >= 5, "split into parts: " + parts);
        Files.delete(parts.get(3));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, meta, ids, "http://127.0.0.1:9/{id}.mp4", parts.get(0));
        args.addAll(List.of("--retry-attempts", "1"));

        Fixture.run(args);

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("videos.zip.00: the part videos.zip.03 is missing, though later parts are here"), log);
        assertTrue(Files.isRegularFile(data.resolve("videos/" + ids.get(0) + ".mp4")), log);
        assertTrue(log.contains("could not be read past its missing part (named above); what could be read before it was "
                + "imported"), log);

        // a split 7z lacking a middle part: its list of files is at its end, so nothing of it is read, and it is said so
        // (it was said "what the parts before it hold was imported")
        Path sevenOut = Files.createDirectories(tmp.resolve("seven"));
        ArchiveMaker.need("7zz");
        ArchiveMaker.run(source, "7zz", "a", "-mx0", "-v" + Files.size(clip) / 2 + "b", sevenOut.resolve("videos.7z").toString(), ".");
        List<Path> volumes;
        try (var listed = Files.list(sevenOut)) {
            volumes = listed.sorted().toList();
        }
        assertTrue(volumes.size() >= 4, volumes.toString());
        Files.delete(volumes.get(2));
        Path sevenData = tmp.resolve("seven-data");
        List<String> sevenArgs = importArgs(sevenData, tmp.resolve("seven-meta"), ids, "http://127.0.0.1:9/{id}.mp4",
                volumes.get(0));
        sevenArgs.addAll(List.of("--retry-attempts", "1"));
        Fixture.run(sevenArgs);
        String sevenLog = Files.readString(sevenData.resolve("avqa_download.log"));
        assertTrue(sevenLog.contains("could not be read past its missing part (named above); no video of it could be read "
                + "before it"), sevenLog);
    }

    /**
     * A tar whose second header is damaged, a tar.gz that is no more than a gzip header, and a tar.gz of a video (no
     * tar in it, which was said to have a damaged tar header; now refused before the run, saying to unpack it): each is
     * said in one line of this tool's words, not the reader's ("Invalid byte 122 at offset 0 in
     * 'zzzzzzzz'", or no words at all); what came before the damage is imported.
     */
    @Test
    void aDamagedTarHeaderAndAGzipCutShortAreSaidInOurWords(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        List<String> ids = List.of("00000041", "00000042");
        Path tar = tmp.resolve("videos.tar");
        writeTar(Files.newOutputStream(tar), ids, whole);
        byte[] bytes = Files.readAllBytes(tar);
        int second = 512 + (whole.length + 511) / 512 * 512;
        // the mode field of the second entry's header
        System.arraycopy("zzzzzzzz".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, bytes, second + 100, 8);
        Files.write(tar, bytes);
        Path gz = tmp.resolve("header-only.tar.gz");
        Files.write(gz, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        Path notATar = tmp.resolve("video.tar.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(notATar))) {
            out.write(whole);
        }
        Map<Path, String> said = Map.of(tar, "a tar header in it is damaged", gz, "it ends before its end");
        for (Map.Entry<Path, String> c : said.entrySet()) {
            Path meta = tmp.resolve("meta-" + c.getKey().getFileName());
            Path data = tmp.resolve("data-" + c.getKey().getFileName());
            List<String> args = importArgs(data, meta, ids, "http://127.0.0.1:9/{id}.mp4", c.getKey());
            args.addAll(List.of("--retry-attempts", "1"));

            Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.lines().anyMatch(l -> l.contains("The archive " + c.getKey() + " could not be read to its end")
                    && l.contains("what could be read was imported: " + c.getValue())), log);
        }
        assertTrue(Files.isRegularFile(tmp.resolve("data-videos.tar/videos/00000041.mp4")), "the entry before the damage");
        // a gzip of one video given to import: refused before the run, saying what to do (it was said "could not be read
        // to its end (damaged?)", and ran)
        Fixture.Outcome refused = Fixture.run(importArgs(tmp.resolve("data-gz"), tmp.resolve("meta-gz"), ids,
                "http://127.0.0.1:9/{id}.mp4", notATar));
        assertEquals(2, refused.exit(), refused.stderr());
        assertEquals("avqa-downloader: --import-archive: " + notATar + " is a gzip of one file, not of a tar archive: unpack "
                + "it (gunzip -k) and give the file's folder", refused.stderr().strip());
        // an old (v7) tar, whose header has no magic, is a tar all the same (by its checksum)
        Path v7 = Files.createDirectories(tmp.resolve("v7"));
        Files.copy(clip, v7.resolve("00000041.mp4"));
        ArchiveMaker.run(v7, "tar", "--format=v7", "-czf", tmp.resolve("v7.tar.gz").toString(), "00000041.mp4");
        assertFalse(ArchiveFormat.gzipOfOneFile(tmp.resolve("v7.tar.gz")), "a v7 tar.gz is a tar");
        assertTrue(ArchiveFormat.gzipOfOneFile(notATar));
    }

    /**
     * A tar.gz whose gzip checksum, read only at its end, fails: every entry passed its own checks, but any
     * may hold damaged bytes, so the videos the run completed from it are set aside in rejected/ and no
     * longer complete (no SHA256SUMS line, not in download_progress.json); the next run, given a good copy,
     * imports them again.
     */
    @Test
    void videosFromATarGzWhoseChecksumFailsAtItsEndAreSetAsideAndImportedAgainFromAGoodCopy(@TempDir Path tmp)
            throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        List<String> ids = List.of("00000051", "00000052", "00000053");
        Path good = tmp.resolve("videos.tar.gz");
        writeTar(new java.util.zip.GZIPOutputStream(Files.newOutputStream(good)), ids, whole);
        byte[] bytes = Files.readAllBytes(good);
        // the gzip's CRC-32 is the trailer's first four bytes: the data stays as it was, the check fails
        bytes[bytes.length - 8] ^= 0x55;
        Path bad = Files.createDirectories(tmp.resolve("bad")).resolve("videos.tar.gz");
        Files.write(bad, bytes);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, meta, ids, "http://127.0.0.1:9/{id}.mp4", bad);
        args.addAll(List.of("--retry-attempts", "1"));

        Fixture.Outcome first = Fixture.run(args);

        assertEquals(1, first.exit());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("its compressed data is damaged (Corrupt GZIP trailer); the videos imported from it may "
                + "be damaged too"), log);
        assertTrue(log.contains("3 videos imported from videos.tar.gz in this run are set aside in rejected/ and no longer "
                + "complete"), log);
        for (String id : ids) {
            assertFalse(Files.exists(data.resolve("videos/" + id + ".mp4")), id);
            assertFalse(Files.exists(data.resolve("audio/" + id + ".wav")), id);
            assertTrue(Files.isRegularFile(data.resolve("rejected/" + id + ".mp4")), id);
        }
        assertFalse(Files.readString(data.resolve("download_progress.json")).contains("000000"), "none recorded complete");
        assertFalse(Files.exists(data.resolve("SHA256SUMS")) && Files.readString(data.resolve("SHA256SUMS")).contains("000000"),
                "no checksum line for a file set aside");
        var summary = ManagementTest.runSummary(data);
        assertEquals(0, summary.get("imported").asInt(), "none counted imported: " + summary);
        var failed = Fixture.readJson(data.resolve("failed_downloads.json"));
        for (String id : ids) {
            // then asked of their source (here nothing listens): failed, and said so
            assertEquals("transient", failed.path(id).path("category").asText(), failed.toString());
        }

        List<String> again = importArgs(data, meta, ids, "http://127.0.0.1:9/{id}.mp4", good);
        assertEquals(0, Fixture.run(again).exit());
        for (String id : ids) {
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[1] > 2.5, id);
        }
        Process sums = new ProcessBuilder("sha256sum", "--quiet", "-c", "SHA256SUMS").directory(data.toFile())
                .redirectErrorStream(true).start();
        String said = new String(sums.getInputStream().readAllBytes());
        assertEquals(0, sums.waitFor(), said);
        assertEquals(6, Files.readAllLines(data.resolve("SHA256SUMS")).size(), "a line for each video and WAV, once");
    }

    /**
     * The videos set aside from a tar.gz whose checksum failed are fetched in the same run from their source (a
     * good mirror here), counted downloaded, not imported.
     */
    @Test
    void videosSetAsideFromATarGzWhoseChecksumFailsAreFetchedFromTheirSourceInTheSameRun(@TempDir Path tmp)
            throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        List<String> ids = List.of("00000054", "00000055");
        Path bad = tmp.resolve("videos.tar.gz");
        writeTar(new java.util.zip.GZIPOutputStream(Files.newOutputStream(bad)), ids, whole);
        byte[] bytes = Files.readAllBytes(bad);
        bytes[bytes.length - 8] ^= 0x55;
        Files.write(bad, bytes);
        ids.forEach(id -> server.serve(id, clip));
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, tmp.resolve("meta"), ids, server.mediaFileTemplate(), bad);

        Fixture.Outcome run = Fixture.run(args);

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, run.exit(), "the archive could not be read whole: " + log);
        assertTrue(log.contains("2 videos imported from videos.tar.gz in this run are set aside in rejected/ and no longer "
                + "complete, since its checksum failed"), log);
        for (String id : ids) {
            assertEquals(1, server.hits(id).size(), "asked of the mirror once: " + server.hits(id));
            assertEquals(-1L, Files.mismatch(clip, data.resolve("videos/" + id + ".mp4")), id);
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
        }
        var summary = ManagementTest.runSummary(data);
        assertEquals(0, summary.get("imported").asInt(), summary.toString());
        assertEquals(2, summary.get("downloaded").asInt(), summary.toString());
    }

    /**
     * Files named as videos that are plainly something else (a share link's web page saved under the
     * video's name, an empty file, a host's "Access denied" text, a Git LFS pointer) fail as what they are, not
     * as a damaged video cut short; a real video cut short is still said to be damaged.
     */
    @Test
    void aWebPageOrAnEmptyFileNamedAsAVideoIsSaidToBeWhatItIs(@TempDir Path tmp) throws Exception {
        List<String> ids = List.of("00000061", "00000062", "00000063", "00000064", "00000065");
        Path folder = Files.createDirectories(tmp.resolve("unpacked"));
        Files.writeString(folder.resolve("00000064.mp4"), "\nAccess denied.\r\nYou do not have permission to access this file.\n");
        Files.writeString(folder.resolve("00000065.mp4"), "version https://git-lfs.github.com/spec/v1\noid sha256:"
                + "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 7654321\n");
        Files.writeString(folder.resolve("00000061.mp4"), "\n  <!DOCTYPE html><html><head><title>Google Drive - Virus "
                + "scan warning</title></head><body>Download anyway</body></html>");
        Files.write(folder.resolve("00000062.mp4"), new byte[0]);
        byte[] whole = Files.readAllBytes(clip);
        Files.write(folder.resolve("00000063.mp4"), Arrays.copyOf(whole, whole.length / 3));
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, tmp.resolve("meta"), ids, "http://127.0.0.1:9/{id}.mp4", folder);
        args.addAll(List.of("--retry-attempts", "1"));

        Fixture.run(args);

        Map<String, String> said = Map.of(
                "00000061", "the file is a web page, not a video (\"Google Drive - Virus scan warning\")",
                "00000062", "the file is empty (0 bytes), not a video",
                "00000063", "the video is damaged",
                "00000064", "the file is text, not a video (\"Access denied.\")",
                "00000065", "the file is a Git LFS pointer, not the video");
        for (Map.Entry<String, String> e : said.entrySet()) {
            var record = Fixture.readJson(data.resolve("failed/" + e.getKey() + ".json"));
            assertEquals("invalid-output", record.get("category").asText(), record.toString());
            assertTrue(record.get("reason").asText().startsWith(e.getValue()), record.toString());
        }
    }

    /**
     * Archives inside the archive (a zip of the authors' zips; a RAR, read through bsdtar, of a 7z and a tar.gz):
     * none is opened, nor imported from, and one line says how many there are, names the first (escaped: a
     * name with a line break forges no log line) and what to do; the video beside them is imported. Done as
     * the line says - the inner archive unpacked into a folder given to --import-archive - the inner video is
     * imported, and a folder's archives are no archives inside an archive.
     */
    @Test
    void anArchiveInsideTheArchiveIsNotOpenedAndOneLineSaysWhatToDo(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
        Path inner = unpacked.resolve("inner.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(inner))) {
            z.putNextEntry(new ZipEntry("videos/00000071.mp4"));
            z.write(whole);
        }
        Path zip = tmp.resolve("nested.zip");
        String forged = "archives/inner" + LogInjectionTest.FORGED + ".zip";
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry(forged));
            z.write(Files.readAllBytes(inner));
            z.putNextEntry(new ZipEntry("archives/more.tar.gz"));
            z.write(Files.readAllBytes(inner));
            z.putNextEntry(new ZipEntry("videos/00000072.mp4"));
            z.write(whole);
        }
        Path rar = tmp.resolve("nested.rar");
        ArchiveMaker.rar(ArchiveMaker.folder(tmp, "videos", Map.of("inner.7z", inner, "00000072.mp4", clip)), rar);
        List<String> ids = List.of("00000071", "00000072");
        Map<Path, String> said = Map.of(
                zip, "nested.zip holds 2 archives of its own (the first: archives/inner\\u000d\\u000a2026-11-29 12:00:00 INFO  "
                        + "Complete: forged.zip), not opened: an archive inside an archive is not imported. Unpack nested.zip "
                        + "and give the inner archive, or the folder it is unpacked into, to --import-archive",
                rar, "nested.rar holds 1 archive of its own (the first: videos/inner.7z), not opened: an archive inside an "
                        + "archive is not imported. Unpack nested.rar and give the inner archive, or the folder it is "
                        + "unpacked into, to --import-archive");
        for (Map.Entry<Path, String> c : said.entrySet()) {
            Path data = tmp.resolve("data-" + c.getKey().getFileName());
            List<String> args = importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, c.getKey());

            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertEquals(List.of("00000072.mp4"), PipelineTest.listNames(data.resolve("videos")), "not imported from the inner archive");
            List<String> lines = log.lines().filter(l -> l.contains("of its own")).toList();
            assertEquals(1, lines.size(), log);
            assertTrue(lines.get(0).contains(" WARN ") && lines.get(0).endsWith(c.getValue()), lines.get(0));
            assertFalse(log.lines().anyMatch(l -> l.startsWith("2026-11-29")), "no forged line");
        }

        // as the line says: the folder the inner archive is in, given to --import-archive
        Path data = tmp.resolve("data-folder");
        Fixture.Outcome outcome = Fixture.run(importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, unpacked));
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(0, outcome.exit(), outcome.stderr() + log);
        assertEquals(-1L, Files.mismatch(clip, data.resolve("videos/00000071.mp4")), "the inner archive's video");
        assertFalse(log.contains("of its own"), log);
    }

    /**
     * A tar.gz of a few megabytes whose names would take the memory: one GNU long name of 200 MB (names of any length
     * are an entry of their own, which a reader holds whole), and 3,000 entries named as videos, each by a name of 60
     * KiB (180 MB of names), that match no planned video. With a heap of 128 MB the run ended out of memory at each
     * run; now the long name is passed over in one line and the entry it named left alone, the others are counted
     * with a few examples kept, and the videos before and after them are imported.
     */
    @Test
    void namesThatWouldTakeTheMemoryArePassedOverAndTheVideosAroundThemImported(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        List<String> ids = List.of("00000081", "00000082");
        Path archive = tmp.resolve("names.tar.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(archive), 1 << 16)) {
            tarEntry(out, "00000081.mp4", '0', whole);
            longName(out, 200 * 1024 * 1024, "00000083.mp4");
            tarEntry(out, "x.mp4", '0', whole);
            longName(out, 100 * 1024, "00000084.mp4");
            tarEntry(out, "x.mp4", '0', whole);
            for (int i = 0; i < 3000; i++) {
                longName(out, 60 * 1024, String.format("x%08d.mp4", i));
                tarEntry(out, "x.mp4", '0', new byte[0]);
            }
            tarEntry(out, "00000082.mp4", '0', whole);
            out.write(new byte[1024]);
        }
        Path data = tmp.resolve("data");
        Path out = tmp.resolve("out.log");

        Process run = importedIn128Megabytes(tmp, ids, archive);

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(0, run.exitValue(), Files.readString(out) + log);
        assertEquals(List.of("00000081.mp4", "00000082.mp4"), PipelineTest.listNames(data.resolve("videos")));
        // one line for the archive, however many such names it has
        assertEquals(1, log.lines().filter(l -> l.contains(" WARN ") && l.contains("names.tar.gz: an entry has a name (or "
                + "a link's target) of " + (200 * 1024 * 1024 + 1) + " bytes, longer than a file's name can be (65536 at "
                + "most): no video's, left alone (so is any more such entry of this archive, without a line)")).count(), log);
        assertEquals(1, log.lines().filter(l -> l.contains("an entry has a name (or")).count(), log);
        String unmatched = log.lines().filter(l -> l.contains("video entries of names.tar.gz match no planned video"))
                .findFirst().orElseThrow(() -> new AssertionError(log));
        assertTrue(unmatched.contains(" 3000 video entries"), unmatched);
        assertTrue(unmatched.length() < 2000, "a few examples, each cut short: " + unmatched.length());
    }

    /**
     * A pax header of 200 MB (one path record) between two videos, in a tar.gz of a few hundred kilobytes: the tar
     * reader parses a pax header whole, which ran a JVM of 128 MB out of memory. Now a pax header past 1 MiB ends the
     * archive's reading as damaged, in one line; the video before it is imported, the one after it is asked of its
     * source, and nothing is said in Java's words.
     */
    @Test
    void aPaxHeaderThatWouldTakeTheMemoryEndsTheArchiveInOneLine(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(clip);
        List<String> ids = List.of("00000085", "00000086");
        Path archive = tmp.resolve("pax.tar.gz");
        int bytes = 200 * 1024 * 1024;
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(archive), 1 << 16)) {
            tarEntry(out, "00000085.mp4", '0', whole);
            tarHeader(out, "PaxHeaders/00000086.mp4", 'x', bytes);
            String head = bytes + " path=";
            out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] chunk = "a/".repeat(32 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int left = bytes - head.length() - 1; left > 0; left -= chunk.length) {
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
            out.write('\n');
            tarEntry(out, "00000086.mp4", '0', whole);
            out.write(new byte[1024]);
        }
        Path data = tmp.resolve("data");
        Path out = tmp.resolve("out.log");

        Process run = importedIn128Megabytes(tmp, ids, archive);

        String said = Files.readString(out) + Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, run.exitValue(), "the second is asked of a source that refuses: " + said);
        assertEquals(List.of("00000085.mp4"), PipelineTest.listNames(data.resolve("videos")), said);
        assertEquals(1, Files.readAllLines(out).stream().filter(l -> l.contains(" ERROR ") && l.contains("The archive "
                + archive + " could not be read to its end (damaged?); what could be read was imported: it cannot be read "
                + "further (a tar header in it claims " + bytes + " bytes of names and attributes (pax), more than any "
                + "file's (1048576 at most))")).count(), said);
        assertFalse(said.contains("OutOfMemoryError") || said.contains("\tat ") || said.contains("Exception"), said);
    }

    /** A tar header of {@code name} (at most 100 bytes), of type {@code type}, and {@code body} padded to 512 bytes. */
    private static void tarEntry(java.io.OutputStream out, String name, char type, byte[] body) throws java.io.IOException {
        tarHeader(out, name, type, body.length);
        out.write(body);
        out.write(new byte[(512 - body.length % 512) % 512]);
    }

    private static void tarHeader(java.io.OutputStream out, String name, char type, long size) throws java.io.IOException {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format("%011o\0", size));
        put(h, 136, "00000000000\0");
        h[156] = (byte) type;
        put(h, 257, "ustar  \0");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\0 ", sum));
        out.write(h);
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    /** A GNU long name ({@code ././@LongLink}) of {@code bytes} bytes, {@code a/a/...} then {@code end}, for the next entry. */
    private static void longName(java.io.OutputStream out, int bytes, String end) throws java.io.IOException {
        tarHeader(out, "././@LongLink", 'L', bytes + 1L);
        byte[] chunk = "a/".repeat(32 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int folders = bytes - end.length();
        for (int left = folders; left > 0; left -= chunk.length) {
            out.write(chunk, 0, Math.min(left, chunk.length));
        }
        out.write(end.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(0);
        out.write(new byte[(int) ((512 - (bytes + 1L) % 512) % 512)]);
    }

    /** A tar of {@code <id>.mp4} entries, each holding {@code video}, written to {@code to} (closed). */
    static void writeTar(java.io.OutputStream to, List<String> ids, byte[] video) throws java.io.IOException {
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(to)) {
            for (String id : ids) {
                var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(id + ".mp4");
                e.setSize(video.length);
                out.putArchiveEntry(e);
                out.write(video);
                out.closeArchiveEntry();
            }
        }
    }

    /** The annotations of {@code ids} written to {@code meta}, and a run's arguments that import {@code archive}. */
    /** A file of {@code bytes} zeros and a last byte of 1, made of holes (sparse): no disk for its zeros. */
    static void holes(Path file, long bytes) throws java.io.IOException {
        try (var f = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap(new byte[] {1}), bytes);
        }
    }

    static List<String> importArgs(Path data, Path meta, List<String> ids, String template, Path archive) throws Exception {
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, template);
        args.addAll(List.of("--import-archive", archive.toString()));
        return args;
    }

    /** A folder videos/ of the test clip under each id's name, for an archive of it. */
    static Path clipsFolder(Path tmp, List<String> ids) throws Exception {
        Map<String, Path> entries = new java.util.LinkedHashMap<>();
        ids.forEach(id -> entries.put(id + ".mp4", clip));
        return ArchiveMaker.folder(tmp, "videos", entries);
    }

    static int indexOf(byte[] in, byte[] what) {
        return indexOf(in, what, 0);
    }

    /** Where {@code what} last occurs in {@code in}; -1 if it does not. */
    static int lastIndexOf(byte[] in, byte[] what) {
        int last = -1;
        for (int i = indexOf(in, what); i >= 0; i = last + 1 + indexOf(Arrays.copyOfRange(in, last + 1, in.length), what)) {
            last = i;
            if (indexOf(Arrays.copyOfRange(in, last + 1, in.length), what) < 0) {
                break;
            }
        }
        return last;
    }

    /** Where {@code what} occurs in {@code in} after its first {@code skip} occurrences; -1 if it does not. */
    static int indexOf(byte[] in, byte[] what, int skip) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            if (skip-- == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A zip entry this tool cannot read (packed with PPMd by 7-Zip) fails alone as invalid-output; the entries beside
     * it are imported, and the log holds no Camel internals. (An encrypted one is no damage: see
     * {@link #filesEncryptedWithAPasswordAreNotTakenAsVideosAndOneLineSaysSo}.)
     */
    @Test
    void aZipEntryPackedInAWayNotReadFailsAloneAndTheOthersAreImported(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("7zz");
        ArchiveMaker.need("zip");
        List<String> ids = List.of("00000009", "00000010", "00000011");
        Path src = Files.createDirectories(tmp.resolve("src/videos"));
        for (String id : ids) {
            Files.copy(clip, src.resolve(id + ".mp4"));
        }
        Path ppmd = tmp.resolve("ppmd.zip");
        ArchiveMaker.run(tmp.resolve("src"), "7zz", "a", "-bd", "-bso0", "-tzip", "-mm=PPMd", ppmd.toString(), "videos/00000009.mp4");
        ArchiveMaker.run(tmp.resolve("src"), "7zz", "a", "-bd", "-bso0", "-tzip", "-mm=Deflate", ppmd.toString(),
                "videos/00000010.mp4", "videos/00000011.mp4");
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", ids);
        for (Path zip : List.of(ppmd)) {
            Path data = tmp.resolve("data-" + zip.getFileName());
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--import-archive", zip.toString()));

            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, outcome.exit(), zip.getFileName() + ": " + outcome.stderr() + log);
            assertEquals(List.of("00000010.mp4", "00000011.mp4"), PipelineTest.listNames(data.resolve("videos")), log);
            var r = Fixture.readJson(data.resolve("failed/00000009.json"));
            assertEquals("invalid-output", r.get("category").asText(), r.toString());
            ReadableErrorsTest.assertReadable(zip.getFileName().toString(), log + outcome.stderr());
            assertFalse(log.contains("Error releasing") || log.contains("could not be read to its end"), log);
        }
    }

    /**
     * An archive of each kind with files encrypted with a password (a RAR's by rar -p, a zip's by zip -e, a 7z's by
     * 7z -p), or whose list of files is (rar -hp, 7z -mhe=on): the encrypted files are not taken as videos (bsdtar gives
     * a RAR's encrypted bytes with no error, and stops at a 7z's with none of its words). One warning says how many and
     * how to extract them; those videos go to their sources (none recorded damaged, no "damaged?"), the plain file
     * beside them is imported, and the run's last lines name the archive as encrypted (exit 1).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"rar -p", "zip -e", "7z -p", "7z -p split", "rar -hp", "7z -mhe=on"})
    void filesEncryptedWithAPasswordAreNotTakenAsVideosAndOneLineSaysSo(String how, @TempDir Path tmp) throws Exception {
        String kind = how.split(" ")[0];
        ArchiveMaker.need(kind.equals("7z") ? "7zz" : kind);
        ArchiveMaker.need("bsdtar");
        boolean headers = how.endsWith("-hp") || how.endsWith("-mhe=on");
        boolean split = how.endsWith(" split");
        how = how.replace(" split", "");
        List<String> ids = List.of("00000020", "00000021", "00000022");
        Path src = ArchiveMaker.folder(tmp, "videos", Map.of("00000020.mp4", clip, "00000021.mp4", clip, "00000022.mp4", clip));
        Path archive = tmp.resolve("enc." + kind);
        String[] locked = {"videos/00000020.mp4", "videos/00000021.mp4"};
        String plain = "videos/00000022.mp4";
        switch (how) {
            case "rar -p" -> {
                ArchiveMaker.run(src, "rar", "a", "-ma5", "-m0", "-idq", "-psecret", archive.toString(), locked[0], locked[1]);
                ArchiveMaker.run(src, "rar", "a", "-ma5", "-m0", "-idq", archive.toString(), plain);
            }
            case "zip -e" -> {
                ArchiveMaker.run(src, "zip", "-q", "-P", "secret", archive.toString(), locked[0], locked[1]);
                ArchiveMaker.run(src, "zip", "-q", archive.toString(), plain);
            }
            case "7z -p" -> {
                ArchiveMaker.run(src, "7zz", "a", "-bd", "-bso0", "-mx0", archive.toString(), plain);
                ArchiveMaker.run(src, "7zz", "a", "-bd", "-bso0", "-mx0", "-psecret", archive.toString(), locked[0], locked[1]);
            }
            case "rar -hp" -> ArchiveMaker.run(src, "rar", "a", "-ma5", "-m0", "-idq", "-hpsecret", archive.toString(),
                    locked[0], locked[1], plain);
            default -> ArchiveMaker.run(src, "7zz", "a", "-bd", "-bso0", "-mx0", "-mhe=on", "-psecret", archive.toString(),
                    locked[0], locked[1], plain);
        }
        String extract = switch (kind) {
            case "rar" -> "unrar x -pPASSWORD ARCHIVE DIR/";
            case "zip" -> "7zz x -pPASSWORD -oDIR ARCHIVE, or unzip -P PASSWORD ARCHIVE -d DIR";
            default -> "7zz x -pPASSWORD -oDIR ARCHIVE";
        };
        Path given = archive;
        if (split) {
            // in byte-parts, as 7z -v names them (enc.7z.001, …): read by commons-compress over them all
            given = ArchiveMaker.split(archive, Files.size(archive) / 3 + 1, 3, 1).get(0);
        }
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, given);

        Fixture.Outcome outcome = Fixture.run(args);

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, outcome.exit(), outcome.stderr() + log);
        assertEquals(headers ? List.of() : List.of("00000022.mp4"), PipelineTest.listNames(data.resolve("videos")), log);
        String what = headers ? "its list of files is encrypted (" + how + "), so it cannot be read"
                : "2 of its 3 files are encrypted (" + how + "), so they cannot be read";
        String shown = given.getFileName().toString();
        assertEquals(1, log.lines().filter(l -> l.contains(shown + ": " + what + " without the password, which "
                + "this tool does not take: their videos come from their sources. Extract it with its password ("
                + extract + ") and give that folder with --import-archive DIR")).count(), log);
        for (String id : headers ? ids : List.of("00000020", "00000021")) {
            Path failed = data.resolve("failed/" + id + ".json");
            if (Files.exists(failed)) {
                assertFalse(Fixture.readJson(failed).get("category").asText().equals("invalid-output"), Files.readString(failed));
            }
        }
        assertFalse(log.contains("the video is damaged") || log.contains("could not be read to its end")
                || log.contains("damaged?") || log.contains("delete it there"), log);
        assertTrue(log.contains("1 archives hold files encrypted with a password (" + shown + "): those files were not "
                + "imported"), log);
        ReadableErrorsTest.assertReadable(shown, log + outcome.stderr());
    }

    /**
     * A RAR holding files encrypted with a password that is also cut short: its failure is the cut's (damaged, another
     * copy asked for), not the password's; the warning about its encrypted files is still said.
     */
    @Test
    void anArchiveWithEncryptedFilesThatIsCutShortIsSaidAsCut(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("rar");
        ArchiveMaker.need("bsdtar");
        List<String> ids = List.of("00000020", "00000021", "00000022");
        Path src = ArchiveMaker.folder(tmp, "videos", Map.of("00000020.mp4", clip, "00000021.mp4", clip, "00000022.mp4", clip));
        Path whole = tmp.resolve("whole.rar");
        ArchiveMaker.run(src, "rar", "a", "-ma5", "-m0", "-idq", "-psecret", whole.toString(), "videos/00000020.mp4",
                "videos/00000021.mp4");
        ArchiveMaker.run(src, "rar", "a", "-ma5", "-m0", "-idq", whole.toString(), "videos/00000022.mp4");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = tmp.resolve("enc.rar");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 2000));
        Path data = tmp.resolve("data");

        Fixture.Outcome outcome = Fixture.run(importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, cut));

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, outcome.exit(), log);
        assertTrue(log.contains("enc.rar: 2 of its 3 files are encrypted (rar -p)"), log);
        assertTrue(log.contains("enc.rar does not end as a RAR ends: it was cut short"), log);
        assertFalse(log.contains("could not be read past a file encrypted") || log.contains("archives hold files encrypted"), log);
    }

    /**
     * A tar and a zip given as files, each cut exactly between two videos (so that bsdtar, the tar reader and
     * the zip reader, which reads a zip from its start, end there without an error): what each holds is
     * imported, one line says it was cut short, and the run says it could not be read whole (exit 1).
     */
    @Test
    void aTarOrZipCutBetweenTwoVideosIsImportedAsFarAsItGoesAndSaidToBeCut(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("tar");
        ArchiveMaker.need("zip");
        List<String> ids = List.of("00000012", "00000013");
        Path src = Files.createDirectories(tmp.resolve("src/videos"));
        for (String id : ids) {
            Files.copy(clip, src.resolve(id + ".mp4"));
        }
        for (String kind : List.of("tar", "zip")) {
            Path whole = tmp.resolve("whole." + kind);
            long firstEntry;
            if (kind.equals("tar")) {
                ArchiveMaker.run(tmp.resolve("src"), "tar", "-c", "-f", whole.toString(), "videos/00000012.mp4",
                        "videos/00000013.mp4");
                firstEntry = 512 + (Files.size(clip) + 511) / 512 * 512;
            } else {
                ArchiveMaker.run(tmp.resolve("src"), "zip", "-q", "-0", whole.toString(), "videos/00000012.mp4",
                        "videos/00000013.mp4");
                // where the second entry's own header begins (stored, so no video holds the signature by chance)
                firstEntry = indexOf(Files.readAllBytes(whole), new byte[] {'P', 'K', 3, 4}, 1);
            }
            Path cut = Files.createDirectories(tmp.resolve(kind)).resolve("videos." + kind);
            Files.write(cut, Arrays.copyOf(Files.readAllBytes(whole), (int) firstEntry));
            Path meta = tmp.resolve("meta-" + kind);
            Path data = tmp.resolve("data-" + kind);
            List<String> args = importArgs(data, meta, ids, SettingsTable.YOUTUBE_TEMPLATE, cut);

            assertEquals(1, Fixture.run(args).exit(), kind);

            assertEquals(List.of("00000012.mp4"), PipelineTest.listNames(data.resolve("videos")), kind);
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("videos." + kind + " does not end as a " + kind + " ends: it was cut short (between "
                    + "two videos, perhaps)"), log);
            assertTrue(log.contains("1 archives could not be read to their end (videos." + kind + ")"), log);
        }
    }

    /**
     * A sparse file in a tar (a few bytes of archive for gigabytes of holes) is no video: it is left alone, never
     * expanded into the work area, and the video of its name may still come from another entry.
     */
    @Test
    void aSparseEntryIsLeftAloneNotExpanded(@TempDir Path tmp) throws Exception {
        List<String> ids = List.of("00000041", "00000042");
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.copy(clip, src.resolve("00000042.mp4"));
        holes(src.resolve("00000041.mp4"), 300_000_000L);
        Path tar = tmp.resolve("sparse.tar");
        ArchiveMaker.run(src, "tar", "--sparse", "-cf", tar.toString(), "00000041.mp4", "00000042.mp4");
        assertTrue(Files.size(tar) < 10_000_000, "a sparse tar: " + Files.size(tar));
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, tar);

        Fixture.Outcome outcome = Fixture.run(args);

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(0, outcome.exit(), "the video left alone has no other source: " + log);
        assertEquals(List.of("00000042.mp4"), PipelineTest.listNames(data.resolve("videos")), log);
        assertTrue(log.contains("1 entries of sparse.tar are named as videos but are links, sparse files or special files")
                && log.contains("00000041.mp4 (a sparse file)"), log);
        assertFalse(log.contains("Failed: 00000041 [invalid-output]"), "not expanded, not tried: " + log);
    }

    /**
     * A stored entry whose size comes after its data, in a zip read from its start (its central directory cut off):
     * the zip reader holds such an entry in memory whole to find its end. One larger than an eighth of the heap fails
     * alone, in one line, and the run ends; the video before it is imported. A JVM of 128 MB, an entry of 200 MB.
     */
    @Test
    void aStoredEntryTooLargeToHoldInMemoryFailsInOneLineAndTheRunEnds(@TempDir Path tmp) throws Exception {
        List<String> ids = List.of("00000021", "00000022");
        Path src = Files.createDirectories(tmp.resolve("src/videos"));
        Files.copy(clip, src.resolve("00000021.mp4"));
        holes(src.resolve("00000022.mp4"), 200_000_000L);
        Path whole = tmp.resolve("whole.zip");
        ArchiveMaker.streamedZip(tmp.resolve("src"), whole, "-0", "videos/00000021.mp4", "videos/00000022.mp4");
        Files.delete(src.resolve("00000022.mp4"));
        Path cut = Files.createDirectories(tmp.resolve("cut")).resolve("videos.zip");
        Files.move(whole, cut);
        try (var zip = java.nio.channels.FileChannel.open(cut, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer end = java.nio.ByteBuffer.allocate(22).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            zip.read(end, zip.size() - 22);
            // where the central directory begins, as the end of central directory record (no comment) says
            zip.truncate(end.getInt(16) & 0xffffffffL);
        }
        Path data = tmp.resolve("data");
        List<String> args = importArgs(data, tmp.resolve("meta"), ids, SettingsTable.YOUTUBE_TEMPLATE, cut);
        Path out = tmp.resolve("out.log");

        Process run = ranIn128Megabytes(args, out);

        String said = Files.readString(out) + Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, run.exitValue(), said);
        assertFalse(said.contains("OutOfMemoryError") || said.contains("\tat "), said);
        assertEquals(List.of("00000021.mp4"), PipelineTest.listNames(data.resolve("videos")), said);
        assertEquals(-1L, Files.mismatch(clip, data.resolve("videos/00000021.mp4")), said);
        var failed = Fixture.readJson(data.resolve("failed/00000022.json"));
        assertEquals("invalid-output", failed.get("category").asText(), failed.toString());
        assertTrue(failed.get("reason").asText().matches(".*read whole into memory first, and it is larger than the 1[0-9.]+ MiB "
                + "this run holds.*"), failed.toString());
    }

    /**
     * A zip written as a stream (zip writing to a pipe: each entry's CRC-32 and sizes in a data descriptor
     * after its data), stored as zip -0 stores videos or deflated, cut exactly where its central directory
     * begins, as a download is cut short: every video whole in it is imported, checked against its CRC-32,
     * and the run says the archive was cut short (exit 1). Cut in the middle of its last video, that video
     * is not imported, and the one before it is.
     */
    @Test
    void aStreamedZipCutAtItsCentralDirectoryGivesItsLastVideoToo(@TempDir Path tmp) throws Exception {
        List<String> ids = List.of("00000012", "00000013");
        Path src = Files.createDirectories(tmp.resolve("src/videos"));
        for (String id : ids) {
            Files.copy(clip, src.resolve(id + ".mp4"));
        }
        for (String level : List.of("-0", "-6")) {
            Path whole = tmp.resolve("whole" + level + ".zip");
            ArchiveMaker.streamedZip(tmp.resolve("src"), whole, level, "videos/00000012.mp4", "videos/00000013.mp4");
            long lastData;
            try (org.apache.commons.compress.archivers.zip.ZipFile z =
                         org.apache.commons.compress.archivers.zip.ZipFile.builder().setPath(whole).get()) {
                var entries = java.util.Collections.list(z.getEntriesInPhysicalOrder());
                assertEquals(2, entries.size());
                for (var e : entries) {
                    assertTrue(e.getGeneralPurposeBit().usesDataDescriptor(), level + ": " + e.getName() + " has a data descriptor");
                    assertEquals(level.equals("-0") ? 0 : 8, e.getMethod(), level + ": " + e.getName());
                }
                lastData = entries.get(1).getDataOffset() + entries.get(1).getCompressedSize() / 2;
            }
            byte[] bytes = Files.readAllBytes(whole);
            // where the central directory begins, as the end of central directory record (no comment) says
            int directory = java.nio.ByteBuffer.wrap(bytes, bytes.length - 22 + 16, 4)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            assertEquals(directory, indexOf(bytes, new byte[] {'P', 'K', 1, 2}), level);
            for (long cutAt : List.of((long) directory, lastData)) {
                String name = "cut" + level + "-at-" + cutAt;
                Path cut = Files.createDirectories(tmp.resolve(name)).resolve("videos.zip");
                Files.write(cut, Arrays.copyOf(bytes, (int) cutAt));
                Path data = tmp.resolve("data-" + name);
                List<String> args = importArgs(data, tmp.resolve("meta-" + name), ids, SettingsTable.YOUTUBE_TEMPLATE, cut);

                Fixture.Outcome outcome = Fixture.run(args);

                String log = Files.readString(data.resolve("avqa_download.log"));
                assertEquals(1, outcome.exit(), name + ": " + log);
                assertEquals(-1L, Files.mismatch(clip, data.resolve("videos/00000012.mp4")), name);
                if (cutAt == directory) {
                    assertEquals(List.of("00000012.mp4", "00000013.mp4"), PipelineTest.listNames(data.resolve("videos")),
                            name + ": " + log);
                    assertEquals(-1L, Files.mismatch(clip, data.resolve("videos/00000013.mp4")), name);
                    assertTrue(log.contains("videos.zip does not end as a zip ends: it was cut short"), name + ": " + log);
                    assertFalse(log.contains("damaged"), name + ": " + log);
                } else {
                    assertEquals(List.of("00000012.mp4"), PipelineTest.listNames(data.resolve("videos")), name + ": " + log);
                }
                assertTrue(log.contains("1 archives could not be read to their end (videos.zip)"), name + ": " + log);
                ReadableErrorsTest.assertReadable(name, log + outcome.stderr());
            }
        }
    }

    /**
     * An import of {@code archive} (a few megabytes) in a JVM of its own with a heap of 128 MB, once it has ended: into
     * {@code tmp/data}, its output in {@code tmp/out.log}, the videos' source one that refuses every connection.
     */
    private static Process importedIn128Megabytes(Path tmp, List<String> ids, Path archive) throws Exception {
        assertTrue(Files.size(archive) < 10_000_000, "a few megabytes: " + Files.size(archive));
        return ranIn128Megabytes(importArgs(tmp.resolve("data"), tmp.resolve("meta"), ids, "http://127.0.0.1:9/{id}.mp4",
                archive), tmp.resolve("out.log"));
    }

    /** A run in a JVM of its own with a heap of 128 MB, once it has ended (within 3 minutes). */
    private static Process ranIn128Megabytes(List<String> args, Path out) throws Exception {
        Process run = Fixture.startJvm(args, Map.of("JAVA_TOOL_OPTIONS", "-Xmx128m"), out);
        try {
            assertTrue(run.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "the run ends: " + Files.readString(out));
        } finally {
            run.destroyForcibly();
        }
        return run;
    }
}
