package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * yt-dlp's YouTube extractor messages, as yt-dlp prints them, classified. (The loopback server can
 * only produce the generic extractor's texts; those are covered end to end in FailureHandlingTest.)
 */
class FailureClassifierTest {

    @ParameterizedTest(name = "{0} <- {1}")
    @CsvSource(delimiter = '|', textBlock = """
            transient | ERROR: [youtube] dQw4w9WgXcQ: Sign in to confirm you’re not a bot. Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/yt-dlp/yt-dlp/wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies.
            transient | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This content isn’t available, try again later.
            transient | ERROR: [youtube] dQw4w9WgXcQ: Unable to download API page: HTTP Error 429: Too Many Requests (caused by <HTTPError 429: Too Many Requests>)
            transient | ERROR: unable to download video data: HTTP Error 403: Forbidden
            transient | ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: HTTP Error 503: Service Unavailable (caused by <HTTPError 503: Service Unavailable>)
            transient | ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name resolution> (caused by URLError(gaierror(-3, 'Temporary failure in name resolution')))
            transient | ERROR: [download] Got error: Downloaded 147256 bytes, expected 294512 bytes. Giving up after 3 retries
            transient | ERROR: Did not get any data blocks
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Private video. Sign in if you've been granted access to this video
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video has been removed by the uploader
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video is no longer available due to a copyright claim by Example Records
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video is no longer available because the YouTube account associated with this video has been terminated.
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. The uploader has not made this video available in your country
            permanent | ERROR: [youtube] dQw4w9WgXcQ: Sign in to confirm your age. This video may be inappropriate for some users.
            permanent | ERROR: [youtube:truncated_id] 00000028: Incomplete YouTube ID 00000028. URL https://www.youtube.com/watch?v=00000028 looks truncated.
            permanent | ERROR: [generic] None: Unable to download webpage: HTTP Error 404: Not Found (caused by <HTTPError 404: 'Not Found'>)
            permanent | ERROR: Unsupported URL: http://127.0.0.1:8080/v/x.mp4
            """)
    void classifiesYtDlpMessages(String category, String stderr) {
        VideoFailure f = FailureClassifier.ytDlp(1, "[youtube] Extracting URL\n" + stderr + "\n", 3600);
        assertEquals(category, f.category(), f.reason());
        assertEquals(stderr.strip(), f.lastError().replace("…", ""), "the last ERROR line is kept");
    }

    @ParameterizedTest
    @CsvSource({"143", "137", "-1"})
    void aProcessStoppedByTheTimeoutIsTransient(int exit) {
        VideoFailure f = FailureClassifier.ytDlp(exit, "[download]   3.0% of 10.00MiB", 60);
        assertInstanceOf(VideoFailure.Transient.class, f);
    }

    @org.junit.jupiter.api.Test
    void anUnexplainedFailureIsTransientAndTheSubclassMatchesTheCategory() {
        VideoFailure f = FailureClassifier.ytDlp(2, "something odd", 60);
        assertInstanceOf(VideoFailure.Transient.class, f);
        assertInstanceOf(VideoFailure.Permanent.class, FailureClassifier.ytDlp(1, "ERROR: Private video", 60));
    }
}
