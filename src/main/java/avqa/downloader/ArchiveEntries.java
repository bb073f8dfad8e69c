package avqa.downloader;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;

/**
 * An archive's entries as a stream of messages for the Split EIP, whatever its kind, read with
 * commons-compress: a zip by its central directory ({@link ZipEntries}), a tar or tar.gz and what bsdtar
 * rewrites as tar (RAR, a single 7z) as a stream ({@link StreamedEntries}), a 7z split into parts over
 * one seekable channel ({@link SevenZipEntries}). A split archive's parts are read in turn as one.
 * Nothing is unpacked whole, nor held in memory: each entry is read when its message is processed.
 * (Camel's zip splitter holds each entry in memory whole, which a zip of one 3 GB entry, a few megabytes
 * compressed, turns into an OutOfMemoryError; neither of its splitters tells a link from a file.)
 */
public final class ArchiveEntries {

    private final String bsdtar;

    public ArchiveEntries(String bsdtar) {
        this.bsdtar = bsdtar;
    }

    /** The entries of the archive (its first part) named by the variable {@code archive}, as an iterator of messages. */
    public Object entries(Exchange exchange, @Variable("archive") String archive) throws IOException {
        Path first = Path.of(archive);
        List<Path> parts = ArchiveFormat.parts(first);
        return switch (ArchiveFormat.of(first)) {
            case ZIP -> {
                ZipEntries zip = ZipEntries.open(exchange, parts);
                yield zip != null ? zip : StreamedEntries.zip(exchange, concatenated(parts));
            }
            case TAR -> StreamedEntries.tar(exchange, concatenated(parts));
            case TAR_GZ -> StreamedEntries.tar(exchange, new GZIPInputStream(concatenated(parts), 1 << 16));
            case SEVEN_ZIP -> parts.size() > 1 ? new SevenZipEntries(exchange, parts)
                    : StreamedEntries.tar(exchange, BsdtarStream.open(bsdtar, parts));
            default -> StreamedEntries.tar(exchange, BsdtarStream.open(bsdtar, parts));
        };
    }

    private static InputStream concatenated(List<Path> parts) throws IOException {
        List<InputStream> streams = new ArrayList<>();
        for (Path p : parts) {
            streams.add(Files.newInputStream(p));
        }
        return new BufferedInputStream(new SequenceInputStream(Collections.enumeration(streams)), 1 << 16);
    }
}
