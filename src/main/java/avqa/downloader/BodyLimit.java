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
    private final RunControl run;

    /** {@code floor}: the archives' speed floor, which a body that trickles fails as well; {@code run}: its stop ends the body. */
    public BodyLimit(long maxBytes, ArchiveTransfer.SpeedFloor floor, RunControl run) {
        this.maxBytes = maxBytes;
        this.floor = floor;
        this.run = run;
    }

    /**
     * The answer's body, which fails once more than the limit has been read of it. Any status but 200 (203) is
     * that status's failure, as the client would raise it, with its body dropped unread: an error page may
     * never end either, and a part of the file (206) is not the file.
     */
    public InputStream limit(org.apache.camel.Exchange exchange) throws HttpOperationFailedException, IOException {
        org.apache.camel.Message in = exchange.getIn();
        InputStream body = in.getBody(InputStream.class);
        int code = in.getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        // the whole file or nothing: a part of it (206, which nobody asked for) or no content is no annotation file
        if (code != 200 && code != 203) {
            HttpBodies.drop(body);
            // its Retry-After kept, for a busy host's next attempt (AnnotationRetry)
            String retryAfter = in.getHeader("Retry-After", String.class);
            throw new HttpOperationFailedException(in.getHeader(org.apache.camel.Exchange.HTTP_URI, "", String.class), code,
                    in.getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_TEXT, String.class), null,
                    retryAfter == null ? null : java.util.Map.of("Retry-After", retryAfter), null);
        }
        if (body == null) {
            return null;
        }
        // Camel does not decode it (the route asks it not to): a guard must be able to drop the connection itself,
        // which closing a decoder would read to its end; a body compressed on the way is decoded here
        java.util.List<String> codings = HttpBodies.undone(in.getHeader("Content-Encoding"));
        InputStream asItComes = limit(body, body);
        if (codings == null) {
            return asItComes;
        }
        String encoding = String.join(", ", codings);
        try {
            return capped(HttpBodies.decoded(asItComes, codings), body);
        } catch (java.util.zip.ZipException notCompressed) {
            HttpBodies.drop(body);
            asItComes.close();
            throw new IOException("its body is not the " + encoding + " its host says it is");
        }
    }

    /** What a compressed body decodes to, at most the limit of it (a small body may decode to a great deal). */
    private InputStream capped(InputStream decoded, InputStream raw) {
        return new FilterInputStream(decoded) {
            private long read;

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
                    HttpBodies.drop(raw);
                    throw tooLarge();
                }
            }
        };
    }

    /**
     * An annotation file from a {@code file:} folder, before it is copied: a regular file (through its links) no
     * larger than {@code avqa.metadata.max-size}, as over http(s). A named pipe would hold the copy for ever (a stop
     * of the run could not end it), a link to a device such as {@code /dev/zero} would fill the disk.
     */
    public Object localFile(@org.apache.camel.Body Object body) throws IOException {
        if (!(body instanceof org.apache.camel.component.file.GenericFile<?> file)) {
            return body;
        }
        java.nio.file.Path path = java.nio.file.Path.of(file.getAbsoluteFilePath());
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw new IOException("it is not a file but " + FileTrees.special(path) + ", which is not read");
        }
        if (java.nio.file.Files.size(path) > maxBytes) {
            throw tooLarge();
        }
        return body;
    }

    private IOException tooLarge() {
        return new IOException("it is larger than avqa.metadata.max-size (" + ArchiveFetch.human(maxBytes) + ")");
    }

    /**
     * The body, which fails once more than the limit has been read of it, or once it comes under the speed floor;
     * a stop of the run ends it at once (its connection dropped, what came of it removed by the route).
     */
    InputStream limit(InputStream body, InputStream raw) {
        return new FilterInputStream(body) {
            private final java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
            private final ArchiveTransfer.Guard guard = floor.guard(read::get, run::isStopping, () -> HttpBodies.drop(raw));

            @Override
            public int read() throws IOException {
                try {
                    int b = super.read();
                    count(b < 0 ? -1 : 1);
                    return b;
                } catch (IOException e) {
                    throw why(e);
                }
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                try {
                    int n = super.read(buf, off, len);
                    count(n);
                    return n;
                } catch (IOException e) {
                    throw why(e);
                }
            }

            @Override
            public void close() throws IOException {
                guard.close();
                super.close();
            }

            private void count(int n) throws IOException {
                if (n < 0) {
                    guard.close();
                    return;
                }
                if (read.addAndGet(n) > maxBytes) {
                    // the connection is dropped: closing the body would read the rest of it, which may never end
                    guard.close();
                    HttpBodies.drop(raw);
                    throw tooLarge();
                }
                if (guard.stopped() || guard.slow() != null) {
                    throw why(null);
                }
            }

            /** What ended a read: the run's stop, the speed floor, or else the read's own failure. */
            private IOException why(IOException e) {
                guard.close();
                if (guard.stopped()) {
                    throw new RunStoppedException(run.stopReason());
                }
                java.time.Duration slow = guard.slow();
                if (slow != null) {
                    return new IOException("it came " + floor.slower(slow) + ", and was given up after "
                            + ArchiveFetch.human(read.get()));
                }
                return e;
            }
        };
    }
}
