package avqa.downloader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.HostnameVerifier;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.LayeredConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Camel's HTTP component, bound as {@code http}, with these changes; everything else is Camel's own.
 * <ul>
 * <li>Its TLS is made when the first https connection needs it rather than when the routes start: Java's
 * TLS context (the trust store's certificates parsed) costs a few hundred milliseconds of every start,
 * and a run from a plain-http mirror, or from files, never uses it.</li>
 * <li>A pooled connection is checked before each use (a host may close it after its answer without
 * saying so), and a connection made for a request is marked as such in the request's context, for
 * {@link HttpClientSetup.DeadConnectionRetry}, and how far it got (connecting, connected, its TLS handshake), for
 * {@link AnswerDeadline}'s words; once that deadline or a stop has ended the request, none of its host's further
 * addresses is tried ({@link StagedOperator}).</li>
 * <li>The head of an answer is limited: a line of it (the status line, a header) to {@value #MAX_LINE}
 * characters, and {@value #MAX_HEADERS} headers. HttpClient's own default is no limit, so a host that
 * sends one endless header line had the client hold it all until the JVM ran out of memory, and the
 * video's download never ended; now that answer fails (the HTTP client's "Maximum line length limit exceeded", said
 * in our words by {@link HttpTrouble}).</li>
 * </ul>
 */
public final class HttpComponentSetup extends HttpComponent {

    static final int MAX_LINE = 64 * 1024;
    static final int MAX_HEADERS = 500;

    @Override
    protected HttpClientConnectionManager createConnectionManager(Registry<ConnectionSocketFactory> registry,
            int maxTotalConnections, int connectionsPerRoute, SocketConfig socketConfig) {
        // as Camel makes it, with a connection factory whose head limits are set
        PoolingHttpClientConnectionManager manager = new PoolingHttpClientConnectionManager(new StagedOperator(registry),
                PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.ofMilliseconds(getConnectionTimeToLive()),
                ManagedHttpClientConnectionFactory.builder().http1Config(Http1Config.custom()
                        .setMaxLineLength(MAX_LINE).setMaxHeaderCount(MAX_HEADERS).build()).build()) {
            @Override
            public void connect(ConnectionEndpoint endpoint, TimeValue timeout, HttpContext context) throws IOException {
                // the request goes out on a connection made for it, not on one an earlier answer left open
                // (HttpClientSetup repeats a request that got no answer only on the latter)
                context.setAttribute(HttpClientSetup.NEW_CONNECTION, Boolean.TRUE);
                // how far the connection gets, for the words of a deadline that ends it on the way (AnswerDeadline)
                AnswerDeadline.mark(context, AnswerDeadline.Stage.CONNECTING);
                super.connect(endpoint, timeout, context);
                AnswerDeadline.mark(context, AnswerDeadline.Stage.CONNECTED);
            }

            @Override
            public LeaseRequest lease(String id, HttpRoute route, Timeout requestTimeout, Object state) {
                // the wait for a free connection to the host is no host's time: the answer's deadline waits too
                LeaseRequest lease = super.lease(id, route, requestTimeout, state);
                return new LeaseRequest() {
                    @Override
                    public ConnectionEndpoint get(Timeout timeout)
                            throws InterruptedException, ExecutionException, TimeoutException {
                        Runnable over = AnswerDeadline.waitingForConnection(lease);
                        try {
                            return lease.get(timeout);
                        } finally {
                            over.run();
                        }
                    }

                    @Override
                    public boolean cancel() {
                        return lease.cancel();
                    }
                };
            }

            @Override
            public void upgrade(ConnectionEndpoint endpoint, HttpContext context) throws IOException {
                // TLS with the host through a proxy's tunnel (the operator marks its handshake)
                super.upgrade(endpoint, context);
                // (not CONNECTED, which on a tunnelled route means its tunnel is not open yet)
                AnswerDeadline.mark(context, null);
            }
        };
        // a pooled connection is looked at before it is used again, however soon: a host that closes each
        // connection after its answer without saying so (no "Connection: close") left the next video's
        // request on a dead socket, where it failed without reaching the host (HttpClient looks only after
        // 2 s idle, and would then repeat the request by itself, which this tool turns off)
        manager.setDefaultConnectionConfig(ConnectionConfig.custom().setValidateAfterInactivity(TimeValue.ZERO_MILLISECONDS)
                .build());
        int total = maxTotalConnections == 0 ? getMaxTotalConnections() : maxTotalConnections;
        if (total > 0) {
            manager.setMaxTotal(total);
        }
        if (socketConfig != null) {
            manager.setDefaultSocketConfig(socketConfig);
        }
        int perRoute = connectionsPerRoute == 0 ? getConnectionsPerRoute() : connectionsPerRoute;
        if (perRoute > 0) {
            manager.setDefaultMaxPerRoute(perRoute);
        }
        return manager;
    }

    /**
     * HttpClient's own connection operator (as the manager would make it from the registry), which marks for the
     * answer's deadline each address's connection and each TLS handshake (to the host, or through a proxy's tunnel),
     * and tries none of a host's further addresses once the deadline or a stop has ended the request: closing the
     * connection ends the address being tried, but HttpClient would go on to the next, each for the connection's own
     * time, and leave the socket it made to nobody.
     */
    @SuppressWarnings("deprecation")
    static final class StagedOperator extends DefaultHttpClientConnectionOperator {

        StagedOperator(Registry<ConnectionSocketFactory> registry) {
            super(registry, null, null);
        }

        @Override
        protected void onBeforeSocketConnect(HttpContext context, HttpHost host) {
            AnswerDeadline.connecting(context);
        }

        @Override
        protected void onBeforeTlsHandshake(HttpContext context, HttpHost host) {
            AnswerDeadline.mark(context, AnswerDeadline.Stage.SECURING);
        }
    }

    @Override
    protected Registry<ConnectionSocketFactory> createConnectionRegistry(HostnameVerifier verifier,
            SSLContextParameters sslParameters, boolean useSystemProperties)
            throws java.security.GeneralSecurityException, IOException {
        if (sslParameters != null) {
            return super.createConnectionRegistry(verifier, sslParameters, useSystemProperties);
        }
        return RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", PlainConnectionSocketFactory.getSocketFactory())
                .register("https", new LazyTls(verifier, useSystemProperties))
                .build();
    }

    /** The TLS socket factory Camel would make, made on first use. */
    static final class LazyTls implements LayeredConnectionSocketFactory {

        private final HostnameVerifier verifier;
        private final boolean useSystemProperties;
        private volatile SSLConnectionSocketFactory tls;

        LazyTls(HostnameVerifier verifier, boolean useSystemProperties) {
            this.verifier = verifier;
            this.useSystemProperties = useSystemProperties;
        }

        private SSLConnectionSocketFactory tls() {
            SSLConnectionSocketFactory f = tls;
            if (f == null) {
                synchronized (this) {
                    if (tls == null) {
                        tls = new SSLConnectionSocketFactory(useSystemProperties ? SSLContexts.createSystemDefault()
                                : SSLContexts.createDefault(), verifier);
                    }
                    f = tls;
                }
            }
            return f;
        }

        @Override
        public Socket createSocket(HttpContext context) throws IOException {
            return tls().createSocket(context);
        }

        @Override
        public Socket createSocket(Proxy proxy, HttpContext context) throws IOException {
            return tls().createSocket(proxy, context);
        }

        @Override
        public Socket connectSocket(TimeValue connectTimeout, Socket socket, HttpHost host, InetSocketAddress remote,
                                    InetSocketAddress local, HttpContext context) throws IOException {
            return tls().connectSocket(connectTimeout, socket, host, remote, local, context);
        }

        @Override
        public Socket connectSocket(Socket socket, HttpHost host, InetSocketAddress remote, InetSocketAddress local,
                                    Timeout connectTimeout, Object attachment, HttpContext context) throws IOException {
            return tls().connectSocket(socket, host, remote, local, connectTimeout, attachment, context);
        }

        @Override
        public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
            return tls().createLayeredSocket(socket, target, port, context);
        }

        @Override
        public Socket createLayeredSocket(Socket socket, String target, int port, Object attachment, HttpContext context)
                throws IOException {
            return tls().createLayeredSocket(socket, target, port, attachment, context);
        }
    }
}
