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
 * URL without them, and the client answers the host's challenge (401, Basic) with them: each request with
 * its own URL's (or, for a file under it, the folder URL's), else that of the URL its redirects began at, else
 * the first login a URL of that host and port gave. Never to another host or port, and never written anywhere.
 */
public final class HostCredentials implements CredentialsProvider {

    /** Each host's login: the first one a URL of it gave. */
    private final Map<String, UsernamePasswordCredentials> byHost = new ConcurrentHashMap<>();
    /**
     * The logins of URLs that differ from their host's (two manifest rows on one host with two logins), for the
     * requests sent to them and where they redirect; a URL whose login is its host's takes no room here.
     */
    private final Map<String, UsernamePasswordCredentials> byUrl = new ConcurrentHashMap<>();
    /** The context attribute that holds the request a redirect chain began with (set by HttpClientSetup). */
    public static final String ORIGINAL_REQUEST = "avqa.original-request";

    /** The job's video URL as the request is sent to it: {@link #requestUri}. */
    public String videoUri(@org.apache.camel.Variable("job") VideoJob job) {
        return requestUri(job.url());
    }

    /**
     * {@code url} as it is requested: without its user name and password, which are kept for its host, and
     * without a fragment ({@code #…}, which is never sent).
     */
    public String requestUri(String url) {
        URI uri = withLogin(url);
        if (uri == null) {
            return withoutFragment(url);
        }
        UsernamePasswordCredentials login = login(uri.getRawUserInfo());
        UsernamePasswordCredentials host = byHost.putIfAbsent(key(uri.getScheme(), uri.getHost(), uri.getPort()), login);
        // kept when it differs from what would answer it otherwise: its host's, or a folder's above it
        UsernamePasswordCredentials above = ownLogin(urlKey(uri));
        if (host != null && !same(host, login) || above != null && !same(above, login)) {
            byUrl.put(urlKey(uri), login);
        } else {
            byUrl.remove(urlKey(uri));
        }
        return withoutUserInfo(uri);
    }

    private static boolean same(UsernamePasswordCredentials a, UsernamePasswordCredentials b) {
        return a.getUserName().equals(b.getUserName()) && java.util.Arrays.equals(a.getUserPassword(), b.getUserPassword());
    }

    /**
     * The login of the URL a request went to: its own, or else that of the nearest URL it lies under (the
     * annotations' folder, for each file in it).
     */
    private UsernamePasswordCredentials ownLogin(String sent) {
        UsernamePasswordCredentials own = byUrl.get(sent);
        if (own != null) {
            return own;
        }
        String nearest = null;
        for (String url : byUrl.keySet()) {
            boolean under = sent.startsWith(url) && (url.endsWith("/") || sent.charAt(url.length()) == '/');
            if (under && (nearest == null || url.length() > nearest.length())) {
                nearest = url;
            }
        }
        return nearest == null ? null : byUrl.get(nearest);
    }

    /** A URL as its requests are told apart: scheme, host and port, path and query (no login, no fragment). */
    private static String urlKey(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return key(uri.getScheme(), uri.getHost(), uri.getPort()) + path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** {@code url} without its fragment: everything from its first {@code #}, which is never part of a request. */
    public static String withoutFragment(String url) {
        int hash = url == null ? -1 : url.indexOf('#');
        return hash < 0 ? url : url.substring(0, hash);
    }

    /** {@code url} without a user name and password; {@code url} itself when it has none (or is no URI). */
    public static String withoutUserInfo(String url) {
        URI uri = withLogin(url);
        return uri == null ? url : withoutUserInfo(uri);
    }

    /** The URL, parsed, when it has a host and a user name (and password) in it; else null. */
    private static URI withLogin(String url) {
        try {
            URI uri = new URI(url);
            return uri.getRawUserInfo() == null || uri.getHost() == null ? null : uri;
        } catch (URISyntaxException | NullPointerException notOne) {
            return null;
        }
    }

    private static String withoutUserInfo(URI uri) {
        String authority = uri.getRawAuthority();
        return uri.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /**
     * For the JDK's HTTP client (the doctor's look at a URL): an authenticator that gives the URL's user name
     * and password to its own scheme, host and port only, and a proxy's (from the environment) to that proxy
     * when it asks; null when neither holds any.
     */
    public static java.net.Authenticator authenticatorFor(String url, avqa.downloader.settings.ProxyEnvironment proxies) {
        HostCredentials one = new HostCredentials();
        one.requestUri(url);
        HostCredentials proxy = new HostCredentials();
        proxy.proxies(proxies);
        if (one.byHost.isEmpty() && proxy.byHost.isEmpty()) {
            return null;
        }
        return new java.net.Authenticator() {
            @Override
            protected java.net.PasswordAuthentication getPasswordAuthentication() {
                UsernamePasswordCredentials c;
                if (getRequestorType() == RequestorType.PROXY) {
                    c = getRequestingHost() == null ? null : proxy.byHost.get(key("http", getRequestingHost(), getRequestingPort()));
                } else {
                    java.net.URL at = getRequestingURL();
                    c = at == null ? null : one.byHost.get(key(at.getProtocol(), at.getHost(), at.getPort()));
                }
                return c == null ? null : new java.net.PasswordAuthentication(c.getUserName(), c.getUserPassword());
            }
        };
    }

    /** Keeps the user names and passwords of the environment's proxies, for their own challenge (407). */
    public void proxies(avqa.downloader.settings.ProxyEnvironment proxies) {
        for (String scheme : java.util.List.of("http", "https")) {
            avqa.downloader.settings.ProxyEnvironment.Named p = proxies.forScheme(scheme);
            // as written (a password with an @ not written %40, or a proxy named with _, is no login to
            // java.net.URI), for the proxy's host and port as the requests go to it
            String userInfo = p == null || p.problem() != null ? null : p.login();
            if (userInfo != null) {
                byHost.put(key("http", p.host(), p.port()), login(userInfo));
            }
        }
    }

    /** {@code user:password} as written in a URL (%-encoded) as credentials. */
    private static UsernamePasswordCredentials login(String userInfo) {
        int colon = userInfo.indexOf(':');
        return new UsernamePasswordCredentials(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)),
                decode(colon < 0 ? "" : userInfo.substring(colon + 1)).toCharArray());
    }

    @Override
    public Credentials getCredentials(AuthScope scope, HttpContext context) {
        if (scope == null || scope.getHost() == null) {
            return null;
        }
        String host = key(scope.getProtocol(), scope.getHost(), scope.getPort());
        // the login of the URL this request was sent to, else of the one its redirects began at, on that host;
        // else the host's
        Object sent = context instanceof org.apache.hc.core5.http.protocol.HttpCoreContext core ? core.getRequest()
                : context == null ? null : context.getAttribute(org.apache.hc.core5.http.protocol.HttpCoreContext.HTTP_REQUEST);
        for (Object request : new Object[] {sent, context == null ? null : context.getAttribute(ORIGINAL_REQUEST)}) {
            if (request instanceof org.apache.hc.core5.http.HttpRequest r) {
                try {
                    URI uri = r.getUri();
                    UsernamePasswordCredentials own = uri.getHost() == null ? null : ownLogin(urlKey(uri));
                    if (own != null && host.equals(key(uri.getScheme(), uri.getHost(), uri.getPort()))) {
                        return own;
                    }
                } catch (URISyntaxException notOne) {
                    // no URL of ours
                }
            }
        }
        return byHost.get(host);
    }

    /** A scheme, host and port (the scheme's own when none is written): https credentials never go over http. */
    private static String key(String scheme, String host, int port) {
        String s = scheme == null ? "http" : scheme.toLowerCase(Locale.ROOT);
        return s + "://" + host.toLowerCase(Locale.ROOT) + ":" + (port >= 0 ? port : s.equals("https") ? 443 : 80);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return s;
        }
    }
}
