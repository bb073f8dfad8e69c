package avqa.downloader;

import avqa.downloader.Doctor.Finding;
import avqa.downloader.settings.Settings;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --doctor}'s look at the programs: yt-dlp (where, which version, how old, whether YouTube
 * works with it), the JavaScript runtime and the EJS scripts yt-dlp needs for YouTube (asked of yt-dlp
 * itself: its {@code -v} header says which runtimes it takes and which libraries it has), ffmpeg and
 * ffprobe. Each finding says what to do.
 */
final class ToolCheckup {

    /** Older than this many days: YouTube changes, and yt-dlp with it. */
    static final int STALE_DAYS = 90;

    private static final Pattern RUNTIMES = Pattern.compile("(?m)^\\[debug\\] JS runtimes: (.*)$");
    private static final Pattern LIBRARIES = Pattern.compile("(?m)^\\[debug\\] Optional libraries: (.*)$");

    private final Settings settings;
    private final ToolVersions tools;
    private final boolean youtube;
    private final LocalDate today;

    ToolCheckup(Settings settings, ToolVersions tools, boolean youtube, LocalDate today) {
        this.settings = settings;
        this.tools = tools;
        this.youtube = youtube;
        this.today = today;
    }

    List<Finding> check() {
        List<Finding> out = new ArrayList<>();
        String path = tools.ytDlpPath();
        if (path == null) {
            out.add(Finding.fail("yt-dlp", tools.ytDlp() + " was not found: " + ToolVersions.HOW_TO_UPDATE));
        } else {
            ytDlp(path, out);
        }
        program("ffmpeg", "avqa.tools.ffmpeg", out);
        program("ffprobe", "avqa.tools.ffprobe", out);
        if (readsArchives()) {
            bsdtar(out);
        }
        return out;
    }

    /** Whether the run reads archives: --import-archive, or the dataset's own archive to download. */
    private boolean readsArchives() {
        return !settings.archiveUrls().isEmpty() || settings.archiveFiles().stream().anyMatch(f -> !Files.isDirectory(f))
                || settings.flag("avqa.archive.download") && !settings.get("avqa.archive.url").isEmpty();
    }

    /** libarchive's bsdtar, which reads RAR and 7z archives (the v2.0 clips are a RAR); zip and tar need it not. */
    private void bsdtar(List<Finding> out) {
        String program = settings.get("avqa.tools.bsdtar");
        java.nio.file.Path p = ToolVersions.which(program);
        if (p == null) {
            out.add(Finding.fail("bsdtar", program + " was not found, and RAR and 7z archives (the v2.0 clips are a RAR) "
                    + "cannot be read without it: install it (Debian/Ubuntu: sudo apt-get install libarchive-tools) or set "
                    + "avqa.tools.bsdtar to its path"));
            return;
        }
        Matcher m = Pattern.compile("bsdtar (\\S+)").matcher(ToolVersions.firstLine(List.of(p.toString(), "--version")));
        out.add(Finding.ok("bsdtar", "bsdtar " + (m.find() ? m.group(1) : "(version unknown)") + " at " + p
                + ", for RAR and 7z archives"));
    }

    private void ytDlp(String path, List<Finding> out) {
        String version = tools.ytDlpVersion();
        LocalDate date = tools.ytDlpDate();
        String named = "yt-dlp " + (version.isEmpty() ? "(no version)" : version) + " at " + path;
        if (date == null) {
            out.add(Finding.warn("yt-dlp", named + ": its version names no date; cannot tell whether it is current"));
        } else if (tools.tooOldForYoutube()) {
            String text = named + " is older than " + ToolVersions.YOUTUBE_MINIMUM.toString().replace('-', '.')
                    + ": YouTube will not work with it (YouTube downloads are refused before any request). Update it: "
                    + ToolVersions.HOW_TO_UPDATE + "; Debian's package cannot update itself";
            out.add(youtube ? Finding.fail("yt-dlp", text) : Finding.warn("yt-dlp", text));
            return;
        } else {
            long age = ChronoUnit.DAYS.between(date, today);
            out.add(age > STALE_DAYS
                    ? Finding.warn("yt-dlp", named + " is " + age + " days old (over " + STALE_DAYS + "); YouTube changes "
                    + "often: update it (" + ToolVersions.HOW_TO_UPDATE + ")")
                    : Finding.ok("yt-dlp", named + " (" + age + " days old)"));
        }
        if (!tools.takesJsRuntimes()) {
            out.add(Finding.ok("JavaScript", "yt-dlp " + version + " uses no JavaScript runtime (that came with "
                    + ToolVersions.JS_RUNTIMES_SINCE.toString().replace('-', '.') + ")"));
            return;
        }
        List<String> probe = new ArrayList<>(List.of(path, "--ignore-config", "-v"));
        probe.addAll(tools.youtubeArgs());
        String header = ToolVersions.output(probe, 60);
        runtime(header, out);
        ejs(header, out);
    }

    private void runtime(String header, List<Finding> out) {
        ToolVersions.Runtime r = tools.jsRuntime();
        Matcher m = RUNTIMES.matcher(header);
        String said = m.find() ? m.group(1).strip() : "";
        if (r == null) {
            out.add(need("JavaScript", "no JavaScript runtime for yt-dlp (avqa.tools.js-runtime="
                    + settings.get("avqa.tools.js-runtime") + "): YouTube formats will be missing. Install deno 2 or "
                    + "later (scripts/avqa.sh puts one in .tools/deno), or set avqa.tools.js-runtime=node:/path/to/node"));
        } else if (said.contains("unsupported") || said.startsWith("none")) {
            out.add(need("JavaScript", r.name() + " " + r.version() + " at " + r.path() + ": yt-dlp says \"" + said
                    + "\"; it needs a newer " + r.name() + " (or deno: scripts/avqa.sh puts one in .tools/deno)"));
        } else {
            out.add(Finding.ok("JavaScript", r.name() + " " + r.version() + " at " + r.path() + ", passed to yt-dlp as "
                    + "--js-runtimes " + r.argument() + (said.isEmpty() ? "" : " (yt-dlp: " + said + ")")));
        }
    }

    private void ejs(String header, List<Finding> out) {
        Matcher m = LIBRARIES.matcher(header);
        String libraries = m.find() ? m.group(1) : "";
        if (libraries.contains("yt_dlp_ejs") || libraries.contains("yt-dlp-ejs")) {
            out.add(Finding.ok("EJS", "yt-dlp has its EJS scripts (" + libraries.strip() + ")"));
        } else if (!tools.remoteComponents().isEmpty()) {
            out.add(Finding.ok("EJS", "the EJS scripts are not installed; yt-dlp may fetch them itself (avqa.tools"
                    + ".remote-components=" + String.join(",", tools.remoteComponents()) + ")"));
        } else {
            out.add(need("EJS", "yt-dlp's EJS scripts (python package yt_dlp_ejs) are not in its environment: "
                    + "pip install yt-dlp-ejs into it, or set avqa.tools.remote-components=ejs:github (or ejs:npm with "
                    + "deno) so that yt-dlp fetches them (its --remote-components)"));
        }
    }

    private void program(String name, String key, List<Finding> out) {
        String program = settings.get(key);
        java.nio.file.Path p = ToolVersions.which(program);
        if (p == null) {
            out.add(Finding.fail(name, program + " was not found: install it (Debian/Ubuntu: sudo apt-get install ffmpeg) "
                    + "or set " + key + " to its path"));
            return;
        }
        String line = ToolVersions.firstLine(List.of(p.toString(), "-version"));
        Matcher m = Pattern.compile(name + " version (\\S+)").matcher(line);
        out.add(Finding.ok(name, name + " " + (m.find() ? m.group(1) : "(version unknown)") + " at " + p));
    }

    /** Needed when the plan has YouTube downloads; otherwise a warning only. */
    private Finding need(String subject, String text) {
        return youtube ? Finding.fail(subject, text) : Finding.warn(subject, text + " (only YouTube needs it)");
    }
}
