package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * An HTTP answer's body as the file it carries: decoded when its host compressed it on the way, though
 * nothing asked for that (Camel's own decoding is off for these requests, so the answer's length can be
 * told to be the compressed form's); and its end, when we are done with it.
 */
final class HttpBodies {

    private HttpBodies() {
    }

    /** The answer's Content-Encoding when it is not the bytes themselves (null: none, or identity). */
    static String encoding(String header) {
        String e = header == null ? "" : header.strip().toLowerCase(java.util.Locale.ROOT);
        return e.isEmpty() || e.equals("identity") ? null : e;
    }

    /** The body decoded from gzip or deflate; any other encoding is refused, naming it. */
    static InputStream decoded(InputStream body, String encoding, String what) throws IOException {
        return switch (encoding) {
            case "gzip", "x-gzip" -> new java.util.zip.GZIPInputStream(body, 1 << 16);
            case "deflate" -> new java.util.zip.InflaterInputStream(body, new java.util.zip.Inflater(), 1 << 16);
            default -> throw new VideoFailure.Permanent("the host sends " + what + " compressed as \""
                    + Redact.text(encoding, 40) + "\", though nothing asked for it; only gzip and deflate are undone", "");
        };
    }

    /**
     * Drops the connection instead of reading the rest of the body (what closing would do): a server
     * that trickles an answer we will not use holds nothing of ours.
     */
    static void drop(InputStream body) {
        if (body == null) {
            return;
        }
        try {
            if (body instanceof EofSensorInputStream eof) {
                eof.abort();
            } else {
                body.close();
            }
        } catch (IOException ignored) {
            // dropped anyway
        }
    }
}
