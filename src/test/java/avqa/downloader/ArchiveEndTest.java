package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tar or a RAR cut exactly between two entries reads without an error in bsdtar and unrar: only its
 * format's end tells it from a whole one. Archives made by the real tar and rar, cut where a connection
 * that closed between two videos would leave them.
 */
class ArchiveEndTest {

    /** Three entries of 100,000 random bytes each (a tar entry then fills 196 blocks after its header). */
    static Path folder(Path tmp) throws Exception {
        Random random = new Random(7);
        Map<String, Path> entries = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            byte[] bytes = new byte[100_000];
            random.nextBytes(bytes);
            Path f = tmp.resolve("entry" + i);
            Files.write(f, bytes);
            entries.put("0000000" + i + ".mp4", f);
        }
        return ArchiveMaker.folder(tmp, "videos", entries);
    }

    static Path cut(Path archive, long size) throws Exception {
        Path out = archive.resolveSibling("cut-" + size + "-" + archive.getFileName());
        Files.write(out, Arrays.copyOf(Files.readAllBytes(archive), (int) size));
        return out;
    }

    @Test
    void aTarCutBetweenTwoEntriesHasNoEndAndAWholeOneHasIt(@TempDir Path tmp) throws Exception {
        Path tar = tmp.resolve("videos.tar");
        ArchiveMaker.tar(folder(tmp), tar);
        assertEquals(ArchiveEnd.Mark.PRESENT, ArchiveEnd.of(tar, ArchiveFormat.of(tar)));
        // entries: ./ , ./videos/ (a header each), then each file's header and its 196 blocks
        long afterSecondVideo = 512L * (1 + 1 + 2 * (1 + 196));
        Path cut = cut(tar, afterSecondVideo);
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.run(tmp, "bsdtar", "-t", "-f", cut.toString());  // bsdtar reads it without an error
        assertEquals(ArchiveEnd.Mark.ABSENT, ArchiveEnd.of(cut, ArchiveFormat.TAR));
        assertEquals(ArchiveEnd.Mark.ABSENT, ArchiveEnd.of(cut(tar, afterSecondVideo + 512 * 197), ArchiveFormat.TAR),
                "all three entries, and no end: cut all the same");
        assertEquals(ArchiveEnd.Mark.ABSENT, ArchiveEnd.of(cut(tar, afterSecondVideo + 100), ArchiveFormat.TAR));
        assertEquals(ArchiveListing.Verdict.DAMAGED, new ArchiveListing("bsdtar").check(cut));
        assertEquals(ArchiveListing.Verdict.WHOLE, new ArchiveListing("bsdtar").check(tar));
    }

    @Test
    void aRarWithoutItsEndBlockIsCutAndAWholeOneOrAFirstVolumeHasIt(@TempDir Path tmp) throws Exception {
        Path rar = tmp.resolve("videos.rar");
        ArchiveMaker.rar(folder(tmp), rar);
        assertEquals(ArchiveEnd.Mark.PRESENT, ArchiveEnd.of(rar, ArchiveFormat.RAR));
        Path cut = cut(rar, Files.size(rar) - 8);
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.run(tmp, "bsdtar", "-t", "-f", cut.toString());  // bsdtar reads it without an error
        assertEquals(ArchiveEnd.Mark.ABSENT, ArchiveEnd.of(cut, ArchiveFormat.RAR));
        assertEquals(ArchiveListing.Verdict.DAMAGED, new ArchiveListing("bsdtar").check(cut));
        assertEquals(ArchiveListing.Verdict.WHOLE, new ArchiveListing("bsdtar").check(rar));

        // a volume that is not the last ends with an end block too, flagged "more volumes follow"
        Path volumes = Files.createDirectories(tmp.resolve("volumes"));
        ArchiveMaker.run(tmp.resolve("src-videos"), "rar", "a", "-ma5", "-m0", "-r", "-idq", "-v150k",
                volumes.resolve("videos.rar").toString(), ".");
        try (var s = Files.list(volumes)) {
            List<Path> parts = s.sorted().toList();
            assertTrue(parts.size() > 1, "more than one volume: " + parts);
            for (Path part : parts.subList(0, parts.size() - 1)) {
                assertEquals(ArchiveEnd.Mark.MORE_VOLUMES, ArchiveEnd.of(part, ArchiveFormat.RAR), part.toString());
            }
            assertEquals(ArchiveEnd.Mark.PRESENT, ArchiveEnd.of(parts.get(parts.size() - 1), ArchiveFormat.RAR));
            assertEquals(ArchiveEnd.Mark.PRESENT, ArchiveEnd.of(parts, ArchiveFormat.RAR), "the set, whole");
            assertEquals(ArchiveEnd.Mark.MORE_VOLUMES, ArchiveEnd.of(parts.subList(0, parts.size() - 1), ArchiveFormat.RAR),
                    "the set without its last volume");
        }

        // headers encrypted with a password (rar -hp): its end block is encrypted too, so nothing is told (it is
        // not said to be cut short; bsdtar says it cannot read it)
        Path locked = tmp.resolve("locked.rar");
        ArchiveMaker.run(tmp.resolve("src-videos"), "rar", "a", "-ma5", "-m0", "-r", "-idq", "-hpsecret", locked.toString(), ".");
        assertEquals(ArchiveEnd.Mark.NOT_TOLD, ArchiveEnd.of(locked, ArchiveFormat.RAR));
    }

    @Test
    void aRar4EndBlockIsFoundByItsTypeSizeAndCrc() {
        // the end block rar 2.9-4 write: CRC 0x3dc4, type 0x7b, flags 0x4000, size 7
        byte[] end = {(byte) 0xc4, 0x3d, 0x7b, 0x00, 0x40, 0x07, 0x00};
        byte[] tail = new byte[32];
        System.arraycopy(end, 0, tail, 25, 7);
        assertTrue(ArchiveEnd.rar4EndAt(tail));
        tail[31] = 1;
        assertFalse(ArchiveEnd.rar4EndAt(tail), "a wrong size");
        tail[31] = 0;
        tail[25] ^= 1;
        assertFalse(ArchiveEnd.rar4EndAt(tail), "a wrong CRC");
        assertFalse(ArchiveEnd.rar5EndAt(new byte[32]), "zeros are no RAR5 end");
    }
}
