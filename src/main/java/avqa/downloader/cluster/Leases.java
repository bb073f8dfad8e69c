package avqa.downloader.cluster;

import avqa.downloader.VideoTask;
import javax.sql.DataSource;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which worker is fetching which video now: a lease per video in the database (table
 * {@value #TABLE}), taken when a worker starts on a video, renewed every {@value #RENEW_SECONDS} s
 * while it works, given up when it is done. The broker hands a message out again when it loses the
 * connection it gave it on; a restarted broker does so for every message in flight, although their
 * workers are still at them. A worker handed such a video sees the lease and puts the message back
 * for later instead of fetching the video a second time. A worker cut off from the network cannot
 * renew its leases: after {@value #EXPIRES_SECONDS} s they lapse, and another worker takes the video.
 */
public final class Leases {

    public static final String TABLE = "avqa_in_progress";
    static final int RENEW_SECONDS = 3;
    public static final int EXPIRES_SECONDS = 10;

    private final JdbcTemplate jdbc;
    private final DatabaseGate gate;
    private final String queue;
    private final String node;

    public Leases(DataSource dataSource, DatabaseGate gate, String queue, String node) {
        this.jdbc = dataSource == null ? null : new JdbcTemplate(dataSource);
        this.gate = gate;
        this.queue = queue;
        this.node = node;
    }

    /** Outside a cluster worker: no leases, and no video is ever another's. */
    public static Leases none() {
        return new Leases(null, null, null, null);
    }

    /** The table, made by ClusterConnections.createTables. */
    static String createTable() {
        return "CREATE TABLE IF NOT EXISTS " + TABLE + " (processorName VARCHAR(255) NOT NULL, messageId VARCHAR(100) "
                + "NOT NULL, node VARCHAR(100) NOT NULL, heartbeat TIMESTAMP NOT NULL, PRIMARY KEY (processorName, messageId))";
    }

    /**
     * Whether another worker (or another consumer of this one) is at this video now; if not, this one
     * takes its lease. A video whose files are all in place needs none.
     */
    public boolean heldElsewhere(@Variable("task") VideoTask task) {
        return task.state() != VideoTask.State.COMPLETE && !take(task);
    }

    /**
     * Takes the lease of a video this worker is about to fetch: true unless another worker (or another
     * consumer of this one) holds it and renewed it within {@value #EXPIRES_SECONDS} s.
     */
    boolean take(VideoTask task) {
        return gate.waitFor("taking " + task.id(), () -> jdbc.update("INSERT INTO " + TABLE
                + " (processorName, messageId, node, heartbeat) VALUES (?, ?, ?, now()) ON CONFLICT (processorName, messageId) "
                + "DO UPDATE SET node = EXCLUDED.node, heartbeat = now() WHERE " + TABLE + ".heartbeat < now() - make_interval("
                + "secs => ?)", queue, task.id(), node, EXPIRES_SECONDS) == 1);
    }

    /**
     * Whether a video this worker was at has become another's: its lease was taken over (this worker
     * was cut off from the network long enough for it to lapse, and the broker handed the video on).
     * Such a video's failure is not this worker's to record. While the database cannot be reached
     * (as when this host is cut off) it waits to know.
     */
    public boolean lost(@Variable("task") VideoTask task) {
        if (jdbc == null || task == null) {
            return false;
        }
        return !gate.waitFor("checking the lease of " + task.id(), () -> node.equals(holder(task)));
    }

    /** Who holds a video's lease (for the log), or "nobody". */
    public String holder(@Variable("task") VideoTask task) {
        return jdbc.queryForList("SELECT node FROM " + TABLE + " WHERE processorName = ? AND messageId = ?", String.class,
                queue, task.id()).stream().findFirst().orElse("nobody");
    }

    /** Renews this worker's leases (a timer); a database that cannot be reached is tried again next time. */
    public void renew() {
        try {
            jdbc.update("UPDATE " + TABLE + " SET heartbeat = now() WHERE processorName = ? AND node = ?", queue, node);
        } catch (RuntimeException notNow) {
            // the database is away: DatabaseGate says so; the leases lapse if it stays away
        }
    }

    /** Gives up the lease of a video this worker is done with (if it still holds it; if it cannot, the lease lapses). */
    public void release(@Variable("task") VideoTask task) {
        try {
            jdbc.update("DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ? AND node = ?", queue, task.id(), node);
        } catch (RuntimeException notNow) {
            // the database is away, or the worker is stopping: the lease lapses by itself
        }
    }
}
