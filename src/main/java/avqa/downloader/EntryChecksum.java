package avqa.downloader;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;

/**
 * A zip entry's bytes, checked against the CRC-32 the archive gives for them once the last byte is read:
 * a zip reader hands out what lies in the archive, damaged or not (commons-compress checks no CRC), and
 * a damaged video can pass the audio pass's check, which reads packets without decoding the picture.
 * unzip checks it too. A mismatch is an {@link IOException} at the end of the entry, so the entry fails
 * alone, as one cut short does.
 */
final class EntryChecksum extends FilterInputStream {

    private final LongSupplier expected;
    private final CRC32 crc = new CRC32();
    private boolean checked;

    /** {@code expected}: the archive's CRC-32 of the entry, asked at its end (-1: the archive does not say). */
    private EntryChecksum(InputStream in, LongSupplier expected) {
        super(in);
        this.expected = expected;
    }

    static InputStream checked(InputStream in, LongSupplier expected) {
        return new EntryChecksum(in, expected);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            atEnd();
        } else {
            crc.update(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n < 0) {
            atEnd();
        } else {
            crc.update(buf, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes are read, so that the sum covers them
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void atEnd() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        long want = expected.getAsLong();
        if (want >= 0 && want != crc.getValue()) {
            throw new IOException(String.format("its bytes do not match the checksum the archive gives for them "
                    + "(CRC-32 %08x, the archive says %08x): the archive is damaged", crc.getValue(), want));
        }
    }
}
