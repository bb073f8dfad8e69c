package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRC-32s read from a RAR 5's headers, as rar wrote them; none where they would not be certain. */
class Rar5ChecksumsTest {

    private static long crc(byte[] bytes) {
        CRC32 c = new CRC32();
        c.update(bytes);
        return c.getValue();
    }

    @Test
    void eachFileOfARarHasItsCrcByNameInOrderAndSplitFilesHaveNone(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("rar");
        Path src = Files.createDirectories(tmp.resolve("src/clips"));
        java.util.Random random = new java.util.Random(7);
        byte[] a = new byte[300_000];
        byte[] b = new byte[200_000];
        random.nextBytes(a);
        random.nextBytes(b);
        Files.write(src.resolve("a.mp4"), a);
        Files.write(src.resolve("ünïcode b.mp4"), b);
        Files.createDirectories(src.resolve("empty"));
        // compressed and stored, a comment and a recovery record (service headers with data), a quick-open record
        Path rar = tmp.resolve("x.rar");
        ArchiveMaker.run(tmp.resolve("src"), "rar", "a", "-ma5", "-m3", "-r", "-idq", "-rr5%", "-qo+", rar.toString(), ".");
        Files.writeString(tmp.resolve("comment.txt"), "clips");
        ArchiveMaker.run(tmp, "rar", "c", "-idq", "-zcomment.txt", rar.toString());
        Rar5Checksums sums = Rar5Checksums.of(List.of(rar));
        assertEquals(crc(a), sums.next("clips/a.mp4"));
        assertEquals(crc(b), sums.next("clips/ünïcode b.mp4"));
        assertEquals(-1, sums.next("clips/a.mp4"), "given once");
        assertEquals(-1, sums.next("clips/empty"), "a folder has none");

        // volumes of 250 kB: a.mp4 is split over two (none), b.mp4 whole in the last one or split too
        Path volumes = Files.createDirectories(tmp.resolve("vol"));
        ArchiveMaker.run(tmp.resolve("src"), "rar", "a", "-ma5", "-m0", "-r", "-idq", "-v250k", volumes.resolve("v.rar").toString(), ".");
        List<Path> parts = new ArrayList<>();
        try (var s = Files.list(volumes)) {
            s.sorted().forEach(parts::add);
        }
        assertTrue(parts.size() >= 2, parts.toString());
        Rar5Checksums split = Rar5Checksums.of(parts);
        assertEquals(-1, split.next("clips/a.mp4"), "a file split over volumes has none");

        // not a RAR 5 (a zip), and a RAR cut in its first header: none, no failure
        Path zip = tmp.resolve("x.zip");
        ArchiveMaker.zip(tmp.resolve("src"), zip);
        assertTrue(Rar5Checksums.of(List.of(zip)).isEmpty());
        Path cut = tmp.resolve("cut.rar");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(rar), 20));
        assertTrue(Rar5Checksums.of(List.of(cut)).isEmpty());
    }
}
