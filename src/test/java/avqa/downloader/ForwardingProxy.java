package avqa.downloader;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP forward proxy on 127.0.0.1 for the tests: it takes requests in absolute form, passes
 * them on to their (loopback) host and the answers back, and counts them. Proxy credentials are
 * accepted whatever they are.
 */
final class ForwardingProxy implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final AtomicInteger connections = new AtomicInteger();

    ForwardingProxy() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    int connections() {
        return connections.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        connections.incrementAndGet();
        try (ex) {
            URI target = ex.getRequestURI();
            String host = target.getHost();
            if (host == null || !(host.equals("127.0.0.1") || host.equals("localhost"))) {
                ex.sendResponseHeaders(403, -1);
                return;
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(target).method(ex.getRequestMethod(),
                    HttpRequest.BodyPublishers.noBody());
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null) {
                req.header("Range", range);
            }
            HttpResponse<InputStream> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            for (String name : List.of("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "Location")) {
                resp.headers().firstValue(name).ifPresent(v -> ex.getResponseHeaders().set(name, v));
            }
            long length = resp.headers().firstValueAsLong("Content-Length").orElse(0);
            ex.sendResponseHeaders(resp.statusCode(), "HEAD".equals(ex.getRequestMethod()) || length == 0 ? -1 : length);
            try (InputStream in = resp.body(); OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
