package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Whether a frame image is whole, from its first and last bytes (no decoding): a JPEG starts with
 * SOI (FF D8) and ends with EOI (FF D9); a PNG starts with its signature and ends with its IEND chunk.
 * A file cut short or overwritten with zeros fails.
 */
final class FrameImages {

    private static final byte[] PNG_START = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] PNG_END = {'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};

    private FrameImages() {
    }

    static boolean whole(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 16) {
                return false;
            }
            ByteBuffer head = ByteBuffer.allocate(8);
            ch.read(head, 0);
            ByteBuffer tail = ByteBuffer.allocate(8);
            ch.read(tail, size - 8);
            byte[] h = head.array();
            byte[] t = tail.array();
            if (h[0] == (byte) 0xff && h[1] == (byte) 0xd8) {
                return t[6] == (byte) 0xff && t[7] == (byte) 0xd9;
            }
            return Arrays.equals(h, PNG_START) && Arrays.equals(t, PNG_END);
        }
    }
}
