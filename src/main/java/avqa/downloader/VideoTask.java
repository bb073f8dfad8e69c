package avqa.downloader;

import java.util.List;

/**
 * One video of the plan (or one source that clips are cut from): the body of each per-video message,
 * and of each message on a cluster's queue.
 *
 * @param id       the dataset's id; safe as a file name unless {@code category} is {@code invalid-id}
 * @param url      where it is fetched from, or null when nothing is fetched
 * @param state    what the run has to do with it
 * @param category failure category when {@code state} is UNAVAILABLE
 * @param reason   why it is unavailable, for a human
 * @param clips    the clips to cut from this source; empty when the video is kept whole under {@code id}
 * @param from     for IMPORTED, the archive's file name
 */
public record VideoTask(String id, String url, State state, String category, String reason, List<Clip> clips,
                        String from) {

    public enum State {
        /** Needs downloading, then audio extraction. */
        DOWNLOAD,
        /** The video is complete but its audio is missing: extract it, no request. */
        EXTRACT_AUDIO,
        /** The video and its audio are complete, its frames (--frames) are not: make them, no request. */
        EXTRACT_FRAMES,
        /** Video and audio are complete: nothing to do, no request. */
        COMPLETE,
        /** No possible source (no-source, invalid-id): recorded, never requested. */
        UNAVAILABLE,
        /** Its last failure was permanent: not requested again unless --retry-permanent. */
        FAILED_BEFORE,
        /** An archive provides it: its entry is streamed in, no request. */
        IMPORTED,
        /** Mirrored copies ({@code _flip}) of clips that are complete: cut here from those, no request. */
        DERIVE
    }

    public VideoTask {
        clips = clips == null ? List.of() : List.copyOf(clips);
    }

    public VideoTask(String id, String url, State state, String category, String reason, List<Clip> clips) {
        this(id, url, state, category, reason, clips, null);
    }

    public static VideoTask download(String id, String url) {
        return new VideoTask(id, url, State.DOWNLOAD, null, null, List.of());
    }

    /** One download of {@code url} under the name {@code sourceKey}, cut into {@code clips}. */
    public static VideoTask ofClips(String sourceKey, String url, List<Clip> clips) {
        return new VideoTask(sourceKey, url, State.DOWNLOAD, null, null, clips);
    }

    /** A video an archive entry provides. */
    public static VideoTask imported(String id, String archive) {
        return new VideoTask(id, null, State.IMPORTED, null, null, List.of(), archive);
    }

    /** Mirrored copies of complete clips (each {@code <clip>_flip} from {@code <clip>}), under a source name. */
    public static VideoTask derive(String sourceKey, List<Clip> flips) {
        return new VideoTask(sourceKey + "-flips", null, State.DERIVE, null, null, flips);
    }

    public static VideoTask unavailable(String id, String category, String reason) {
        return new VideoTask(id, null, State.UNAVAILABLE, category, reason, List.of());
    }

    public VideoTask withState(State newState) {
        return new VideoTask(id, url, newState, category, reason, clips, from);
    }
}
