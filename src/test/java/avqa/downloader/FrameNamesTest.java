package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --verify's look at a frames folder's names: each the pattern's from 1 on, so a frame missing between others
 * is found, whatever digits the pattern holds besides its %d, and whatever else lies in the folder.
 */
class FrameNamesTest {

    /** As FrameImages judges a JPEG whole: its first and last markers, and 16 bytes or more. */
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xD9};

    @Test
    void aGapIsFoundByThePatternsNamesAndAnOwnPatternIsNoGap(@TempDir Path tmp) throws Exception {
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        for (int i = 1; i <= 3; i++) {
            Files.write(whole.resolve(String.format("frame_%04d_224px.jpg", i)), JPEG);
        }
        assertEquals(List.of(), Verifier.frameFolder(whole, "frame_%04d_224px.jpg").broken(), "digits besides its %d");

        Path gap = Files.createDirectories(tmp.resolve("gap"));
        for (int i : new int[] {1, 3, 4}) {
            Files.write(gap.resolve(String.format("%06d.jpg", i)), JPEG);
        }
        List<String> broken = Verifier.frameFolder(gap, "%06d.jpg").broken();
        assertEquals(List.of("gap/ lacks 000002.jpg (frames missing between others)"), broken);
        // a pattern no name comes from: the count alone is judged
        assertTrue(Verifier.frameFolder(gap, "no-number.jpg").broken().isEmpty());
        assertTrue(Verifier.frameFolder(gap, null).broken().isEmpty());
        // a pattern the settings take but Java cannot format (%0d): the count alone, not a failure of --verify
        assertTrue(Verifier.frameFolder(gap, "%0d.jpg").broken().isEmpty());
    }

    /**
     * A probe's finding: one frame more than the folder should hold was reported as a frame missing ("lacks 000004.jpg");
     * a file named otherwise or a folder among the frames named the whole folder, not what is wrong in it. Now the extra
     * frame is only counted (the count is judged against the video's length), and what is no frame is named.
     */
    @Test
    void anExtraFrameIsCountedAndWhatIsNoFrameIsNamed(@TempDir Path tmp) throws Exception {
        Path extra = Files.createDirectories(tmp.resolve("extra"));
        for (int i = 1; i <= 4; i++) {
            Files.write(extra.resolve(String.format("%06d.jpg", i)), JPEG);
        }
        Verifier.FrameFolder four = Verifier.frameFolder(extra, "%06d.jpg");
        assertEquals(List.of(), four.broken(), "four frames named 1 to 4 have no gap");
        assertEquals(4, four.count());

        Files.write(extra.resolve("notes.txt"), "mine".getBytes());
        Files.write(extra.resolve("0000002.jpg"), JPEG);
        Files.createDirectories(extra.resolve("sub"));
        Verifier.FrameFolder odd = Verifier.frameFolder(extra, "%06d.jpg");
        assertEquals(List.of("extra/0000002.jpg (not a frame: not named as %06d.jpg)",
                "extra/notes.txt (not a frame: not named as %06d.jpg)", "extra/sub/ (a folder among the frames)"), odd.broken());
        assertEquals(4, odd.count(), "the frames alone are counted");
    }
}
