package avqa.downloader;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * What the routes' log lines and messages may say of an exception: in our words where we know the
 * kind (an HTTP status, a missing file, a refused connection), else its message; without the secrets
 * of any URL in it, control characters visible, length capped; never a Java class name.
 */
public final class Shown {

    public String exception(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (e == null) {
            e = exchange.getException();
        }
        return of(e);
    }

    /** A count and its noun, singular for one: {@code count(1, "video", "videos")} is "1 video". */
    public static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The words for an exception. */
    public static String of(Throwable e) {
        if (e == null) {
            return "unknown";
        }
        String text = null;
        for (Throwable t = e; t != null && text == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException h) {
                text = "the server answered HTTP " + h.getStatusCode()
                        + (h.getStatusText() == null || h.getStatusText().isBlank() ? "" : " " + h.getStatusText());
            } else if (t instanceof java.io.FileNotFoundException || t instanceof java.nio.file.NoSuchFileException) {
                text = "no such file";
            } else if (t instanceof java.nio.file.AccessDeniedException
                    || t instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
                // its message is the path alone: what went wrong with it, in words
                java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) t;
                text = Redact.text(String.valueOf(f.getFile()), 300) + ": " + FileTrees.describe(f);
            } else if (t instanceof org.apache.camel.component.direct.DirectConsumerNotAvailableException) {
                text = "the route that takes it on is not there: an edit of its route file that left it out or renamed it?";
            } else if (t instanceof java.net.UnknownHostException) {
                text = "cannot resolve the host name " + t.getMessage() + " (no network or DNS?)";
            } else if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
                    || t instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                // refused, no route, no network, no answer in time: said as such (not every connection not made was refused)
                text = HttpTrouble.wordsOf(t);
            } else if (t instanceof java.net.SocketTimeoutException) {
                text = "no answer in time";
            } else if (HttpTrouble.wordsOf(t) != null) {
                // the HTTP client's own words, for a host that misbehaves: ours instead
                text = HttpTrouble.wordsOf(t);
            } else if (t instanceof BadInputException || t instanceof VideoFailure || t instanceof RunStoppedException
                    || t instanceof DamagedArchiveException) {
                text = t.getMessage();
            }
        }
        ToolGone.Cause notRun = text == null ? ToolGone.cause(e) : null;
        if (notRun != null) {
            // Java's words for a program it could not start, without its internals
            text = notRun.program() + " could not be started (" + notRun.why() + ")";
        }
        if (text == null) {
            // Camel wraps what failed ("Multicast processing failed for number 0. Exchange[…]" around a
            // split's failure, "Exception occurred during execution on the exchange" around a bean's): the
            // innermost message says what happened
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    text = t.getMessage();
                }
            }
            if (text == null) {
                text = "an unexpected error without a message";
            }
        }
        text = plain(text);
        return Redact.text(Redact.secrets(text), 500);
    }

    private static final java.util.regex.Pattern EXCHANGE = java.util.regex.Pattern.compile(
            "\\s*\\(?(?:on )?Exchange(?:Id)?(?:\\[[^\\]]*\\]|: [\\w-]+)\\)?\\.?");
    private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile(
            "\\[?\\b(?:[a-z_][\\w]*\\.)+[A-Z][\\w$]*(?:\\s*-\\s*|:\\s*)?");

    /**
     * A message without Camel's and Java's internals: no exchange ids, no Java class names, on one line.
     */
    static String plain(String text) {
        String t = EXCHANGE.matcher(text).replaceAll("");
        t = CLASS_NAME.matcher(t).replaceAll("");
        return t.replaceAll("\\s*[\\r\\n]+\\s*", " ").replace("[]", "").strip();
    }
}
