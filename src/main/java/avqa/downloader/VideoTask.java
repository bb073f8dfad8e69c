package avqa.downloader;

import java.util.List;

/**
 * One video of the plan, the body of each per-video message.
 *
 * @param id       the dataset's id; safe as a file name unless {@code category} is {@code invalid-id}
 * @param url      where yt-dlp fetches it, or null when there is no source
 * @param state    what the run has to do with it
 * @param category failure category when {@code state} is UNAVAILABLE
 * @param reason   why it is unavailable, for a human
 * @param clips    the clips to cut from this source once downloaded; empty when the video is kept whole
 *                 under {@code id}
 */
public record VideoTask(String id, String url, State state, String category, String reason, List<Clip> clips) {

    public enum State {
        /** Needs downloading, then audio extraction. */
        DOWNLOAD,
        /** The video is complete but its audio is missing: extract it, no request. */
        EXTRACT_AUDIO,
        /** Video and audio are complete: nothing to do, no request. */
        COMPLETE,
        /** No possible source (no-source, invalid-id): recorded, never requested. */
        UNAVAILABLE,
        /** Its last failure was permanent: not requested again unless --retry-permanent. */
        FAILED_BEFORE,
        /** An archive provides it: its entry is streamed in, no request. */
        IMPORTED
    }

    public static VideoTask download(String id, String url) {
        return new VideoTask(id, url, State.DOWNLOAD, null, null, List.of());
    }

    /** One download of {@code url} under the name {@code sourceKey}, cut into {@code clips}. */
    public static VideoTask ofClips(String sourceKey, String url, List<Clip> clips) {
        return new VideoTask(sourceKey, url, State.DOWNLOAD, null, null, List.copyOf(clips));
    }

    /** A video an archive entry provides. */
    public static VideoTask imported(String id) {
        return new VideoTask(id, null, State.IMPORTED, null, null, List.of());
    }

    public static VideoTask unavailable(String id, String category, String reason) {
        return new VideoTask(id, null, State.UNAVAILABLE, category, reason, List.of());
    }

    public VideoTask withState(State newState) {
        return new VideoTask(id, url, newState, category, reason, clips);
    }
}
