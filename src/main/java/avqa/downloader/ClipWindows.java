package avqa.downloader;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a clip an archive gave lasts as long as its window in the dataset's list (the v2.0 CSV: each clip's start
 * and length in its source): the authors' clips are cut to their windows, so one of another length is another file
 * under the clip's name, or a clip cut otherwise. It is kept as the archive has it (the archive is the canonical copy),
 * and said, the first few in a line each.
 */
public final class ClipWindows {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.import");
    /** How many clips are said one by one, in a run. */
    static final int SAID_AT_MOST = 10;

    private final VideoPlanner planner;
    private List<VideoTask> planOfWindows;
    private Map<String, Double> windows = Map.of();
    private final AtomicInteger said = new AtomicInteger();

    public ClipWindows(VideoPlanner planner) {
        this.planner = planner;
    }

    /** After an archive's entry was checked as a video: its length against its clip's window, if it is a clip. */
    public void check(@Variable("job") VideoJob job) {
        if (job == null || job.facts() == null || !job.origin().startsWith(Coverage.ARCHIVE)) {
            return;
        }
        Double window = windowOf(job.id());
        double lasts = job.facts().videoSeconds();
        if (window == null || lasts <= 0 || Math.abs(lasts - window) <= Math.max(1.5, 0.05 * window)) {
            return;
        }
        int n = said.incrementAndGet();
        if (n <= SAID_AT_MOST) {
            LOG.warn(String.format(Locale.ROOT, "The clip %s from %s lasts %.1f s, not the %.1f s of its window in the "
                    + "dataset's list: kept as the archive has it%s", Redact.text(job.id(), 200),
                    Redact.text(job.origin().substring(Coverage.ARCHIVE.length()).strip(), 200), lasts, window,
                    n == SAID_AT_MOST ? " (further such clips are not said one by one)" : ""));
        }
    }

    /** The window's length of a clip the last plan has to make (null: no clip, or one to its source's end). */
    private synchronized Double windowOf(String id) {
        List<VideoTask> plan = planner.lastPlan();
        if (plan != planOfWindows) {
            // a new plan (a service's next run): its clips, once
            Map<String, Double> byName = new HashMap<>();
            for (VideoTask t : plan) {
                if (t.clips() != null) {
                    for (Clip c : t.clips()) {
                        if (c.duration() != null) {
                            byName.put(c.name(), c.duration());
                        }
                    }
                }
            }
            windows = byName;
            planOfWindows = plan;
            said.set(0);
        }
        return windows.get(id);
    }
}
