package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SHA-256 by NSS and by openssl, as a JVM without C2 takes it, against Java's and coreutils'. */
class FileHashTest {

    @Test
    void opensslGivesTheHashJavaAndSha256sumGive(@TempDir Path tmp) throws Exception {
        byte[] data = new byte[3 * (int) FileHash.NATIVE_FROM + 17];
        new Random(7).nextBytes(data);
        Assumptions.assumeTrue(ToolVersions.which("openssl") != null, "openssl is not installed (scripts/setup-tools.sh installs it)");
        // a name that would be an option on a command line, with a line break in it: openssl reads the
        // file on its standard input, so the name goes nowhere
        Path f = Files.write(tmp.resolve("-in put\n.bin"), data);

        String java = FileHash.inJava(f);
        assertEquals(java, FileHash.byOpenssl("openssl", f));
        Process p = new ProcessBuilder("sha256sum").redirectInput(f.toFile()).start();
        assertEquals(java, new String(p.getInputStream().readAllBytes()).substring(0, 64));
        // the tests' JVM has C2: Java hashes
        assertFalse(FileHash.withoutC2Here());
        assertEquals(java, FileHash.sha256(f));
    }

    @Test
    void oneOpensslRunHashesTwoFilesAndEachLineMustNameItsFile(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(ToolVersions.which("openssl") != null, "openssl is not installed (scripts/setup-tools.sh installs it)");
        Random random = new Random(11);
        byte[] one = new byte[2 * (int) FileHash.NATIVE_FROM + 5];
        byte[] two = new byte[(int) FileHash.NATIVE_FROM + 3];
        random.nextBytes(one);
        random.nextBytes(two);
        Path video = Files.write(tmp.resolve("a video.mp4"), one);
        Path wav = Files.write(tmp.resolve("its audio.wav"), two);
        String[] java = {FileHash.inJava(video), FileHash.inJava(wav)};

        assertArrayEquals(java, FileHash.byOpenssl("openssl", video, wav));
        assertArrayEquals(new String[] {java[1], java[0]}, FileHash.byOpenssl("openssl", wav, video));
        // echo prints its arguments, not a line per file; false fails
        assertNull(FileHash.byOpenssl("echo", video, wav));
        assertNull(FileHash.byOpenssl("false", video, wav));
        // a name with a line break makes the answer's lines ambiguous: not taken (sha256Both hashes such a file alone)
        Path broken = Files.write(tmp.resolve("line\nbreak.wav"), two);
        assertNull(FileHash.byOpenssl("openssl", video, broken));
        // the tests' JVM has C2: Java hashes both
        assertArrayEquals(java, FileHash.sha256Both(video, wav));
    }

    @Test
    void anAnswerThatIsNotAHashIsNotTaken(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("a.bin"), "abc");
        // echo prints its arguments, "dgst -sha256 -r": not a hash; false fails
        assertNull(FileHash.byOpenssl("echo", f));
        assertNull(FileHash.byOpenssl("false", f));
        assertThrows(IOException.class, () -> FileHash.byOpenssl(tmp.resolve("no-such-openssl").toString(), f));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", FileHash.sha256(f));
    }

    /**
     * NSS, which a JVM without C2 hashes with in its own process (no openssl start per video), gives what Java and
     * sha256sum give, for an empty file, a short one and one of several 64 KiB reads with a tail.
     */
    @Test
    void nssGivesTheHashJavaAndSha256sumGive(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(FileHash.Nss.PROVIDER != null, "the system's NSS library cannot be set up here");
        Random random = new Random(5);
        for (int size : new int[] {0, 3, 65_536, 3 * 65_536 + 17, 5_000_001}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Path f = Files.write(tmp.resolve("f" + size + ".bin"), data);
            Process p = new ProcessBuilder("sha256sum").redirectInput(f.toFile()).start();
            String coreutils = new String(p.getInputStream().readAllBytes()).substring(0, 64);

            assertEquals(coreutils, FileHash.digest(f, FileHash.Nss.PROVIDER), "size " + size);
            assertEquals(coreutils, FileHash.inJava(f), "size " + size);
        }
    }
}
