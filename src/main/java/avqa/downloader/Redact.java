package avqa.downloader;

import java.util.regex.Pattern;

/**
 * What may be shown of a string that came from outside: a URL without its password (user:password@
 * and password-like query parameters), and any input text with its control characters made visible
 * and its length capped, so no log line or record can be forged or flooded by it.
 */
public final class Redact {

    private static final Pattern USERINFO = Pattern.compile("(?i)^([a-z][a-z0-9+.-]*://)[^/@?#]*@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&;](?:[^=&;#]*(?:pass|pwd|secret|token|key|sig|auth|credential)[^=&;#]*)=)[^&;#]*");

    private Redact() {
    }

    /** A URL as it may be logged or written: credentials replaced by {@code ***}. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String u = USERINFO.matcher(url).replaceFirst("$1***@");
        u = SECRET_PARAM.matcher(u).replaceAll("$1***");
        return text(u, 500);
    }

    /** Input text as it may be logged: control characters shown as {@code \\uXXXX}, at most {@code max} characters. */
    public static String text(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 16);
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= max && s.length() > max) {
            out.setLength(max);
            out.append("…(").append(s.length() - max).append(" more)");
        }
        return out.toString();
    }
}
