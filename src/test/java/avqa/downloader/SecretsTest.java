package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords in a proxy URL, in the database's and the broker's URLs, and in a mirror's and a manifest's
 * URLs reach no file under the data directory, no line of the output, and no process's visible command
 * line; the cookies file given is never rewritten; the run's summary is readable by its owner only.
 */
class SecretsTest extends LoopbackServerTest {

    static final List<String> SECRETS = List.of("pr0xyS3cret", "d8S3cret", "mqS3cret", "m1rrorS3cret", "man1festS3cret");

    @Test
    void noSecretReachesTheDiskTheOutputOrACommandLine(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("secret", 2);
        server.serve("manifest01", clip);
        server.pace(300_000);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        Path manifest = tmp.resolve("lab.csv");
        Files.writeString(manifest, "id,url\nmanifest01,http://lab:man1festS3cret@127.0.0.1:"
                + server.baseUrl().replaceAll(".*:", "") + "/v/manifest01\n");
        Path cookies = tmp.resolve("cookies.txt");
        Files.writeString(cookies, "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc\n");
        byte[] cookiesBefore = Files.readAllBytes(cookies);
        String template = server.urlTemplate().replace("http://", "http://user:m1rrorS3cret@");
        List<String> args = new ArrayList<>(Fixture.localArgs(data, meta, template));
        java.util.concurrent.atomic.AtomicReference<String> proxyFile = new java.util.concurrent.atomic.AtomicReference<>();
        // a proxy that lets yt-dlp through to the loopback server (HTTP, with credentials it does not need)
        try (ForwardingProxy proxy = new ForwardingProxy()) {
            args.addAll(List.of("--manifest", manifest.toString(), "--cookies", cookies.toString(),
                    "--proxy", "http://avqa:pr0xyS3cret@127.0.0.1:" + proxy.port()));
            Map<String, String> env = Map.of(
                    "AVQA_DB_URL", "jdbc:postgresql://127.0.0.1:9/avqa?user=avqa&password=d8S3cret",
                    "AVQA_BROKER_URL", "tcp://127.0.0.1:9?jms.password=mqS3cret");
            AtomicBoolean leakedToPs = new AtomicBoolean();
            AtomicBoolean sawYtDlp = new AtomicBoolean();
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(c -> {
                        if ((c.contains("yt-dlp") || c.contains("yt_dlp")) && c.contains("--ignore-config")) {
                            // a download's command line, not the version's
                            sawYtDlp.set(true);
                            java.util.regex.Matcher m = java.util.regex.Pattern.compile("--config-locations (\\S+)").matcher(c);
                            if (m.find()) {
                                proxyFile.set(m.group(1));
                            }
                            if (SECRETS.stream().anyMatch(c::contains)) {
                                leakedToPs.set(true);
                            }
                        }
                    }));
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watcher.start();
            Fixture.Outcome outcome;
            try {
                outcome = Fixture.run(args, env);
            } finally {
                watcher.interrupt();
                watcher.join(TimeUnit.SECONDS.toMillis(5));
            }

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertTrue(proxy.connections() > 0, "yt-dlp went through the proxy");
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("--proxy is used by yt-dlp, which then fetches every video; the annotations "
                    + "and the archives are fetched directly"), "what goes through the proxy is said: " + log);
            assertTrue(sawYtDlp.get(), "the watcher saw yt-dlp's command lines");
            assertFalse(leakedToPs.get(), "no secret on a visible command line");
            for (String s : SECRETS) {
                assertFalse(outcome.stdout().contains(s) || outcome.stderr().contains(s), s + " in the output");
            }
        } finally {
            server.pace(0);
        }
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String s : SECRETS) {
                    assertFalse(text.contains(s), s + " is in " + data.relativize(f));
                }
            }
        }
        // the proxy reached yt-dlp in a file of the machine's own temporary directory, readable by us only
        Path conf = Path.of(proxyFile.get());
        assertFalse(conf.toAbsolutePath().startsWith(data.toAbsolutePath()), "not under the data directory: " + conf);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)), "the proxy's file");
        assertTrue(Files.readString(conf).contains("pr0xyS3cret"), "the proxy is in it");
        try (Stream<Path> runs = Files.list(data.resolve("runs"))) {
            for (Path r : runs.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(r)), r.toString());
            }
        }
        assertArrayEquals(cookiesBefore, Files.readAllBytes(cookies), "the user's cookies file is untouched");
        assertTrue(Fixture.probe(data.resolve("videos/manifest01.mp4"))[0] > 2.5);
    }
}
