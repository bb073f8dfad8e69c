package avqa.downloader;

import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Variable;

/**
 * Makes the per-video {@link VideoJob}s: one from each planned task at dispatch (the id checked
 * here, once), and one per clip when a downloaded source (or a complete clip, for its mirrored copy)
 * is cut. Each job knows where its video comes from, as the coverage report groups it.
 */
public final class Jobs {

    private final Workspace workspace;
    private final WorkArea work;

    public Jobs(Workspace workspace, WorkArea work) {
        this.workspace = workspace;
        this.work = work;
    }

    /** The job of a planned task that needs work (a download, an archive entry, mirrored clips, its audio). */
    public VideoJob forTask(@Variable("task") VideoTask task) {
        String id = Workspace.checked(task.id());
        return switch (task.state()) {
            case DOWNLOAD -> new VideoJob(id, task.clips().isEmpty() ? VideoJob.Kind.DOWNLOAD : VideoJob.Kind.CLIP_SOURCE,
                    task.url(), task.clips(), null, work.of(id), null, sourceGroup(task.url()));
            case IMPORTED -> new VideoJob(id, VideoJob.Kind.ARCHIVE_ENTRY, null, null, null, work.of(id), null,
                    Coverage.ARCHIVE + " " + task.from());
            case DERIVE -> new VideoJob(id, VideoJob.Kind.DERIVE, null, task.clips(), null, work.of(id), null,
                    Coverage.FLIP_OF_COMPLETE);
            case EXTRACT_AUDIO -> new VideoJob(id, VideoJob.Kind.AUDIO_ONLY, null, null, null, work.of(id),
                    workspace.video(id), "audio");
            case EXTRACT_FRAMES -> new VideoJob(id, VideoJob.Kind.FRAMES_ONLY, null, null, null, work.of(id),
                    workspace.video(id), "frames");
            default -> throw new IllegalArgumentException("nothing to do for " + task.state() + " " + id);
        };
    }

    /**
     * One job per clip: cut into {@code .partial/<clip>/clip.<ext>} from the downloaded source, or, for a
     * mirrored copy of a complete clip, from {@code videos/<clip>}.
     */
    public List<VideoJob> forClips(@Variable("job") VideoJob source) {
        return source.clips().stream().map(c -> {
            String name = Workspace.checked(c.name());
            boolean derived = source.kind() == VideoJob.Kind.DERIVE;
            java.nio.file.Path from = derived ? workspace.video(Clip.mirroredFrom(name)) : source.video();
            String origin = derived ? source.origin() : c.flip() ? Coverage.flipGroup(source.url()) : source.origin();
            VideoJob clip = new VideoJob(name, VideoJob.Kind.CLIP, source.url(), null, c, work.of(name),
                    work.of(name).resolve("clip." + workspace.videoExt()), origin, from);
            if (source.fetched().usedYtDlp()) {
                clip.fetched().byYtDlp(source.fetched().ytDlpFormat());
            }
            if (!derived) {
                clip.sourceSeconds(Padding.longest(source.videoSeconds(), source.containerSeconds()));
            }
            return clip;
        }).toList();
    }

    /** The job of a batch: its members' jobs, each with a work directory of its own, and one for the batch. */
    public VideoJob forBatch(@Variable("batch") DownloadBatch batch) {
        VideoJob job = new VideoJob(Workspace.checked(batch.name()), VideoJob.Kind.BATCH, null, null, null,
                work.of(batch.name()), null, Coverage.MIRROR);
        job.members(batch.tasks().stream().map(this::forTask).toList());
        return job;
    }

    /** A batch's video that the batch did not deliver, as a download of its own. */
    public VideoTask taskOf(@Body VideoJob member) {
        return VideoTask.download(member.id(), member.url());
    }

    /** Where the audio is extracted to: {@code audio.<ext>} in the job's work directory. */
    public void prepareAudio(@Variable("job") VideoJob job) {
        work.ensure(job.workDir());
        job.audio(job.workDir().resolve("audio." + workspace.audioExt()));
    }

    /** A new request for the job: counted, in an empty work directory. */
    public void newAttempt(@Variable("job") VideoJob job) {
        job.countAttempt();
        work.fresh(job);
    }

    /** An archive entry's job learns which archive and entry it comes from. */
    public void fromArchive(@Variable("job") VideoJob job, @Variable("archive") String archive,
                            @Header("CamelFileName") String entry) {
        job.fetched().fromArchive(java.nio.file.Path.of(archive).getFileName().toString(), entry);
    }

    static String sourceGroup(String url) {
        return VideoIdRules.isYoutubeUrl(url) ? Coverage.YOUTUBE : Coverage.MIRROR;
    }
}
