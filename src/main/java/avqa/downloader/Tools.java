package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
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
                throw new BadInputException(tool + " was not found; install it (Debian/Ubuntu: sudo apt-get install "
                        + "yt-dlp ffmpeg) or set " + key + " to its path");
            }
        }
    }

    static boolean onPath(String tool) {
        if (tool.contains("/")) {
            return Files.isExecutable(Path.of(tool));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
