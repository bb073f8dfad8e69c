package avqa.downloader;

import java.util.List;

/**
 * The videos of a {@link VideoJob.Kind#BATCH}, each a {@link VideoJob.Kind#DOWNLOAD} job of its own:
 * which of them no yt-dlp run of the batch has reached yet, which its last run failed, and the following of
 * that run's deliveries.
 */
public final class BatchMembers {

    private final List<VideoJob> members;
    private volatile List<VideoJob> failed = List.of();
    private volatile BatchDeliveries.Follow follow;

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

    /** The videos its last yt-dlp run failed (stopped at, or left undelivered): each delivered one went on as it came. */
    public List<VideoJob> failed() {
        return failed;
    }

    void failed(List<VideoJob> jobs) {
        this.failed = List.copyOf(jobs);
    }

    BatchDeliveries.Follow follow() {
        return follow;
    }

    void follow(BatchDeliveries.Follow follow) {
        this.follow = follow;
    }
}
