package avqa.downloader;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * A manifest's text, read with a bound on each record: a record (a CSV row, a JSON line) is short, and a
 * file whose "record" runs on for megabytes (a huge quoted field, a line that never ends) is not a
 * manifest. It would be held whole in memory by the parser; it stops the run in one line instead. The
 * reader of the records says when one ended ({@link #nextRecord()}); what the parser reads ahead counts
 * towards the next, which the bound leaves room for.
 */
final class RecordSizeLimit extends FilterReader {

    /** Characters a record may take, with what a parser reads ahead. */
    static final int MAX_CHARS = 1 << 20;

    private final String name;
    private long sinceRecord;
    private long line = 1;

    RecordSizeLimit(Reader in, String name) {
        super(in);
        this.name = name;
    }

    /** A record ended: the next one starts its count. */
    void nextRecord() {
        sinceRecord = 0;
    }

    @Override
    public int read() throws IOException {
        char[] one = new char[1];
        return read(one, 0, 1) < 0 ? -1 : one[0];
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        for (int i = 0; i < n; i++) {
            if (buf[off + i] == '\n') {
                line++;
            }
        }
        sinceRecord += Math.max(0, n);
        if (sinceRecord > MAX_CHARS) {
            throw new BadInputException(name + " at line " + line + ": a record longer than " + (MAX_CHARS >> 20)
                    + " MiB (a clip manifest's records are a line each); is it the right file?");
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        char[] buf = new char[(int) Math.min(n, 8192)];
        int r = read(buf, 0, buf.length);
        return Math.max(0, r);
    }
}
