package avqa.downloader;

/**
 * One clip cut from a source video: {@code [start, start + duration)} in seconds (to the end of the
 * source when {@code duration} is null), mirrored horizontally when {@code flip}. Its {@code name}
 * is the id its files and records are kept under.
 */
public record Clip(String name, double start, Double duration, boolean flip) {

    private static final java.util.regex.Pattern TIME =
            java.util.regex.Pattern.compile("\\d+(\\.\\d+)?|\\d+:[0-5]?\\d(\\.\\d+)?|\\d+:[0-5]?\\d:[0-5]?\\d(\\.\\d+)?");

    /**
     * Seconds from {@code M:SS}, {@code H:MM:SS} or a plain number of seconds; throws
     * IllegalArgumentException with what is wrong.
     */
    public static double seconds(String text) {
        String t = text == null ? "" : text.strip();
        if (!TIME.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + Redact.text(t, 40) + "' is not a time (M:SS, H:MM:SS or seconds)");
        }
        double total = 0;
        for (String part : t.split(":")) {
            total = total * 60 + Double.parseDouble(part);
        }
        if (!(total <= LONGEST)) {
            // 400 nines were read as Infinity, and failed in ffmpeg's words at every run, the source fetched each time
            throw new IllegalArgumentException("'" + Redact.text(t, 40) + "' is past any video's length (at most "
                    + (int) (LONGEST / 3600) + " hours)");
        }
        return total;
    }

    /** The latest time a clip may start or end at, in seconds: 100 hours. */
    static final double LONGEST = 100 * 3600;

    /** The shortest clip: 0.1 s (less holds no picture, and failed as "no video stream"). */
    static final double SHORTEST = 0.1;

    /** The clip a mirrored copy ({@code <clip>_flip}) is made from. */
    public static String mirroredFrom(String flipName) {
        if (!flipName.endsWith("_flip")) {
            throw new IllegalArgumentException(flipName + " is not a mirrored copy");
        }
        return flipName.substring(0, flipName.length() - "_flip".length());
    }

    /** The mirrored copy of a complete clip: all of it, mirrored. */
    public static Clip mirrorOf(String flipName) {
        return new Clip(flipName, 0, null, true);
    }
}
