package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens a file of lines that only grows ({@code SHA256SUMS}, {@code metadata/provenance.jsonl}, the progress
 * journal) for appending. A crash or power cut while a line was written can leave a last line without its
 * newline; the next record would be glued to it and be lost with it. So, at opening, such a torn last line is
 * ended first (a newline appended, flushed with the next record): the new records stand on lines of their own,
 * and the readers pass over the torn one as they pass over any line they cannot read.
 */
final class AppendOnlyLines {

    private AppendOnlyLines() {
    }

    /** The file opened for appending (made if missing), a torn last line ended with a newline. */
    static FileChannel open(Path file) throws IOException {
        return open(file, false);
    }

    /**
     * The same for a file only this process writes whose torn last line counts for nothing (the progress journal):
     * the torn line is cut off instead, since, once ended, the start of an id would read as an id.
     */
    static FileChannel openDroppingTornLine(Path file) throws IOException {
        return open(file, true);
    }

    private static FileChannel open(Path file, boolean drop) throws IOException {
        FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size > 0 && byteAt(in, size - 1) != '\n') {
                if (drop) {
                    long end = size - 1;
                    while (end > 0 && byteAt(in, end - 1) != '\n') {
                        end--;
                    }
                    out.truncate(end);
                } else {
                    out.write(ByteBuffer.wrap(new byte[] {'\n'}));
                }
            }
        } catch (IOException e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static byte byteAt(FileChannel in, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return in.read(one, position) == 1 ? one.get(0) : (byte) '\n';
    }
}
