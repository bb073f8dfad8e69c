package avqa.downloader.cluster;

import avqa.downloader.BadInputException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.slf4j.LoggerFactory;

/**
 * Whether the broker can be reached, asked once with a deadline: each broker of a {@code failover:} URL
 * in turn (the failover transport itself would keep trying for ever, in silence).
 */
public final class BrokerCheck {

    private static final Pattern FAILOVER = Pattern.compile("failover:\\((.*)\\)(\\?.*)?");
    private static final String REFUSED_ACCESS = "refused access: ";

    private final ClusterConnections connections;
    private final String url;

    public BrokerCheck(ClusterConnections connections, String url) {
        this.connections = connections;
        this.url = url;
    }

    /**
     * At a node's start, one line when the broker cannot be reached: exit 2 with a plain URL. A failover:
     * URL means "reconnect by yourself": the node waits for the broker instead (it says so, and its status
     * line too), since the broker may well be started after it. Wrong credentials are exit 2 alike.
     */
    public void atStart() {
        String why = problem();
        if (why == null) {
            return;
        }
        if (!FAILOVER.matcher(url).matches() || why.startsWith(REFUSED_ACCESS)) {
            throw new BadInputException("cannot connect to the broker " + connections.shown("avqa.broker.url") + ": " + why);
        }
        LoggerFactory.getLogger("avqa.worker").warn("The broker {} cannot be reached yet ({}): waiting for it "
                + "(a failover: URL reconnects by itself)", connections.shown("avqa.broker.url"), why);
    }

    /** Why no broker of the URL can be connected to now, or null when one can. */
    public String problem() {
        Matcher failover = FAILOVER.matcher(url);
        String why = null;
        for (String uri : failover.matches() ? failover.group(1).split(",") : new String[] {url}) {
            why = reach(uri.strip());
            if (why == null) {
                return null;
            }
        }
        return why;
    }

    /** Why one broker URI cannot be connected to within 15 s, or null when it can. */
    private String reach(String uri) {
        ExecutorService check = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "avqa-broker-check");
            t.setDaemon(true);
            return t;
        });
        try {
            check.submit(() -> {
                ActiveMQConnectionFactory cf = connections.connectionFactory();
                cf.setBrokerURL(uri);
                // this check's connection says nothing about the node's own (BrokerLink)
                cf.setTransportListener(null);
                try (jakarta.jms.Connection c = cf.createConnection()) {
                    c.start();
                }
                return null;
            }).get(15, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return (e.getCause() instanceof jakarta.jms.JMSSecurityException ? REFUSED_ACCESS : "")
                    + ClusterConnections.rootMessage(e);
        } catch (TimeoutException e) {
            return "no answer within 15 s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInputException("interrupted while connecting to the broker");
        } finally {
            check.shutdownNow();
        }
    }
}
