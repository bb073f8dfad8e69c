package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.List;
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
     * A program there, to be started in its video's work folder, which another program removed meanwhile: not a
     * program gone, no stop of the run, not retried as a machine short of processes; the video's transient failure,
     * said so. Both ways it comes: the process library's look before the start (camel-exec, as yt-dlp is started), and
     * Java's own words for a start in a folder that is missing, which name neither as the one missing. The same
     * failures with the folder there are a program gone.
     */
    @Test
    void aWorkFolderRemovedUnderAStartIsTheVideosFailureNotAProgramGone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path work = tmp.resolve(".partial/abc");
        java.nio.file.Files.createDirectories(work);
        java.nio.file.Files.delete(work);
        org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        camel.start();
        try {
            org.apache.camel.Exchange viaExec = camel.createProducerTemplate().send("exec:true", e ->
                    e.getIn().setHeader("CamelExecCommandWorkingDir", work.toString()));
            IOException fromJava = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> new ProcessBuilder("true").directory(work.toFile()).start());
            for (Throwable real : List.of(viaExec.getException(), fromJava)) {
                RunControl run = new RunControl();
                ToolGone tools = new ToolGone(run, 3);
                org.apache.camel.Exchange failed = new org.apache.camel.support.DefaultExchange(camel);
                failed.setVariable("job", new VideoJob("abc", VideoJob.Kind.DOWNLOAD, "http://127.0.0.1:9/abc.mp4",
                        List.of(), null, work, null, "test"));
                failed.setException(new RuntimeException("wrapped", real));
                failed.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, failed.getException());

                assertEquals(false, tools.notStarted(failed), "not retried as a machine short of processes: " + real);
                tools.stopIfCaught(failed);
                assertNull(run.stopReason(), "the program starts for every other video: " + real);
                VideoFailure failure = failed.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, VideoFailure.class);
                assertEquals(VideoFailure.TRANSIENT, failure.category(), real.toString());
                assertEquals("its work folder " + work + " was removed while the run went (by another program?), so its "
                        + "tool could not be started there; the next run tries it again", failure.reason());
            }

            // a batch's yt-dlp, its folder removed: each of its videos goes on alone (before, the run ended in Camel's words)
            VideoJob batch = new VideoJob("batch-1", VideoJob.Kind.BATCH, null, List.of(), null, work, null, "test");
            List<VideoJob> members = List.of(
                    new VideoJob("m1", VideoJob.Kind.DOWNLOAD, "http://127.0.0.1:9/m1", List.of(), null, tmp.resolve("m1"), null, "test"),
                    new VideoJob("m2", VideoJob.Kind.DOWNLOAD, "http://127.0.0.1:9/m2", List.of(), null, tmp.resolve("m2"), null, "test"));
            batch.members(members);
            org.apache.camel.Exchange batchFailed = new org.apache.camel.support.DefaultExchange(camel);
            batchFailed.setVariable("job", batch);
            batchFailed.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, viaExec.getException());
            new YtDlpBatch(null, null).notStarted(batch, batchFailed);
            for (VideoJob member : members) {
                assertEquals("the batch's work folder " + work + " was removed while the run went (by another program?), so "
                        + "it is asked for on its own", String.valueOf(member.batchFailure() == null ? null : member.batchFailure().reason()));
            }

            // the folder there, Java's same words are the program's: gone, and the run stops
            java.nio.file.Files.createDirectories(work);
            RunControl run = new RunControl();
            org.apache.camel.Exchange failed = new org.apache.camel.support.DefaultExchange(camel);
            failed.setVariable("job", new VideoJob("abc", VideoJob.Kind.DOWNLOAD, "http://127.0.0.1:9/abc.mp4",
                    List.of(), null, work, null, "test"));
            failed.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, new RuntimeException("wrapped", fromJava));
            new ToolGone(run, 3).stopIfCaught(failed);
            assertEquals(true, String.valueOf(run.stopReason()).startsWith("true can no longer be started (error=2"),
                    run.stopReason());
        } finally {
            camel.stop();
        }
    }

    @Test
    void anyOtherFailureIsNotAProgramThatCouldNotStart() {
        assertNull(ToolGone.reason(caught("Connection reset")));
        assertNull(ToolGone.reason(null));
    }
}
