package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.ProxyEnvironment;
import java.nio.file.Files;
import java.util.List;
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

    /**
     * The same wait, then a host that does not send the head of its answer: the deadline, put off while the request
     * waited for its connection, ends it its whole time after it has one (not never, nor at once: this client's reads
     * have no time of their own).
     */
    @Test
    void aRequestThatWaitedForAFreeConnectionStillHasTheDeadlineOnItsAnswer() throws Exception {
        server.serve("leasewait2", clip).serve("leasewait3", clip);
        server.holdUntil("leasewait3", () -> false, 20_000);
        server.pace(Math.max(1, Files.size(clip) / 3));
        HttpComponentSetup component = new HttpComponentSetup();
        try (CloseableHttpClient client = clientOf(component)) {
            CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> get(client,
                    server.mediaFileTemplate().replace("{id}", "leasewait2")));
            Fixture.await("the first download under way", 10_000, () -> !server.hits("leasewait2").isEmpty());
            long started = System.nanoTime();
            java.io.UncheckedIOException failed = org.junit.jupiter.api.Assertions.assertThrows(
                    java.io.UncheckedIOException.class, () -> get(client, server.mediaFileTemplate().replace("{id}",
                            "leasewait3")));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            long failedAt = server.now();
            assertEquals(1, server.hits("leasewait3").size(), "its request sent once it had its connection");
            long afterItsConnection = failedAt - server.hits("leasewait3").get(0).atMillis();

            assertEquals("the host did not send the head of its answer within 1 s", failed.getCause().getMessage());
            assertTrue(took > 2_000 && took < 10_000, "after its wait for the connection: " + took + " ms");
            assertTrue(afterItsConnection >= 900, "the head had its whole second: " + afterItsConnection + " ms");
            first.get(30, TimeUnit.SECONDS);
        } finally {
            server.pace(0);
        }
    }

    /**
     * A stop of the run while a request waits for a free connection to its host ends its wait at once, as stopped,
     * its request never sent; the other download goes on.
     */
    @Test
    void aRequestWaitingForAFreeConnectionWhenTheRunStopsIsNotSent() throws Exception {
        server.serve("leasewait4", clip).serve("leasewait5", clip);
        server.pace(Math.max(1, Files.size(clip) / 3));
        HttpComponentSetup component = new HttpComponentSetup();
        HttpClientSetup setup = new HttpClientSetup(new HostCredentials(), ProxyEnvironment.NONE, 30_000, 60_000);
        var connections = oneConnection(component);
        try (CloseableHttpClient client = clientOf(connections, setup)) {
            java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> getKeepingTheConnection(client,
                    server.mediaFileTemplate().replace("{id}", "leasewait4"), answered));
            assertTrue(answered.await(10, TimeUnit.SECONDS), "the first download's answer come, its body on its way");
            CompletableFuture<byte[]> second = CompletableFuture.supplyAsync(() -> getKeepingTheConnection(client,
                    server.mediaFileTemplate().replace("{id}", "leasewait5"), new java.util.concurrent.CountDownLatch(1)));
            Fixture.await("the second waiting for the connection", 10_000,
                    () -> connections.getTotalStats().getPending() == 1);
            setup.abortWaiting("the run stops");

            java.util.concurrent.ExecutionException stopped = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> second.get(30, TimeUnit.SECONDS));
            assertTrue(stopped.getCause() instanceof RunStoppedException, String.valueOf(stopped.getCause()));
            assertTrue(!first.isDone(), "at once: its wait ended before the other download was done");
            assertArrayEquals(Files.readAllBytes(clip), first.get(30, TimeUnit.SECONDS), "the other download goes on");
            assertEquals(List.of(), server.hits("leasewait5"), "the stopped request never sent");
        } finally {
            server.pace(0);
        }
    }

    /** A client made as the tool makes it, with one connection to a host at a time and a deadline of 1 s. */
    private static CloseableHttpClient clientOf(HttpComponentSetup component) throws Exception {
        return clientOf(oneConnection(component), new HttpClientSetup(new HostCredentials(), ProxyEnvironment.NONE, 1_000,
                60_000));
    }

    private static org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager oneConnection(
            HttpComponentSetup component) throws Exception {
        return (org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager) component.createConnectionManager(
                component.createConnectionRegistry(null, null, false), 1, 1, SocketConfig.DEFAULT);
    }

    private static CloseableHttpClient clientOf(org.apache.hc.client5.http.io.HttpClientConnectionManager connections,
                                                HttpClientSetup setup) {
        HttpClientBuilder builder = HttpClientBuilder.create().setConnectionManager(connections);
        setup.configureHttpClient(builder);
        return builder.build();
    }

    private static byte[] getKeepingTheConnection(CloseableHttpClient client, String url,
                                                  java.util.concurrent.CountDownLatch answered) {
        try {
            return client.execute(new HttpGet(url), answer -> {
                answered.countDown();
                return EntityUtils.toByteArray(answer.getEntity());
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
