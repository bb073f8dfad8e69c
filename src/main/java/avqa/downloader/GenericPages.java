package avqa.downloader;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which sources yt-dlp reads with its generic extractors (a plain media file behind a page URL, a page
 * with a {@code <video>} in it: a lab's mirror, say), so that its later starts for the same source skip
 * the rest. yt-dlp tries each of its 1,700-odd site extractors on a URL before it falls back to the
 * generic one, compiling each one's pattern on the way: half of what a start costs (0.3 s of CPU of
 * 0.6 s). Once a video of a source came through the generic extractors, the next starts for URLs of
 * that source are given {@code --use-extractors generic,html5}.
 *
 * <p>A source is a URL's scheme, host, port and path up to its last {@code /}: the URLs one template
 * makes differ in the video id only. What is learnt holds for this run. A start restricted so that
 * yt-dlp says "Unsupported URL" (a page that embeds another site's player, which only that site's
 * extractor finds) forgets the source, and the video is asked for again at once with every extractor.
 */
public final class GenericPages {

    /**
     * yt-dlp's option, and its generic extractors: the fallback, and the one that reads a page's {@code <video>}
     * tag (which the fallback calls on; without it such a page says "Unsupported URL").
     */
    static final List<String> ONLY_GENERIC = List.of("--use-extractors", "generic,html5");

    /** Extractor names (as {@code %(extractor)s} prints them) that {@link #ONLY_GENERIC} keeps. */
    private static final Set<String> GENERIC = Set.of("generic", "html5");

    /**
     * A start given the generic extractors alone found no video in the page (one that embeds another site's
     * player): its source has every extractor again, and the video is asked for again at once, in the same
     * attempt.
     */
    public static final class FoundNothing extends RuntimeException {
        FoundNothing() {
            super("yt-dlp's generic extractors alone found no video in the page", null, false, false);
        }
    }

    private final Set<String> generic = ConcurrentHashMap.newKeySet();

    /** Whether a start for this URL may use the generic extractor alone. */
    public boolean known(String url) {
        String source = source(url);
        return source != null && generic.contains(source);
    }

    /** yt-dlp's extractor (its name, as {@code %(extractor)s} prints it) delivered a video of this URL. */
    public void delivered(String url, String extractor) {
        String source = source(url);
        if (source != null && GENERIC.contains(extractor) && !VideoIdRules.isYoutubeUrl(url)) {
            generic.add(source);
        }
    }

    /** The generic extractor alone did not find a video of this URL: its source gets every extractor again. */
    public void forget(String url) {
        String source = source(url);
        if (source != null) {
            generic.remove(source);
        }
    }

    /** Whether yt-dlp was told to use the generic extractors alone. */
    static boolean restricted(List<String> args) {
        int at = args.indexOf(ONLY_GENERIC.get(0));
        return at >= 0 && at + 1 < args.size() && args.get(at + 1).equals(ONLY_GENERIC.get(1));
    }

    /** The source of an http(s) URL, or null for anything else. */
    static String source(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme();
            if (u.getRawAuthority() == null || scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return null;
            }
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            return scheme.toLowerCase(Locale.ROOT) + "://" + u.getRawAuthority().toLowerCase(Locale.ROOT)
                    + path.substring(0, path.lastIndexOf('/') + 1);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
