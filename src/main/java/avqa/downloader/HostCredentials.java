package avqa.downloader;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.Credentials;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The user names and passwords of URLs written {@code http://user:password@host/…} (a lab mirror, an
 * archive behind a login), for Camel's HTTP client, which refuses such a URL: the request goes to the
 * URL without them, and the client answers the host's challenge (401, Basic) with them. They are given
 * to that host and port only, never to another one a redirect leads to, and never written anywhere.
 */
public final class HostCredentials implements CredentialsProvider {

    private final Map<String, UsernamePasswordCredentials> byHost = new ConcurrentHashMap<>();

    /** The job's video URL as the request is sent to it: {@link #requestUri}. */
    public String videoUri(@org.apache.camel.Variable("job") VideoJob job) {
        return requestUri(job.url());
    }

    /** {@code url} without its user name and password, which are kept for its host; {@code url} itself when it has none. */
    public String requestUri(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException notOne) {
            return url;
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || uri.getHost() == null) {
            return url;
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        char[] password = decode(colon < 0 ? "" : userInfo.substring(colon + 1)).toCharArray();
        byHost.put(key(uri.getScheme(), uri.getHost(), uri.getPort()), new UsernamePasswordCredentials(user, password));
        String authority = uri.getRawAuthority();
        return uri.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    @Override
    public Credentials getCredentials(AuthScope scope, HttpContext context) {
        if (scope == null || scope.getHost() == null) {
            return null;
        }
        return byHost.get(key(scope.getProtocol(), scope.getHost(), scope.getPort()));
    }

    /** A host and its port (the scheme's own when none is written). */
    private static String key(String scheme, String host, int port) {
        boolean tls = scheme != null && scheme.toLowerCase(Locale.ROOT).equals("https");
        return host.toLowerCase(Locale.ROOT) + ":" + (port >= 0 ? port : tls ? 443 : 80);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return s;
        }
    }
}
