package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * yt-dlp's YouTube extractor messages, as yt-dlp prints them, classified. (The loopback server can
 * only produce the generic extractor's texts; those are covered end to end in FailureHandlingTest.)
 */
class FailureClassifierTest {

    @ParameterizedTest(name = "{0} <- {1}")
    @CsvSource(delimiter = '|', textBlock = """
            transient | ERROR: [youtube] dQw4w9WgXcQ: Sign in to confirm you’re not a bot. Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/yt-dlp/yt-dlp/wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies.
            transient | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This content isn’t available, try again later.
            transient | ERROR: [youtube] dQw4w9WgXcQ: Unable to download API page: HTTP Error 429: Too Many Requests (caused by <HTTPError 429: Too Many Requests>)
            transient | ERROR: unable to download video data: HTTP Error 403: Forbidden
            transient | ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: HTTP Error 503: Service Unavailable (caused by <HTTPError 503: Service Unavailable>)
            transient | ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name resolution> (caused by URLError(gaierror(-3, 'Temporary failure in name resolution')))
            transient | ERROR: [download] Got error: Downloaded 147256 bytes, expected 294512 bytes. Giving up after 3 retries
            transient | ERROR: Did not get any data blocks
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Private video. Sign in if you've been granted access to this video
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video has been removed by the uploader
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video is no longer available due to a copyright claim by Example Records
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video is no longer available because the YouTube account associated with this video has been terminated.
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. The uploader has not made this video available in your country
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Sign in to confirm your age. This video may be inappropriate for some users.
            permanent | ERROR: [youtube:truncated_id] 00000028: Incomplete YouTube ID 00000028. URL https://www.youtube.com/watch?v=00000028 looks truncated.
            permanent | ERROR: [generic] None: Unable to download webpage: HTTP Error 404: Not Found (caused by <HTTPError 404: 'Not Found'>)
            permanent | ERROR: Unsupported URL: http://127.0.0.1:8080/v/x.mp4
            """)
    void classifiesYtDlpMessages(String category, String stderr) {
        VideoFailure f = FailureClassifier.ytDlp(1, "[youtube] Extracting URL\n" + stderr + "\n", 3600);
        assertEquals(category, f.category(), f.reason());
        // kept, without the cause Python repeats after it ("(caused by <HTTPError 404: 'Not Found'>)", "<urlopen error …>")
        String kept = stderr.strip().split(" \\(caused by ")[0];
        kept = kept.contains("<urlopen error ") ? kept.replace("<urlopen error ", "").replaceFirst(">$", "") : kept;
        assertEquals(kept, f.lastError().replace("…", ""), "the last ERROR line is kept");
    }

    /**
     * A file of the video's work folder, gone once the video failed, is named by its own name in the last error (a
     * probe's finding: the records showed /…/data/.partial/src-1f…/video.mp4); a path holding a blank is left whole.
     */
    @Test
    void aWorkFoldersPathIsLeftOutOfTheLastError() {
        assertEquals("video.mp4: Invalid data found when processing input", FailureClassifier.lastError(
                "/tmp/j1/data/.partial/src-7bfaba75e9dae7a8/video.mp4: Invalid data found when processing input\n"));
        assertEquals("Error opening input file video.mp4.", FailureClassifier.lastError(
                "Error opening input file /srv/avqa/.partial/abc/video.mp4.\n"));
        String blank = "/tmp/my data/.partial/abc/video.mp4: Invalid data found when processing input";
        assertEquals(blank, FailureClassifier.lastError(blank + "\n"));
    }

    /**
     * A body cut short before its announced length (yt-dlp's ContentTooShortError, which it gives up on at once
     * when it has no retries left) is a network failure, said so, not an error yt-dlp "did not explain".
     */
    @ParameterizedTest
    @ValueSource(strings = {"ERROR: [download] Got error: Downloaded 147256 bytes, expected 294512 bytes",
            "ERROR: [download] Got error: Downloaded 147256 bytes, expected 294512 bytes. Giving up after 3 retries"})
    void aBodyCutShortIsANetworkFailure(String stderr) {
        VideoFailure f = FailureClassifier.ytDlp(1, "[download] Destination: x.mp4\n" + stderr + "\n", 3600);
        assertEquals("transient", f.category());
        assertEquals("network failure while downloading", f.reason());
    }

    /** An answer with no body (an empty 200) is said to have brought nothing, not called a network failure alone. */
    @Test
    void anEmptyAnswerIsSaidToBeEmpty() {
        VideoFailure f = FailureClassifier.ytDlp(1, "[download] Destination: x.mp4\nERROR: Did not get any data blocks\n", 3600);
        assertEquals("transient", f.category());
        assertEquals("the source sent no data (an empty answer, or its connection closed before the first byte)", f.reason());
    }

    /**
     * yt-dlp's "please update" signals and the resolver's words, as yt-dlp prints them (the texts are
     * its own: {@link #theseTextsAreYtDlpsOwn} finds them in its installed source), with what else it
     * printed before; {@code \n} separates lines. A please-update warning decides only when nothing
     * else explains the failure.
     */
    @ParameterizedTest(name = "{0}/{1} <- {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            tool-outdated | NONE    | WARNING: [youtube] dQw4w9WgXcQ: nsig extraction failed: You may experience throttling for some formats\\nERROR: [youtube] dQw4w9WgXcQ: Requested format is not available. Use --list-formats for a list of available formats
            tool-outdated | NONE    | WARNING: [youtube] dQw4w9WgXcQ: Signature extraction failed: Some formats may be missing\\nERROR: unable to download video data: HTTP Error 403: Forbidden
            tool-outdated | NONE    | ERROR: [youtube] dQw4w9WgXcQ: Unable to extract uploader id; please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template. Confirm you are on the latest version using  yt-dlp -U
            tool-outdated | NONE    | WARNING: [youtube] No supported JavaScript runtime could be found. Only deno is enabled by default; to use another runtime add  --js-runtimes RUNTIME[:PATH]  to your command/config. YouTube extraction without a JS runtime has been deprecated, and some formats may be missing. See  https://github.com/yt-dlp/yt-dlp/wiki/EJS  for details on installing one\\nERROR: [youtube] dQw4w9WgXcQ: Requested format is not available. Use --list-formats for a list of available formats
            tool-outdated | NONE    | WARNING: [youtube] dQw4w9WgXcQ: n challenge solving failed: Some formats may be missing. Ensure you have a supported JavaScript runtime and challenge solver script distribution installed. Review any warnings presented before this message. For more details, refer to  https://github.com/yt-dlp/yt-dlp/wiki/EJS\\nERROR: unable to download video data: HTTP Error 403: Forbidden
            tool-outdated | NONE    | WARNING: [youtube] dQw4w9WgXcQ: Signature solving failed: Some formats may be missing. Ensure you have a supported JavaScript runtime and challenge solver script distribution installed.\\nERROR: [youtube] dQw4w9WgXcQ: something yt-dlp did not expect
            tool-outdated | NONE    | ERROR: [generic] x: Requested format is not available. Use --list-formats for a list of available formats
            permanent     | NONE    | WARNING: [youtube] No supported JavaScript runtime could be found.\\nERROR: [youtube] dQw4w9WgXcQ: Private video. Sign in if you've been granted access to this video
            transient     | RATE_LIMIT | WARNING: [youtube] No supported JavaScript runtime could be found.\\nERROR: [youtube] dQw4w9WgXcQ: This content isn't available, try again later. The current session has been rate-limited by YouTube for up to an hour.
            transient     | NONE    | WARNING: [youtube] dQw4w9WgXcQ: n challenge solving failed: Some formats may be missing.\\nERROR: [download] Got error: The read operation timed out
            transient     | NETWORK | ERROR: [generic] x: Unable to download webpage: [Errno -3] Temporary failure in name resolution (caused by TransportError('[Errno -3] Temporary failure in name resolution'))
            transient     | NETWORK | ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name resolution> (caused by URLError(gaierror(-3, 'Temporary failure in name resolution')))
            transient     | NETWORK | ERROR: [youtube] dQw4w9WgXcQ: Unable to download API page: HTTPSConnectionPool(host='www.youtube.com', port=443): Max retries exceeded (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object>: Failed to resolve 'www.youtube.com' ([Errno -2] Name or service not known)"))
            transient     | NETWORK | ERROR: Unable to download webpage: <urlopen error [Errno 11001] getaddrinfo failed>
            tool-outdated | NONE    | WARNING: [youtube] dQw4w9WgXcQ: Unable to download API page: HTTP Error 400: Bad Request (caused by <HTTPError 400: Bad Request>)\\nERROR: [youtube] dQw4w9WgXcQ: Failed to extract any player response; please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template. Confirm you are on the latest version using  yt-dlp -U
            transient     | NONE    | WARNING: [youtube] dQw4w9WgXcQ: Unable to download API page: HTTP Error 400: Bad Request\\nERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: The read operation timed out
            transient     | NONE    | ERROR: unable to download video data: HTTP Error 400: Bad Request
            transient     | NONE    | ERROR: [download] Got error: HTTP Error 400: Bad Request
            transient     | NONE    | ERROR: [generic] x: Unable to download webpage: HTTP Error 408: Request Timeout (caused by <HTTPError 408: Request Timeout>)
            transient     | NETWORK | ERROR: [generic] x: Unable to download webpage: HTTP Error 407: Proxy Authentication Required (caused by <HTTPError 407: Proxy Authentication Required>)
            permanent     | NONE    | ERROR: [generic] x: Unable to download webpage: HTTP Error 400: Bad Request (caused by <HTTPError 400: Bad Request>)
            """)
    void pleaseUpdateSignalsAndAnUnresolvableHostAreToldApart(String category, String signal, String stderr) {
        VideoFailure f = FailureClassifier.ytDlp(1, "[youtube] Extracting URL\n" + stderr.replace("\\n", "\n") + "\n", 3600);
        assertEquals(category, f.category(), f.reason());
        assertEquals(VideoFailure.Signal.valueOf(signal), f.signal(), f.reason());
        if (category.equals(VideoFailure.TOOL_OUTDATED)) {
            assertInstanceOf(VideoFailure.ToolOutdated.class, f);
            assertTrue(f.reason().contains("--doctor") || f.reason().contains("pip install -U"), f.reason());
        }
    }

    /** The texts above come from yt-dlp's own source, as installed: the set-up's current one and Debian's. */
    @org.junit.jupiter.api.Test
    void theseTextsAreYtDlpsOwn() throws Exception {
        Path current = sources(Path.of(".tools/yt-dlp/lib"));
        Path debian = Path.of("/usr/lib/python3/dist-packages/yt_dlp");
        org.junit.jupiter.api.Assumptions.assumeTrue(current != null || Files.isDirectory(debian),
                "neither the set-up's yt-dlp (.tools/yt-dlp) nor Debian's is installed");
        if (current != null) {
            String text = allPython(current);
            for (String said : List.of("No supported JavaScript runtime could be found", "n challenge solving failed",
                    "Signature solving failed", "Requested format is not available", "Unable to extract",
                    "Confirm you are on the latest version using  yt-dlp -U", "This content isn't available, try again later")) {
                assertTrue(text.contains(said), "yt-dlp's source (" + current + ") says: " + said);
            }
        }
        if (Files.isDirectory(debian)) {
            String text = allPython(debian);
            for (String said : List.of("nsig extraction failed", "Signature extraction failed", "Unable to extract",
                    "Requested format is not available", "Confirm you are on the latest version")) {
                assertTrue(text.contains(said), "Debian's yt-dlp source says: " + said);
            }
        }
    }

    /**
     * The real yt-dlp asked for a page whose host cannot be resolved, in a network namespace of its own
     * (no network at all, nothing leaves the machine): its words mean an unresolvable host.
     */
    @org.junit.jupiter.api.Test
    void theRealYtDlpWithoutNetworkIsToldAnUnresolvableHost() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ToolVersions.output(List.of("unshare", "-rn", "true"), 10).isEmpty()
                && ToolVersions.which("unshare") != null, "cannot make a network namespace here (unshare -rn)");
        for (Path ytDlp : List.of(YtDlpVersions.SET_UP, YtDlpVersions.DEBIAN)) {
            if (!Files.isExecutable(ytDlp)) {
                continue;
            }
            String said = ToolVersions.output(List.of("unshare", "-rn", ytDlp.toString(), "--ignore-config",
                    "--no-playlist", "--", "http://avqa-unresolvable.invalid/v/x"), 60);
            VideoFailure f = FailureClassifier.ytDlp(1, said, 60);
            assertEquals(VideoFailure.Signal.NETWORK, f.signal(), ytDlp + " said: " + said);
            assertEquals("cannot resolve avqa-unresolvable.invalid: no network or DNS",
                    FailureClassifier.unresolved("http://avqa-unresolvable.invalid/v/x", f.lastError()).reason());
        }
    }

    /**
     * A page at an address whose host redirects yt-dlp to a URL with a login in it (urllib takes "user:pw@host" for a
     * host name) or to a name that does not exist: yt-dlp says it cannot resolve a name, and names none. The
     * source's own host is an address, which needs no resolving, so this is the video's failure (transient), not
     * "no network or DNS": before, every worker paused, longer each time, until the run stopped for the network.
     */
    @org.junit.jupiter.api.Test
    void aNameYtDlpCannotResolveBehindAnAddressIsTheVideosFailureNotTheNetworks() throws Exception {
        Map<String, String> said = ytDlpsSay(List.of("login", "nosuch"), (port, path) -> path.startsWith("/login")
                ? "http://user:TopSecretPW@127.0.0.1:" + port + "/v.mp4" : "http://avqa-nosuch.invalid/v.mp4");
        said.forEach((which, words) -> {
            VideoFailure f = FailureClassifier.ytDlp(1, words, 60);
            assertEquals(VideoFailure.Signal.NETWORK, f.signal(), which + " said: " + words);
            VideoFailure classified = FailureClassifier.unresolved(which.substring(which.indexOf(' ') + 1), f.lastError());
            assertEquals(VideoFailure.Signal.NONE, classified.signal(), which + ": " + classified.reason());
            assertEquals(VideoFailure.TRANSIENT, classified.category());
            assertEquals("yt-dlp could not resolve a host name that 127.0.0.1 led it to (a redirect?); the source's own "
                    + "host is an address, so the network is not at fault", classified.reason());
            assertFalse(classified.reason().contains("TopSecretPW") || String.valueOf(classified.lastError())
                    .contains("TopSecretPW"), classified.lastError());
        });
        // a host name behind it is still the network's: it may be the one that does not resolve
        assertEquals(VideoFailure.Signal.NETWORK, FailureClassifier.unresolved("http://mirror.example/v/x",
                "ERROR: [generic] x: Unable to download webpage: [Errno -2] Name or service not known").signal());
    }

    /**
     * A page that redirects to itself: permanent, in the fast path's words, with yt-dlp as without it; Debian's
     * older yt-dlp adds "Confirm you are on the latest version", which made it "yt-dlp is out of date", and the
     * current one's words were "an error it did not explain" (transient, asked again every run).
     */
    @org.junit.jupiter.api.Test
    void aPageThatRedirectsInALoopIsPermanentWithEitherYtDlp() throws Exception {
        ytDlpsSay(List.of("loop"), (port, path) -> path).forEach((which, words) -> {
            VideoFailure f = FailureClassifier.ytDlp(1, words, 60);
            assertEquals(VideoFailure.PERMANENT, f.category(), which + " said: " + words);
            assertEquals("the source redirects in a loop (too many redirects)", f.reason(), which + " said: " + words);
        });
    }

    /**
     * A mirror's page answered 500 or 403: a server error (transient) and access denied (permanent), with either
     * yt-dlp. Debian's older yt-dlp adds "Confirm you are on the latest version" to both, which made them "yt-dlp is
     * out of date", and stopped the run after 3 in a row (an adversarial probe).
     */
    @org.junit.jupiter.api.Test
    void aMirrorsServerErrorOrRefusalIsSaidSoWithEitherYtDlp() throws Exception {
        ytDlpsSay(List.of("status/500/x", "status/403/x"), (port, path) -> path).forEach((which, words) -> {
            VideoFailure f = FailureClassifier.ytDlp(1, words, 60);
            boolean refused = which.contains("/403/");
            assertEquals(refused ? VideoFailure.PERMANENT : VideoFailure.TRANSIENT, f.category(), which + " said: " + words);
            assertEquals(refused ? "access denied by the source (HTTP 401/403)" : "server error at the source (HTTP 5xx)",
                    f.reason(), which + " said: " + words);
        });
    }

    /**
     * A mirror's page refused with a status no rule above names (400, 414), answered with a status past HTTP's classes
     * (999), or redirected where no client follows (a 302 without a Location): permanent, with either yt-dlp, as on the
     * fast path. They were "an error it did not explain" (transient, asked again at every run; found by a probe).
     */
    @org.junit.jupiter.api.Test
    void aRefusalAStatusPastHttpsAndARedirectToNowhereArePermanentWithEitherYtDlp() throws Exception {
        ytDlpsSay(List.of("status/400/x", "status/414/x", "status/999/x", "nowhere"),
                (port, path) -> path.startsWith("/nowhere") ? null : path).forEach((which, words) -> {
            VideoFailure f = FailureClassifier.ytDlp(1, words, 60);
            assertEquals(VideoFailure.PERMANENT, f.category(), which + " said: " + words);
            String reason = which.contains("/999/") ? "the source answered with a status past HTTP's classes (no HTTP status)"
                    : which.contains("nowhere") ? "the source redirects where no client can follow (no Location, or not to http or https)"
                    : "the source refused the request (HTTP 4xx)";
            assertEquals(reason, f.reason(), which + " said: " + words);
        });
    }

    /**
     * An HLS playlist on 127.0.0.1 whose segment is a local file (file:///etc/hostname): permanent, said as such, with
     * either yt-dlp (it was "an error it did not explain", asked again every run).
     */
    @org.junit.jupiter.api.Test
    void aPlaylistOfLocalFilesIsPermanentWithEitherYtDlp(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        com.sun.net.httpserver.HttpServer host = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        host.createContext("/", ex -> {
            byte[] playlist = ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nfile:///etc/hostname\n"
                    + "#EXT-X-ENDLIST\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ex.getResponseHeaders().set("Content-Type", "application/vnd.apple.mpegurl");
            ex.sendResponseHeaders(200, playlist.length);
            ex.getResponseBody().write(playlist);
            ex.close();
        });
        host.start();
        try {
            for (Path ytDlp : YtDlpVersions.present()) {
                String said = ToolVersions.output(List.of(ytDlp.toString(), "--ignore-config", "-o",
                        tmp.resolve(ytDlp.getFileName() + "-" + ytDlp.hashCode() + ".mp4").toString(), "--",
                        "http://127.0.0.1:" + host.getAddress().getPort() + "/v.m3u8"), 120);
                VideoFailure f = FailureClassifier.ytDlp(1, said, 60);
                assertEquals(VideoFailure.PERMANENT, f.category(), ytDlp + " said: " + said);
                assertEquals("the source points at local files (file://), which are never read", f.reason(), ytDlp + " said: " + said);
            }
        } finally {
            host.stop(0);
        }
    }

    /**
     * What each yt-dlp here (the set-up's, Debian's) says of each page of a host on 127.0.0.1 that answers every
     * request with a redirect to {@code location(port, path)}; keyed "YT-DLP URL". Skipped where there is none.
     */
    private static Map<String, String> ytDlpsSay(List<String> pages,
                                                 java.util.function.BiFunction<Integer, String, String> location) throws Exception {
        com.sun.net.httpserver.HttpServer host = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        int port = host.getAddress().getPort();
        host.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/status/")) {
                // a page answered with that status (a mirror's error)
                byte[] page = "<html><body>error</body></html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                ex.sendResponseHeaders(Integer.parseInt(path.split("/")[2]), page.length);
                ex.getResponseBody().write(page);
                ex.close();
                return;
            }
            String to = location.apply(port, path);
            if (to != null) {
                ex.getResponseHeaders().set("Location", to);
            }
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        host.start();
        Map<String, String> said = new java.util.LinkedHashMap<>();
        try {
            for (Path ytDlp : List.of(YtDlpVersions.SET_UP, YtDlpVersions.DEBIAN)) {
                for (String page : pages) {
                    String url = "http://127.0.0.1:" + port + "/" + page;
                    if (Files.isExecutable(ytDlp)) {
                        said.put(ytDlp + " " + url, ToolVersions.output(List.of(ytDlp.toString(), "--ignore-config",
                                "--no-playlist", "--", url), 60));
                    }
                }
            }
        } finally {
            host.stop(0);
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(said.isEmpty(), "no yt-dlp here");
        return said;
    }

    /** The HTTP client's unknown host: the resolver's words in the record, not the exception's class name. */
    @org.junit.jupiter.api.Test
    void anUnknownHostFromTheClientIsSaidWithoutItsClassName() {
        VideoFailure f = FailureClassifier.unresolved("http://nosuch.invalid/v/x.mp4",
                new java.net.UnknownHostException("nosuch.invalid: Name or service not known"));
        assertEquals("cannot resolve nosuch.invalid: no network or DNS", f.reason());
        assertEquals("nosuch.invalid: Name or service not known", f.lastError());
        VideoFailure bare = FailureClassifier.unresolved("http://nosuch.invalid/v/x.mp4", new java.net.UnknownHostException());
        assertEquals("cannot resolve nosuch.invalid: no network or DNS", bare.reason());
        assertFalse(bare.lastError().contains("java.net"), bare.lastError());
    }

    /**
     * What a service looks up again before it resumes a run stopped for no network or DNS: the name that failed and,
     * when it is the URL's (not a proxy's), the URL's port; from yt-dlp's words (no port, perhaps via a proxy), only the
     * name.
     */
    @org.junit.jupiter.api.Test
    void anUnresolvedNameIsLookedUpAgainWithThePortOfItsUrl() {
        assertEquals(new NetworkBack("nosuch.invalid", 8080), FailureClassifier.unresolved("http://nosuch.invalid:8080/v/x.mp4",
                new java.net.UnknownHostException("nosuch.invalid")).unresolved());
        assertEquals(new NetworkBack("nosuch.invalid", 443), FailureClassifier.unresolved("https://nosuch.invalid/v/x.mp4",
                new java.net.UnknownHostException("nosuch.invalid: Name or service not known")).unresolved());
        assertEquals(new NetworkBack("proxy.invalid", -1), FailureClassifier.unresolved("https://nosuch.invalid/v/x.mp4",
                new java.net.UnknownHostException("proxy.invalid")).unresolved());
        assertEquals(new NetworkBack("nosuch.invalid", -1), FailureClassifier.unresolved("https://nosuch.invalid/v/x",
                "ERROR: Failed to resolve 'nosuch.invalid'").unresolved());
        assertEquals(null, FailureClassifier.unresolved("not a url", "ERROR: Failed to resolve").unresolved());
        // the name yt-dlp could not resolve is the one looked up again (a CDN's: the page's name may resolve all along)
        VideoFailure cdn = FailureClassifier.unresolved("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "ERROR: [youtube] "
                + "dQw4w9WgXcQ: Unable to download webpage: Failed to resolve 'rr3---sn-abc.googlevideo.com' ([Errno -3] "
                + "Temporary failure in name resolution)");
        assertEquals(new NetworkBack("rr3---sn-abc.googlevideo.com", -1), cdn.unresolved());
        assertEquals("cannot resolve rr3---sn-abc.googlevideo.com: no network or DNS", cdn.reason());
        // not a host name: the URL's is looked up
        assertEquals(new NetworkBack("www.youtube.com", -1), FailureClassifier.unresolved("https://www.youtube.com/x",
                "Failed to resolve 'a b\u001b[2J'").unresolved());
    }

    /**
     * What HttpClient says of a host that misbehaves (as its classic client raises it: a ProtocolException inside a
     * ClientProtocolException), on the fast path and for an archive: in our words, in the same category as before
     * (transient), but a redirect to a URL with a login in it, which is refused every time (permanent); the
     * annotations say the same words.
     */
    static java.util.stream.Stream<Arguments> misbehavingHosts() {
        return java.util.stream.Stream.of(
                Arguments.of(new org.apache.hc.core5.http.ConnectionClosedException("Premature end of Content-Length "
                        + "delimited message body (expected: %d; received: %d)", 234664L, 117332L), "transient",
                        "the answer was cut short: it announced 234664 bytes and sent 117332"),
                Arguments.of(new org.apache.hc.core5.http.NoHttpResponseException("The target server failed to respond"),
                        "transient", "the host closed the connection without an answer"),
                Arguments.of(new org.apache.hc.core5.http.MalformedChunkCodingException("Bad chunk header: ZZZZ"),
                        "transient", "the host's answer is not valid HTTP (a chunk's header is damaged)"),
                Arguments.of(new org.apache.hc.core5.http.ConnectionClosedException(
                        "Premature end of chunk coded message body: closing chunk expected"), "transient",
                        "the answer was cut short (its chunks stopped before the last one)"),
                Arguments.of(new org.apache.hc.core5.http.MessageConstraintException("Maximum empty line limit exceeded"),
                        "transient", "the host's answer is not valid HTTP (too many empty lines before its status line)"),
                Arguments.of(clientProtocol("Multiple Content-Length headers"), "transient",
                        "the host's answer is not valid HTTP (two Content-Length headers)"),
                Arguments.of(clientProtocol("Negative content length: -1"), "transient",
                        "the host's answer is not valid HTTP (its Content-Length is not a number of bytes)"),
                Arguments.of(clientProtocol("Invalid content length: 99999999999999999999999"), "transient",
                        "the host's answer is not valid HTTP (its Content-Length is not a number of bytes)"),
                Arguments.of(new org.apache.hc.core5.http.MessageConstraintException("Maximum header count exceeded"),
                        "transient", "the host's answer is not valid HTTP (too many header lines)"),
                Arguments.of(new org.apache.hc.core5.http.MessageConstraintException("Maximum line length limit exceeded"),
                        "transient", "the host's answer is not valid HTTP (a header line longer than the client takes)"),
                Arguments.of(new java.io.IOException("Attempted read on closed stream."), "transient",
                        "the connection was closed while the answer was read"),
                Arguments.of(new java.net.SocketException("Socket closed"), "transient",
                        "the connection was closed while the answer was read"),
                Arguments.of(new java.net.SocketException("Connection reset"), "transient",
                        "the connection was reset by the host"),
                Arguments.of(clientProtocol("Request URI authority contains deprecated userinfo component"), "permanent",
                        "a redirect led to a URL with a user name and password in it, which is not followed"));
    }

    private static Throwable clientProtocol(String message) {
        return new org.apache.hc.client5.http.ClientProtocolException(message,
                new org.apache.hc.core5.http.ProtocolException(message));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("misbehavingHosts")
    void aMisbehavingHostIsSaidInOurWordsOnEveryPath(Throwable error, String category, String words) {
        // as the fast path's request and an archive's raise it: wrapped by Camel
        Throwable raised = new org.apache.camel.CamelExchangeException("I/O exception", null, error);
        VideoFailure f = FailureClassifier.unreachable(raised, "http://127.0.0.1:1/v/x.mp4");
        assertEquals(category, f.category(), f.toString());
        String said = f.reason() + " (" + f.lastError() + ")";
        assertTrue(said.contains(words), said);
        assertFalse(said.contains(error.getMessage()), "not the HTTP client's words: " + said);
        if (category.equals("transient")) {
            assertEquals("network failure while downloading", f.reason(), "the reason as before");
        }
        // a body's read (the fast path's, an archive's) and the annotations: the same words
        assertEquals(words, HttpTrouble.wordsOrMessage(error));
        assertEquals(words, Shown.of(raised));
    }

    /** A redirect loop's last error is ours too, and the failure permanent as before. */
    /**
     * The words for a body cut short in its compressed data belong to the decoders alone: an end of stream elsewhere (a
     * TLS peer that closed during the handshake, a database connection's) keeps its own words; and a connection not
     * made says the system's reason, not HttpClient's sentence around it.
     */
    @Test
    void anEndOfStreamOutsideADecoderIsNotCompressedDataCutShort() throws Exception {
        javax.net.ssl.SSLHandshakeException tls = new javax.net.ssl.SSLHandshakeException("Remote host terminated the handshake");
        tls.initCause(new java.io.EOFException("SSL peer shut down incorrectly"));
        assertEquals(null, HttpTrouble.words(tls));
        assertFalse(Shown.of(tls).contains("compressed"), Shown.of(tls));
        assertFalse(Shown.of(new java.sql.SQLException("An I/O error occurred while sending to the backend.", "08006",
                new java.io.EOFException())).contains("compressed"));

        // a gzip without its trailer, read through the decoder: cut short, in our words
        java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(packed)) {
            z.write(new byte[100_000]);
        }
        byte[] all = packed.toByteArray();
        java.io.InputStream noTrailer = HttpBodies.decoded(new java.io.ByteArrayInputStream(all, 0, all.length - 8), "gzip");
        java.io.IOException cut = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, noTrailer::readAllBytes);
        assertEquals("the answer was cut short (its compressed data ends before its end)", HttpTrouble.words(cut));
        // its first block damaged, right after the gzip's header: damaged data, not a body of another coding
        byte[] damaged = all.clone();
        java.util.Arrays.fill(damaged, 10, 40, (byte) 0xff);
        java.io.IOException bad = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> HttpBodies.decoded(new java.io.ByteArrayInputStream(damaged), "gzip").readAllBytes());
        assertTrue(String.valueOf(HttpTrouble.words(bad)).startsWith("its compressed data is damaged: "), HttpTrouble.words(bad));

        assertEquals("the connection to 127.0.0.1:81 could not be made (Permission denied)", HttpTrouble.words(
                new java.net.ConnectException("Connect to http://127.0.0.1:81 [/127.0.0.1] failed: Permission denied")));
        assertEquals("the connection was refused (nothing listens at the host's port)",
                HttpTrouble.words(new java.net.ConnectException("Connection refused: connect")));
        assertEquals("the host cannot be reached (no route to it)",
                Shown.of(new java.net.NoRouteToHostException("No route to host")));
        // where HttpClient tried to connect, named: a proxy's address is then the proxy's, not the source's
        assertEquals("10.0.0.1:3128 cannot be reached (no route to it)", HttpTrouble.words(
                new java.net.ConnectException("Connect to http://10.0.0.1:3128 [/10.0.0.1] failed: No route to host")));
        assertEquals("the connection to proxy.example:3128 was not made in time (no answer)", HttpTrouble.words(
                new org.apache.hc.client5.http.ConnectTimeoutException("Connect to http://proxy.example:3128 failed: Connect timed out")));
        // an empty body said to be gzip: cut short (before, Camel's words around a bare EOF)
        java.io.IOException empty = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> HttpBodies.decoded(new java.io.ByteArrayInputStream(new byte[0]), List.of("gzip")));
        assertEquals("the answer was cut short (its compressed data ends before its end)", HttpTrouble.words(empty));
        // gzip, gzip, the inner layer's header cut off: cut short too
        java.io.ByteArrayOutputStream outer = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(outer)) {
            z.write(new byte[] {0x1f, (byte) 0x8b, 8});
        }
        java.io.IOException inner = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> HttpBodies.decoded(new java.io.ByteArrayInputStream(outer.toByteArray()), List.of("gzip", "gzip")).readAllBytes());
        assertEquals("the answer was cut short (its compressed data ends before its end)", HttpTrouble.words(inner));
    }

    @Test
    void aRedirectLoopIsPermanentInOurWords() {
        VideoFailure f = FailureClassifier.unreachable(new org.apache.hc.client5.http.ClientProtocolException(
                "Maximum redirects (50) exceeded", new org.apache.hc.client5.http.RedirectException(
                        "Maximum redirects (50) exceeded")), "http://127.0.0.1:1/v/x.mp4");
        assertEquals("permanent", f.category());
        assertEquals("the host redirects without end (a loop, or too many redirects)", f.lastError());
        // a message we do not know is kept, as before
        assertEquals("Broken pipe", FailureClassifier.unreachable(new java.io.IOException("Broken pipe"), "http://h/x")
                .lastError());
    }

    /**
     * A file of the data directory that cannot be written (archives/, runs/ made read-only) is said with what went wrong:
     * Java's message for it is the path alone, and the archive's line was "could not be fetched (/…/.videos.zip.json.tmp)".
     */
    @Test
    void aFileThatCannotBeWrittenIsSaidWithWhatWentWrong() {
        assertEquals("/d/archives/.videos.zip.json.tmp: permission denied",
                Shown.of(new RuntimeException(new java.nio.file.AccessDeniedException("/d/archives/.videos.zip.json.tmp"))));
        assertEquals("/d/runs/x\\u001b.json: Read-only file system", Shown.of(new java.nio.file.FileSystemException(
                "/d/runs/x\u001b.json", null, "Read-only file system")));
    }

    private static Path sources(Path lib) throws java.io.IOException {
        if (!Files.isDirectory(lib)) {
            return null;
        }
        try (var found = Files.find(lib, 4, (p, a) -> p.endsWith("yt_dlp") && a.isDirectory())) {
            return found.findFirst().orElse(null);
        }
    }

    private static String allPython(Path dir) throws java.io.IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".py")).toList()) {
                all.append(Files.readString(f, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    @ParameterizedTest
    @CsvSource({"143", "-1"})
    void aProcessStoppedByTheTimeoutIsTransient(int exit) {
        VideoFailure f = FailureClassifier.ytDlp(exit, "[download]   3.0% of 10.00MiB", 60);
        assertInstanceOf(VideoFailure.Transient.class, f);
        assertEquals("yt-dlp did not finish within 60 s and was stopped (avqa.download.timeout)", f.reason());
        assertEquals("[download]   3.0% of 10.00MiB", f.lastError(), "where it was");
        // a warning it gave on its way says nothing of why it ran out of time
        assertEquals("", FailureClassifier.ytDlp(exit, "[download]   3.0% of 10.00MiB\nWARNING: [generic] Falling back on "
                + "generic information extractor", 60).lastError());
    }

    /**
     * A yt-dlp that a signal ended before its timeout had passed, or that SIGKILL ended (the timeout's is a SIGTERM),
     * was killed from outside: transient, as ffmpeg's, and said so, not called a timeout.
     */
    @ParameterizedTest
    @CsvSource({"137, false, was killed (SIGKILL)", "137, true, was killed (SIGKILL)", "143, false, was stopped (SIGTERM)",
            "-1, false, was stopped by a signal"})
    void aYtDlpKilledFromOutsideIsTransientAndNotCalledATimeout(int exit, boolean timeoutPassed, String how) {
        VideoFailure f = FailureClassifier.ytDlp(exit, "[download]   3.0% of 10.00MiB", "", 60, timeoutPassed);
        assertInstanceOf(VideoFailure.Transient.class, f);
        assertEquals("yt-dlp " + how + " before it finished, not by this tool's timeout: the system may be short of "
                + "memory (the kernel's OOM killer), or someone stopped it", f.reason());
    }

    @Test
    void aTimedRunHasPassedItsTimeoutOnlyOnceItsTimeIsUp() {
        assertFalse(TimedRun.starting(60_000).timeoutPassed());
        assertTrue(new TimedRun(System.currentTimeMillis() - 2_000, 1_000).timeoutPassed());
    }

    @org.junit.jupiter.api.Test
    void anUnexplainedFailureIsTransientAndTheSubclassMatchesTheCategory() {
        VideoFailure f = FailureClassifier.ytDlp(2, "something odd", 60);
        assertInstanceOf(VideoFailure.Transient.class, f);
        assertInstanceOf(VideoFailure.Permanent.class, FailureClassifier.ytDlp(1, "ERROR: Private video", 60));
    }

    @Test
    void a503ThatSaysWhenToComeBackIsWaitedForAndAnEndlessRetryAfterIsAYear() {
        VideoFailure busy = FailureClassifier.httpStatus(503, "3");
        // the host's own trouble: no IP-wide cool-down; an archive's next attempt waits what it asked
        assertEquals(VideoFailure.Signal.NONE, busy.signal());
        assertEquals(3000, busy.retryAfterMillis());
        // said as what the host asked, not as a wait kept: a video's retry waits its backoff (a probe read the words so)
        assertEquals("the source is busy (HTTP 503, its Retry-After 3 s)", busy.reason());
        assertEquals(-1, FailureClassifier.httpStatus(503, null).retryAfterMillis());
        assertEquals(VideoFailure.Signal.NONE, FailureClassifier.httpStatus(503, null).signal());
        assertEquals(366L * 24 * 3600 * 1000, FailureClassifier.retryAfterMillis("99999999999999999999"));
        // a date already past asks for no time: the growing cool-down (at least --cooldown) applies, not a pause of 0 s
        assertEquals(-1, FailureClassifier.retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT"));
        String inAMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
        long asked = FailureClassifier.retryAfterMillis(inAMinute);
        assertTrue(asked > 55_000 && asked <= 60_000, "a date to come: the time until then: " + asked);
    }

    /** Python's module-qualified class name of an error is not shown: the words after it are. */
    @Test
    void aPythonClassNameIsNotShown() {
        assertEquals("ERROR: [generic] x: file:// URLs are disabled by default in yt-dlp for security reasons.",
                FailureClassifier.lastError("ERROR: [generic] x: yt_dlp.networking.exceptions.RequestError: file:// URLs "
                        + "are disabled by default in yt-dlp for security reasons."));
    }

    /** A status past HTTP's classes (999, a bot wall's) is no server error: permanent, as any answer but 200. */
    @Test
    void aStatusPastHttpsClassesIsNoServerError() {
        VideoFailure f = FailureClassifier.httpStatus(999);
        assertEquals(VideoFailure.PERMANENT, f.category());
        assertEquals("the source answered HTTP 999, which is no HTTP status", f.reason());
        assertEquals(VideoFailure.TRANSIENT, FailureClassifier.httpStatus(599).category());
    }

    /** ffmpeg's own way of naming who speaks ("[aac @ 0x55f5…]", a memory address) becomes the part's name. */
    @Test
    void ffmpegsAddressesInMemoryAreNotShown() {
        assertEquals("aac: channel element 0.0 is not allocated",
                FailureClassifier.lastError("[aac @ 0x55f5c3e8a0c0] channel element 0.0 is not allocated\n"));
        assertEquals("mov,mp4,m4a,3gp,3g2,mj2: moov atom not found",
                FailureClassifier.lastError("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5610aa2b7840] moov atom not found"));
        assertEquals("[youtube] abc: Video unavailable", FailureClassifier.lastError("[youtube] abc: Video unavailable"));
    }

    /**
     * A run stopped for no network or DNS, once a service resumes it (StopRecheck), has its cool-downs again before it
     * stops once more: the count of names unresolved in a row starts over with the stop (it stopped at the first, and a
     * service whose check found the name but not the one yt-dlp needed resumed and stopped every minute).
     */
    @Test
    void aRunResumedAfterANetworkStopHasItsCoolDownsAgain() {
        stopsThenHasItsCoolDownsAgain(VideoFailure.Signal.NETWORK, "cannot resolve nosuch.invalid: no network or DNS", 2);
    }

    /**
     * Workers that see one 429 at once: the first starts the cool-down; a later one whose Retry-After asks for longer
     * makes it that long (it was dropped while the shorter pause was on), one that asks for less changes nothing.
     */
    @Test
    void aLongerRetryAfterDuringACoolDownLengthensIt() {
        CoolDown coolDown = new CoolDown(500, 2, 600_000, 1, 3, 2, new RunControl());
        coolDown.signal(FailureClassifier.RATE_LIMITED, VideoFailure.Signal.RATE_LIMIT);
        assertTrue(coolDown.remainingMillis() <= 500, "the first pause: " + coolDown.remainingMillis());
        coolDown.signal(FailureClassifier.RATE_LIMITED, VideoFailure.Signal.RATE_LIMIT, 120_000);
        assertTrue(coolDown.remainingMillis() > 110_000, "as the source asks: " + coolDown.remainingMillis());
        coolDown.signal(FailureClassifier.RATE_LIMITED, VideoFailure.Signal.RATE_LIMIT, 5_000);
        assertTrue(coolDown.remainingMillis() > 110_000, "not shortened: " + coolDown.remainingMillis());
        coolDown.signal(FailureClassifier.RATE_LIMITED, VideoFailure.Signal.RATE_LIMIT, 99_999_999);
        assertTrue(coolDown.remainingMillis() > 590_000 && coolDown.remainingMillis() <= 600_000,
                "avqa.cooldown.max at most: " + coolDown.remainingMillis());
    }

    /**
     * A network error's cause, which Python repeats after yt-dlp's words, is left out of the last error; an extractor's
     * cause, which says more than the words before it, stays.
     */
    @Test
    void aNetworkErrorsRepeatedCauseIsLeftOutAndAnExtractorsKept() {
        assertEquals("ERROR: [generic] x: Unable to download webpage: [Errno 111] Connection refused", FailureClassifier
                .lastError("ERROR: [generic] x: Unable to download webpage: [Errno 111] Connection refused (caused by "
                        + "TransportError('[Errno 111] Connection refused'))"));
        assertEquals("ERROR: [youtube] x: Unable to download webpage: [Errno -3] Temporary failure in name resolution",
                FailureClassifier.lastError("ERROR: [youtube] x: Unable to download webpage: <urlopen error [Errno -3] "
                        + "Temporary failure in name resolution> (caused by URLError(gaierror(-3, 'Temporary failure in "
                        + "name resolution')))"));
        String extractor = "ERROR: [youtube] x: Failed to parse JSON (caused by JSONDecodeError('Expecting value: line 1 "
                + "column 1 (char 0)'))";
        assertEquals(extractor, FailureClassifier.lastError(extractor));
    }

    /**
     * One wave of 429s seen by every worker, each asking for the same Retry-After a few milliseconds after the last: the
     * pause follows the latest, and the line is said once (it was said again by each worker); a Retry-After that
     * lengthens the pause by a second or more is said.
     */
    @Test
    void oneWaveOf429sIsSaidOnce() throws Exception {
        java.io.StringWriter said = new java.io.StringWriter();
        org.apache.logging.log4j.core.LoggerContext context =
                (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        org.apache.logging.log4j.core.Appender appender = org.apache.logging.log4j.core.appender.WriterAppender.newBuilder()
                .setName("wave").setTarget(said).setLayout(org.apache.logging.log4j.core.layout.PatternLayout.newBuilder()
                        .withPattern("%m%n").build()).build();
        appender.start();
        org.apache.logging.log4j.core.Logger logger = context.getLogger("avqa.cooldown");
        logger.addAppender(appender);
        try {
            CoolDown coolDown = new CoolDown(500, 2, 600_000, 1, 3, 2, new RunControl());
            coolDown.signal(FailureClassifier.RATE_LIMITED, VideoFailure.Signal.RATE_LIMIT, 60_000);
            for (int worker = 0; worker < 3; worker++) {
                Thread.sleep(5);
                coolDown.signal(FailureClassifier.RATE_LIMITED, VideoFailure.Signal.RATE_LIMIT, 60_000);
            }
            assertTrue(coolDown.remainingMillis() > 59_000, "the pause follows the latest: " + coolDown.remainingMillis());
            assertEquals(1, said.toString().lines().filter(l -> l.startsWith("Cool-down: every worker pauses")).count(),
                    said.toString());
            // lengthenings under a second each, which add up to more than one: said once they do
            coolDown.signal(FailureClassifier.RATE_LIMITED, VideoFailure.Signal.RATE_LIMIT, 60_700);
            assertEquals(1, said.toString().lines().filter(l -> l.startsWith("Cool-down: every worker pauses")).count(),
                    said.toString());
            coolDown.signal(FailureClassifier.RATE_LIMITED, VideoFailure.Signal.RATE_LIMIT, 61_400);
            assertTrue(said.toString().contains("Cool-down: every worker pauses for 61.4 s from now"), said.toString());
            coolDown.signal(FailureClassifier.RATE_LIMITED, VideoFailure.Signal.RATE_LIMIT, 120_000);
            assertTrue(said.toString().contains("Cool-down: every worker pauses for 120.0 s from now"), said.toString());
        } finally {
            logger.removeAppender(appender);
            appender.stop();
        }
    }

    /** Signals of a kind until the run stops after {@code limit} cool-downs, then one more in the next run: no stop. */
    private static void stopsThenHasItsCoolDownsAgain(VideoFailure.Signal kind, String reason, int limit) {
        RunControl run = new RunControl();
        CoolDown coolDown = new CoolDown(0, 2, 0, 1, 3, 2, run);
        for (int i = 0; i <= limit; i++) {
            coolDown.signal(reason, kind);
        }
        assertTrue(run.isStopping(), "stopped after " + limit + " cool-downs");
        run.reset();
        coolDown.signal(reason, kind);
        assertFalse(run.isStopping(), "a cool-down first, not a stop at once");
    }

    /**
     * The same for the other counts in a row that stop a run: bot checks (a service's next run, cookies given meanwhile,
     * stopped at its first), and yt-dlp out of date (the next run, yt-dlp updated, stopped at its first such answer).
     */
    @Test
    void aRunAfterABotCheckOrOutdatedToolStopHasItsCountsAgain(@org.junit.jupiter.api.io.TempDir Path tmp) {
        stopsThenHasItsCoolDownsAgain(VideoFailure.Signal.BOT_CHECK, "the source asks to confirm this is not a bot", 3);

        RunControl run = new RunControl();
        OutdatedToolStop outdated = outdatedAfterTwo(tmp, run);
        outdated.failed(OUT_OF_DATE);
        outdated.failed(OUT_OF_DATE);
        assertTrue(run.isStopping(), "stopped after 2 in a row");
        run.reset();
        outdated.failed(OUT_OF_DATE);
        assertFalse(run.isStopping(), "the next run counts from none");
    }

    /**
     * A run that stopped for another reason (a signal, a full disk) with failures in a row short of their limit left the
     * count there, so the next run (a service's next night) stopped at its first such failure. Each count starts from
     * none with a new run: unresolved host names, bot checks, yt-dlp out of date, a program the system would not start.
     */
    @Test
    void aNewRunCountsItsFailuresInARowFromNoneWhateverTheLastOneLeft(@org.junit.jupiter.api.io.TempDir Path tmp) {
        for (VideoFailure.Signal kind : List.of(VideoFailure.Signal.NETWORK, VideoFailure.Signal.BOT_CHECK)) {
            RunControl run = new RunControl();
            CoolDown coolDown = new CoolDown(0, 2, 0, 1, 2, 2, run);
            coolDown.signal("a sign for the whole address", kind);
            coolDown.signal("a sign for the whole address", kind);
            run.stop("stopped by a signal");
            run.reset();
            coolDown.signal("a sign for the whole address", kind);
            assertFalse(run.isStopping(), kind + ": the new run's first is a cool-down, not the third in a row");
        }

        RunControl run = new RunControl();
        OutdatedToolStop outdated = outdatedAfterTwo(tmp, run);
        outdated.failed(OUT_OF_DATE);
        run.reset();
        outdated.failed(OUT_OF_DATE);
        assertFalse(run.isStopping(), "yt-dlp out of date: the new run's first, not the second in a row");
    }

    private static final VideoFailure OUT_OF_DATE = new VideoFailure.ToolOutdated("yt-dlp is out of date", "ERROR: please update");

    /** The stop for yt-dlp out of date for 2 videos in a row, of {@code run}. */
    private static OutdatedToolStop outdatedAfterTwo(Path tmp, RunControl run) {
        ToolVersions tools = new ToolVersions(avqa.downloader.settings.Settings.resolve(
                Map.of("avqa.data-dir", tmp.resolve("data").toString()),
                Path.of("application.properties").toAbsolutePath(), new java.util.Properties(), Map.of()));
        return new OutdatedToolStop(2, tools, run);
    }
}
