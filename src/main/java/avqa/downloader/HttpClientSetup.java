package avqa.downloader;

import avqa.downloader.settings.ProxyEnvironment;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Camel's HTTP client as this tool needs it (the component's {@code httpClientConfigurer}): a
 * redirect is followed only to an http or https location, the client never repeats a request by
 * itself (the routes' redelivery policy is the only retry, and it passes the pacing) but for one that got
 * no answer on a connection the host had closed after its previous answer, or whose previous answer ran past its
 * length ({@link DeadConnectionRetry}), no
 * compressed transfer encoding is asked for, a host's challenge is answered with the user name and
 * password its URL held ({@link HostCredentials}), requests go through the proxies the environment names
 * ({@link ProxyEnvironment}), and the head of an answer has a deadline, which a
 * stop of the run also ends ({@link AnswerDeadline}).
 */
public final class HttpClientSetup implements HttpClientConfigurer {

    /** Refuses a redirect whose location is not http(s), naming it. */
    static final class HttpOnlyRedirects extends DefaultRedirectStrategy {
        @Override
        public URI getLocationURI(HttpRequest request, HttpResponse response, HttpContext context) throws HttpException {
            org.apache.hc.core5.http.Header given = response.getFirstHeader("Location");
            if (given == null || given.getValue() == null || given.getValue().isBlank()) {
                // HttpClient would take an empty Location for the page itself, or the host's root
                throw new ProtocolException("Redirect (HTTP " + response.getCode() + ") to no location: its Location header is empty");
            }
            URI location = super.getLocationURI(request, response, context);
            String scheme = location.getScheme() == null ? "" : location.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new ProtocolException(NOT_HTTP + scheme + ":");
            }
            return location;
        }

        /** A Location that is no valid URI is taken as browsers take it ({@link LenientLocation}) before it is refused. */
        @Override
        protected URI createLocationURI(String location) throws ProtocolException {
            try {
                return super.createLocationURI(location);
            } catch (ProtocolException invalid) {
                String escaped = LenientLocation.escaped(location);
                if (escaped.equals(location)) {
                    throw invalid;
                }
                return super.createLocationURI(escaped);
            }
        }
    }

    /** Set in a request's context when its connection was made for it ({@link HttpComponentSetup}). */
    static final String NEW_CONNECTION = "avqa.new-connection";
    /** The answer's header that names the URL a redirect chain ended at (none when there was no redirect). */
    static final String FINAL_URL = "X-Avqa-Redirected-To";

    /**
     * A request that got no answer at all (not a byte of one) on a connection an earlier answer had left open goes
     * again, within the same attempt, on another connection: the host closed that connection after its previous
     * answer without saying so. HttpClient takes such a connection as it is in two places: a login asked for by a
     * 401 (without "Connection: close") is sent on the connection that carried the 401, and a pooled connection,
     * though checked before its use, may be closed by the host meanwhile. Only a GET or HEAD, and at most
     * {@value #MAX_TRIES} tries in all (another pooled connection may be as dead); a request that got any answer
     * (a 429, a 503), or none on a connection made for it, is never repeated here: the routes' redelivery, which
     * passes the pacing, is the retry for those. The same for a request whose answer's status line was not found
     * on such a connection among lines that are none: the bytes a previous answer sent past its Content-Length.
     */
    static final class DeadConnectionRetry implements ExecChainHandler {

        static final int MAX_TRIES = 3;

        @Override
        public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
                throws IOException, HttpException {
            Header[] headers = request.getHeaders();
            for (int tries = 1; ; tries++) {
                scope.clientContext.removeAttribute(NEW_CONNECTION);
                try {
                    return chain.proceed(request, scope);
                } catch (NoHttpResponseException | org.apache.hc.core5.http.MessageConstraintException none) {
                    if (tries >= MAX_TRIES || !Method.isIdempotent(request.getMethod())
                            || scope.execRuntime.isExecutionAborted() || !reused(scope.clientContext)
                            || !(none instanceof NoHttpResponseException || beforeStatusLine(none))) {
                        throw none;
                    }
                    LOG.debug("{} closed a connection after its previous answer without saying so, or sent more than that "
                            + "answer's length: the request goes again on another connection",
                            scope.route.getTargetHost().toHostString());
                    scope.execRuntime.discardEndpoint();
                    request.setHeaders(headers);
                }
            }
        }

        /**
         * What was read where the answer's status line should be was lines that are none (HttpClient skips a few, then
         * gives up): on a reused connection, the rest of a previous answer longer than its Content-Length said.
         */
        private static boolean beforeStatusLine(IOException e) {
            return e.getMessage() != null && e.getMessage().startsWith("Maximum empty line");
        }

        /** The connection was not made for this request, and carried an answer before (the host's own, or a proxy's). */
        private static boolean reused(HttpClientContext context) {
            EndpointDetails connection = context.getEndpointDetails();
            return context.getAttribute(NEW_CONNECTION) == null && connection != null && connection.getResponseCount() > 0;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpClientSetup.class);

    /** The start of the message a refused redirect raises, for the classifier. */
    static final String NOT_HTTP = "redirect to a location that is not http(s): ";

    private final HostCredentials credentials;
    private final ProxyEnvironment proxies;
    private final AnswerDeadline deadline;

    /**
     * {@code headMillis}: the longest the head of an answer (status line and headers) may take, each hop of a
     * redirect chain; {@code totalMillis}: the longest all the hops of one request may take together.
     */
    public HttpClientSetup(HostCredentials credentials, ProxyEnvironment proxies, long headMillis, long totalMillis) {
        this.credentials = credentials;
        this.proxies = proxies;
        this.deadline = new AnswerDeadline(headMillis, totalMillis);
    }

    /** The run stops for {@code reason}: requests still waiting for their answer's head end now. */
    public void abortWaiting(String reason) {
        deadline.abortAll(reason);
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // before the connection is made: each hop of a redirect chain has the deadline of its own, which covers
        // the connection too (a host that takes the connection and never ends its TLS handshake), and a stop of
        // the run ends the wait wherever it is
        builder.addExecInterceptorBefore(ChainElement.CONNECT.name(), "avqa-answer-deadline", deadline);
        // around it (each try its own hop deadline, all within the request's): a request that got no answer on a
        // connection an earlier answer left open goes again on another; nothing else is repeated
        builder.addExecInterceptorBefore("avqa-answer-deadline", "avqa-dead-connection", new DeadConnectionRetry());
        // where a redirect chain began: its URL's login answers a challenge where it led on the same host
        builder.addExecInterceptorFirst("avqa-original-request", (request, scope, chain) -> {
            scope.clientContext.setAttribute(HostCredentials.ORIGINAL_REQUEST, scope.originalRequest);
            return chain.proceed(request, scope);
        });
        // where a redirect chain ended, said on its answer ({@value #FINAL_URL}; never the host's own header of that
        // name): a share link's file is named by the URL it led to when its answer names none (ArchiveFiles)
        builder.addExecInterceptorFirst("avqa-final-url", (request, scope, chain) -> {
            ClassicHttpResponse answer = chain.proceed(request, scope);
            answer.removeHeaders(FINAL_URL);
            org.apache.hc.client5.http.protocol.RedirectLocations hops = scope.clientContext.getRedirectLocations();
            if (hops != null && hops.size() > 0) {
                answer.setHeader(FINAL_URL, hops.get(hops.size() - 1).toString());
            }
            return answer;
        });
        builder.setDefaultCredentialsProvider(credentials);
        builder.setRedirectStrategy(new HttpOnlyRedirects());
        builder.disableAutomaticRetries();
        builder.disableContentCompression();
        // the request goes out: what comes now is the host's answer (for AnswerDeadline's words, and the proxy's below)
        builder.addExecInterceptorBefore(ChainElement.MAIN_TRANSPORT.name(), "avqa-request-sent", (request, scope, chain) -> {
            AnswerDeadline.sending(scope.clientContext);
            return chain.proceed(request, scope);
        });
        if (proxies.any()) {
            // through the proxies the environment names (no_proxy's hosts directly), where yt-dlp's requests go;
            // the proxy's own challenge (407) is answered from its URL's user name and password (credentials)
            builder.setRoutePlanner(new ProxyRoutes(proxies));
            // an https host's answer comes through the proxy's tunnel; what comes before the tunnel is open is
            // the proxy's (HttpClient hands its refusal on as if the host had answered); around the answer's
            // deadline, whose connection not made in time is the proxy's too
            builder.addExecInterceptorBefore("avqa-answer-deadline", "avqa-proxy-answer", (request, scope, chain) -> {
                ClassicHttpResponse answer;
                try {
                    answer = chain.proceed(request, scope);
                } catch (java.net.ConnectException | java.net.NoRouteToHostException
                         | org.apache.hc.client5.http.ConnectTimeoutException notMade) {
                    // through a proxy, the connection made first is the proxy's: every request through it meets the
                    // same, so all workers pause (as for a name that cannot be resolved), said as the proxy's
                    if (scope.route.getProxyHost() == null) {
                        throw notMade;
                    }
                    throw new ProxyTrouble(proxyOf(scope.route) + "could not be reached: " + HttpTrouble.wordsOf(notMade), true);
                } catch (AnswerDeadline.TunnelNotOpened slow) {
                    // its connection to that host (which may take none): this request's
                    throw new ProxyTrouble(proxyOf(scope.route) + slow.getMessage(), false);
                }
                if (scope.route.isTunnelled() && AnswerDeadline.stage(scope.clientContext) != AnswerDeadline.Stage.SENT
                        && answer.getCode() >= 300) {
                    answer.close();
                    throw refused(answer, scope.route);
                }
                return answer;
            });
            // over plain http the proxy's 407 comes as an answer, once HttpClient has given its login (if any)
            builder.addExecInterceptorBefore(ChainElement.PROTOCOL.name(), "avqa-proxy-login", (request, scope, chain) -> {
                ClassicHttpResponse answer = chain.proceed(request, scope);
                if (answer.getCode() == 407 && scope.route.getProxyHost() != null && !scope.route.isTunnelled()) {
                    answer.close();
                    throw loginRefused(scope.route);
                }
                return answer;
            });
        }
    }

    /** "the proxy http://***@host:3128 (https_proxy) " of a route. */
    private String proxyOf(HttpRoute route) {
        ProxyEnvironment.Named p = proxies.forScheme(route.getTargetHost().getSchemeName());
        return "the proxy " + (p == null ? "" : p.shown() + " (" + p.variable() + ") ");
    }

    /** The proxy asks for a login, or refused the one given: every request through it meets the same. */
    private ProxyTrouble loginRefused(HttpRoute route) {
        return new ProxyTrouble(proxyOf(route) + "asks for a user name and password, or refused the ones given (HTTP 407): "
                + FailureClassifier.PROXY_LOGIN_HOW, true);
    }

    /**
     * The proxy's refusal of a tunnel, in our words: its login (407, or a 401 as tinyproxy answers a wrong one)
     * is every request's trouble; any other refusal (the host forbidden, or unreachable from the proxy) is this
     * host's, as the same refusal without a proxy would be.
     */
    private ProxyTrouble refused(ClassicHttpResponse answer, HttpRoute route) {
        String reason = answer.getReasonPhrase() == null || answer.getReasonPhrase().isBlank() ? ""
                : " " + Redact.text(answer.getReasonPhrase(), 100);
        if (answer.getCode() == 407) {
            return loginRefused(route);
        }
        return new ProxyTrouble(proxyOf(route) + "refused to connect to " + route.getTargetHost().toHostString() + " (HTTP "
                + answer.getCode() + reason + ")" + (answer.getCode() == 401 ? ": its user name and password may be "
                + "wrong (" + FailureClassifier.PROXY_LOGIN_HOW + ")" : ""), answer.getCode() == 401);
    }

    /** The proxy of each request as the environment says; a proxy this tool cannot use fails the request in one line. */
    static final class ProxyRoutes extends DefaultRoutePlanner {

        private final ProxyEnvironment proxies;

        ProxyRoutes(ProxyEnvironment proxies) {
            super(null);
            this.proxies = proxies;
        }

        @Override
        protected HttpHost determineProxy(HttpHost target, HttpContext context) throws HttpException {
            ProxyEnvironment.Named p = proxies.proxyFor(URI.create(target.toURI()));
            if (p == null) {
                return null;
            }
            if (p.problem() != null) {
                // each request that would go through it fails alone: yt-dlp may well use it meanwhile
                throw new ProxyTrouble(p.problem(), false);
            }
            return new HttpHost("http", p.host(), p.port());
        }
    }
}
