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
import org.apache.camel.Expression;
import org.apache.camel.Variable;
import org.apache.camel.dataformat.tarfile.TarSplitter;
import org.apache.camel.dataformat.zipfile.ZipSplitter;

/**
 * An archive's entries as a stream of messages for the Split EIP, whatever its kind: Camel's zip
 * splitter for a zip, its tar splitter for a tar or tar.gz and for what bsdtar rewrites as tar (RAR,
 * a single 7z), commons-compress for a 7z split into parts. A split archive's parts are read in turn
 * as one. Nothing is unpacked whole: each entry is read when its message is processed.
 */
public final class ArchiveEntries {

    private final String bsdtar;

    public ArchiveEntries(String bsdtar) {
        this.bsdtar = bsdtar;
    }

    /** The entries of the archive (its first part) named by the variable {@code archive}. */
    public Object entries(Exchange exchange, @Variable("archive") String archive) throws IOException {
        Path first = Path.of(archive);
        List<Path> parts = ArchiveFormat.parts(first);
        ArchiveFormat format = ArchiveFormat.of(first);
        Expression splitter;
        switch (format) {
            case ZIP -> {
                exchange.getIn().setBody(concatenated(parts));
                splitter = new ZipSplitter();
            }
            case TAR -> {
                exchange.getIn().setBody(concatenated(parts));
                splitter = new TarSplitter();
            }
            case TAR_GZ -> {
                exchange.getIn().setBody(new GZIPInputStream(concatenated(parts), 1 << 16));
                splitter = new TarSplitter();
            }
            case SEVEN_ZIP -> {
                if (parts.size() > 1) {
                    return new SevenZipEntries(exchange, parts);
                }
                exchange.getIn().setBody(BsdtarStream.open(bsdtar, parts));
                splitter = new TarSplitter();
            }
            default -> {
                exchange.getIn().setBody(BsdtarStream.open(bsdtar, parts));
                splitter = new TarSplitter();
            }
        }
        return splitter.evaluate(exchange, Object.class);
    }

    private static InputStream concatenated(List<Path> parts) throws IOException {
        List<InputStream> streams = new ArrayList<>();
        for (Path p : parts) {
            streams.add(Files.newInputStream(p));
        }
        return new BufferedInputStream(new SequenceInputStream(Collections.enumeration(streams)), 1 << 16);
    }
}
