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

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("avqa.import");

    /**
     * An archive's entries being read. The splitter closes what it splits once it has handed out the last
     * entry, before that entry is read; so the archive is released by the route when the split is over
     * ({@link #release}), whatever became of it.
     */
    interface Open extends java.util.Iterator<org.apache.camel.Message> {
        void release();
    }

    /** An archive of which nothing can be read (its list of files encrypted): no entry. */
    private static final Open NOTHING = new Open() {
        @Override
        public boolean hasNext() {
            return false;
        }

        @Override
        public org.apache.camel.Message next() {
            throw new java.util.NoSuchElementException();
        }

        @Override
        public void release() {
        }
    };

    /** The archives being read, by path, for {@link #release} (the splitter reads a copy of the exchange). */
    private final java.util.Map<String, Open> open = new java.util.concurrent.ConcurrentHashMap<>();
    /** The archives found cut short as they were opened, until the run has counted them. */
    private final java.util.Set<String> cutShort = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> partMissing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The split archives of this run found lacking a part or a volume as they were opened (said then). */
    private final java.util.Set<String> lackingAPart = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The archives of this run found to hold files encrypted with a password as they were opened (said then). */
    private final java.util.Set<String> encrypted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final String bsdtar;
    private final RunControl run;

    /** The run's data directory: a folder given to import that holds it is walked without it. */
    private final Path dataDir;

    public ArchiveEntries(String bsdtar, RunControl run, Path dataDir) {
        this.bsdtar = bsdtar;
        this.run = run;
        this.dataDir = dataDir;
    }

    /** The run's data directory, passed over in a folder given to import. */
    Path dataDir() {
        return dataDir;
    }

    /** Releases the archive the split read (its file, its bsdtar), if it is still open. */
    public void release(@Variable("archive") String archive) {
        if (archive != null) {
            cutShort.remove(archive);
        }
        Open reading = archive == null ? null : open.remove(archive);
        if (reading != null) {
            reading.release();
        }
    }

    /**
     * Whether the archive was found cut short before it was read (its format's end missing): what it holds is
     * imported, and the run says that it could not be read whole (exit 1), as for one damaged in the middle.
     */
    public boolean wasCutShort(@Variable("archive") String archive) {
        return cutShort.remove(archive);
    }

    /** Whether the split archive had a part missing between those here (said as it was opened). */
    public boolean hadAPartMissing(@Variable("archive") String archive) {
        return partMissing.remove(archive);
    }

    /**
     * Whether the split archive lacks a part or a volume (said as it was opened): what fails in it then is the missing
     * part's doing, not damage, and no other copy of the parts here is to be asked for.
     */
    public boolean lacksAPart(@Variable("archive") String archive) {
        return archive != null && lackingAPart.contains(archive);
    }

    /**
     * Whether the archive holds files encrypted with a password, or its list of files is (said as it was opened):
     * a failure to read it past them is no damage, and another copy would be the same.
     */
    public boolean isEncrypted(@Variable("archive") String archive) {
        return archive != null && encrypted.contains(archive);
    }

    /** The entries of the archive (its first part) named by the variable {@code archive}, as an iterator of messages. */
    public Object entries(Exchange exchange, @Variable("archive") String archive) throws IOException {
        // as it is now (a service's run after the part was given, say): said again below if still so
        lackingAPart.remove(archive);
        encrypted.remove(archive);
        Path first = Path.of(archive);
        if (Files.isDirectory(first)) {
            // a folder of videos already unpacked: its files, as an archive's entries
            return remember(archive, new FolderEntries(exchange, first, dataDir));
        }
        List<Path> parts = ArchiveFormat.parts(first);
        ArchiveFormat format = ArchiveFormat.of(first);
        ArchiveEnd.Mark end = ArchiveEnd.of(parts, format);
        if (end == ArchiveEnd.Mark.ABSENT) {
            // bsdtar and the tar reader end quietly where such an archive was cut between two entries
            LOG.warn("{} does not end as a {} ends: it was cut short (between two videos, perhaps{}), and what came "
                    + "after the cut is missing; what it holds is imported", first.getFileName(),
                    format == ArchiveFormat.TAR ? "tar" : format == ArchiveFormat.ZIP ? "zip" : "RAR",
                    parts.size() > 1 ? ", or its last part is missing" : "");
            cutShort.add(archive);
        }
        String missing = ArchiveFormat.missingPart(parts);
        if (end == ArchiveEnd.Mark.MORE_VOLUMES && missing == null) {
            // bsdtar reads the volumes there are, and what the missing one held comes out as zeros or not at all
            // (a volume missing between those here is named below, once)
            LOG.warn("{}: the volume after {} is missing (its end says more volumes follow); the videos in it and "
                    + "after it are not whole; what the volumes here hold is imported", first.getFileName(),
                    parts.get(parts.size() - 1).getFileName());
            lackingAPart.add(archive);
        }
        if (missing != null) {
            // the parts after the gap cannot be read on from those before it
            LOG.warn("{}: the part {} is missing, though later parts are here; the videos in it and after it cannot be "
                    + "read: put it beside the others and run again (what the parts before it hold is imported)",
                    Redact.text(first.getFileName().toString(), 200), Redact.text(missing, 200));
            partMissing.add(archive);
            lackingAPart.add(archive);
        }
        Open reading;
        try {
            // bsdtar fails where such an archive ends: it writes its tar in small blocks from the start
            boolean cut = end == ArchiveEnd.Mark.ABSENT || end == ArchiveEnd.Mark.MORE_VOLUMES || missing != null;
            reading = open(exchange, archive, format, parts, cut);
        } catch (BadInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // a gzip with no more than its header, say: its reader fails as it is made
            throw DamagedArchiveException.of(e);
        }
        return remember(archive, reading);
    }

    private Open remember(String archive, Open reading) {
        Open before = open.put(archive, reading);
        if (before != null) {
            before.release();
        }
        return reading;
    }

    private Open open(Exchange exchange, String archive, ArchiveFormat format, List<Path> parts, boolean cut) throws IOException {
        String name = Redact.text(parts.get(0).getFileName().toString(), 200);
        return switch (format) {
            case ZIP -> {
                ZipEntries zip = ZipEntries.open(exchange, parts);
                if (zip != null) {
                    // its encrypted files are left out (this reader cannot read them): their videos come from their sources
                    saidEncrypted(archive, cut, name, false, zip.encryptedFiles(), zip.files(), "zip -e", null,
                            "7zz x -pPASSWORD -oDIR ARCHIVE, or unzip -P PASSWORD ARCHIVE -d DIR");
                }
                yield zip != null ? zip : StreamedEntries.zip(exchange, concatenated(parts), parts, run);
            }
            case TAR -> StreamedEntries.tar(exchange, concatenated(parts), run, name);
            case TAR_GZ -> StreamedEntries.tar(exchange, new GZIPInputStream(concatenated(parts), 1 << 16), run, name);
            // a single 7z's files are checked against the CRC-32 its header gives (libarchive checks none of a stored
            // file); a split one is read by commons-compress, which checks them itself
            case SEVEN_ZIP -> {
                SevenZipChecksums sums = SevenZipChecksums.of(parts);
                // bsdtar stops at the first encrypted file with no words of its own ("(null)"): said here
                saidEncrypted(archive, cut, name, sums.headersEncrypted(), sums.encryptedFiles(), sums.files(), "7z -p",
                        "7z -mhe=on", "7zz x -pPASSWORD -oDIR ARCHIVE");
                if (sums.headersEncrypted()) {
                    // not a file can be named without the password: none is read (said above)
                    yield NOTHING;
                }
                if (parts.size() > 1 || sums.encryptedFiles() > 0) {
                    // read by commons-compress, which seeks over the parts and past an encrypted file to the next
                    yield new SevenZipEntries(exchange, parts, sums);
                }
                yield StreamedEntries.tar(exchange, BsdtarStream.open(bsdtar, parts, false, cut, run), run, name, sums);
            }
            // a RAR's files are checked against the CRC-32 its headers give (libarchive checks none of a stored file)
            case RAR -> {
                Rar5Checksums sums = Rar5Checksums.of(parts);
                // bsdtar may give no entry and no error for encrypted headers, and an encrypted file's encrypted bytes
                // with no error: said, not left to look like an empty archive, and such a file is not taken as a video
                saidEncrypted(archive, cut, name, sums.headersEncrypted(), sums.encryptedFiles(), sums.files(), "rar -p", "rar -hp",
                        "unrar x -pPASSWORD ARCHIVE DIR/");
                // given a RAR's file, libarchive may read a zip the RAR stores last instead of the RAR: such a RAR is
                // fed through a pipe, as volumes are, from which it reads the RAR
                boolean piped = ArchiveEnd.endsLikeAZip(parts.get(parts.size() - 1));
                yield StreamedEntries.tar(exchange, BsdtarStream.open(bsdtar, parts, piped, cut, run), run, name, sums);
            }
            default -> StreamedEntries.tar(exchange, BsdtarStream.open(bsdtar, parts, false, cut, run), run, name);
        };
    }

    /**
     * Says, in one line, that the archive's list of files ({@code headers}) or {@code encryptedFiles} of its
     * {@code files} files are encrypted with a password (as {@code headersHow} or {@code how} makes them), which this
     * tool does not take, and how to extract it ({@code extract}); remembered for {@link #isEncrypted} unless the
     * archive was found {@code cut} short or lacking a part. Nothing when none is.
     */
    private void saidEncrypted(String archive, boolean cut, String name, boolean headers, int encryptedFiles, int files,
                               String how, String headersHow, String extract) {
        if (!headers && encryptedFiles == 0) {
            return;
        }
        if (!cut) {
            // one found cut short, or lacking a part, fails for that: the damaged copy's path (another copy is asked for)
            encrypted.add(archive);
        }
        String what = headers ? "its list of files is encrypted (" + headersHow + "), so it cannot be read"
                : encryptedFiles + " of its " + files + " files " + (encryptedFiles == 1 ? "is" : "are") + " encrypted ("
                + how + "), so " + (encryptedFiles == 1 ? "it" : "they") + " cannot be read";
        LOG.warn("{}: {} without the password, which this tool does not take: their videos come from their sources. "
                + "Extract it with its password ({}) and give that folder with --import-archive DIR", name, what, extract);
    }

    private static InputStream concatenated(List<Path> parts) throws IOException {
        List<InputStream> streams = new ArrayList<>();
        for (Path p : parts) {
            streams.add(Files.newInputStream(p));
        }
        return new BufferedInputStream(new SequenceInputStream(Collections.enumeration(streams)), 1 << 16);
    }
}
