package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import avqa.downloader.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --doctor with the real tools: Debian's old yt-dlp, the set-up's current one, node and deno. */
class DoctorTest {

    static String line(Fixture.Outcome o, String subject) {
        return o.stdout().lines().filter(l -> l.matches("(OK|WARN|FAIL) +" + subject + " .*")).findFirst().orElse("");
    }

    static List<String> args(Path tmp, String... more) {
        List<String> args = new ArrayList<>(List.of("--doctor", "--data-dir", tmp.resolve("data").toString(),
                "--metadata-url", "file:" + tmp.resolve("meta")));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void withDebiansYtDlpItNamesTheVersionSaysItIsTooOldForYoutubeAndExitsNonZero(@TempDir Path tmp) {
        YtDlpVersions.assumeDebiansOld();

        Fixture.Outcome o = Fixture.run(args(tmp), Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.DEBIAN.toString()));

        assertEquals(1, o.exit(), o.stdout());
        String ytDlp = line(o, "yt-dlp");
        assertTrue(ytDlp.startsWith("FAIL") && ytDlp.contains(YtDlpVersions.version(YtDlpVersions.DEBIAN))
                && ytDlp.contains("YouTube will not work") && ytDlp.contains("scripts/avqa.sh")
                && ytDlp.contains("pip install -U \"yt-dlp[default]\""), o.stdout());
        assertTrue(o.stdout().contains("Not ready"), o.stdout());
        assertFalse(Files.exists(tmp.resolve("data")), "no lock, no log, nothing written");
    }

    @Test
    void withTheSetUpsYtDlpAndNodeItNamesTheRuntimeAndDoesNotFlagYtDlp(@TempDir Path tmp) {
        YtDlpVersions.assumeSetUp();
        Path node = ToolVersions.which("node");
        assumeTrue(node != null && ToolVersions.firstLine(List.of(node.toString(), "--version")).matches("v(2\\d|[3-9]\\d).*"),
                "no node 20 or later on PATH");

        Fixture.Outcome o = Fixture.run(args(tmp), Map.of("AVQA_TOOLS_JS_RUNTIME", "node"));

        String ytDlp = line(o, "yt-dlp");
        assertTrue(ytDlp.contains(YtDlpVersions.version(YtDlpVersions.SET_UP)) && !ytDlp.startsWith("FAIL")
                && !ytDlp.contains("will not work"), o.stdout());
        String runtime = line(o, "JavaScript");
        assertTrue(runtime.contains("node") && runtime.contains(node.toString()), o.stdout());
        // yt-dlp itself judges the runtime: a yt-dlp that wants a newer node says so, and the doctor with it
        assertTrue(runtime.startsWith("OK") || runtime.contains("yt-dlp says"), runtime);
    }

    @Test
    void theYtDlpArgumentsForAYoutubeUrlCarryTheJavaScriptRuntime(@TempDir Path tmp) {
        YtDlpVersions.assumeSetUp();
        YtDlp ytDlp = ytDlp(tmp, Map.of("AVQA_TOOLS_JS_RUNTIME", "node:/usr/bin/node",
                "AVQA_TOOLS_REMOTE_COMPONENTS", "ejs:github"));

        List<String> youtube = ytDlp.args(job(tmp, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"));
        List<String> mirror = ytDlp.args(job(tmp, "http://127.0.0.1:9/v/dQw4w9WgXcQ"));

        int runtime = youtube.indexOf("--js-runtimes");
        assertTrue(runtime > 0 && youtube.get(runtime + 1).equals("node:/usr/bin/node")
                && youtube.get(runtime - 1).equals("--no-js-runtimes"), youtube.toString());
        assertEquals("ejs:github", youtube.get(youtube.indexOf("--remote-components") + 1));
        assertTrue(runtime < youtube.indexOf("--"), "options before the URL: " + youtube);
        assertFalse(mirror.contains("--js-runtimes"), "only YouTube needs it: " + mirror);
    }

    @Test
    void aYoutubeDownloadWithDebiansYtDlpIsRefusedBeforeAnyProcessStarts(@TempDir Path tmp) {
        YtDlpVersions.assumeDebiansOld();
        YtDlp ytDlp = ytDlp(tmp, Map.of("AVQA_TOOLS_YT_DLP", YtDlpVersions.DEBIAN.toString()));

        VideoFailure f = assertThrows(VideoFailure.class,
                () -> ytDlp.args(job(tmp, "https://www.youtube.com/watch?v=dQw4w9WgXcQ")));

        assertEquals(VideoFailure.TOOL_OUTDATED, f.category());
        assertTrue(f.reason().contains("2023.03.04") || f.reason().contains("older than 2024.07.25"), f.reason());
        assertFalse(ytDlp.args(job(tmp, "http://127.0.0.1:9/v/x")).isEmpty(), "other sources are fetched as before");
    }

    @Test
    void theCookiesFileTheDiskEstimateAndTheAnnotationHostAreChecked(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("mirrored001", "mirrored002", "mirrored003"));
        Fixture.annotations(tmp.resolve("data/metadata"), "test", List.of("mirrored001", "mirrored002", "mirrored003"));
        Path good = tmp.resolve("cookies.txt");
        Files.writeString(good, "# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t1893456000\tPREF\tf6=8\n");
        Path bad = tmp.resolve("cookies.json");
        Files.writeString(bad, "[{\"name\": \"PREF\"}]\n");
        List<String> common = List.of("--dataset", "music-avqa", "--splits", "test",
                "--source-url-template", "http://127.0.0.1:9/v/{id}.mp4");

        List<String> withGood = args(tmp, "--cookies", good.toString());
        withGood.addAll(common);
        Fixture.Outcome ok = Fixture.run(withGood);
        assertTrue(line(ok, "cookies").startsWith("OK") && line(ok, "cookies").contains("1 cookies"), ok.stdout());
        assertTrue(line(ok, "disk").startsWith("OK") && line(ok, "disk").contains("3 videos or clips to fetch")
                && line(ok, "disk").contains("0 from YouTube"), ok.stdout());
        assertTrue(line(ok, "annotations").startsWith("OK"), ok.stdout());

        List<String> withBad = args(tmp, "--cookies", bad.toString(), "--metadata-url", "file:" + tmp.resolve("nowhere"));
        withBad.addAll(common);
        Fixture.Outcome notReady = Fixture.run(withBad);
        assertEquals(1, notReady.exit());
        assertTrue(line(notReady, "cookies").startsWith("FAIL") && line(notReady, "cookies").contains("Netscape"),
                notReady.stdout());
        assertTrue(line(notReady, "annotations").startsWith("WARN"), "metadata/ has them: " + notReady.stdout());

        try (MediaServer host = new MediaServer()) {
            host.serveFile("/json/avqa-test.json", meta.resolve("avqa-test.json"));
            List<String> http = args(tmp.resolve("fresh"), "--metadata-url", host.baseUrl() + "/json");
            http.addAll(common);
            assertTrue(line(Fixture.run(http), "annotations").startsWith("OK"));
            assertEquals(List.of("HEAD"), host.hits("/json/avqa-test.json").stream().map(MediaServer.Hit::method).toList());
            http.set(http.indexOf(host.baseUrl() + "/json"), host.baseUrl() + "/missing");
            String missing = line(Fixture.run(http), "annotations");
            assertTrue(missing.startsWith("FAIL") && missing.contains("404"), missing);
        }
    }

    /**
     * Annotations in metadata/ from another --metadata-url are fetched again by a run: that URL out of reach
     * is a problem, not a warning.
     */
    @Test
    void annotationsFromAnotherUrlNeedTheirHost(@TempDir Path tmp) throws Exception {
        Fixture.annotations(tmp.resolve("meta"), "test", List.of("00000001"));
        assertEquals(0, Fixture.run(Fixture.localArgs(tmp.resolve("data"), tmp.resolve("meta"),
                avqa.downloader.settings.SettingsTable.YOUTUBE_TEMPLATE)).exit());
        List<String> common = List.of("--dataset", "music-avqa", "--splits", "test",
                "--source-url-template", "http://127.0.0.1:9/v/{id}.mp4");

        List<String> same = args(tmp);
        same.addAll(common);
        assertTrue(line(Fixture.run(same), "annotations").startsWith("OK"));
        List<String> elsewhere = args(tmp, "--metadata-url", "file:" + tmp.resolve("nowhere"));
        elsewhere.addAll(common);
        String said = line(Fixture.run(elsewhere), "annotations");
        assertTrue(said.startsWith("FAIL") && said.contains("check --metadata-url"), said);
    }

    /**
     * A host that redirects where the run does not follow (file:, ftp:, on without end) fails the check, as
     * it fails the run; what the host sent (a header with escape sequences) is shown escaped.
     */
    @Test
    void aRedirectTheRunRefusesFailsAndWhatTheHostSentIsShownEscaped(@TempDir Path tmp) throws Exception {
        Fixture.annotations(tmp.resolve("meta"), "test", List.of("mirrored001"));
        java.util.Map<String, String> answers = Map.of(
                "/file", "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n",
                "/loop", "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n",
                "/ansi", "HTTP/1.1 302 Found\r\nLocation: ftp://evil\u001b[31m\u001b[2J/x.zip\r\nContent-Length: 0\r\n\r\n");
        try (RawHost host = new RawHost(path -> RawHost.text(answers.getOrDefault(path.replaceAll("/x\\.zip$", ""),
                "HTTP/1.1 404 No\r\nContent-Length: 0\r\n\r\n")))) {
            String base = host.baseUrl();
            for (String path : List.of("/file", "/loop", "/ansi")) {
                List<String> a = args(tmp, "--import-archive", base + path + "/x.zip", "--dataset", "music-avqa",
                        "--splits", "test", "--source-url-template", "http://127.0.0.1:9/v/{id}.mp4");
                Fixture.Outcome o = Fixture.run(a);
                String archive = line(o, "archive");
                assertTrue(archive.startsWith("FAIL"), path + ": " + o.stdout());
                assertEquals(1, o.exit(), path + ": " + o.stdout());
                assertTrue(o.stdout().chars().noneMatch(c -> c == 0x1b), path + ": " + o.stdout());
            }
        }
    }

    @Test
    void archivesToReadBringTheBsdtarCheckAndEveryArchiveHostIsAsked(@TempDir Path tmp) throws Exception {
        Fixture.annotations(tmp.resolve("meta"), "test", List.of("mirrored001"));
        List<String> common = List.of("--dataset", "music-avqa", "--splits", "test",
                "--source-url-template", "http://127.0.0.1:9/v/{id}.mp4");
        List<String> plain = args(tmp);
        plain.addAll(common);
        Fixture.Outcome none = Fixture.run(plain);
        assertEquals("", line(none, "bsdtar"), "no archive, no bsdtar line: " + none.stdout());
        assertEquals("", line(none, "archive"), none.stdout());

        Path rar = tmp.resolve("clips.rar");
        Files.write(rar, new byte[] {'R', 'a', 'r', '!', 0x1a, 0x07, 0x01, 0x00});
        try (MediaServer host = new MediaServer()) {
            host.serveFile("/share/clips.rar", rar);
            List<String> withArchive = args(tmp, "--import-archive", host.baseUrl() + "/share/clips.rar");
            withArchive.addAll(common);
            Fixture.Outcome ready = Fixture.run(withArchive);
            assertTrue(line(ready, "bsdtar").startsWith("OK") && line(ready, "bsdtar").contains("RAR"), ready.stdout());
            assertTrue(line(ready, "archive").startsWith("OK"), ready.stdout());
            // its head, then its first 4 KiB (what the link gives: an archive, not a page sent as a file)
            assertEquals(List.of("HEAD", "GET"), host.hits("/share/clips.rar").stream().map(MediaServer.Hit::method).toList());
            // given twice, and as the dataset's own archive too: one archive, asked for once, as a run fetches it once
            List<String> twice = args(tmp, "--import-archive", host.baseUrl() + "/share/clips.rar",
                    "--import-archive", host.baseUrl() + "/share/clips.rar");
            twice.addAll(common);
            Fixture.Outcome once = Fixture.run(twice, Map.of("AVQA_ARCHIVE_URL", host.baseUrl() + "/share/clips.rar"));
            assertEquals(4, host.hits("/share/clips.rar").size(), once.stdout());
            assertEquals(1, once.stdout().lines().filter(l -> l.matches("(OK|WARN|FAIL) +archive .*")).count(), once.stdout());

            List<String> gone = args(tmp, "--import-archive", host.baseUrl() + "/share/gone.rar");
            gone.addAll(common);
            Fixture.Outcome missing = Fixture.run(gone, Map.of("AVQA_TOOLS_BSDTAR", tmp.resolve("no-bsdtar").toString()));
            assertEquals(1, missing.exit(), missing.stdout());
            assertTrue(line(missing, "archive").startsWith("FAIL") && line(missing, "archive").contains("404"), missing.stdout());
            String bsdtar = line(missing, "bsdtar");
            assertTrue(bsdtar.startsWith("FAIL") && bsdtar.contains("libarchive-tools"), missing.stdout());

            // announced larger than avqa.archive.max-size, which the run refuses: it was "OK" (an adversarial probe)
            try (ArchiveHost sized = new ArchiveHost()) {
                sized.serve("big.rar", java.util.Arrays.copyOf(Files.readAllBytes(rar), 4096), "v1");
                List<String> large = args(tmp, "--import-archive", sized.shareUrl("big.rar"));
                large.addAll(common);
                Fixture.Outcome over = Fixture.run(large, Map.of("AVQA_ARCHIVE_MAX_SIZE", "1K"));
                assertEquals(1, over.exit(), over.stdout());
                assertTrue(line(over, "archive").startsWith("FAIL") && line(over, "archive").contains("is announced at 4.0 KiB, "
                        + "larger than avqa.archive.max-size (1.0 KiB): the run does not fetch it"), over.stdout());
            }
        }
        // a link that answers with a web page: Drive's download page passes (the run confirms it); its quota page,
        // and any other page (a sign-in page), do not, as the run would refuse them
        try (ArchiveHost drive = new ArchiveHost(); MediaServer host = new MediaServer()) {
            drive.serve("1AbCdEfGh", new byte[] {'R', 'a', 'r', '!', 0x1a, 0x07, 0x01, 0x00}, "v1").drivePage(null);
            List<String> confirm = args(tmp, "--import-archive", drive.driveUrl("1AbCdEfGh"));
            confirm.addAll(common);
            String confirmed = line(Fixture.run(confirm), "archive");
            assertTrue(confirmed.startsWith("OK") && confirmed.contains("with a download page the run confirms"), confirmed);

            drive.drivePage("Too many users have viewed or downloaded this file recently.");
            String quota = line(Fixture.run(confirm), "archive");
            assertTrue(quota.startsWith("FAIL") && quota.contains("which says: Too many users have viewed"), quota);

            host.servePage("signin", "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method=\"post\">"
                    + "<input name=\"identifier\"></form></body></html>");
            List<String> signIn = args(tmp, "--import-archive", host.baseUrl() + "/v/signin");
            signIn.addAll(common);
            Fixture.Outcome page = Fixture.run(signIn);
            assertEquals(1, page.exit(), page.stdout());
            assertTrue(line(page, "archive").startsWith("FAIL") && line(page, "archive").contains("answers with a web page, "
                    + "not an archive"), page.stdout());

            // a page or a refusal sent as a file (application/octet-stream): its HEAD says nothing of it; its first
            // bytes do (it was "OK … answers (197 B)", then the run refused it; a probe's finding)
            drive.serve("quota.rar", ("<!DOCTYPE html><html><head><title>Quota exceeded</title></head><body><p>Sorry, you have "
                    + "exceeded your download quota</p></body></html>").getBytes(java.nio.charset.StandardCharsets.UTF_8), "q1");
            drive.serve("limit.rar", "Error: rate limit exceeded, try again later\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), "l1");
            for (String[] c : List.of(new String[] {"quota.rar", "answers with a web page, not an archive"},
                    new String[] {"limit.rar", "answers with text, not an archive (\"Error: rate limit exceeded, try again later\")"})) {
                List<String> sent = args(tmp, "--import-archive", drive.shareUrl(c[0]));
                sent.addAll(common);
                Fixture.Outcome said = Fixture.run(sent);
                assertEquals(1, said.exit(), said.stdout());
                assertTrue(line(said, "archive").startsWith("FAIL") && line(said, "archive").contains(c[1]), said.stdout());
            }
        }
        // the dataset's own archive behind a Dropbox preview link (?dl=0): the doctor asks for ?dl=1, as the run
        // does (www.dropbox.com is this machine, by a hosts file of the doctor's JVM)
        try (MediaServer dropbox = new MediaServer()) {
            dropbox.serveFile("/s/abc123/clips.rar", rar);
            Path hosts = tmp.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 www.dropbox.com\n");
            String port = dropbox.baseUrl().substring(dropbox.baseUrl().lastIndexOf(':') + 1);
            List<String> canonical = args(tmp);
            canonical.addAll(common);
            Path log = tmp.resolve("doctor-dropbox.log");
            Process p = Fixture.startJvm(canonical, Map.of("JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hosts,
                    "AVQA_ARCHIVE_URL", "http://www.dropbox.com:" + port + "/s/abc123/clips.rar?dl=0"), log);
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), ServiceTest.read(log));
            assertEquals(List.of("/s/abc123/clips.rar?dl=1", "/s/abc123/clips.rar?dl=1"), dropbox.uris(), "its head and first "
                    + "bytes: " + ServiceTest.read(log));
            assertTrue(ServiceTest.read(log).contains("(the dataset's own archive) answers"), ServiceTest.read(log));
        }
        List<String> refused = args(tmp, "--import-archive", "http://127.0.0.1:9/clips.rar");
        refused.addAll(common);
        String unreachable = line(Fixture.run(refused), "archive");
        assertTrue(unreachable.startsWith("FAIL") && unreachable.contains("refused"), unreachable);
        assertFalse(unreachable.matches(".*[A-Z][a-z]+Exception.*"), "no Java class name: " + unreachable);
    }

    private static YtDlp ytDlp(Path tmp, Map<String, String> env) {
        Settings settings = Settings.resolve(Map.of("avqa.data-dir", tmp.resolve("data").toString()),
                Path.of("application.properties").toAbsolutePath(), new Properties(), env);
        RunControl run = new RunControl();
        ToolVersions tools = new ToolVersions(settings);
        CoolDown coolDown = new CoolDown(0, 2, 0, 1, 3, 3, run);
        return new YtDlp(settings, new FailureClassifier(coolDown, new DiskFull(tmp, run), run,
                new OutdatedToolStop(3, tools, run)), tools, new GenericPages());
    }

    private static VideoJob job(Path tmp, String url) {
        return new VideoJob("dQw4w9WgXcQ", VideoJob.Kind.DOWNLOAD, url, null, null, tmp.resolve("work"), null, "download");
    }
}
