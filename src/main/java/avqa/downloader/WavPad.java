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

    /** Pads {@code wav} to {@code seconds}; returns the seconds added (0 when it was long enough). */
    static double padTo(Path wav, double seconds) throws IOException {
        try (FileChannel ch = FileChannel.open(wav, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            long pos = 12;
            long byteRate = -1;
            int blockAlign = -1;
            while (pos + 8 <= ch.size()) {
                h.clear();
                ch.read(h, pos);
                int id = h.getInt(0);
                long size = Integer.toUnsignedLong(h.getInt(4));
                if (id == 0x20746d66) { // "fmt "
                    byteRate = Integer.toUnsignedLong(h.getInt(16));
                    blockAlign = Short.toUnsignedInt(h.getShort(20));
                } else if (id == 0x61746164) { // "data"
                    if (byteRate <= 0 || blockAlign <= 0 || pos + 8 + size != ch.size()) {
                        throw new IOException("not a PCM WAV whose data comes last");
                    }
                    return pad(ch, pos, size, byteRate, blockAlign, seconds);
                }
                pos += 8 + size + (size & 1);
            }
            throw new IOException("no data in the WAV");
        }
    }

    private static double pad(FileChannel ch, long dataAt, long dataSize, long byteRate, int blockAlign,
                              double seconds) throws IOException {
        long target = Math.round(seconds * byteRate / blockAlign) * blockAlign;
        if (dataSize >= target || dataSize == 0) {
            return 0;
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
}
