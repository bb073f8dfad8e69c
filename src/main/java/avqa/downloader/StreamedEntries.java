package avqa.downloader;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.utils.MultiReadOnlySeekableByteChannel;

/**
 * An archive's entries read from a stream, one message each for the Split EIP (the entry's path in
 * {@code CamelFileName}, its bytes as the body, read as the message is processed): a tar, a tar.gz,
 * what bsdtar rewrites as tar from a RAR or a 7z, and a zip whose central directory cannot be read. Folders are passed over; a symbolic or hard link or a
 * device is no video, and must not take the slot of the video of its name: its message has no bytes and
 * says what it is in {@value #KIND}, so that the import counts it and leaves it alone.
 *
 * <p>The splitter asks whether there is a next entry before it processes the one in hand, whose bytes
 * the stream has not passed yet: then the answer is yes, and {@code next} may find that there was none
 * (null, which the splitter takes as the end).
 */
final class StreamedEntries implements ArchiveEntries.Open, Closeable {

    /** The header that says an entry is not a file, and what it is instead. */
    static final String KIND = "AvqaEntryKind";

    private final Exchange exchange;
    private final ArchiveInputStream<? extends ArchiveEntry> archive;
    /** The bytes the archive reader reads: bsdtar's output, a gzip's, the file's own. */
    private final InputStream raw;
    private final RunControl run;
    /** A zip's bytes, watched while the zip reader holds a stored entry in memory; null for other archives. */
    private final HeldInMemory held;
    /** The CRC-32s a RAR's or a 7z's headers give for its files (bsdtar's tar of it holds none); null for other archives. */
    private final HeaderChecksums headerChecksums;
    private Message ahead;
    private boolean inHand;
    /** What reading on to the next entry raised while an entry's checksum was looked for: thrown by next(). */
    private RuntimeException pending;
    private boolean done;
    /** Whether an entry's header was read. */
    private boolean begun;

    private StreamedEntries(Exchange exchange, ArchiveInputStream<? extends ArchiveEntry> archive, InputStream raw,
                            RunControl run, HeaderChecksums headerChecksums) {
        this.exchange = exchange;
        this.archive = archive;
        this.raw = raw;
        this.run = run;
        this.headerChecksums = headerChecksums;
        this.held = raw instanceof HeldInMemory h ? h : null;
    }

    static StreamedEntries tar(Exchange exchange, InputStream stream, RunControl run, String archive) {
        return new StreamedEntries(exchange, tarReader(stream, archive), stream, run, null);
    }

    /** bsdtar's tar of a RAR or a 7z, each file checked against the CRC-32 the archive's headers give for it. */
    static StreamedEntries tar(Exchange exchange, InputStream stream, RunControl run, String archive,
            HeaderChecksums headerChecksums) {
        return new StreamedEntries(exchange, tarReader(stream, archive), stream, run, headerChecksums);
    }

    /**
     * A tar's names read as UTF-8 (bsdtar writes them so; GNU tar writes the bytes it was given, UTF-8 on any system
     * of today), not in this process's locale: in the C locale a name that is not ASCII stopped the reading
     * ("Input length = 1"), a good archive said to be damaged.
     */
    private static TarArchiveInputStream tarReader(InputStream stream, String archive) {
        return new BoundedNames(stream, archive);
    }

    /** The longest name a tar's entry may have (Linux's longest path is 4 KiB): a longer one names no video. */
    static final int NAME_MAX = 64 * 1024;

    /** The largest pax header (a tar entry's names and attributes) read, as libarchive's own limit for them. */
    static final int PAX_MAX = 1024 * 1024;

    /**
     * A tar whose GNU long names and link targets, each an entry of its own that the reader holds in memory whole,
     * are held to {@link #NAME_MAX} bytes: a longer one (a few megabytes packed can hold gigabytes of it, which ran the
     * JVM out of memory at every run) is passed over unread, said in one line (the first of an archive), and the entry
     * it names left alone, the entries after it read on. A pax header is held to {@link #PAX_MAX}: the reader parses it
     * whole, so a larger one ends the archive's reading as damaged, what came before it imported.
     */
    private static final class BoundedNames extends TarArchiveInputStream {
        private final String archive;
        private int passedOver;

        BoundedNames(InputStream stream, String archive) {
            super(stream, "UTF-8");
            this.archive = archive;
        }

        @Override
        public int read(byte[] buf, int offset, int length) throws IOException {
            TarArchiveEntry entry = getCurrentEntry();
            if (entry != null && (entry.isPaxHeader() || entry.isGlobalPaxHeader()) && entry.getSize() > PAX_MAX) {
                throw new IOException("a tar header in it claims " + entry.getSize() + " bytes of names and attributes "
                        + "(pax), more than any file's (" + PAX_MAX + " at most)");
            }
            return super.read(buf, offset, length);
        }

        @Override
        protected byte[] getLongNameData() throws IOException {
            TarArchiveEntry longName = getCurrentEntry();
            if (longName == null || longName.getSize() <= NAME_MAX) {
                return super.getLongNameData();
            }
            byte[] skipped = new byte[1 << 16];
            while (read(skipped) >= 0) {
                // passed over
            }
            if (getNextEntry() == null) {
                return null;
            }
            if (passedOver++ == 0) {
                org.slf4j.LoggerFactory.getLogger("avqa.import").warn("{}: an entry has a name (or a link's target) "
                        + "of {} bytes, longer than a file's name can be ({} at most): no video's, left alone (so is any "
                        + "more such entry of this archive, without a line)", archive, longName.getSize(), NAME_MAX);
            }
            // a name that is no video's (no extension), for the entry it names
            return ("name-past-" + NAME_MAX + "-bytes").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /**
     * A zip read from its start: its entries' kinds are in its central directory only, so all count as files.
     * A zip written as a stream has a data descriptor after each entry's data (its CRC-32 and sizes), which
     * the zip reader reads with the 8 bytes after it, to tell it from a Zip64 one by the signature of the
     * record that follows. A zip cut where its central directory began ends with its last descriptor, and
     * that entry, whole, would fail for want of those bytes: a central directory's signature is read after
     * such a zip's last byte, where its central directory began (the zip is said to be cut short all the same,
     * by {@link ArchiveEnd}).
     */
    static StreamedEntries zip(Exchange exchange, InputStream stream, List<Path> parts, RunControl run) throws IOException {
        HeldInMemory bytes = new HeldInMemory(endsWithDataDescriptor(parts)
                ? new SequenceInputStream(stream, new ByteArrayInputStream(CENTRAL_DIRECTORY_BEGINS)) : stream);
        return new StreamedEntries(exchange, new ZipArchiveInputStream(bytes, "UTF-8", true, true), bytes, run, null);
    }

    /**
     * At most this much of a stored zip entry whose size comes after its data is held in memory: read from the
     * zip's start, the reader finds its end only by its data descriptor, and holds all of it until then.
     */
    static final long HOLD_MAX = Runtime.getRuntime().maxMemory() / 8;

    /**
     * A zip's bytes as its reader reads them: while it reads a stored entry that has a data descriptor, which it
     * holds in memory whole, no more than {@link #HOLD_MAX} bytes of it (an eighth of the heap), so that a
     * large or hostile one fails alone instead of the whole run. Past that, the zip cannot be read further.
     */
    static final class HeldInMemory extends FilterInputStream {
        private long limit = -1;
        private long read;
        private boolean tripped;

        HeldInMemory(InputStream in) {
            super(in);
        }

        /** The entry whose header was just read: watched when its reader will hold it whole. */
        void entry(ArchiveEntry e) {
            boolean heldWhole = e instanceof ZipArchiveEntry z && z.getMethod() == java.util.zip.ZipEntry.STORED
                    && z.getGeneralPurposeBit().usesDataDescriptor();
            limit = heldWhole ? HOLD_MAX : -1;
            read = 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (tripped) {
                throw new TooLargeToHold();
            }
            int n = super.read(b, off, len);
            if (limit >= 0 && n > 0) {
                read += n;
                if (read > limit) {
                    tripped = true;
                    throw new TooLargeToHold();
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // through read, so that the bytes skipped are counted too
            byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
            int got = read(buf, 0, buf.length);
            return Math.max(got, 0);
        }
    }

    /** A stored zip entry whose size comes after it, larger than this run can hold in memory to find its end. */
    static final class TooLargeToHold extends IOException {
        TooLargeToHold() {
            super("the entry's size comes after its data (a zip written as a stream, read from its start since its "
                    + "central directory cannot be read), so it is read whole into memory first, and it is larger than the "
                    + ArchiveFetch.human(HOLD_MAX) + " this run holds (an eighth of Java's heap: -Xmx); the zip is not read "
                    + "further: give it whole, with its central directory");
        }
    }

    /** A central directory header's signature and 4 bytes of it: the 8 the zip reader reads after a descriptor. */
    private static final byte[] CENTRAL_DIRECTORY_BEGINS = {'P', 'K', 1, 2, 0, 0, 0, 0};
    /** A data descriptor (with sizes of 4 bytes; the reader needs nothing after one with sizes of 8): its signature first. */
    private static final int DESCRIPTOR = 16;

    private static boolean endsWithDataDescriptor(List<Path> parts) throws IOException {
        try (SeekableByteChannel ch = MultiReadOnlySeekableByteChannel.forPaths(parts.toArray(Path[]::new))) {
            if (ch.size() < DESCRIPTOR) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(DESCRIPTOR);
            ch.position(ch.size() - DESCRIPTOR);
            while (last.hasRemaining() && ch.read(last) >= 0) {
                // read on: a channel over several parts may read fewer bytes at a time
            }
            byte[] b = last.array();
            return b[0] == 'P' && b[1] == 'K' && b[2] == 7 && b[3] == 8;
        }
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (done) {
            return false;
        }
        if (ahead == null && !inHand) {
            ahead = advance();
        }
        return ahead != null || inHand;
    }

    @Override
    public Message next() {
        if (pending != null) {
            RuntimeException e = pending;
            pending = null;
            throw e;
        }
        Message m = ahead != null ? ahead : done ? null : advance();
        ahead = null;
        inHand = m != null;
        return m;
    }

    /**
     * The next entry. A stop of the run, or an archive that cannot be read further, ends the entries: once
     * (the splitter, cleaning up after the failure, asks again, and must not read on through the archive).
     */
    private Message advance() {
        if (run.isStopping()) {
            close();
            throw new RunStoppedException(run.stopReason());
        }
        try {
            for (ArchiveEntry e = archive.getNextEntry(); e != null; e = archive.getNextEntry()) {
                begun = true;
                if (held != null) {
                    held.entry(e);
                }
                if (e.isDirectory()) {
                    continue;
                }
                String kind = e instanceof TarArchiveEntry t ? notAFile(t) : null;
                String copyOf = kind == null && headerChecksums != null ? headerChecksums.nextCopyOf(e.getName()) : null;
                if (copyOf != null) {
                    // a RAR's reference to an identical file before it (rar -oi), which bsdtar gives empty: a link
                    kind = "a copy of " + copyOf + " stored as a reference to it (rar -oi), which bsdtar cannot read";
                } else if (kind == null && headerChecksums != null && headerChecksums.nextEncrypted(e.getName())) {
                    // a RAR's encrypted file (rar -p): bsdtar gives its encrypted bytes, no video; the archive's
                    // warning says how many there are, and their videos come from their sources
                    continue;
                }
                Message m = new DefaultMessage(exchange.getContext());
                m.setHeader(Exchange.FILE_NAME, e.getName());
                if (kind == null) {
                    // the splitter closes each body; the archive goes on to the next entry
                    InputStream body = new FilterInputStream(archive) {
                        @Override
                        public void close() {
                        }
                    };
                    // a zip's entry is checked against its CRC-32: from its local header, or from the data
                    // descriptor after its data, which is read with the next entry's header
                    if (e instanceof ZipArchiveEntry z) {
                        m.setBody(EntryChecksum.checked(body, () -> crcAfterData(z)));
                    } else if (headerChecksums != null) {
                        // a RAR's or a 7z's: by the CRC-32 of its header (bsdtar's tar keeps the archive's names and order)
                        long crc = headerChecksums.next(e.getName());
                        m.setBody(crc < 0 ? body : EntryChecksum.checked(body, () -> crc));
                    } else {
                        m.setBody(body);
                    }
                } else {
                    m.setHeader(KIND, kind);
                    m.setBody(InputStream.nullInputStream());
                }
                return m;
            }
            // the reader stops at the format's own end; what is behind it is read to its end too: bsdtar's
            // exit (a 7z cut short, an encrypted RAR: it ends its output well formed, then fails) and a
            // gzip's checksum are known only there
            drain();
        } catch (IOException | RuntimeException e) {
            close();
            throw new UncheckedIOException(!begun && archive instanceof TarArchiveInputStream
                    ? DamagedArchiveException.atFirstTarHeader(e) : DamagedArchiveException.of(e));
        }
        close();
        return null;
    }

    /** At most this much is read behind an archive's end: a tar.gz of two gzip members holds a second archive there. */
    static final long DRAIN_MAX = 16 << 20;

    /** What is behind the format's end, read to its end (at most {@link #DRAIN_MAX}); a stop of the run ends it. */
    private void drain() throws IOException {
        byte[] buf = new byte[1 << 16];
        long read = 0;
        for (int n = raw.read(buf); n >= 0; n = raw.read(buf)) {
            read += n;
            if (read > DRAIN_MAX || run.isStopping()) {
                return;
            }
        }
    }

    /**
     * A zip entry's CRC-32 once its data is read: when it was not in its local header (a data descriptor
     * follows the data), the next entry is read now, which reads the descriptor, and kept for next().
     */
    private long crcAfterData(ZipArchiveEntry z) {
        if (z.getCrc() < 0 && ahead == null && !done) {
            try {
                ahead = advance();
            } catch (RuntimeException e) {
                // the next entry's trouble is its own, said when it is asked for
                pending = e;
            }
        }
        return z.getCrc();
    }

    /** What a tar entry is when it is not a file (commons-compress's isFile() is true of a link too); null for a file. */
    private static String notAFile(TarArchiveEntry e) {
        if (e.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (e.isLink()) {
            // its bytes are those of the entry it names, which came before and were taken (or not) by their own name
            return "a hard link to " + e.getLinkName();
        }
        if (e.isSparse()) {
            // its holes would come out as zeros, gigabytes of them from a few bytes of archive: no video is sparse
            return "a sparse file";
        }
        return e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO() ? "a special file" : null;
    }

    @Override
    public void release() {
        close();
    }

    @Override
    public void close() {
        done = true;
        try {
            archive.close();
        } catch (IOException ignored) {
            // nothing more is read
        }
    }
}
