package avqa.downloader;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Write-then-rename: a file under its final name is always complete. */
final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Flushes {@code tmp} to disk and renames it over {@code target} in one step. */
    static void move(Path tmp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // another file system (videos/ a link to elsewhere, say): copy beside the target, then rename there
            Path near = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.copy(tmp, near, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(near, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(near, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(tmp);
        }
    }

    /** Writes {@code bytes} to {@code target} through a temporary sibling. */
    static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** What writes a file's content to a stream. */
    @FunctionalInterface
    interface Content {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    /** Streams {@code content} to {@code target} through a temporary sibling: nothing whole in memory. */
    static void write(Path target, Content content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.writeTo(out);
            }
            move(tmp, target);
        } catch (IOException | RuntimeException e) {
            // a full disk, say: no half-written temporary left behind; the file under its name is as it was
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // it goes with the next write, which replaces it
            }
            throw e;
        }
    }

    /** As {@link #write}, readable by its owner only: for files that hold settings or secrets. */
    static void writePrivate(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        ownerOnly(tmp);
        Files.write(tmp, bytes);
        move(tmp, target);
    }

    /** rw for the owner only, where the file system has POSIX permissions. */
    static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(
                    Files.isDirectory(file) ? "rwx------" : "rw-------"));
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException noPosix) {
            // FAT and the like: no permissions to set
        }
    }
}
