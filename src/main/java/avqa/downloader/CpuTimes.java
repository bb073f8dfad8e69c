package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time so far: of this process (the JVM, all its threads) and of the programs it ran and waited
 * for (yt-dlp, ffmpeg, ffprobe), from /proc/self/stat; the benchmark reads these to tell the tool's
 * own cost from the tools'. Empty where /proc is not there.
 */
final class CpuTimes {

    private CpuTimes() {
    }

    static Map<String, Double> now() {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // fields after the command name in parentheses: utime=14, stime=15, cutime=16, cstime=17 (1-based)
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double hz = 100.0; // USER_HZ, 100 on Linux
            out.put("self", (Long.parseLong(f[11]) + Long.parseLong(f[12])) / hz);
            out.put("children", (Long.parseLong(f[13]) + Long.parseLong(f[14])) / hz);
        } catch (IOException | RuntimeException notLinux) {
            // not Linux: no figures
        }
        return out;
    }
}
