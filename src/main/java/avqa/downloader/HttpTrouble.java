package avqa.downloader;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.TruncatedChunkException;

/**
 * A host that misbehaves, in our words, not the HTTP client's: what HttpClient says of an answer cut short,
 * a connection not made, closed or reset, an answer that is not valid HTTP or a redirect it will not follow. One
 * translation for the annotations ({@link Shown}), the fast path and the archives ({@link FailureClassifier},
 * {@link MediaFileFetcher}, {@link ArchiveTransfer}); each line one line, what it quotes of the host escaped.
 */
final class HttpTrouble {

    /** The words for a redirect to a URL with a login in it (HttpClient refuses to send such a request). */
    static final String LOGIN_IN_REDIRECT = "a redirect led to a URL with a user name and password in it, which is not followed";

    /** HttpClient's words for a body shorter than its length: "(expected: 5170; received: 170)". */
    private static final Pattern CUT = Pattern.compile("expected: (\\d+); received: (\\d+)");
    private static final String NOT_HTTP = "the host's answer is not valid HTTP";

    private HttpTrouble() {
    }

    /** Our words for the first of {@code e}'s causes (itself included) that is a host's misbehaviour; else null. */
    static String words(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String words = wordsOf(t);
            if (words != null) {
                return words;
            }
        }
        return null;
    }

    /** Our words for {@code e} (any of its causes), else its own message, for a failure's last error. */
    static String wordsOrMessage(Throwable e) {
        String words = words(e);
        return words != null ? words : Objects.requireNonNullElse(e.getMessage(), "");
    }

    /** Whether the trouble is the host's answer every time, not of the moment: a redirect to a URL with a login. */
    static boolean permanent(Throwable e) {
        return LOGIN_IN_REDIRECT.equals(words(e));
    }

    /** HttpClient's "Connect to http://h:p [/a] failed: …": where it tried to connect. */
    private static final Pattern CONNECT_TO = Pattern.compile("^Connect to (?:[A-Za-z][A-Za-z0-9+.-]*://)?([^\\s\\[]+) (?:\\[[^\\]]*\\] )?failed: ");

    /** " to h:p" where a message of HttpClient's says it tried to connect, escaped; else nothing. */
    private static String connectedTo(String message) {
        Matcher to = CONNECT_TO.matcher(message);
        return to.find() ? " to " + Redact.text(to.group(1), 200) : "";
    }

    /**
     * Whether an answer's chunks stopped at a chunk's end, before the last chunk (the one of no bytes that ends a
     * chunked answer): its host closed the connection there, which is how an answer of no announced length ends
     * anyway, whether all of it came or not.
     */
    static boolean lastChunkMissing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectionClosedException
                    && String.valueOf(t.getMessage()).startsWith("Premature end of chunk coded message body")) {
                return true;
            }
        }
        return false;
    }

    /** Our words for {@code t} itself (not its causes), or null when it is no misbehaviour we know. */
    static String wordsOf(Throwable t) {
        String m = String.valueOf(t.getMessage());
        if (t instanceof org.apache.hc.client5.http.RedirectException
                || t instanceof org.apache.hc.client5.http.CircularRedirectException) {
            return "the host redirects without end (a loop, or too many redirects)";
        }
        if (t instanceof NoHttpResponseException) {
            return "the host closed the connection without an answer";
        }
        if (t instanceof TruncatedChunkException) {
            return "the answer was cut short (in the middle of a chunk)";
        }
        if (t instanceof ConnectionClosedException) {
            Matcher cut = CUT.matcher(m);
            if (cut.find()) {
                return "the answer was cut short: it announced " + cut.group(1) + " bytes and sent " + cut.group(2);
            }
            return "the answer was cut short" + (lastChunkMissing(t) ? " (its chunks stopped before the last one)" : "");
        }
        if (t instanceof MalformedChunkCodingException) {
            return NOT_HTTP + (m.startsWith("Bad chunk header") || m.startsWith("Negative chunk size")
                    ? " (a chunk's header is damaged)" : " (its chunks are damaged)");
        }
        if (t instanceof MessageConstraintException) {
            if (m.startsWith("Maximum line length")) {
                return NOT_HTTP + " (a header line longer than the client takes)";
            }
            if (m.startsWith("Maximum header count")) {
                return NOT_HTTP + " (too many header lines)";
            }
            if (m.startsWith("Maximum empty line")) {
                return NOT_HTTP + " (too many empty lines before its status line)";
            }
            return NOT_HTTP + " (" + Redact.text(m, 200) + ")";
        }
        if (t instanceof ProtocolException && !m.startsWith(HttpClientSetup.NOT_HTTP)) {
            if (m.contains("deprecated userinfo")) {
                // only a redirect's Location can hold one: the URLs we send have their logins taken out (HostCredentials)
                return LOGIN_IN_REDIRECT;
            }
            if (m.startsWith("Multiple Content-Length")) {
                return NOT_HTTP + " (two Content-Length headers)";
            }
            if (m.startsWith("Negative content length") || m.startsWith("Invalid content length")) {
                return NOT_HTTP + " (its Content-Length is not a number of bytes)";
            }
            return NOT_HTTP + " (" + Redact.text(m, 200) + ")";
        }
        if (t instanceof AnswerDeadline.NotConnected) {
            // already ours: the answer's deadline ended a connection still being made
            return m;
        }
        if (t instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
            // HttpClient's connect timeout ("… failed: Connect timed out"), the system's as HttpClient passes it on, or
            // a TLS handshake not finished within it ("… failed: Read timed out")
            String to = connectedTo(m);
            if (m.endsWith("Read timed out")) {
                return "the secure connection" + to + " was not made in time (its TLS handshake did not finish)";
            }
            return "the connection" + to + " was not made in time (" + (to.isEmpty() ? "the host took none" : "no answer") + ")";
        }
        if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException) {
            // the system's reason for a connection not made, after HttpClient's "Connect to http://h:p [/a] failed: ",
            // which names where it tried to connect: the source's host, or a proxy's
            String to = connectedTo(m);
            String why = m.toLowerCase(java.util.Locale.ROOT);
            if (why.contains("connection refused")) {
                return "the connection" + to + " was refused (nothing listens " + (to.isEmpty() ? "at the host's port" : "there") + ")";
            }
            if (why.contains("no route to host") || why.contains("host is unreachable")) {
                return (to.isEmpty() ? "the host" : to.substring(4)) + " cannot be reached (no route to it)";
            }
            if (why.contains("network is unreachable")) {
                return "the network is unreachable (no route out of this machine)";
            }
            if (why.contains("timed out")) {
                return "the connection" + to + " was not made in time (no answer)";
            }
            // another reason of the system's: that alone, not the client's sentence around it
            int said = m.lastIndexOf("failed: ");
            return "the connection" + to + " could not be made (" + Redact.text(said >= 0 ? m.substring(said + 8) : m, 200) + ")";
        }
        if (t instanceof HttpBodies.CodingCutShort) {
            return "the answer was cut short (its compressed data ends before its end)";
        }
        if (t instanceof HttpBodies.CodingDamaged d) {
            return "its compressed data is damaged: " + d.reason();
        }
        if (t instanceof java.net.SocketException) {
            if (m.startsWith("Connection reset")) {
                return "the connection was reset by the host";
            }
            if (m.equals("Socket closed")) {
                return "the connection was closed while the answer was read";
            }
        }
        if (t instanceof java.io.IOException && m.startsWith("Attempted read on closed stream")) {
            return "the connection was closed while the answer was read";
        }
        return null;
    }
}
