package avqa.downloader;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one ffmpeg run said of its input on stderr at {@code -loglevel level+info}: the input's container,
 * duration and first video and audio streams (the lines ffmpeg prints as it opens a file), how many
 * pictures it passed on, and the problems it met (its warning and error lines). The audio pass reads
 * the whole video once; this report lets that pass stand in for a separate ffprobe.
 * <p>
 * Only ffmpeg's own lines are read: each starts with its level tag, and the input's stream lines are
 * indented exactly two spaces inside the input's block, numbered from 0 in order. A metadata value (a
 * title, say) is printed indented further, its continuation lines without a tag; lines are split at
 * '\n' only. ffmpeg prints a stream's language as it is, so a file could still forge a line there: a
 * stream numbered out of order makes the report {@code forged}, and the pass itself fails a file with
 * no video stream (Ffmpeg.audio maps 0:V:0), whatever its report says. A picture attached to the file (a
 * song's cover art), which ffmpeg lists as a video stream, is none. Problems are the error lines
 * (error, fatal, panic), as the pass printed them before it reported at level info.
 * <p>
 * {@code seconds} is what the file says it lasts (the container's Duration, from its header); {@code held}
 * is how far its packets reach, from the pass's last report ({@code time=}: the end of the longest stream
 * it copied), or -1 when there was none. The header can be wrong where the packets cannot.
 * <p>
 * {@code signalled}: ffmpeg said a signal ended it. A SIGTERM that comes while ffmpeg still opens its input
 * breaks off that reading, and ffmpeg then fails with an error of the input's ("moov atom not found",
 * "Immediate exit requested") and exit 1: the signal, not the file, is the cause.
 */
public record FfmpegReport(boolean opened, boolean forged, String container, double seconds, Stream video,
                           Stream audio, long frames, double held, String problems, boolean signalled) {

    /** One stream as ffmpeg described it; a number it did not give is 0. */
    public record Stream(String codec, int width, int height, double frameRate, int sampleRate, int channels) {
    }

    /** A line's level tag, after the contexts it came from: one, or a child's after its parent's. */
    private static final Pattern TAG = Pattern.compile("^((?:\\[[^\\]\\n]* @ 0x[0-9a-f]+\\] )+)?\\[(\\w+)\\] ");
    private static final Pattern INPUT = Pattern.compile("^Input #0, (.+), from '");
    private static final Pattern DURATION = Pattern.compile("^  Duration: (\\d{1,6}):(\\d\\d):(\\d\\d(?:\\.\\d{1,6})?),");
    private static final Pattern STREAM = Pattern.compile("^  Stream #0:(\\d{1,5})\\S*: (\\w+): ([A-Za-z0-9_]+)(.*)$");
    private static final Pattern SIZE = Pattern.compile(", (\\d{1,5})x(\\d{1,5})[ ,]");
    private static final Pattern RATE = Pattern.compile(", (\\d{1,6}(?:\\.\\d{1,6})?)(k?) (tbr|fps)\\b");
    private static final Pattern HZ = Pattern.compile(", (\\d{1,7}) Hz\\b");
    private static final Pattern LAYOUT = Pattern.compile(" Hz, ([^,]+),");
    private static final Pattern FRAMES = Pattern.compile("^frame= *(\\d{1,15}) ");
    private static final Pattern TIME = Pattern.compile(" time=(\\d{1,6}):(\\d\\d):(\\d\\d(?:\\.\\d{1,6})?) ");
    /** What ffmpeg says last when a signal (camel-exec's timeout's SIGTERM) ended it, whatever its exit. */
    private static final Pattern SIGNAL = Pattern.compile("^Exiting normally, received signal \\d{1,2}\\.$");
    private static final Pattern COUNTED = Pattern.compile("^(\\d{1,2}) channels");
    private static final Pattern NUMBERED = Pattern.compile("^\\d{1,2}(\\.\\d{1,2}){1,2}");
    /** Channel layouts ffmpeg names without their count (the others read "5.1", "7.1.4", "7.1(wide)", "6 channels"). */
    private static final Map<String, Integer> NAMED = Map.of("mono", 1, "stereo", 2, "quad", 4, "hexagonal", 6,
            "octagonal", 8, "hexadecagonal", 16, "downmix", 2, "binaural", 2, "cube", 8);

    /** Reads ffmpeg's stderr; a run that never opened its input has {@code opened} false. */
    static FfmpegReport of(String stderr) {
        String[] lines = stderr.split("\n");
        boolean tagged = false;
        for (String line : lines) {
            tagged |= TAG.matcher(line).find();
        }
        boolean inInput = false;
        boolean opened = false;
        boolean forged = false;
        int streams = 0;
        String container = "";
        double seconds = -1;
        Stream video = null;
        Stream audio = null;
        long frames = -1;
        double held = -1;
        StringBuilder problems = new StringBuilder();
        boolean signalled = false;
        for (String raw : lines) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            Matcher tag = TAG.matcher(line);
            if (!tag.find()) {
                if (!tagged && !line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                    problems.append(line).append('\n'); // a run without level tags: every line is a problem
                }
                continue;
            }
            String level = tag.group(2);
            String text = line.substring(tag.end());
            if (!level.equals("info")) {
                if (level.equals("error") || level.equals("fatal") || level.equals("panic")) {
                    problems.append(tag.group(1) == null ? "" : tag.group(1)).append(text).append('\n');
                }
                continue;
            }
            Matcher m;
            if (tag.group(1) != null) {
                continue;
            } else if ((m = INPUT.matcher(text)).find()) {
                inInput = true;
                opened = true;
                container = m.group(1);
            } else if (!text.startsWith(" ")) {
                inInput = false;
                signalled |= SIGNAL.matcher(text).find();
                if ((m = FRAMES.matcher(text)).find()) {
                    frames = Long.parseLong(m.group(1));
                    Matcher time = TIME.matcher(text);
                    held = time.find() ? hms(time) : -1;
                }
            } else if (inInput && (m = DURATION.matcher(text)).find()) {
                seconds = hms(m);
            } else if (inInput && (m = STREAM.matcher(text)).find()) {
                forged |= Integer.parseInt(m.group(1)) != streams++;
                if (m.group(2).equals("Video") && video == null && !attached(m.group(4))) {
                    video = picture(m.group(3), m.group(4));
                } else if (m.group(2).equals("Audio") && audio == null) {
                    audio = sound(m.group(3), m.group(4));
                }
            }
        }
        return new FfmpegReport(opened, forged, container, seconds, video, audio, frames, held, problems.toString(),
                signalled);
    }

    /**
     * What a pass over several videos ({@code Ffmpeg.audioTogether}) said of its input {@code input}, as a pass over
     * that video alone would have said it: the lines of its block (Input #input and what ffmpeg indents under it,
     * continuation lines of its metadata included), numbered as input 0, then a last report of {@code frames}
     * pictures and packets reaching {@code held} seconds, which the run's own last report gives for all inputs at once.
     * Empty when ffmpeg said nothing of that input. Only ffmpeg's own untagged-context info lines start and end a
     * block, as {@link #of} reads them.
     */
    static String alone(String stderr, int input, long frames, double held) {
        StringBuilder out = new StringBuilder();
        String opening = "Input #" + input + ", ";
        String stream = "  Stream #" + input + ":";
        boolean inside = false;
        for (String raw : stderr.split("\n")) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            Matcher tag = TAG.matcher(line);
            boolean own = tag.find() && tag.group(1) == null;
            String text = own ? line.substring(tag.end()) : line;
            if (own && tag.group(2).equals("info") && !text.startsWith(" ")) {
                inside = text.startsWith(opening);
                if (inside) {
                    out.append("[info] Input #0, ").append(text, opening.length(), text.length()).append('\n');
                }
            } else if (inside) {
                if (own && tag.group(2).equals("info") && text.startsWith(stream)) {
                    out.append("[info]   Stream #0:").append(text, stream.length(), text.length()).append('\n');
                } else {
                    out.append(line).append('\n');
                }
            }
        }
        if (out.length() == 0 || opened(stderr) <= input) {
            return "";
        }
        long hundredths = Math.round(held * 100);
        return out.append(String.format(Locale.ROOT, "[info] frame=%6d fps=0.0 q=-1.0 size=N/A time=%02d:%02d:%02d.%02d "
                        + "bitrate=N/A speed=N/A\n", frames, hundredths / 360000, hundredths / 6000 % 60,
                hundredths / 100 % 60, hundredths % 100)).toString();
    }

    /**
     * How many input blocks ffmpeg's own lines open, or -1 when they are not Input #0, #1, ... each once and in order:
     * a stream's language, which ffmpeg prints as it is (line breaks too, and again in the output blocks), could
     * otherwise open another input's block and rewrite its report.
     */
    static int opened(String stderr) {
        int next = 0;
        for (String raw : stderr.split("\n")) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            Matcher tag = TAG.matcher(line);
            if (tag.find() && tag.group(1) == null && line.startsWith("Input #", tag.end())) {
                if (!line.startsWith("Input #" + next + ", ", tag.end())) {
                    return -1;
                }
                next++;
            }
        }
        return next;
    }

    /** Seconds of an ffmpeg time, its groups hours, minutes and seconds. */
    private static double hms(Matcher m) {
        return Integer.parseInt(m.group(1)) * 3600 + Integer.parseInt(m.group(2)) * 60 + Double.parseDouble(m.group(3));
    }

    /** Whether a video stream's line ends as ffmpeg ends an attached picture's (cover art) or a thumbnail track's. */
    private static boolean attached(String rest) {
        return rest.endsWith(" (attached pic)") || rest.endsWith(" (timed thumbnails)");
    }

    private static Stream picture(String codec, String rest) {
        Matcher size = SIZE.matcher(rest);
        Matcher rate = RATE.matcher(rest);
        double fps = 0;
        while (rate.find()) { // the last: tbr (the rate ffprobe calls r_frame_rate) follows fps
            fps = Double.parseDouble(rate.group(1)) * (rate.group(2).isEmpty() ? 1 : 1000);
        }
        return size.find()
                ? new Stream(codec, Integer.parseInt(size.group(1)), Integer.parseInt(size.group(2)), fps, 0, 0)
                : new Stream(codec, 0, 0, fps, 0, 0);
    }

    private static Stream sound(String codec, String rest) {
        Matcher hz = HZ.matcher(rest);
        Matcher layout = LAYOUT.matcher(rest + ",");
        return new Stream(codec, 0, 0, 0, hz.find() ? Integer.parseInt(hz.group(1)) : 0,
                layout.find() ? channels(layout.group(1).strip()) : 0);
    }

    /** The number of channels of a layout as ffmpeg names it: "stereo" 2, "5.1(side)" 6, "3 channels" 3; 0 unknown. */
    static int channels(String layout) {
        String name = layout.toLowerCase(Locale.ROOT);
        Matcher m = COUNTED.matcher(name);
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        m = NUMBERED.matcher(name);
        if (m.find()) {
            int sum = 0;
            for (String part : m.group().split("\\.")) {
                sum += Integer.parseInt(part);
            }
            return sum;
        }
        String plain = name.replaceFirst("\\(.*$", "");
        return NAMED.getOrDefault(plain, 0);
    }
}
