package avqa.downloader;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;

/**
 * A folder of videos already unpacked (such as {@code MUSIC-AVQA-videos-Real/}) given to {@code
 * --import-archive}, read as an archive is: one message per file, wherever it sits under the folder, its
 * path under the folder (separated by {@code /}) in {@code CamelFileName}. A file is opened only when its
 * entry is read, and closed at its end, so that files no planned video names are never opened; the folder's
 * files themselves are only read. A symbolic link to a file is taken as that file (the folder is the
 * user's own); links to folders are not followed. A folder (or file) under it that cannot be read is said in
 * one line and passed over: what can be read is imported.
 */
final class FolderEntries implements ArchiveEntries.Open {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("avqa.import");

    private final Exchange exchange;
    private final Path folder;
    private final Iterator<Path> files;

    FolderEntries(Exchange exchange, Path folder, Path dataDir) throws IOException {
        this.exchange = exchange;
        this.folder = folder;
        // listed up front, in name order: the splitter may ask for the next before this one is read; a folder
        // under it that cannot be read is said and passed over, and the rest is imported
        this.files = FileTrees.filesUnder(folder, line -> LOG.warn("{}", line), dataDir).iterator();
    }

    @Override
    public boolean hasNext() {
        return files.hasNext();
    }

    @Override
    public Message next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Path file = files.next();
        Message m = new DefaultMessage(exchange.getContext());
        m.setHeader(Exchange.FILE_NAME, folder.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
        m.setBody(new OpenedWhenRead(file));
        return m;
    }

    @Override
    public void release() {
        // nothing is held open between entries
    }

    /** Closes a folder's file once its entry is dealt with, read to its end or not (an archive's stream stays open). */
    static void closeIfOwn(InputStream body) {
        if (body instanceof OpenedWhenRead file) {
            try {
                file.close();
            } catch (IOException ignored) {
                // only read
            }
        }
    }

    /** A file's bytes, the file opened at the first read and closed at its end (or when closed). */
    private static final class OpenedWhenRead extends FilterInputStream {

        private final Path file;

        OpenedWhenRead(Path file) {
            super(null);
            this.file = file;
        }

        private InputStream open() throws IOException {
            if (in == null) {
                in = Files.newInputStream(file);
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            int b = open().read();
            if (b < 0) {
                close();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = open().read(buf, off, len);
            if (n < 0) {
                close();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return open().skip(n);
        }

        @Override
        public int available() throws IOException {
            return open().available();
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
