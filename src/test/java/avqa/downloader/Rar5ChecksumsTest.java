package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void eachFileOfARarHasItsCrcByNameInOrderASplitOneFromItsLastPart(@TempDir Path tmp) throws Exception {
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

        // volumes of 250 kB: a.mp4 is split over two, b.mp4 whole in the last one or split too: the CRC-32 of the whole
        // file, from its last part's header
        Path volumes = Files.createDirectories(tmp.resolve("vol"));
        ArchiveMaker.run(tmp.resolve("src"), "rar", "a", "-ma5", "-m0", "-r", "-idq", "-v250k", volumes.resolve("v.rar").toString(), ".");
        List<Path> parts = new ArrayList<>();
        try (var s = Files.list(volumes)) {
            s.sorted().forEach(parts::add);
        }
        assertTrue(parts.size() >= 2, parts.toString());
        Rar5Checksums split = Rar5Checksums.of(parts);
        assertEquals(crc(a), split.next("clips/a.mp4"), "a file split over volumes, from its last part");
        assertEquals(crc(b), split.next("clips/ünïcode b.mp4"));

        // a file split over volumes and a whole one of the same name (-ep): each has its own, in the archive's order
        Path same = Files.createDirectories(tmp.resolve("same"));
        Files.createDirectories(same.resolve("x1"));
        Files.createDirectories(same.resolve("x2"));
        Files.createDirectories(same.resolve("o"));
        Files.write(same.resolve("x1/v.mp4"), a);
        Files.write(same.resolve("x2/v.mp4"), java.util.Arrays.copyOf(b, 2000));
        ArchiveMaker.run(same, "rar", "a", "-ma5", "-idq", "-ep", "-m0", "-v100k", same.resolve("o/s.rar").toString(),
                "x1/v.mp4", "x2/v.mp4");
        List<Path> sameParts = new ArrayList<>();
        try (var s = Files.list(same.resolve("o"))) {
            s.sorted().forEach(sameParts::add);
        }
        Rar5Checksums sameName = Rar5Checksums.of(sameParts);
        assertEquals(crc(a), sameName.next("v.mp4"));
        assertEquals(crc(java.util.Arrays.copyOf(b, 2000)), sameName.next("v.mp4"));
        assertEquals(-1, sameName.next("v.mp4"));

        // an older version of a file (rar -ver) is named as libarchive names it, name;1
        Path versions = Files.createDirectories(tmp.resolve("versions"));
        Files.write(versions.resolve("v.mp4"), b);
        ArchiveMaker.run(versions, "rar", "a", "-ma5", "-idq", versions.resolve("v.rar").toString(), "v.mp4");
        Files.write(versions.resolve("v.mp4"), a);
        ArchiveMaker.run(versions, "rar", "a", "-ma5", "-idq", "-ver", versions.resolve("v.rar").toString(), "v.mp4");
        Rar5Checksums versioned = Rar5Checksums.of(List.of(versions.resolve("v.rar")));
        assertEquals(crc(b), versioned.next("v.mp4;1"));
        assertEquals(crc(a), versioned.next("v.mp4"));

        // a name with a backslash is its own name, not another file's with /
        Path slashes = Files.createDirectories(tmp.resolve("slashes"));
        Files.createDirectories(slashes.resolve("d"));
        Files.write(slashes.resolve("d/x.mp4"), a);
        Files.write(slashes.resolve("d\\x.mp4"), b);
        ArchiveMaker.run(slashes, "rar", "a", "-ma5", "-idq", "-htb", slashes.resolve("o.rar").toString(), "d/x.mp4");
        ArchiveMaker.run(slashes, "rar", "a", "-ma5", "-idq", slashes.resolve("o.rar").toString(), "d\\x.mp4");
        Rar5Checksums named = Rar5Checksums.of(List.of(slashes.resolve("o.rar")));
        assertEquals(-1, named.next("d/x.mp4"), "a BLAKE2 hash, no CRC-32");
        assertEquals(crc(b), named.next("d\\x.mp4"));

        // encrypted headers: said
        ArchiveMaker.run(tmp.resolve("src"), "rar", "a", "-ma5", "-r", "-idq", "-hpsecret", tmp.resolve("hp.rar").toString(), ".");
        assertTrue(Rar5Checksums.of(List.of(tmp.resolve("hp.rar"))).headersEncrypted());
        assertTrue(!Rar5Checksums.of(List.of(rar)).headersEncrypted());

        // encrypted files (rar -p), the list of files plain: told by name in order, a file split over volumes once
        Path locked = Files.createDirectories(tmp.resolve("locked"));
        Files.write(locked.resolve("e.mp4"), a);
        Files.write(locked.resolve("p.mp4"), b);
        ArchiveMaker.run(locked, "rar", "a", "-ma5", "-m0", "-idq", locked.resolve("p.rar").toString(), "p.mp4");
        ArchiveMaker.run(locked, "rar", "a", "-ma5", "-m0", "-idq", "-psecret", locked.resolve("p.rar").toString(), "e.mp4");
        Rar5Checksums mixed = Rar5Checksums.of(List.of(locked.resolve("p.rar")));
        assertEquals(1, mixed.encryptedFiles());
        assertEquals(2, mixed.files());
        assertFalse(mixed.headersEncrypted());
        assertFalse(mixed.nextEncrypted("p.mp4"));
        assertTrue(mixed.nextEncrypted("e.mp4"));
        assertFalse(mixed.nextEncrypted("e.mp4"), "told once");
        assertEquals(-1, mixed.next("e.mp4"), "an encrypted file's CRC-32 is not taken");
        assertEquals(crc(b), mixed.next("p.mp4"));
        Path lockedVolumes = Files.createDirectories(locked.resolve("vol"));
        ArchiveMaker.run(locked, "rar", "a", "-ma5", "-m0", "-idq", "-psecret", "-v100k",
                lockedVolumes.resolve("v.rar").toString(), "e.mp4", "p.mp4");
        List<Path> lockedParts = new ArrayList<>();
        try (var s = Files.list(lockedVolumes)) {
            s.sorted().forEach(lockedParts::add);
        }
        assertTrue(lockedParts.size() >= 3, lockedParts.toString());
        Rar5Checksums split2 = Rar5Checksums.of(lockedParts);
        assertEquals(2, split2.encryptedFiles());
        assertEquals(2, split2.files());
        assertTrue(split2.nextEncrypted("e.mp4"));
        assertTrue(split2.nextEncrypted("p.mp4"));
        assertFalse(Rar5Checksums.of(List.of(rar)).nextEncrypted("clips/a.mp4"));
        assertEquals(0, Rar5Checksums.of(List.of(rar)).encryptedFiles());

        // not a RAR 5 (a zip), and a RAR cut in its first header: none, no failure
        Path zip = tmp.resolve("x.zip");
        ArchiveMaker.zip(tmp.resolve("src"), zip);
        assertTrue(Rar5Checksums.of(List.of(zip)).isEmpty());
        Path cut = tmp.resolve("cut.rar");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(rar), 20));
        assertTrue(Rar5Checksums.of(List.of(cut)).isEmpty());
    }
}
