package avqa.downloader;

/**
 * One video of the plan, the body of each per-video message.
 *
 * @param id       the dataset's id; safe as a file name unless {@code category} is {@code invalid-id}
 * @param url      where yt-dlp fetches it, or null when there is no source
 * @param state    what the run has to do with it
 * @param category failure category when {@code state} is UNAVAILABLE
 * @param reason   why it is unavailable, for a human
 */
public record VideoTask(String id, String url, State state, String category, String reason) {

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
        FAILED_BEFORE
    }

    public static VideoTask download(String id, String url) {
        return new VideoTask(id, url, State.DOWNLOAD, null, null);
    }

    public static VideoTask unavailable(String id, String category, String reason) {
        return new VideoTask(id, null, State.UNAVAILABLE, category, reason);
    }

    public VideoTask withState(State newState) {
        return new VideoTask(id, url, newState, category, reason);
    }
}
