package avqa.downloader.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import avqa.downloader.BadInputException;
import avqa.downloader.settings.Settings;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.camel.component.quartz.QuartzComponent;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The shared infrastructure of the multi-host mode, made from the settings: the ActiveMQ Classic
 * connection factory (prefetch 0, so a busy worker holds no messages another could take), the
 * PostgreSQL connection pool, the tables the cluster needs, and a Quartz component whose job store
 * is that database, clustered, so exactly one node fires each scheduled resume.
 */
public final class ClusterConnections implements AutoCloseable {

    /** The idempotent repository's table: one row per complete video, its key the primary key. */
    public static final String COMPLETE_TABLE = "avqa_complete_videos";

    private final Settings settings;
    private final HikariDataSource dataSource;
    private final BrokerLink brokerLink;
    private CachingConnectionFactory publishing;

    public ClusterConnections(Settings settings) {
        this.settings = settings;
        this.brokerLink = new BrokerLink(shown("avqa.broker.url"));
        HikariConfig db = new HikariConfig();
        db.setJdbcUrl(settings.get("avqa.db.url"));
        if (!settings.get("avqa.db.user").isEmpty()) {
            db.setUsername(settings.get("avqa.db.user"));
        }
        if (!settings.get("avqa.db.password").isEmpty()) {
            db.setPassword(settings.get("avqa.db.password"));
        }
        db.setMaximumPoolSize(Math.max(4, settings.getInt("avqa.workers") + 2));
        db.setPoolName("avqa-db");
        // a database that went away is found out within seconds (DatabaseGate asks, and waits)
        db.setConnectionTimeout(3_000);
        // a database that cannot be reached is said at start, in one line, not after the first video
        db.setInitializationFailTimeout(3_000);
        try {
            this.dataSource = new HikariDataSource(db);
        } catch (RuntimeException e) {
            throw new BadInputException("cannot connect to the database " + shown("avqa.db.url") + ": "
                    + rootMessage(e));
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether this node is connected to the broker (every connection of this node reports to it). */
    public BrokerLink brokerLink() {
        return brokerLink;
    }

    /**
     * The broker: prefetch 0 (a message is handed out only when a consumer asks). Transient failures
     * are retried by the routes' redelivery policy, not by the broker; a message is rolled back only
     * when its worker stops (or dies) before the video is dealt with, or the database cannot be
     * reached: it then goes back to the queue, is tried again after a growing pause (up to a
     * minute), and is never given up on, since a video only leaves the queue recorded.
     */
    public ActiveMQConnectionFactory connectionFactory() {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(settings.get("avqa.broker.url"));
        if (!settings.get("avqa.broker.user").isEmpty()) {
            cf.setUserName(settings.get("avqa.broker.user"));
            cf.setPassword(settings.get("avqa.broker.password"));
        }
        cf.getPrefetchPolicy().setAll(0);
        cf.setTransportListener(brokerLink);
        RedeliveryPolicy redelivery = new RedeliveryPolicy();
        redelivery.setMaximumRedeliveries(RedeliveryPolicy.NO_MAXIMUM_REDELIVERIES);
        redelivery.setInitialRedeliveryDelay(1000);
        redelivery.setUseExponentialBackOff(true);
        redelivery.setBackOffMultiplier(2);
        redelivery.setMaximumRedeliveryDelay(60_000);
        cf.setRedeliveryPolicy(redelivery);
        // message bodies are JSON text made by our planner: no Java object is ever deserialised
        cf.setTrustAllPackages(false);
        cf.setTrustedPackages(java.util.List.of());
        return cf;
    }

    /** The planner sends many messages in a row: its sessions are cached (closed with this). */
    public jakarta.jms.ConnectionFactory publishingConnectionFactory() {
        if (publishing == null) {
            publishing = new CachingConnectionFactory(connectionFactory());
            publishing.setSessionCacheSize(4);
        }
        return publishing;
    }

    /** At a node's start: see {@link BrokerCheck#atStart()}. */
    public void checkBroker() {
        new BrokerCheck(this, settings.get("avqa.broker.url")).atStart();
    }

    /**
     * Creates what is missing: the table of complete videos and Quartz's tables. Several nodes may
     * start at once, so this runs under a PostgreSQL advisory lock.
     */
    public void createTables() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(7263541)");
                st.execute("CREATE TABLE IF NOT EXISTS " + COMPLETE_TABLE + " (processorName VARCHAR(255) NOT NULL, "
                        + "messageId VARCHAR(100) NOT NULL, createdAt TIMESTAMP, PRIMARY KEY (processorName, messageId))");
                st.execute(Leases.createTable());
                boolean quartz;
                try (var rs = st.executeQuery("SELECT to_regclass('qrtz_locks') IS NOT NULL")) {
                    rs.next();
                    quartz = rs.getBoolean(1);
                }
                if (!quartz) {
                    for (String sql : quartzTables()) {
                        st.execute(sql);
                    }
                }
            }
            c.commit();
        } catch (SQLException | IOException e) {
            throw new BadInputException("cannot prepare the tables in " + shown("avqa.db.url") + ": "
                    + rootMessage(e));
        }
    }

    /** Quartz's own PostgreSQL schema, as shipped in its jar, without its DROP statements. */
    private static java.util.List<String> quartzTables() throws IOException {
        try (InputStream in = org.quartz.Scheduler.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
            if (in == null) {
                throw new IOException("Quartz's tables_postgres.sql is not on the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            java.util.List<String> out = new java.util.ArrayList<>();
            for (String sql : text.split(";")) {
                String s = sql.strip();
                if (!s.isEmpty() && !s.toUpperCase(java.util.Locale.ROOT).startsWith("DROP")
                        && !s.equalsIgnoreCase("commit")) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    /**
     * A Quartz component whose scheduler keeps its jobs in the database, clustered: every node
     * with {@code --schedule} registers the same trigger, and the database lets one node fire each
     * slot.
     */
    public QuartzComponent clusteredQuartz() {
        Properties q = new Properties();
        q.setProperty("org.quartz.scheduler.instanceName", "avqa-" + settings.get("avqa.broker.queue"));
        q.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        q.setProperty("org.quartz.threadPool.threadCount", "2");
        q.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        q.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        q.setProperty("org.quartz.jobStore.dataSource", "avqa");
        q.setProperty("org.quartz.jobStore.isClustered", "true");
        q.setProperty("org.quartz.jobStore.clusterCheckinInterval", "2000");
        q.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        // Without it, a node reads the trigger, another fires it (its next time moves on, its state back to
        // waiting), and the first then acquires it with the time it read: the slot fires on both nodes (seen
        // once in ClusterTest). Under the lock, reading and acquiring are one step against the firing.
        q.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        q.setProperty("org.quartz.dataSource.avqa.provider", "hikaricp");
        q.setProperty("org.quartz.dataSource.avqa.driver", "org.postgresql.Driver");
        q.setProperty("org.quartz.dataSource.avqa.URL", settings.get("avqa.db.url"));
        q.setProperty("org.quartz.dataSource.avqa.user", settings.get("avqa.db.user"));
        q.setProperty("org.quartz.dataSource.avqa.password", settings.get("avqa.db.password"));
        q.setProperty("org.quartz.dataSource.avqa.maxConnections", "3");
        QuartzComponent quartz = new QuartzComponent();
        quartz.setProperties(q);
        return quartz;
    }

    /** A setting's URL as messages may show it: without credentials. */
    String shown(String key) {
        return avqa.downloader.Redact.url(settings.get(key));
    }

    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return avqa.downloader.Redact.secrets(String.valueOf(t.getMessage()));
    }

    @Override
    public void close() {
        if (publishing != null) {
            publishing.destroy();
        }
        dataSource.close();
    }
}
