package avqa.downloader;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP forward proxy for the tests: Debian's tinyproxy on 127.0.0.1, in the foreground, optionally
 * asking for a user name and password (Basic). Every request it takes is in its log: the absolute URL of
 * a plain http request, the host and port of an https tunnel (CONNECT).
 */
final class LabProxy implements AutoCloseable {

    private static final Pattern REQUEST = Pattern.compile("Request \\(file descriptor \\d+\\): (\\S+) (\\S+) HTTP/");

    private final Path log;
    private final int port;
    private final Process process;

    /** {@code login}: "user password" the proxy asks for, or null for none; {@code config}: more lines of its configuration. */
    LabProxy(Path dir, String login, String... config) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        log = dir.resolve("tinyproxy.log");
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path conf = dir.resolve("tinyproxy.conf");
        Files.writeString(conf, "Port " + port + "\nListen 127.0.0.1\nTimeout 60\nLogFile \"" + log + "\"\nLogLevel Connect\n"
                + "MaxClients 50\nDisableViaHeader Yes\n" + (login == null ? "" : "BasicAuth " + login + "\n")
                + String.join("\n", config) + "\n");
        process = new ProcessBuilder("tinyproxy", "-d", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tinyproxy.out").toFile()).start();
        Fixture.await("tinyproxy listening on " + port, 20_000, () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException notYet) {
                return !process.isAlive();
            }
        });
        if (!process.isAlive()) {
            throw new IOException("tinyproxy did not start: " + Files.readString(dir.resolve("tinyproxy.out")));
        }
    }

    /** Skips the test, visibly, on a machine without tinyproxy. */
    static void need() {
        boolean there = Tools.onPath("tinyproxy");
        if (!there) {
            System.err.println("SKIPPED: tinyproxy is not installed (apt-get install tinyproxy; .ci/run does)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(there, "tinyproxy is not installed");
    }

    /** The proxy's URL, with {@code userInfo} ("user:password@", or "") in it. */
    String url(String userInfo) {
        return "http://" + userInfo + "127.0.0.1:" + port;
    }

    /** The requests the proxy took, as "GET http://host:port/path" or "CONNECT host:port". */
    List<String> requests() throws IOException {
        if (!Files.isRegularFile(log)) {
            return List.of();
        }
        Matcher m = REQUEST.matcher(Files.readString(log));
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1) + " " + m.group(2));
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
