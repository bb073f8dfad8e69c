package avqa.downloader;

import org.apache.camel.Variable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The only code that puts files under their final names: a validated video, its frames folder and its
 * audio are renamed from the work directory into {@code videos/}, {@code frames/} and {@code audio/},
 * one atomic rename each, so a file under its final name is always complete. A video found invalid
 * under its final name is set aside in {@code rejected/}, so the next run fetches it again.
 */
public final class Publisher {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("avqa.record");

    private final Workspace workspace;
    private final WorkArea work;
    private final DiskFull diskFull;
    private final RunControl run;
    private final Checksums checksums;
    private final boolean clusterWorker;

    public Publisher(Workspace workspace, WorkArea work, DiskFull diskFull, RunControl run, Checksums checksums) {
        this(workspace, work, diskFull, run, checksums, false);
    }

    public Publisher(Workspace workspace, WorkArea work, DiskFull diskFull, RunControl run, Checksums checksums,
                     boolean clusterWorker) {
        this.workspace = workspace;
        this.work = work;
        this.diskFull = diskFull;
        this.run = run;
        this.checksums = checksums;
        this.clusterWorker = clusterWorker;
    }

    /**
     * On a cluster, whether another worker has put this video in place meanwhile: the broker hands a
     * video to another worker when it loses this one's connection (a worker cut off from the network),
     * and the first to finish is the one whose files count; the other drops its copy.
     */
    public boolean completedElsewhere(@Variable("job") VideoJob job) {
        // only a video this worker fetched itself (not one in place already, whose audio or frames it makes)
        return clusterWorker && job.video() != null && !job.video().equals(workspace.video(job.id()))
                && workspace.isComplete(job.id());
    }

    /**
     * The video, proven whole by the audio pass, takes its final name (hashed, SHA-256, as it goes): a
     * run stopped from here on keeps it, and the next makes its audio and frames from it without any
     * request. Nothing for a video already in place.
     */
    public void publishVideo(@Variable("job") VideoJob job) throws IOException {
        Path video = job.video();
        Path target = workspace.video(job.id());
        if (video == null || video.equals(target)) {
            return;
        }
        try {
            long bytes = Files.size(video);
            Path audio = job.audio();
            if (audio != null && Files.isRegularFile(audio)) {
                // its audio is made: both hashed at once, the audio's kept for when it is published
                java.nio.file.attribute.BasicFileAttributes made = Files.readAttributes(audio,
                        java.nio.file.attribute.BasicFileAttributes.class);
                String[] both = FileHash.sha256Both(video, audio);
                job.hashes().put(target, both[0]);
                job.audioHash(new VideoJob.PendingHash(audio, both[1], made.size(), made.lastModifiedTime()));
            } else {
                job.hashes().put(target, Checksums.sha256(video));
            }
            clearWay(target);
            AtomicFiles.move(video, target);
            job.video(target);
            job.addBytes(bytes);
        } catch (IOException e) {
            throw diskFull.check(e);
        }
    }

    /**
     * Puts the files made from the video under their final names, each hashed as it goes: its frames
     * folder (whole, one rename), then its audio; the audio comes last, so a video counts as complete
     * only once everything is in place. Removes the work directory. Returns the bytes the video's files
     * took in all.
     */
    public long publish(@Variable("job") VideoJob job) throws IOException {
        publishVideo(job);
        try {
            Path inPlace = workspace.video(job.id());
            if (inPlace.equals(job.video()) && job.hashes().get(inPlace) == null && !checksums.lists(inPlace)) {
                // put in place by a run stopped before its line was written: hashed now, once
                job.hashes().put(inPlace, Checksums.sha256(inPlace));
            }
            if (job.frames().dir() != null) {
                Path frames = workspace.frames(job.id());
                for (Path f : Frames.list(job.frames().dir())) {
                    job.addBytes(Files.size(f));
                    job.hashes().put(frames.resolve(f.getFileName()), Checksums.sha256(f));
                }
                Files.createDirectories(workspace.framesDir());
                if (Files.exists(frames)) {
                    // made again (other settings): the old folder goes, its lines in SHA256SUMS at the end of the run
                    FileTrees.deleteTree(frames, true);
                    checksums.forget();
                }
                moveFolder(job.frames().dir(), frames);
            }
            if (job.audio() != null) {
                job.addBytes(Files.size(job.audio()));
                Path audio = workspace.audio(job.id());
                job.hashes().put(audio, audioHash(job));
                clearWay(audio);
                AtomicFiles.move(job.audio(), audio);
            }
        } catch (IOException e) {
            throw diskFull.check(e);
        }
        work.discard(job);
        return job.bytes();
    }

    /**
     * Whether only the job's frames failed: their stage begins once the video has taken its final name and its
     * audio has been made and checked in the work directory, so the audio is whole and is kept
     * ({@link #publishAudio}).
     */
    public boolean framesOnlyFailed(@Variable("job") VideoJob job) {
        return job != null && job.frames() != FramesMade.NONE && job.audio() != null && Files.isRegularFile(job.audio())
                && job.video() != null && job.video().equals(workspace.video(job.id())) && Files.isRegularFile(job.video());
    }

    /**
     * The audio of a video whose frames failed takes its final name, hashed as it goes (its lines follow): a
     * researcher who asked for frames too keeps the audio. The video is not recorded complete, so the next run
     * makes its frames again, and its audio with them. A write that fails here leaves the audio to be made
     * then, as before.
     */
    public void publishAudio(@Variable("job") VideoJob job) {
        Path audio = workspace.audio(job.id());
        try {
            job.hashes().put(audio, audioHash(job));
            AtomicFiles.move(job.audio(), audio);
        } catch (IOException e) {
            job.hashes().remove(audio);
        }
    }

    /** The audio's SHA-256: the one taken with the video's if the file is as it was then, else taken now. */
    private static String audioHash(VideoJob job) throws IOException {
        VideoJob.PendingHash h = job.audioHash();
        Path f = job.audio();
        if (h != null && h.file().equals(f) && Files.size(f) == h.size()
                && Files.getLastModifiedTime(f).equals(h.modified())) {
            return h.sha256();
        }
        return Checksums.sha256(f);
    }

    /**
     * A folder under a file's final name (which no run counts as the file) is set aside in {@code rejected/}, as
     * anything found wrong there is, so the file can take its place (a rename onto a folder fails; a pipe or a link
     * under the name is replaced by the rename itself).
     */
    private void clearWay(Path target) throws IOException {
        if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path rejected = workspace.root().resolve("rejected");
        Files.createDirectories(rejected);
        Path aside = rejected.resolve(target.getFileName());
        if (Files.exists(aside, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            aside = rejected.resolve(target.getFileName() + "." + System.currentTimeMillis());
        }
        Files.move(target, aside);
        LOG.warn("{} was a folder, not a file: set aside as {}; the file made takes its place",
                Redact.text(workspace.root().relativize(target).toString(), 300),
                Redact.text(workspace.root().relativize(aside).toString(), 300));
    }

    /** One rename; onto another file system, a copy beside the target first, then one rename there. */
    private static void moveFolder(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Path near = to.resolveSibling("." + to.getFileName() + ".tmp");
            FileTrees.deleteTree(near, true);
            Files.createDirectories(near);
            for (Path f : Frames.list(from)) {
                Files.copy(f, near.resolve(f.getFileName().toString()));
            }
            Files.move(near, to, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.deleteTree(from, true);
        }
    }

    /**
     * A video under {@code videos/} that failed validation goes to {@code rejected/} (with its audio and
     * frames removed, and their lines in SHA256SUMS at the end of the run), so that the next run fetches
     * it again instead of failing on it for ever. Not when its frames failed (their stage begins once the
     * video and its audio have passed their checks): the video and its audio stay, only the frames are missing.
     */
    public void setAsideInvalid(@Variable("job") VideoJob job, @Variable("category") String category)
            throws IOException {
        if (job == null || run.isStopping() || !VideoFailure.INVALID_OUTPUT.equals(category) || job.video() == null
                || job.frames() != FramesMade.NONE
                || !job.video().equals(workspace.video(job.id())) || !Files.exists(job.video())) {
            return;
        }
        Path rejected = workspace.root().resolve("rejected");
        Files.createDirectories(rejected);
        Files.move(job.video(), rejected.resolve(job.video().getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(workspace.audio(job.id()));
        FileTrees.deleteTree(workspace.frames(job.id()), true);
        checksums.forget();
    }
}
