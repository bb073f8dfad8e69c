package avqa.downloader;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A host name that could not be resolved (no network or DNS), for a service's look at the run it stopped
 * ({@link StopRecheck}): back once the name resolves again and, when the port the run asked for is known (a URL the
 * tool fetched itself, not through a proxy), that port takes a connection. Only the name is looked up and the
 * connection closed at once: nothing is sent.
 */
record NetworkBack(String host, int port) {

    private static final int CONNECT_MILLIS = 5000;
    /** How long a look waits for the name's lookup (the system's resolver may take minutes when packets are dropped). */
    static final long LOOKUP_MILLIS = 10_000;

    /** The lookups, on a thread of their own: a lookup that hangs holds neither the service's timer nor its stop. */
    private static final ExecutorService LOOKUPS = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "avqa-network-back");
        t.setDaemon(true);
        return t;
    });
    /**
     * The last lookup: a look while it still hangs waits for it rather than starting another, and one after it
     * ended takes the address it found if no look had it yet (a resolver slower than {@link #LOOKUP_MILLIS} but
     * answering: each look would otherwise start a lookup of its own and give up on it, the name never seen back).
     */
    private static CompletableFuture<InetAddress> pending;
    private static String pendingHost;
    private static boolean pendingTaken;

    interface Lookup {
        InetAddress byName(String host) throws IOException;
    }

    /** What cleared the stop, in a few words; null while the name does not resolve or the port takes no connection. */
    String resolvesAgain() {
        return resolvesAgain(InetAddress::getByName, LOOKUP_MILLIS);
    }

    String resolvesAgain(Lookup lookup, long lookupMillis) {
        InetAddress address = lookUp(lookup, lookupMillis);
        if (address == null) {
            return null;
        }
        String shown = Redact.text(host, 200);
        if (port <= 0) {
            return shown + " resolves again";
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), CONNECT_MILLIS);
        } catch (IOException e) {
            return null;
        }
        return shown + " resolves again and takes a connection on port " + port;
    }

    /** The name's address, null when it does not resolve or its lookup took longer than {@code lookupMillis}. */
    private InetAddress lookUp(Lookup lookup, long lookupMillis) {
        CompletableFuture<InetAddress> future;
        synchronized (NetworkBack.class) {
            boolean foundAndNotTaken = pending != null && pending.isDone() && !pending.isCompletedExceptionally()
                    && !pendingTaken && pending.getNow(null) != null;
            if (pending == null || !host.equals(pendingHost) || pending.isDone() && !foundAndNotTaken) {
                pendingHost = host;
                pendingTaken = false;
                pending = CompletableFuture.supplyAsync(() -> {
                    try {
                        return lookup.byName(host);
                    } catch (IOException | RuntimeException e) {
                        return null;
                    }
                }, LOOKUPS);
            }
            future = pending;
        }
        try {
            InetAddress address = future.get(lookupMillis, TimeUnit.MILLISECONDS);
            synchronized (NetworkBack.class) {
                if (future == pending) {
                    pendingTaken = true;
                }
            }
            return address;
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            // a stop of the service: it looks no further
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Whether a lookup by an earlier look is still under way (it hangs). */
    static synchronized boolean lookingUp() {
        return pending != null && !pending.isDone();
    }
}
