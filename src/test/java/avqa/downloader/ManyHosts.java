package avqa.downloader;

import avqa.downloader.cluster.ClusterConnections;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Many hosts on one machine, for the scale-out and infrastructure-fault tests and the scale-out
 * benchmark: a {@link NetLab} with nginx on a host of its own ({@link LabNginx}: a limit per client
 * address), a broker and a database of the lab's own on the bridge's address ({@link LabBroker},
 * {@link LabDatabase}), and worker JVMs each on a host of its own. The data directory is shared, as
 * a cluster file system would share it: one path, one machine.
 */
final class ManyHosts implements AutoCloseable {

    /** Why this machine cannot run the lab, or null. */
    static String unavailable() {
        for (String missing : new String[] {NetLab.unavailable(), LabNginx.unavailable(), LabBroker.unavailable(),
                LabDatabase.unavailable()}) {
            if (missing != null) {
                return missing;
            }
        }
        return null;
    }

    final Path dir;
    final NetLab net;
    final LabNginx nginx;
    final LabBroker broker;
    final LabDatabase db;
    private final List<Process> nodes = new ArrayList<>();
    private final Thread cleanUp = new Thread(this::closeQuietly, "many-hosts-cleanup");

    ManyHosts(Path dir, int perMinute, int burst, String slowRate, int retryAfter) throws Exception {
        this.dir = dir;
        net = new NetLab();
        // a run stopped with SIGTERM or Ctrl-C leaves no broker, database or namespace behind
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            nginx = new LabNginx(dir.resolve("nginx"), net.host(), perMinute, burst, slowRate, retryAfter).start();
            broker = new LabBroker(dir.resolve("broker"), net.hostAddress(), freePort());
            db = new LabDatabase(net.hostAddress(), net.subnet(), freePort());
            broker.start();
            db.start();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /** The settings every node of one run shares, as a user would export them. */
    Map<String, String> env(String queue) {
        return Map.of("AVQA_BROKER_URL", broker.failoverUrl(), "AVQA_DB_URL", db.url(), "AVQA_DB_USER", "avqa",
                "AVQA_DB_PASSWORD", "avqa", "AVQA_BROKER_QUEUE", queue);
    }

    /** A node's command line: the dataset in {@code meta}, the lab's nginx as the source. */
    static List<String> args(String role, Path data, Path meta, String template, String... more) {
        List<String> args = new ArrayList<>(List.of("--role", role, "--dataset", "music-avqa", "--data-dir", data.toString(),
                "--metadata-url", "file:" + meta, "--splits", "test", "--source-url-template", template,
                "--sleep", "0", "--jitter", "0", "--rate-limit", "50M", "--status-interval", "1"));
        args.addAll(List.of(more));
        return args;
    }

    /** A worker JVM on {@code host}, its output in {@code log}. */
    Process worker(NetLab.Host host, List<String> args, Map<String, String> env, Path log) throws IOException {
        Process p = Fixture.startJvm(host.command(List.of()), args, env, log);
        synchronized (nodes) {
            nodes.add(p);
        }
        return p;
    }

    /**
     * Runs a planner to its end in a JVM of its own (never in the test's JVM: a run stops every child
     * process of its JVM when it ends, and the lab's broker, nginx and workers are children of the test's).
     */
    Fixture.Outcome planner(List<String> args, Map<String, String> env, Path log) throws Exception {
        Process p = Fixture.startJvm(args, env, log);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the planner did not finish within 120 s: " + ClusterTest.read(log));
        }
        return new Fixture.Outcome(p.exitValue(), ClusterTest.read(log), "");
    }

    /** Rows of the lab database's record of complete videos, per id, for one queue. */
    Map<String, Integer> recorded(String queue) {
        return ClusterTest.recorded(db.url(), queue);
    }

    /** When the last video of {@code queue} was recorded complete, in epoch seconds (0 when none). */
    double lastRecorded(String queue) throws java.sql.SQLException {
        try (var c = DriverManager.getConnection(db.url(), "avqa", "avqa");
             var st = c.prepareStatement("SELECT EXTRACT(EPOCH FROM MAX(createdAt)) FROM "
                     + ClusterConnections.COMPLETE_TABLE + " WHERE processorName = ?")) {
            st.setString(1, queue);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getDouble(1) : 0;
            }
        }
    }

    /** Messages waiting in a queue of the lab's broker (browsed, not taken). */
    int waiting(String queue) {
        try (jakarta.jms.Connection c = new org.apache.activemq.ActiveMQConnectionFactory(broker.url()).createConnection()) {
            c.start();
            jakarta.jms.Session s = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            return java.util.Collections.list(s.createBrowser(s.createQueue(queue)).getEnumeration()).size();
        } catch (jakarta.jms.JMSException e) {
            return -1;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops the nodes still running (SIGKILL). */
    void stopNodes() throws InterruptedException {
        synchronized (nodes) {
            for (Process p : nodes) {
                p.destroyForcibly();
                p.waitFor(20, TimeUnit.SECONDS);
            }
            nodes.clear();
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            System.err.println("cleaning up the lab: " + e);
        }
    }

    @Override
    public synchronized void close() throws Exception {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        } catch (IllegalStateException shuttingDown) {
            // called by the hook itself
        }
        stopNodes();
        if (nginx != null) {
            nginx.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (db != null) {
            db.close();
        }
        net.close();
        Files.deleteIfExists(dir.resolve("broker/broker.pid"));
    }
}
