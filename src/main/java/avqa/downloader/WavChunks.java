package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Walks the chunks of a RIFF WAV file, from the first after the RIFF header to the end of the file:
 * each chunk's id, size, where it starts, and its first bytes (enough for a PCM {@code fmt } chunk).
 */
final class WavChunks {

    /** The id of the {@code fmt } chunk. */
    static final int FMT = 0x20746d66;
    /** The id of the {@code data} chunk. */
    static final int DATA = 0x61746164;

    private final FileChannel ch;
    private final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    private long at = -1;
    private long next = 12;

    WavChunks(FileChannel ch) {
        this.ch = ch;
    }

    /** Moves to the next chunk; false when no chunk header is left in the file. */
    boolean next() throws IOException {
        if (next + 8 > ch.size()) {
            return false;
        }
        at = next;
        header.clear();
        ch.read(header, at);
        long size = size();
        next = at + 8 + size + (size & 1);
        return true;
    }

    int id() {
        return header.getInt(0);
    }

    /** The chunk's size as its header says, without the header's 8 bytes. */
    long size() {
        return Integer.toUnsignedLong(header.getInt(4));
    }

    /** Where the chunk's header starts in the file. */
    long position() {
        return at;
    }

    /** The chunk's header and first 16 bytes, read little-endian; offsets count from the chunk's start. */
    ByteBuffer header() {
        return header;
    }
}
