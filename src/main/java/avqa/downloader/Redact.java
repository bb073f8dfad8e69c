package avqa.downloader;

import java.util.regex.Pattern;

/**
 * What may be shown of a string that came from outside: without its secrets (the user:password@ of a
 * URL, password-like parameters), with its control characters made visible and its length capped, so
 * no log line, record or file can leak a password, or be forged or flooded by input.
 */
public final class Redact {

    /** Up to the last @ before the path: a password typed with an @ of its own (not written %40) is masked whole. */
    private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#\\s\"<>{}|\\\\^`]*@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)((?:^|[?&;\\s,])[\\w.-]*(?:pass|pwd|secret|token|key|sig|auth|credential)[\\w.-]*=)[^&;#\\s,]*");

    private Redact() {
    }

    /** A URL as it may be logged or written: credentials replaced by {@code ***}, at most 500 characters. */
    public static String url(String url) {
        return url == null ? null : text(secrets(url), 500);
    }

    /** Any text (a tool's error line, an exception's message, a setting) with the secrets of URLs in it masked. */
    public static String secrets(String text) {
        if (text == null) {
            return null;
        }
        String t = USERINFO.matcher(text).replaceAll("$1***@");
        return SECRET_PARAM.matcher(t).replaceAll("$1***");
    }

    /**
     * Input text as it may be logged: control characters, and the invisible ones that turn text around or hide in it
     * (Unicode's format characters: U+202E, U+200B...), shown as {@code \\uXXXX}, at most {@code max} characters.
     */
    public static String text(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 16);
        int i = 0;
        for (; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < s.length()) {
            out.append("…(").append(s.length() - i).append(" more characters)");
        }
        return out.toString();
    }
}
