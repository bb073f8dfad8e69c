package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a file ffmpeg could not read as a video is instead, when its first bytes say so plainly: nothing at
 * all, a web page (a share link's page saved under the video's name, a host's error page inside an
 * archive), or other text (a host's "Access denied", a Git LFS pointer). Said so, a failure no longer reads
 * as a damaged video cut short.
 */
final class NotAVideo {

    /** The most of a page read for its title. */
    private static final int HEAD = 64 * 1024;

    /** The most of a file read to see that it is text. */
    private static final int TEXT_LOOK = 4096;

    /** The first line of a Git LFS pointer file, which a clone without LFS leaves in the video's place. */
    private static final String LFS_POINTER = "version https://git-lfs.github.com/spec/";

    private NotAVideo() {
    }

    /** Words that say a short text sent as the video is a host's passing refusal (a limit, a quota, a busy server). */
    private static final java.util.regex.Pattern PASSING = java.util.regex.Pattern.compile(
            "\\b(?:try again later|(?:come|check) back later|rate[ -]?limit(?:ed)?|too many requests|quota exceeded"
            + "|temporarily|server (?:is )?busy|overloaded)\\b", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** Words that say the file will not come, whatever else the text says: no passing refusal. */
    private static final java.util.regex.Pattern FOR_GOOD = java.util.regex.Pattern.compile(
            "\\b(?:not found|removed|deleted|terminated|permanently|denied|forbidden|no longer|does not exist)\\b",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /** Of those, the ones that say this address asks too often: the IP-wide cool-down's signal. */
    private static final java.util.regex.Pattern LIMIT = java.util.regex.Pattern.compile(
            "\\b(?:rate[ -]?limit(?:ed)?|too many requests)\\b", java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * A host's passing refusal sent as if it were the video (a 200 whose body is "Error: rate limit exceeded, try again
     * later", in a terminal's colours or not): a transient failure in its words, with the rate limit's signal when it
     * says one (the cool-down), as an archive's is; null when the file is no such text.
     */
    static VideoFailure refusal(Path file) {
        if (file == null) {
            return null;
        }
        try {
            long size = Files.size(file);
            // a web page is said as one (its title), whatever its words
            String first = size > TEXT_LOOK || ArchiveFetch.looksLikeAPage(file) ? null : ArchiveFetch.textStart(file, size);
            first = first == null ? null : ArchiveFetch.withoutTerminalCodes(first);
            if (first == null || !PASSING.matcher(first).find() || FOR_GOOD.matcher(first).find()) {
                return null;
            }
            String said = Redact.text(first.strip(), 80);
            return new VideoFailure.Transient("the source sent a refusal instead of the video (\"" + said + "\"): asked "
                    + "again later", "", LIMIT.matcher(first).find() ? VideoFailure.Signal.RATE_LIMIT : VideoFailure.Signal.NONE);
        } catch (IOException e) {
            return null;
        }
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
            byte[] start;
            try (InputStream in = Files.newInputStream(file)) {
                start = in.readNBytes(TEXT_LOOK);
            }
            String text = text(start);
            if (text == null) {
                // text in a terminal's colours (a host's error printed for a console) is text all the same
                String first = ArchiveFetch.textStart(file, Files.size(file));
                if (first != null && Files.size(file) <= TEXT_LOOK) {
                    String bare = ArchiveFetch.withoutTerminalCodes(first).strip();
                    return "the file is text, not a video" + (bare.isEmpty() ? "" : " (\"" + Redact.text(bare, 80) + "\")");
                }
            }
            return text;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Text (a host's "Access denied" sent as the file, a Git LFS pointer): no control character but tab and line
     * breaks in its first bytes, where every media container has binary ones (an MP4's box sizes, say).
     */
    static String text(byte[] start) {
        for (byte b : start) {
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f) {
                return null;
            }
        }
        String text = new String(start, StandardCharsets.UTF_8);
        if (text.startsWith(LFS_POINTER)) {
            return "the file is a Git LFS pointer, not the video (a clone without Git LFS: fetch the files themselves, "
                    + "git lfs pull)";
        }
        String first = text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        return "the file is text, not a video" + (first.isEmpty() ? "" : " (\"" + Redact.text(first, 80) + "\")");
    }
}
