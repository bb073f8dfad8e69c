package avqa.downloader.settings;

import avqa.downloader.Redact;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The proxies the environment names for HTTP, as curl, pip and yt-dlp read them: {@code http_proxy},
 * {@code https_proxy} and {@code all_proxy} (for a scheme whose variable is unset or empty), the lower-case
 * variable when it is set (even empty), else the upper-case one, and {@code no_proxy}: the hosts fetched
 * directly. This tool's own requests (the annotations, the archives, the video files of the fast path and
 * {@code --doctor}'s) go where yt-dlp's go, which reads the same variables; {@code --proxy} stays yt-dlp's.
 *
 * <p>{@code no_proxy} is a list separated by commas or spaces: {@code *} alone (every host); a host name,
 * which stands for its subdomains as well ({@code example.org} and {@code .example.org} both match
 * {@code dl.example.org}); an IP address or a block of them ({@code 10.0.0.0/8}); any of these with
 * {@code :port}. An entry of no such form matches nothing. Only {@code http://} proxies are used; one of any
 * other kind (SOCKS, a proxy reached over TLS) or a value that is no URL is kept with its problem, and a
 * request that would go through it fails in that line: going around it would go around the network's rule.
 */
public final class ProxyEnvironment extends ProxySelector {

    /**
     * A proxy from the environment: the variable that named it, where it is, and what is wrong with it when this
     * tool cannot use it (null when it can; {@code uri} is then null too).
     */
    public record Named(String variable, URI uri, String problem) {

        /** Where it is, with its user name and password masked: for the log. */
        public String shown() {
            return uri == null ? "(unusable)" : Redact.url(uri.toString());
        }

        /** Its host, as written (a name with {@code _} too, which java.net.URI does not take as a host). */
        public String host() {
            return hostOf(uri);
        }

        /** The user name and password written before its host ({@code user:password}, still %-encoded); null when none. */
        public String login() {
            String authority = uri.getRawAuthority();
            int at = authority == null ? -1 : authority.lastIndexOf('@');
            return at > 0 ? authority.substring(0, at) : null;
        }

        /** Its port: 80 when none is written. */
        public int port() {
            int at = portOf(uri);
            return at >= 0 ? at : 80;
        }
    }

    /** One entry of {@code no_proxy}. */
    private record Bypass(String host, BigInteger network, int prefix, int bits, int port) {

        boolean matches(String target, int targetPort) {
            if (port >= 0 && port != targetPort) {
                return false;
            }
            if (host != null) {
                // a name stands for its subdomains; an address only for itself
                return target.equals(host) || (ipAddress(target) == null && target.endsWith("." + host));
            }
            byte[] address = ipAddress(target);
            return address != null && address.length * 8 == bits
                    && new BigInteger(1, address).shiftRight(bits - prefix).equals(network);
        }
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Only such text is given to InetAddress, which then never looks a name up (it starts with a hex digit or :). */
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F.]*:[0-9a-fA-F:.]*");

    /** Used when the environment names no proxy. */
    public static final ProxyEnvironment NONE = new ProxyEnvironment(null, null, List.of(), false, "");

    private final Named http;
    private final Named https;
    private final List<Bypass> bypass;
    private final boolean bypassAll;
    private final String noProxyText;

    private ProxyEnvironment(Named http, Named https, List<Bypass> bypass, boolean bypassAll, String noProxyText) {
        this.http = http;
        this.https = https;
        this.bypass = bypass;
        this.bypassAll = bypassAll;
        this.noProxyText = noProxyText;
    }

    /**
     * Reads the environment. A proxy this tool cannot use (SOCKS, one reached over TLS, a value that is no URL)
     * is kept with its problem, said when a request would go through it ({@link #problemFor}); yt-dlp, which
     * reads the same variables, may well use it. A {@code no_proxy} entry read as none of the forms above is
     * taken as a host name (curl and Python do no more with it).
     */
    public static ProxyEnvironment from(Map<String, String> env) {
        Named http = proxy(env, "http");
        Named https = proxy(env, "https");
        if (http == null && https == null) {
            return NONE;
        }
        Map.Entry<String, String> noProxy = variable(env, "no_proxy");
        String text = noProxy == null ? "" : noProxy.getValue().strip();
        List<Bypass> bypass = new ArrayList<>();
        // as curl and Python: "*" alone means every host; within a list it is no entry
        boolean all = text.equals("*");
        for (String entry : all ? new String[0] : text.split("[,\\s]+")) {
            Bypass b = entry.isEmpty() ? null : bypass(entry);
            if (b != null) {
                bypass.add(b);
            }
        }
        return new ProxyEnvironment(http, https, List.copyOf(bypass), all, Redact.text(text, 300));
    }

    /** What is wrong with the proxy a request to {@code uri} would go through; null when it goes directly, or through one this tool can use. */
    public String problemFor(URI uri) {
        Named p = proxyFor(uri);
        return p == null ? null : p.problem();
    }

    /** Whether the environment names a proxy at all. */
    public boolean any() {
        return http != null || https != null;
    }

    /** The proxy for URLs of this scheme (http or https), whatever no_proxy says; null when none. */
    public Named forScheme(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? https : "http".equalsIgnoreCase(scheme) ? http : null;
    }

    /** The proxies, for the log: one line, passwords masked; empty when there are none. */
    public String describe() {
        if (!any()) {
            return "";
        }
        StringBuilder line = new StringBuilder();
        if (https != null && http != null && java.util.Objects.equals(https.uri(), http.uri())
                && java.util.Objects.equals(https.problem(), http.problem())) {
            line.append("http and https through ").append(https.shown()).append(" (").append(http.variable())
                    .append(http.variable().equals(https.variable()) ? "" : ", " + https.variable()).append(")");
        } else {
            if (http != null) {
                line.append("http through ").append(http.shown()).append(" (").append(http.variable()).append(")");
            }
            if (https != null) {
                line.append(line.length() > 0 ? ", " : "").append("https through ").append(https.shown()).append(" (")
                        .append(https.variable()).append(")");
            }
        }
        if (http == null) {
            line.append(", http directly");
        }
        if (https == null) {
            line.append(", https directly");
        }
        if (bypassAll) {
            line.append("; no_proxy is '*': every host directly");
        } else if (!bypass.isEmpty()) {
            line.append("; directly to the hosts no_proxy names: ").append(noProxyText);
        }
        return line.toString();
    }

    /** What is wrong with the proxies this tool cannot use, one line each (none when it can use them all). */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (http != null && http.problem() != null) {
            out.add(http.problem());
        }
        if (https != null && https.problem() != null && !https.problem().equals(out.isEmpty() ? null : out.get(0))) {
            out.add(https.problem());
        }
        return out;
    }

    /** The proxy that a request to {@code uri} goes through; null when it goes directly. */
    public Named proxyFor(URI uri) {
        Named p = forScheme(uri.getScheme());
        if (p == null || bypassAll) {
            return null;
        }
        String host = hostOf(uri);
        if (host == null) {
            return p;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        for (Bypass b : bypass) {
            if (b.matches(host, port)) {
                return null;
            }
        }
        return p;
    }

    /**
     * For the JDK's client (the doctor's look; it asks {@link #problemFor} first): the proxy of {@code uri}, or
     * none. A proxy this tool cannot use is never passed over to go directly: the request then goes to no
     * address, and fails.
     */
    @Override
    public List<Proxy> select(URI uri) {
        Named p = uri == null ? null : proxyFor(uri);
        if (p == null) {
            return List.of(Proxy.NO_PROXY);
        }
        if (p.problem() != null) {
            return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("unusable-proxy.invalid", 9)));
        }
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.host(), p.port())));
    }

    /**
     * A URI's port as written after its host: -1 when none is written, -2 when what is written is no port
     * (java.net.URI gives none for an authority it does not take as a host and port).
     */
    static int portOf(URI uri) {
        if (uri.getHost() != null) {
            return uri.getPort();
        }
        String authority = uri.getRawAuthority();
        String hostPort = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.lastIndexOf(']') > colon) {
            return -1;
        }
        String digits = hostPort.substring(colon + 1);
        return digits.matches("\\d{1,5}") ? Integer.parseInt(digits) : -2;
    }

    /** A URI's host, also one java.net.URI does not take as a host (with {@code _}): from its authority. */
    static String hostOf(URI uri) {
        if (uri == null) {
            return null;
        }
        if (uri.getHost() != null) {
            return uri.getHost();
        }
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return null;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? null : hostPort.substring(0, close + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        return host.isEmpty() ? null : host;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // nothing to learn: there is one proxy per scheme
    }

    private static Named proxy(Map<String, String> env, String scheme) {
        Map.Entry<String, String> v = variable(env, scheme + "_proxy");
        if (v == null || v.getValue().isBlank()) {
            v = variable(env, "all_proxy");
        }
        if (v == null || v.getValue().isBlank()) {
            return null;
        }
        String value = v.getValue().strip();
        String shown = masked(value);
        String written = value.contains("://") ? value : "http://" + value;
        URI uri;
        try {
            uri = new URI(written);
        } catch (URISyntaxException e) {
            return new Named(v.getKey(), null, v.getKey() + " (" + shown + ") is not a proxy's URL (such as "
                    + "http://proxy.example.org:3128; write an @ or : in its password as %40, %3A)");
        }
        String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!s.equals("http")) {
            return new Named(v.getKey(), null, v.getKey() + " names a " + (s.startsWith("socks") ? "SOCKS proxy" : s
                    + ": proxy") + " (" + shown + "), and this tool fetches the annotations, archives and video files "
                    + "through http:// proxies only: give an http:// one, or name the hosts to reach directly in no_proxy");
        }
        String host = hostOf(uri);
        if (host == null || portOf(uri) < -1 || portOf(uri) > 65535) {
            return new Named(v.getKey(), null, v.getKey() + " (" + shown + ") is not a proxy's URL (such as "
                    + "http://proxy.example.org:3128)");
        }
        return new Named(v.getKey(), uri, null);
    }

    /** A variable's value as it may be shown: whatever stands before its last {@code @} (a login) masked. */
    static String masked(String value) {
        int at = value.lastIndexOf('@');
        if (at < 0) {
            return Redact.text(value, 200);
        }
        int scheme = value.indexOf("://");
        String prefix = scheme >= 0 && scheme < at ? value.substring(0, scheme + 3) : "";
        return Redact.text(prefix + "***" + value.substring(at), 200);
    }

    /**
     * The variable of this name: the lower-case one when it is set (empty: none, whatever the upper-case one
     * says, as Python reads them), else the upper-case one; null when neither is set.
     */
    private static Map.Entry<String, String> variable(Map<String, String> env, String lower) {
        for (String name : List.of(lower, lower.toUpperCase(Locale.ROOT))) {
            String v = env.get(name);
            if (v != null) {
                return Map.entry(name, v);
            }
        }
        return null;
    }

    private static Bypass bypass(String entry) {
        String e = entry.toLowerCase(Locale.ROOT);
        if (e.startsWith("*.")) {
            e = e.substring(2);
        } else if (e.startsWith(".")) {
            e = e.substring(1);
        }
        int port = -1;
        if (e.startsWith("[")) {
            int close = e.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = e.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.matches(":\\d{1,5}")) {
                    return null;
                }
                port = Integer.parseInt(rest.substring(1));
            }
            e = e.substring(1, close);
        } else if (e.indexOf(':') == e.lastIndexOf(':') && e.matches(".*:\\d{1,5}")) {
            port = Integer.parseInt(e.substring(e.lastIndexOf(':') + 1));
            e = e.substring(0, e.lastIndexOf(':'));
        }
        while (e.endsWith(".")) {
            e = e.substring(0, e.length() - 1);
        }
        if (e.isEmpty() || port > 65535) {
            return null;
        }
        int slash = e.indexOf('/');
        String address = slash < 0 ? e : e.substring(0, slash);
        byte[] ip = ipAddress(address);
        if (ip != null) {
            int bits = ip.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(e.substring(slash + 1));
            } catch (NumberFormatException notOne) {
                return null;
            }
            if (prefix < 0 || prefix > bits) {
                return null;
            }
            return new Bypass(null, new BigInteger(1, ip).shiftRight(bits - prefix), prefix, bits, port);
        }
        if (slash >= 0) {
            // an address block with something else than an address in it: no entry (curl ignores it too)
            return null;
        }
        return new Bypass(e, null, 0, 0, port);
    }

    /** An IP address literal's bytes; null when {@code text} is not one (no name is ever looked up). */
    private static byte[] ipAddress(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        if (v4) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        } else if (!IPV6.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException notOne) {
            return null;
        }
    }
}
