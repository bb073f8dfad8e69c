package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A redirect leads only to http(s), on the yt-dlp path as on the fast path: yt-dlp follows a page's redirect to
 * ftp:// (urllib does) unless its environment sends ftp:// to a proxy that is not there.
 */
class YtDlpEnvironmentTest {

    @Test
    void ftpGoesNowhereAndNoProxyIsDroppedOnlyWhenItMeansNothingElse() {
        Map<String, String> plain = YtDlpEnvironment.environment(Map.of("PATH", "/usr/bin", "FTP_PROXY", "http://f:21",
                "no_proxy", "127.0.0.1,localhost", "NO_PROXY", "*"));
        assertEquals(Map.of("PATH", "/usr/bin", "ftp_proxy", YtDlpEnvironment.NO_FTP), plain);
        Map<String, String> proxied = YtDlpEnvironment.environment(Map.of("https_proxy", "http://p:3128",
                "no_proxy", "lab.internal"));
        assertEquals(Map.of("https_proxy", "http://p:3128", "no_proxy", "lab.internal", "ftp_proxy", YtDlpEnvironment.NO_FTP),
                proxied, "a user's proxy keeps its exceptions");
    }

    /**
     * A page on 127.0.0.1 that redirects to ftp:// at a listening FTP server: with either yt-dlp here (the
     * set-up's, Debian's), the run fails the video and nothing connects to the FTP server.
     */
    @Test
    void aPageThatRedirectsToFtpNeverReachesTheFtpServerWithEitherYtDlp(@TempDir Path tmp) throws Exception {
        AtomicInteger ftpConnections = new AtomicInteger();
        try (ServerSocket ftp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread ftpServer = new Thread(() -> {
                while (!ftp.isClosed()) {
                    try (Socket s = ftp.accept(); OutputStream out = s.getOutputStream()) {
                        ftpConnections.incrementAndGet();
                        // a greeting, then gone: urllib would log in, and the test only counts that it came
                        out.write("421 closing\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            ftpServer.start();
            HttpServer host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            host.createContext("/", ex -> {
                ex.getResponseHeaders().set("Location", "ftp://127.0.0.1:" + ftp.getLocalPort() + "/v/x.mp4");
                ex.sendResponseHeaders(302, -1);
                ex.close();
            });
            host.start();
            int ran = 0;
            try {
                for (Path ytDlp : YtDlpVersions.present()) {
                    ran++;
                    Path meta = tmp.resolve("meta" + ran);
                    Path data = tmp.resolve("data" + ran);
                    Fixture.annotations(meta, "test", List.of("ftpredirect"));
                    List<String> args = Fixture.localArgs(data, meta,
                            "http://127.0.0.1:" + host.getAddress().getPort() + "/v/{id}");
                    args.addAll(List.of("--retry-attempts", "1"));
                    Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_TOOLS_YT_DLP", ytDlp.toString()));

                    assertEquals(1, outcome.exit(), ytDlp + ": " + outcome.stderr());
                    assertTrue(Files.isRegularFile(data.resolve("failed/ftpredirect.json")), ytDlp + ": " + outcome.stderr());
                    assertFalse(Files.exists(data.resolve("videos/ftpredirect.mp4")), ytDlp.toString());
                    assertEquals(0, ftpConnections.get(), ytDlp + " reached the FTP server: "
                            + Files.readString(data.resolve("failed/ftpredirect.json")));
                }
            } finally {
                host.stop(0);
            }
        }
    }
}
