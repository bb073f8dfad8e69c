package avqa.downloader.settings;

import avqa.downloader.BadInputException;
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
 * {@code https_proxy} and {@code all_proxy} (the one for a scheme with no variable of its own), each
 * lower case first, then upper case, and {@code no_proxy}: the hosts fetched directly. This tool's own
 * requests (the annotations, the archives, the video files of the fast path and {@code --doctor}'s) go
 * where yt-dlp's go, which reads the same variables; {@code --proxy} stays yt-dlp's alone.
 *
 * <p>{@code no_proxy} is a list separated by commas or spaces: {@code *} (every host); a host name, which
 * stands for its subdomains as well ({@code example.org} and {@code .example.org} both match
 * {@code dl.example.org}); an IP address or a block of them ({@code 10.0.0.0/8}); any of these with
 * {@code :port}. Only {@code http://} proxies are taken (with {@code user:password@} when the proxy asks
 * for them); any other (SOCKS, a proxy reached over TLS) is refused at start in one line, since
 * fetching past it would go around the network's rule.
 */
public final class ProxyEnvironment extends ProxySelector {

    /** A proxy from the environment: where it is, and the variable that named it. */
    public record Named(String variable, URI uri) {

        /** Where it is, with its user name and password masked: for the log. */
        public String shown() {
            return Redact.url(uri.toString());
        }
    }

    /** One entry of {@code no_proxy}. */
    private record Bypass(String host, BigInteger network, int prefix, int bits, int port) {

        boolean matches(String target, int targetPort) {
            if (port >= 0 && port != targetPort) {
                return false;
            }
            if (host != null) {
                return target.equals(host) || target.endsWith("." + host);
            }
            byte[] address = ipAddress(target);
            return address != null && address.length * 8 == bits
                    && new BigInteger(1, address).shiftRight(bits - prefix).equals(network);
        }
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

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

    /** Reads the environment; a proxy this tool cannot use gets one line ({@link BadInputException}). */
    public static ProxyEnvironment from(Map<String, String> env) {
        Named http = proxy(env, "http");
        Named https = proxy(env, "https");
        Map.Entry<String, String> noProxy = variable(env, "no_proxy");
        String text = noProxy == null ? "" : noProxy.getValue();
        if (http == null && https == null) {
            return NONE;
        }
        List<Bypass> bypass = new ArrayList<>();
        boolean all = false;
        for (String entry : text.split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                all = true;
                continue;
            }
            Bypass b = bypass(entry);
            if (b == null) {
                throw new BadInputException(noProxy.getKey() + ": '" + Redact.text(entry, 100) + "' is not a host name, an "
                        + "IP address or a block of them (such as 10.0.0.0/8), with or without :port");
            }
            bypass.add(b);
        }
        return new ProxyEnvironment(http, https, List.copyOf(bypass), all, Redact.text(text, 300));
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
        if (https != null && http != null && https.uri().equals(http.uri())) {
            line.append("http and https through ").append(https.shown()).append(" (").append(http.variable()).append(", ")
                    .append(https.variable()).append(")");
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

    /** The proxy that a request to {@code uri} goes through; null when it goes directly. */
    public Named proxyFor(URI uri) {
        Named p = forScheme(uri.getScheme());
        if (p == null || bypassAll) {
            return null;
        }
        if (uri.getHost() == null) {
            return p;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
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

    @Override
    public List<Proxy> select(URI uri) {
        Named p = uri == null ? null : proxyFor(uri);
        if (p == null) {
            return List.of(Proxy.NO_PROXY);
        }
        int port = p.uri().getPort() >= 0 ? p.uri().getPort() : 80;
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.uri().getHost(), port)));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // nothing to learn: there is one proxy per scheme
    }

    private static Named proxy(Map<String, String> env, String scheme) {
        Map.Entry<String, String> v = variable(env, scheme + "_proxy");
        if (v == null) {
            v = variable(env, "all_proxy");
        }
        if (v == null) {
            return null;
        }
        String value = v.getValue();
        String written = value.contains("://") ? value : "http://" + value;
        URI uri;
        try {
            uri = new URI(written);
        } catch (URISyntaxException e) {
            throw new BadInputException(v.getKey() + ": '" + Redact.text(Redact.url(value), 200)
                    + "' is not a proxy's URL (such as http://proxy.example.org:3128)");
        }
        String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!s.equals("http")) {
            throw new BadInputException(v.getKey() + " names a " + (s.startsWith("socks") ? "SOCKS proxy" : s + ": proxy")
                    + " (" + Redact.text(Redact.url(value), 200) + "); the annotations, archives and video files are "
                    + "fetched through http:// proxies only. Give an http:// proxy, or name the hosts to reach directly in "
                    + "no_proxy (no_proxy='*' for all); yt-dlp's --proxy takes a SOCKS proxy for its own downloads");
        }
        if (uri.getHost() == null || uri.getPort() > 65535) {
            throw new BadInputException(v.getKey() + ": '" + Redact.text(Redact.url(value), 200)
                    + "' is not a proxy's URL (such as http://proxy.example.org:3128)");
        }
        return new Named(v.getKey(), uri);
    }

    /** The variable of this name, lower case first, then upper case; null when neither is set (or both are empty). */
    private static Map.Entry<String, String> variable(Map<String, String> env, String lower) {
        for (String name : List.of(lower, lower.toUpperCase(Locale.ROOT))) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return Map.entry(name, v.trim());
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
        if (slash >= 0 || !e.matches("[a-z0-9_-]+(\\.[a-z0-9_-]+)*")) {
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
