package avqa.downloader;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The only way an id from the annotations becomes a URL or a file name.
 *
 * <p>Every id must first match {@link #SAFE_ID} (ASCII letters, digits, {@code _ - #}, at most 64
 * characters); anything else is {@code invalid-id} and never reaches a process or a path. Under a
 * YouTube template an id must also look like a YouTube id (11 characters of {@code [A-Za-z0-9_-]})
 * and must not be one of MUSIC-AVQA's internal names, which only look like ids: those are
 * {@code no-source} and are never requested.
 */
public final class VideoIdRules {

    public static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_#-]{1,64}");
    public static final Pattern YOUTUBE_ID = Pattern.compile("[A-Za-z0-9_-]{11}");
    /** {@code 00000028} (real videos) and {@code vv/sa/va/esa/eva/evv} + 8 digits (synthetic videos). */
    public static final Pattern MUSIC_AVQA_INTERNAL = Pattern.compile("(?:\\d{8}|(?:vv|sa|va|esa|eva|evv)\\d{8})");

    public static final String NO_SOURCE_INTERNAL_REASON =
            "MUSIC-AVQA internal video name, not a YouTube id: get it from the official archives "
                    + "or a mirror (--source-url-template)";
    public static final String NO_SOURCE_NOT_YOUTUBE_REASON =
            "not a YouTube id (11 characters of A-Z a-z 0-9 _ -): nothing to request from YouTube";
    public static final String INVALID_ID_REASON =
            "id is not a safe name (ASCII letters, digits, _ - #, at most 64 characters): never requested";

    private final String template;
    private final boolean youtube;

    public VideoIdRules(String urlTemplate) {
        this.template = checkTemplate(urlTemplate);
        this.youtube = isYoutubeUrl(template.replace("{id}", "x"));
    }

    /** A source URL must be http(s) with a host; throws IllegalArgumentException saying what is wrong. */
    public static void checkSourceUrl(String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("url must be http(s) with a host");
        }
        if (!portInRange(uri)) {
            throw new IllegalArgumentException("url has a port out of range");
        }
    }

    /**
     * Whether a URL's port, if it names one, is one a connection can be made to (1 to 65535): the URL parser takes
     * 99999, and the HTTP client then refused each video in its own words, as "a bug".
     */
    static boolean portInRange(URI uri) {
        return uri.getPort() == -1 || uri.getPort() >= 1 && uri.getPort() <= 65535;
    }

    /** Whether a URL points at YouTube. */
    public static boolean isYoutubeUrl(String url) {
        String host;
        try {
            host = URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        // a name written fully qualified (www.youtube.com.) is the same host
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("youtube.com") || h.endsWith(".youtube.com") || h.equals("youtu.be")
                || h.endsWith("youtube-nocookie.com");
    }

    /**
     * Whether a URL is an http or https one, its scheme written in any case ({@code HTTP://…} is {@code http://…}, and
     * the checks of the template and the manifest take it so).
     */
    public static boolean isHttp(String url) {
        return url != null && (url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8));
    }

    /**
     * A YouTube URL as yt-dlp's YouTube extractor knows one: its scheme and host in lower case, the host's trailing dot
     * gone ({@code HTTPS://WWW.YouTube.com./watch?v=…} went to its generic extractor). One with a login in it is left.
     */
    static String plainYoutubeUrl(String url) {
        int s = url.indexOf("://");
        if (s < 0) {
            return url;
        }
        int end = s + 3;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(s + 3, end);
        if (authority.contains("@") || authority.contains("[")) {
            return url;
        }
        int colon = authority.indexOf(':');
        String host = (colon >= 0 ? authority.substring(0, colon) : authority).toLowerCase(Locale.ROOT);
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return url.substring(0, s).toLowerCase(Locale.ROOT) + "://" + host + (colon >= 0 ? authority.substring(colon) : "")
                + url.substring(end);
    }

    /** Checks a {@code --source-url-template}; throws {@link BadInputException} saying what is wrong. */
    public static String checkTemplate(String template) {
        return checkTemplate(template, "--source-url-template");
    }

    /** The same, for the setting {@code name} (avqa.source.clip-url-template is checked as such, and named so). */
    public static String checkTemplate(String template, String name) {
        if (template == null || template.isBlank()) {
            throw new BadInputException(name + " is empty");
        }
        if (!template.contains("{id}")) {
            throw new BadInputException(name + " must contain {id}: " + Redact.url(template));
        }
        URI uri;
        try {
            uri = new URI(template.replace("{id}", "x"));
        } catch (URISyntaxException e) {
            throw new BadInputException(name + " is not a URL: " + Redact.url(template));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new BadInputException(name + " must be an http(s) URL with a host: " + Redact.url(template));
        }
        if (!portInRange(uri)) {
            throw new BadInputException(name + " has a port out of range (a port is 1 to 65535): " + Redact.url(template));
        }
        return template;
    }

    public boolean isYoutube() {
        return youtube;
    }

    public static boolean isSafe(String id) {
        // SAFE_ID, by hand: a rerun asks it of every id in the record and the plan (100,000 and more), where the
        // pattern's matcher cost a tenth of a second each time
        if (id == null || id.isEmpty() || id.length() > 64) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '#')) {
                return false;
            }
        }
        return true;
    }

    /** {@link #YOUTUBE_ID}, by hand, for a safe id: 11 characters, none of them {@code #}. */
    private static boolean isYoutubeShaped(String safeId) {
        return safeId.length() == 11 && safeId.indexOf('#') < 0;
    }

    /** Whether an id ends as every internal name does (a look before the pattern, which most ids fail). */
    private static boolean endsInEightDigits(String id) {
        if (id.length() < 8) {
            return false;
        }
        for (int i = id.length() - 8; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** What can be done with this id: a URL to fetch, or the failure category and why. */
    public VideoTask resolve(String id) {
        if (!isSafe(id)) {
            return VideoTask.unavailable(id, VideoFailure.INVALID_ID, INVALID_ID_REASON);
        }
        if (youtube) {
            if (endsInEightDigits(id) && MUSIC_AVQA_INTERNAL.matcher(id).matches()) {
                return VideoTask.unavailable(id, VideoFailure.NO_SOURCE, NO_SOURCE_INTERNAL_REASON);
            }
            if (!isYoutubeShaped(id)) {
                return VideoTask.unavailable(id, VideoFailure.NO_SOURCE, NO_SOURCE_NOT_YOUTUBE_REASON);
            }
        }
        return VideoTask.download(id, template.replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8)));
    }
}
