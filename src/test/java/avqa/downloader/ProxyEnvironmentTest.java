package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
                "ALL_PROXY", "all.example.org:8080", "HTTPS_PROXY", " "));
        assertEquals("http://low:3128", via(p, "http://a.example.org/x"));
        // HTTPS_PROXY is empty: all_proxy, written without a scheme, is an http:// proxy
        assertEquals("http://all.example.org:8080", via(p, "https://a.example.org/x"));
        // an empty lower-case variable is none, whatever the upper-case one says (as Python reads them)
        assertEquals("direct", via(ProxyEnvironment.from(Map.of("https_proxy", "", "HTTPS_PROXY", "http://up:3128",
                "http_proxy", "http://low:3128")), "https://a.example.org/x"));
        assertEquals("http://p:1", via(ProxyEnvironment.from(Map.of("https_proxy", "http://p:1", "no_proxy", "",
                "NO_PROXY", "*")), "https://a.example.org/x"), "an empty no_proxy: NO_PROXY's * is not read");
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
        // "*" means every host only alone (curl, Python); forms of no entry are passed over, never refused
        ProxyEnvironment lenient = ProxyEnvironment.from(Map.of("http_proxy", "http://proxy:3128",
                "no_proxy", "a.example,*, ., *., <local>, 10.*, [2001:db8::]/32, fe80::1%eth0, bad/host, 0.1, my_host"));
        assertEquals("http://proxy:3128", via(lenient, "http://b.example/"));
        assertEquals("direct", via(lenient, "http://x.a.example/"));
        assertEquals("http://proxy:3128", via(lenient, "http://10.0.0.1/"), "a name entry is no suffix of an address");
        assertEquals("direct", via(lenient, "http://my_host:8080/"), "a host with _ (no host to java.net.URI)");
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
    void aProxyThisToolCannotUseIsKeptWithItsProblemAndItsPasswordMasked() {
        for (String bad : List.of("socks5://u:pw@127.0.0.1:1080", "https://proxy:443", "http://", "http://proxy:99999",
                "u:pw@pro xy:1", "alice:s3@cr@127.0.0.1:99999")) {
            ProxyEnvironment p = ProxyEnvironment.from(Map.of("HTTPS_PROXY", bad));
            assertTrue(p.any(), bad);
            String problem = p.problemFor(URI.create("https://a.example.org/"));
            assertTrue(problem != null && problem.startsWith("HTTPS_PROXY"), bad + ": " + problem);
            assertEquals(1, problem.lines().count());
            assertFalse(problem.contains("pw") || problem.contains("s3@cr"), problem);
            assertEquals(List.of(problem), p.problems());
            assertNull(p.problemFor(URI.create("http://a.example.org/")), "http has no proxy");
        }
        // a proxy named with _ is one
        ProxyEnvironment underscore = ProxyEnvironment.from(Map.of("http_proxy", "http://proxy_1:3128"));
        assertNull(underscore.problemFor(URI.create("http://a.example.org/")));
        assertEquals("proxy_1", underscore.forScheme("http").host());
        // its login, for its challenge (407): a password with an @ not written %40, a proxy named with _
        for (String url : List.of("http://alice:p@ss@127.0.0.1:3128", "http://alice:p%40ss@proxy_1:3128")) {
            HostCredentials login = new HostCredentials();
            login.proxies(ProxyEnvironment.from(Map.of("https_proxy", url)));
            String host = url.contains("proxy_1") ? "proxy_1" : "127.0.0.1";
            var given = (org.apache.hc.client5.http.auth.UsernamePasswordCredentials) login.getCredentials(
                    new org.apache.hc.client5.http.auth.AuthScope("http", host, 3128, null, null), null);
            assertEquals("alice", given.getUserName(), url);
            assertEquals("p@ss", new String(given.getUserPassword()), url);
        }
        // two URLs on one host with two logins: each request is answered with its own URL's login (or its folder's),
        // else that of the URL its redirects began at, else the host's first (before, the last URL requested gave its
        // login to every request to that host)
        HostCredentials logins = new HostCredentials();
        logins.requestUri("http://meta:m3ta@127.0.0.1:8080/annotations");
        logins.requestUri("http://lab:right@127.0.0.1:8080/auth/a.mp4");
        logins.requestUri("http://lab:wrong@127.0.0.1:8080/auth/b.mp4");
        var scope = new org.apache.hc.client5.http.auth.AuthScope("http", "127.0.0.1", 8080, null, null);
        String[][] expected = {
            {"http://127.0.0.1:8080/auth/a.mp4", null, "right"},
            {"http://127.0.0.1:8080/auth/b.mp4", null, "wrong"},
            {"http://127.0.0.1:8080/annotations/avqa-test.json", null, "m3ta"},
            // where a redirect led on that host: the login of the URL it began at
            {"http://127.0.0.1:8080/files/a.mp4", "http://127.0.0.1:8080/auth/a.mp4", "right"},
            {"http://127.0.0.1:8080/files/b.mp4", "http://127.0.0.1:8080/auth/b.mp4", "wrong"},
            // a URL of none of them: the host's first login
            {"http://127.0.0.1:8080/elsewhere/c.mp4", null, "m3ta"},
        };
        for (String[] e : expected) {
            var context = org.apache.hc.client5.http.protocol.HttpClientContext.create();
            context.setRequest(new org.apache.hc.core5.http.message.BasicHttpRequest("GET", URI.create(e[0])));
            if (e[1] != null) {
                context.setAttribute(HostCredentials.ORIGINAL_REQUEST,
                        new org.apache.hc.core5.http.message.BasicHttpRequest("GET", URI.create(e[1])));
            }
            var given = (org.apache.hc.client5.http.auth.UsernamePasswordCredentials) logins.getCredentials(scope, context);
            assertEquals(e[2], given == null ? null : new String(given.getUserPassword()), e[0]);
        }
        // a URL with the host's first login under a folder of another login: its own, whichever came first
        HostCredentials reversed = new HostCredentials();
        reversed.requestUri("http://lab:right@127.0.0.1:8080/first.mp4");
        reversed.requestUri("http://other:0ther@127.0.0.1:8080/folder");
        reversed.requestUri("http://lab:right@127.0.0.1:8080/folder/own.mp4");
        var ownUnder = org.apache.hc.client5.http.protocol.HttpClientContext.create();
        ownUnder.setRequest(new org.apache.hc.core5.http.message.BasicHttpRequest("GET",
                URI.create("http://127.0.0.1:8080/folder/own.mp4")));
        assertEquals("right", new String(((org.apache.hc.client5.http.auth.UsernamePasswordCredentials) reversed.getCredentials(
                scope, ownUnder)).getUserPassword()));
        assertNull(logins.getCredentials(new org.apache.hc.client5.http.auth.AuthScope("http", "127.0.0.1", 8081, null, null),
                org.apache.hc.client5.http.protocol.HttpClientContext.create()), "never another port");
        // no_proxy alone is no proxy, whatever it holds
        assertNull(ProxyEnvironment.from(Map.of("no_proxy", "a/b")).forScheme("http"));
    }
}
