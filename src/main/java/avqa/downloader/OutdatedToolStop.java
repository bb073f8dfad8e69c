package avqa.downloader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * yt-dlp saying it is out of date ({@code tool-outdated}) is not the video's fault, and it will say
 * the same for the next video: after {@code limit} such failures in a row, with no video fetched by
 * yt-dlp in between, the run stops with the update instruction instead of spending the IP's quota.
 * The videos in hand stay pending; a later run, with a current yt-dlp, tries them all again.
 */
public final class OutdatedToolStop {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.tools");

    private final int limit;
    private final ToolVersions tools;
    private final RunControl run;
    private int inARow;

    public OutdatedToolStop(int limit, ToolVersions tools, RunControl run) {
        this.limit = limit;
        this.tools = tools;
        this.run = run;
        // a new run (yt-dlp updated, or a service's next night) counts from none, whatever the last one left
        run.onNewRun(this::worked);
    }

    /** One more video that yt-dlp could not fetch because it is out of date. */
    public synchronized void failed(VideoFailure failure) {
        inARow++;
        LOG.warn("yt-dlp {} says it is out of date ({} in a row; the run stops at {}): {}", tools.ytDlpVersion(),
                inARow, limit, failure.lastError());
        if (inARow >= limit) {
            // the next run (with yt-dlp updated, or a service's next night) counts from none again
            inARow = 0;
            run.stop(stopReason(limit, tools));
        }
    }

    /** yt-dlp fetched a video. */
    public synchronized void worked() {
        inARow = 0;
    }

    static String stopReason(int limit, ToolVersions tools) {
        String path = tools.ytDlpPath();
        return "yt-dlp " + tools.ytDlpVersion() + " (" + (path == null ? tools.ytDlp() : path) + ") was out of date for "
                + limit + " videos in a row; update it (" + ToolVersions.HOW_TO_UPDATE + ") and run again, "
                + "progress is kept";
    }
}
