package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a timed-out yt-dlp leaves running: its ffmpeg, no longer the run's descendant, names its files
 * {@code file:<path>}; stopping the processes that use a work directory finds it by that name too,
 * and leaves alone a process that names only a directory beside it.
 */
class WorkAreaTest {

    @Test
    void aProcessNamingAWorkFileAsAFileUrlIsStoppedAndOneBesideItIsNot(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("work/video1"));
        Path beside = Files.createDirectories(tmp.resolve("work/video10"));
        // real processes whose arguments name the files as yt-dlp hands them to ffmpeg
        Process orphan = new ProcessBuilder("python3", "-c", "import time; time.sleep(60)", "file:" + dir.resolve("video.temp.mp4")).start();
        Process plain = new ProcessBuilder("python3", "-c", "import time; time.sleep(60)", dir.resolve("video.f0.mp4").toString()).start();
        Process other = new ProcessBuilder("python3", "-c", "import time; time.sleep(60)", "file:" + beside.resolve("video.temp.mp4")).start();
        try {
            // python itself, not a launcher on the way to it (a pyenv shim execs a shell, then pyenv, then python)
            Fixture.await("the processes to be python, with their arguments", 10_000,
                    () -> isPython(orphan) && isPython(plain) && isPython(other));

            WorkArea.stopProcessesUsing(dir);

            assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the file: one is stopped");
            assertTrue(plain.waitFor(10, TimeUnit.SECONDS), "the plain path one is stopped");
            assertFalse(other.waitFor(500, TimeUnit.MILLISECONDS), "one using the directory beside it runs on");
        } finally {
            orphan.destroyForcibly();
            plain.destroyForcibly();
            other.destroyForcibly();
        }
    }

    /**
     * A work directory whose path is not ASCII (a home folder named in the user's language) is found in the arguments
     * as Java spells the path, and a program that only lives in the folder (its command, not an argument) runs on.
     */
    @Test
    void aWorkDirectoryWhosePathIsNotAsciiIsFoundAndACommandInItIsNotAnArgument(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("vidéos/étape-1"));
        Process user = new ProcessBuilder("python3", "-c", "import time; time.sleep(60)", "file:" + dir.resolve("video.temp.mp4")).start();
        Path python = Files.createSymbolicLink(dir.resolve("python3"), Path.of(pythonPath()));
        Process inside = new ProcessBuilder(python.toString(), "-c", "import time; time.sleep(60)").start();
        try {
            Fixture.await("the processes to be python, with their arguments", 10_000, () -> isPython(user) && isPython(inside));

            WorkArea.stopProcessesUsing(dir);

            assertTrue(user.waitFor(10, TimeUnit.SECONDS), "the one naming a file in the folder is stopped");
            assertFalse(inside.waitFor(500, TimeUnit.MILLISECONDS), "one whose command alone is in the folder runs on");
        } finally {
            user.destroyForcibly();
            inside.destroyForcibly();
        }
    }

    /** python3 itself, not a shim on the way to it. */
    private static String pythonPath() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
        String path = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return path;
    }

    private static boolean isPython(Process p) {
        return p.info().arguments().map(a -> a.length > 0 && a[0].equals("-c")).orElse(false);
    }
}
