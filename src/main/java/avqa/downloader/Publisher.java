package avqa.downloader;

import org.apache.camel.Variable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The only code that puts files under their final names: a validated video and its audio are
 * renamed from the work directory into {@code videos/} and {@code audio/}, one atomic rename each,
 * so a file under its final name is always complete. A video found invalid under its final name is
 * set aside in {@code rejected/}, so the next run fetches it again.
 */
public final class Publisher {

    private final Workspace workspace;
    private final WorkArea work;
    private final DiskFull diskFull;
    private final RunControl run;
    private final boolean clusterWorker;

    public Publisher(Workspace workspace, WorkArea work, DiskFull diskFull, RunControl run) {
        this(workspace, work, diskFull, run, false);
    }

    public Publisher(Workspace workspace, WorkArea work, DiskFull diskFull, RunControl run, boolean clusterWorker) {
        this.workspace = workspace;
        this.work = work;
        this.diskFull = diskFull;
        this.run = run;
        this.clusterWorker = clusterWorker;
    }

    /**
     * On a cluster, whether another worker has put this video in place meanwhile: the broker hands a
     * video to another worker when it loses this one's connection (a worker cut off from the network),
     * and the first to finish is the one whose files count; the other drops its copy.
     */
    public boolean completedElsewhere(@Variable("job") VideoJob job) {
        return clusterWorker && workspace.isComplete(job.id());
    }

    /**
     * Moves the validated video (if it is still in the work directory) and then the validated audio
     * under their final names, and removes the work directory. Returns the bytes written.
     */
    public long publish(@Variable("job") VideoJob job) throws IOException {
        long bytes = 0;
        try {
            Path video = job.video();
            Path target = workspace.video(job.id());
            if (!video.equals(target)) {
                bytes += Files.size(video);
                AtomicFiles.move(video, target);
                job.video(target);
            }
            bytes += Files.size(job.audio());
            AtomicFiles.move(job.audio(), workspace.audio(job.id()));
        } catch (IOException e) {
            throw diskFull.check(e);
        }
        work.discard(job);
        return bytes;
    }

    /**
     * A video under {@code videos/} that failed validation goes to {@code rejected/} (with its audio
     * removed), so that the next run fetches it again instead of failing on it for ever.
     */
    public void setAsideInvalid(@Variable("job") VideoJob job, @Variable("category") String category)
            throws IOException {
        if (job == null || run.isStopping() || !VideoFailure.INVALID_OUTPUT.equals(category) || job.video() == null
                || !job.video().equals(workspace.video(job.id())) || !Files.exists(job.video())) {
            return;
        }
        Path rejected = workspace.root().resolve("rejected");
        Files.createDirectories(rejected);
        Files.move(job.video(), rejected.resolve(job.video().getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(workspace.audio(job.id()));
    }
}
