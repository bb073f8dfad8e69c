package avqa.downloader;

import java.util.Set;

/**
 * What one video needs, given what is on disk (one listing each of videos/, audio/ and frames/), the
 * record of completions and the settings the files were made with: nothing, its frames, its audio
 * (and frames), or what its source says (a download, a record of why not). A video counts as complete
 * when its video and its audio (and, with --frames, its frames) are in place and its completion was
 * recorded.
 */
final class CompletionRules {

    private final ProgressBook progress;
    private final FailureRecords failures;
    private final boolean retryPermanent;
    private final boolean framesOn;
    private final boolean remake;
    private final Set<String> videos;
    private final Set<String> audio;
    private final Set<String> frames;
    private int remade;

    CompletionRules(ProgressBook progress, FailureRecords failures, boolean retryPermanent, boolean framesOn,
                    OutputSettings outputs, Workspace workspace) {
        this.progress = progress;
        this.failures = failures;
        this.retryPermanent = retryPermanent;
        this.framesOn = framesOn;
        this.remake = outputs.audioChanged() || framesOn && outputs.framesChanged();
        this.videos = workspace.presentIds(false);
        this.audio = workspace.presentIds(true);
        this.frames = framesOn ? workspace.framesPresent() : Set.of();
    }

    VideoTask task(String id, VideoTask resolved) {
        if (!VideoIdRules.isSafe(id)) {
            return resolved;
        }
        boolean hasVideo = videos.contains(id);
        boolean recorded = progress.isComplete(id);
        if (hasVideo && audio.contains(id) && recorded) {
            if (remake) {
                // made with other settings: no longer complete until its audio and frames are made again
                remade++;
                progress.forget(id);
                return resolved.withState(VideoTask.State.EXTRACT_AUDIO);
            }
            if (framesOn && !frames.contains(id)) {
                return resolved.withState(VideoTask.State.EXTRACT_FRAMES);
            }
            return resolved.withState(VideoTask.State.COMPLETE);
        }
        if (recorded) {
            progress.forget(id);
        }
        if (hasVideo) {
            // its completion was not recorded (a run stopped between the renames and the record, or its
            // audio is missing): its audio and frames are made from the video in place
            return resolved.withState(VideoTask.State.EXTRACT_AUDIO);
        }
        if (resolved.state() == VideoTask.State.DOWNLOAD && !retryPermanent
                && VideoFailure.PERMANENT.equals(failures.category(id))) {
            return resolved.withState(VideoTask.State.FAILED_BEFORE);
        }
        return resolved;
    }

    /** How many complete videos have their audio (and frames) made again for other settings. */
    int remade() {
        return remade;
    }
}
