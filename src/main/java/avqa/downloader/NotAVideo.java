package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a file ffmpeg could not read as a video is instead, when its first bytes say so plainly: nothing at
 * all, or a web page (a share link's page saved under the video's name, a host's error page inside an
 * archive). Said so, a failure no longer reads as a damaged video cut short.
 */
final class NotAVideo {

    /** The most of a page read for its title. */
    private static final int HEAD = 64 * 1024;

    private NotAVideo() {
    }

    /** Why {@code file} is no video, or null when its first bytes do not say. */
    static String why(Path file) {
        if (file == null) {
            return null;
        }
        try {
            if (Files.size(file) == 0) {
                return "the file is empty (0 bytes), not a video";
            }
            // the same look as for a share link's answer: markup, not a media file
            if (ArchiveFetch.looksLikeAPage(file)) {
                byte[] head;
                try (InputStream in = Files.newInputStream(file)) {
                    head = in.readNBytes(HEAD);
                }
                String title = DownloadPage.of(new String(head, StandardCharsets.UTF_8), "http://localhost/").title();
                return "the file is a web page, not a video" + (title == null ? "" : " (\"" + title + "\")");
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
