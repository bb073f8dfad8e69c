package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
    private final Path file;
    private DataDirLock nodeLock;

    private DataDirLock(FileChannel channel, FileLock lock, Path file) {
        this.channel = channel;
        this.lock = lock;
        this.file = file;
    }

    /** Whether this process still holds the lock (and, on a cluster, its work area's), on a file still there. */
    boolean held() {
        return lock.isValid() && Files.exists(file) && (nodeLock == null || nodeLock.held());
    }

    /**
     * A node of a cluster (--role planner or worker): many share the data directory, so each holds
     * {@code .lock} shared (a single-process run, which needs it alone, is refused while any node
     * runs, and the other way round) and {@code .partial/<node>.lock} alone for its work area.
     */
    static DataDirLock acquireShared(Path dataDir, String node) throws HeldException {
        DataDirLock out = lock(dataDir, true, "cluster nodes (--role planner or worker)",
                "a single-process avqa-downloader", "cluster nodes share a data directory only with each other");
        try {
            Files.createDirectories(dataDir.resolve(".partial"));
            Path mine = dataDir.resolve(".partial").resolve(node + ".lock");
            for (int i = 0; i < 50; i++) {
                FileChannel nodeChannel = FileChannel.open(mine, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
                Object opened = Files.readAttributes(mine, BasicFileAttributes.class).fileKey();
                FileLock own = nodeChannel.tryLock();
                // another node looking for dead nodes may hold it for a moment, and take it for dead
                // and delete it: then the lock is on a file nobody sees, and it is made again
                if (own != null && Files.exists(mine)
                        && Objects.equals(opened, Files.readAttributes(mine, BasicFileAttributes.class).fileKey())) {
                    out.nodeLock = new DataDirLock(nodeChannel, own, mine);
                    return out;
                }
                nodeChannel.close();
                Thread.sleep(20);
            }
            out.close();
            throw new BadInputException("cannot lock " + mine);
        } catch (IOException e) {
            out.close();
            throw new BadInputException("cannot write to " + dataDir + ": " + FileTrees.describe(e));
        } catch (InterruptedException e) {
            out.close();
            Thread.currentThread().interrupt();
            throw new BadInputException("interrupted while locking " + dataDir);
        }
    }

    /**
     * The nodes whose work area under {@code .partial/} nobody holds any more: they died (the OS
     * released their lock). Their lock files are removed; their areas are for the caller to clear.
     */
    static List<String> deadNodes(Path dataDir, String self) {
        List<String> dead = new ArrayList<>();
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(dataDir.resolve(".partial"), "*.lock")) {
            for (Path f : locks) {
                String name = f.getFileName().toString();
                String node = name.substring(0, name.length() - ".lock".length());
                if (node.equals(self) || !VideoIdRules.isSafe(node)) {
                    continue;
                }
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    FileLock l = ch.tryLock();
                    if (l != null) {
                        dead.add(node);
                        Files.deleteIfExists(f);
                        l.release();
                    }
                } catch (OverlappingFileLockException | IOException alive) {
                    // held in this JVM, or gone: not ours to clear
                }
            }
        } catch (IOException e) {
            // no .partial yet: nothing to clear
        }
        return dead;
    }

    static DataDirLock acquire(Path dataDir) throws HeldException {
        return lock(dataDir, false, "pid " + ProcessHandle.current().pid() + ", started "
                + OffsetDateTime.now(ZoneOffset.UTC).withNano(0), "another avqa-downloader",
                "wait for it to finish or stop it first");
    }

    /**
     * Locks {@code <data-dir>/.lock}, alone or {@code shared}, and writes {@code me} in it for whoever
     * is refused; a refusal names the holder as {@code who} and says what to do.
     */
    private static DataDirLock lock(Path dataDir, boolean shared, String me, String who, String advice)
            throws HeldException {
        Path file = dataDir.resolve(".lock");
        FileChannel ch = null;
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new BadInputException("cannot write to " + dataDir + ": " + FileTrees.describeFolder(e));
        }
        Workspace.refuseLink(file);
        try {
            // never through a symbolic link put in its place (one made after the check above is not followed either)
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            FileLock lock;
            try {
                lock = ch.tryLock(0, Long.MAX_VALUE, shared);
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                ch.close();
                throw new HeldException(who + " (" + (holder.isEmpty() ? "unknown process" : holder)
                        + ") is using " + dataDir + "; " + advice);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new DataDirLock(ch, lock, file);
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // already failing
            }
            if (ReadOnlyDataDir.says(e) && Files.isDirectory(dataDir)) {
                // nothing was written: --verify alone goes on without a lock
                throw new ReadOnlyDataDir.Found(dataDir, e);
            }
            throw new BadInputException("cannot write to " + file + ": " + FileTrees.describe(e));
        }
    }

    @Override
    public void close() {
        if (nodeLock != null) {
            nodeLock.close();
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS drops the lock with the process anyway
        }
    }
}
