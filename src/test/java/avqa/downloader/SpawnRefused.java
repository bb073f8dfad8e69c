package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real spawn the kernel refuses for want of processes: the calling thread alone, for a moment, in a pids cgroup
 * of its own at its limit (cgroup v1 places threads, not only processes), asks Java to start a program; fork fails
 * with EAGAIN, and Java says so as it would on a machine out of processes ({@code error=11}). The thread goes back to
 * its own cgroup after. Only this thread is squeezed: a whole JVM so squeezed cannot start its own threads either
 * (Camel's, the throttle's, which a run starts and ends as it goes), and ends out of memory.
 */
final class SpawnRefused {

    private static final Path PIDS = Path.of("/sys/fs/cgroup/pids");

    private SpawnRefused() {
    }

    /** Java's exception for {@code program} refused so; null where no such cgroup can be made (not root, no cgroup v1 pids). */
    static IOException of(String program) throws Exception {
        String own = ownGroup();
        Path group = PIDS.resolve("avqa-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        if (own == null || !Files.isRegularFile(PIDS.resolve("tasks"))) {
            return null;
        }
        try {
            Files.createDirectory(group);
        } catch (IOException | UnsupportedOperationException cannot) {
            return null;
        }
        String thread = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        try {
            Files.writeString(group.resolve("pids.max"), "1");
            Files.writeString(group.resolve("tasks"), thread);
            Process started = new ProcessBuilder(program, "-version").start();
            started.destroyForcibly();
            throw new IllegalStateException(program + " was started all the same: the cgroup did not hold");
        } catch (IOException refused) {
            return refused;
        } finally {
            Files.writeString(PIDS.resolve(own.substring(1)).resolve("tasks"), thread);
            Files.delete(group);
        }
    }

    /** This thread's pids cgroup, as /proc says it ("/" for the root); null without cgroup v1's pids. */
    private static String ownGroup() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && f[1].equals("pids")) {
                return f[2];
            }
        }
        return null;
    }
}
