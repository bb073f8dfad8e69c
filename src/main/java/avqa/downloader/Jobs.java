package avqa.downloader;

import java.util.List;
import org.apache.camel.Variable;

/**
 * Makes the per-video {@link VideoJob}s: one from each planned task at dispatch (the id checked
 * here, once), and one per clip when a downloaded source is cut.
 */
public final class Jobs {

    private final Workspace workspace;
    private final WorkArea work;

    public Jobs(Workspace workspace, WorkArea work) {
        this.workspace = workspace;
        this.work = work;
    }

    /** The job of a planned task that needs work (a download, an archive entry, its audio). */
    public VideoJob forTask(@Variable("task") VideoTask task) {
        String id = Workspace.checked(task.id());
        return switch (task.state()) {
            case DOWNLOAD -> task.clips().isEmpty()
                    ? new VideoJob(id, VideoJob.Kind.DOWNLOAD, task.url(), null, null, work.of(id), null, "download")
                    : new VideoJob(id, VideoJob.Kind.CLIP_SOURCE, task.url(), task.clips(), null, work.of(id), null,
                    "download");
            case IMPORTED -> new VideoJob(id, VideoJob.Kind.ARCHIVE_ENTRY, null, null, null, work.of(id), null, "archive");
            case EXTRACT_AUDIO -> new VideoJob(id, VideoJob.Kind.AUDIO_ONLY, null, null, null, work.of(id),
                    workspace.video(id), "audio");
            default -> throw new IllegalArgumentException("nothing to do for " + task.state() + " " + id);
        };
    }

    /** One job per clip of a downloaded source: cut into {@code .partial/<clip>/clip.<ext>}. */
    public List<VideoJob> forClips(@Variable("job") VideoJob source) {
        return source.clips().stream().map(c -> {
            String name = Workspace.checked(c.name());
            VideoJob clip = new VideoJob(name, VideoJob.Kind.CLIP, source.url(), null, c, work.of(name),
                    work.of(name).resolve("clip." + workspace.videoExt()), "download");
            return clip;
        }).toList();
    }

    /** Where the job's audio is extracted to: {@code audio.<ext>} in its work directory. */
    public void prepareAudio(@Variable("job") VideoJob job) {
        job.audio(work.ensure(job.workDir()).resolve("audio." + workspace.audioExt()));
    }

    /** A new request for the job: counted, in an empty work directory. */
    public void newAttempt(@Variable("job") VideoJob job) {
        job.countAttempt();
        work.fresh(job);
    }
}
