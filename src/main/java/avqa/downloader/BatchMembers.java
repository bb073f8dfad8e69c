package avqa.downloader;

import java.util.List;

/**
 * The videos of a {@link VideoJob.Kind#BATCH}, each a {@link VideoJob.Kind#DOWNLOAD} job of its own:
 * which of them no yt-dlp run of the batch has reached yet, and which its last run delivered or failed.
 */
public final class BatchMembers {

    private final List<VideoJob> members;
    private volatile List<VideoJob> settled = List.of();

    BatchMembers(List<VideoJob> members) {
        this.members = List.copyOf(members);
    }

    /** Every video of the batch. */
    public List<VideoJob> all() {
        return members;
    }

    /** How many videos it fetches (each passes the pacing). */
    public int size() {
        return members.size();
    }

    /** The videos no yt-dlp run of it has reached yet. */
    public List<VideoJob> untried() {
        return members.stream().filter(m -> m.video() == null && m.batchFailure() == null).toList();
    }

    /** The videos its last yt-dlp run delivered or failed. */
    public List<VideoJob> settled() {
        return settled;
    }

    void settled(List<VideoJob> jobs) {
        this.settled = List.copyOf(jobs);
    }
}
