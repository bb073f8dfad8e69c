package avqa.downloader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.Header;

/**
 * The data directory's layout, and the only code that moves files into it. Work in progress lives
 * under {@code .partial/<id>/}; a file reaches {@code videos/} or {@code audio/} by one atomic
 * rename after it was validated, so a file under its final name is always complete.
 */
public final class Workspace {

    private final Path root;
    private final String videoExt;
    private final String audioExt;
    private final RunControl run;
    /** This process's work area: {@code .partial/}, or {@code .partial/<node>/} on a cluster. */
    private volatile String node;

    public Workspace(Path root, String videoExt, String audioExt, RunControl run) {
        this.root = root;
        this.videoExt = videoExt;
        this.audioExt = audioExt;
        this.run = run;
    }

    public Path root() {
        return root;
    }

    public Path metadataDir() {
        return root.resolve("metadata");
    }

    public Path videosDir() {
        return root.resolve("videos");
    }

    public Path audioDir() {
        return root.resolve("audio");
    }

    public Path failedDir() {
        return root.resolve("failed");
    }

    public Path partialDir() {
        return node == null ? partialRoot() : partialRoot().resolve(node);
    }

    Path partialRoot() {
        return root.resolve(".partial");
    }

    /**
     * On a cluster many processes share the data directory: each works in {@code .partial/<node>/}
     * of its own and leaves the other areas, and the files other nodes may be writing, alone.
     */
    public void useNodeArea(String nodeName) {
        this.node = checked(nodeName);
    }

    /** Removes the work area of a node that died (its lock was free), and stops what it left running here. */
    public void removeNodeArea(String deadNode) {
        Path dir = partialRoot().resolve(checked(deadNode));
        stopProcessesUsing(dir);
        deleteTree(dir, true);
    }

    public Path video(String id) {
        return videosDir().resolve(checked(id) + "." + videoExt);
    }

    public Path audio(String id) {
        return audioDir().resolve(checked(id) + "." + audioExt);
    }

    /** Whether a video's file and its audio are both in place (only validated files are ever put there). */
    public boolean isComplete(String id) {
        return VideoIdRules.isSafe(id) && Files.isRegularFile(video(id)) && Files.isRegularFile(audio(id));
    }

    /**
     * The ids that have a file in {@code videos/} (or {@code audio/} when {@code audio}) under their
     * final name, from one listing of the folder (names only, no look-up per file): a plan over
     * 100,000 videos reads two folders instead of making 200,000 file look-ups. Only the routes put
     * files there, always by renaming a validated file.
     */
    public Set<String> presentIds(boolean audio) {
        Path dir = audio ? audioDir() : videosDir();
        String suffix = "." + (audio ? audioExt : videoExt);
        Set<String> ids = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(suffix)) {
                    ids.add(name.substring(0, name.length() - suffix.length()));
                }
            }
        } catch (NoSuchFileException e) {
            return ids;
        } catch (IOException e) {
            throw new BadInputException("cannot read " + dir + ": " + describe(e));
        }
        return ids;
    }

    /**
     * Creates the layout and removes what an interrupted run left half-done. Throws
     * {@link BadInputException} naming the path when the directory cannot be written.
     */
    public void prepare() {
        for (Path dir : List.of(root, metadataDir(), videosDir(), audioDir(), failedDir(), partialDir())) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new BadInputException("cannot create " + dir + ": " + describe(e));
            }
            if (!Files.isWritable(dir)) {
                throw new BadInputException("cannot write to " + dir + ": permission denied");
            }
        }
        stopOrphans();
        deleteTree(partialDir(), false);
        // on a cluster another node may be writing a temporary right now: only old ones are left-overs
        removeTemporaries(node == null ? 0 : 3_600_000);
    }

    /**
     * Stops yt-dlp/ffmpeg processes that a killed run of this data directory left behind (their
     * arguments name a file under {@code .partial/}); the data directory lock guarantees no live run
     * owns them.
     */
    void stopOrphans() {
        stopProcessesUsing(partialDir());
    }

    private static void stopProcessesUsing(Path dir) {
        String partial = dir.toString() + "/";
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> java.util.Arrays.stream(args)
                        .anyMatch(a -> a.startsWith(partial))).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** Removes what an interrupted write-then-rename left: {@code .*.tmp}, {@code .writing-*}, {@code .fetching-*}. */
    private void removeTemporaries(long olderThanMillis) {
        long before = System.currentTimeMillis() - olderThanMillis;
        for (Path dir : List.of(root, metadataDir(), failedDir(), videosDir(), audioDir())) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*")) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (Files.isRegularFile(f) && (name.endsWith(".tmp") || name.startsWith(".writing-")
                            || name.startsWith(".fetching-"))
                            && (olderThanMillis == 0 || Files.getLastModifiedTime(f).toMillis() < before)) {
                        Files.deleteIfExists(f);
                    }
                }
            } catch (IOException e) {
                throw new BadInputException("cannot clean " + dir + ": " + describe(e));
            }
        }
    }

    /** Empties {@code .partial/} at the end of a run, when nothing is in flight any more. */
    public void clearPartial() {
        deleteTree(partialDir(), false);
    }

    /** Ids imported from archives ({@code metadata/imported_ids.txt}), for the coverage report. */
    public java.util.Set<String> importedIds() {
        Path file = metadataDir().resolve("imported_ids.txt");
        if (!Files.isRegularFile(file)) {
            return java.util.Set.of();
        }
        try {
            return new java.util.HashSet<>(Files.readAllLines(file));
        } catch (IOException e) {
            return java.util.Set.of();
        }
    }

    /** Notes that a video came from an archive. */
    public synchronized void recordImported(@Header("avqaVideoId") String id) throws IOException {
        Files.writeString(metadataDir().resolve("imported_ids.txt"), checked(id) + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Where a clip is cut to before it is validated: {@code .partial/<clip>/clip.<ext>}. */
    public String clipTemp(@Header("avqaVideoId") String id) {
        Path dir = partialDir().resolve(checked(id));
        deleteTree(dir, true);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir.resolve("clip." + videoExt).toString();
    }

    /** An empty working directory for one attempt at a video; what an earlier attempt left is removed. */
    public String freshTempDir(@Header("avqaVideoId") String id) {
        Path dir = partialDir().resolve(checked(id));
        // a timed-out attempt's yt-dlp may have left a child (ffmpeg) writing here
        stopProcessesUsing(dir);
        deleteTree(dir, true);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir.toString();
    }

    /** Where the audio of a video is extracted to before it is validated. */
    public String audioTemp(@Header("avqaVideoId") String id) {
        Path dir = partialDir().resolve(checked(id));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir.resolve("audio." + audioExt).toString();
    }

    /** The final video path as a string, for routes that work from a complete video. */
    public String videoPath(@Header("avqaVideoId") String id) {
        return video(id).toString();
    }

    /** The file yt-dlp wrote into the attempt's directory, or null when it wrote none. */
    public Path downloadedFile(String id) {
        Path dir = partialDir().resolve(checked(id));
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

    /** The web pages yt-dlp saved for an attempt ({@code --write-pages}), at most 256 KiB of each. */
    public String savedPages(String id) {
        Path dir = partialDir().resolve(checked(id));
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

    /**
     * Moves the validated video (if it is still in the working directory) and then the validated
     * audio under their final names, and removes the working directory. Returns the bytes written.
     */
    public long publish(@Header("avqaVideoId") String id, @Header("avqaVideoFile") String videoFile,
                        @Header("avqaAudioFile") String audioFile) throws IOException {
        Path video = Path.of(videoFile);
        long bytes = 0;
        try {
            if (!video.equals(video(id))) {
                bytes += Files.size(video);
                AtomicFiles.move(video, video(id));
            }
            bytes += Files.size(Path.of(audioFile));
            AtomicFiles.move(Path.of(audioFile), audio(id));
        } catch (IOException e) {
            throw stopIfDiskFull(e);
        }
        deleteTree(partialDir().resolve(id), true);
        return bytes;
    }

    /**
     * A full disk stops the run, naming the data directory; any other I/O error is returned as it
     * is, for the video's failure record.
     */
    public IOException stopIfDiskFull(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
            String reason = "no space left on the disk holding " + root + ": free some space and run again; "
                    + "complete videos are kept";
            run.stop(reason);
            throw new RunStoppedException(reason);
        }
        return e;
    }

    /**
     * A video already under {@code videos/} that failed validation is moved to {@code rejected/}, so
     * that the next run downloads it again instead of failing on it forever.
     */
    public void setAsideInvalid(@Header("avqaVideoId") String id, @Header("avqaCategory") String category,
                                @Header("avqaVideoFile") String videoFile) throws IOException {
        if (run.isStopping() || !VideoFailure.INVALID_OUTPUT.equals(category) || videoFile == null || !VideoIdRules.isSafe(id)
                || !Path.of(videoFile).equals(video(id)) || !Files.exists(video(id))) {
            return;
        }
        Path rejected = root.resolve("rejected");
        Files.createDirectories(rejected);
        Files.move(video(id), rejected.resolve(video(id).getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(audio(id));
    }

    /** Removes a video's working directory (after a final failure). */
    public void discard(@Header("avqaVideoId") String id) {
        if (VideoIdRules.isSafe(id)) {
            deleteTree(partialDir().resolve(id), true);
        }
    }

    private static String checked(String id) {
        if (!VideoIdRules.isSafe(id)) {
            throw new IllegalArgumentException("unsafe id reached the workspace");
        }
        return id;
    }

    static void deleteTree(Path dir, boolean includingDir) {
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

    static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
