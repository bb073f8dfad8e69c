package avqa.downloader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import javax.net.ssl.HostnameVerifier;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.LayeredConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Camel's HTTP component, bound as {@code http}, whose TLS is made when the first https connection
 * needs it rather than when the routes start: Java's TLS context (the trust store's certificates
 * parsed) costs a few hundred milliseconds of every start, and a run from a plain-http mirror, or from
 * files, never uses it. Everything else is Camel's own.
 */
public final class LazyTlsHttpComponent extends HttpComponent {

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
