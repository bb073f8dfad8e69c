package avqa.downloader.settings;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

/** The checks of the option table: each says what a good value is, in the words of the error message. */
final class Checks {

    private Checks() {
    }

    static final Setting.Check BOOLEAN = v -> v.equals("true") || v.equals("false") ? null : "true or false";

    /** A byte rate, above nothing: at 0 a download would wait for ever (yt-dlp takes 0 as no limit at all). */
    static final Setting.Check RATE = v -> v.matches("\\d+(\\.\\d+)?[KMGkmg]?") && !v.matches("0*(\\.0*)?[KMGkmg]?")
            ? null : "a byte rate above 0 such as 50K, 1.5M or 200000";

    /** A size in bytes with an optional K, M, G or T (powers of 1024). */
    static final Setting.Check SIZE = matches("\\d+(\\.\\d+)?[KMGTkmgt]?", "a size such as 500M or 2G");

    /** A size of the log file: 1K at least, so that a rolled over log holds a few lines. */
    static final Setting.Check LOG_SIZE = v -> SIZE.expected(v) != null ? "a size such as 100M or 20M"
            : Settings.sizeInBytes(v) < 1024 ? "1K or more" : null;

    /** The cap on an audio file: 1M at least (a second of 48 kHz stereo WAV is 188 KiB; 0 would stop every pass). */
    static final Setting.Check AUDIO_SIZE = v -> SIZE.expected(v) != null ? "a size such as 2G or 500M"
            : Settings.sizeInBytes(v) < 1 << 20 ? "1M or more" : null;

    static final Setting.Check CRON = v -> !org.quartz.CronExpression.isValidExpression(v)
            ? "a Quartz cron expression such as '0 0 2 * * ?' (seconds minutes hours day-of-month month day-of-week)"
            : firesAgain(v) ? null : "a Quartz cron expression that fires again; this one names no time to come "
            + "(a year gone by, or a day no month has, such as February 30)";

    /** Whether a valid cron expression names a time after now (Quartz refuses to schedule one that does not). */
    private static boolean firesAgain(String cron) {
        try {
            return new org.quartz.CronExpression(cron).getNextValidTimeAfter(new java.util.Date()) != null;
        } catch (java.text.ParseException e) {
            return false;
        }
    }

    static final Setting.Check PROGRAM = v -> !v.isEmpty() && !v.startsWith("-") ? null : "a program name or path";

    static final Setting.Check JS_RUNTIME = matches("auto|none|(deno|node|bun|quickjs)(:[^-\\s][^\\s]*)?",
            "auto, none, or deno, node, bun or quickjs with an optional :PATH (e.g. node:/usr/bin/node)");

    static final Setting.Check REMOTE_COMPONENTS = matches("(ejs:(npm|github)(,ejs:(npm|github))*)?",
            "ejs:npm, ejs:github, both separated by a comma, or empty");

    private static final String PROXY_EXPECTED = "a URL such as http://host:3128 or socks5://host:1080";

    static final Setting.Check PROXY = v -> {
        if (v.isEmpty()) {
            return null;
        }
        try {
            URI u = new URI(v);
            return u.getScheme() != null && u.getHost() != null && !v.startsWith("-") ? null : PROXY_EXPECTED;
        } catch (Exception e) {
            return PROXY_EXPECTED;
        }
    };

    /** Said of a path or URL holding a line break, a tab or another control character, which no route or tool takes. */
    static final String NO_CONTROL = "without control characters (a line break, a tab, ...): rename it or give another";

    private static boolean hasControl(String v) {
        return v.chars().anyMatch(Character::isISOControl);
    }

    /** Said of a data directory whose path Camel's file endpoints would read as something else. */
    static final String NOT_IN_A_FILE_URI = "without a backslash, a '?', a '{{', '}}' or '${', or a %-escape such as %41 (the "
            + "routes' file endpoints would read them as a folder, options, a placeholder or another letter, and write "
            + "elsewhere): rename it or give another";

    static final Setting.Check METADATA_URL = v -> {
        if (v.isEmpty()) {
            return null;
        }
        if (hasControl(v)) {
            return "a URL " + NO_CONTROL;
        }
        String scheme = v.contains(":") ? v.substring(0, v.indexOf(':')) : "";
        boolean ok = List.of("http", "https", "file").contains(scheme) && !v.contains("${") && !v.contains("'")
                && !v.contains("{{");
        if (ok && !scheme.equals("file")) {
            // a password holding an @ of its own leaves no host a client can read; a port is at most 65535
            String rest = v.startsWith(scheme + "://") ? v.substring(scheme.length() + 3) : "";
            String authority = rest.split("[/?#]", 2)[0];
            String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
            java.util.regex.Matcher port = java.util.regex.Pattern.compile(":(\\d*)$").matcher(hostPort);
            ok = !hostPort.isEmpty() && authority.indexOf('@') == authority.lastIndexOf('@')
                    && (!port.find() || port.group(1).length() <= 5 && (port.group(1).isEmpty()
                    || Integer.parseInt(port.group(1)) <= 65535));
        }
        if (ok && scheme.equals("file") && !localFolder(v)) {
            // its folder goes into the file endpoint that reads the annotations: a '?' there set that endpoint's
            // options (delete=true deleted the user's own annotation file)
            return "a file: URL of a folder " + NOT_IN_A_FILE_URI;
        }
        return ok ? null : scheme.isEmpty() ? "an http(s):// or file: URL (a local folder is file:/path/to/it or file:relative/path)"
                : "an http(s):// or file: URL (in a user:password@, write @ : / as %40 %3A %2F)";
    };

    static final Setting.Check BROKER_URL = v -> v.isEmpty() || v.matches("(tcp|ssl|nio|failover):[^\\s'{}$]+") ? null
            : "an ActiveMQ URL such as tcp://broker-host:61616";

    static final Setting.Check DB_URL = v -> v.isEmpty() || v.matches("jdbc:postgresql://[^\\s'{}$]+") ? null
            : "a PostgreSQL JDBC URL such as jdbc:postgresql://db-host:5432/avqa";

    static final Setting.Check QUEUE = matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}",
            "a queue name of letters, digits, '.', '_' and '-'");

    static final Setting.Check HTTP_URL = v -> v.isEmpty() || v.matches("(?i)https?://[^\\s'{}$]+") ? null
            : "an http(s) URL";

    /** The management endpoint's port: auto (on in service and worker modes), off, or a port number. */
    static final Setting.Check MANAGEMENT_PORT = v -> v.equals("auto") || v.equals("off")
            || wholeNumber(1, 65535).expected(v) == null ? null : "auto, off or a port number from 1 to 65535";

    /** An address to listen on: an IPv4 address, a bracket-less IPv6 address or a host name. */
    static final Setting.Check HOST = matches("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}",
            "an address to listen on such as 127.0.0.1, 0.0.0.0 or ::1");

    static final Setting.Check DIRECTORY = v -> v.isEmpty() ? "a directory path"
            : hasControl(v) ? "a directory path " + NO_CONTROL
            // a file: URL here was read as a folder named "file:…" under the tool's own folder
            : v.regionMatches(true, 0, "file:", 0, 5) ? "a directory path, not a file: URL (give the folder itself)"
            // the routes' file:{{data-dir}}/metadata became file://metadata: a host, and ./metadata was written
            : java.nio.file.Path.of(v).toAbsolutePath().normalize().getNameCount() == 0
            ? "a directory path other than the file system's root (/): give a folder of its own"
            : notAFileUri(java.nio.file.Path.of(v).toAbsolutePath().toString())
            ? "a directory path " + NOT_IN_A_FILE_URI : null;

    private static final java.util.regex.Pattern PERCENT_ESCAPE = java.util.regex.Pattern.compile("%[0-9A-Fa-f]{2}");

    /**
     * Whether a path cannot stand in a {@code file:} endpoint's URI as it is: Camel takes a backslash for a folder's
     * separator, a '?' for the start of its options, '{{' for a property placeholder, '${' for an expression, and decodes a %-escape, so the
     * data directory's files would be written to another folder, or not at all.
     */
    private static boolean notAFileUri(String path) {
        return path.contains("\\") || path.contains("?") || path.contains("{{") || path.contains("}}")
                || path.contains("${") || path.contains("$simple{") || PERCENT_ESCAPE.matcher(path).find();
    }

    /** Whether a file: URL names a folder a file endpoint takes as it is: no query, no fragment, no character it reads otherwise. */
    private static boolean localFolder(String url) {
        String path = url.substring("file:".length());
        if (path.startsWith("//")) {
            try {
                java.net.URI u = new java.net.URI(url);
                if (u.getRawQuery() != null || u.getRawFragment() != null || u.getPath() == null) {
                    return false;
                }
                path = u.getPath();
            } catch (java.net.URISyntaxException e) {
                return false;
            }
        }
        try {
            return !notAFileUri(java.nio.file.Path.of(path).toAbsolutePath().toString());
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    static Setting.Check wholeNumber(int min, int max) {
        return v -> {
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return null;
                }
            } catch (NumberFormatException ignored) {
                // said below
            }
            return "a whole number from " + min + " to " + max;
        };
    }

    /** A whole number in a range, or empty (meaning: as the source has it). */
    static Setting.Check wholeNumberOrEmpty(int min, int max) {
        Setting.Check n = wholeNumber(min, max);
        return v -> v.isEmpty() ? null : n.expected(v) == null ? null : n.expected(v) + ", or empty";
    }

    /**
     * A frame rate, or empty (no frames): at least one frame a minute (1/60 fps; below it ffmpeg's fps filter makes no
     * frame of a one-minute video, and every video would be given up), at most 60.
     */
    static final Setting.Check FRAME_RATE = v -> {
        String wrong = positiveOrEmpty(60).expected(v);
        return wrong == null && !v.isEmpty() && Double.parseDouble(v) < 1.0 / 60
                ? "at least one frame a minute (1/60: 0.0167, or more) and at most 60, or empty: at a lower rate a one-minute "
                        + "video gets no frame"
                : wrong;
    };

    /** A number above 0 and at most {@code max}, or empty (off). */
    static Setting.Check positiveOrEmpty(double max) {
        return v -> {
            if (v.isEmpty()) {
                return null;
            }
            try {
                double d = Double.parseDouble(v);
                if (d > 0 && d <= max && Double.isFinite(d)) {
                    return null;
                }
            } catch (NumberFormatException ignored) {
                // said below
            }
            return "a number above 0 and at most " + (long) max + ", or empty";
        };
    }

    static final Setting.Check FRAME_PATTERN = matches("[A-Za-z0-9_-]*%0?[1-9]?d[A-Za-z0-9_-]*\\.(jpg|jpeg|png)",
            "a file name with one %0Nd and .jpg, .jpeg or .png, such as %06d.jpg");

    static final Setting.Check PROFILE = v -> v.isEmpty() || v.equals("music-avqa-reference") ? null
            : "music-avqa-reference, or empty";

    /** Seconds in a day and in a week: the longest a pause, a period or a timeout may be (a typo of 1e300 would not wait). */
    static final double DAY = 86_400;
    static final double WEEK = 7 * DAY;

    /** A number from {@code min} to {@code max}. */
    static Setting.Check within(double min, double max) {
        String expected = "a number from " + shown(min) + " to " + shown(max);
        return v -> {
            try {
                double d = Double.parseDouble(v);
                if (d >= min && d <= max) {
                    return null;
                }
            } catch (NumberFormatException ignored) {
                // said below
            }
            return expected;
        };
    }

    private static String shown(double n) {
        return n == Math.floor(n) ? String.valueOf((long) n) : String.valueOf(n);
    }

    static Setting.Check oneOf(String... allowed) {
        List<String> list = List.of(allowed);
        String expected = list.size() == 1 ? list.get(0)
                : String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1);
        return v -> list.contains(v) ? null : expected;
    }

    static Setting.Check matches(String regex, String expected) {
        Pattern p = Pattern.compile(regex);
        return v -> p.matcher(v).matches() ? null : expected;
    }
}
