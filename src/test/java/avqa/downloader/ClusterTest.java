package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Map<String, Integer> rows = new HashMap<>();
        try (var c = DriverManager.getConnection(DB, DB_USER, DB_PASSWORD);
             var st = c.prepareStatement("SELECT messageId, COUNT(*) FROM " + ClusterConnections.COMPLETE_TABLE
                     + " WHERE processorName = ? GROUP BY messageId")) {
            st.setString(1, queue);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getInt(2));
                }
            }
        } catch (java.sql.SQLException e) {
            // the table appears with the first node
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
    void plannerAndThreeWorkersFinishTheDatasetThoughOneIsKilledMidDownload(@TempDir Path tmp) throws Exception {
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
        // a slow source, so that a download lasts about two seconds and can be interrupted
        server.pace(400_000);
        try {
            Fixture.Outcome planned = Fixture.run(withRole("planner", Fixture.localArgs(data, meta, server.mediaFileTemplate())), env);
            assertEquals(0, planned.exit(), planned.stderr());
            assertEquals(6, waiting(queue), "the planner publishes one message per video");

            List<Path> logs = new ArrayList<>();
            List<Process> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                Path log = tmp.resolve("worker" + w + ".log");
                logs.add(log);
                List<String> args = withRole("worker", Fixture.localArgs(data, meta, server.mediaFileTemplate()));
                args.addAll(List.of("--workers", "1"));
                workers.add(node(args, env, log));
            }
            // kill the first worker seen downloading, while the server is still sending that video
            Pattern downloading = Pattern.compile("Downloading (\\S+) from");
            String[] victim = new String[1];
            int[] victimIndex = new int[1];
            Fixture.await("a worker in the middle of a download", 60_000, () -> {
                for (int w = 0; w < 3; w++) {
                    Matcher m = downloading.matcher(read(logs.get(w)));
                    if (m.find() && !server.hits(m.group(1)).isEmpty() && server.completeBodies(m.group(1)) == 0) {
                        victim[0] = m.group(1);
                        victimIndex[0] = w;
                        return true;
                    }
                }
                return false;
            });
            workers.get(victimIndex[0]).destroyForcibly();
            assertTrue(workers.get(victimIndex[0]).waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, server.completeBodies(victim[0]), "killed before its download was complete");

            Fixture.await("every video recorded complete in the database", 120_000, () -> {
                try {
                    return recorded(queue).keySet().containsAll(ids);
                } catch (Exception e) {
                    return false;
                }
            });

            Map<String, Integer> rows = recorded(queue);
            for (String id : ids) {
                double[] seconds = Fixture.probe(data.resolve("videos/" + id + ".mp4"));
                assertTrue(seconds[0] > 7 && seconds[1] > 7, id + " is a valid video with sound: " + seconds[0] + " " + seconds[1]);
                assertTrue(Files.size(data.resolve("audio/" + id + ".wav")) > 0, id + " has its audio");
                assertEquals(1, server.completeBodies(id), id + " was downloaded to completion exactly once");
                assertEquals(1, rows.get(id), id + " has one row in the cluster record");
            }
            assertTrue(server.hits(victim[0]).size() >= 2, "the killed worker's video was requested again");
            String survivors = "";
            for (int w = 0; w < 3; w++) {
                if (w != victimIndex[0]) {
                    survivors += read(logs.get(w));
                }
            }
            assertTrue(survivors.contains("Complete: " + victim[0]),
                    "another worker completed " + victim[0] + " after the first was killed");
            assertEquals(0, waiting(queue + ".DLQ"), "nothing failed");

            // a second planner run finds everything complete in the database and publishes nothing
            int hitsBefore = server.hits().size();
            Fixture.Outcome again = Fixture.run(withRole("planner", Fixture.localArgs(data, meta, server.mediaFileTemplate())), env);
            assertEquals(0, again.exit(), again.stderr());
            String planLog = read(data.resolve("avqa_download.log"));
            assertTrue(planLog.substring(planLog.lastIndexOf("Published")).startsWith("Published 0 videos"),
                    planLog.substring(planLog.lastIndexOf("Published")));
            assertEquals(0, waiting(queue), "no work was added to the queue");
            assertEquals(hitsBefore, server.hits().size(), "no request was made");

            // --verify gives the cluster-wide picture from the database
            Fixture.Outcome verify = Fixture.run(withRole("planner", List.of("--data-dir", data.toString(), "--dataset",
                    "music-avqa", "--metadata-url", "file:" + meta, "--splits", "test", "--verify")), env);
            assertEquals(0, verify.exit(), verify.stdout() + verify.stderr());
            assertTrue(verify.stdout().contains("Cluster record (database): 6 of 6 annotated videos complete."), verify.stdout());

            // a worker asked to stop (SIGTERM) leaves cleanly
            Process last = workers.get((victimIndex[0] + 1) % 3);
            last.destroy();
            assertTrue(last.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, last.exitValue(), read(logs.get((victimIndex[0] + 1) % 3)));
        } finally {
            server.pace(0);
        }
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
        assertEquals(distinct.size(), fired.size(), "each slot fired on one node only: " + fired);
        for (Process p : nodes) {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
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

    static List<String> withRole(String role, List<String> args) {
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of("--role", role));
        return out;
    }
}
