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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * yt-dlp's proxy (with its password) in a config file readable by its owner only, in the machine's temporary
 * directory rather than the data directory (which may be shared storage): made once per process, deleted when the
 * process ends, and held locked while it lives. A process that could not delete its own (killed with kill -9, or by
 * the out-of-memory killer) left its proxy password behind for good; the next process that makes one deletes every
 * such file no live process holds (the kernel drops a lock with its process, in any PID namespace).
 */
final class ProxyConfigFile {

    static final String PREFIX = "avqa-yt-dlp-";
    static final String SUFFIX = ".conf";
    /** The name's end while it is made, before it is locked. */
    static final String MAKING = ".making";
    /** A file being made older than this was left by a process killed while it made it. */
    private static final long MAKING_AT_MOST_MILLIS = 60_000;

    /**
     * Those this JVM made: never opened by its tidying (closing any channel to a file drops every lock the process
     * holds on it), and a second run in one JVM (as the tests run the tool) does not take them for left behind.
     */
    private static final Set<Path> MADE_HERE = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final FileChannel held;

    private ProxyConfigFile(Path path, FileChannel held) {
        this.path = path;
        this.held = held;
    }

    /** A new config file in {@code dir} saying {@code --proxy URL} (quoted for yt-dlp's config syntax). */
    static ProxyConfigFile write(String proxyUrl, Path dir) throws IOException {
        // made under a name the tidying passes over, locked and written, then given its name: another process's
        // tidying never sees it unlocked (the lock is the file's, and goes with it through the rename)
        Path making = Files.createTempFile(dir, PREFIX, MAKING,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String name = making.getFileName().toString();
        Path conf = dir.resolve(name.substring(0, name.length() - MAKING.length()) + SUFFIX);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(making, StandardOpenOption.WRITE);
            channel.lock();
            String quoted = "'" + proxyUrl.replace("'", "'\"'\"'") + "'";
            // written through the locked channel: closing another channel to the file would drop the lock
            ByteBuffer text = ByteBuffer.wrap(("--proxy " + quoted + "\n").getBytes(StandardCharsets.UTF_8));
            while (text.hasRemaining()) {
                channel.write(text);
            }
            MADE_HERE.add(conf);
            conf.toFile().deleteOnExit();
            Files.move(making, conf, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(making);
            MADE_HERE.remove(conf);
            throw e;
        }
        ProxyConfigFile made = new ProxyConfigFile(conf, channel);
        made.deleteLeftBehind();
        return made;
    }

    Path path() {
        return path;
    }

    /** Whether the file is still there (a cleaner of the temporary directory may have removed it). */
    boolean present() {
        return Files.isRegularFile(path);
    }

    /** Gives up the file (one made again replaces it): the lock and the name go. */
    void discard() {
        try {
            held.close();
        } catch (IOException e) {
            // nothing to keep of it
        }
        path.toFile().delete();
        MADE_HERE.remove(path);
    }

    /**
     * Deletes the config files of this kind, of this user, that no live process holds locked (and those a process
     * killed while it made one left, a minute after).
     */
    private void deleteLeftBehind() {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(path.getParent(),
                PREFIX + "*{" + SUFFIX + "," + MAKING + "}")) {
            UserPrincipal us = Files.getOwner(path);
            for (Path other : all) {
                if (!MADE_HERE.contains(other) && Files.isRegularFile(other, LinkOption.NOFOLLOW_LINKS)
                        && us.equals(Files.getOwner(other, LinkOption.NOFOLLOW_LINKS)) && !beingMade(other)
                        && !heldByALiveProcess(other)) {
                    Files.deleteIfExists(other);
                }
            }
        } catch (IOException | RuntimeException e) {
            // another user's files, a directory that cannot be listed: the tidying is left for another time
        }
    }

    /** A file of another process that may be between its making and its lock. */
    private static boolean beingMade(Path other) throws IOException {
        return other.getFileName().toString().endsWith(MAKING) && System.currentTimeMillis()
                - Files.getLastModifiedTime(other, LinkOption.NOFOLLOW_LINKS).toMillis() < MAKING_AT_MOST_MILLIS;
    }

    private static boolean heldByALiveProcess(Path other) {
        try (FileChannel c = FileChannel.open(other, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = c.tryLock();
            return lock == null;
        } catch (OverlappingFileLockException e) {
            return true; // this JVM's own
        } catch (IOException e) {
            return true; // not ours to open (another user's): left as it is
        }
    }
}
