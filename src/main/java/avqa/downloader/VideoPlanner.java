package avqa.downloader;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the annotations into the run's plan: one {@link VideoTask} per unique video, saying
 * whether it is complete already, needs only its audio, has no source, or must be downloaded.
 * Complete videos are recognised from the progress record and the files on disk, without any
 * request.
 */
public final class VideoPlanner {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.plan");

    private final AnnotationPlanner annotations;
    private final VideoIdRules rules;
    private final ProgressBook progress;
    private final Workspace workspace;
    private final FailureRecords failures;
    private final List<String> splits;
    private final boolean retryPermanent;

    public VideoPlanner(AnnotationPlanner annotations, VideoIdRules rules, ProgressBook progress,
                        Workspace workspace, FailureRecords failures, List<String> splits, boolean retryPermanent) {
        this.annotations = annotations;
        this.rules = rules;
        this.progress = progress;
        this.workspace = workspace;
        this.failures = failures;
        this.splits = splits;
        this.retryPermanent = retryPermanent;
    }

    public List<VideoTask> plan() {
        AnnotationPlanner.VideoIds ids;
        try {
            ids = annotations.plan(workspace.metadataDir(), splits);
        } catch (BadInputException e) {
            throw new BadInputException(e.getMessage() + " (this copy is in " + workspace.metadataDir()
                    + "; once the source is fixed, run with --refresh-metadata to fetch it again)", e);
        }
        annotations.write(ids, workspace.metadataDir().resolve("video_ids.json"));
        List<VideoTask> tasks = new ArrayList<>(ids.allIds().size());
        int complete = 0;
        int audioOnly = 0;
        int unavailable = 0;
        int failedBefore = 0;
        for (String id : ids.allIds()) {
            VideoTask task = task(id);
            switch (task.state()) {
                case COMPLETE -> complete++;
                case EXTRACT_AUDIO -> audioOnly++;
                case UNAVAILABLE -> unavailable++;
                case FAILED_BEFORE -> failedBefore++;
                default -> { }
            }
            tasks.add(task);
        }
        LOG.info("Planned {} unique videos from {}: {} complete, {} need only audio, {} to download, {} without a source, "
                        + "{} failed permanently before (not requested again{})", tasks.size(), splits, complete, audioOnly,
                tasks.size() - complete - audioOnly - unavailable - failedBefore, unavailable, failedBefore,
                retryPermanent ? "" : " without --retry-permanent");
        return tasks;
    }

    VideoTask task(String id) {
        VideoTask resolved = rules.resolve(id);
        if (!VideoIdRules.isSafe(id)) {
            return resolved;
        }
        boolean hasVideo = Files.isRegularFile(workspace.video(id));
        boolean hasAudio = Files.isRegularFile(workspace.audio(id));
        if (hasVideo && hasAudio && progress.isComplete(id)) {
            return resolved.withState(VideoTask.State.COMPLETE);
        }
        if (progress.isComplete(id)) {
            progress.forget(id);
        }
        if (hasVideo) {
            return resolved.withState(VideoTask.State.EXTRACT_AUDIO);
        }
        if (resolved.state() == VideoTask.State.DOWNLOAD && !retryPermanent
                && VideoFailure.PERMANENT.equals(failures.category(id))) {
            return resolved.withState(VideoTask.State.FAILED_BEFORE);
        }
        return resolved;
    }
}
