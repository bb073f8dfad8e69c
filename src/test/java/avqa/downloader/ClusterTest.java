package avqa.downloader;

import avqa.downloader.cluster.ClusterConnections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many hosts, one dataset, on one machine: a real ActiveMQ Classic broker and a real PostgreSQL on
 * 127.0.0.1 ({@code scripts/cluster-services.sh start}; {@code .ci/run} starts them), a planner and
 * worker JVMs against the loopback video server. Without the services the tests are skipped with a
 * message, unless AVQA_CLUSTER_TESTS=required (as in CI), where that is a failure.
 */
@Alone // the broker and database on 127.0.0.1, several JVMs
class ClusterTest {

    static final String BROKER = System.getenv().getOrDefault("AVQA_TEST_BROKER_URL", "tcp://127.0.0.1:61616");
    static final String DB = System.getenv().getOrDefault("AVQA_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/avqa");
    static final String DB_USER = "avqa";
    static final String DB_PASSWORD = "avqa";

    static MediaServer server;
    static Path clip;
    final List<Process> nodes = new ArrayList<>();

    @BeforeAll
    static void services() throws Exception {
        String missing = missingService();
        if (missing != null) {
            String why = "ClusterTest skipped: " + missing + " (start them with scripts/cluster-services.sh start)";
            if ("required".equals(System.getenv("AVQA_CLUSTER_TESTS"))) {
                throw new AssertionError(why.replace("skipped", "cannot run"));
            }
            System.err.println(why);
            Assumptions.abort(why);
        }
        clip = Fixture.clip("tone-8s", 8, true);
        server = new MediaServer();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (Process p : nodes) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    static String missingService() {
        try (Connection c = new ActiveMQConnectionFactory(BROKER + "?connectionTimeout=3000").createConnection()) {
            c.start();
        } catch (Exception e) {
            return "no ActiveMQ broker at " + BROKER;
        }
        try (var c = DriverManager.getConnection(DB, DB_USER, DB_PASSWORD)) {
            c.isValid(3);
        } catch (Exception e) {
            return "no PostgreSQL database at " + DB + " for user " + DB_USER;
        }
        return null;
    }

    /** The settings every node of one test's cluster shares, as a user would export them. */
    static Map<String, String> clusterEnv(String queue) {
        return Map.of("AVQA_BROKER_URL", BROKER, "AVQA_DB_URL", DB, "AVQA_DB_USER", DB_USER,
                "AVQA_DB_PASSWORD", DB_PASSWORD, "AVQA_BROKER_QUEUE", queue);
    }

    static String uniqueQueue(String what) {
        return "avqa.test." + what + "." + System.currentTimeMillis();
    }

    Process node(List<String> args, Map<String, String> env, Path log) throws IOException {
        Process p = Fixture.startJvm(args, env, log);
        nodes.add(p);
        return p;
    }

    static String read(Path log) {
        try {
            return Files.isRegularFile(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Rows of the cluster record per video id, for one queue. */
    static Map<String, Integer> recorded(String queue) throws Exception {
        return recorded(DB, queue);
    }

    /** Rows of the cluster record per video id, for one queue, in the database at {@code url} (user avqa). */
    static Map<String, Integer> recorded(String url, String queue) {
        Map<String, Integer> rows = new HashMap<>();
        try (var c = DriverManager.getConnection(url, DB_USER, DB_PASSWORD);
             var st = c.prepareStatement("SELECT messageId, COUNT(*) FROM " + ClusterConnections.COMPLETE_TABLE
                     + " WHERE processorName = ? GROUP BY messageId")) {
            st.setString(1, queue);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getInt(2));
                }
            }
        } catch (java.sql.SQLException e) {
            // the table appears with the first node; the database may be down in a fault test
        }
        return rows;
    }

    /** How many messages wait in a queue, browsed without taking them. */
    static int waiting(String queue) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory(BROKER).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser b = s.createBrowser(s.createQueue(queue));
            return Collections.list(b.getEnumeration()).size();
        }
    }

    @Test
    void plannerAndThreeWorkersFinishTheDatasetThoughOneIsKilledAndOneStoppedMidDownload(@TempDir Path tmp)
            throws Exception {
        String queue = uniqueQueue("workers");
        Map<String, String> env = clusterEnv(queue);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add("cluster" + queue.substring(queue.length() - 5) + i);
            server.serve(ids.get(i), clip);
        }
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", ids);
        Path data = tmp.resolve("shared-data");
        Path plannerLog = data.resolve("avqa_download-" + Launcher.nodeName() + ".log");
        // a slow source, so that a download lasts about two seconds and can be interrupted
        server.pace(400_000);
        try {
            // published twice before any worker runs: re-publishing must be harmless
            for (int round = 0; round < 2; round++) {
                Fixture.Outcome planned = Fixture.run(withRole("planner", Fixture.localArgs(data, meta, server.mediaFileTemplate())), env);
                assertEquals(0, planned.exit(), planned.stderr());
            }
            assertEquals(12, waiting(queue), "each planner run publishes one message per video");

            List<Path> logs = new ArrayList<>();
            List<Process> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                Path log = tmp.resolve("worker" + w + ".log");
                logs.add(log);
                List<String> args = withRole("worker", Fixture.localArgs(data, meta, server.mediaFileTemplate()));
                args.addAll(List.of("--workers", "1"));
                workers.add(node(args, env, log));
            }
            // SIGKILL the first worker seen downloading, while the server is still sending that video
            int killed = midDownload(logs, Set.of());
            String killedVideo = inFlight(logs.get(killed));
            workers.get(killed).destroyForcibly();
            assertTrue(workers.get(killed).waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, server.completeBodies(killedVideo), "killed before its download was complete");
            // SIGTERM the next one seen downloading: it hands its video back and exits 0
            int stopped = midDownload(logs, Set.of(killed));
            String stoppedVideo = inFlight(logs.get(stopped));
            workers.get(stopped).destroy();
            assertTrue(workers.get(stopped).waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, workers.get(stopped).exitValue(), read(logs.get(stopped)));
            assertTrue(read(logs.get(stopped)).contains("Stopping: " + stoppedVideo + " goes back to the queue"),
                    read(logs.get(stopped)));

            Fixture.await("every video recorded complete in the database", 120_000, () -> {
                try {
                    return recorded(queue).keySet().containsAll(ids);
                } catch (Exception e) {
                    return false;
                }
            });
            int survivor = 3 - killed - stopped;
            Fixture.await("the last worker done with the duplicate messages", 60_000, () -> {
                try {
                    return waiting(queue) == 0;
                } catch (Exception e) {
                    return false;
                }
            });

            String allLogs = read(logs.get(0)) + read(logs.get(1)) + read(logs.get(2));
            for (String id : ids) {
                double[] seconds = Fixture.probe(data.resolve("videos/" + id + ".mp4"));
                assertTrue(seconds[0] > 7 && seconds[1] > 7, id + " is a valid video with sound: " + seconds[0] + " " + seconds[1]);
                assertTrue(Files.size(data.resolve("audio/" + id + ".wav")) > 0, id + " has its audio");
                assertEquals(1, server.completeBodies(id), id + " was sent to the end exactly once");
                assertEquals(1, count(allLogs, "Complete: " + id + "\n"), id + " was completed by one worker, once");
            }
            assertTrue(server.hits(killedVideo).size() >= 2 && server.hits(stoppedVideo).size() >= 2,
                    "the interrupted videos were requested again");
            String survivorLog = read(logs.get(survivor));
            assertTrue(survivorLog.contains("Complete: " + killedVideo) && survivorLog.contains("Complete: " + stoppedVideo),
                    "the remaining worker completed the videos of the killed and the stopped one");
            assertEquals(0, waiting(queue + ".DLQ"), "nothing failed");

            // a further planner run finds everything complete in the database and publishes nothing
            int hitsBefore = server.hits().size();
            Fixture.Outcome again = Fixture.run(withRole("planner", Fixture.localArgs(data, meta, server.mediaFileTemplate())), env);
            assertEquals(0, again.exit(), again.stderr());
            String planLog = read(plannerLog);
            assertTrue(planLog.substring(planLog.lastIndexOf("Published")).startsWith("Published 0 videos"),
                    planLog.substring(planLog.lastIndexOf("Published")));
            assertEquals(0, waiting(queue), "no work was added to the queue");
            assertEquals(hitsBefore, server.hits().size(), "no request was made");

            // --verify gives the cluster-wide picture from the database
            Fixture.Outcome verify = Fixture.run(withRole("planner", List.of("--data-dir", data.toString(), "--dataset",
                    "music-avqa", "--metadata-url", "file:" + meta, "--splits", "test", "--verify")), env);
            assertEquals(0, verify.exit(), verify.stdout() + verify.stderr());
            assertTrue(verify.stdout().contains("Cluster record (database): 6 of 6 annotated videos complete."), verify.stdout());
        } finally {
            server.pace(0);
        }
    }

    /**
     * A video whose worker dies each time it is at it does not go round for ever: with
     * avqa.broker.max-deliveries 2, the third worker handed it sets the message aside in the
     * dead-letter queue, with the reason, and asks the source nothing.
     */
    @Test
    void aMessageHandedOutMoreThanMaxDeliveriesTimesIsSetAsideUnfetched(@TempDir Path tmp) throws Exception {
        String queue = uniqueQueue("deliveries");
        Map<String, String> env = new HashMap<>(clusterEnv(queue));
        env.put("AVQA_BROKER_MAX_DELIVERIES", "2");
        String id = "deliveries" + queue.substring(queue.length() - 5);
        server.serve(id, clip);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of(id));
        Path data = tmp.resolve("shared-data");
        List<String> args = withRole("worker", Fixture.localArgs(data, meta, server.mediaFileTemplate()));
        args.addAll(List.of("--workers", "1"));
        // a slow source, so that a download lasts about two seconds and can be cut short
        server.pace(400_000);
        try {
            Fixture.Outcome planned = Fixture.run(withRole("planner", Fixture.localArgs(data, meta, server.mediaFileTemplate())), env);
            assertEquals(0, planned.exit(), planned.stderr());
            for (int w = 0; w < 2; w++) {
                Path log = tmp.resolve("worker" + w + ".log");
                Process worker = node(args, env, log);
                int requests = w + 1;
                Fixture.await("worker " + w + " in the middle of the download", 60_000, 20,
                        () -> server.hits(id).size() >= requests && id.equals(inFlight(log)));
                // ActiveMQ counts a delivery to a consumer that died holding the message (JMSXDeliveryCount)
                worker.destroyForcibly();
                assertTrue(worker.waitFor(20, TimeUnit.SECONDS));
                // the next worker is handed the video once the dead one's lease has lapsed (before, it would put it back)
                Fixture.await("the killed worker's lease lapsed", 60_000, 200, () -> leaseLapsed(queue, id));
            }
            Path last = tmp.resolve("worker2.log");
            node(args, env, last);
            Fixture.await("the message set aside", 60_000, 200, () -> {
                try {
                    return waiting(queue + ".DLQ") == 1;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(2, server.hits(id).size(), "the third worker asked the source nothing");
            assertEquals(0, server.completeBodies(id));
            assertEquals(0, waiting(queue), "nothing is left on the queue");
            assertEquals(Map.of(), recorded(queue), "not recorded complete");
            try (Connection c = new ActiveMQConnectionFactory(BROKER).createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser b = s.createBrowser(s.createQueue(queue + ".DLQ"));
                jakarta.jms.Message m = (jakarta.jms.Message) b.getEnumeration().nextElement();
                assertEquals("it was handed out 3 times without being dealt with (avqa.broker.max-deliveries is 2)",
                        m.getStringProperty("avqaRejectedBecause"));
                assertTrue(((jakarta.jms.TextMessage) m).getText().contains(id), "the message's own text is kept");
            }
            Fixture.await("the worker says so", 10_000, () -> read(last).contains("set aside in " + queue + ".DLQ"));
            String said = read(last);
            assertTrue(said.contains("it was handed out 3 times without being dealt with"), said);
            assertFalse(said.contains("Exception") || said.contains("\tat "), said);
        } finally {
            server.pace(0);
        }
    }

    /** Whether nobody holds the lease of a video any more: none, or not renewed for longer than a lease lasts. */
    static boolean leaseLapsed(String queue, String id) {
        try (var c = DriverManager.getConnection(DB, DB_USER, DB_PASSWORD);
             var st = c.prepareStatement("SELECT COUNT(*) FROM " + avqa.downloader.cluster.Leases.TABLE
                     + " WHERE processorName = ? AND messageId = ? AND heartbeat >= now() - make_interval(secs => ?)")) {
            st.setString(1, queue);
            st.setString(2, id);
            st.setInt(3, avqa.downloader.cluster.Leases.EXPIRES_SECONDS + 1);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getInt(1) == 0;
            }
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    /** Waits for a worker (not one of {@code except}) to be in the middle of a download; returns its index. */
    int midDownload(List<Path> logs, Set<Integer> except) throws InterruptedException {
        int[] found = {-1};
        Fixture.await("a worker in the middle of a download", 60_000, () -> {
            for (int w = 0; w < logs.size(); w++) {
                String id = except.contains(w) ? null : inFlight(logs.get(w));
                if (id != null && !server.hits(id).isEmpty() && server.completeBodies(id) == 0) {
                    found[0] = w;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The video a worker's log says it is downloading now, or null. */
    static String inFlight(Path log) {
        String text = read(log);
        Matcher m = Pattern.compile("Downloading (\\S+) from").matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last == null || text.contains("Complete: " + last + "\n") ? null : last;
    }

    static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void theClusteredScheduleFiresOncePerSlotAcrossTwoNodes(@TempDir Path tmp) throws Exception {
        String queue = uniqueQueue("schedule");
        Map<String, String> env = clusterEnv(queue);
        Path meta = tmp.resolve("meta");
        // MUSIC-AVQA internal names: each resume plans them and publishes nothing
        Fixture.annotations(meta, "test", List.of("00000001", "00000002"));
        Path data = tmp.resolve("shared-data");
        List<Path> logs = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            Path log = tmp.resolve("node" + n + ".log");
            logs.add(log);
            node(List.of("--role", "planner", "--data-dir", data.toString(), "--dataset", "music-avqa", "--metadata-url",
                    "file:" + meta, "--splits", "test", "--schedule", "--cron", "*/2 * * * * ?", "--no-initial-run"), env, log);
        }
        Pattern slot = Pattern.compile("Scheduled resume \\([^)]*\\) for the slot (\\S+)");
        Fixture.await("six scheduled slots between the two nodes", 90_000, () -> slots(logs, slot).size() >= 6);
        List<String> fired = slots(logs, slot);
        Set<String> distinct = new TreeSet<>(fired);
        assertEquals(distinct.size(), fired.size(), "each slot fired on one node only: " + fired + "\nnode 0:\n"
                + read(logs.get(0)) + "\nnode 1:\n" + read(logs.get(1)));
        for (Process p : nodes) {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWorkersReadinessIsDownWhileItsDatabaseCannotBeReachedAndUpWhenItIsBack(@TempDir Path tmp) throws Exception {
        String queue = uniqueQueue("readiness");
        // the shared database, behind a relay this test can cut (the database itself is never stopped)
        int dbPort = java.net.URI.create(DB.substring("jdbc:".length())).getPort();
        try (TcpRelay relay = new TcpRelay(dbPort < 0 ? 5432 : dbPort)) {
            Map<String, String> env = new HashMap<>(clusterEnv(queue));
            env.put("AVQA_DB_URL", "jdbc:postgresql://127.0.0.1:" + relay.port() + DB.substring(DB.lastIndexOf('/')));
            int port = ManagementTest.freePort();
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", List.of("00000001"));
            List<String> args = withRole("worker", Fixture.localArgs(tmp.resolve("data"), meta, server.mediaFileTemplate()));
            args.addAll(List.of("--management-port", String.valueOf(port)));
            Path log = tmp.resolve("worker.log");
            Process worker = node(args, env, log);
            String base = "http://127.0.0.1:" + port + "/observe/health";
            Fixture.await("the worker to be ready", 60_000, () -> ManagementTest.get(base + "/ready").statusCode() == 200);
            java.util.Map<String, Double> metrics = ManagementTest.samples(ManagementTest.get(
                    "http://127.0.0.1:" + port + "/observe/metrics").body());
            assertEquals(0.0, metrics.get("avqa_queue_depth"), "nothing waits on this test's queue");
            assertEquals(0.0, metrics.get("avqa_cluster_complete_videos"));

            relay.cut();
            java.net.http.HttpResponse<String>[] down = new java.net.http.HttpResponse[1];
            Fixture.await("readiness DOWN while the database cannot be reached", 30_000, () -> {
                down[0] = ManagementTest.get(base + "/ready");
                return down[0].statusCode() == 503 && down[0].body().contains("cannot reach the database");
            });
            com.fasterxml.jackson.databind.JsonNode ready = Fixture.JSON.readTree(down[0].body());
            assertEquals("DOWN", ready.get("status").asText());
            String checks = ready.get("checks").toString();
            Map<String, String> downChecks = new HashMap<>();
            ready.get("checks").forEach(c -> downChecks.put(c.get("name").asText(), c.path("message").asText()));
            // the JSON writes / as \/: the message as it reads
            String message = downChecks.getOrDefault("database", "").replace("\\/", "/");
            assertTrue(message.startsWith("cannot reach the database jdbc:postgresql://127.0.0.1:" + relay.port() + "/")
                    && message.endsWith("videos wait until it is back"), checks);
            assertEquals(Set.of("database"), downChecks.keySet(), "only the database is DOWN: " + checks);
            assertEquals(200, ManagementTest.get(base + "/live").statusCode(), "alive all the same: " + checks);
            assertTrue(worker.isAlive(), "the worker waits for its database");

            relay.restore();
            Fixture.await("readiness UP again once the database is back", 60_000,
                    () -> ManagementTest.get(base + "/ready").statusCode() == 200);
            worker.destroy();
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, worker.exitValue(), read(log));
            ReadableErrorsTest.assertReadable("a worker whose database went away", read(log));
        }
    }

    @Test
    void aBrokerThatCannotBeReachedIsSaidInOneLine(@TempDir Path tmp) {
        Map<String, String> env = new HashMap<>(clusterEnv(uniqueQueue("nobroker")));
        env.put("AVQA_BROKER_URL", "tcp://127.0.0.1:9");
        Fixture.Outcome o = Fixture.run(List.of("--data-dir", tmp.resolve("data").toString(), "--role", "worker"), env);
        assertEquals(2, o.exit(), o.stderr());
        assertTrue(o.stderr().contains("cannot connect to the broker tcp://127.0.0.1:9"), o.stderr());
        assertEquals(1, o.stderr().strip().lines().count(), "one line: " + o.stderr());
    }

    static List<String> slots(List<Path> logs, Pattern slot) {
        List<String> out = new ArrayList<>();
        for (Path log : logs) {
            Matcher m = slot.matcher(read(log));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /**
     * A planner given a local archive that lacks one of the dataset's clips: it imports the local archive first, then
     * fetches the dataset's own archive for the clip still missing and imports it, as a single run does (it left the
     * dataset's archive unfetched, and the clip for the workers to take from its source).
     */
    @Test
    void aPlannerGivenAPartialLocalArchiveFetchesTheDatasetsOwnAfterIt(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        String queue = uniqueQueue("archives");
        Map<String, String> env = new HashMap<>(clusterEnv(queue));
        Path meta = CanonicalArchiveTest.published(tmp);
        Path data = tmp.resolve("shared-data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("collect_new_set.rar", clipsRar(tmp.resolve("whole"), List.of("clipsrcaaaa", "clipsrcbbbb_#02",
                    "clipsrccccc")), "c1");
            Path partial = Files.write(tmp.resolve("some.rar"), clipsRar(tmp.resolve("part"), List.of("clipsrcaaaa",
                    "clipsrcbbbb_#02")));
            env.put("AVQA_ARCHIVE_URL", host.shareUrl("collect_new_set.rar"));
            env.put("AVQA_SOURCE_CLIP_URL_TEMPLATE", server.urlTemplate());
            List<String> args = new ArrayList<>(Fixture.localArgs(data, meta,
                    avqa.downloader.settings.SettingsTable.YOUTUBE_TEMPLATE));
            args.addAll(List.of("--dataset", "music-avqa-v2", "--splits", "test", "--import-archive", partial.toString()));

            Fixture.Outcome planned = Fixture.run(withRole("planner", args), env);

            String log = read(data.resolve("avqa_download-" + Launcher.nodeName() + ".log"));
            assertEquals(0, planned.exit(), planned.stderr() + log);
            assertEquals(1, host.requests().stream().filter(r -> r.path().startsWith("/files/")).count(),
                    "the dataset's archive, fetched after the local one: " + host.requests() + log);
            assertTrue(Files.isRegularFile(data.resolve("videos/clipsrccccc.mp4")), log);
            assertTrue(log.indexOf("Importing " + partial) < log.indexOf("Fetching the archive collect_new_set.rar"), log);
        }
    }

    /** The authors' kind of archive of these clips, each the test clip: a RAR of one folder. */
    private static byte[] clipsRar(Path tmp, List<String> clips) throws Exception {
        Map<String, Path> entries = new java.util.LinkedHashMap<>();
        clips.forEach(c -> entries.put(c + ".mp4", clip));
        Path rar = tmp.resolve("collect_new_set.rar");
        ArchiveMaker.rar(ArchiveMaker.folder(tmp, "collect_new_set", entries), rar);
        return Files.readAllBytes(rar);
    }

    static List<String> withRole(String role, List<String> args) {
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of("--role", role));
        return out;
    }
}
