package avqa.downloader;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before any request to YouTube: a plan with YouTube downloads and a yt-dlp too old for YouTube (before
 * 2024.07.25, such as Debian 12's 2023.03.04), or a current one with no JavaScript runtime to give it,
 * would spend the IP's quota on requests that cannot succeed. Those downloads are taken out of the plan and recorded
 * {@code tool-outdated}, never requested (each clip under its own name), with one warning that says how to update;
 * every other source goes ahead. A later run with a current yt-dlp tries them again. yt-dlp is only asked its version
 * when YouTube downloads are left.
 * <p>
 * A run that imports no archive is looked at right after its plan ({@link #admit}). A run that imports archives is
 * looked at after them ({@link #admitLeft}), of what they did not provide ({@link DispatchRecheck}): an archive that
 * holds every video asks no yt-dlp and warns of nothing. On a cluster the workers' yt-dlp decides, so a planner passes
 * its plan on as it is (a worker refuses such a download itself, in {@link YtDlp}).
 */
public final class YoutubeGate {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.plan");

    private final ToolVersions tools;
    private final boolean clustered;
    private final DispatchRecheck recheck;
    private final boolean afterImports;

    /** {@code afterImports}: the run imports archives ({@code Settings.importsArchives}). */
    public YoutubeGate(ToolVersions tools, boolean clustered, DispatchRecheck recheck, boolean afterImports) {
        this.tools = tools;
        this.clustered = clustered;
        this.recheck = recheck;
        this.afterImports = afterImports;
    }

    /** The plan, as it was made; for a run that imports no archive, with its YouTube downloads looked at. */
    public List<VideoTask> admit(@Variable("plan") List<VideoTask> plan) {
        return afterImports ? plan : refuseIfNeeded(plan);
    }

    /** The plan, after the imports; for a run that imports archives, with the YouTube downloads they lack looked at. */
    public List<VideoTask> admitLeft(@Variable("plan") List<VideoTask> plan) {
        return afterImports ? refuseIfNeeded(plan) : plan;
    }

    /** The plan, with YouTube downloads turned into {@code tool-outdated} records when yt-dlp is too old. */
    private List<VideoTask> refuseIfNeeded(List<VideoTask> plan) {
        if (clustered || plan.stream().noneMatch(this::youtubeLeft)) {
            return plan;
        }
        boolean tooOld = tools.tooOldForYoutube();
        if (!tooOld && !noRuntime()) {
            return plan;
        }
        VideoFailure refused = tooOld ? YtDlp.tooOld(tools) : new VideoFailure.ToolOutdated("yt-dlp has no JavaScript "
                + "runtime, which today's YouTube needs; not requested. " + NO_RUNTIME_HOW, "refused before any request");
        List<VideoTask> admitted = new ArrayList<>();
        int videos = 0;
        int records = 0;
        for (VideoTask task : plan) {
            List<VideoTask> parts = isYoutubeDownload(task) ? recheck.recheck(task) : List.of();
            if (parts.stream().noneMatch(YoutubeGate::isYoutubeDownload)) {
                admitted.add(task); // not from YouTube, or provided by an archive: dispatch finds nothing to fetch
                continue;
            }
            videos++;
            for (VideoTask part : parts) {
                if (!isYoutubeDownload(part)) {
                    admitted.add(part); // the mirrored copies of clips an archive provided
                    continue;
                }
                List<String> names = part.clips().isEmpty() ? List.of(part.id())
                        : part.clips().stream().map(Clip::name).toList();
                for (String name : names) {
                    admitted.add(VideoTask.unavailable(name, VideoFailure.TOOL_OUTDATED, refused.reason()));
                    records++;
                }
            }
        }
        if (!tooOld) {
            LOG.warn("Not requesting {} ({}, recorded as tool-outdated): yt-dlp has no "
                    + "JavaScript runtime (avqa.tools.js-runtime), without which YouTube's formats cannot be had. {}. Other "
                    + "sources go ahead.", downloads(videos), clips(records), NO_RUNTIME_HOW);
            return admitted;
        }
        String path = tools.ytDlpPath();
        LOG.warn("Not requesting {} ({}, recorded as tool-outdated): yt-dlp {} at {} "
                        + "is older than {} and cannot fetch from YouTube. Update it: {}; Debian's package cannot "
                        + "update itself. Other sources go ahead.", downloads(videos), clips(records), tools.ytDlpVersion(),
                path == null ? tools.ytDlp() : path, ToolVersions.YOUTUBE_MINIMUM.toString().replace('-', '.'),
                ToolVersions.HOW_TO_UPDATE);
        return admitted;
    }

    static final String NO_RUNTIME_HOW = "Install deno 2 or later (scripts/avqa.sh puts one in .tools/deno), or set "
            + "avqa.tools.js-runtime=node:/path/to/node (node 20 or later)";

    /** A yt-dlp that takes a JavaScript runtime (2025.11.12 or later), and none to give it. */
    private boolean noRuntime() {
        if (!tools.takesJsRuntimes()) {
            return false;
        }
        ToolVersions.Runtime r = tools.jsRuntime();
        return r == null || r.path() == null;
    }

    /** Whether a YouTube download is left of this task (after the imports: what the archives did not provide). */
    private boolean youtubeLeft(VideoTask task) {
        return isYoutubeDownload(task) && recheck.recheck(task).stream().anyMatch(YoutubeGate::isYoutubeDownload);
    }

    private static boolean isYoutubeDownload(VideoTask task) {
        return task.state() == VideoTask.State.DOWNLOAD && task.url() != null && VideoIdRules.isYoutubeUrl(task.url());
    }

    private static String downloads(int n) {
        return Shown.count(n, "YouTube download", "YouTube downloads");
    }

    private static String clips(int n) {
        return Shown.count(n, "video or clip", "videos or clips");
    }
}
