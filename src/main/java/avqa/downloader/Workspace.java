package avqa.downloader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    public Workspace(Path root, String videoExt, String audioExt) {
        this.root = root;
        this.videoExt = videoExt;
        this.audioExt = audioExt;
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
        return root.resolve(".partial");
    }

    public Path video(String id) {
        return videosDir().resolve(checked(id) + "." + videoExt);
    }

    public Path audio(String id) {
        return audioDir().resolve(checked(id) + "." + audioExt);
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
        deleteTree(partialDir(), false);
    }

    /** Annotation splits that must be fetched: those missing from {@code metadata/}, or all when refreshing. */
    public List<String> annotationsToFetch(String splits, boolean refresh) {
        List<String> out = new ArrayList<>();
        for (String split : splits.split(",")) {
            split = split.strip();
            if (refresh || !Files.isRegularFile(metadataDir().resolve("avqa-" + split + ".json"))) {
                out.add(split);
            }
        }
        return out;
    }

    /** An empty working directory for one attempt at a video; what an earlier attempt left is removed. */
    public String freshTempDir(@Header("avqaVideoId") String id) {
        Path dir = partialDir().resolve(checked(id));
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

    /**
     * Moves the validated video (if it is still in the working directory) and then the validated
     * audio under their final names, and removes the working directory.
     */
    public void publish(@Header("avqaVideoId") String id, @Header("avqaVideoFile") String videoFile,
                        @Header("avqaAudioFile") String audioFile) throws IOException {
        Path video = Path.of(videoFile);
        if (!video.equals(video(id))) {
            AtomicFiles.move(video, video(id));
        }
        AtomicFiles.move(Path.of(audioFile), audio(id));
        deleteTree(partialDir().resolve(id), true);
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
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
