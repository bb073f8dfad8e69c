package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.exec.ExecResult;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How threads wait for ffmpeg's runs ({@link FfmpegRuns}), with a route in place of ffmpeg that holds each run until
 * the test lets it go: what matters here is who waits for whom, not what ffmpeg says.
 */
class FfmpegRunsTest {

    /**
     * A thread whose video another thread's run has taken, interrupted meanwhile (a forced shutdown), left at once:
     * the worker then emptied the video's work directory while that run's ffmpeg still wrote into it. It now leaves
     * only once that run is over.
     */
    @Test
    void aThreadInterruptedWhileAnotherThreadsRunHasItsVideoLeavesOnlyOnceThatRunIsOver(@TempDir Path tmp)
            throws Exception {
        CountDownLatch[] holds = {new CountDownLatch(1), new CountDownLatch(1)};
        AtomicInteger runs = new AtomicInteger();
        Map<Integer, Thread> runners = new ConcurrentHashMap<>();
        try (DefaultCamelContext camel = new DefaultCamelContext();
                AutoCloseable release = () -> java.util.Arrays.stream(holds).forEach(CountDownLatch::countDown)) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:audio-pass").process(e -> {
                        int run = runs.getAndIncrement();
                        runners.put(run, Thread.currentThread());
                        if (run < holds.length) {
                            holds[run].await(30, TimeUnit.SECONDS);
                        }
                        // not a clean run: a run over several has each of its videos passed again alone
                        e.getMessage().setBody(new ExecResult(new org.apache.camel.component.exec.ExecCommand("ffmpeg",
                                List.of(), null, 0L, java.util.Set.of(), null, null, false, org.apache.camel.LoggingLevel.OFF),
                                new ByteArrayInputStream(new byte[0]),
                                new ByteArrayInputStream(new byte[0]), 1));
                    });
                }
            });
            camel.start();
            FfmpegRuns ffmpegRuns = new FfmpegRuns(new Ffmpeg(tmp, "wav", "", "", 1L << 31, null, null), new RunControl(), 1,
                    1L << 31);
            Map<String, Thread> threads = new ConcurrentHashMap<>();
            CompletableFuture<ExecResult> first = pass(camel, ffmpegRuns, job(tmp, "first"), threads);
            Fixture.await("the first video's run to start", 10_000, () -> runs.get() == 1 || first.isDone());
            assertFalse(first.isDone(), () -> "the first pass ended: " + first.handle((r, e) -> String.valueOf(e)).join());
            // the run is taken: the next two wait, and the next run takes both
            CompletableFuture<ExecResult> second = pass(camel, ffmpegRuns, job(tmp, "second"), threads);
            CompletableFuture<ExecResult> third = pass(camel, ffmpegRuns, job(tmp, "third"), threads);
            Fixture.await("both to wait", 10_000,
                    () -> threads.size() == 3 && waiting(threads.get("second")) && waiting(threads.get("third")));
            holds[0].countDown();
            assertEquals(1, first.get(10, TimeUnit.SECONDS).getExitValue(), "the first video's run, alone");
            Fixture.await("the run over the other two to start", 10_000, () -> runs.get() == 2);
            Thread runner = runners.get(1);
            String other = runner == threads.get("second") ? "third" : "second";
            CompletableFuture<ExecResult> taken = other.equals("second") ? second : third;

            threads.get(other).interrupt();
            assertThrows(java.util.concurrent.TimeoutException.class, () -> taken.get(1, TimeUnit.SECONDS),
                    "its video is in the other thread's run: it waits for that run to be over");
            assertFalse(taken.isDone());

            holds[1].countDown();
            ExecutionException left = assertThrows(ExecutionException.class, () -> taken.get(10, TimeUnit.SECONDS));
            assertInstanceOf(InterruptedException.class, left.getCause(), "the interrupt is thrown once the run is over");
            CompletableFuture<ExecResult> ran = other.equals("second") ? third : second;
            assertEquals(1, ran.get(10, TimeUnit.SECONDS).getExitValue(), "the runner's video, passed again alone");
        }
    }

    private static CompletableFuture<ExecResult> pass(DefaultCamelContext camel, FfmpegRuns runs, VideoJob job,
            Map<String, Thread> threads) {
        CompletableFuture<ExecResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            DefaultExchange exchange = new DefaultExchange(camel);
            exchange.setVariable("job", job);
            try {
                result.complete(runs.audioPass(exchange));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "pass-" + job.id());
        threads.put(job.id(), thread);
        thread.start();
        return result;
    }

    private static boolean waiting(Thread thread) {
        return thread.getState() == Thread.State.TIMED_WAITING || thread.getState() == Thread.State.WAITING;
    }

    private static VideoJob job(Path tmp, String id) throws Exception {
        Path file = Files.write(tmp.resolve(id + ".mp4"), new byte[1024]);
        VideoJob job = new VideoJob(id, VideoJob.Kind.AUDIO_ONLY, null, List.of(), null, tmp.resolve("work-" + id), file,
                "test");
        job.audio(tmp.resolve("work-" + id).resolve(id + ".wav"));
        return job;
    }
}
