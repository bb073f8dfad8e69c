package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --doctor}: is this machine ready for the run the settings describe? One line per check, each
 * with what to do: the programs ({@link ToolCheckup}), then the cookies, the disk, the hosts and the
 * multi-host services ({@link SetupCheckup}). It takes no lock on the data directory, starts no
 * pipeline and writes nothing. Exit status 0 when nothing needed is missing, else 1.
 */
final class Doctor {

    /** One check's outcome. */
    record Finding(Level level, String subject, String text) {
        enum Level { OK, WARN, FAIL }

        static Finding ok(String subject, String text) {
            return new Finding(Level.OK, subject, text);
        }

        static Finding warn(String subject, String text) {
            return new Finding(Level.WARN, subject, text);
        }

        static Finding fail(String subject, String text) {
            return new Finding(Level.FAIL, subject, text);
        }

        String line() {
            return String.format("%-5s %-12s %s", level, subject, text);
        }
    }

    private final Settings settings;
    private final PrintStream out;

    Doctor(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    int run() {
        DownloadEstimate estimate;
        try {
            estimate = DownloadEstimate.of(settings);
        } catch (BadInputException e) {
            out.println(Finding.warn("annotations", "metadata/ holds annotations that cannot be read: " + e.getMessage())
                    .line());
            estimate = null;
        }
        boolean youtube = estimate != null ? estimate.youtube() > 0 : youtubeByDefault();
        out.println("Checking what a run needs" + (youtube ? ", YouTube included" : "") + " (data directory "
                + settings.dataDir() + "):");
        List<Finding> findings = new ArrayList<>(new ToolCheckup(settings, new ToolVersions(settings), youtube,
                LocalDate.now(ZoneOffset.UTC)).check());
        for (Finding f : findings) {
            out.println(f.line());
        }
        for (Finding f : new SetupCheckup(settings, estimate).check()) {
            out.println(f.line());
            findings.add(f);
        }
        long failed = findings.stream().filter(f -> f.level() == Finding.Level.FAIL).count();
        long warned = findings.stream().filter(f -> f.level() == Finding.Level.WARN).count();
        out.println(failed == 0 ? "Ready" + (warned == 0 ? "." : ", with " + warned + " warnings above.")
                : "Not ready: " + failed + (failed == 1 ? " problem" : " problems") + " above (FAIL) to fix first.");
        return failed == 0 ? 0 : 1;
    }

    /**
     * Before the annotations are fetched: whether the dataset fetches from YouTube (the v2.0 clips, when
     * their template is YouTube's; a --manifest may, too).
     */
    private boolean youtubeByDefault() {
        return settings.dataset().manifestPath() != null
                && new VideoIdRules(settings.get("avqa.source.clip-url-template")).isYoutube()
                || !settings.get("avqa.manifests").isEmpty();
    }
}
