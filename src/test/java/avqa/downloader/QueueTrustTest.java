package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stranger on the broker, in ClusterTest's setting (a real ActiveMQ and PostgreSQL on 127.0.0.1): a
 * message naming an address the worker's own settings never would, a clip message that lists a clip
 * already complete beside a new one, and a message whose body cannot be read. The worker fetches none
 * of the foreign address, leaves the complete clip's files as they were, and sets the others aside in
 * the dead-letter queue, once each.
 */
@Alone // the broker and database on 127.0.0.1
class QueueTrustTest {

    final List<Process> nodes = new ArrayList<>();

    @BeforeAll
    static void services() {
        String missing = ClusterTest.missingService();
        if (missing != null) {
            String why = "QueueTrustTest skipped: " + missing + " (start them with scripts/cluster-services.sh start)";
            if ("required".equals(System.getenv("AVQA_CLUSTER_TESTS"))) {
                throw new AssertionError(why.replace("skipped", "cannot run"));
            }
            System.err.println(why);
            org.junit.jupiter.api.Assumptions.abort(why);
        }
    }

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (Process p : nodes) {
            p.destroyForcibly();
            p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    static void send(String queue, String text, boolean asObject) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory(ClusterTest.BROKER).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(queue));
            p.send(asObject ? s.createObjectMessage(new java.util.ArrayList<>(List.of(text))) : s.createTextMessage(text));
        }
    }

    static List<String> dlqReasons(String queue) throws Exception {
        List<String> reasons = new ArrayList<>();
        try (Connection c = new ActiveMQConnectionFactory(ClusterTest.BROKER).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue + ".DLQ"));
            Message m;
            while ((m = consumer.receive(500)) != null) {
                reasons.add(m.getStringProperty("avqaRejectedBecause"));
            }
        }
        return reasons;
    }

    @Test
    void aWorkerFetchesOnlyWhatItsSettingsWouldAndNeverReplacesACompleteFile(@TempDir Path tmp) throws Exception {
        try (MediaServer server = new MediaServer(); ConnectionSentinel internal = new ConnectionSentinel()) {
            Path clip = Fixture.clip("tone-12s", 12, true);
            server.serve("trustsrc001", clip);
            String queue = ClusterTest.uniqueQueue("trust");
            Map<String, String> env = ClusterTest.clusterEnv(queue);
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", List.of("trustsrc001_a", "trustsrc001_b"));
            Path data = tmp.resolve("shared-data");
            Files.createDirectories(data.resolve("videos"));
            Files.createDirectories(data.resolve("audio"));
            // trustsrc001_a is complete already: its files must stay as they are
            Files.copy(Fixture.clip("tone-3s", 3, true), data.resolve("videos/trustsrc001_a.mp4"));
            Files.writeString(data.resolve("audio/trustsrc001_a.wav"), "the complete audio");
            String source = server.urlTemplate().replace("{id}", "trustsrc001");
            send(queue, "{\"id\":\"src-trustsrc001\",\"url\":\"" + source + "\",\"state\":\"DOWNLOAD\",\"clips\":["
                    + "{\"name\":\"trustsrc001_a\",\"start\":0,\"duration\":2,\"flip\":false},"
                    + "{\"name\":\"trustsrc001_b\",\"start\":2,\"duration\":2,\"flip\":false}]}", false);
            send(queue, "{\"id\":\"internal001\",\"url\":\"" + internal.proxyUrl() + "/latest/meta-data/x.mp4\","
                    + "\"state\":\"DOWNLOAD\",\"clips\":[]}", false);
            send(queue, "{\"id\":\"metadata001\",\"url\":\"http://169.254.169.254/latest/meta-data/x.mp4\","
                    + "\"state\":\"DOWNLOAD\",\"clips\":[]}", false);
            send(queue, "not for anyone", true);

            List<String> args = new ArrayList<>(List.of("--role", "worker"));
            args.addAll(Fixture.localArgs(data, meta, server.urlTemplate()));
            Process worker = Fixture.startJvm(args, env, tmp.resolve("worker.log"));
            nodes.add(worker);
            Fixture.await("the new clip complete", 90_000, () -> Files.exists(data.resolve("audio/trustsrc001_b.wav")));
            try {
                Fixture.await("the queue emptied", 60_000, () -> {
                    try {
                        return ClusterTest.waiting(queue) == 0;
                    } catch (Exception e) {
                        return false;
                    }
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the worker's log:\n" + ClusterTest.read(tmp.resolve("worker.log")));
            }

            assertEquals("the complete audio", Files.readString(data.resolve("audio/trustsrc001_a.wav")),
                    "a complete file is never replaced because a message asks");
            assertEquals(3.0, Fixture.probe(data.resolve("videos/trustsrc001_a.mp4"))[0], 0.2);
            assertEquals(2.0, Fixture.probe(data.resolve("videos/trustsrc001_b.mp4"))[0], 0.2);
            assertEquals(0, internal.connections(), "nothing was requested from the address the worker was not given");
            List<String> reasons = dlqReasons(queue);
            assertEquals(3, reasons.size(), "set aside, once each: " + reasons);
            assertEquals(2, reasons.stream().filter(r -> r != null && r.contains("names a source this worker does not fetch from"))
                    .count(), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r != null && !r.contains("names a source")), reasons.toString());
        }
    }
}
