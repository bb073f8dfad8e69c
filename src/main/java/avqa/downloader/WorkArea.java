package avqa.downloader;

import org.apache.camel.Variable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * {@code .partial/}: where a video is made before it is validated and published. Each video has
 * {@code .partial/<id>/} (on a cluster {@code .partial/<node>/<id>/}, one area per node); an attempt
 * starts from an empty one, and what a killed run left there is removed, with any yt-dlp or ffmpeg
 * process still writing in it, before the next run starts.
 */
public final class WorkArea {

    private final Path partialRoot;
    /** This process's area: {@code .partial/}, or {@code .partial/<node>/} on a cluster. */
    private volatile Path area;

    public WorkArea(Path dataDir) {
        this.partialRoot = dataDir.resolve(".partial");
        this.area = partialRoot;
    }

    public Path dir() {
        return area;
    }

    /** A cluster node works in {@code .partial/<node>/} and leaves the other nodes' areas alone. */
    public void useNodeArea(String node) {
        area = partialRoot.resolve(Workspace.checked(node));
    }

    /** The work directory of a video (not created). */
    public Path of(String id) {
        return area.resolve(Workspace.checked(id));
    }

    /** Creates this process's area and removes what an interrupted run left in it. */
    public void prepare() {
        try {
            Files.createDirectories(area);
        } catch (IOException e) {
            throw new BadInputException("cannot create " + area + ": " + FileTrees.describe(e));
        }
        // every video is written there first: one that cannot be written there failed as "a bug", each of them
        Workspace.writable(area);
        stopProcessesUsing(area);
        FileTrees.deleteTree(area, false);
    }

    /** Removes the work area of a node that died (its lock was free), and stops what it left running here. */
    public void removeNodeArea(String deadNode) {
        Path dir = partialRoot.resolve(Workspace.checked(deadNode));
        stopProcessesUsing(dir);
        FileTrees.deleteTree(dir, true);
    }

    /** An empty work directory for a new attempt at a video: what an earlier attempt left is removed. */
    public void fresh(@Variable("job") VideoJob job) {
        Path dir = job.workDir();
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            // a timed-out attempt's yt-dlp may have left a child (ffmpeg) writing here (a video's first
            // attempt has no directory yet, and is spared a look at every process of the machine)
            stopProcessesUsing(dir);
            FileTrees.deleteTree(dir, true);
        }
        ensure(dir);
    }

    /** The work directory, created if missing, keeping what is in it. */
    public Path ensure(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }

    /** The file yt-dlp wrote into a work directory ({@code video.<ext>}), or null when it wrote none. */
    public static Path downloadedFile(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "video.*")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".part") && !name.endsWith(".ytdl") && !name.contains(".temp.")
                        && Files.isRegularFile(f)) {
                    return f;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    /** The web pages yt-dlp saved in a work directory ({@code --write-pages}), at most 256 KiB of each. */
    public static String savedPages(Path dir) {
        StringBuilder pages = new StringBuilder();
        if (!Files.isDirectory(dir)) {
            return "";
        }
        try (DirectoryStream<Path> dumps = Files.newDirectoryStream(dir, "*.dump")) {
            for (Path dump : dumps) {
                try (var in = Files.newInputStream(dump)) {
                    pages.append(new String(in.readNBytes(256 * 1024), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            return pages.toString();
        }
        return pages.toString();
    }

    /** Removes a video's work directory (after it was published, or after a final failure). */
    public void discard(@Variable("job") VideoJob job) {
        if (job != null) {
            try {
                FileTrees.deleteTree(job.workDir(), true);
            } catch (java.io.UncheckedIOException cannot) {
                // a file system made read-only under the run, say: the run stops for it; the next run's start
                // empties the work area
            }
        }
    }

    /**
     * Empties this process's area at the end of a run, when nothing is in flight any more; an ffmpeg that a
     * timed-out yt-dlp left running (no longer the run's descendant) is stopped with it.
     */
    public void clear() {
        stopProcessesUsing(area);
        FileTrees.deleteTree(area, false);
    }

    /**
     * Stops yt-dlp/ffmpeg processes whose arguments name a file under {@code dir}: what a killed run
     * of this data directory left behind (the data directory lock guarantees no live run owns them), or
     * a timed-out yt-dlp's ffmpeg (yt-dlp names its files to ffmpeg as {@code file:<path>}).
     */
    static void stopProcessesUsing(Path dir) {
        String prefix = dir.toString() + "/";
        String asUrl = "file:" + prefix;
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> java.util.Arrays.stream(args)
                        .anyMatch(a -> a.startsWith(prefix) || a.startsWith(asUrl))).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }
}
