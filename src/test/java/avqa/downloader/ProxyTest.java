package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxies the environment names (http_proxy, https_proxy, no_proxy), through a real forward proxy
 * (tinyproxy, asking for a user name and password): the video files, the archives and --doctor's look go
 * through it, https in a tunnel (CONNECT); the hosts no_proxy names go directly; a login the proxy refuses
 * loses no video; a proxy this tool cannot use is refused at start in one line.
 */
class ProxyTest extends LoopbackServerTest {

    private static final String LOGIN = "alice:pr0xyPa55@";

    @Test
    void theVideoFilesAndTheArchivesGoThroughTheProxyWithItsLogin(@TempDir Path tmp) throws Exception {
        LabProxy.need();
        ArchiveMaker.need("bsdtar");
        List<String> files = serveClips("viaproxy", 2);
        Map<String, Path> entries = new java.util.LinkedHashMap<>();
        List<String> archived = List.of("00000011", "00000012");
        archived.forEach(id -> entries.put(id + ".mp4", clip));
        Path zip = tmp.resolve("videos.zip");
        ArchiveMaker.zip(ArchiveMaker.folder(tmp, "videos", entries), zip);
        List<String> ids = new ArrayList<>(files);
        ids.addAll(archived);
        Path data = tmp.resolve("data");
        try (LabProxy proxy = new LabProxy(tmp.resolve("proxy"), "alice pr0xyPa55");
             ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.zip", Files.readAllBytes(zip), "z1");
            List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
            args.addAll(List.of("--import-archive", host.shareUrl("videos.zip")));

            Fixture.Outcome outcome = Fixture.run(args, Map.of("http_proxy", proxy.url(LOGIN)));

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            for (String id : ids) {
                assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
            }
            List<String> through = proxy.requests();
            for (String id : files) {
                assertTrue(through.contains("GET " + server.mediaFileTemplate().replace("{id}", id)), id + ": " + through);
            }
            assertTrue(through.contains("GET " + host.shareUrl("videos.zip")), "the archive's link: " + through);
            assertTrue(through.stream().anyMatch(r -> r.startsWith("GET http://127.0.0.1:") && r.contains("/files/videos.zip")),
                    "the archive, where its link leads: " + through);
            // what goes where is said, the proxy's password not
            assertTrue(log.contains("proxies from the environment, for the annotations, the archives and the video files"
                    + " (and for yt-dlp, which reads them too): http through http://***@127.0.0.1:"), log);
            assertFalse(log.contains("pr0xyPa55") || outcome.stderr().contains("pr0xyPa55")
                    || outcome.stdout().contains("pr0xyPa55"), "the proxy's password is nowhere");
        }
    }

    @Test
    void theHostsNoProxyNamesAreFetchedDirectly(@TempDir Path tmp) throws Exception {
        LabProxy.need();
        List<String> ids = serveClips("noproxy", 2);
        try (LabProxy proxy = new LabProxy(tmp.resolve("proxy"), null)) {
            Fixture.Outcome outcome = Fixture.run(localRun(tmp, ids, server.mediaFileTemplate()),
                    Map.of("HTTP_PROXY", proxy.url(""), "NO_PROXY", "example.org, 127.0.0.0/8"));

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(List.of(), proxy.requests(), "nothing went through the proxy");
            assertEquals(1, server.hits(ids.get(0)).size());
            assertTrue(Files.readString(tmp.resolve("data/avqa_download.log"))
                    .contains("directly to the hosts no_proxy names: example.org, 127.0.0.0/8"));
        }
    }

    /**
     * A proxy that asks for a login not given (407): each video fails as transient (kept for the next run), in
     * the proxy's words, not the source's. (tinyproxy answers a wrong password with a 401 of its own, where
     * squid answers 407 again.)
     */
    @Test
    void aProxyAskingForALoginNotGivenLosesNoVideo(@TempDir Path tmp) throws Exception {
        LabProxy.need();
        List<String> ids = serveClips("badlogin", 2);
        try (LabProxy proxy = new LabProxy(tmp.resolve("proxy"), "alice pr0xyPa55")) {
            List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
            args.addAll(List.of("--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(args, Map.of("http_proxy", proxy.url("")));

            assertEquals(1, outcome.exit());
            assertEquals(0, server.hits(ids.get(0)).size(), "no request reached the host");
            Path data = tmp.resolve("data");
            FailureHandlingTest.assertCategory(data, ids.get(0), "transient", 1);
            String reason = Fixture.readJson(data.resolve("failed/" + ids.get(0) + ".json")).get("reason").asText();
            assertTrue(reason.startsWith("the proxy " + proxy.url("") + " (http_proxy) asks for a user name and password, "
                    + "or refused the ones given (HTTP 407)"), reason);
            // every request through the proxy meets it: all workers pause, as for a name that cannot be resolved
            assertTrue(Files.readString(data.resolve("avqa_download.log")).lines().anyMatch(l ->
                    l.contains("Cool-down: every worker pauses") && l.contains("(HTTP 407)")), "a cool-down");
        }
    }

    /**
     * A proxy that takes no connection (nothing listens at its address): said as the proxy's, not blamed on the source,
     * and every request's trouble: all workers pause, each video kept for the next run.
     */
    @Test
    void aProxyThatCannotBeReachedIsSaidToBeTheProxys(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("deadproxy", 2);
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--retry-attempts", "1"));
        String proxy = "http://127.0.0.1:" + closed;

        // (the tests' own no_proxy, from the pom, names 127.0.0.1: one that does not)
        Fixture.Outcome outcome = Fixture.run(args, Map.of("http_proxy", proxy, "no_proxy", "example.invalid",
                "NO_PROXY", "example.invalid"));

        assertEquals(1, outcome.exit(), outcome.stderr());
        assertEquals(0, server.hits(ids.get(0)).size(), "no request reached the host");
        Path data = tmp.resolve("data");
        FailureHandlingTest.assertCategory(data, ids.get(0), "transient", 1);
        String reason = Fixture.readJson(data.resolve("failed/" + ids.get(0) + ".json")).get("reason").asText();
        assertEquals("the proxy " + proxy + " (http_proxy) could not be reached: the connection to 127.0.0.1:" + closed
                + " was refused (nothing listens there)", reason);
        assertTrue(Files.readString(data.resolve("avqa_download.log")).lines().anyMatch(l ->
                l.contains("Cool-down: every worker pauses") && l.contains("could not be reached")), "a cool-down");
    }

    /** https through the proxy: a tunnel (CONNECT), the certificate still checked end to end; and --doctor's look too. */
    @Test
    void httpsGoesThroughTheProxysTunnel(@TempDir Path tmp) throws Exception {
        LabProxy.need();
        try (LabProxy proxy = new LabProxy(tmp.resolve("proxy"), "alice pr0xyPa55");
             HttpsFetchTest.TlsHost host = HttpsFetchTest.TlsHost.start(tmp, clip)) {
            List<String> ids = List.of("tunnel0", "tunnel1");
            List<String> args = localRun(tmp, ids, host.template());
            // (the tests' own no_proxy, from the pom, names 127.0.0.1: one that does not)
            Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", host.trustOptions(), "https_proxy", proxy.url(LOGIN),
                    "no_proxy", "example.invalid", "NO_PROXY", "example.invalid");

            Process run = Fixture.startJvm(args, env, tmp.resolve("run.log"));
            assertTrue(run.waitFor(120, TimeUnit.SECONDS));

            assertEquals(0, run.exitValue(), Files.readString(tmp.resolve("run.log")));
            for (String id : ids) {
                assertTrue(Files.isRegularFile(tmp.resolve("data/audio/" + id + ".wav")), id);
            }
            String tunnel = "CONNECT 127.0.0.1:" + host.server().getAddress().getPort();
            // (HttpClient's first CONNECT of a connection goes without the login, the proxy's 407 asks for it)
            List<String> tunnels = proxy.requests();
            assertTrue(!tunnels.isEmpty() && tunnels.stream().allMatch(tunnel::equals), tunnels.toString());

            // the annotations over https: through the proxy too (--dry-run fetches them, and downloads nothing)
            Fixture.annotations(tmp.resolve("files"), "test", ids);
            List<String> annotations = new ArrayList<>(Fixture.localArgs(tmp.resolve("dry"), tmp.resolve("files"),
                    host.template()));
            annotations.set(annotations.indexOf("file:" + tmp.resolve("files")), host.filesUrl());
            annotations.add("--dry-run");
            int before = proxy.requests().size();
            Process dry = Fixture.startJvm(annotations, env, tmp.resolve("dry.log"));
            assertTrue(dry.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, dry.exitValue(), Files.readString(tmp.resolve("dry.log")));
            assertTrue(Files.isDirectory(tmp.resolve("dry/metadata")), "the annotations were fetched");
            List<String> dryTunnels = proxy.requests().subList(before, proxy.requests().size());
            assertTrue(!dryTunnels.isEmpty() && dryTunnels.stream().allMatch(tunnel::equals),
                    "the annotations went through the proxy's tunnel: " + dryTunnels);
            assertEquals(2, host.requests().get(), "and no video was fetched");
            tunnels = proxy.requests();

            // --doctor looks at an archive's host through the proxy as well
            List<String> doctor = localRun(tmp, ids, SettingsTable.YOUTUBE_TEMPLATE);
            doctor.addAll(List.of("--import-archive", host.template().replace("{id}", "tunnel0"), "--doctor"));
            Process look = Fixture.startJvm(doctor, env, tmp.resolve("doctor.log"));
            assertTrue(look.waitFor(120, TimeUnit.SECONDS));
            String said = Files.readString(tmp.resolve("doctor.log"));
            assertTrue(said.contains("/v/tunnel0.mp4 answers"), said);
            List<String> after = proxy.requests();
            assertTrue(after.size() > tunnels.size() && after.stream().allMatch(tunnel::equals),
                    "the doctor's look went through the proxy too: " + after);
            assertTrue(said.contains("proxy") && said.contains("https through http://***@127.0.0.1:"), said);
        }
    }

    /**
     * A proxy that refuses the tunnel to the host (here: it opens tunnels to port 443 only, as many do): HttpClient
     * hands the proxy's 403 on as if the host had answered; it is said as the proxy's, and the video is kept for the
     * next run (transient), not given up as the host's refusal.
     */
    @Test
    void aTunnelTheProxyRefusesIsTheProxysAnswerNotTheHosts(@TempDir Path tmp) throws Exception {
        LabProxy.need();
        try (LabProxy proxy = new LabProxy(tmp.resolve("proxy"), null, "ConnectPort 443");
             HttpsFetchTest.TlsHost host = HttpsFetchTest.TlsHost.start(tmp, clip)) {
            List<String> args = localRun(tmp, List.of("refusedtunnel"), host.template());
            args.addAll(List.of("--retry-attempts", "1"));
            Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", host.trustOptions(), "https_proxy", proxy.url(""),
                    "no_proxy", "example.invalid", "NO_PROXY", "example.invalid");

            Process run = Fixture.startJvm(args, env, tmp.resolve("run.log"));
            assertTrue(run.waitFor(120, TimeUnit.SECONDS));

            assertEquals(1, run.exitValue(), Files.readString(tmp.resolve("run.log")));
            assertEquals(0, host.requests().get(), "nothing reached the host");
            var record = Fixture.readJson(tmp.resolve("data/failed/refusedtunnel.json"));
            assertEquals("transient", record.get("category").asText(), record.toString());
            assertTrue(record.get("reason").asText().startsWith("the proxy " + proxy.url("") + " (https_proxy) refused to "
                    + "connect to 127.0.0.1:"
                    + host.server().getAddress().getPort() + " (HTTP 403"), record.toString());
            // that host's refusal, not every request's: no worker pauses for it
            assertFalse(Files.readString(tmp.resolve("data/avqa_download.log")).contains("Cool-down"));
        }
    }

    /**
     * https through a proxy whose tunnel does not open in time (the host behind it takes no connection, so the proxy's
     * own connection to it waits), and through one whose tunnel opens onto a host that never finishes its TLS
     * handshake: each said as what it is, not as a host that did not send the head of its answer; that video's
     * trouble alone (no worker pauses), kept for the next run.
     */
    @Test
    void aTunnelThatDoesNotOpenOrIsNotSecuredInTimeIsSaidSo(@TempDir Path tmp) throws Exception {
        LabProxy.need();
        try (LabProxy proxy = new LabProxy(tmp.resolve("proxy"), null);
             HostTakingNoConnection dark = new HostTakingNoConnection();
             java.net.ServerSocket mute = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of("https_proxy", proxy.url(""), "no_proxy", "example.invalid",
                    "NO_PROXY", "example.invalid", "AVQA_DOWNLOAD_TIMEOUT", "2");

            List<String> args = localRun(tmp.resolve("dark"), List.of("darktunnel"), "https://127.0.0.1:" + dark.port() + "/v/{id}.mp4");
            args.addAll(List.of("--retry-attempts", "1"));
            // (in a JVM of its own: a run in this one ends the processes this JVM started, tinyproxy too)
            Process closed = Fixture.startJvm(args, env, tmp.resolve("dark.log"));
            assertTrue(closed.waitFor(120, TimeUnit.SECONDS));
            assertEquals(1, closed.exitValue(), Files.readString(tmp.resolve("dark.log")));
            Path data = tmp.resolve("dark/data");
            var record = Fixture.readJson(data.resolve("failed/darktunnel.json"));
            assertEquals("transient", record.get("category").asText(), record.toString());
            assertEquals("the proxy " + proxy.url("") + " (https_proxy) did not open its tunnel to 127.0.0.1:" + dark.port()
                    + " within 2 s", record.get("reason").asText(), record.toString());
            assertFalse(Files.readString(data.resolve("avqa_download.log")).contains("Cool-down"));

            args = localRun(tmp.resolve("mute"), List.of("mutetunnel"), "https://127.0.0.1:" + mute.getLocalPort() + "/v/{id}.mp4");
            args.addAll(List.of("--retry-attempts", "1"));
            Process silent = Fixture.startJvm(args, env, tmp.resolve("mute.log"));
            assertTrue(silent.waitFor(120, TimeUnit.SECONDS));
            assertEquals(1, silent.exitValue(), Files.readString(tmp.resolve("mute.log")));
            data = tmp.resolve("mute/data");
            record = Fixture.readJson(data.resolve("failed/mutetunnel.json"));
            assertEquals("transient", record.get("category").asText(), record.toString());
            assertEquals("the secure connection to 127.0.0.1:" + mute.getLocalPort() + " (through the proxy's tunnel) was not "
                    + "made within 2 s (its TLS handshake did not finish)", record.get("last_error").asText(), record.toString());
            assertFalse(Files.readString(data.resolve("avqa_download.log")).contains("Cool-down"));
        }
    }

    /**
     * yt-dlp's proxy, password and all, is in a private config file in the machine's temporary directory, deleted as
     * the run ends; a run killed outright (kill -9, the out-of-memory killer) left it there for good. The next run
     * that makes one deletes it, and leaves alone the one a live run holds.
     */
    @Test
    void theProxyConfigOfARunKilledOutrightIsDeletedByTheNextAndALiveRunsIsKept(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("killedproxy", 1);
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + javaTmp);
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // a proxy that takes the connection and never answers: each run stays at its first video
            List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
            args.addAll(List.of("--proxy", "http://alice:pr0xyPa55@127.0.0.1:" + silent.getLocalPort()));
            Process first = Fixture.startJvm(args, env, tmp.resolve("first.log"));
            Path[] left = new Path[1];
            try {
                Fixture.await("the first run's proxy config", 60_000, () -> (left[0] = proxyConfig(javaTmp, null)) != null);
            } finally {
                first.destroyForcibly();
            }
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Files.readString(left[0]).contains("pr0xyPa55"), "left behind by kill -9, password and all");

            Process second = Fixture.startJvm(args, env, tmp.resolve("second.log"));
            try {
                Path[] live = new Path[1];
                Fixture.await("the second run's proxy config, and the first's gone", 60_000,
                        () -> (live[0] = proxyConfig(javaTmp, left[0])) != null && !Files.exists(left[0]));
                ProxyConfigFile another = ProxyConfigFile.write("http://127.0.0.1:1", javaTmp);
                another.discard();
                assertTrue(second.isAlive() && Files.exists(live[0]), "the live run's own is kept");
            } finally {
                second.destroy();
            }
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            assertEquals(List.of(), PipelineTest.listNames(javaTmp), "the second run, stopped, deleted its own");
        }
    }

    private static Path proxyConfig(Path dir, Path not) {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(ProxyConfigFile.PREFIX)
                    && p.getFileName().toString().endsWith(ProxyConfigFile.SUFFIX) && !p.equals(not))
                    .findFirst().orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** A proxy whose name cannot be resolved is named as what cannot be resolved, not the video's host. */
    @Test
    void aProxyWhoseNameCannotBeResolvedIsNamed(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("noproxyname", 1);
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--retry-attempts", "1"));

        Fixture.Outcome outcome = Fixture.run(args, Map.of("http_proxy", "http://proxy.example.invalid:3128"));

        assertEquals(1, outcome.exit(), outcome.stderr());
        var record = Fixture.readJson(tmp.resolve("data/failed/" + ids.get(0) + ".json"));
        assertEquals("transient", record.get("category").asText(), record.toString());
        assertTrue(record.get("reason").asText().startsWith("cannot resolve proxy.example.invalid"), record.toString());
    }

    /**
     * A proxy this tool cannot use (SOCKS): said at start, and each request that would go through it fails in that
     * line, the video kept for the next run; a run that makes no such request (--verify) goes on as before, and the
     * proxy's password is shown nowhere.
     */
    @Test
    void aProxyThisToolCannotUseFailsOnlyWhatWouldGoThroughIt(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("socksed", 1);
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--retry-attempts", "1"));
        Map<String, String> env = Map.of("ALL_PROXY", "socks5h://bob:s3cretSocks@127.0.0.1:1080", "no_proxy", "example.org");

        Fixture.Outcome socks = Fixture.run(args, env);

        assertEquals(1, socks.exit(), socks.stderr());
        assertEquals(0, server.hits(ids.get(0)).size(), "not fetched around the proxy");
        Path data = tmp.resolve("data");
        var record = Fixture.readJson(data.resolve("failed/" + ids.get(0) + ".json"));
        assertEquals("transient", record.get("category").asText(), record.toString());
        assertTrue(record.get("reason").asText().startsWith("ALL_PROXY names a SOCKS proxy (socks5h://***@127.0.0.1:1080), "
                + "and this tool fetches the annotations, archives and video files through http:// proxies only"), record.toString());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("ALL_PROXY names a SOCKS proxy")
                && l.contains("Until then every request of this tool that would go through it fails")), log);
        // each such request fails alone: yt-dlp's workers, which may use that proxy, do not pause for it
        assertFalse(log.contains("Cool-down"), log);
        assertFalse(log.contains("s3cretSocks") || socks.stderr().contains("s3cretSocks") || socks.stdout().contains("s3cretSocks")
                || record.toString().contains("s3cretSocks"), "the password is shown nowhere");

        Fixture.Outcome verify = Fixture.run(List.of("--data-dir", data.toString(), "--verify"), env);
        assertTrue(verify.exit() == 0 || verify.exit() == 1, verify.stderr());
        assertFalse(verify.stderr().contains("SOCKS"), verify.stderr());

        // a value that is no URL, its password masked however it is written
        Fixture.Outcome bad = Fixture.run(args, Map.of("http_proxy", "alice:s3cr@t@127.0.0.1:99999"));
        assertEquals(1, bad.exit());
        String reason = Fixture.readJson(data.resolve("failed/" + ids.get(0) + ".json")).get("reason").asText();
        assertTrue(reason.startsWith("http_proxy (***@127.0.0.1:99999) is not a proxy's URL"), reason);
    }
}
