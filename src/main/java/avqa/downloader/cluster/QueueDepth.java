package avqa.downloader.cluster;

import jakarta.jms.Connection;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.util.Enumeration;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * How many videos wait on the queue, for a worker's metrics: the queue browsed (nothing is taken), on a
 * connection of its own, counted up to a cap so a huge backlog costs a bounded look.
 */
public final class QueueDepth {

    /** More than this many messages are reported as this many. */
    public static final int CAP = 100_000;

    private final ClusterConnections cluster;
    private final String queue;

    public QueueDepth(ClusterConnections cluster, String queue) {
        this.cluster = cluster;
        this.queue = queue;
    }

    /** The messages on the queue now (at most {@link #CAP}). */
    public long count() throws jakarta.jms.JMSException {
        ActiveMQConnectionFactory cf = cluster.connectionFactory();
        // the workers' factory hands out no message before it is asked for (prefetch 0); a browser needs some
        cf.getPrefetchPolicy().setQueueBrowserPrefetch(500);
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = s.createBrowser(s.createQueue(queue));
            Enumeration<?> messages = browser.getEnumeration();
            long n = 0;
            while (n < CAP && messages.hasMoreElements()) {
                messages.nextElement();
                n++;
            }
            return n;
        }
    }
}
