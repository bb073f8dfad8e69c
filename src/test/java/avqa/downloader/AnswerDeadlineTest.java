package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.ProxyEnvironment;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.Test;

/**
 * The answer's deadline in an HTTP client made as the tool makes it (its connection manager and its interceptors),
 * against the loopback media server.
 */
class AnswerDeadlineTest extends LoopbackServerTest {

    /**
     * A request that waits for a free connection to its host (all of them taken by downloads) longer than the deadline
     * on the head of its answer is not ended by it once it has one: the deadline ends a connection on its way (and a
     * host's further addresses), not the wait for one, which the download's own time bounds.
     */
    @Test
    void aRequestWaitingForAFreeConnectionLongerThanTheDeadlineIsNotEndedByIt() throws Exception {
        server.serve("leasewait1", clip);
        byte[] whole = Files.readAllBytes(clip);
        // each body takes some 3 s; one connection to the host at a time; a deadline of 1 s
        server.pace(Math.max(1, whole.length / 3));
        HttpComponentSetup component = new HttpComponentSetup();
        try (CloseableHttpClient client = clientOf(component)) {
            String url = server.mediaFileTemplate().replace("{id}", "leasewait1");
            CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> get(client, url));
            Fixture.await("the first download under way", 10_000, () -> !server.hits("leasewait1").isEmpty());
            long started = System.nanoTime();
            byte[] second = get(client, url);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertArrayEquals(whole, first.get(30, TimeUnit.SECONDS));
            assertArrayEquals(whole, second, "the second, after its wait for the connection");
            assertTrue(waited > 1_500, "it waited longer than the deadline: " + waited + " ms");
            assertEquals(2, server.hits("leasewait1").size());
        } finally {
            server.pace(0);
        }
    }

    private static CloseableHttpClient clientOf(HttpComponentSetup component) throws Exception {
        HttpClientBuilder builder = HttpClientBuilder.create().setConnectionManager(component.createConnectionManager(
                component.createConnectionRegistry(null, null, false), 1, 1, SocketConfig.DEFAULT));
        new HttpClientSetup(new HostCredentials(), ProxyEnvironment.NONE, 1_000, 60_000).configureHttpClient(builder);
        return builder.build();
    }

    private static byte[] get(CloseableHttpClient client, String url) {
        try {
            // (each on a connection of its own: the wait ends with a new connection made, not one handed on)
            HttpGet get = new HttpGet(url);
            get.setHeader("Connection", "close");
            return client.execute(get, answer -> EntityUtils.toByteArray(answer.getEntity()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
