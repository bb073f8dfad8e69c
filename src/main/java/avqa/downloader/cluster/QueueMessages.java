package avqa.downloader.cluster;

import org.apache.camel.Variable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import avqa.downloader.BadInputException;
import avqa.downloader.Clip;
import avqa.downloader.VideoIdRules;
import avqa.downloader.VideoTask;
import avqa.downloader.Workspace;

/**
 * The per-video message of the multi-host mode: a {@link VideoTask} as JSON. The planner writes
 * it; a worker reads it back and checks it as strictly as the planner checked the annotations (a
 * safe id, safe clip names, an http(s) URL), because a queue is input like any other: a message
 * that fails is set aside in the dead-letter queue with the reason, never run. What is on disk
 * decides: a video whose files are in place is not fetched again, one whose files are not is
 * fetched, whatever an older record says.
 */
public final class QueueMessages {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Workspace workspace;
    private final ClusterRecord record;

    /** {@code record}: the cluster's record of complete videos (null where there is none, as in tests). */
    public QueueMessages(Workspace workspace, ClusterRecord record) {
        this.workspace = workspace;
        this.record = record;
    }

    /** Whether a planned video needs a worker (a download, or its audio), rather than a record. */
    public boolean needsWorker(@Variable("task") VideoTask task) {
        return task.state() == VideoTask.State.DOWNLOAD || task.state() == VideoTask.State.EXTRACT_AUDIO
                || task.state() == VideoTask.State.DERIVE;
    }

    public String toJson(@Variable("task") VideoTask task) throws JsonProcessingException {
        return JSON.writeValueAsString(task);
    }

    /**
     * A message back into a task, checked. A video whose files are already all in place (another
     * worker finished it, or a worker died between putting them there and acknowledging) becomes
     * COMPLETE: nothing is requested again.
     */
    public VideoTask toTask(String json) {
        VideoTask task;
        try {
            task = JSON.readValue(json, VideoTask.class);
        } catch (JsonProcessingException e) {
            throw new BadInputException("not a video message: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("not a video message: " + e.getMessage());
        }
        if (task == null || task.id() == null || !VideoIdRules.isSafe(task.id())) {
            throw new BadInputException("a video message without a safe id");
        }
        if (!needsWorker(task)) {
            throw new BadInputException("a video message for " + task.id() + " with nothing for a worker to do ("
                    + task.state() + ")");
        }
        List<Clip> clips = task.clips() == null ? List.of() : task.clips();
        for (Clip c : clips) {
            if (c == null || !VideoIdRules.isSafe(c.name()) || !Double.isFinite(c.start()) || c.start() < 0
                    || (c.duration() != null && (!Double.isFinite(c.duration()) || c.duration() <= 0))) {
                throw new BadInputException("a video message for " + task.id() + " with a bad clip");
            }
        }
        if (task.state() == VideoTask.State.DOWNLOAD) {
            try {
                VideoIdRules.checkSourceUrl(task.url());
            } catch (IllegalArgumentException e) {
                throw new BadInputException("a video message for " + task.id() + ": " + e.getMessage());
            }
        }
        if (task.state() == VideoTask.State.DERIVE && clips.stream().anyMatch(c -> !c.flip() || !c.name().endsWith("_flip"))) {
            throw new BadInputException("a video message for " + task.id() + " that mirrors what is not a _flip clip");
        }
        task = new VideoTask(task.id(), task.url(), task.state(), null, null, clips);
        boolean done = clips.isEmpty() ? workspace.isComplete(task.id())
                : clips.stream().allMatch(c -> workspace.isComplete(c.name()));
        if (done) {
            return task.withState(VideoTask.State.COMPLETE);
        }
        if (record != null) {
            // recorded once, but its files are not all here now (set aside by --repair, deleted, or a
            // clip added to a source done before): the old record must not make the worker skip it
            record.forget(task.id());
        }
        return task;
    }
}
