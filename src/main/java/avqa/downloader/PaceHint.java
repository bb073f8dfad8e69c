package avqa.downloader;

import avqa.downloader.settings.SettingsTable;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line once the plan is known, when the downloads from hosts that are not YouTube will take long at the pace
 * the run keeps (by default YouTube's: one download start every 15 s): how long at least, and how a server of the
 * user's own is fetched faster; only at the defaults' pace (--max-requests and --period as shipped): one the user chose
 * is theirs. The pace is not changed: it is the user's to choose, and a host that is not YouTube may limit its callers
 * too.
 */
public final class PaceHint {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.plan");

    /** Below this the pace costs little enough not to be worth a line. */
    static final long WORTH_SAYING_MILLIS = 10 * 60_000L;

    private final long gapMillis;
    private final int maxRequests;
    private final String period;

    /**
     * @param gapMillis   the throttle's gap between two download starts (avqa.throttle.gap-millis)
     * @param maxRequests --max-requests, as given
     * @param period      --period, as given
     */
    public PaceHint(long gapMillis, int maxRequests, String period) {
        this.gapMillis = gapMillis;
        this.maxRequests = maxRequests;
        this.period = period;
    }

    public void sayIfSlow(@Variable("plan") List<VideoTask> plan) {
        String hint = hint(plan);
        if (hint != null) {
            LOG.info(hint);
        }
    }

    /** The line, or null when the downloads from hosts other than YouTube take less than {@link #WORTH_SAYING_MILLIS}. */
    String hint(List<VideoTask> plan) {
        long downloads = 0;
        Set<String> hosts = new LinkedHashSet<>();
        for (VideoTask t : plan) {
            if (t.state() != VideoTask.State.DOWNLOAD || t.url() == null || VideoIdRules.isYoutubeUrl(t.url())) {
                continue;
            }
            downloads++;
            String host = host(t.url());
            if (host != null) {
                hosts.add(host);
            }
        }
        long takes = downloads * gapMillis;
        // a pace the user chose (slower or faster than YouTube's defaults) is theirs: nothing to say of it
        boolean defaults = String.valueOf(maxRequests).equals(SettingsTable.DEFAULTS.get("avqa.throttle.max-requests"))
                && String.valueOf(period).strip().equals(SettingsTable.DEFAULTS.get("avqa.throttle.period"));
        if (downloads == 0 || takes < WORTH_SAYING_MILLIS || !defaults) {
            return null;
        }
        return String.format(Locale.ROOT, "The %d downloads from %s are paced at one start every %s at most "
                        + "(--max-requests %d per --period %s; the defaults are YouTube's pace): they take %s or more. A server "
                        + "that allows more (a mirror of your own) is fetched faster with --sleep 0 --jitter 0 "
                        + "--max-requests 1000 --period 1 (README, \"A mirror's web pages go in batches\")",
                downloads, named(hosts), seconds(gapMillis), maxRequests, period, duration(takes));
    }

    /** The host of a URL, lower case, at most 100 characters of a safe alphabet; null when it has none. */
    private static String host(String url) {
        try {
            String h = URI.create(url).getHost();
            return h == null ? null : Redact.text(h.toLowerCase(Locale.ROOT), 100);
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }

    /** {@code a}, {@code a and b}, {@code a, b and 3 other hosts}. */
    static String named(Set<String> hosts) {
        List<String> all = List.copyOf(hosts);
        if (all.isEmpty()) {
            return "hosts other than YouTube";
        }
        if (all.size() <= 2) {
            return String.join(" and ", all);
        }
        return all.get(0) + ", " + all.get(1) + " and " + (all.size() - 2) + " other host" + (all.size() > 3 ? "s" : "");
    }

    /** {@code 15 s}, {@code 1.5 s}, {@code 0.25 s}. */
    static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.3g s", millis / 1000.0);
    }

    /** {@code 38 h 42 min}, {@code 25 min}. */
    static String duration(long millis) {
        long minutes = (millis + 59_999) / 60_000;
        return minutes < 60 ? minutes + " min" : minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }
}
