package avqa.downloader;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * ffmpeg's list of the packets it copied for one video in a pass over several ({@code -f framecrc}): a line
 * {@code #tb S: N/D} gives stream S's time base, then one line per packet, {@code S, dts, pts, duration, size,
 * checksum}, and its flags and side data where it has any. Read for what a pass over the video alone reports in its last line: how far the packets reach
 * (the end of the longest stream: a packet's pts plus its duration, in seconds) and how many packets the first
 * stream copied (the video's pictures, as its output maps the video stream first).
 */
record PacketLog(long pictures, double seconds) {

    /**
     * The list read; null when it is not one ffmpeg wrote whole (a line it would not write), or when its reach would
     * not be what a pass alone reports: a stream that is neither video nor audio (a subtitle cue's long duration), or a
     * packet without a time stamp (NOPTS). The video is then passed alone.
     */
    static PacketLog read(Path file) throws IOException {
        Map<Integer, double[]> bases = new HashMap<>();
        long pictures = 0;
        double reach = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#tb ")) {
                    int colon = line.indexOf(':');
                    int slash = line.indexOf('/', colon);
                    if (colon < 0 || slash < 0) {
                        return null;
                    }
                    double num = Double.parseDouble(line.substring(colon + 1, slash).strip());
                    double den = Double.parseDouble(line.substring(slash + 1).strip());
                    bases.put(Integer.parseInt(line.substring(4, colon).strip()), new double[] {num / den});
                } else if (line.startsWith("#media_type ")) {
                    String type = line.substring(line.indexOf(':') + 1).strip();
                    if (!type.equals("video") && !type.equals("audio")) {
                        return null;
                    }
                } else if (!line.startsWith("#") && !line.isBlank()) {
                    String[] f = line.split(",");
                    if (f.length < 6) { // then flags (F=) and side data (S=) where a packet has them
                        return null;
                    }
                    int stream = Integer.parseInt(f[0].strip());
                    double[] base = bases.get(stream);
                    if (base == null) {
                        return null;
                    }
                    if (stream == 0) {
                        pictures++;
                    }
                    long pts = Long.parseLong(f[2].strip());
                    if (pts == Long.MIN_VALUE) {
                        return null;
                    }
                    reach = Math.max(reach, (pts + Long.parseLong(f[3].strip())) * base[0]);
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return reach > 0 ? new PacketLog(pictures, reach) : null;
    }
}
