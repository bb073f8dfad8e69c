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
    private final List<String> splits;

    public VideoPlanner(AnnotationPlanner annotations, VideoIdRules rules, ProgressBook progress,
                        Workspace workspace, List<String> splits) {
        this.annotations = annotations;
        this.rules = rules;
        this.progress = progress;
        this.workspace = workspace;
        this.splits = splits;
    }

    public List<VideoTask> plan() {
        AnnotationPlanner.VideoIds ids = annotations.plan(workspace.metadataDir(), splits);
        annotations.write(ids, workspace.metadataDir().resolve("video_ids.json"));
        List<VideoTask> tasks = new ArrayList<>(ids.allIds().size());
        int complete = 0;
        int audioOnly = 0;
        int unavailable = 0;
        for (String id : ids.allIds()) {
            VideoTask task = task(id);
            switch (task.state()) {
                case COMPLETE -> complete++;
                case EXTRACT_AUDIO -> audioOnly++;
                case UNAVAILABLE -> unavailable++;
                default -> { }
            }
            tasks.add(task);
        }
        LOG.info("Planned {} unique videos from {}: {} complete, {} need only audio, {} to download, {} without a source",
                tasks.size(), splits, complete, audioOnly, tasks.size() - complete - audioOnly - unavailable, unavailable);
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
        return resolved;
    }
}
