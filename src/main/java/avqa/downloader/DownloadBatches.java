package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Variable;

/**
 * Groups the plan's yt-dlp downloads from a host that is not YouTube into batches, one yt-dlp start
 * each, when nothing paces the requests ({@code --sleep 0 --jitter 0} and a throttle of 10 starts a
 * second or more: a mirror one may fetch from freely; with a pause or a slower throttle, the pacing
 * and not yt-dlp's start sets the pace, and each video stays one paced start). A host's downloads are
 * spread over the workers (at most {@code avqa.download.batch} per batch), so the workers finish
 * together. YouTube stays one video per start, paced; plain files take the fast path; a cluster's
 * queue carries single videos.
 */
public final class DownloadBatches {

    /** The throttle's gap between starts at or below which pacing cannot be what sets the pace (10 a second). */
    static final long FREE_GAP_MILLIS = 100;

    private final boolean enabled;
    private final int maxSize;
    private final int workers;
    private final MediaFileFetcher fastPath;
    private int made;

    public DownloadBatches(Settings settings, MediaFileFetcher fastPath) {
        this.maxSize = settings.getInt("avqa.download.batch");
        this.workers = settings.getInt("avqa.workers");
        // a mirror one may fetch from freely: no pause, and a throttle of at least 10 starts a second
        this.enabled = maxSize > 1 && settings.millis("avqa.sleep") == 0 && settings.millis("avqa.jitter") == 0
                && avqa.downloader.settings.CamelProperties.throttleGapMillis(settings) <= FREE_GAP_MILLIS
                && !settings.clustered();
        this.fastPath = fastPath;
    }

    /** The plan with the batchable downloads of each host grouped: the batches first, then the rest in order. */
    public List<Object> group(@Variable("plan") List<VideoTask> plan) {
        List<Object> out = new ArrayList<>();
        if (!enabled) {
            out.addAll(plan);
            return out;
        }
        Map<String, List<VideoTask>> byHost = new LinkedHashMap<>();
        List<VideoTask> rest = new ArrayList<>();
        for (VideoTask task : plan) {
            String host = batchHost(task);
            if (host == null) {
                rest.add(task);
            } else {
                byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(task);
            }
        }
        byHost.forEach((host, tasks) -> {
            int size = Math.min(maxSize, (tasks.size() + workers - 1) / workers);
            for (int i = 0; i < tasks.size(); i += size) {
                List<VideoTask> chunk = tasks.subList(i, Math.min(tasks.size(), i + size));
                out.add(chunk.size() == 1 ? chunk.get(0) : new DownloadBatch(nextName(), host, chunk));
            }
        });
        out.addAll(rest);
        return out;
    }

    private synchronized String nextName() {
        return "#batch-" + (++made);
    }

    /** The host of a download yt-dlp would make one at a time, or null when the task is not one. */
    String batchHost(VideoTask task) {
        String url = task.url();
        if (task.state() != VideoTask.State.DOWNLOAD || !task.clips().isEmpty() || url == null
                || !VideoIdRules.isHttp(url) || VideoIdRules.isYoutubeUrl(url)
                || fastPath.appliesTo(url)) {
            return null;
        }
        try {
            String host = URI.create(url).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
