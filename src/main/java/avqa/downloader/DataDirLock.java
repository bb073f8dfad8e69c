package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * One process per data directory: an OS lock on {@code <data-dir>/.lock}, which also names its
 * holder. The operating system releases the lock when the holder dies, even by SIGKILL, so a stale
 * lock file never blocks the next run.
 */
final class DataDirLock implements AutoCloseable {

    /** Another process holds the data directory. */
    static final class HeldException extends Exception {
        HeldException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) throws HeldException {
        Path file = dataDir.resolve(".lock");
        FileChannel ch = null;
        try {
            Files.createDirectories(dataDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                ch.close();
                throw new HeldException("another avqa-downloader (" + (holder.isEmpty() ? "unknown process" : holder)
                        + ") is using " + dataDir + "; wait for it to finish or stop it first");
            }
            String me = "pid " + ProcessHandle.current().pid() + ", started "
                    + OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new DataDirLock(ch, lock);
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // already failing
            }
            throw new BadInputException("cannot write to " + dataDir + ": " + Workspace.describe(e));
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS drops the lock with the process anyway
        }
    }
}
