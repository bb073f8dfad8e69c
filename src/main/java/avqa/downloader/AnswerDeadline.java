package avqa.downloader;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * A deadline on the head of an answer (its status line and headers; each hop of a redirect chain its own): the
 * client's read timeout restarts with each byte, so a host that sends its headers a byte at a time
 * would hold a download for ever, and no stop of the run would end it. Past the deadline, or when the
 * run stops, the connection is dropped and the request fails as one that got no answer in time, or, where the
 * connection was not yet made ({@link Stage}), as that: its host's name or addresses (a connection not made), a
 * proxy's tunnel not opened, a TLS handshake not finished. A wait for a free connection to the host (each taken by the
 * run's other downloads) is not counted in a hop's time (a stop ends it too), though it is in the whole request's (the
 * download's own time, which the hops of a redirect chain share). The body is the downloads' own business (their
 * deadlines, size caps and speed floor).
 */
final class AnswerDeadline implements ExecChainHandler {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "avqa-answer-deadline");
        t.setDaemon(true);
        return t;
    });

    private static final String STARTED = "avqa.answer-deadline.started";
    private static final String STAGE = "avqa.answer-deadline.stage";

    /**
     * How far a hop's connection got, marked in the request's context as it gets there (HttpComponentSetup's
     * connection manager, HttpClientSetup before the transport): none for a connection an earlier answer left open.
     */
    enum Stage {
        /** the host's name resolved and its addresses tried, or a proxy's */
        CONNECTING,
        /** connected to the first hop: the host, or the proxy, whose tunnel (CONNECT) is then asked for */
        CONNECTED,
        /** the TLS handshake with the host, directly or through the proxy's tunnel */
        SECURING,
        /** the request goes out: what comes is the host's answer */
        SENT
    }

    /** {@code stage}, or null: none to tell (a connection made, its TLS through a tunnel done, the request not yet sent). */
    static void mark(HttpContext context, Stage stage) {
        where(context).stage = stage;
    }

    static Stage stage(HttpContext context) {
        return context.getAttribute(STAGE) instanceof Where w ? w.stage : null;
    }

    /**
     * The connection to one of the host's addresses (or the proxy's) is about to be made: marked so, unless the
     * deadline or a stop has ended the request, which then ends here rather than trying that address.
     */
    static void connecting(HttpContext context) {
        goOn(context, Stage.CONNECTING);
    }

    /**
     * The request goes out: marked so, unless the deadline or a stop has ended it since it had its connection (one a
     * pooled connection of an earlier answer, which no address hook sees).
     */
    static void sending(HttpContext context) {
        goOn(context, Stage.SENT);
    }

    /** The request goes on to {@code stage}, unless the deadline or a stop has ended it: it ends here then. */
    private static void goOn(HttpContext context, Stage stage) {
        Where w = where(context);
        if (w.ended) {
            throw new Ended();
        }
        w.stage = stage;
    }

    /**
     * A request's stage, and whether the deadline or a stop has ended it: read by the deadline's own thread as it
     * ends the request, and written by it (the context itself is not thread-safe).
     */
    private static final class Where {
        volatile Stage stage;
        volatile boolean ended;
    }

    /**
     * A request the deadline or a stop ended while its connection was being made or it waited for one, met where it
     * would try an address (the next of its host's, or the first after its name was resolved) or send the request: said
     * as that deadline or stop says.
     */
    static final class Ended extends RuntimeException {
        Ended() {
            super("the request was ended by its deadline or a stop", null, false, false);
        }
    }

    private static Where where(HttpContext context) {
        if (context.getAttribute(STAGE) instanceof Where w) {
            return w;
        }
        Where w = new Where();
        context.setAttribute(STAGE, w);
        return w;
    }

    /** A connection not made within the answer's deadline (a name slow to resolve, addresses each taking none). */
    static final class NotConnected extends ConnectTimeoutException {
        private static final long serialVersionUID = 1L;

        NotConnected(String message) {
            super(message);
        }
    }

    /** A proxy that did not open its tunnel (answer the CONNECT) within the answer's deadline. */
    static final class TunnelNotOpened extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        TunnelNotOpened(String message) {
            super(message);
        }
    }

    private final long millis;
    private final long totalMillis;
    private final java.util.Map<ExecRuntime, HopTimer> waiting = new ConcurrentHashMap<>();
    /** The hop under way on this thread (the classic client's request runs on its caller's thread), for its lease. */
    private static final ThreadLocal<HopTimer> CURRENT = new ThreadLocal<>();
    /** The requests a stop ended, and its reason. */
    private final java.util.Map<ExecRuntime, String> stopped = new ConcurrentHashMap<>();

    /**
     * {@code millis}: the longest one hop's head may take; {@code totalMillis}: the longest all the hops of one
     * request may take together (the download's own deadline: a chain of redirects, each within its hop's
     * time, must not hold a download for ever either).
     */
    AnswerDeadline(long millis, long totalMillis) {
        this.millis = millis;
        this.totalMillis = totalMillis;
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        ExecRuntime runtime = scope.execRuntime;
        // the first hop of this request starts its clock (the context is the request's, through its redirects)
        Object first = scope.clientContext.getAttribute(STARTED);
        long started = first instanceof Long at ? at : System.nanoTime();
        scope.clientContext.setAttribute(STARTED, started);
        // a hop's own (a late write of the hop before, its deadline's or a stop's, lands on that hop's)
        Where where = new Where();
        scope.clientContext.setAttribute(STAGE, where);
        long left = totalMillis - (System.nanoTime() - started) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("the redirects did not lead to an answer within " + totalMillis / 1000
                    + " s (avqa.download.timeout)");
        }
        long hop = Math.min(millis, left);
        HopTimer timer = new HopTimer(runtime, where, hop);
        waiting.put(runtime, timer);
        HopTimer outer = CURRENT.get();
        CURRENT.set(timer);
        try {
            return chain.proceed(request, scope);
        } catch (IOException | RuntimeException e) {
            // the connection dropped under the request fails as an IOException, or as the runtime's own
            // state error ("endpoint not acquired") when it was not yet connected; a wait for a connection the deadline
            // or a stop cancelled, as the pool's CancellationException; a request ended on its way, as Ended
            String stop = stopped.remove(runtime);
            if (stop != null) {
                // not the host's doing: the run stops, and what was asked stays for the next one
                throw new RunStoppedException(stop);
            }
            if (e instanceof ConnectTimeoutException && !timer.expired.get() || e instanceof java.net.UnknownHostException) {
                // the connection's own time (shorter than this deadline), said by HttpTrouble; a name that cannot be
                // resolved, however long its resolver took (the pause for every worker that goes with it)
                throw e;
            }
            if (timer.expired.get() && first != null && hop < millis) {
                // a later hop, cut short by the whole request's time (the first hop's time is its own): after redirects,
                // theirs; else the same request asked again on a new connection (DeadConnectionRetry)
                throw new SocketTimeoutException(scope.clientContext.getRedirectLocations().size() > 0
                        ? "the redirects did not lead to an answer within " + totalMillis / 1000 + " s (avqa.download.timeout)"
                        : "the host did not send the head of its answer, asked again on a new connection, within the download's "
                                + totalMillis / 1000 + " s (avqa.download.timeout)");
            }
            if (timer.expired.get() || e instanceof SocketTimeoutException) {
                // this deadline's, or the reads' own time (as long): where the connection still was
                IOException notYet = notConnected(timer.expired.get() ? timer.endedAt.get() : where.stage, scope.route);
                if (notYet != null) {
                    throw notYet;
                }
            }
            if (timer.expired.get()) {
                throw new SocketTimeoutException("the host did not send the head of its answer within " + millis / 1000 + " s");
            }
            if (e instanceof Ended) {
                // (neither this hop's deadline nor a stop: not expected) never as a bare runtime error
                throw new java.io.InterruptedIOException("the request was ended before its connection was made");
            }
            throw e;
        } finally {
            timer.cancel();
            CURRENT.set(outer);
            waiting.remove(runtime);
            stopped.remove(runtime);
        }
    }

    /**
     * The request on this thread waits for a free connection to its host ({@code lease}, each taken by another of the
     * run's downloads): no host's time, so its deadline waits too; a stop meanwhile ends the wait at once. The
     * returned task, run when the wait is over (a connection had, or the wait given up), gives the deadline its whole
     * time again from then.
     */
    static Runnable waitingForConnection(org.apache.hc.client5.http.io.LeaseRequest lease) {
        HopTimer timer = CURRENT.get();
        if (timer == null) {
            return () -> { };
        }
        timer.leasing(lease);
        return timer::leased;
    }

    /**
     * A hop's deadline: at its time, the request ends where it is (its connection dropped, none of its host's further
     * addresses tried, its request not sent), except while it waits for a free connection to its host, which puts the
     * deadline off: once it has one, the deadline has its whole time again. A stop ends it wherever it is, its wait for
     * a connection too. Each ends it once, and neither after the hop is over (its runtime may serve the next hop).
     */
    private final class HopTimer {
        private final ExecRuntime runtime;
        private final Where where;
        private final long millis;
        final AtomicBoolean expired = new AtomicBoolean();
        /** Where the request was when the deadline came (what the closing of its connection sets off may mark more). */
        final AtomicReference<Stage> endedAt = new AtomicReference<>();
        // guarded by this
        private boolean done;
        private ScheduledFuture<?> next;
        /** Which of the times set is the one to keep (a time put off may already be on its way to the lock). */
        private int set;
        private org.apache.hc.client5.http.io.LeaseRequest lease;

        HopTimer(ExecRuntime runtime, Where where, long millis) {
            this.runtime = runtime;
            this.where = where;
            this.millis = millis;
            schedule();
        }

        private void schedule() {
            int mine = ++set;
            next = TIMER.schedule(Deadline.watched(() -> end(mine)), millis, TimeUnit.MILLISECONDS);
        }

        private synchronized void end(int which) {
            if (which != set || done || lease != null || where.ended) {
                return;
            }
            endedAt.set(where.stage);
            expired.set(true);
            where.ended = true;
            runtime.discardEndpoint();
        }

        synchronized void leasing(org.apache.hc.client5.http.io.LeaseRequest waitingFor) {
            if (where.ended) {
                // the deadline or a stop came first: no wait
                waitingFor.cancel();
            } else if (!done) {
                lease = waitingFor;
                set++;
                next.cancel(false);
            }
        }

        synchronized void leased() {
            if (lease != null) {
                lease = null;
                if (!done && !where.ended) {
                    schedule();
                }
            }
        }

        synchronized void stop(String reason) {
            if (done) {
                return;
            }
            stopped.put(runtime, reason);
            where.ended = true;
            if (lease != null) {
                lease.cancel();
            }
            runtime.discardEndpoint();
        }

        synchronized void cancel() {
            done = true;
            next.cancel(false);
        }
    }

    /** What the connection had not done within the deadline, where it had not got to its request; else null. */
    private IOException notConnected(Stage stage, HttpRoute route) {
        long s = millis / 1000;
        String target = hostPort(route.getTargetHost());
        if (stage == Stage.CONNECTING) {
            HttpHost first = route.getProxyHost() != null ? route.getProxyHost() : route.getTargetHost();
            return new NotConnected("the connection to " + hostPort(first) + " was not made within " + s + " s");
        }
        if (stage == Stage.CONNECTED && route.isTunnelled()) {
            return new TunnelNotOpened("did not open its tunnel to " + target + " within " + s + " s");
        }
        if (stage == Stage.SECURING) {
            return new SocketTimeoutException("the secure connection to " + target
                    + (route.isTunnelled() ? " (through the proxy's tunnel)" : "") + " was not made within " + s
                    + " s (its TLS handshake did not finish)");
        }
        return null;
    }

    private static String hostPort(HttpHost host) {
        return Redact.text(host.toHostString(), 200);
    }

    /** The run stops for {@code reason}: every request still waiting for the head of its answer ends now. */
    void abortAll(String reason) {
        for (HopTimer request : waiting.values()) {
            request.stop(reason == null ? "stopped" : reason);
        }
    }
}
