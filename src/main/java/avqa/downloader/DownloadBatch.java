package avqa.downloader;

import java.util.List;

/**
 * Downloads from one host that one yt-dlp start fetches in turn (a mirror's web pages, never
 * YouTube): a plan entry beside the single tasks.
 *
 * @param name  a safe name for its work directory, {@code #batch-<n>}
 * @param host  the host every URL names
 * @param tasks the videos, each a plain download task
 */
public record DownloadBatch(String name, String host, List<VideoTask> tasks) {

    public DownloadBatch {
        tasks = List.copyOf(tasks);
    }

    public int size() {
        return tasks.size();
    }
}
