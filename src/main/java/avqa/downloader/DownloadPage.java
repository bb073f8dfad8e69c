package avqa.downloader;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * What a share link's web page says instead of giving the file. Google Drive answers a download link
 * of a large file with a page ("Google Drive can't scan this file for viruses") whose form, sent,
 * gives the file: its {@code action} and hidden fields make the URL to ask next. When Drive will not
 * give the file (its download quota for the file is spent), the page says so in its error caption,
 * which is the reason to show. Drive's older page has a download link instead of a form. A Drive viewer link ({@code /file/d/<id>/view}), and a Dropbox link to
 * its preview ({@code dl=0}), are asked for as their download links. Read with jsoup; nothing of the page is run.
 */
public final class DownloadPage {

    private static final Pattern DRIVE_VIEWER = Pattern.compile("/file/d/([A-Za-z0-9_-]+)(/.*)?");
    private static final Pattern DRIVE_OPEN = Pattern.compile("(?:^|&)id=([A-Za-z0-9_-]+)(?:&|$)");
    private static final Pattern DRIVE_RESOURCE_KEY = Pattern.compile("(?:^|&)resourcekey=([A-Za-z0-9_-]+)(?:&|$)");

    /** Whether a URL is a Google Drive folder's ({@code drive.google.com/drive/folders/<id>}), which is no file. */
    public static boolean driveFolder(String url) {
        try {
            URI u = URI.create(url);
            return "drive.google.com".equalsIgnoreCase(u.getHost()) && u.getPath() != null
                    && u.getPath().matches("(/drive)?(/u/\\d+)?/folders/.*");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private final Document page;

    private DownloadPage(Document page) {
        this.page = page;
    }

    /** The page as read from {@code url} (relative links are resolved against it). */
    static DownloadPage of(String html, String url) {
        return new DownloadPage(Jsoup.parse(html, url));
    }

    /**
     * The URL the page's download form leads to (a GET form with the id {@code download-form}, or one with
     * a {@code confirm} field), with its hidden fields as the query; null when it has none, or it leads
     * elsewhere than http(s).
     */
    String formUrl() {
        String link = downloadLink();
        if (link != null) {
            return link;
        }
        Element form = page.selectFirst("form#download-form");
        if (form == null) {
            Element confirm = page.selectFirst("form input[name=confirm]");
            form = confirm == null ? null : confirm.closest("form");
        }
        if (form == null || !form.attr("method").isEmpty() && !form.attr("method").equalsIgnoreCase("get")) {
            return null;
        }
        String action = httpOrNull(form.absUrl("action"));
        if (action == null) {
            return null;
        }
        StringJoiner query = new StringJoiner("&");
        for (Element input : form.select("input[type=hidden][name]")) {
            query.add(URLEncoder.encode(input.attr("name"), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(input.attr("value"), StandardCharsets.UTF_8));
        }
        String base = action.replaceFirst("[?#].*$", "");
        return query.length() == 0 ? base : base + "?" + query;
    }

    /**
     * The URL of the page's download link, where it has one and no download form: Drive's older confirmation page
     * ({@code <a id="uc-download-link" href="/uc?export=download&confirm=…&id=…">}); null otherwise, or when it leads
     * elsewhere than http(s).
     */
    private String downloadLink() {
        if (page.selectFirst("form#download-form") != null) {
            return null;
        }
        Element a = page.selectFirst("a#uc-download-link[href]");
        return a == null ? null : httpOrNull(a.absUrl("href"));
    }

    /** {@code url} when it is an http(s) URL; else null. */
    private static String httpOrNull(String url) {
        try {
            String scheme = url.isEmpty() ? null : URI.create(url).getScheme();
            return scheme != null && scheme.toLowerCase(Locale.ROOT).matches("https?") ? url : null;
        } catch (IllegalArgumentException notAUrl) {
            return null;
        }
    }

    /** What the page says went wrong (Drive's error caption), at most 300 characters; null when it says nothing. */
    String error() {
        Element caption = page.selectFirst(".uc-error-subcaption");
        if (caption == null) {
            caption = page.selectFirst(".uc-error-caption");
        }
        String text = caption == null ? "" : caption.text().strip();
        return text.isEmpty() ? null : Redact.text(text, 300);
    }

    /** The page's title (escaped, at most 120 characters), which often says what it is; null when it has none. */
    String title() {
        String text = page.title().strip();
        return text.isEmpty() ? null : Redact.text(text, 120);
    }

    /**
     * A share link as its download link: a Google Drive viewer link's, or a Dropbox link's with {@code dl=1}
     * in place of {@code dl=0} (its preview page); any other URL as it is.
     */
    static String direct(String url) {
        try {
            URI u = URI.create(url);
            String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
            if ((host.equals("dropbox.com") || host.endsWith(".dropbox.com")) && u.getRawQuery() != null) {
                return url.replaceFirst("([?&])dl=0(?=&|#|$)", "$1dl=1");
            }
            if (!host.equals("drive.google.com") || u.getPath() == null) {
                return url;
            }
            // the viewer link, /file/d/<id>/view, and drive.google.com/open?id=<id>, Drive's older share link
            String id = DRIVE_VIEWER.matcher(u.getPath()).matches() || u.getPath().equals("/open") ? driveFileId(url) : null;
            if (id == null) {
                return url;
            }
            // a file shared by link before 2021 is only given with its resource key, which its links carry
            Matcher key = DRIVE_RESOURCE_KEY.matcher(u.getRawQuery() == null ? "" : u.getRawQuery());
            return u.getScheme() + "://drive.google.com/uc?export=download&id=" + id
                    + (key.find() ? "&resourcekey=" + key.group(1) : "");
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    /**
     * What a link's file is known by, to tell two links to one file from links to two: a Google Drive file's id (its
     * viewer link, its download link and its older open link give one file), else the link as it is asked for
     * ({@link #direct}: a Dropbox link's preview and its download are one file too).
     */
    public static String sameFile(String url) {
        String id = driveFileId(url);
        return id != null ? "the Google Drive file " + id : direct(url);
    }

    /** Whether two links give one file, as {@link #sameFile} knows it. */
    public static boolean oneFile(String a, String b) {
        return sameFile(a).equals(sameFile(b));
    }

    /**
     * The file id of a Google Drive link to a file: {@code drive.google.com/file/d/<id>/view}, {@code …/uc?id=<id>},
     * {@code …/open?id=<id>}, or {@code drive.usercontent.google.com/download?id=<id>}; null for any other URL.
     */
    static String driveFileId(String url) {
        try {
            URI u = URI.create(url);
            String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
            if (!host.equals("drive.google.com") && !host.equals("drive.usercontent.google.com") || u.getPath() == null) {
                return null;
            }
            Matcher viewer = DRIVE_VIEWER.matcher(u.getPath());
            if (viewer.matches()) {
                return viewer.group(1);
            }
            Matcher query = DRIVE_OPEN.matcher(u.getRawQuery() == null ? "" : u.getRawQuery());
            return u.getPath().matches("/(?:open|uc|download)") && query.find() ? query.group(1) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
