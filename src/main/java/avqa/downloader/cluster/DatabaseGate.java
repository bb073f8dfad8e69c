package avqa.downloader.cluster;

import avqa.downloader.RunControl;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the cluster's database can be reached, and what a worker does while it cannot: it takes no
 * new video (the route {@code watch-database} pauses its queue consumer), the videos it holds wait to
 * be recorded ({@link #waitFor}) instead of failing, and its status line says so. {@link #reachable()}
 * is the hook for a readiness check.
 */
public final class DatabaseGate {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.worker");
    private static final long ASK_EVERY_MILLIS = 1_000;

    private final DataSource dataSource;
    private final RunControl run;
    private final String shownUrl;
    private volatile boolean down;
    private volatile long downSince;
    private long askedAt;
    private boolean lastAnswer = true;
    private boolean paused;

    public DatabaseGate(DataSource dataSource, RunControl run, String shownUrl) {
        this.dataSource = dataSource;
        this.run = run;
        this.shownUrl = shownUrl;
    }

    /** Whether the database answers now (asked at most once a second; a connection and isValid). */
    public synchronized boolean reachable() {
        long now = System.nanoTime() / 1_000_000;
        if (now - askedAt >= ASK_EVERY_MILLIS || askedAt == 0) {
            try (Connection c = dataSource.getConnection()) {
                lastAnswer = c.isValid(2);
            } catch (SQLException | RuntimeException e) {
                lastAnswer = false;
            }
            askedAt = System.nanoTime() / 1_000_000;
        }
        return lastAnswer;
    }

    /** For the route watch-database: "down" when the database just became unreachable, "back" when it returned, else "". */
    public String change() {
        boolean up = reachable();
        if (!up && !down) {
            down = true;
            downSince = System.currentTimeMillis();
            return "down";
        }
        if (up && down) {
            down = false;
            return "back";
        }
        return "";
    }

    /**
     * Stops (or starts again) the consumer of a route, the queue's: a paused consumer takes no message.
     * Its own consumer only, not the route: a suspended route would wait for the videos in hand.
     */
    public synchronized void pauseConsumer(Exchange exchange, String routeId) {
        if (!paused) {
            paused = true;
            ServiceHelper.suspendService(exchange.getContext().getRoute(routeId).getConsumer());
        }
    }

    public synchronized void resumeConsumer(Exchange exchange, String routeId) {
        if (paused) {
            paused = false;
            ServiceHelper.resumeService(exchange.getContext().getRoute(routeId).getConsumer());
        }
    }

    /** "; the database cannot be reached for 12 s: taking no new video" while it cannot, for the status line. */
    public String statusNote() {
        return down ? String.format("; the database %s cannot be reached for %d s: taking no new video", shownUrl,
                (System.currentTimeMillis() - downSince) / 1000) : "";
    }

    public String shownUrl() {
        return shownUrl;
    }

    /**
     * Runs a call on the database; while the database cannot be reached it waits (saying so once) and
     * tries again, until it answers or the run stops. Other failures are the caller's.
     */
    public <T> T waitFor(String what, Supplier<T> call) {
        boolean said = false;
        while (true) {
            run.checkRunning();
            try {
                T result = call.get();
                if (said) {
                    LOG.info("The database answers again: {} done", what);
                }
                return result;
            } catch (RuntimeException e) {
                if (!unreachable(e) && reachable()) {
                    throw e;
                }
                if (!said) {
                    said = true;
                    LOG.warn("The database {} cannot be reached ({}): {} waits for it", shownUrl,
                            ClusterConnections.rootMessage(e), what);
                }
            }
            try {
                Thread.sleep(ASK_EVERY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                run.checkRunning();
                throw new IllegalStateException("interrupted while waiting for the database", e);
            }
        }
    }

    /** A failure that says the database cannot be reached: no connection, or one the server closed. */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof java.net.ConnectException
                    || t instanceof org.springframework.jdbc.CannotGetJdbcConnectionException
                    || t instanceof org.springframework.transaction.CannotCreateTransactionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
