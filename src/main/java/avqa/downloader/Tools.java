package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.util.List;

/** The programs the pipeline runs: they must be there before any work starts. */
final class Tools {

    private Tools() {
    }

    /** yt-dlp, ffmpeg and ffprobe must be runnable; else one line saying how to get them. */
    static void check(Settings settings) {
        for (String key : List.of("avqa.tools.yt-dlp", "avqa.tools.ffmpeg", "avqa.tools.ffprobe")) {
            String tool = settings.get(key);
            if (!onPath(tool)) {
                throw new BadInputException(tool + " was not found; " + (key.endsWith("yt-dlp")
                        ? "get a current one (" + ToolVersions.HOW_TO_UPDATE + ")"
                        : "install it (Debian/Ubuntu: sudo apt-get install ffmpeg)") + " or set " + key + " to its path");
            }
        }
    }

    static boolean onPath(String tool) {
        return ToolVersions.which(tool) != null;
    }
}
