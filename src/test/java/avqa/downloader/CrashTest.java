package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs killed with SIGKILL or stopped with SIGTERM at awkward moments, then run again. */
class CrashTest {

    static MediaServer server;
    static Path clip;

    @BeforeAll
    static void start() throws Exception {
        clip = Fixture.clip("tone-8s", 8, true);
        server = new MediaServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<String> setUp(Path meta, String prefix, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
            server.serve(prefix + i, clip);
        }
        Fixture.annotations(meta, "test", ids);
        return ids;
    }

    static boolean anyFile(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var walk = Files.walk(dir)) {
            var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
            return walk.anyMatch(p -> matcher.matches(p.getFileName()) && Files.isRegularFile(p));
        } catch (Exception e) {
            return false;
        }
    }

    static Set<String> complete(Path data, List<String> ids) {
        Set<String> done = new HashSet<>();
        for (String id : ids) {
            if (Files.isRegularFile(data.resolve("videos/" + id + ".mp4")) && Files.isRegularFile(data.resolve("audio/" + id + ".wav"))) {
                done.add(id);
            }
        }
        return done;
    }

    /** Starts a run in its own JVM and SIGKILLs it as soon as {@code moment} holds (or after 60 s). */
    static void runAndKill(List<String> args, Path log, BooleanSupplier moment) throws Exception {
        Process p = Fixture.startJvm(args, Map.of(), log);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!moment.getAsBoolean() && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        p.destroyForcibly();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    }

    @Test
    void killedDuringADownloadDuringExtractionAndRightAfterARenameARerunFinishesWithoutRefetching(@TempDir Path tmp)
            throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> ids = setUp(meta, "crash", 5);
        List<String> slow = Fixture.localArgs(data, meta, server.urlTemplate());
        slow.addAll(List.of("--rate-limit", "300K"));
        List<Set<String>> completeAtKill = new ArrayList<>();
        List<Integer> hitsAtKill = new ArrayList<>();

        runAndKill(slow, tmp.resolve("run1.log"), () -> anyFile(data.resolve(".partial"), "*.part"));
        completeAtKill.add(complete(data, ids));
        hitsAtKill.add(server.hits().size());

        runAndKill(slow, tmp.resolve("run2.log"), () -> anyFile(data.resolve(".partial"), "audio.wav"));
        completeAtKill.add(complete(data, ids));
        hitsAtKill.add(server.hits().size());

        Set<String> before = complete(data, ids);
        runAndKill(slow, tmp.resolve("run3.log"), () -> {
            try (var s = Files.list(data.resolve("videos"))) {
                return s.count() > before.size();
            } catch (Exception e) {
                return false;
            }
        });
        completeAtKill.add(complete(data, ids));
        hitsAtKill.add(server.hits().size());

        Fixture.Outcome last = Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate()));

        assertEquals(0, last.exit());
        for (String id : ids) {
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 7.5, id + " video valid");
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 7.5, id + " audio valid");
        }
        List<MediaServer.Hit> hits = server.hits();
        for (int k = 0; k < completeAtKill.size(); k++) {
            for (MediaServer.Hit h : hits.subList(hitsAtKill.get(k), hits.size())) {
                assertTrue(!completeAtKill.get(k).contains(h.id()),
                        h.id() + " was requested again after it was complete (kill " + (k + 1) + ")");
            }
        }
        JsonNode progress = Fixture.readJson(data.resolve("download_progress.json"));
        assertEquals(ids.size(), progress.get("completed").size(), progress.toString());
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "no temporary file left");
        for (String dir : List.of(".", "metadata", "failed", "videos", "audio")) {
            for (String name : PipelineTest.listNames(data.resolve(dir))) {
                assertTrue(!name.endsWith(".tmp") && !name.startsWith(".writing-") && !name.startsWith(".fetching-")
                        && !name.endsWith(".part"), "temporary file left: " + dir + "/" + name);
            }
        }
        assertEquals(List.of(), Fixture.processesUsing(data), "no yt-dlp or ffmpeg of a killed run is left");
    }

    @Test
    void sigtermStopsInFlightDownloadsRemovesTheirTemporariesAndKeepsProgress(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> ids = setUp(meta, "term", 4);
        List<String> slow = Fixture.localArgs(data, meta, server.urlTemplate());
        slow.addAll(List.of("--rate-limit", "300K", "--workers", "1"));
        Path log = tmp.resolve("run.log");
        // one yt-dlp start per video, so that one video is complete while the next is under way
        Process p = Fixture.startJvm(slow, Map.of("AVQA_DOWNLOAD_BATCH", "1"), log);
        Fixture.await("the second download to be under way", 60_000,
                () -> complete(data, ids).size() == 1 && anyFile(data.resolve(".partial"), "*.part"));

        p.destroy();

        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped promptly");
        assertEquals(143, p.exitValue(), "the conventional status of a process ended by SIGTERM");
        String out = Files.readString(log);
        assertTrue(out.contains("WARN  Stopping the run: stopped by a signal"), "a stop asked for is no error: " + out);
        assertTrue(out.contains("Run stopped early"), "summary printed: " + out);
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "temporaries removed");
        assertEquals(List.of(), Fixture.processesUsing(data), "in-flight yt-dlp stopped");
        JsonNode progress = Fixture.readJson(data.resolve("download_progress.json"));
        assertEquals(1, progress.get("completed").size(), "progress flushed: " + progress);
        assertEquals(0, Fixture.readJson(data.resolve("failed_downloads.json")).size(), "the stopped video is pending, not failed");

        assertEquals(0, Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate())).exit());
        assertEquals(ids.size(), complete(data, ids).size());
    }
    /**
     * A stop while a video waits for its turn in the pacing (one start per 30 s): the process does not wait
     * out the turn, the waiting video is left pending without a request (not recorded as failed), and the
     * next run fetches it once.
     */
    @Test
    void sigtermWhileAVideoWaitsForItsTurnStopsPromptlyAndLeavesItPendingUnrequested(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> ids = setUp(meta, "turn", 3);
        List<String> paced = Fixture.localArgs(data, meta, server.urlTemplate());
        paced.addAll(List.of("--workers", "2", "--max-requests", "1", "--period", "30"));
        Path log = tmp.resolve("run.log");
        Process p = Fixture.startJvm(paced, Map.of("AVQA_DOWNLOAD_BATCH", "1"), log);
        // the first video is complete; the other worker's video waits for the next start, 30 s after the first
        Fixture.await("the first video to be complete", 60_000, () -> complete(data, ids).size() == 1);
        List<String> requested = ids.stream().filter(id -> !server.hits(id).isEmpty()).toList();
        assertEquals(1, requested.size(), "one start so far: " + server.hits());

        long stopped = System.currentTimeMillis();
        p.destroy();

        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped without waiting out the turn: " + Files.readString(log));
        long took = System.currentTimeMillis() - stopped;
        assertEquals(143, p.exitValue(), Files.readString(log));
        String out = Files.readString(log);
        assertTrue(out.contains("Run stopped early"), "summary printed: " + out);
        assertEquals(0, Fixture.readJson(data.resolve("failed_downloads.json")).size(),
                "the waiting videos are pending, not failed: " + out);
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("failed")), out);
        assertEquals(requested, ids.stream().filter(id -> !server.hits(id).isEmpty()).toList(),
                "no request after the stop (" + took + " ms)");

        assertEquals(0, Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate())).exit());
        assertEquals(ids.size(), complete(data, ids).size());
        for (String id : ids) {
            // one attempt is two requests: yt-dlp looks at the URL, then downloads it
            assertEquals(2, server.hits(id).size(), id + " fetched once in all: " + server.hits(id));
        }
    }

    /** A stop while a video waits out the backoff before its retry (30 s): the process does not wait it out either. */
    @Test
    void sigtermDuringTheBackoffBeforeARetryStopsPromptlyAndLeavesTheVideoPending(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> ids = setUp(meta, "backoff", 1);
        String id = ids.get(0);
        server.failNext(id, MediaServer.Fault.SERVER_ERROR);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.set(args.indexOf("--backoff") + 1, "30");
        Path log = tmp.resolve("run.log");
        Process p = Fixture.startJvm(args, Map.of(), log);
        Fixture.await("the first attempt's 503", 60_000, () -> server.hits(id).stream().anyMatch(h -> h.status() == 503));
        // the retry is under way: it waits its 30 s backoff before its request
        Fixture.await("the retry", 30_000, () -> ServiceTest.read(log).contains("Retrying " + id + " (attempt 2 of 3)"));
        int hits = server.hits(id).size();

        p.destroy();

        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped without waiting out the backoff: " + Files.readString(log));
        assertEquals(143, p.exitValue(), Files.readString(log));
        String out = Files.readString(log);
        assertTrue(out.contains("Run stopped early"), "summary printed: " + out);
        assertEquals(0, Fixture.readJson(data.resolve("failed_downloads.json")).size(), "pending, not failed: " + out);
        assertEquals(hits, server.hits(id).size(), "no request after the stop");

        assertEquals(0, Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate())).exit());
        assertEquals(Set.of(id), complete(data, ids));
    }

    /**
     * A stop in the middle of an import: entries written out and waiting for a worker, or under way, are
     * left pending (nothing recorded as failed, no temporary left, no ffmpeg left), and the next run's
     * import completes them.
     */
    @Test
    void sigtermDuringAnImportLeavesTheEntriesNotDonePendingForTheNextRun(@TempDir Path tmp) throws Exception {
        stopDuringAnImport(tmp, "zip");
    }

    /**
     * The same with a 7z, which bsdtar streams: the stop ends bsdtar too, and the entry it was writing out
     * is pending, not a "damaged archive" (bsdtar's exit by the signal is not the archive's fault).
     */
    @Test
    void sigtermDuringAnImportThatBsdtarStreamsLeavesItsEntriesPendingNotDamaged(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("7zz");
        stopDuringAnImport(tmp, "7z");
    }

    private void stopDuringAnImport(Path tmp, String format) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> ids = new ArrayList<>();
        Map<String, Path> entries = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 16; i++) {
            ids.add("termimport" + i);
            entries.put("termimport" + i + ".mp4", clip);
        }
        Fixture.annotations(meta, "test", ids);
        Path zip = tmp.resolve("videos." + format);
        if (format.equals("zip")) {
            ArchiveMaker.zip(ArchiveMaker.folder(tmp, "videos", entries), zip);
        } else {
            ArchiveMaker.sevenZip(ArchiveMaker.folder(tmp, "videos", entries), zip);
        }
        List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
        args.addAll(List.of("--import-archive", zip.toString()));
        Path log = tmp.resolve("run.log");
        // bsdtar's words go to a file whose name is gone while it runs (an import killed outright left it in /tmp)
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Process p = Fixture.startJvm(args, Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + javaTmp), log);
        if (!format.equals("zip")) {
            Fixture.await("bsdtar to read the archive with nothing in java.io.tmpdir", 60_000, () -> ProcessHandle.of(p.pid())
                    .stream().flatMap(ProcessHandle::descendants).anyMatch(h -> h.info().command().orElse("").endsWith("/bsdtar"))
                    && javaTmp.toFile().list().length == 0);
        }
        Fixture.await("the import to be under way", 60_000, () -> !complete(data, ids).isEmpty());

        p.destroy();

        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped promptly");
        assertEquals(143, p.exitValue(), Files.readString(log));
        assertTrue(complete(data, ids).size() < ids.size(), "stopped before the end: " + Files.readString(log));
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "temporaries removed");
        assertEquals(List.of(), Fixture.processesUsing(data), "no ffmpeg left");
        assertTrue(Files.isRegularFile(data.resolve("failed_downloads.json")), Files.readString(log));
        assertEquals(0, Fixture.readJson(data.resolve("failed_downloads.json")).size(), "pending, not failed: "
                + Files.readString(log));
        assertFalse(Files.readString(log).contains("damaged"), Files.readString(log));

        assertEquals(0, Fixture.run(args).exit());
        assertEquals(ids.size(), complete(data, ids).size());
        assertTrue(Fixture.lastSummary(data).contains("imported from archives"), Fixture.lastSummary(data));
    }

    /**
     * What a power cut leaves: a last line without its newline in the journal, SHA256SUMS and provenance.jsonl. A run
     * killed (SIGKILL) after its first completion, before its snapshot, has its records on lines of their own, and the
     * next run finds that video complete (found by an adversarial probe).
     */
    @Test
    void aTornLastLineDoesNotSwallowTheRecordsAppendedAfterIt(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        List<String> ids = setUp(meta, "torn", 2);
        Path journal = data.resolve(".download_progress.journal");
        Path sums = data.resolve("SHA256SUMS");
        Path provenance = data.resolve("metadata/provenance.jsonl");
        Files.createDirectories(provenance.getParent());
        Files.writeString(journal, "torn");
        Files.writeString(sums, "5f3a9c");
        Files.writeString(provenance, "{\"id\":\"torn");
        List<String> slow = Fixture.localArgs(data, meta, server.urlTemplate());
        slow.addAll(List.of("--rate-limit", "300K", "--workers", "1"));
        Process p = Fixture.startJvm(slow, Map.of("AVQA_DOWNLOAD_BATCH", "1", "AVQA_PROGRESS_SNAPSHOT_INTERVAL", "600"),
                tmp.resolve("run1.log"));
        Fixture.await("the first completion in the journal", 60_000, () -> {
            try {
                return Files.readString(journal).lines().anyMatch(ids::contains);
            } catch (Exception e) {
                return false;
            }
        });
        p.destroyForcibly();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));

        String first = ids.get(0);
        assertTrue(Files.readString(journal).startsWith(first + "\n"), "the torn line is cut off: " + Files.readString(journal));
        List<String> sumLines = Files.readAllLines(sums);
        assertEquals("5f3a9c", sumLines.get(0));
        assertTrue(sumLines.size() > 1, "lines appended: " + sumLines);
        for (String line : sumLines.subList(1, sumLines.size())) {
            assertTrue(line.matches("[0-9a-f]{64}  \\S+"), "a sha256sum line of its own: " + line);
        }
        assertTrue(sumLines.stream().anyMatch(l -> l.endsWith("  videos/" + first + ".mp4")), sumLines.toString());
        List<String> provLines = Files.readAllLines(provenance);
        assertEquals("{\"id\":\"torn", provLines.get(0));
        for (String line : provLines.subList(1, provLines.size())) {
            assertTrue(Fixture.JSON.readTree(line).isObject(), "a JSON line of its own: " + line);
        }
        assertTrue(provLines.stream().anyMatch(l -> l.startsWith("{\"id\":\"" + first + "\"")), provLines.toString());

        assertEquals(0, Fixture.run(Fixture.localArgs(data, meta, server.urlTemplate())).exit());
        String summary = Fixture.lastSummary(data);
        assertTrue(summary.contains("0 audio re-extracted") && summary.contains("2 complete in all"),
                "the first video's completion was kept: " + summary);
        Set<String> recorded = new HashSet<>();
        Fixture.readJson(data.resolve("download_progress.json")).get("completed").forEach(n -> recorded.add(n.asText()));
        assertEquals(Set.copyOf(ids), recorded);
    }
}
