package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Only what is certain is given: files with a CRC-32 field, not encrypted, from headers whose own CRC-32 is
 * right. A file split over volumes has its whole CRC-32 in the header of its last part (the other parts' headers
 * give each part's packed data's, which are not taken): so a volume damaged, or one from another archive, fails the
 * file it holds a part of. An archive with encrypted headers, RAR 4 or anything unexpected gives no checksum
 * (libarchive reads them as before), never a false one.
 *
 * <p>Which files are encrypted (rar -p, a file encryption record in the header's extra area) is told too:
 * bsdtar gives such a file's encrypted bytes as if they were its own, with no error, so they are not taken.
 */
final class Rar5Checksums extends HeaderChecksums {

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
    /** Extra records of a file header that leave its data CRC-32 as it is: hash, time, owner, service data. */
    private static final Set<Long> PLAIN_RECORDS = Set.of(2L, 3L, 6L, 7L);
    /** The extra record of an older version of a file. */
    private static final long VERSION = 4;
    /** The extra records of an encrypted file (rar -p) and of a link. */
    private static final long FILE_ENCRYPTION = 1;
    private static final long REDIRECTION = 5;
    /** The redirection of a file stored as a reference to an identical one before it (rar -oi). */
    private static final long FILE_COPY = 5;
    /** File flags. */
    private static final long DIRECTORY = 0x1;
    private static final long MTIME = 0x2;
    private static final long HAS_CRC = 0x4;

    /**
     * What each entry of a name is, in the archive's order: the name of the file it is a copy of (rar -oi stores a file
     * identical to one before as a reference to it, which bsdtar gives as an empty file), or "" for a file of its own;
     * asked of the names in {@link #withCopies} only.
     */
    private final Map<String, Deque<String>> copiesInOrder = new HashMap<>();
    private final Set<String> withCopies = new HashSet<>();

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
     * The name of the file that the next entry of this name (in the archive's order, as bsdtar gives them) is a copy
     * of, stored as a reference to it (rar -oi): bsdtar gives it as an empty file. Null for a file of its own.
     */
    @Override
    String nextCopyOf(String name) {
        if (!withCopies.contains(name)) {
            return null;
        }
        String target = copiesInOrder.get(name).poll();
        return target == null || target.isEmpty() ? null : target;
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
            long crc = Integer.toUnsignedLong(head.order(ByteOrder.LITTLE_ENDIAN).getInt(0));
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
            if (type == ENCRYPTION) {
                listEncrypted();
                return false;
            }
            if (dataSize < 0 || extraSize < 0 || extraSize > size) {
                return false;
            }
            if (type == END) {
                return true;
            }
            if (type == FILE) {
                file(header, sizeBytes + (int) size - (int) extraSize, (flags & SPLIT_AFTER) != 0,
                        (flags & SPLIT_BEFORE) != 0);
            }
            at += 4 + sizeBytes + size + dataSize;
        }
    }

    /**
     * A file header's fields, from its file flags on; {@code extraAt}: where its extra area begins. A file
     * whose CRC-32 is not taken (no CRC field, encrypted, a link, a record not known) makes its name uncertain:
     * bsdtar gives files in the archive's order, and a CRC-32 given to the next file of that name would be
     * another's. {@code more}: a part of a file continued in the next volume (its CRC-32 is of this part's packed
     * data, not taken); {@code continued}: the rest of a file begun in the volume before (bsdtar gives it once;
     * the last part's CRC-32 is the whole file's).
     */
    private void file(ByteBuffer header, int extraAt, boolean more, boolean continued) {
        long fileFlags = vint(header);
        vint(header); // unpacked size
        vint(header); // attributes
        if ((fileFlags & MTIME) != 0) {
            header.position(header.position() + 4);
        }
        long crc = (fileFlags & HAS_CRC) != 0 ? Integer.toUnsignedLong(header.order(ByteOrder.LITTLE_ENDIAN).getInt()) : -1;
        vint(header); // compression
        vint(header); // host OS
        long nameLength = vint(header);
        if (nameLength <= 0 || header.position() + nameLength > extraAt) {
            return;
        }
        byte[] bytes = new byte[(int) nameLength];
        header.get(bytes);
        String name = new String(bytes, StandardCharsets.UTF_8);
        if ((fileFlags & DIRECTORY) != 0) {
            return;
        }
        Extra extra = extra(header, extraAt);
        // an older version of a file (rar -ver) is named as libarchive names it: name;version
        String key = extra.version() > 0 ? name + ";" + extra.version() : name;
        if (!continued && (!extra.link() || extra.copyOf() != null)) {
            copiesInOrder.computeIfAbsent(key, n -> new ArrayDeque<>()).add(extra.copyOf() == null ? "" : extra.copyOf());
            if (extra.copyOf() != null) {
                withCopies.add(key);
            }
        }
        if (!continued && !extra.link()) {
            // a file split over volumes once; bsdtar gives a stored encrypted one's encrypted bytes, with no error
            file(key, extra.encrypted());
        }
        if (more) {
            return;
        }
        if (crc < 0 || !extra.plain()) {
            uncertain(key);
            return;
        }
        add(key, crc);
    }

    /**
     * What a file header's extra area says: whether its CRC-32 can be used, its version (0: none), whether the
     * file is encrypted, whether it is a link.
     */
    private record Extra(boolean plain, long version, boolean encrypted, boolean link, String copyOf) {
    }

    /**
     * A file header's extra area. Its CRC-32 cannot be used with a file encryption record (the CRC-32 is then
     * made with a key), a redirection (a link: bsdtar gives no bytes of it), a record not known, or an extra
     * area not as described; hash, times, version, owner and service data leave it as it is.
     */
    private static Extra extra(ByteBuffer header, int extraAt) {
        header.position(extraAt);
        long version = 0;
        boolean plain = true;
        boolean encrypted = false;
        boolean link = false;
        String copyOf = null;
        while (header.hasRemaining()) {
            long size = vint(header);
            int start = header.position();
            if (size <= 0 || start + size > header.limit()) {
                // an extra area not as described: nothing of it is taken, an encryption record neither
                return new Extra(false, 0, false, false, null);
            }
            long type = vint(header);
            if (type == VERSION) {
                vint(header); // its flags
                version = vint(header);
            } else if (type == REDIRECTION && vint(header) == FILE_COPY) {
                vint(header); // its flags
                long length = vint(header);
                if (length > 0 && header.position() + length <= start + size) {
                    byte[] target = new byte[(int) length];
                    header.get(target);
                    copyOf = new String(target, StandardCharsets.UTF_8);
                }
                plain = false;
                link = true;
            } else if (!PLAIN_RECORDS.contains(type)) {
                plain = false;
                encrypted |= type == FILE_ENCRYPTION;
                link |= type == REDIRECTION;
            }
            header.position((int) (start + size));
        }
        return new Extra(plain, version, encrypted, link, copyOf);
    }

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
