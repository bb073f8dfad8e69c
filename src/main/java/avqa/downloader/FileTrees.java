package avqa.downloader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Removing a folder with what is in it, listing its files, and saying an I/O error in a person's words. */
public final class FileTrees {

    /** What a path that is neither a regular file nor a folder is: a link to nothing, or a pipe, device or socket. */
    static String special(Path file) {
        return !Files.exists(file) ? "a link to nothing"
                : (Files.isSymbolicLink(file) ? "a link to " : "") + "a pipe, device or socket";
    }

    private FileTrees() {
    }

    public static void deleteTree(Path dir, boolean includingDir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (includingDir || !p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }

    /**
     * The files under a folder, wherever they sit, in name order, named under the folder as given (a folder given
     * as a symbolic link is walked where it leads): a symbolic link to a file is taken as that file, links to
     * folders are not followed; a pipe, device or socket (or a link to one, or to nothing) is never opened, and
     * said in one line to {@code unreadable}. A folder or file under it that cannot be read (a file's permission is asked, the
     * file not opened) is passed over, and said in one line (its path made safe to log) to {@code unreadable}; the
     * walk goes on with the rest. The folder itself that cannot be read throws.
     */
    public static List<Path> filesUnder(Path folder, Consumer<String> unreadable) throws IOException {
        return filesUnder(folder, unreadable, null);
    }

    /** The folders of a data directory that are the tool's own: no file in them is an archive's entry. */
    static final List<String> OWN_FOLDERS = List.of("videos", "audio", "frames", "rejected", ".partial", "archives",
            "metadata", "failed", "runs");

    /**
     * The same, passing over the run's own folders when the folder given holds its data directory ({@code dataDir}: its
     * videos, the copies set aside in rejected/, a download's archives/*.part are none of them an archive's files), said
     * in one line to {@code unreadable}; a folder given inside one of them gives nothing, said so. Any other folder of
     * the data directory (one the user made, downloads/ say) is walked.
     */
    public static List<Path> filesUnder(Path folder, Consumer<String> unreadable, Path dataDir) throws IOException {
        Listing listing = new Listing(folder, unreadable);
        if (dataDir != null) {
            for (String name : OWN_FOLDERS) {
                try {
                    listing.own.add(dataDir.resolve(name).toRealPath());
                } catch (IOException notThere) {
                    // not made yet: nothing of it to pass over
                }
            }
        }
        for (Path own : listing.own) {
            if (listing.root.startsWith(own)) {
                unreadable.accept("The folder " + Redact.text(folder.toString(), 300) + " is in " + Redact.text(
                        own.getFileName().toString(), 100) + "/ of this run's data directory: nothing in it is imported");
                return List.of();
            }
        }
        Files.walkFileTree(listing.root, listing);
        return listing.files();
    }

    /** {@link #filesUnder}'s walk: what it found, and a line for each folder or file it could not read. */
    static final class Listing extends SimpleFileVisitor<Path> {

        private final Path folder;
        final Path root;
        private final Consumer<String> unreadable;
        private final List<Path> found = new ArrayList<>();
        /** The run's own folders of its data directory (real paths), not walked. */
        final java.util.Set<Path> own = new java.util.HashSet<>();
        private boolean saidOwn;

        Listing(Path folder, Consumer<String> unreadable) throws IOException {
            this.folder = folder;
            this.root = folder.toRealPath();
            this.unreadable = unreadable;
        }

        /** The files found, named under the folder as given, in name order. */
        List<Path> files() {
            return found.stream().map(f -> folder.resolve(root.relativize(f))).sorted().toList();
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (Files.isRegularFile(file) && !Files.isReadable(file)) {
                // asked of the file system, not opened: a file no planned video names is never opened
                say(file, "permission denied");
            } else if (Files.isRegularFile(file)) {
                found.add(file);
            } else if (!Files.isDirectory(file)) {
                // never opened: a FIFO would wait for a writer for ever, a device (/dev/zero) never ends
                unreadable.accept("The entry " + shown(file) + " is not a file but " + special(file) + ": it is not imported");
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (own.contains(dir)) {
                if (!saidOwn) {
                    saidOwn = true;
                    unreadable.accept("The folder " + shown(dir.getParent()) + " is this run's data directory: its own "
                            + "folders (videos/, audio/, rejected/, archives/, …) are passed over");
                }
                return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (file.equals(root)) {
                throw e;
            }
            say(file, describe(e));
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            if (e != null) {
                // its listing broke off part-way: what was listed is taken
                unreadable.accept("Cannot read the folder " + shown(dir) + " to its end (" + describe(e)
                        + "): the files not listed by then are not imported");
            }
            return FileVisitResult.CONTINUE;
        }

        private String shown(Path p) {
            return Redact.text(folder.resolve(root.relativize(p)).toString(), 300);
        }

        private void say(Path p, String why) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                unreadable.accept("Cannot read the folder " + shown(p) + " (" + why + "): its files are not imported");
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                unreadable.accept("Cannot read the file " + shown(p) + " (" + why + "): it is not imported");
            } else {
                // not even what it is could be asked
                unreadable.accept("Cannot read " + shown(p) + " (" + why + "): what it is or holds is not imported");
            }
        }
    }

    /**
     * {@link #describe}, for a folder that could not be made: a file standing where it (or a folder above it)
     * should be is named as such, with what to do.
     */
    public static String describeFolder(IOException e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException f && f.getFile() != null) {
            return Redact.text(f.getFile(), 300) + " is a file, not a folder (move it away, or choose another --data-dir)";
        }
        return describe(e);
    }

    public static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        // these say what kind of failure it is in words, not the exception's class name; their message is only the
        // path, which the sentence they go into names already
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "it already exists";
        }
        if (e instanceof java.nio.file.DirectoryNotEmptyException) {
            return "the directory is not empty";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof java.nio.file.FileSystemException) {
            return "a file system error"; // its message is only the path
        }
        return m != null ? m : "an input/output error";
    }
}
