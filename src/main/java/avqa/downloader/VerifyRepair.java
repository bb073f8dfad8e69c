package avqa.downloader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code --verify --repair}: moves what the check found bad into {@code rejected/} (invalid and
 * zero-size files, with --checksums files whose bytes changed since they were recorded, the audio of a video whose audio is invalid, frames folders of the wrong size or
 * without their video), so that the next run fetches or extracts them again.
 */
final class VerifyRepair {

    private final Workspace workspace;

    VerifyRepair(Workspace workspace) {
        this.workspace = workspace;
    }

    /** The files and folders moved, where they are now. */
    List<Path> moveAside(Collection<Path> probed, Predicate<Path> invalid, Set<String> invalidAudio, Set<Path> zeroSize,
                         Set<String> framesAside) {
        List<Path> moved = new ArrayList<>();
        probed.forEach(file -> {
            if (invalid.test(file)) {
                moved.add(setAside(file));
            }
        });
        invalidAudio.stream().map(id -> workspace.audioDir().resolve(id + "." + workspace.audioExt()))
                .filter(p -> Files.exists(p) && !moved.contains(p)).forEach(p -> moved.add(setAside(p)));
        // (one already moved as invalid is not there any more)
        zeroSize.stream().filter(Files::exists).forEach(p -> moved.add(setAside(p)));
        for (String id : framesAside) {
            // the next run makes them again from the video, without any request
            moved.add(setAsideFrames(id));
        }
        return moved;
    }

    /** What --verify's report says of a video not complete whose video {@code --repair} set aside. */
    static final String VIDEO_SET_ASIDE = "set aside as invalid (the next run fetches it again)";
    /** The same, for one whose audio alone it set aside. */
    static final String AUDIO_SET_ASIDE = "audio set aside as invalid (the next run extracts it again)";

    /**
     * Of a video that is not complete and has no failure record: what of it is set aside in {@code rejected/}, as
     * {@code --verify}'s report says it (its video gone from videos/, which the next run fetches again, or its
     * audio, which it extracts again), or null when nothing is.
     */
    static String setAside(Workspace workspace, String id) {
        Path rejected = workspace.root().resolve("rejected");
        if (!Files.exists(workspace.video(id)) && Files.exists(rejected.resolve(workspace.video(id).getFileName()))) {
            return VIDEO_SET_ASIDE;
        }
        return Files.exists(rejected.resolve(workspace.audio(id).getFileName())) ? AUDIO_SET_ASIDE : null;
    }

    /** A video's files, those there are (its video, its audio, its frames folder), moved to {@code rejected/}. */
    void setAsideVideo(String id) {
        for (Path file : List.of(workspace.video(id), workspace.audio(id))) {
            if (Files.exists(file)) {
                setAside(file);
            }
        }
        if (Files.isDirectory(workspace.frames(id))) {
            setAsideFrames(id);
        }
    }

    private Path setAsideFrames(String id) {
        Path target = workspace.root().resolve("rejected").resolve("frames").resolve(id);
        try {
            Files.createDirectories(target.getParent());
            FileTrees.deleteTree(target, true);
            Files.move(workspace.frames(id), target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + workspace.frames(id) + " aside", e);
        }
    }

    private Path setAside(Path file) {
        try {
            Path rejected = workspace.root().resolve("rejected");
            Files.createDirectories(rejected);
            Path target = rejected.resolve(file.getFileName());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + file + " aside", e);
        }
    }
}
