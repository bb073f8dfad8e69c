package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single-process run and cluster nodes never share a data directory; nodes find the dead ones. */
class DataDirLockTest {

    @Test
    void aSingleRunAndClusterNodesExcludeEachOther(@TempDir Path data) throws Exception {
        try (DataDirLock single = DataDirLock.acquire(data)) {
            DataDirLock.HeldException e = assertThrows(DataDirLock.HeldException.class,
                    () -> DataDirLock.acquireShared(data, "host-1"));
            assertTrue(e.getMessage().startsWith("a single-process avqa-downloader (pid "), e.getMessage());
        }
        try (DataDirLock node = DataDirLock.acquireShared(data, "host-1")) {
            DataDirLock.HeldException e = assertThrows(DataDirLock.HeldException.class, () -> DataDirLock.acquire(data));
            assertTrue(e.getMessage().startsWith("another avqa-downloader (cluster nodes (--role planner or worker))"),
                    e.getMessage());
        }
    }

    @Test
    void aNodeWhoseLockIsFreeIsDeadAndOneThatHoldsItIsNot(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve(".partial/host-2"));
        Files.writeString(data.resolve(".partial/host-2.lock"), "");
        // another live node's work-area lock (one JVM cannot hold the shared .lock twice)
        try (DataDirLock alive = DataDirLock.acquireShared(data, "host-1");
             FileChannel other = FileChannel.open(data.resolve(".partial/host-3.lock"), StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE);
             FileLock held = other.lock()) {
            assertEquals(List.of("host-2"), DataDirLock.deadNodes(data, "host-1"));
            assertTrue(Files.notExists(data.resolve(".partial/host-2.lock")), "the dead node's lock file is gone");
            assertTrue(Files.exists(data.resolve(".partial/host-3.lock")), "a live node's lock file stays");
        }
    }
}
