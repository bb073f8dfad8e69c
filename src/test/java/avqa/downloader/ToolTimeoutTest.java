package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;
import org.apache.camel.component.exec.impl.DefaultExecCommandExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ffmpeg or ffprobe that camel-exec's timeout stops is a transient failure (retried), never the
 * video's fault: run here through camel-exec's own executor, with a timeout, on the real tools. ffmpeg
 * catches the timeout's SIGTERM and ends with 255; ffprobe does not, and ends with 143.
 */
class ToolTimeoutTest {

    private static final long TIMEOUT_MILLIS = 500;

    @Test
    void theAudioPassStoppedByItsTimeoutIsTransient(@TempDir Path dir) throws Exception {
        SlowPass slow = SlowPass.of(dir, "slowpass");
        VideoJob job = slow.job();
        RunControl run = slow.run();
        Ffmpeg ffmpeg = slow.ffmpeg();
        // the tool's own pass, read at the clip's pace (-re): 3 s, so the timeout stops it
        ExecResult pass = exec("ffmpeg", slow.args());

        // ffmpeg ends so on the timeout's SIGTERM; on a loaded machine the SIGTERM may come before ffmpeg set its
        // handler, and it dies of it (143), or while it still opens the clip, and it fails on that (1, see
        // theSigtermWhileFfmpegOpensTheVideoIsATimeoutNotADamagedVideo): the same timeout, said the same way
        assertTrue(pass.getExitValue() == Ffmpeg.SIGNALLED || pass.getExitValue() == 143 || pass.getExitValue() == 1,
                "ffmpeg ended by the timeout's SIGTERM: " + pass.getExitValue());
        String said = FailureClassifier.text(pass.getStderr());
        assertTrue(pass.getExitValue() == 143 || FfmpegReport.of(said).signalled(), "ffmpeg said it had the signal: " + said);
        timedOut(ffmpeg, job, run, pass);
    }

    /**
     * The timeout's SIGTERM may come while ffmpeg still reads the start of the video to open it (a slow disk, a
     * loaded machine). ffmpeg breaks that reading off and fails on the video with exit 1 ("moov atom not found",
     * "Immediate exit requested"), then says it received the signal: a timeout (transient), never a damaged
     * video. Here the video comes through a named pipe whose writer gives its first bytes and closes it only
     * when the timeout has passed: to ffmpeg, a reading broken off by the signal.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void theSigtermWhileFfmpegOpensTheVideoIsATimeoutNotADamagedVideo(@TempDir Path dir) throws Exception {
        byte[] clip = Files.readAllBytes(Fixture.clip("tone-3s", 3, true));
        Path fifo = dir.resolve("video.mp4");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        VideoJob job = new VideoJob("opening", VideoJob.Kind.AUDIO_ONLY, null, List.of(), null, dir.resolve("work"), fifo, "test");
        job.audio(dir.resolve("opening.wav"));
        RunControl run = new RunControl();
        Ffmpeg ffmpeg = new Ffmpeg(dir, "wav", "", "", 1L << 31, new DiskFull(dir, run), run);
        long start = System.nanoTime();
        Thread writer = new Thread(() -> {
            try (java.io.OutputStream out = Files.newOutputStream(fifo)) { // opens when ffmpeg opens the pipe
                out.write(clip, 0, 16);
                out.flush();
                while (System.nanoTime() - start < (TIMEOUT_MILLIS + 1_500) * 1_000_000) {
                    Thread.sleep(50); // until well after the timeout's SIGTERM
                }
            } catch (java.io.IOException | InterruptedException e) {
                // ffmpeg closed the pipe first: nothing left to give
            }
        });
        writer.start();

        ExecResult pass = exec("ffmpeg", ffmpeg.audio(job));
        writer.join(20_000);

        String said = FailureClassifier.text(pass.getStderr());
        // on a loaded machine ffmpeg may still be blocked in its read when its grace runs out: killed then, it
        // reports 143 (FfmpegWatchdog), a timeout as well (CI in a fresh clone, 2026-12-05 10:32)
        if (pass.getExitValue() != FfmpegWatchdog.TERMINATED) {
            assertEquals(1, pass.getExitValue(), said);
            assertTrue(FfmpegReport.of(said).signalled(), said);
        }
        timedOut(ffmpeg, job, run, pass);
    }

    /**
     * An ffmpeg its SIGTERM does not end (it waits to open a named pipe no one writes to, and goes on waiting
     * after the signal) is killed when its grace has passed, and is a timeout like any other: camel-exec's own
     * timeout waited for it for ever, and the run with it.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void anFfmpegItsSigtermDoesNotEndIsKilledAfterItsGraceAndIsATimeout(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("never.mp4");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        VideoJob job = new VideoJob("neveropened", VideoJob.Kind.AUDIO_ONLY, null, List.of(), null, dir.resolve("work"), fifo, "test");
        job.audio(dir.resolve("neveropened.wav"));
        RunControl run = new RunControl();
        Ffmpeg ffmpeg = new Ffmpeg(dir, "wav", "", "", 1L << 31, new DiskFull(dir, run), run);

        long start = System.nanoTime();
        ExecResult pass = exec("ffmpeg", ffmpeg.audio(job));
        long took = (System.nanoTime() - start) / 1_000_000;

        assertTrue(took >= TIMEOUT_MILLIS + FfmpegWatchdog.GRACE_MILLIS, "killed after its grace: " + took + " ms");
        assertEquals(FfmpegWatchdog.TERMINATED, pass.getExitValue());
        assertTrue(ProcessHandle.current().descendants().noneMatch(h -> h.info().commandLine().orElse("")
                .contains("neveropened.wav")), "no ffmpeg left");
        timedOut(ffmpeg, job, run, pass);
        // so it is whatever it said before it stuck (a decoder's errors on the video, say)
        ExecResult said = new ExecResult(pass.getCommand(), null, new java.io.ByteArrayInputStream(
                "[h264 @ 0x55aa] [error] error while decoding MB 3 4\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                pass.getExitValue());
        timedOut(ffmpeg, job, run, said);
    }

    /**
     * An ffmpeg killed from outside (SIGKILL: the kernel's OOM killer, or a person) is transient too, but is not
     * said to have run out of time: the timeout's SIGTERM ends it otherwise.
     */
    @Test
    void anAudioPassKilledFromOutsideIsTransientAndNotCalledATimeout(@TempDir Path dir) throws Exception {
        SlowPass slow = SlowPass.of(dir, "killedpass");
        VideoJob job = slow.job();
        Ffmpeg ffmpeg = slow.ffmpeg();
        List<String> args = slow.args();
        Thread killer = new Thread(() -> {
            long until = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < until) {
                java.util.Optional<ProcessHandle> pass = ProcessHandle.current().descendants()
                        .filter(h -> h.info().commandLine().orElse("").contains("killedpass.wav")).findFirst();
                if (pass.isPresent()) {
                    pass.get().destroyForcibly();
                    return;
                }
                Thread.onSpinWait();
            }
        });
        killer.start();

        ExecResult pass = new DefaultExecCommandExecutor().execute(new ExecCommand("ffmpeg", args, null, 60_000L,
                Set.of(), null, null, false, LoggingLevel.OFF));
        killer.join();

        assertEquals(137, pass.getExitValue(), "ended by SIGKILL");
        VideoFailure f = assertThrows(VideoFailure.class, () -> ffmpeg.checkPass(pass, job));
        assertEquals("transient", f.category(), f.getMessage());
        assertTrue(f.getMessage().contains("was killed") && !f.getMessage().contains("in time"), f.getMessage());
    }

    @Test
    void anFfprobeStoppedByItsTimeoutIsTransient(@TempDir Path dir) throws Exception {
        // a named pipe no one writes to: ffprobe waits on it until the timeout stops it
        Path fifo = dir.resolve("never.mp4");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        VideoJob job = new VideoJob("slowprobe", VideoJob.Kind.AUDIO_ONLY, null, List.of(), null, dir.resolve("work"), fifo, "test");
        RunControl run = new RunControl();
        Ffmpeg ffmpeg = new Ffmpeg(dir, "wav", "", "", 1L << 31, new DiskFull(dir, run), run);

        ExecResult probe = exec("ffprobe", ffmpeg.probe(fifo));

        assertEquals(143, probe.getExitValue());
        VideoFailure f = assertThrows(VideoFailure.class, () -> new MediaValidator(run, null).validVideo(job, probe));
        assertEquals("transient", f.category(), f.getMessage());
        assertTrue(f.getMessage().contains("ffprobe did not finish in time"), f.getMessage());
    }

        /**
     * {@code --verify}: a file whose ffprobe ran out of time (or was killed) is not judged, so {@code --repair}
     * never moves a good video aside for it; one that ffprobe reads and finds wanting still is.
     */
    @Test
    void verifyDoesNotJudgeAFileWhoseFfprobeWasStopped(@TempDir Path dir) throws Exception {
        Path videos = Files.createDirectories(dir.resolve("videos"));
        Path fifo = videos.resolve("stuck.mp4");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path text = Files.writeString(videos.resolve("text.mp4"), "not a video");
        RunControl run = new RunControl();
        Ffmpeg ffmpeg = new Ffmpeg(dir, "wav", "", "", 1L << 31, new DiskFull(dir, run), run);
        Verifier verifier = new Verifier(new Workspace(dir, "mp4", "wav"), run, null, null, List.of(), null, null, 0, 0, false, "%06d.jpg");

        verifier.record(new Verifier.Check("stuck", true, fifo), exec("ffprobe", ffmpeg.probe(fifo)));
        verifier.record(new Verifier.Check("text", true, text), new DefaultExecCommandExecutor().execute(
                new ExecCommand("ffprobe", ffmpeg.probe(text), null, 20_000L, Set.of(), null, null, false, LoggingLevel.OFF)));

        assertEquals(null, verifier.judged(fifo), "stopped: not judged");
        assertEquals(false, verifier.judged(text).valid(), "read, and not a video");
    }

    /**
     * {@code --verify --repair} while a video was not judged: its audio and frames would count as orphans
     * (no video seen), so nothing is moved aside, and the report says why and which.
     */
    @Test
    void repairMovesNothingWhileAVideoCouldNotBeChecked(@TempDir Path dir) throws Exception {
        Workspace ws = new Workspace(dir, "mp4", "wav");
        Files.createDirectories(dir.resolve("videos"));
        Files.createDirectories(dir.resolve("audio"));
        Files.createDirectories(dir.resolve("frames/good1"));
        Files.writeString(dir.resolve("videos/good1.mp4"), "a video whose ffprobe was stopped");
        Path wav = Files.writeString(dir.resolve("audio/good1.wav"), "its audio");
        Files.writeString(dir.resolve("frames/good1/000001.jpg"), "a frame");
        java.util.Map<Path, Verifier.Probe> probes = new java.util.HashMap<>();
        probes.put(wav, new Verifier.Probe(true, 3.0, 0, null, 0));
        VerifyReport report = new VerifyReport(ws, probes, Set.of(), List.of("good1"), new FailureRecords(ws), null, 0);
        report.frames(java.util.Map.of("good1", new Verifier.FrameFolder(1, List.of())), 1, 0, false);

        Verifier.Report r = report.write(true, false, List.of("videos/good1.mp4"), "");

        assertTrue(r.text().contains("Repair skipped: 1 files could not be checked"), r.text());
        assertTrue(r.text().contains("videos/good1.mp4"), r.text());
        assertTrue(Files.isRegularFile(wav) && Files.isDirectory(dir.resolve("frames/good1")), "nothing moved aside");
        assertTrue(!Files.exists(dir.resolve("rejected")), "no rejected/");
        assertEquals(1, r.exitCode(), "not clean");
    }

    /** The command as the routes' exec endpoint runs it, with the timeout. */
    /** The tool's own audio pass over a 3-second clip, read at the clip's pace (-re): 3 s. */
    private record SlowPass(VideoJob job, RunControl run, Ffmpeg ffmpeg, List<String> args) {
        static SlowPass of(Path dir, String id) throws Exception {
            Path video = Files.copy(Fixture.clip("tone-3s", 3, true), dir.resolve("video.mp4"));
            VideoJob job = new VideoJob(id, VideoJob.Kind.AUDIO_ONLY, null, List.of(), null, dir.resolve("work"), video, "test");
            job.audio(dir.resolve(id + ".wav"));
            RunControl run = new RunControl();
            Ffmpeg ffmpeg = new Ffmpeg(dir, "wav", "", "", 1L << 31, new DiskFull(dir, run), run);
            List<String> args = new ArrayList<>(ffmpeg.audio(job));
            args.add(args.indexOf("-i"), "-re");
            return new SlowPass(job, run, ffmpeg, args);
        }
    }

    /** The pass checked as the routes check it: a timeout, transient, whatever ffmpeg said of the video. */
    private static void timedOut(Ffmpeg ffmpeg, VideoJob job, RunControl run, ExecResult pass) {
        new MediaValidator(run, null).validPass(job, pass);
        VideoFailure f = assertThrows(VideoFailure.class, () -> ffmpeg.checkPass(pass, job));
        assertEquals("transient", f.category(), f.getMessage());
        assertTrue(f.getMessage().contains("did not finish in time"), f.getMessage());
    }

    private static ExecResult exec(String tool, List<String> args) {
        long start = System.nanoTime();
        // ffmpeg as the routes run it (FfmpegWatchdog), ffprobe with camel-exec's own executor
        DefaultExecCommandExecutor executor = tool.equals("ffmpeg") ? new FfmpegWatchdog() : new DefaultExecCommandExecutor();
        ExecResult r = executor.execute(new ExecCommand(tool, args, null, TIMEOUT_MILLIS,
                Set.of(), null, null, false, LoggingLevel.OFF));
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took >= TIMEOUT_MILLIS && took < 20_000, tool + " ended by the timeout: " + took + " ms");
        return r;
    }
}
