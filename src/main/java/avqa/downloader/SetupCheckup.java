package avqa.downloader;

import avqa.downloader.Doctor.Finding;
import avqa.downloader.cluster.ClusterConnections;
import avqa.downloader.settings.Settings;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --doctor}'s look at what is around the programs: the cookies file, the free disk against the
 * planned download (the videos, and what is still to come of each archive to download, as its host
 * announces it), whether the annotation host and each archive's host answer (a short HEAD request; a
 * file: URL is looked at on disk), and the broker and the database when they are set. Each finding
 * says what to do.
 */
final class SetupCheckup {

    static final Duration HOST_TIMEOUT = Duration.ofSeconds(5);
    private static final String TUNNEL_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    private final Settings settings;
    private final DownloadEstimate estimate;

    SetupCheckup(Settings settings, DownloadEstimate estimate) {
        this.settings = settings;
        this.estimate = estimate;
    }

    List<Finding> check() {
        List<Finding> out = new ArrayList<>();
        if (!settings.get("avqa.cookies").isEmpty()) {
            out.add(cookies(Path.of(settings.get("avqa.cookies")).toAbsolutePath()));
        }
        if (settings.proxies().any()) {
            // which requests go through which proxy, as the run's log says it at start
            out.add(Finding.ok("proxy", settings.proxies().describe()));
        }
        Archives archives = archiveHosts();
        out.add(disk(archives));
        out.add(annotationHost());
        out.addAll(archives.findings());
        out.addAll(services());
        return out;
    }

    /** Readable, and in the Netscape format yt-dlp reads: its header line, then 7 tab-separated fields a line. */
    static Finding cookies(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return Finding.fail("cookies", "cannot read the cookies file " + file);
        }
        int cookies = 0;
        try (BufferedReader r = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            String first = r.readLine();
            if (first == null || !(first.startsWith("# Netscape HTTP Cookie File") || first.startsWith("# HTTP Cookie File"))) {
                return Finding.fail("cookies", file + " is not a Netscape cookies file (its first line must be "
                        + "\"# Netscape HTTP Cookie File\"): export it again with a cookies.txt browser extension");
            }
            int n = 1;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                String l = line.startsWith("#HttpOnly_") ? line.substring("#HttpOnly_".length()) : line;
                if (l.isBlank() || l.startsWith("#")) {
                    continue;
                }
                if (l.split("\t", -1).length != 7) {
                    return Finding.fail("cookies", file + " line " + n + " does not have the 7 tab-separated fields "
                            + "of a Netscape cookie: export it again");
                }
                cookies++;
            }
        } catch (IOException e) {
            return Finding.fail("cookies", "cannot read the cookies file " + file + ": " + e.getMessage());
        }
        return cookies == 0 ? Finding.fail("cookies", file + " holds no cookie: export it from a browser signed in to YouTube")
                : Finding.ok("cookies", file + ": " + cookies + " cookies in the Netscape format");
    }

    private Finding disk(Archives archives) {
        Path dir = settings.dataDir();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        // a run refuses a data directory on a read-only file system (or one with a folder there), and cannot make one there
        Path readOnly = existing == dir ? ReadOnlyDataDir.where(new Workspace(dir, "", ""))
                : existing != null && ReadOnlyDataDir.is(existing) ? existing : null;
        if (readOnly != null) {
            return Finding.fail("disk", readOnly + " is on a read-only file system, and a run writes its files there: "
                    + "make it writable or choose another --data-dir (--verify alone checks a read-only copy)");
        }
        long free;
        try {
            free = Files.getFileStore(existing == null ? Path.of("/") : existing).getUsableSpace();
        } catch (IOException e) {
            return Finding.fail("disk", "cannot tell the free space of " + dir + ": " + e.getMessage());
        }
        String where = DownloadEstimate.human(free) + " free for " + dir;
        String fromArchives = archives.said();
        String leftover = unresumableParts(dir);
        if (estimate == null) {
            return archives.bytes() > free
                    ? Finding.fail("disk", where + ", less than " + fromArchives.substring("; and ".length())
                    + ": free some space or choose another --data-dir" + leftover)
                    : Finding.warn("disk", where + "; the download cannot be estimated before the annotations are in "
                    + "metadata/ (a --dry-run fetches them)" + fromArchives + leftover);
        }
        long bytes = estimate.bytes() + archives.bytes();
        String need = "the planned download is about " + DownloadEstimate.human(bytes) + " (" + estimate.missing()
                + " videos or clips to fetch, " + estimate.youtube() + " from YouTube, in " + estimate.downloads()
                + " downloads; about " + DownloadEstimate.human(DownloadEstimate.BYTES_PER_VIDEO)
                + " each with its audio, and room for each worker's download in progress" + fromArchives + ")";
        return free >= bytes ? Finding.ok("disk", where + "; " + need + leftover)
                : Finding.fail("disk", where + ", less than " + need + ": free some space or choose another --data-dir"
                + leftover);
    }

    /**
     * The archive parts in archives/ that cannot be resumed (their host gave no size or validator), which the next run
     * deletes as it starts ({@link ArchiveFetch#dropUnresumableParts}): named with their size, as they hold the disk.
     */
    private static String unresumableParts(Path dir) {
        List<Path> parts = ArchiveFiles.unresumableParts(dir.resolve("archives"));
        if (parts.isEmpty()) {
            return "";
        }
        long bytes = parts.stream().mapToLong(ArchiveFiles::sizeOf).sum();
        return "; archives/" + Redact.text(parts.get(0).getFileName().toString(), 200)
                + (parts.size() > 1 ? " and " + (parts.size() - 1) + " more" : "") + " (" + DownloadEstimate.human(bytes)
                + ") cannot be resumed (its host gave no size or validator): the next run deletes "
                + (parts.size() > 1 ? "them" : "it");
    }

    private Finding annotationHost() {
        String base = settings.get("avqa.metadata.base-url");
        Dataset.MetadataFile first = settings.dataset().metadataFiles(settings.splits()).get(0);
        // in metadata/, from this URL: a run does not ask for them
        boolean have = new MetadataSources(settings.dataDir().resolve("metadata"), settings.dataset().metadataFiles(settings.splits()),
                base, settings.metadataDir(), true, null).allFromHere();
        String problem = reach(base, first.remotePath());
        if (problem == null) {
            Path folder = base.startsWith("file:") ? Path.of(settings.metadataDir()) : null;
            String has = folder == null ? first.remotePath() : folder.relativize(MetadataUrls.local(folder, first.remotePath())).toString();
            return Finding.ok("annotations", Redact.url(base) + " has " + Redact.text(has, 500));
        }
        return have && !settings.flag("avqa.metadata.refresh")
                ? Finding.warn("annotations", problem + " (not needed now: metadata/ has the annotations)")
                : Finding.fail("annotations", problem + ": check --metadata-url and the network");
    }

    /**
     * The archives a run would download, as their hosts answer: a finding each, and the bytes still to
     * come of them all (what the host announces, less what archives/ has of it already).
     *
     * @param unknown how many of them do not announce their length
     */
    record Archives(List<Finding> findings, long bytes, int unknown) {

        /** {@code "; and the archives still to come, 12.3 GiB"}, or nothing when there are none. */
        String said() {
            if (bytes == 0 && unknown == 0) {
                return "";
            }
            return "; and the archives still to come, " + ArchiveFetch.human(bytes)
                    + (unknown == 0 ? "" : " and " + unknown + (unknown == 1 ? " whose host does not" : " whose hosts do not")
                    + " announce a length");
        }
    }

    /**
     * Every archive the run would download: one given with --import-archive must be reachable; the
     * dataset's own archive (the v2.0 clips) may not be, since its clips then come from their sources. As
     * a run does, the disk check counts an --import-archive URL only while a planned video is missing, and
     * the dataset's archive only while one of its clips is.
     */
    private Archives archiveHosts() {
        List<Finding> out = new ArrayList<>();
        ArchiveFiles files = new ArchiveFiles(settings.dataDir().resolve("archives"));
        long bytes = 0;
        int unknown = 0;
        boolean fetched = estimate == null || estimate.absent() > 0;
        // one file given by two links (a Drive file's viewer and download links) is asked for, and counted, once
        for (String url : files.onePerFile(settings.archiveUrls())) {
            Answer a = head(DownloadPage.direct(url));
            long left = files.stillToCome(url, a.length());
            if (fetched) {
                bytes += Math.max(0, left);
                unknown += a.problem() == null && left < 0 ? 1 : 0;
            }
            String page = a.page() ? pageInstead(url) : a.problem() == null ? notAnArchive(url) : null;
            String tooLarge = tooLarge(url, a);
            out.add(a.problem() != null ? Finding.fail("archive", a.problem() + ": check the --import-archive URL and the network")
                    : page != null ? Finding.fail("archive", page)
                    : tooLarge != null ? Finding.fail("archive", tooLarge)
                    : Finding.ok("archive", Redact.url(url) + " answers" + (a.page()
                    ? " with a download page the run confirms, as a browser would (Google Drive's, for a large file)"
                    : size(a, left))));
        }
        String canonical = settings.get("avqa.archive.url");
        // given with --import-archive as well (by this link or another to its file), it was counted above, as the user's
        if (settings.flag("avqa.archive.download") && !canonical.isEmpty() && settings.archiveUrls().stream()
                .noneMatch(u -> DownloadPage.oneFile(u, canonical))) {
            Answer a = head(DownloadPage.direct(canonical));
            long left = files.stillToCome(canonical, a.length());
            if (estimate == null || estimate.datasetClips() > 0) {
                bytes += Math.max(0, left);
                unknown += a.problem() == null && left < 0 ? 1 : 0;
            }
            String page = a.problem() != null ? null : a.page() ? pageInstead(canonical) : notAnArchive(canonical);
            out.add(page != null ? Finding.warn("archive", page + "; without the dataset's own archive its clips are "
                    + "fetched from their sources instead")
                    : a.problem() == null
                    ? Finding.ok("archive", Redact.url(canonical) + " (the dataset's own archive) answers" + size(a, left))
                    : Finding.warn("archive", a.problem() + ": without the dataset's own archive its clips are fetched from "
                    + "their sources instead"));
        }
        return new Archives(out, bytes, unknown);
    }

    /**
     * What a link that answers with a web page gives, as the run would read the page: null for a download
     * page whose form the run sends (Google Drive's for a large file); else what is wrong, in the page's words
     * when it says why (Drive's quota), or the advice for its host.
     */
    String pageInstead(String url) {
        String shown = Redact.url(url);
        String unusable = proxyProblem(url);
        if (unusable != null) {
            return "cannot read the page " + shown + " answers with: " + unusable;
        }
        String html;
        try {
            HttpResponse<java.io.InputStream> r = client(url).send(HttpRequest.newBuilder(
                    URI.create(HostCredentials.withoutFragment(HostCredentials.withoutUserInfo(DownloadPage.direct(url)))))
                    .timeout(HOST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = r.body()) {
                html = ArchiveFetch.readPage(body, HOST_TIMEOUT.toMillis());
            }
        } catch (IOException | IllegalArgumentException e) {
            return "cannot read the page " + shown + " answers with (" + why(e) + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while reading " + shown;
        }
        DownloadPage page = DownloadPage.of(html, DownloadPage.direct(url));
        if (page.formUrl() != null) {
            return null;
        }
        String error = page.error();
        return error != null ? shown + " answers with a page instead of the archive, which says: " + Shown.plain(error)
                : shown + " answers with a web page, not an archive (" + ArchiveFetch.pageAdvice(url) + ")";
    }

    /**
     * What a link whose HEAD did not say it is a page gives instead of an archive, by its first bytes (a ranged GET of
     * 4 KiB): a web page sent as a file (as {@link #pageInstead} reads it) or short text ("quota exceeded"); null for
     * anything else, an archive or not (the run's import judges it), or when they cannot be had.
     */
    String notAnArchive(String url) {
        String path;
        try {
            path = String.valueOf(URI.create(HostCredentials.withoutFragment(DownloadPage.direct(url))).getPath());
        } catch (IllegalArgumentException e) {
            path = "";
        }
        // a later volume of a split archive starts inside it, with no magic of its own: not judged, as the run does not
        if (proxyProblem(url) != null || ArchiveFormat.numberedPart(path.substring(path.lastIndexOf('/') + 1))) {
            return null;
        }
        byte[] start;
        long size;
        try {
            HttpResponse<java.io.InputStream> r = client(url).send(HttpRequest.newBuilder(
                    URI.create(HostCredentials.withoutFragment(HostCredentials.withoutUserInfo(DownloadPage.direct(url)))))
                    .timeout(HOST_TIMEOUT).header("Range", "bytes=0-4095").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = r.body();
                 Deadline deadline = Deadline.after(HOST_TIMEOUT.toMillis(), () -> HttpBodies.drop(body))) {
                if (r.statusCode() != 200 && r.statusCode() != 206) {
                    return null;
                }
                // within the check's time: a host that sends its head and then nothing does not hold the doctor
                start = body.readNBytes(4096);
            }
            String range = r.headers().firstValue("Content-Range").orElse("");
            size = r.statusCode() == 206 ? (range.matches("bytes [0-9]+-[0-9]+/[0-9]+")
                    ? Long.parseLong(range.substring(range.indexOf('/') + 1)) : -1)
                    : r.headers().firstValueAsLong("Content-Length").orElse(-1);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (ArchiveFormat.byMagic(start, start.length) != null) {
            return null;
        }
        if (ArchiveFetch.looksLikeAPage(start)) {
            return pageInstead(url);
        }
        String text = ArchiveFetch.textStart(start, size);
        return text == null ? null : Redact.url(url) + " answers with text, not an archive (\""
                + Redact.text(ArchiveFetch.withoutTerminalCodes(text).strip(), 120) + "\")";
    }

    /** What the run says of an archive announced larger than it takes (it does not fetch it); null when it is not. */
    private String tooLarge(String url, Answer a) {
        long max = settings.bytes("avqa.archive.max-size");
        return a.length() > max ? Redact.url(url) + " is announced at " + ArchiveFetch.human(a.length()) + ", larger than "
                + "avqa.archive.max-size (" + ArchiveFetch.human(max) + "): the run does not fetch it; raise that setting if "
                + "this is the archive" : null;
    }

    private static String size(Answer a, long left) {
        if (left == 0) {
            return a.length() > 0 ? " (" + ArchiveFetch.human(a.length()) + ", archives/ has it all)" : " (archives/ has it whole)";
        }
        if (a.length() < 0) {
            return " (its length is not announced)";
        }
        return " (" + ArchiveFetch.human(a.length()) + (left < a.length()
                ? ", " + ArchiveFetch.human(left) + " still to come" : "") + ")";
    }

    /** Null when {@code base/path} is there; else what is wrong. */
    String reach(String base, String path) {
        if (base.startsWith("file:")) {
            Path dir = Path.of(base.startsWith("file://") ? URI.create(base).getPath() : base.substring("file:".length()));
            return MetadataUrls.local(dir, path) != null ? null : "no file " + dir.resolve(path);
        }
        return reachUrl(MetadataUrls.file(base, path));
    }

    /** Null when an http(s) URL answers a HEAD request (following redirects) without an error; else what is wrong. */
    String reachUrl(String address) {
        return head(address).problem();
    }

    /**
     * What a HEAD request (following redirects) to an http(s) URL learns: the problem (null when it
     * answers without an error), and the length it announces (-1: none).
     */
    record Answer(String problem, long length, boolean page) {
        Answer(String problem, long length) {
            this(problem, length, false);
        }
    }

    /**
     * A client that follows redirects (https to http too, as the run does), goes through the environment's
     * proxies, and answers the host's (and the proxy's) challenge with a user name and password in the URL, as
     * the run does.
     */
    private HttpClient client(String address) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(HOST_TIMEOUT)
                .followRedirects(HttpClient.Redirect.ALWAYS);
        if (settings.proxies().any()) {
            // through the proxies the environment names, as the run's requests go; the JDK's client gives a
            // proxy's Basic login to an https tunnel only when told (its default refuses it; read at its first use)
            builder.proxy(settings.proxies());
            if (System.getProperty(TUNNEL_SCHEMES) == null) {
                System.setProperty(TUNNEL_SCHEMES, "");
            }
        }
        java.net.Authenticator login = HostCredentials.authenticatorFor(address, settings.proxies());
        if (login != null) {
            builder.authenticator(login);
        }
        return builder.build();
    }

    Answer head(String address) {
        String url = Redact.url(address);
        String unusable = proxyProblem(address);
        if (unusable != null) {
            return new Answer("cannot reach " + url + ": " + unusable, -1);
        }
        try {
            HttpResponse<Void> r = client(address).send(HttpRequest.newBuilder(URI.create(
                    HostCredentials.withoutFragment(HostCredentials.withoutUserInfo(address))))
                    .timeout(HOST_TIMEOUT)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            // a host that does not take HEAD (405) is there all the same
            if (r.statusCode() == 407) {
                return new Answer(url + ": " + FailureClassifier.PROXY_LOGIN, -1);
            }
            if (r.statusCode() >= 400 && r.statusCode() != 405) {
                return new Answer(url + " answered HTTP " + r.statusCode(), -1);
            }
            if (r.statusCode() >= 300 && r.statusCode() < 400) {
                // the client stops at a redirect it does not follow: to a place that is not http(s) (the run
                // refuses it), or one hop too many (a loop)
                String to = r.headers().firstValue("Location").map(Redact::url).orElse("nowhere (no Location)");
                return new Answer(url + " redirects to " + to + ", which the run does not follow (not http(s), or "
                        + "redirects without end)", -1);
            }
            // a length of 0 is no length: a share host's HEAD may say so of a file it sends all the same
            long length = r.statusCode() < 300 ? r.headers().firstValueAsLong("Content-Length").orElse(-1) : -1;
            // nor is a page's (a share link's download page, such as Google Drive's for a large file)
            boolean page = r.statusCode() < 300 && r.headers().firstValue("Content-Type").orElse("")
                    .toLowerCase(java.util.Locale.ROOT).startsWith("text/html");
            length = page || length <= 0 ? -1 : length;
            return new Answer(null, length, page);
        } catch (IOException | IllegalArgumentException e) {
            return new Answer("cannot reach " + url + " (" + why(e) + ")", -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer("interrupted while reaching " + url, -1);
        }
    }

    /** What is wrong with the proxy a request to {@code address} would go through; null when nothing is. */
    private String proxyProblem(String address) {
        try {
            return settings.proxies().problemFor(URI.create(HostCredentials.withoutUserInfo(address)));
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }

    /** The JDK client's words for a proxy that refused a tunnel: "Tunnel failed, got: 403". */
    private static final java.util.regex.Pattern TUNNEL = java.util.regex.Pattern.compile("Tunnel failed, got: (\\d+)");

    /** Why a host could not be reached, in words: no Java class names. */
    private static String why(Exception e) {
        java.util.regex.Matcher tunnel = TUNNEL.matcher(String.valueOf(ClusterConnections.rootMessage(e)));
        if (tunnel.find()) {
            return tunnel.group(1).equals("407") ? FailureClassifier.PROXY_LOGIN
                    : "the proxy refused to connect to the host (HTTP " + tunnel.group(1) + ")";
        }
        if (causedBy(e, java.net.http.HttpTimeoutException.class) || causedBy(e, java.net.SocketTimeoutException.class)) {
            return "no answer within " + HOST_TIMEOUT.toSeconds() + " s";
        }
        if (causedBy(e, java.net.UnknownHostException.class)) {
            return "cannot resolve the host name: no network or DNS?";
        }
        if (causedBy(e, java.net.ConnectException.class)) {
            return "the connection was refused or could not be made";
        }
        if (causedBy(e, javax.net.ssl.SSLException.class)) {
            return "the secure connection (TLS) failed: " + shown(ClusterConnections.rootMessage(e));
        }
        if (e instanceof IllegalArgumentException) {
            return "not a valid URL";
        }
        String message = ClusterConnections.rootMessage(e);
        return message == null || message.isBlank() || message.equals("null") ? "the connection failed" : shown(message);
    }

    /** A message that may quote the server (a header it sent): its secrets masked, its control characters shown. */
    private static String shown(String message) {
        return Redact.text(Redact.secrets(message), 300);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private List<Finding> services() {
        List<Finding> out = new ArrayList<>();
        String db = settings.get("avqa.db.url");
        String broker = settings.get("avqa.broker.url");
        if (db.isEmpty()) {
            if (!broker.isEmpty()) {
                out.add(Finding.fail("cluster", "avqa.broker.url is set but avqa.db.url is not: many hosts need both"));
            }
            return out;
        }
        try (ClusterConnections c = new ClusterConnections(settings)) {
            out.add(Finding.ok("database", "reached " + db));
            if (!broker.isEmpty()) {
                String why = new avqa.downloader.cluster.BrokerCheck(c, broker).problem();
                out.add(why == null ? Finding.ok("broker", "reached " + avqa.downloader.Redact.url(broker))
                        : Finding.fail("broker", "cannot connect to the broker " + avqa.downloader.Redact.url(broker)
                                + ": " + why));
            }
        } catch (BadInputException e) {
            out.add(Finding.fail(e.getMessage().contains("broker") ? "broker" : "database", e.getMessage()));
        }
        return out;
    }
}
