package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The CRC-32 a RAR 5 archive gives for each of its files, read from its headers alone (the data is
 * skipped, not read), for {@link EntryChecksum}: libarchive, which reads RAR for this tool, checks no CRC
 * of a file stored without compression, and RAR stores a file it cannot make smaller (a video, whatever
 * the method asked) as it is, so a damaged video of such an archive would pass. No Java library reads
 * RAR 5; the fields taken here are those of RAR's own description of the format (rarlab.com, "RAR 5.0
 * archive format"): the headers' block structure, and of a file header its flags, its data CRC-32 and its
 * name.
 *
 * <p>Only what is certain is given: files whole in one volume, with a CRC-32 field, not encrypted, from
 * headers whose own CRC-32 is right. A file split over volumes, an archive with encrypted headers, RAR 4
 * or anything unexpected gives no checksum (libarchive reads them as before), never a false one.
 */
final class Rar5Checksums {

    private static final byte[] SIGNATURE = {0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00};
    /** RAR 5 limits a header to 2 MB. */
    private static final int MAX_HEADER = 2 << 20;
    private static final int FILE = 2;
    private static final int ENCRYPTION = 4;
    private static final int END = 5;
    /** Header flags. */
    private static final long EXTRA = 0x1;
    private static final long DATA = 0x2;
    private static final long SPLIT_BEFORE = 0x8;
    private static final long SPLIT_AFTER = 0x10;
    /** File flags. */
    private static final long DIRECTORY = 0x1;
    private static final long MTIME = 0x2;
    private static final long HAS_CRC = 0x4;

    private final Map<String, Deque<Long>> byName = new HashMap<>();

    private Rar5Checksums() {
    }

    /** The checksums of the archive whose volumes are {@code parts}, in order; none for one that is not RAR 5. */
    static Rar5Checksums of(List<Path> parts) {
        Rar5Checksums sums = new Rar5Checksums();
        for (Path part : parts) {
            try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
                if (!sums.volume(in)) {
                    break;
                }
            } catch (IOException | RuntimeException unreadable) {
                // what was read so far stands; the reading of the archive itself says what is wrong with it
                break;
            }
        }
        return sums;
    }

    /**
     * The CRC-32 of the next file of this name (files come in the archive's order, as bsdtar gives them);
     * -1 when the archive gives none to rely on.
     */
    long next(String name) {
        Deque<Long> sums = byName.get(name);
        if (sums == null) {
            // a name written with Windows' separator, which bsdtar may give with /
            sums = byName.get(name.replace('/', '\\'));
        }
        Long crc = sums == null ? null : sums.poll();
        return crc == null ? -1 : crc;
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    /** Reads one volume's headers; false where reading on would not be certain (the next volumes are not read). */
    private boolean volume(FileChannel in) throws IOException {
        ByteBuffer sig = read(in, 0, SIGNATURE.length);
        if (sig == null || !Arrays.equals(sig.array(), SIGNATURE)) {
            return false;
        }
        long at = SIGNATURE.length;
        while (true) {
            ByteBuffer head = read(in, at, 4 + 3);
            if (head == null) {
                return false;
            }
            long crc = Integer.toUnsignedLong(head.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0));
            head.position(4);
            long size = vint(head);
            int sizeBytes = head.position() - 4;
            if (size <= 0 || size > MAX_HEADER) {
                return false;
            }
            ByteBuffer header = read(in, at + 4, sizeBytes + (int) size);
            if (header == null) {
                return false;
            }
            CRC32 check = new CRC32();
            check.update(header.array());
            if (check.getValue() != crc) {
                return false;
            }
            header.position(sizeBytes);
            long type = vint(header);
            long flags = vint(header);
            long extraSize = (flags & EXTRA) != 0 ? vint(header) : 0;
            long dataSize = (flags & DATA) != 0 ? vint(header) : 0;
            if (type == ENCRYPTION || dataSize < 0 || extraSize < 0 || extraSize > size) {
                return false;
            }
            if (type == END) {
                return true;
            }
            if (type == FILE && (flags & (SPLIT_BEFORE | SPLIT_AFTER)) == 0) {
                file(header, sizeBytes + (int) size - (int) extraSize);
            }
            at += 4 + sizeBytes + size + dataSize;
        }
    }

    /** A file header's fields, from its file flags on; {@code extraAt}: where its extra area begins. */
    private void file(ByteBuffer header, int extraAt) {
        long fileFlags = vint(header);
        vint(header); // unpacked size
        vint(header); // attributes
        if ((fileFlags & MTIME) != 0) {
            header.position(header.position() + 4);
        }
        if ((fileFlags & DIRECTORY) != 0 || (fileFlags & HAS_CRC) == 0) {
            return;
        }
        long crc = Integer.toUnsignedLong(header.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        vint(header); // compression
        vint(header); // host OS
        long nameLength = vint(header);
        if (nameLength <= 0 || header.position() + nameLength > extraAt) {
            return;
        }
        byte[] name = new byte[(int) nameLength];
        header.get(name);
        if (unusable(header, extraAt)) {
            return;
        }
        byName.computeIfAbsent(new String(name, StandardCharsets.UTF_8), n -> new ArrayDeque<>()).add(crc);
    }

    /**
     * Whether the extra area holds a record that makes the CRC-32 unusable here, or one not known: a file
     * encryption record (the CRC-32 is then made with a key), a redirection (a link: bsdtar gives no bytes of
     * it). The records known to leave it as it is: a hash, times, a version, an owner, service data.
     */
    private static boolean unusable(ByteBuffer header, int extraAt) {
        header.position(extraAt);
        while (header.hasRemaining()) {
            long size = vint(header);
            int start = header.position();
            long type = vint(header);
            if (!PLAIN_RECORDS.contains(type) || size <= 0 || start + size > header.limit()) {
                // encrypted, a link, a record not known, or an extra area not as described: nothing certain
                return true;
            }
            header.position((int) (start + size));
        }
        return false;
    }

    /** Extra records of a file header that leave its data CRC-32 as it is: hash, time, version, owner, service data. */
    private static final java.util.Set<Long> PLAIN_RECORDS = java.util.Set.of(2L, 3L, 4L, 6L, 7L);

    /** A variable-length integer: 7 bits a byte, the lowest first, the high bit set on all but the last byte. */
    private static long vint(ByteBuffer b) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int x = b.get() & 0xff;
            value |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("a number in a RAR header has no end");
    }

    /** {@code length} bytes at {@code at}; null when the file ends before them. */
    private static ByteBuffer read(FileChannel in, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (in.read(b, at + b.position()) < 0) {
                return b.position() >= length ? b.flip() : null;
            }
        }
        b.flip();
        return b;
    }
}
