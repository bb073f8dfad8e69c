package avqa.downloader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.exec.ExecBinding;
import org.apache.camel.component.exec.ExecResult;

/**
 * ffmpeg's runs over the videos, at most avqa.workers at a time (an import's media work is done by more threads than
 * that, import-media's, so that its entries wait for a run). The audio passes ({@link Ffmpeg#audio})
 * share their runs: videos that reach their pass while all runs are taken wait, and the next run takes every one
 * waiting (up to {@link #MOST}) as the inputs of one ffmpeg. The other runs (a clip's cut, the frames) take their
 * turn alone ({@link #inTurn}). Most of a pass's CPU is ffmpeg's start and end (its dynamic linker resolving 215
 * libraries), not the media, so a run over eight videos costs about half of eight runs. A video that finds a run free is passed at once, alone:
 * nothing waits for a batch to fill.
 * <p>
 * A pass over several videos counts only when it was clean: ffmpeg ended well, said no error, wrote no audio up to
 * its cap, and listed every video's packets. Then each video gets what ffmpeg said of it as a pass over it alone
 * would have said it ({@link FfmpegReport#alone}, its packets' reach from {@link PacketLog}), and the route's checks
 * judge it as before. Anything else (one damaged video stops the run of all, with -xerror) and each video of it is
 * passed again alone, so that each is judged on its own words.
 */
public final class FfmpegRuns {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("avqa.media");

    /** The most videos in one ffmpeg run. */
    static final int MOST = 8;

    private final Ffmpeg ffmpeg;
    private final RunControl run;
    private final int slots;
    private final long audioMaxBytes;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private int running;
    private volatile ProducerTemplate template;
    /** Since the last {@link #takeCounts}: ffmpeg runs for audio passes, videos whose pass was a run over several, and
     * videos passed again alone after such a run was not clean. */
    private final java.util.concurrent.atomic.AtomicLong passRuns = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong together = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong again = new java.util.concurrent.atomic.AtomicLong();

    public FfmpegRuns(Ffmpeg ffmpeg, RunControl run, int slots, long audioMaxBytes) {
        this.ffmpeg = ffmpeg;
        this.run = run;
        this.slots = Math.max(1, slots);
        this.audioMaxBytes = audioMaxBytes;
    }

    /** A video waiting for its pass, and then what its pass said (null: to be passed alone). */
    private static final class Request {
        final VideoJob job;
        boolean settled;
        ExecResult result;

        Request(VideoJob job) {
            this.job = job;
        }
    }

    /**
     * The exchange sent to {@code route} (an ffmpeg run) once a run is free; its result. Whatever the route threw is
     * thrown here, as if the route's steps were the caller's.
     */
    public Object inTurn(Exchange exchange, String route) throws Exception {
        take();
        try {
            template(exchange).send(route, exchange);
        } finally {
            free();
        }
        Exception failed = exchange.getException();
        if (failed != null) {
            exchange.setException(null);
            throw failed;
        }
        return exchange.getMessage().getBody();
    }

    /**
     * The pass over the exchange's video (the variable job): ffmpeg's result, alone or together with others. A video
     * larger than {@link #TOGETHER_AT_MOST} is passed alone: its pass is long beside ffmpeg's start, and ffmpeg would
     * hold many of its packets in memory while it reads the others.
     */
    public ExecResult audioPass(Exchange exchange) throws Exception {
        VideoJob job = exchange.getVariable("job", VideoJob.class);
        if (sizeOf(job.video()) > TOGETHER_AT_MOST) {
            return aloneInTurn(exchange, job);
        }
        Request mine = new Request(job);
        synchronized (this) {
            waiting.add(mine);
        }
        try {
            while (true) {
                List<Request> batch = new ArrayList<>();
                synchronized (this) {
                    while (!mine.settled && (running >= slots || waiting.isEmpty()) && !run.isStopping()) {
                        wait(250);
                    }
                    if (mine.settled) {
                        break;
                    }
                    if (run.isStopping()) {
                        waiting.remove(mine);
                        run.checkRunning(); // the run stopped: no ffmpeg is started for it, the video stays pending
                    }
                    running++;
                    // this thread's own video first, then those waiting longest
                    if (waiting.remove(mine)) {
                        batch.add(mine);
                    }
                    while (batch.size() < MOST && !waiting.isEmpty()) {
                        batch.add(waiting.poll());
                    }
                }
                try {
                    if (batch.size() == 1 && batch.get(0) == mine) {
                        settle(List.of(mine), null);
                        passRuns.incrementAndGet();
                        return alone(exchange, job);
                    }
                    runTogether(exchange, batch);
                } finally {
                    free();
                }
            }
        } catch (InterruptedException e) {
            synchronized (this) {
                if (!waiting.remove(mine)) {
                    // another thread's run took it: its ffmpeg writes into this video's work directory, which is
                    // emptied once this thread leaves, so it leaves only once that run is over (a stop ends it)
                    while (!mine.settled) {
                        try {
                            wait(250);
                        } catch (InterruptedException again) {
                            // waits on: the interrupt is thrown below
                        }
                    }
                }
            }
            throw e;
        }
        if (mine.result != null) {
            return mine.result;
        }
        run.checkRunning(); // a run stopped under the batch (its ffmpeg stopped with it): this video stays pending
        return aloneInTurn(exchange, job);
    }

    /** Videos larger than this are passed alone (a 60-second 640x360 clip is about 5 MB). */
    static final long TOGETHER_AT_MOST = 32L << 20;

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return Long.MAX_VALUE; // passed alone, whose run says what is wrong with it
        }
    }

    private ExecResult aloneInTurn(Exchange exchange, VideoJob job) throws Exception {
        take();
        try {
            passRuns.incrementAndGet();
            return alone(exchange, job);
        } finally {
            free();
        }
    }

    /** Waits for a free run and takes it. */
    private synchronized void take() throws InterruptedException {
        while (running >= slots && !run.isStopping()) {
            wait(250);
        }
        run.checkRunning(); // a stopped run starts no ffmpeg
        running++;
    }

    private synchronized void free() {
        running--;
        notifyAll();
    }

    /** The video's pass alone: the route's ffmpeg run, as without batches. */
    private ExecResult alone(Exchange exchange, VideoJob job) throws Exception {
        Exchange result = template(exchange).send("direct:audio-pass", e -> {
            e.setVariable("job", job);
            e.getIn().setHeader(ExecBinding.EXEC_COMMAND_ARGS, ffmpeg.audio(job));
        });
        if (result.getException() != null) {
            throw result.getException();
        }
        return result.getMessage().getBody(ExecResult.class);
    }

    /** One ffmpeg over the batch's videos; each gets its own result, or null (to be passed alone) when it was not clean. */
    private void runTogether(Exchange exchange, List<Request> batch) {
        if (batch.size() == 1) {
            // another thread's video alone: passed here, in the run this thread took (its own failure, if any,
            // is said when that thread passes it again)
            ExecResult result = null;
            try {
                passRuns.incrementAndGet();
                result = alone(exchange, batch.get(0).job);
            } catch (Exception e) {
                result = null;
            } finally {
                settle(batch, result == null ? null : List.of(result));
            }
            return;
        }
        List<VideoJob> jobs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        List<ExecResult> results = null;
        try {
            for (Request r : batch) {
                jobs.add(r.job);
                logs.add(r.job.audio().resolveSibling("packets.crc"));
            }
            passRuns.incrementAndGet();
            Exchange ran = template(exchange).send("direct:audio-pass", e ->
                    e.getIn().setHeader(ExecBinding.EXEC_COMMAND_ARGS, ffmpeg.audioTogether(jobs, logs)));
            ExecResult together = ran.getException() == null ? ran.getMessage().getBody(ExecResult.class) : null;
            results = together == null ? null : each(together, jobs, logs);
        } catch (RuntimeException | IOException e) {
            LOG.debug("The pass over {} videos together failed ({}): each is passed alone", batch.size(), Shown.of(e));
            results = null;
        } finally {
            for (Path log : logs) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // left in the work directory, which is emptied with the job
                }
            }
            (results == null ? again : together).addAndGet(batch.size());
            settle(batch, results);
        }
    }

    /**
     * What the audio passes took since the last call (a run's summary keeps it): ffmpeg runs, videos passed in a
     * run over several, and videos passed again alone after such a run was not clean.
     */
    public java.util.Map<String, Long> takeCounts() {
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        counts.put("ffmpeg_runs", passRuns.getAndSet(0));
        counts.put("videos_passed_together", together.getAndSet(0));
        counts.put("videos_passed_again_alone", again.getAndSet(0));
        return counts;
    }

    /** Each video's result from a clean run over all of them; null when the run was not clean. */
    private List<ExecResult> each(ExecResult together, List<VideoJob> jobs, List<Path> logs) throws IOException {
        String said = FailureClassifier.text(together.getStderr());
        if (together.getExitValue() != 0 || !FfmpegReport.of(said).problems().isBlank()
                || FfmpegReport.opened(said) != jobs.size()) {
            LOG.debug("The pass over {} videos together ended with exit {}, saying {}: each is passed alone", jobs.size(),
                    together.getExitValue(), Redact.text(Redact.secrets(FailureClassifier.lastError(FfmpegReport.of(said).problems())), 300));
            return null;
        }
        List<ExecResult> results = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            PacketLog packets = Files.isRegularFile(logs.get(i)) ? PacketLog.read(logs.get(i)) : null;
            Path audio = jobs.get(i).audio();
            if (packets == null || !Files.isRegularFile(audio) || Files.size(audio) >= audioMaxBytes) {
                LOG.debug("The pass over {} videos together did not list the packets of, or wrote no whole audio for, {}: "
                        + "each is passed alone", jobs.size(), jobs.get(i).id());
                return null;
            }
            String alone = FfmpegReport.alone(said, i, packets.pictures(), packets.seconds());
            if (alone.isEmpty()) {
                return null;
            }
            results.add(new ExecResult(together.getCommand(), new ByteArrayInputStream(new byte[0]),
                    new ByteArrayInputStream(alone.getBytes(StandardCharsets.UTF_8)), 0));
        }
        return results;
    }

    private synchronized void settle(List<Request> batch, List<ExecResult> results) {
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result = results == null ? null : results.get(i);
            batch.get(i).settled = true;
        }
        notifyAll();
    }

    private ProducerTemplate template(Exchange exchange) {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = exchange.getContext().createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }
}
