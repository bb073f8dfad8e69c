package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Variable;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The retry policy and the dead-letter channel of {@code routes/20-errors.yaml}, at route level: a
 * stand-in stage that fails as scripted, under the real route configuration {@code video-errors}.
 */
class ErrorRoutesTest extends CamelMainTestSupport {

    /** Static: the Camel context is made before this class's own fields are; emptied after each test. */
    static final Path data = newDataDir();

    private static Path newDataDir() {
        try {
            return Files.createTempDirectory("avqa-error-routes");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @org.junit.jupiter.api.AfterEach
    void emptyDataDir() {
        FileTrees.deleteTree(data, false);
    }

    @org.junit.jupiter.api.AfterAll
    static void removeDataDir() {
        FileTrees.deleteTree(data, true);
    }

    static final Faults faults = new Faults();

    @org.junit.jupiter.api.BeforeEach
    void noScriptYet() {
        faults.script.clear();
        faults.attempts.clear();
    }

    /** Fails as scripted, one failure per attempt, and notes when each attempt came. */
    public static final class Faults {
        final Deque<RuntimeException> script = new ArrayDeque<>();
        final List<Long> attempts = new ArrayList<>();

        public synchronized void attempt(@Variable("job") VideoJob job) {
            attempts.add(System.nanoTime());
            job.countAttempt();
            RuntimeException next = script.poll();
            if (next != null) {
                throw next;
            }
        }
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:routes/20-errors.yaml,classpath:routes-test/attempts.yaml");
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("avqa.retry.max-redeliveries", "3");
        p.setProperty("avqa.worker", "false");
        p.setProperty("avqa.clustered", "false");
        p.setProperty("avqa.data-dir", data.toString());
        return p;
    }

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        RunControl run = new RunControl();
        Workspace workspace = new Workspace(data, "mp4", "wav");
        workspace.prepare(false);
        WorkArea work = new WorkArea(data);
        registry.bind("runControl", run);
        registry.bind("workArea", work);
        registry.bind("fatalErrorExit", new FatalErrorExit());
        registry.bind("retryLog", new RetryLog(4));
        registry.bind("pacing", new Pacing(0, 0, 200, 2, 5000));
        registry.bind("failureRecords", new FailureRecords(workspace));
        Checksums checksums = new Checksums(data);
        registry.bind("publisher", new Publisher(workspace, work, new DiskFull(data, run), run, checksums));
        registry.bind("diskFull", new DiskFull(data, run));
        registry.bind("toolGone", new ToolGone(run, 2));
        registry.bind("checksums", checksums);
        // a job whose frames failed keeps its audio (its line here); no job of these tests gets that far
        registry.bind("provenance", new Provenance(workspace, "wav", 0, "%06d.jpg", null));
        RunCounters counters = new RunCounters(run, null, new ImportLedger());
        registry.bind("counters", counters);
        registry.bind("failureNotRecorded", new FailureNotRecorded(run, counters));
        registry.bind("faults", faults);
        registry.bind("leases", avqa.downloader.cluster.Leases.none());
        registry.bind("dataDirWatch", new DataDirWatch(data, null, run));
        registry.bind("progressBook", new ProgressBook(data));
    }

    private VideoJob job(String id) {
        return new VideoJob(id, VideoJob.Kind.DOWNLOAD, "http://127.0.0.1:9/" + id, null, null,
                data.resolve(".partial").resolve(id), null, "download");
    }

    private void attempt(VideoJob job) {
        template.send("direct:test-attempt", ex -> ex.setVariable("job", job));
    }

    /**
     * A program the system would not start for want of processes (a real refusal: SpawnRefused, Java's exception as
     * camel-exec hands it on) stopped the whole run at the first video. Now it is that video's transient failure:
     * redelivered with the backoff, recorded transient in our words, and only the second video in a row (the limit here)
     * stops the run, in one line, that video left pending. Needs root and cgroup v1's pids controller; skipped otherwise.
     */
    @Test
    void aToolTheSystemWouldNotStartIsRetriedAsTransientAndOnlyTheLimitInARowStopsTheRun() throws Exception {
        java.io.IOException refused = SpawnRefused.of("ffmpeg");
        if (refused == null) {
            System.err.println("SKIPPED: a real refused spawn needs a pids cgroup (root, cgroup v1's pids controller)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(refused != null, "no pids cgroup here");
        assertEquals("Cannot run program \"ffmpeg\": error=11, Resource temporarily unavailable", refused.getMessage());
        RunControl run = context.getRegistry().lookupByNameAndType("runControl", RunControl.class);
        for (String id : List.of("squeeze01", "squeeze02")) {
            faults.attempts.clear();
            for (int i = 0; i < 4; i++) {
                faults.script.add(new org.apache.camel.component.exec.ExecException("Unable to execute command", null, null,
                        -1, refused));
            }
            attempt(job(id));
            assertEquals(4, faults.attempts.size(), id + ": retried as a transient failure");
            long firstGap = TimeUnit.NANOSECONDS.toMillis(faults.attempts.get(1) - faults.attempts.get(0));
            assertTrue(firstGap >= 0.85 * 200 - 5, id + ": after its backoff, " + firstGap + " ms");
        }
        com.fasterxml.jackson.databind.JsonNode record = Fixture.readJson(data.resolve("failed/squeeze01.json"));
        assertEquals("transient", record.get("category").asText(), record.toString());
        assertEquals("ffmpeg could not be started: the machine is short of memory, processes or open files",
                record.get("reason").asText());
        assertEquals("error=11, Resource temporarily unavailable", record.get("last_error").asText());
        assertEquals("ffmpeg could not be started for 2 videos in a row (error=11, Resource temporarily unavailable): the "
                + "machine is short of memory, processes or open files; run again once it has them; complete videos are "
                + "kept", run.stopReason());
        assertFalse(Files.exists(data.resolve("failed/squeeze02.json")), "the video that stopped the run stays pending");
        run.reset();
    }

    @Test
    void aTransientFailureIsRedeliveredWithGrowingPausesBeforeItsAttemptsAndNotDeadLettered() throws Exception {
        for (int i = 0; i < 3; i++) {
            faults.script.add(new VideoFailure.Transient("server error at the source (HTTP 503)", "HTTP Error 503"));
        }
        NotifyBuilder deadLettered = new NotifyBuilder(context).whenDone(1).wereSentTo("direct:dead-letter").create();

        attempt(job("transient01"));

        assertEquals(4, faults.attempts.size(), "three redeliveries after the first attempt");
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < faults.attempts.size(); i++) {
            gaps.add(TimeUnit.NANOSECONDS.toMillis(faults.attempts.get(i) - faults.attempts.get(i - 1)));
        }
        // redelivered at once, the pause before each retry's attempt (the pacing's) holding its backoff: 200 ms,
        // then each the one before doubled, each drawn within +-15 % of its own (so one gap may be as little as
        // 340 / 230 of the one before: a ratio of 1.6 between them failed now and then), and a little scheduling slack
        for (int i = 0; i < gaps.size(); i++) {
            double nominal = 200 * Math.pow(2, i);
            assertTrue(gaps.get(i) >= 0.85 * nominal - 5 && gaps.get(i) <= 1.15 * nominal + 150, "gaps " + gaps);
        }
        assertTrue(gaps.get(0) < gaps.get(1) && gaps.get(1) < gaps.get(2), "growing gaps " + gaps);
        assertFalse(deadLettered.matches(500, TimeUnit.MILLISECONDS), "a success is not dead-lettered");
        assertFalse(Files.exists(data.resolve("failed/transient01.json")));
    }

    @Test
    void aPermanentFailureGoesStraightToTheDeadLetterChannel() throws Exception {
        faults.script.add(new VideoFailure.Permanent("private video", "ERROR: Private video"));
        NotifyBuilder deadLettered = new NotifyBuilder(context).whenDone(1).wereSentTo("direct:dead-letter").create();

        attempt(job("permanent01"));

        assertTrue(deadLettered.matches(5, TimeUnit.SECONDS));
        assertEquals(1, faults.attempts.size(), "not redelivered");
        var record = Fixture.readJson(data.resolve("failed/permanent01.json"));
        assertEquals("permanent", record.get("category").asText());
        assertEquals("private video", record.get("reason").asText());
        assertEquals(1, record.get("attempts").asInt());
    }

    @Test
    void aTransientFailureThatStaysIsDeadLetteredAfterTheLastAttempt() throws Exception {
        for (int i = 0; i < 10; i++) {
            faults.script.add(new VideoFailure.Transient("network failure while downloading", "reset"));
        }
        NotifyBuilder deadLettered = new NotifyBuilder(context).whenDone(1).wereSentTo("direct:dead-letter").create();

        attempt(job("transient02"));

        assertTrue(deadLettered.matches(10, TimeUnit.SECONDS));
        assertEquals(4, faults.attempts.size(), "avqa.retry-attempts attempts in all");
        assertEquals("transient", Fixture.readJson(data.resolve("failed/transient02.json")).get("category").asText());
    }

    /**
     * A write of ours that met a full disk, wherever it was (here a provenance line): the run stops in the
     * disk's words, and the video, not at fault, stays pending with no record (before, it got one of
     * category error, "a bug").
     */
    @Test
    void aFullDiskMetByAnyWriteStopsTheRunAndRecordsNothing() throws Exception {
        faults.script.add(new java.io.UncheckedIOException("cannot record provenance in " + data.resolve("metadata/provenance.jsonl"),
                new java.io.IOException("No space left on device")));
        NotifyBuilder deadLettered = new NotifyBuilder(context).whenDone(1).wereSentTo("direct:dead-letter").create();

        attempt(job("diskfull01"));

        assertTrue(deadLettered.matches(5, TimeUnit.SECONDS));
        assertFalse(Files.exists(data.resolve("failed/diskfull01.json")), "the video stays pending");
        RunControl run = context.getRegistry().lookupByNameAndType("runControl", RunControl.class);
        assertTrue(run.isStopping() && run.stopReason().startsWith("no space left on the disk holding " + data),
                String.valueOf(run.stopReason()));
    }

    /**
     * The disk fills up as the dead-letter channel writes the video's record (failed/ a full tmpfs here): the run
     * stops in the disk's words and the video stays pending; no "Failed delivery" from Camel, no record.
     */
    @Test
    void aFullDiskMetByTheRecordsOwnWriteStopsTheRunQuietly() throws Exception {
        Path failed = Files.createDirectories(data.resolve("failed"));
        boolean mounted = DiskTest.sh("mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", failed.toString());
        if (!mounted) {
            System.err.println("SKIPPED: needs to mount a small tmpfs (run as root, as CI does)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here");
        try {
            try (var out = Files.newOutputStream(failed.resolve("filler"))) {
                byte[] block = new byte[1024];
                while (true) {
                    out.write(block);
                    out.flush();
                }
            } catch (java.io.IOException full) {
                // the disk is full now
            }
            faults.script.add(new VideoFailure.Permanent("private video", "ERROR: Private video"));
            NotifyBuilder deadLettered = new NotifyBuilder(context).whenDone(1).wereSentTo("direct:dead-letter").create();

            attempt(job("recordfull1"));

            assertTrue(deadLettered.matches(5, TimeUnit.SECONDS));
            RunControl run = context.getRegistry().lookupByNameAndType("runControl", RunControl.class);
            assertTrue(run.isStopping() && run.stopReason().startsWith("no space left on the disk holding " + data),
                    String.valueOf(run.stopReason()));
            assertFalse(Files.exists(failed.resolve("recordfull1.json")), "no record under its name");
            // what the file endpoint left half-written is no record to the summary
            new FailureRecords(new Workspace(data, "mp4", "wav")).rebuildSummary(id -> false);
            assertEquals("{ }", Files.readString(data.resolve("failed_downloads.json")).strip());
        } finally {
            DiskTest.sh("umount", "-l", failed.toString());
        }
    }

    /** A server's or proxy's words that tell of its own full disk are its failure, not ours: the run goes on. */
    @Test
    void aFullDiskElsewhereIsTheVideosFailureNotOurs() throws Exception {
        faults.script.add(new VideoFailure.Permanent("the proxy refused to connect (HTTP 507 No space left on device)",
                "HTTP 507 No space left on device"));
        NotifyBuilder deadLettered = new NotifyBuilder(context).whenDone(1).wereSentTo("direct:dead-letter").create();

        attempt(job("remotefull1"));

        assertTrue(deadLettered.matches(5, TimeUnit.SECONDS));
        assertEquals("permanent", Fixture.readJson(data.resolve("failed/remotefull1.json")).get("category").asText());
        assertFalse(context.getRegistry().lookupByNameAndType("runControl", RunControl.class).isStopping());

        // a broker's own full disk, rebuilt by its client as an I/O error under the JMS exception: the broker's
        jakarta.jms.JMSException broker = new jakarta.jms.JMSException("the broker could not store the message");
        broker.initCause(new java.io.IOException("No space left on device"));
        faults.script.add(new org.apache.camel.RuntimeCamelException(broker));
        NotifyBuilder again = new NotifyBuilder(context).whenDone(1).wereSentTo("direct:dead-letter").create();

        attempt(job("brokerfull1"));

        assertTrue(again.matches(5, TimeUnit.SECONDS));
        assertTrue(Files.exists(data.resolve("failed/brokerfull1.json")));
        assertFalse(context.getRegistry().lookupByNameAndType("runControl", RunControl.class).isStopping());
    }

    @Test
    void aStoppingRunRecordsNothing() throws Exception {
        faults.script.add(new RunStoppedException("stopped by a signal"));
        NotifyBuilder deadLettered = new NotifyBuilder(context).whenDone(1).wereSentTo("direct:dead-letter").create();

        attempt(job("stopped01"));

        assertFalse(deadLettered.matches(500, TimeUnit.MILLISECONDS));
        assertFalse(Files.exists(data.resolve("failed/stopped01.json")), "the video stays pending");
        assertTrue(context.getRegistry().lookupByNameAndType("runControl", RunControl.class).isStopping(),
                "one worker's stop stops them all");
    }
}
