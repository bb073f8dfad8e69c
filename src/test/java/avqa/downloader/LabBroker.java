package avqa.downloader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An ActiveMQ Classic broker of the test's own, started with Debian's {@code /usr/bin/activemq} as
 * {@code scripts/cluster-services.sh} starts the shared one, but with its own configuration, KahaDB
 * and port, listening on an address the lab's namespaces reach. A test may stop and start it at
 * will (the shared broker on 127.0.0.1:61616 is never touched). Its connector closes a connection
 * that has been silent for {@link #INACTIVITY_MILLIS}, so a worker cut off from the network is
 * noticed, and its message handed to another, within a bounded time.
 */
final class LabBroker implements AutoCloseable {

    static final long INACTIVITY_MILLIS = 5_000;

    private final Path dir;
    private final String address;
    private final int port;
    private Process process;

    LabBroker(Path dir, String address, int port) throws IOException {
        this.dir = dir;
        this.address = address;
        this.port = port;
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("conf/activemq.xml"), """
                <beans xmlns="http://www.springframework.org/schema/beans"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
                  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
                  <broker xmlns="http://activemq.apache.org/schema/core" useJmx="false" brokerName="avqa-lab" dataDirectory="DATA">
                    <persistenceAdapter><kahaDB directory="DATA/kahadb"/></persistenceAdapter>
                    <transportConnectors>
                      <transportConnector name="openwire" uri="tcp://ADDRESS:PORT?wireFormat.maxInactivityDuration=INACTIVITY&amp;wireFormat.maxInactivityDurationInitalDelay=INACTIVITY"/>
                    </transportConnectors>
                  </broker>
                </beans>
                """.replace("DATA", dir.resolve("data").toString()).replace("ADDRESS", address)
                .replace("PORT", String.valueOf(port)).replace("INACTIVITY", String.valueOf(INACTIVITY_MILLIS)));
        Files.writeString(dir.resolve("conf/log4j.properties"), String.join("\n", "log4j.rootLogger=INFO, out",
                "log4j.logger.org.springframework=WARN", "log4j.logger.org.apache.xbean=WARN",
                "log4j.appender.out=org.apache.log4j.ConsoleAppender", "log4j.appender.out.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.out.layout.ConversionPattern=%d | %-5p | %m | %c | %t%n", ""));
    }

    /** What is missing on this machine for a broker of the test's own, or null. */
    static String unavailable() {
        return Files.isExecutable(Path.of("/usr/bin/activemq")) ? null
                : "Debian's activemq is not installed (scripts/cluster-services.sh start installs it)";
    }

    /** The plain URL: a client gives up when the connection is lost. */
    String url() {
        return "tcp://" + address + ":" + port;
    }

    /** The URL a worker uses: it reconnects by itself, retrying at most every 2 s. */
    String failoverUrl() {
        return "failover:(" + url() + ")?initialReconnectDelay=100&maxReconnectDelay=2000";
    }

    /** Starts the broker (in a session of its own) and waits until it speaks OpenWire. */
    synchronized LabBroker start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of("setsid", "/usr/bin/activemq", "console", "xbean:activemq.xml"))
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()));
        pb.environment().putAll(java.util.Map.of("INSTANCE", "avqa-lab", "ACTIVEMQ_BASE", dir.toString(),
                "ACTIVEMQ_CONF", dir.resolve("conf").toString(), "ACTIVEMQ_DATA", dir.resolve("data").toString(),
                "ACTIVEMQ_TMP", dir.resolve("tmp").toString(), "ACTIVEMQ_PIDFILE", dir.resolve("broker.pid").toString(),
                "ACTIVEMQ_USER", System.getProperty("user.name"),
                "ACTIVEMQ_DEBUG_OPTS", "-Xms64m -Xmx256m -Dlog4j.configuration=file:" + dir.resolve("conf/log4j.properties")));
        process = pb.start();
        Fixture.await("the lab's broker listening on " + url(), 60_000, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the lab's broker exited: " + tail());
            }
            return speaksOpenWire();
        });
        return this;
    }

    /** Stops the broker (SIGTERM to its session: the wrapper and its JVM) and waits until it is gone. */
    synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        long session = process.pid();
        NetLab.output("kill", "-TERM", "--", "-" + session);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            NetLab.output("kill", "-KILL", "--", "-" + session);
        }
        Fixture.await("the lab's broker gone", 30_000, () -> NetLab.output("pgrep", "-s", String.valueOf(session)).isBlank()
                || NetLab.output("pgrep", "-s", String.valueOf(session)).startsWith("FAILED"));
        process = null;
    }

    boolean speaksOpenWire() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            s.setSoTimeout(2000);
            byte[] greeting = s.getInputStream().readNBytes(64);
            return new String(greeting, java.nio.charset.StandardCharsets.ISO_8859_1).contains("ActiveMQ");
        } catch (IOException e) {
            return false;
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("broker.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
