package avqa.downloader;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What one video needs, given what is on disk (one listing each of videos/, audio/ and frames/), the
 * record of completions and the settings the files were made with: nothing, its frames, its audio
 * (and frames), or what its source says (a download, a record of why not; a video that failed permanently is not
 * asked for again, unless at another URL than it failed at). A video counts as complete
 * when its video and its audio (and, with --frames, its frames) are in place and its completion was
 * recorded.
 */
final class CompletionRules {

    private final ProgressBook progress;
    private final FailureRecords failures;
    private final boolean retryPermanent;
    private final boolean framesOn;
    private final boolean remake;
    private final boolean framesChanged;
    private final OutputSettings outputs;
    private final Set<String> videos;
    private final Set<String> audio;
    private final Set<String> frames;
    private int remade;
    private int elsewhereBefore;

    CompletionRules(ProgressBook progress, FailureRecords failures, boolean retryPermanent, boolean framesOn,
                    OutputSettings outputs, Workspace workspace) {
        this.progress = progress;
        this.failures = failures;
        this.retryPermanent = retryPermanent;
        this.framesOn = framesOn;
        this.framesChanged = framesOn && outputs.framesChanged();
        this.remake = outputs.audioChanged() || framesChanged;
        this.outputs = outputs;
        // the two listings at once, one on each core: on a rerun over 100,000 complete videos each is a find that takes
        // about 0.2 s (bench/run.sh's scale figures)
        CompletableFuture<Set<String>> audioListed = CompletableFuture.supplyAsync(() -> workspace.presentIds(true));
        this.videos = workspace.presentIds(false);
        try {
            this.audio = audioListed.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
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
                // made with other settings: no longer complete until its audio (and frames, if theirs changed) are made again
                remade++;
                keepRecordedFrames(id);
                progress.forget(id);
                return resolved.withState(VideoTask.State.EXTRACT_AUDIO);
            }
            if (framesOn && !frames.contains(id)) {
                return resolved.withState(VideoTask.State.EXTRACT_FRAMES);
            }
            return resolved.withState(VideoTask.State.COMPLETE);
        }
        if (recorded) {
            // its audio is gone: its frames, recorded with it, stay
            keepRecordedFrames(id);
            progress.forget(id);
        }
        if (hasVideo) {
            // its completion was not recorded (a run stopped between the renames and the record, or its
            // audio is missing): its audio and frames are made from the video in place
            return resolved.withState(VideoTask.State.EXTRACT_AUDIO);
        }
        if (resolved.state() == VideoTask.State.DOWNLOAD && !retryPermanent) {
            FailureRecords.Recorded before = failures.recorded(id);
            if (before != null && VideoFailure.PERMANENT.equals(before.category())) {
                if (before.url() == null || resolved.url() == null || before.url().equals(Redact.url(resolved.url()))) {
                    return resolved.withState(VideoTask.State.FAILED_BEFORE);
                }
                // it failed at another URL (a --source-url-template or a manifest changed since, as its advice says to):
                // asked for at its new one
                elsewhereBefore++;
            }
        }
        return resolved;
    }

    /** How many videos that failed permanently at another URL than their plan's are asked for again. */
    int elsewhereBefore() {
        return elsewhereBefore;
    }

    /**
     * A video recorded complete whose audio is made again keeps its frames when they are in place and made with
     * this run's settings; any other frames folder in place (one the run did not record) is made again.
     */
    private void keepRecordedFrames(String id) {
        if (framesOn && !framesChanged && frames.contains(id)) {
            outputs.keepFramesOf(id);
        }
    }

    /** How many complete videos have their audio (and frames) made again for other settings. */
    int remade() {
        return remade;
    }
}
