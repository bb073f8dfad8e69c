package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Pads a PCM WAV to a length by repeating its last second, as the MUSIC-AVQA authors advise for videos
 * shorter than 60 s (the answer in GeWu-Lab/MUSIC-AVQA issue 3): the samples of the last second are
 * appended again and again (the last copy cut short) and the RIFF and data sizes are set to match.
 */
final class WavPad {

    private WavPad() {
    }

    /** The largest WAV: its RIFF and data sizes are 32-bit. */
    static final long LARGEST = 0xFFFF_FFFFL;

    /**
     * Pads {@code wav} to {@code seconds}, unless the file would then be larger than {@code maxBytes}
     * ({@link TooLarge}: nothing is written); returns the seconds added (0 when it was long enough).
     */
    static double padTo(Path wav, double seconds, long maxBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(wav, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long byteRate = -1;
            int blockAlign = -1;
            WavChunks chunks = new WavChunks(ch);
            while (chunks.next()) {
                ByteBuffer h = chunks.header();
                if (chunks.id() == WavChunks.FMT) {
                    byteRate = Integer.toUnsignedLong(h.getInt(16));
                    blockAlign = Short.toUnsignedInt(h.getShort(20));
                } else if (chunks.id() == WavChunks.DATA) {
                    long pos = chunks.position();
                    if (byteRate <= 0 || blockAlign <= 0 || pos + 8 + chunks.size() != ch.size()) {
                        throw new IOException("not a PCM WAV whose data comes last");
                    }
                    return pad(ch, pos, chunks.size(), byteRate, blockAlign, seconds, maxBytes);
                }
            }
            throw new IOException("no data in the WAV");
        }
    }

    private static double pad(FileChannel ch, long dataAt, long dataSize, long byteRate, int blockAlign,
                              double seconds, long maxBytes) throws IOException {
        long target = Math.round(seconds * byteRate / blockAlign) * blockAlign;
        if (dataSize >= target || dataSize == 0) {
            return 0;
        }
        long padded = dataAt + 8 + target;
        if (padded > Math.min(maxBytes, LARGEST)) {
            throw new TooLarge(padded);
        }
        long second = Math.min(dataSize, byteRate / blockAlign * blockAlign);
        ByteBuffer last = ByteBuffer.allocate((int) second);
        ch.read(last, dataAt + 8 + dataSize - second);
        long size = dataSize;
        ch.position(ch.size());
        while (size < target) {
            int n = (int) Math.min(second, target - size);
            last.clear().limit(n);
            ch.write(last);
            size += n;
        }
        ByteBuffer sizes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        sizes.putInt(0, (int) (dataAt + 8 + size - 8));
        ch.write(sizes, 4);
        sizes.clear();
        sizes.putInt(0, (int) size);
        ch.write(sizes, dataAt + 4);
        return (double) (size - dataSize) / byteRate;
    }

    /** A padding that would make the WAV larger than allowed (the cap, or a WAV's own 4 GiB); {@code bytes} it would be. */
    static final class TooLarge extends IOException {
        final long bytes;

        TooLarge(long bytes) {
            super("the padded WAV would be " + bytes + " bytes", null);
            this.bytes = bytes;
        }
    }
}
