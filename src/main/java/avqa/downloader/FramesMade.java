package avqa.downloader;

import java.nio.file.Path;

/**
 * The frames (--frames) made of one video: their folder in the work directory, how many it holds and
 * how many of them --pad-to added.
 */
public record FramesMade(Path dir, int count, int padded) {

    /** No frames made (yet). */
    static final FramesMade NONE = new FramesMade(null, 0, 0);
}
