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
     * The most codings a Content-Encoding may name to be undone: a host may name any number (one header line of 64 KiB
     * holds 13,000 of them, and an answer may have hundreds of lines), each undone would take a decoder of its own.
     */
    static final int MAX_CODINGS = 4;

    /** What {@link #codings} gives in place of the codings past {@link #MAX_CODINGS}: one this tool does not undo. */
    static final String TOO_MANY = "(more)";

    /**
     * The codings a Content-Encoding names, in the order they were applied, lower case, {@code identity} left out:
     * from one header ({@code gzip, gzip}) or from several lines of it (Camel then gives a list). Empty when none.
     * Past {@link #MAX_CODINGS}, the rest is not read: {@link #TOO_MANY} stands for it, a coding not undone.
     */
    static java.util.List<String> codings(Object header) {
        java.util.List<String> codings = new java.util.ArrayList<>();
        addCodings(header, codings);
        return codings;
    }

    private static void addCodings(Object header, java.util.List<String> codings) {
        if (header instanceof Iterable<?> values) {
            for (Object v : values) {
                if (codings.size() > MAX_CODINGS) {
                    return;
                }
                addCodings(v, codings);
            }
        } else if (header != null) {
            String value = header.toString();
            for (int from = 0; from <= value.length() && codings.size() <= MAX_CODINGS; ) {
                int comma = value.indexOf(',', from);
                int end = comma < 0 ? value.length() : comma;
                // no coding's name is long: a long one is none this tool undoes, and is not copied
                String coding = end - from > 64 ? "(unknown)" : value.substring(from, end).strip().toLowerCase(java.util.Locale.ROOT);
                if (!coding.isEmpty() && !coding.equals("identity")) {
                    codings.add(codings.size() == MAX_CODINGS ? TOO_MANY : coding);
                }
                from = end + 1;
            }
        }
    }

    /**
     * The codings a Content-Encoding names, in the order applied, when this tool undoes every one of them (gzip,
     * x-gzip, deflate; {@code gzip, gzip}: twice); null when it names none, or one this tool does not undo (br, zstd:
     * the body is then taken as it came, and judged as what it is), or more than {@link #MAX_CODINGS}.
     */
    static java.util.List<String> undone(Object header) {
        java.util.List<String> codings = codings(header);
        return !codings.isEmpty() && codings.stream().allMatch(c -> encoding(c) != null) ? codings : null;
    }

    /**
     * The body with each of these codings undone, the last applied first. What the body is decides: a coding under the
     * first whose data does not begin as that coding's (gzip's magic bytes, a zlib header) was named but not applied (a
     * header sent twice for one compression): the undoing stops there, and the bytes are taken as they are.
     */
    static InputStream decoded(InputStream body, java.util.List<String> codings) throws IOException {
        String last = encoding(codings.get(codings.size() - 1));
        InputStream decoded;
        try {
            decoded = decoder(body, last);
        } catch (java.io.EOFException e) {
            // the body ends inside its header (empty, or a few bytes)
            throw new CodingCutShort(e);
        }
        // gzip's header is read as its decoder is made: data that came through it was gzip data
        boolean headersRead = !last.equals("deflate");
        try {
            return undoneUnder(decoded, codings, headersRead);
        } catch (java.io.EOFException e) {
            throw new CodingCutShort(e);
        } catch (java.util.zip.ZipException e) {
            // while an inner coding's first bytes were looked at: the outer layer's data, once its header was read
            throw headersRead ? new CodingDamaged(e) : e;
        }
    }

    /** The codings under the last applied (already undone into {@code decoded}), each undone while its data begins as it. */
    private static InputStream undoneUnder(InputStream decoded, java.util.List<String> codings, boolean headersRead)
            throws IOException {
        for (int i = codings.size() - 2; i >= 0; i--) {
            java.io.BufferedInputStream next = new java.io.BufferedInputStream(decoded, 1 << 16);
            next.mark(2);
            int b0 = next.read();
            int b1 = next.read();
            next.reset();
            String coding = encoding(codings.get(i));
            boolean applied = coding.equals("deflate") ? zlibHeader(b0, b1) : b0 == 0x1f && b1 == 0x8b;
            if (!applied) {
                return new Decoding(next, headersRead);
            }
            decoded = decoder(next, coding);
            headersRead &= !coding.equals("deflate");
        }
        return new Decoding(decoded, headersRead);
    }

    /** Whether two bytes are a zlib header: compression method 8, and the two a multiple of 31. */
    private static boolean zlibHeader(int cmf, int flg) {
        return cmf >= 0 && flg >= 0 && (cmf & 0x0f) == 8 && ((cmf << 8) | flg) % 31 == 0;
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

    /**
     * The body decoded from gzip, or from deflate (zlib-wrapped, or raw as some hosts send it); what goes wrong in the
     * decoding once it has begun is told apart from the connection's troubles ({@link CodingCutShort},
     * {@link CodingDamaged}).
     */
    static InputStream decoded(InputStream body, String encoding) throws IOException {
        return decoded(body, java.util.List.of(encoding));
    }

    /**
     * Compressed data that ended before its end (a gzip without its trailer, a deflate stream cut off): the decoder's
     * EOF, which nothing else in a body's reading raises (HttpClient says a body cut short in words of its own).
     */
    static final class CodingCutShort extends IOException {
        CodingCutShort(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Compressed data that began as its coding's and then did not go on as it (a byte changed, a checksum that does not match). */
    static final class CodingDamaged extends IOException {
        CodingDamaged(java.util.zip.ZipException cause) {
            super(cause.getMessage(), cause);
        }

        /** The decoder's reason, in our words where we know them, escaped. */
        String reason() {
            String m = java.util.Objects.requireNonNullElse(getMessage(), "");
            return m.startsWith("Corrupt GZIP trailer") ? "its checksum (the gzip's trailer) does not match what came"
                    : Redact.text(m, 200);
        }
    }

    /**
     * A decoder's stream whose failures say what they are: an EOF is compressed data cut short; a ZipException is damage
     * once the data has been seen to be of its coding (a gzip's header read, or some of it decoded), else it is left as
     * it is (a body that was never that coding).
     */
    private static final class Decoding extends java.io.FilterInputStream {

        private boolean seen;

        Decoding(InputStream decoder, boolean headersRead) {
            super(decoder);
            this.seen = headersRead;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                seen |= b >= 0;
                return b;
            } catch (IOException e) {
                throw told(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                seen |= n > 0;
                return n;
            } catch (IOException e) {
                throw told(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw told(e);
            }
        }

        private IOException told(IOException e) {
            if (e instanceof java.io.EOFException) {
                return new CodingCutShort(e);
            }
            return e instanceof java.util.zip.ZipException z && seen ? new CodingDamaged(z) : e;
        }
    }

    /** The decoder itself. */
    private static InputStream decoder(InputStream body, String encoding) throws IOException {
        if (!encoding.equals("deflate")) {
            return new java.util.zip.GZIPInputStream(body, 1 << 16);
        }
        java.io.BufferedInputStream in = new java.io.BufferedInputStream(body, 1 << 16);
        in.mark(2);
        int cmf = in.read();
        int flg = in.read();
        in.reset();
        boolean zlib = zlibHeader(cmf, flg);
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
