package avqa.downloader;

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
        // read as bytes, field by field: a 60 s video lists some 4,000 packets, and a line split into strings cost
        // 15-25 ms a video under C1 (README, Benchmark), the most of what Java did per video on the fast path
        byte[] b = Files.readAllBytes(file);
        Map<Integer, double[]> bases = new HashMap<>();
        long pictures = 0;
        double reach = 0;
        int[] commas = new int[FIELDS];
        try {
            for (int start = 0, end; start < b.length; start = next(b, end)) {
                end = start;
                while (end < b.length && b[end] != '\n' && b[end] != '\r') {
                    end++;
                }
                if (b[start] == '#') {
                    String line = new String(b, start, end - start, StandardCharsets.US_ASCII);
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
                    }
                    continue;
                }
                if (blank(b, start, end)) {
                    continue;
                }
                // S, dts, pts, duration, size, checksum, then flags (F=) and side data (S=) where a packet has them
                int found = 0;
                for (int i = start; i < end && found < FIELDS; i++) {
                    if (b[i] == ',') {
                        commas[found++] = i;
                    }
                }
                // six fields at least, not counting empty ones at its end (a line cut short after a comma)
                if (found < FIELDS - 1 || (found == FIELDS - 1 || !more(b, commas[FIELDS - 1] + 1, end))
                        && (found == FIELDS ? commas[FIELDS - 1] : end) == commas[FIELDS - 2] + 1) {
                    return null;
                }
                long stream = number(b, start, commas[0]);
                double[] base = stream == (int) stream ? bases.get((int) stream) : null;
                if (base == null) {
                    return null;
                }
                if (stream == 0) {
                    pictures++;
                }
                long pts = number(b, commas[1] + 1, commas[2]);
                if (pts == Long.MIN_VALUE) {
                    return null;
                }
                reach = Math.max(reach, (pts + number(b, commas[2] + 1, commas[3])) * base[0]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return reach > 0 ? new PacketLog(pictures, reach) : null;
    }

    /** The commas looked for in a packet's line: those after its first five fields and after its sixth. */
    private static final int FIELDS = 6;

    /** Where the line after the one ending at {@code end} starts: past its \n, \r or \r\n, as a line reader takes them. */
    private static int next(byte[] b, int end) {
        return end + (end + 1 < b.length && b[end] == '\r' && b[end + 1] == '\n' ? 2 : 1);
    }

    /** Whether anything but commas follows. */
    private static boolean more(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ',') {
                return true;
            }
        }
        return false;
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!space(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** White space as {@link String#strip()} takes it, in US-ASCII (a byte past it is no character of the list). */
    private static boolean space(byte c) {
        return c >= 0 && Character.isWhitespace((char) c);
    }

    /** The whole number between {@code from} and {@code to}, white space around it, as {@link Long#parseLong} reads it. */
    private static long number(byte[] b, int from, int to) {
        while (from < to && space(b[from])) {
            from++;
        }
        while (to > from && space(b[to - 1])) {
            to--;
        }
        boolean negative = from < to && b[from] == '-';
        if (from < to && (b[from] == '-' || b[from] == '+')) {
            from++;
        }
        if (from == to) {
            throw new NumberFormatException();
        }
        long value = 0; // counted downwards, as Long.MIN_VALUE has no positive twin
        for (int i = from; i < to; i++) {
            int digit = b[i] - '0';
            if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
                throw new NumberFormatException();
            }
            value = value * 10 - digit;
        }
        if (!negative && value == Long.MIN_VALUE) {
            throw new NumberFormatException();
        }
        return negative ? value : -value;
    }
}
