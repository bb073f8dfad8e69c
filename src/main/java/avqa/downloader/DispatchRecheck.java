package avqa.downloader;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * A planned task (or batch) looked at again when it is dispatched: what an archive provided since the
 * plan was made, and which mirrored copies can now be made from complete clips. What is complete comes
 * from the {@code planner}'s records, what an archive provided this run from the {@code imports} ledger.
 */
public record DispatchRecheck(VideoPlanner planner, ImportLedger imports) {

    /**
     * A planned task again, at the moment it is dispatched: an archive may have provided the video
     * (then nothing is left to do) or some of a source's clips; a mirrored copy ({@code <clip>_flip})
     * whose clip is complete is made from that clip, without any request. Returns the tasks left: none,
     * the task as planned, or the clips still to download and the copies to make from complete clips.
     */
    public List<VideoTask> recheck(@Body VideoTask task) {
        if (task.clips().isEmpty() && imports.handledThisRun(task.id())) {
            return List.of();
        }
        if (task.state() != VideoTask.State.DOWNLOAD) {
            return List.of(task);
        }
        if (task.clips().isEmpty()) {
            return planner.isComplete(task.id()) ? List.of() : List.of(task);
        }
        List<Clip> download = new ArrayList<>();
        List<Clip> mirror = new ArrayList<>();
        for (Clip c : task.clips()) {
            if (imports.handledThisRun(c.name()) || planner.isComplete(c.name())) {
                continue;
            }
            if (c.flip() && c.name().endsWith("_flip") && planner.isComplete(Clip.mirroredFrom(c.name()))) {
                mirror.add(Clip.mirrorOf(c.name()));
            } else {
                download.add(c);
            }
        }
        List<VideoTask> out = new ArrayList<>();
        if (!mirror.isEmpty()) {
            out.add(VideoTask.derive(task.id(), mirror));
        }
        if (!download.isEmpty()) {
            out.add(download.size() == task.clips().size() ? task : VideoTask.ofClips(task.id(), task.url(), download));
        }
        return out;
    }

    /** A batch again, at the moment it is dispatched: the videos an archive has not provided since. */
    public DownloadBatch recheckBatch(@Variable("batch") DownloadBatch batch) {
        List<VideoTask> left = new ArrayList<>();
        batch.tasks().forEach(t -> left.addAll(recheck(t)));
        return new DownloadBatch(batch.name(), batch.host(), left);
    }
}
