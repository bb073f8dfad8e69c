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

    /**
     * The answer's Content-Encoding when it is one this tool undoes (gzip, deflate); null otherwise. An
     * encoding it does not know ({@code none}, {@code binary}, which some hosts send for the bytes
     * themselves, or one it cannot undo) leaves the bytes as they came, their length as announced: the
     * file's own check then says whether they are what they should be.
     */
    static String encoding(String header) {
        String e = header == null ? "" : header.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (e) {
            case "gzip", "x-gzip", "deflate" -> e;
            default -> null;
        };
    }

    /**
     * The codings a Content-Encoding names, in the order they were applied, lower case, {@code identity} left out:
     * from one header ({@code gzip, gzip}) or from several lines of it (Camel then gives a list). Empty when none.
     */
    static java.util.List<String> codings(Object header) {
        java.util.List<String> codings = new java.util.ArrayList<>();
        if (header instanceof Iterable<?> values) {
            for (Object v : values) {
                codings.addAll(codings(v));
            }
        } else if (header != null) {
            for (String c : header.toString().split(",")) {
                String coding = c.strip().toLowerCase(java.util.Locale.ROOT);
                if (!coding.isEmpty() && !coding.equals("identity")) {
                    codings.add(coding);
                }
            }
        }
        return codings;
    }

    /**
     * The codings a Content-Encoding names, in the order applied, when this tool undoes every one of them (gzip,
     * x-gzip, deflate; {@code gzip, gzip}: twice); null when it names none, or one this tool does not undo (br, zstd:
     * the body is then taken as it came, and judged as what it is).
     */
    static java.util.List<String> undone(Object header) {
        java.util.List<String> codings = codings(header);
        return !codings.isEmpty() && codings.stream().allMatch(c -> encoding(c) != null) ? codings : null;
    }

    /** The body with each of these codings undone, the last applied first. */
    static InputStream decoded(InputStream body, java.util.List<String> codings) throws IOException {
        InputStream decoded = body;
        for (int i = codings.size() - 1; i >= 0; i--) {
            decoded = decoded(decoded, encoding(codings.get(i)));
        }
        return decoded;
    }

    /** A header's value: the first, when the host sent it more than once (Camel then gives a list); null when absent. */
    static String first(Object header) {
        Object v = header;
        while (v instanceof Iterable<?> values) {
            java.util.Iterator<?> it = values.iterator();
            v = it.hasNext() ? it.next() : null;
        }
        return v == null ? null : v.toString();
    }

    /** The length a Content-Length announces; -1 when it announces none, or no number. */
    static long length(String contentLength) {
        try {
            return contentLength == null || contentLength.isBlank() ? -1 : Long.parseLong(contentLength.strip());
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    /** The body decoded from gzip, or from deflate (zlib-wrapped, or raw as some hosts send it). */
    static InputStream decoded(InputStream body, String encoding) throws IOException {
        if (!encoding.equals("deflate")) {
            return new java.util.zip.GZIPInputStream(body, 1 << 16);
        }
        java.io.BufferedInputStream in = new java.io.BufferedInputStream(body, 1 << 16);
        in.mark(2);
        int cmf = in.read();
        int flg = in.read();
        in.reset();
        // a zlib header: compression method 8, and the two bytes a multiple of 31
        boolean zlib = cmf >= 0 && flg >= 0 && (cmf & 0x0f) == 8 && ((cmf << 8) | flg) % 31 == 0;
        return new java.util.zip.InflaterInputStream(in, new java.util.zip.Inflater(!zlib), 1 << 16);
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
