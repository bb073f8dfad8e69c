package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Whether an archive ends with the end its format writes: a tar's two zero blocks, a RAR's end-of-archive
 * block, a zip's end of central directory record. bsdtar (and unrar) read a tar or a RAR cut exactly
 * between two entries without an error, and so does the zip reader, which reads a zip as a stream from its
 * start (its entries' own headers) and never needs the central directory at its end; so for a download whose
 * host announced no length, and for an archive on disk, this is what tells a whole archive from one cut
 * between two videos. A 7z (its header) and a gzip (its trailer) end with what their readers need to read
 * them at all, so they need no look of their own.
 */
final class ArchiveEnd {

    /** What the last bytes say. */
    enum Mark {
        /** The format's end is there. */
        PRESENT,
        /** The format writes an end, and it is not there: the file was cut. */
        ABSENT,
        /** The format's reader needs its end anyway (zip, 7z, gzip), or it is a RAR4 that may leave it out. */
        NOT_TOLD,
        /** A RAR volume's end, which says that more volumes follow: whole as a volume, not as an archive. */
        MORE_VOLUMES
    }

    private static final int TAR_BLOCK = 512;
    private static final byte[] RAR5 = {'R', 'a', 'r', '!', 0x1a, 7, 1, 0};
    /** A RAR5 block's header type for the end of the archive; a RAR 1.5-4 block's. */
    private static final int RAR5_END = 5;
    /** A RAR5 block's header type for the archive encryption header (rar -hp: every header after it is encrypted). */
    private static final int RAR5_ENCRYPTION = 4;
    private static final int RAR4_END = 0x7b;
    /**
     * The last bytes looked at for a RAR's end block (at most 4 + 3 + 3 + 3 + 3 in RAR5, 20 in RAR4) and
     * the zeros a volume may be padded with after it.
     */
    private static final int TAIL = 4096;

    private ArchiveEnd() {
    }

    static Mark of(Path file, ArchiveFormat format) throws IOException {
        return of(java.util.List.of(file), format);
    }

    /** The end of an archive split into {@code parts} (byte-parts, or a RAR's volumes: the last one's end). */
    static Mark of(java.util.List<Path> parts, ArchiveFormat format) throws IOException {
        Path first = parts.get(0);
        Path last = parts.get(parts.size() - 1);
        long size = 0;
        for (Path p : parts) {
            size += java.nio.file.Files.size(p);
        }
        try (FileChannel head = FileChannel.open(first, StandardOpenOption.READ);
             FileChannel tail = FileChannel.open(last, StandardOpenOption.READ)) {
            return switch (format) {
                case TAR -> tarEnd(tail, size, tail.size());
                case RAR -> rarEnd(head, tail, tail.size());
                case ZIP -> zipEnd(tail, tail.size());
                default -> Mark.NOT_TOLD;
            };
        }
    }

    /** A zip's end of central directory record: 22 bytes, then a comment of at most 65,535. */
    private static final int ZIP_END = 22;
    private static final int ZIP_COMMENT_MAX = 65_535;

    /**
     * A zip ends with its end of central directory record ({@code PK 5 6}), its last 22 bytes but for a
     * comment after it (whose length the record gives, so that it ends the file exactly).
     */
    private static Mark zipEnd(FileChannel ch, long size) throws IOException {
        int n = (int) Math.min(size, ZIP_END + ZIP_COMMENT_MAX);
        ByteBuffer tail = read(ch, size - n, n);
        byte[] b = new byte[tail.remaining()];
        tail.get(b);
        for (int at = b.length - ZIP_END; at >= 0; at--) {
            if (zipEndAt(ByteBuffer.wrap(b), at)) {
                int comment = (b[at + 20] & 0xff) | (b[at + 21] & 0xff) << 8;
                if (at + ZIP_END + comment == b.length) {
                    return Mark.PRESENT;
                }
            }
        }
        return Mark.ABSENT;
    }

    /**
     * Whether a zip's end record signature is among the last bytes of {@code file}, where libarchive looks for
     * one when it is given a file: a RAR that stores a zip as its last file then reads to it as that zip.
     */
    static boolean endsLikeAZip(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) Math.min(size, ZIP_END + ZIP_COMMENT_MAX + TAIL);
            ByteBuffer tail = read(ch, size - n, n);
            for (int at = tail.limit() - 4; at >= 0; at--) {
                if (zipEndAt(tail, at)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Whether a zip's end record signature ({@code PK 5 6}) starts at {@code at}. */
    private static boolean zipEndAt(ByteBuffer b, int at) {
        return b.get(at) == 'P' && b.get(at + 1) == 'K' && b.get(at + 2) == 5 && b.get(at + 3) == 6;
    }

    /** A tar ends with (at least) two blocks of zeros, which every tar writer adds after the last entry. */
    private static Mark tarEnd(FileChannel ch, long size, long lastSize) throws IOException {
        if (size < 3 * TAR_BLOCK || size % TAR_BLOCK != 0) {
            return Mark.ABSENT;
        }
        if (lastSize < 2 * TAR_BLOCK) {
            // the zeros span two parts: not told from the last one alone
            return Mark.NOT_TOLD;
        }
        ByteBuffer last = read(ch, lastSize - 2 * TAR_BLOCK, 2 * TAR_BLOCK);
        while (last.hasRemaining()) {
            if (last.get() != 0) {
                return Mark.ABSENT;
            }
        }
        return Mark.PRESENT;
    }

    private static Mark rarEnd(FileChannel first, FileChannel ch, long size) throws IOException {
        ByteBuffer head = read(first, 0, (int) Math.min(first.size(), RAR5.length));
        boolean rar5 = head.remaining() == RAR5.length;
        for (int i = 0; rar5 && i < RAR5.length; i++) {
            rar5 = head.get(i) == RAR5[i];
        }
        if (rar5 && headersEncrypted(first)) {
            // its end block is encrypted too (rar -hp): nothing can be told from the bytes; bsdtar says it cannot read it
            return Mark.NOT_TOLD;
        }
        int n = (int) Math.min(size, TAIL);
        ByteBuffer tail = read(ch, size - n, n);
        byte[] b = new byte[tail.remaining()];
        tail.get(b);
        int end = rar5 ? rar5End(b) : rar4End(b);
        if (end < 0) {
            // RAR 1.5-4 writes its end block unless told not to (rar -en): without it, nothing can be told
            return rar5 ? Mark.ABSENT : Mark.NOT_TOLD;
        }
        return end == 1 ? Mark.MORE_VOLUMES : Mark.PRESENT;
    }

    /** A RAR5 whose first block, after its signature, is the archive encryption header (type 4): every header after it is encrypted. */
    private static boolean headersEncrypted(FileChannel first) throws IOException {
        ByteBuffer head = read(first, RAR5.length, (int) Math.min(Math.max(0, first.size() - RAR5.length), 4 + 3 + 3));
        byte[] b = new byte[head.remaining()];
        head.get(b);
        long[] size = b.length > 4 ? vint(b, 4) : null;
        long[] type = size == null ? null : vint(b, 4 + (int) size[1]);
        return type != null && type[0] == RAR5_ENCRYPTION;
    }

    static boolean rar5EndAt(byte[] tail) {
        return rar5End(tail) >= 0;
    }

    static boolean rar4EndAt(byte[] tail) {
        return rar4End(tail) >= 0;
    }

    /**
     * A RAR5 end-of-archive block that ends the file (-1: none; 1: it says more volumes follow; 0: the last) (a volume that is not the last is padded with zeros after
     * it, to the volume's size): its CRC32 (4 bytes), then its size as a vint, then that many bytes of header,
     * whose type (a vint) is 5; the CRC covers the size and the header.
     */
    static int rar5End(byte[] tail) {
        int end = endBeforeZeros(tail);
        for (int start = tail.length - 7; start >= 0; start--) {
            int at = start + 4;
            long[] headerSize = vint(tail, at);
            long blockEnd = headerSize == null ? -1 : at + headerSize[1] + headerSize[0];
            if (blockEnd < end || blockEnd > tail.length) {
                continue;
            }
            int typeAt = (int) (at + headerSize[1]);
            long[] type = vint(tail, typeAt);
            if (type == null || type[0] != RAR5_END) {
                continue;
            }
            CRC32 crc = new CRC32();
            crc.update(tail, at, (int) blockEnd - at);
            if ((int) crc.getValue() == le(tail, start, 4)) {
                return moreVolumes(tail, typeAt + (int) type[1]) ? 1 : 0;
            }
        }
        return -1;
    }

    /**
     * Whether a RAR5 end block says more volumes follow: after its header flags (and the extra and data
     * sizes they announce) come its own flags, whose first bit says so.
     */
    private static boolean moreVolumes(byte[] b, int flagsAt) {
        long[] flags = vint(b, flagsAt);
        if (flags == null) {
            return false;
        }
        int at = flagsAt + (int) flags[1];
        for (int bit = 1; bit <= 2; bit <<= 1) {
            if ((flags[0] & bit) != 0) {
                long[] size = vint(b, at);
                if (size == null) {
                    return false;
                }
                at += (int) size[1];
            }
        }
        long[] end = vint(b, at);
        return end != null && (end[0] & 1) != 0;
    }

    /**
     * A RAR 1.5-4 end block (-1: none; 1: another volume follows; 0: the last) that ends the file (or the zeros a volume is padded with): the low 16 bits of a
     * CRC32 (2 bytes), its type 0x7b, its flags (2 bytes), its size (2 bytes, counting from the CRC), and the
     * rest of it; the CRC covers all but itself.
     */
    static int rar4End(byte[] tail) {
        int end = endBeforeZeros(tail);
        for (int start = tail.length - 7; start >= 0; start--) {
            int blockEnd = start + le(tail, start + 5, 2);
            if ((tail[start + 2] & 0xff) != RAR4_END || blockEnd < end || blockEnd > tail.length) {
                continue;
            }
            CRC32 crc = new CRC32();
            crc.update(tail, start + 2, blockEnd - start - 2);
            if (((int) crc.getValue() & 0xffff) == le(tail, start, 2)) {
                // its flags' first bit: another volume follows
                return (le(tail, start + 3, 2) & 1) != 0 ? 1 : 0;
            }
        }
        return -1;
    }

    /** Where the bytes end before the zeros at the end. */
    private static int endBeforeZeros(byte[] b) {
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /** A RAR5 variable-length integer at {@code at}: its value and its length in bytes, or null when it runs off. */
    private static long[] vint(byte[] b, int at) {
        long value = 0;
        for (int i = 0; i < 10 && at + i < b.length; i++) {
            value |= (long) (b[at + i] & 0x7f) << (7 * i);
            if ((b[at + i] & 0x80) == 0) {
                return new long[] {value, i + 1};
            }
        }
        return null;
    }

    private static int le(byte[] b, int at, int bytes) {
        int v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }

    private static ByteBuffer read(FileChannel ch, long from, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
            // until n bytes or the end of the file
        }
        return buf.flip();
    }
}
