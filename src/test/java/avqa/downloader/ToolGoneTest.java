package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Java's words for a program it could not start, as they reach the dead-letter channel: a program gone (removed,
 * moved, made unrunnable) is said as one; one the system would not start for want of memory, processes or open
 * files is not (ServiceWatchTest removes the real yt-dlp under a run).
 */
class ToolGoneTest {

    private static Throwable caught(String message) {
        return new RuntimeException("wrapped", new IOException(message, new IOException("error=0")));
    }

    @Test
    void aProgramNoLongerThereIsSaidToBeGone() {
        assertEquals("/opt/yt-dlp can no longer be started (error=2, No such file or directory): was it removed or moved "
                        + "while the run went? Put it back (scripts/avqa.sh sets the tools up) or set avqa.tools.* to its path, "
                        + "and run again; complete videos are kept",
                ToolGone.reason(caught("Cannot run program \"/opt/yt-dlp\": error=2, No such file or directory")));
        assertEquals(true, ToolGone.reason(caught("Cannot run program \"ffmpeg\" (in directory \"/data\"): error=13, "
                + "Permission denied")).startsWith("ffmpeg can no longer be started (error=13, Permission denied)"));
    }

    @Test
    void aProgramTheSystemWouldNotStartForWantOfMemoryIsNotSaidToBeGone() {
        assertEquals("ffmpeg could not be started (error=12, Cannot allocate memory): the machine is short of memory, "
                        + "processes or open files; run again once it has them; complete videos are kept",
                ToolGone.reason(caught("Cannot run program \"ffmpeg\": error=12, Cannot allocate memory")));
        assertEquals(true, ToolGone.reason(caught("Cannot run program \"ffprobe\": error=11, Resource temporarily "
                + "unavailable")).startsWith("ffprobe could not be started (error=11"));
    }

    @Test
    void anyOtherFailureIsNotAProgramThatCouldNotStart() {
        assertNull(ToolGone.reason(caught("Connection reset")));
        assertNull(ToolGone.reason(null));
    }
}
