package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code --version}: this tool's version and those of the programs it runs, one line each, as a bug
 * report or a methods section wants them. A program that cannot be run is said so, with where it was
 * looked for; nothing else is checked ({@code --doctor} does that).
 */
final class VersionReport {

    /** This build's version, from the jar's manifest; "unknown" when run from classes, not the jar. */
    static String ours() {
        String v = VersionReport.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "unknown" : v;
    }

    static int print(Settings settings, PrintStream out) {
        ToolVersions tools = new ToolVersions(settings);
        String ours = ours();
        out.println("avqa-downloader " + ours + (ours.equals("unknown") ? " (not run from the built jar)" : ""));
        String ytDlpPath = tools.ytDlpPath();
        String ytDlp = ytDlpPath == null ? "" : tools.ytDlpVersion();
        out.println("yt-dlp " + (ytDlp.isEmpty() ? "not found or not runnable (" + Redact.text(tools.ytDlp(), 200)
                + "; scripts/avqa.sh sets one up)" : Redact.text(ytDlp, 80) + " (" + Redact.text(ytDlpPath, 200) + ")"));
        ToolVersions.Runtime js = tools.jsRuntime();
        out.println("JavaScript runtime (yt-dlp's, for YouTube) " + (js == null || js.version().isEmpty() ? "none found"
                + " (scripts/avqa.sh sets up deno; --doctor says more)" : js.name() + " " + Redact.text(js.version(), 80) + " ("
                + Redact.text(js.path(), 200) + ")"));
        String ffmpeg = tools.ffmpegVersion();
        out.println("ffmpeg " + (ffmpeg.isEmpty() ? "not found or not runnable ("
                + Redact.text(settings.get("avqa.tools.ffmpeg"), 200) + ")" : Redact.text(ffmpeg, 80)));
        String bsdtar = ToolVersions.firstLine(List.of(settings.get("avqa.tools.bsdtar"), "--version"));
        out.println("bsdtar " + (bsdtar.isEmpty() ? "not found or not runnable ("
                + Redact.text(settings.get("avqa.tools.bsdtar"), 200) + ")"
                : Redact.text(bsdtar.replaceFirst("^bsdtar ", ""), 120)));
        out.println("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        return 0;
    }

    private VersionReport() {
    }
}
