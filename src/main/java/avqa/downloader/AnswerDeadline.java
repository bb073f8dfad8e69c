package avqa.downloader;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/**
 * A deadline on the head of an answer (its status line and headers; each hop of a redirect chain its own): the
 * client's read timeout restarts with each byte, so a host that sends its headers a byte at a time
 * would hold a download for ever, and no stop of the run would end it. Past the deadline, or when the
 * run stops, the connection is dropped and the request fails as one that got no answer in time. The
 * body is the downloads' own business (their deadlines, size caps and speed floor).
 */
final class AnswerDeadline implements ExecChainHandler {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "avqa-answer-deadline");
        t.setDaemon(true);
        return t;
    });

    private static final String STARTED = "avqa.answer-deadline.started";

    private final long millis;
    private final long totalMillis;
    private final Set<ExecRuntime> waiting = ConcurrentHashMap.newKeySet();
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
        long left = totalMillis - (System.nanoTime() - started) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("the redirects did not lead to an answer within " + totalMillis / 1000
                    + " s (avqa.download.timeout)");
        }
        long hop = Math.min(millis, left);
        AtomicBoolean expired = new AtomicBoolean();
        waiting.add(runtime);
        ScheduledFuture<?> deadline = TIMER.schedule(Deadline.watched(() -> {
            expired.set(true);
            runtime.discardEndpoint();
        }), hop, TimeUnit.MILLISECONDS);
        try {
            return chain.proceed(request, scope);
        } catch (IOException | RuntimeException e) {
            // the connection dropped under the request fails as an IOException, or as the runtime's own
            // state error ("endpoint not acquired") when it was not yet connected
            String stop = stopped.remove(runtime);
            if (stop != null) {
                // not the host's doing: the run stops, and what was asked stays for the next one
                throw new RunStoppedException(stop);
            }
            // a later hop cut short by the whole request's time: the redirects' (the first hop's time is its own)
            boolean redirects = hop < millis && first instanceof Long;
            if (expired.get() && !(e instanceof ConnectTimeoutException)) {
                throw new SocketTimeoutException(redirects
                        ? "the redirects did not lead to an answer within " + totalMillis / 1000 + " s (avqa.download.timeout)"
                        : "the host did not send the head of its answer within " + millis / 1000 + " s");
            }
            throw e;
        } finally {
            deadline.cancel(false);
            waiting.remove(runtime);
            stopped.remove(runtime);
        }
    }

    /** The run stops for {@code reason}: every request still waiting for the head of its answer ends now. */
    void abortAll(String reason) {
        for (ExecRuntime runtime : waiting) {
            stopped.put(runtime, reason == null ? "stopped" : reason);
            runtime.discardEndpoint();
        }
    }
}
