package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path over https: the TLS the HTTP client makes on its first https connection (not at start,
 * see {@code HttpComponentSetup}) checks the server's certificate against the trust store, here one
 * holding the test server's own certificate (made with keytool for 127.0.0.1).
 */
class HttpsFetchTest {

    /**
     * An https host on 127.0.0.1 serving {@code clip} at {@code /v/<id>.mp4} and the files under {@code tmp/files}
     * at {@code /files/<path>}, its certificate (made with keytool for
     * 127.0.0.1) in {@code keys}, which a JVM trusts with {@link #trustOptions()}; {@code requests} counts the answers.
     */
    record TlsHost(HttpsServer server, Path keys, AtomicInteger requests) implements AutoCloseable {

        static TlsHost start(Path tmp, Path clip) throws Exception {
            Path keys = tmp.resolve("server.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                    "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keys.toString(),
                    "-storepass", "changeit", "-keypass", "changeit").inheritIO().start();
            assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool made the certificate");
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(keys)) {
                store.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            AtomicInteger requests = new AtomicInteger();
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.createContext("/v/", exchange -> {
                requests.incrementAndGet();
                byte[] body = Files.readAllBytes(clip);
                exchange.getResponseHeaders().add("Content-Type", "video/mp4");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.createContext("/files/", exchange -> {
                // the files under tmp/files (annotations, say), by their path
                Path file = tmp.resolve("files").resolve(exchange.getRequestURI().getPath().substring("/files/".length()))
                        .normalize();
                byte[] body = file.startsWith(tmp.resolve("files")) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
                exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    if (body != null) {
                        out.write(body);
                    }
                }
            });
            server.start();
            return new TlsHost(server, keys, requests);
        }

        String template() {
            return "https://127.0.0.1:" + server.getAddress().getPort() + "/v/{id}.mp4";
        }

        /** The URL of {@code tmp/files}. */
        String filesUrl() {
            return "https://127.0.0.1:" + server.getAddress().getPort() + "/files";
        }

        /** JAVA_TOOL_OPTIONS for a JVM that trusts this host's certificate. */
        String trustOptions() {
            return "-Djavax.net.ssl.trustStore=" + keys + " -Djavax.net.ssl.trustStorePassword=changeit";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void plainFilesAreFetchedOverHttpsWithTheCertificateChecked(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("tone-3s", 3, true);
        try (TlsHost host = TlsHost.start(tmp, clip)) {
            AtomicInteger requests = host.requests();
            String template = host.template();
            Fixture.annotations(tmp.resolve("meta"), "test", List.of("secure0", "secure1"));
            List<String> args = Fixture.localArgs(tmp.resolve("data"), tmp.resolve("meta"), template);

            // trusted: the run fetches both over https
            Process trusted = Fixture.startJvm(args, Map.of("JAVA_TOOL_OPTIONS", host.trustOptions()), tmp.resolve("trusted.log"));
            assertTrue(trusted.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, trusted.exitValue(), Files.readString(tmp.resolve("trusted.log")));
            for (String id : List.of("secure0", "secure1")) {
                assertTrue(Fixture.probe(tmp.resolve("data/audio/" + id + ".wav"))[1] > 2.5, id);
            }
            assertEquals(2, requests.get());

            // not trusted (Java's own trust store): the certificate is refused, nothing is kept
            Path other = tmp.resolve("untrusted");
            List<String> untrustedArgs = Fixture.localArgs(other, tmp.resolve("meta"), template);
            untrustedArgs.addAll(List.of("--retry-attempts", "1"));
            Process untrusted = Fixture.startJvm(untrustedArgs, Map.of(), tmp.resolve("untrusted.log"));
            assertTrue(untrusted.waitFor(120, TimeUnit.SECONDS));
            assertEquals(1, untrusted.exitValue());
            assertEquals(2, requests.get(), "no request got past the handshake");
            assertTrue(!Files.exists(other.resolve("videos/secure0.mp4")));
            var record = Fixture.readJson(other.resolve("failed/secure0.json"));
            assertTrue(record.get("reason").asText().contains("secure connection") && record.get("last_error").asText()
                    .contains("certification path"), record.toString());
            // in our words, with what to do
            assertTrue(record.get("reason").asText().contains("its certificate is not trusted here (self-signed, or from an "
                    + "authority of its own); start Java with a trust store that holds it"), record.toString());
        }
    }
}
