package avqa.downloader.cluster;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.transport.TransportListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node is connected to the broker, told by the ActiveMQ client itself (the connection
 * factory's transport listener). With a {@code failover:} URL the client reconnects by itself when the
 * broker goes away (restarted, or this host cut off); meanwhile the broker puts the messages this node
 * held back on the queue, once it notices (its inactivity monitor), and {@link Leases} decide who fetches
 * them. This says so in the log and the status line; {@link #connected} is the hook for a readiness check.
 */
public final class BrokerLink implements TransportListener {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.worker");

    private final String shownUrl;
    private final AtomicLong interruptions = new AtomicLong();
    private volatile boolean connected;
    private volatile long sinceMillis = System.currentTimeMillis();

    public BrokerLink(String shownUrl) {
        this.shownUrl = shownUrl;
    }

    /** Whether the broker can be reached now (false until the first connection). */
    public boolean connected() {
        return connected;
    }

    /** "; broker: reconnecting for 12 s" while not connected, for the status line. */
    public String statusNote() {
        return connected ? "" : String.format("; broker %s: %s for %d s", shownUrl,
                interruptions.get() == 0 ? "not reached yet, waiting" : "connection lost, reconnecting",
                (System.currentTimeMillis() - sinceMillis) / 1000);
    }

    @Override
    public void onCommand(Object command) {
        if (!connected) {
            up();
        }
    }

    @Override
    public void onException(IOException error) {
        down(error.getMessage());
    }

    @Override
    public void transportInterupted() {
        down("connection lost");
    }

    @Override
    public void transportResumed() {
        up();
    }

    private synchronized void up() {
        if (!connected) {
            connected = true;
            sinceMillis = System.currentTimeMillis();
            if (interruptions.get() > 0) {
                LOG.info("Connected to the broker {} again: taking videos again", shownUrl);
            }
        }
    }

    private synchronized void down(String why) {
        if (connected) {
            connected = false;
            sinceMillis = System.currentTimeMillis();
            interruptions.incrementAndGet();
            LOG.warn("Lost the connection to the broker {} ({}): reconnecting. The videos this worker holds go back "
                    + "to the queue once the broker notices; this worker goes on with them while its leases hold",
                    shownUrl, why == null ? "no reason given" : why);
        }
    }
}
