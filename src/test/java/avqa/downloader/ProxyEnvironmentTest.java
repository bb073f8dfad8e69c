package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.ProxyEnvironment;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the proxy variables of the environment are read: as curl, pip and yt-dlp read them. */
class ProxyEnvironmentTest {

    private static String via(ProxyEnvironment p, String url) {
        ProxyEnvironment.Named n = p.proxyFor(URI.create(url));
        return n == null ? "direct" : n.uri().toString();
    }

    @Test
    void lowerCaseWinsAllProxyStandsInAndAnEmptyValueIsNone() {
        ProxyEnvironment p = ProxyEnvironment.from(Map.of("http_proxy", "http://low:3128", "HTTP_PROXY", "http://up:3128",
                "ALL_PROXY", "all.example.org:8080", "https_proxy", " "));
        assertEquals("http://low:3128", via(p, "http://a.example.org/x"));
        // https_proxy is empty: all_proxy, written without a scheme, is an http:// proxy
        assertEquals("http://all.example.org:8080", via(p, "https://a.example.org/x"));
        assertEquals("HTTP_PROXY", ProxyEnvironment.from(Map.of("HTTP_PROXY", "http://up:3128")).forScheme("http").variable());
        assertFalse(ProxyEnvironment.from(Map.of("no_proxy", "*", "FTP_PROXY", "http://f:21")).any(), "no proxy for http(s)");
        assertEquals(List.of(Proxy.NO_PROXY), ProxyEnvironment.NONE.select(URI.create("https://x.example.org/")));
    }

    @Test
    void noProxyNamesDomainsAddressesBlocksAndPorts() {
        ProxyEnvironment p = ProxyEnvironment.from(Map.of("https_proxy", "http://proxy:3128", "http_proxy", "http://proxy:3128",
                "no_proxy", "example.org, .lab.internal *.corp.net,10.0.0.0/8 [::1] mirror.test:8080,192.168.1.5"));
        assertEquals("direct", via(p, "https://example.org/a"));
        assertEquals("direct", via(p, "https://dl.example.org/a"));
        assertEquals("direct", via(p, "https://DL.Example.ORG./a"), "case and a final dot do not matter");
        assertEquals("http://proxy:3128", via(p, "https://badexample.org/a"), "a suffix is a whole label");
        assertEquals("direct", via(p, "http://lab.internal/a"));
        assertEquals("direct", via(p, "http://x.corp.net/a"));
        assertEquals("direct", via(p, "http://10.20.30.40:9000/a"));
        assertEquals("http://proxy:3128", via(p, "http://11.0.0.1/a"));
        assertEquals("direct", via(p, "http://[::1]:8080/a"));
        assertEquals("direct", via(p, "http://mirror.test:8080/a"));
        assertEquals("http://proxy:3128", via(p, "http://mirror.test/a"), "another port of a host named with one");
        assertEquals("direct", via(p, "http://192.168.1.5/a"));
        assertEquals("http://proxy:3128", via(p, "http://192.168.1.6/a"));
        assertEquals("direct", via(ProxyEnvironment.from(Map.of("https_proxy", "proxy:3128", "NO_PROXY", "*")),
                "https://anything.example/"));
    }

    @Test
    void aProxyIsSelectedAsAnHttpProxyByName() {
        ProxyEnvironment p = ProxyEnvironment.from(Map.of("https_proxy", "http://u:p%40ss@proxy.example.org:3128/"));
        List<Proxy> chosen = p.select(URI.create("https://www.dropbox.com/s/x"));
        assertEquals(Proxy.Type.HTTP, chosen.get(0).type());
        InetSocketAddress at = (InetSocketAddress) chosen.get(0).address();
        assertTrue(at.isUnresolved(), "the proxy resolves its own name");
        assertEquals("proxy.example.org", at.getHostString());
        assertEquals(3128, at.getPort());
        assertEquals(List.of(Proxy.NO_PROXY), p.select(URI.create("http://www.dropbox.com/s/x")), "http has none");
        String said = p.describe();
        assertTrue(said.startsWith("https through http://***@proxy.example.org:3128/ (https_proxy), http directly"), said);
        assertFalse(said.contains("p%40ss"), said);
    }

    @Test
    void aProxyThisToolCannotUseIsRefusedInOneLine() {
        for (String bad : List.of("socks5://127.0.0.1:1080", "https://proxy:443", "http://", "http://proxy:99999",
                "http://pro xy:1")) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> ProxyEnvironment.from(Map.of("HTTPS_PROXY", bad)), bad);
            assertTrue(e.getMessage().startsWith("HTTPS_PROXY"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
        for (String bad : List.of("a/b", "10.0.0.0/33", "[::1", "host:123456")) {
            assertThrows(BadInputException.class, () -> ProxyEnvironment.from(Map.of("http_proxy", "http://p:1",
                    "no_proxy", bad)), bad);
        }
        // no_proxy alone is no proxy, whatever it holds
        assertNull(ProxyEnvironment.from(Map.of("no_proxy", "a/b")).forScheme("http"));
    }
}
