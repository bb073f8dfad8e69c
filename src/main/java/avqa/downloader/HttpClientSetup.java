package avqa.downloader;

import avqa.downloader.settings.ProxyEnvironment;
import java.net.URI;
import java.util.Locale;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Camel's HTTP client as this tool needs it (the component's {@code httpClientConfigurer}): a
 * redirect is followed only to an http or https location, the client never repeats a request by
 * itself (the routes' redelivery policy is the only retry, and it passes the pacing), no
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
            URI location = super.getLocationURI(request, response, context);
            String scheme = location.getScheme() == null ? "" : location.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new ProtocolException(NOT_HTTP + scheme + ":");
            }
            return location;
        }
    }

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
        // just before the transport: each hop of a redirect chain has the deadline of its own
        builder.addExecInterceptorLast("avqa-answer-deadline", deadline);
        builder.setDefaultCredentialsProvider(credentials);
        builder.setRedirectStrategy(new HttpOnlyRedirects());
        builder.disableAutomaticRetries();
        builder.disableContentCompression();
        if (proxies.any()) {
            // through the proxies the environment names (no_proxy's hosts directly), where yt-dlp's requests go;
            // the proxy's own challenge (407) is answered from its URL's user name and password (credentials)
            builder.setRoutePlanner(new SystemDefaultRoutePlanner(proxies));
        }
    }
}
