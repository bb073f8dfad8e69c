package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.MultiReadOnlySeekableByteChannel;

/**
 * A zip's file entries (over all its byte-parts when it was split), one message each for the Split EIP,
 * in the order they lie on disk: the entry's path in {@code CamelFileName} and its bytes as the body,
 * streamed as the message is processed (never held whole in memory: a small zip can hold an entry of
 * many gigabytes). Read by its central directory, which also says which entries are symbolic links:
 * those get no bytes and {@value StreamedEntries#KIND}, as {@link StreamedEntries} gives them. A zip whose central
 * directory cannot be read (cut short) is read entry by entry from its start instead, as far as it goes.
 */
final class ZipEntries implements ArchiveEntries.Open {

    /** The type bits of a Unix mode: a regular file's, and what a zip without Unix modes says (none). */
    private static final int TYPE = 0170000;
    private static final int REGULAR = 0100000;

    private final Exchange exchange;
    private final ZipFile zip;
    private final Iterator<ZipArchiveEntry> entries;
    private final int files;
    private final int encryptedFiles;

    private ZipEntries(Exchange exchange, ZipFile zip) {
        this.exchange = exchange;
        this.zip = zip;
        List<ZipArchiveEntry> files = new ArrayList<>();
        int all = 0;
        for (ZipArchiveEntry e : Collections.list(zip.getEntriesInPhysicalOrder())) {
            if (e.isDirectory()) {
                continue;
            }
            all++;
            // a file encrypted with a password (zip -e) is left out: its video comes from its source (the archive's
            // warning says how many there are), not recorded as a damaged entry that the next run reads again
            if (!e.getGeneralPurposeBit().usesEncryption()) {
                files.add(e);
            }
        }
        this.files = all;
        this.encryptedFiles = all - files.size();
        this.entries = files.iterator();
    }

    /** How many of the zip's files are encrypted with a password (left out), and how many files it has. */
    int encryptedFiles() {
        return encryptedFiles;
    }

    int files() {
        return files;
    }

    /** The entries of the zip in {@code parts}; null when its central directory cannot be read. */
    static ZipEntries open(Exchange exchange, List<Path> parts) throws IOException {
        ZipFile zip;
        try {
            zip = ZipFile.builder().setSeekableByteChannel(
                    MultiReadOnlySeekableByteChannel.forPaths(parts.toArray(Path[]::new))).get();
        } catch (IOException | IllegalArgumentException noDirectory) {
            return null;
        }
        return new ZipEntries(exchange, zip);
    }

    @Override
    public boolean hasNext() {
        return entries.hasNext();
    }

    @Override
    public Message next() {
        if (!entries.hasNext()) {
            throw new NoSuchElementException();
        }
        ZipArchiveEntry e = entries.next();
        Message m = new DefaultMessage(exchange.getContext());
        m.setHeader(Exchange.FILE_NAME, e.getName());
        int type = e.getUnixMode() & TYPE;
        if (type != 0 && type != REGULAR) {
            m.setHeader(StreamedEntries.KIND, e.isUnixSymlink() ? "a symbolic link" : "a special file");
            m.setBody(InputStream.nullInputStream());
            return m;
        }
        // an entry this zip reader cannot read (packed with a method it lacks) fails alone, when read
        InputStream body;
        try {
            body = zip.canReadEntryData(e) ? EntryChecksum.checked(zip.getInputStream(e), e::getCrc) : unreadable("it is packed with a "
                    + "method this tool does not read (" + Redact.text(String.valueOf(e.getMethod()), 20) + ")");
        } catch (IOException failed) {
            body = unreadable(failed.getMessage() == null ? "it cannot be read" : failed.getMessage());
        }
        m.setBody(body);
        return m;
    }

    private static InputStream unreadable(String why) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException(why);
            }
        };
    }

    @Override
    public void release() {
        try {
            zip.close();
        } catch (IOException ignored) {
            // nothing more is read
        }
    }
}
