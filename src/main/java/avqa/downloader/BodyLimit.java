package avqa.downloader;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * At most so many bytes of an answer's body, and none of an error's: an annotation file fetched by URL is copied to
 * {@code metadata/} as it comes, and one larger than {@code avqa.metadata.max-size} (a body that never ends,
 * from a broken or hostile host) fails its copy there rather than fill the disk or, held in memory, the heap;
 * so does one that comes slower than the archives' speed floor ({@code avqa.archive.speed-limit} over
 * {@code avqa.archive.speed-time}), a byte now and then, which would hold the run for ever.
 */
public final class BodyLimit {

    private final long maxBytes;
    private final ArchiveTransfer.SpeedFloor floor;

    /** {@code floor}: the archives' speed floor, which a body that trickles fails as well. */
    public BodyLimit(long maxBytes, ArchiveTransfer.SpeedFloor floor) {
        this.maxBytes = maxBytes;
        this.floor = floor;
    }

    /**
     * The answer's body, which fails once more than the limit has been read of it. An error status is that
     * error, as the client would raise it, with its body dropped unread: an error page may never end either.
     */
    public InputStream limit(org.apache.camel.Exchange exchange) throws HttpOperationFailedException {
        org.apache.camel.Message in = exchange.getIn();
        InputStream body = in.getBody(InputStream.class);
        int code = in.getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        if (code >= 300) {
            HttpBodies.drop(body);
            throw new HttpOperationFailedException(in.getHeader(org.apache.camel.Exchange.HTTP_URI, "", String.class), code,
                    in.getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_TEXT, String.class), null, null, null);
        }
        return body == null ? null : limit(body);
    }

    /** The body, which fails once more than the limit has been read of it. */
    InputStream limit(InputStream body) {
        return new FilterInputStream(body) {
            private long read;
            private final ArchiveTransfer.Watch watch = floor.watch();

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                count(Math.max(n, 0));
                return n;
            }

            private void count(int n) throws IOException {
                read += n;
                if (read > maxBytes) {
                    // the connection is dropped: closing the body would read the rest of it, which may never end
                    HttpBodies.drop(body);
                    throw new IOException("it is larger than avqa.metadata.max-size (" + ArchiveFetch.human(maxBytes)
                            + ")");
                }
                java.time.Duration slow = watch.tooSlow(read);
                if (slow != null) {
                    HttpBodies.drop(body);
                    throw new IOException("it came " + floor.slower(slow) + ", and was given up after " + ArchiveFetch.human(read));
                }
            }
        };
    }
}
