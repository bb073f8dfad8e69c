package avqa.downloader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL cluster of the test's own ({@code pg_createcluster 15 avqa_lab_<pid>_<n> -p PORT}),
 * listening on 127.0.0.1 and on the lab's address, open to the lab's subnet with a password, with
 * a role and database {@code avqa}. A test may stop and start it at will; the shared cluster
 * {@code main} on port 5432 is never touched. {@link #close()} drops it; a later run drops those
 * a dead run left behind.
 */
final class LabDatabase implements AutoCloseable {

    static final String VERSION = "15";
    private static final java.util.concurrent.atomic.AtomicInteger COUNT = new java.util.concurrent.atomic.AtomicInteger();

    private final String name;
    private final String address;
    private final int port;

    LabDatabase(String address, String subnet, int port) throws IOException {
        dropLeftovers();
        this.name = "avqa_lab_" + ProcessHandle.current().pid() + "_" + COUNT.incrementAndGet();
        this.address = address;
        this.port = port;
        NetLab.run("pg_createcluster", VERSION, name, "-p", String.valueOf(port));
        Path conf = Path.of("/etc/postgresql", VERSION, name);
        Files.writeString(conf.resolve("conf.d/avqa-lab.conf"), "listen_addresses = '127.0.0.1," + address + "'\n"
                + "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        Files.writeString(conf.resolve("pg_hba.conf"), "host all all " + subnet + " scram-sha-256\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** What is missing on this machine for a database of the test's own, or null. */
    static String unavailable() {
        return Files.isExecutable(Path.of("/usr/bin/pg_createcluster"))
                && Files.isDirectory(Path.of("/usr/lib/postgresql", VERSION, "bin")) ? null
                : "PostgreSQL " + VERSION + " is not installed (scripts/cluster-services.sh start installs it)";
    }

    String url() {
        return "jdbc:postgresql://" + address + ":" + port + "/avqa";
    }

    /** Starts the cluster; the first time, makes the role and database avqa (password avqa). */
    synchronized LabDatabase start() throws Exception {
        NetLab.run("pg_ctlcluster", VERSION, name, "start");
        Fixture.await("the lab's database listening", 60_000, this::listening);
        String exists = NetLab.output("runuser", "-u", "postgres", "--", "psql", "-p", String.valueOf(port), "-XqAt", "-c",
                "SELECT 1 FROM pg_roles WHERE rolname = 'avqa'");
        if (!exists.strip().equals("1")) {
            NetLab.run("runuser", "-u", "postgres", "--", "psql", "-p", String.valueOf(port), "-XqAt",
                    "-c", "CREATE ROLE avqa LOGIN PASSWORD 'avqa'", "-c", "CREATE DATABASE avqa OWNER avqa");
        }
        return this;
    }

    /** Stops the cluster at once (connections are cut, as when the server goes away). */
    synchronized void stop() throws InterruptedException {
        NetLab.run("pg_ctlcluster", VERSION, name, "stop", "-m", "fast");
        Fixture.await("the lab's database stopped", 30_000, () -> !listening());
    }

    boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        NetLab.output("pg_dropcluster", "--stop", VERSION, name);
    }

    /** Clusters of labs whose JVM is gone. */
    private static void dropLeftovers() {
        Matcher m = Pattern.compile("^" + VERSION + "\\s+(avqa_lab_(\\d+)_\\d+)\\s", Pattern.MULTILINE)
                .matcher(NetLab.output("pg_lsclusters", "-h"));
        while (m.find()) {
            if (ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
                NetLab.output("pg_dropcluster", "--stop", VERSION, m.group(1));
            }
        }
    }
}
