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

    /**
     * A program the system would not start (Java's words as a real spawn refused with EAGAIN gives them; ServiceWatchTest
     * makes that real failure) fails its video transient, in our words, and only the limit-th video in a row stops the run,
     * a stop that clears once the program starts again; a video made complete in between starts the count again.
     */
    @Test
    void aProgramNotStartedFailsItsVideoTransientAndOnlyTheLimitInARowStopsTheRun() {
        RunControl run = new RunControl();
        ToolGone tools = new ToolGone(run, 3);
        org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        String refused = "Cannot run program \"/no/such/dir/ffmpeg\" (in directory \"/data/.partial/a\"): error=11, "
                + "Resource temporarily unavailable";
        java.util.function.Supplier<org.apache.camel.Exchange> failing = () -> {
            org.apache.camel.Exchange e = new org.apache.camel.support.DefaultExchange(camel);
            e.setException(caught(refused));
            e.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, e.getException());
            return e;
        };
        org.apache.camel.Exchange gone = new org.apache.camel.support.DefaultExchange(camel);
        gone.setException(caught("Cannot run program \"ffmpeg\": error=2, No such file or directory"));
        assertEquals(false, tools.notStarted(gone), "a program gone stops the run at once");

        org.apache.camel.Exchange first = failing.get();
        assertEquals(true, tools.notStarted(first));
        tools.notStartedFor(first);
        VideoFailure failure = first.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, VideoFailure.class);
        assertEquals(VideoFailure.TRANSIENT, failure.category());
        assertEquals("/no/such/dir/ffmpeg could not be started: the machine is short of memory, processes or open files",
                failure.reason());
        assertEquals("error=11, Resource temporarily unavailable", failure.lastError());
        tools.notStartedFor(failing.get());
        tools.started();
        tools.notStartedFor(failing.get());
        tools.notStartedFor(failing.get());
        assertNull(run.stopReason(), "a video made complete in between: 2 in a row, not 4");
        tools.notStartedFor(failing.get());
        assertEquals("/no/such/dir/ffmpeg could not be started for 3 videos in a row (error=11, Resource temporarily "
                + "unavailable): the machine is short of memory, processes or open files; run again once it has them; "
                + "complete videos are kept", run.stopReason());
        assertNull(run.stopClears().get(), "not cleared while the program cannot be started");

        // a new run counts from none, whatever the last one left (here 2 in a row when it was stopped by a signal)
        run.reset();
        tools.notStartedFor(failing.get());
        tools.notStartedFor(failing.get());
        run.stop("stopped by a signal");
        run.reset();
        tools.notStartedFor(failing.get());
        assertNull(run.stopReason(), "the new run's first, not the third in a row");
    }

    /**
     * A program there, started in a work folder another hand removed meanwhile (Java's words, from a real start, name
     * neither which is missing): not a program gone, no stop of the run, not retried as a machine short of processes;
     * the video's transient failure, said so. The same words with the folder there are the program gone.
     */
    @Test
    void aWorkFolderRemovedUnderAStartIsTheVideosFailureNotAProgramGone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path removed = java.nio.file.Files.createDirectories(tmp.resolve(".partial/abc"));
        java.nio.file.Files.delete(removed);
        IOException real = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new ProcessBuilder("true").directory(removed.toFile()).start());
        RunControl run = new RunControl();
        ToolGone tools = new ToolGone(run, 3);
        org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        org.apache.camel.Exchange failed = new org.apache.camel.support.DefaultExchange(camel);
        failed.setException(new RuntimeException("wrapped", real));
        failed.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, failed.getException());

        assertEquals(false, tools.notStarted(failed), "not retried as a machine short of processes");
        tools.stopIfCaught(failed);
        assertNull(run.stopReason(), "the program starts for every other video");
        VideoFailure failure = failed.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, VideoFailure.class);
        assertEquals(VideoFailure.TRANSIENT, failure.category());
        assertEquals("true could not be started: its work folder " + removed + " was removed while the run went (by "
                + "another program?); the next run tries it again", failure.reason());
        assertEquals(true, Shown.of(real).endsWith(": the folder it was to run in, " + removed + ", is not there"), Shown.of(real));

        // the folder there, the same words are the program's: gone
        java.nio.file.Files.createDirectories(removed);
        assertEquals(true, ToolGone.reason(real).startsWith("true can no longer be started (error=2"), ToolGone.reason(real));
    }

    @Test
    void anyOtherFailureIsNotAProgramThatCouldNotStart() {
        assertNull(ToolGone.reason(caught("Connection reset")));
        assertNull(ToolGone.reason(null));
    }
}
