package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.utils.MultiReadOnlySeekableByteChannel;

/**
 * A 7z archive split into byte-parts ({@code name.7z.001}, …), entry by entry: 7z needs to seek, so
 * commons-compress reads it through one seekable channel over all the parts (bsdtar cannot seek in a
 * pipe); so is a single 7z that holds files encrypted with a password, which bsdtar stops at. One message per file
 * entry, as Camel's splitters make them: the entry's bytes as the body and its path in {@code CamelFileName}; a file
 * encrypted with a password ({@code sums} says which) is left out, and its video comes from its source.
 */
final class SevenZipEntries implements ArchiveEntries.Open {

    private final Exchange exchange;
    private final SevenZFile archive;
    private final Iterator<SevenZArchiveEntry> entries;

    SevenZipEntries(Exchange exchange, List<Path> parts, HeaderChecksums sums) throws IOException {
        this.exchange = exchange;
        this.archive = SevenZFile.builder()
                .setSeekableByteChannel(MultiReadOnlySeekableByteChannel.forPaths(parts.toArray(Path[]::new))).get();
        // a 7z lists its entries in its header: the splitter may ask whether there is a next one before it has
        // read this one, so the list is known up front and each entry is read on its own
        List<SevenZArchiveEntry> files = new java.util.ArrayList<>();
        for (SevenZArchiveEntry e : archive.getEntries()) {
            if (e.isDirectory() || e.isAntiItem()) {
                continue;
            }
            // asked of every file, in the archive's order, as the checksums were taken
            boolean encrypted = sums.nextEncrypted(e.getName());
            if (e.hasStream() && !encrypted) {
                files.add(e);
            }
        }
        this.entries = files.iterator();
    }

    @Override
    public boolean hasNext() {
        return entries.hasNext();
    }

    @Override
    public Message next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        SevenZArchiveEntry entry = entries.next();
        Message m = new DefaultMessage(exchange.getContext());
        m.setHeader(Exchange.FILE_NAME, entry.getName());
        try {
            m.setBody(archive.getInputStream(entry));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    @Override
    public void release() {
        try {
            archive.close();
        } catch (IOException ignored) {
            // nothing more is read
        }
    }
}
