package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory on a tiny file system: full mid-run, then read-only. Needs mount (root); skipped otherwise. */
class DiskTest extends LoopbackServerTest {

    static boolean sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** {@code tmp/data} made a tmpfs of 1200 kB (room for about one video); skipped where it cannot be mounted. */
    private static Path tinyDisk(Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        boolean mounted = sh("mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", data.toString());
        if (!mounted) {
            System.err.println("SKIPPED: DiskTest needs to mount a small tmpfs (run as root, as CI does)");
        }
        assumeTrue(mounted, "cannot mount a tmpfs here");
        return data;
    }

    /** The arguments of a run of {@code ids} (each served as the test clip) into {@code data}, one worker. */
    private static List<String> oneWorkerRun(Path data, Path meta, List<String> ids) throws java.io.IOException {
        for (String id : ids) {
            server.serve(id, clip);
        }
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--workers", "1"));
        return args;
    }

    @Test
    void aFullDiskStopsTheRunNamingThePathAndLeavesNothingPartial(@TempDir Path tmp) throws Exception {
        Path data = tinyDisk(tmp);
        try {
            List<String> ids = List.of("diskfull0", "diskfull1", "diskfull2");
            Path meta = tmp.resolve("meta");
            List<String> args = oneWorkerRun(data, meta, ids);

            Fixture.Outcome full = Fixture.run(args);

            assertEquals(1, full.exit(), full.stderr());
            assertTrue(full.stderr().contains("no space left on the disk holding " + data), full.stderr());
            String said = full.stdout() + Files.readString(data.resolve("avqa_download.log"));
            assertTrue(said.contains("less than the planned download needs (about 260.0 MiB for 3 videos or clips"),
                    "said before the first request: " + said);
            List<String> videos = PipelineTest.listNames(data.resolve("videos"));
            assertTrue(videos.size() < ids.size(), "the disk filled up: " + videos);
            for (String name : videos) {
                String id = name.replace(".mp4", "");
                assertTrue(Fixture.probe(data.resolve("videos/" + name))[0] > 2.5, "complete stays complete: " + name);
                assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, "with its audio: " + id);
            }
            assertEquals(videos.size(), PipelineTest.listNames(data.resolve("audio")).size(), "no audio without video");
            assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "nothing partial left");

            // --verify of a full disk cannot write its report: the disk is said full, not "not expected"
            sh("dd", "if=/dev/zero", "of=" + data.resolve("filler"), "bs=4k");
            List<String> verify = new java.util.ArrayList<>(args);
            verify.add("--verify");
            Fixture.Outcome verified = Fixture.run(verify);
            assertEquals(1, verified.exit(), verified.stderr());
            assertEquals("avqa-downloader: run stopped: no space left on the disk holding " + data + ": free some space and run "
                    + "again; complete videos are kept", verified.stderr().strip());
            Files.delete(data.resolve("filler"));

            // a run whose log file cannot grow on the full disk (its last block full): Log4j's trouble is one line of
            // ours, not its stack traces (66 lines of them on stderr before), and the run's own line follows
            Path logFile = data.resolve("avqa_download.log");
            Files.write(logFile, "#".repeat((int) ((4096 - Files.size(logFile) % 4096) % 4096)).getBytes(),
                    java.nio.file.StandardOpenOption.APPEND);
            sh("dd", "if=/dev/zero", "of=" + data.resolve("filler"), "bs=1k");
            Path fullLogOut = tmp.resolve("full-log.out");
            Process again = Fixture.startJvm(args, java.util.Map.of(), fullLogOut);
            assertTrue(again.waitFor(60, TimeUnit.SECONDS), "the run ends");
            assertEquals(List.of("avqa-downloader: the log file " + logFile + " cannot be written (No space left on device); "
                    + "the console has every line", "avqa-downloader: run stopped: no space left on the disk holding " + data
                    + ": free some space and run again; complete videos are kept"),
                    Files.readAllLines(fullLogOut).stream().filter(l -> !l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [A-Z]+ .*"))
                            .toList(), Files.readString(fullLogOut));
            assertEquals(1, again.exitValue());
            Files.delete(data.resolve("filler"));

            Path readOnlyDir = tmp.resolve("read-only");
            Files.createDirectories(readOnlyDir);
            assertTrue(sh("mount", "-t", "tmpfs", "-o", "ro,size=100k", "tmpfs", readOnlyDir.toString()));
            try {
                List<String> roArgs = Fixture.localArgs(readOnlyDir, meta, server.urlTemplate());
                Fixture.Outcome readOnly = Fixture.run(roArgs);
                assertEquals(2, readOnly.exit(), readOnly.stderr());
                assertTrue(readOnly.stderr().contains(readOnlyDir.toString()), "names the path: " + readOnly.stderr());
                assertEquals(1, readOnly.stderr().strip().lines().count(), readOnly.stderr());
            } finally {
                sh("umount", "-l", readOnlyDir.toString());
            }
        } finally {
            sh("umount", "-l", data.toString());
        }
    }
    /**
     * A service whose disk filled up under a nightly schedule: its health stayed DOWN and nothing more was done until the
     * next trigger (a day away), even once the disk had room. Now it looks again every avqa.schedule.recheck seconds (1
     * here); once the disk has avqa.management.min-free-disk free (the tmpfs made larger), one line says so and the run
     * resumes, every video complete and the health UP, with no trigger fired.
     */
    @Test
    void aServiceWhoseDiskFilledResumesOnceTheDiskHasRoomAgain(@TempDir Path tmp) throws Exception {
        Path data = tinyDisk(tmp);
        Path log = tmp.resolve("service.log");
        List<String> ids = List.of("roomagain0", "roomagain1", "roomagain2");
        List<String> args = oneWorkerRun(data, tmp.resolve("meta"), ids);
        withService(data, args, java.util.Map.of("AVQA_MANAGEMENT_MIN_FREE_DISK", "20M"), log, (service, base) -> {
            Fixture.await("the disk to fill up and the run to stop", 90_000,
                    () -> text(log).contains("Stopping the run: no space left on the disk holding " + data));
            awaitHealth("the health to say why, and that it looks again", base, log,
                    body -> body.contains("the run stopped: no space left") && body.contains("looked at again every 1 s"));
            assertTrue(!text(log).contains("the run resumes"), "nothing resumed while the disk is full: " + text(log));

            assertTrue(sh("mount", "-o", "remount,size=64m", data.toString()), "the tmpfs made larger");
            Fixture.await("the one line that says the disk has room again", 30_000, () -> text(log)
                    .contains("the disk holding " + data + " has room again ("));
            Fixture.await("the resumed run to complete every video", 90_000, () -> ids.stream()
                    .allMatch(id -> Files.isRegularFile(data.resolve("audio/" + id + ".wav"))));
            Fixture.await("the health to be UP again", 30_000,
                    () -> ManagementTest.get(base + "/observe/health").statusCode() == 200);
            String said = text(log);
            assertTrue(said.contains(" and takes writes: the run resumes"), said);
            assertTrue(!said.contains("Scheduled resume ("), "no trigger fired: " + said);
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("failed")), "no failure recorded");
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
            assertEquals(0, service.exitValue(), text(log));
        });
    }

    /**
     * A service whose run a full disk stopped, and whose videos folder was then moved off the disk to make room: the
     * run resumes once, and what stops it then (the folder replaced) is said as its own stop, for good - not hidden
     * behind the full disk's, which the service would otherwise resume again and again.
     */
    @Test
    void aFolderReplacedWhileAFullDiskStoppedTheRunIsSaidOnceTheRunResumes(@TempDir Path tmp) throws Exception {
        Path data = tinyDisk(tmp);
        Path log = tmp.resolve("service.log");
        List<String> args = oneWorkerRun(data, tmp.resolve("meta"), List.of("moved0", "moved1", "moved2"));
        withService(data, args, java.util.Map.of("AVQA_MANAGEMENT_MIN_FREE_DISK", "20M"), log, (service, base) -> {
            Fixture.await("the disk to fill up and the run to stop", 90_000,
                    () -> text(log).contains("Stopping the run: no space left on the disk holding " + data));
            Fixture.await("the run to have ended", 30_000, () -> ManagementTest.get(base + "/observe/health").body()
                    .contains("looked at again every 1 s"));

            // room made by moving the videos folder away (here: aside), the disk larger
            Files.move(data.resolve("videos"), data.resolve("videos.aside"));
            assertTrue(sh("mount", "-o", "remount,size=64m", data.toString()), "the tmpfs made larger");
            String folder = "the folder " + data.resolve("videos") + " was removed or replaced";
            awaitHealth("the health to say the folder's stop", base, log,
                    body -> body.contains("the run stopped: " + folder) && !body.contains("looked at again")
                            && body.contains(data.resolve("videos") + " is not there (moved or removed): put it back, "
                            + "or restart"));
            String said = text(log);
            assertEquals(1, said.lines().filter(l -> l.contains(": the run resumes")).count(), "resumed once: " + said);
            assertEquals(1, said.lines().filter(l -> l.contains(" ERROR ") && l.contains("Stopping the run: " + folder))
                    .count(), "said once, as the run's stop: " + said);
        });
    }

    /**
     * A service whose run's last write meets the full disk: the progress record, rewritten whole at the run's end, is
     * larger than the room left, though every video's own writes fitted. The run stops as at any write (not "failed",
     * to wait for the next trigger): the health says why and that it looks again, and once there is room the run
     * resumes and ends well.
     */
    @Test
    void aServiceWhoseRecordAtTheRunsEndMeetsAFullDiskResumesOnceThereIsRoom(@TempDir Path tmp) throws Exception {
        Path data = tinyDisk(tmp);
        Path log = tmp.resolve("service.log");
        assertTrue(sh("mount", "-o", "remount,size=16m", data.toString()));
        List<String> args = oneWorkerRun(data, tmp.resolve("meta"), List.of("snap0"));
        assertEquals(0, Fixture.run(args).exit());
        // a data set with many complete videos: a progress record of 100,000 ids (some 1.4 MB)
        StringBuilder json = new StringBuilder("{\"completed\": [\"snap0\"");
        for (int i = 0; i < 100_000; i++) {
            json.append(String.format(", \"other%07d\"", i));
        }
        Files.writeString(data.resolve("download_progress.json"), json.append("]}"));
        // and a video recorded since in the journal, which the record takes in when it is rewritten
        Files.writeString(data.resolve(".download_progress.journal"), "snap0\n");
        Path filler = data.resolve("filler");
        fillUp(filler);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(filler.toFile(), "rw")) {
            f.setLength(f.length() - 400 * 1024);
        }
        withService(data, args, java.util.Map.of("AVQA_MANAGEMENT_MIN_FREE_DISK", "1M",
                "AVQA_PROGRESS_SNAPSHOT_INTERVAL", "1"), log, (service, base) -> {
            awaitHealth("the health to say why, and that it looks again", base, log,
                    body -> body.contains("the run stopped: no space left on the disk holding " + data)
                            && body.contains("looked at again every 1 s"));
            assertTrue(!text(log).contains("The scheduled run failed"), text(log));
            // the record's rewrite every second (its timer) fails too, said in one line (the journal keeps all)
            String notRewritten = data.resolve("download_progress.json") + " could not be rewritten (";
            Fixture.await("the timer's rewrite to fail", 30_000, () -> text(log).contains(notRewritten));
            // an absence over time: two more ticks of the 1 s timer, which must not say it again
            Thread.sleep(2500);

            Files.delete(filler);
            Fixture.await("the run resumed and ended well", 60_000, () -> text(log).contains("Run finished"));
            awaitHealth("the health to be UP again", base, log, body -> body.startsWith("{\"status\":\"UP\""));
            String said = text(log);
            assertEquals(1, said.lines().filter(l -> l.contains("has room again (") && l.contains(": the run resumes"))
                    .count(), said);
            assertEquals(1, said.lines().filter(l -> l.contains(" ERROR ")).count(), "one ERROR line, the stop: " + said);
            assertEquals(1, said.lines().filter(l -> l.contains(" WARN ") && l.contains(notRewritten)).count(), said);
            for (String internal : List.of("Exception", "\tat ", "Message History", "Failed delivery")) {
                assertTrue(!said.contains(internal), "no \"" + internal + "\" in what the service said: " + said);
            }
        });
    }

    /** What a test does with its service: the process, and its management endpoint's base URL. */
    private interface WithService {
        void test(Process service, String base) throws Exception;
    }

    /**
     * A service of these arguments into {@code data} (the tiny disk): its trigger never fires, and a stop that can
     * clear is looked at again every second; stopped, and the disk unmounted, however the test ends.
     */
    private static void withService(Path data, List<String> args, java.util.Map<String, String> env, Path log,
                                    WithService test) throws Exception {
        Process service = null;
        try {
            int port = ManagementTest.freePort();
            List<String> all = new java.util.ArrayList<>(args);
            all.addAll(List.of("--schedule", "--cron", "0 0 2 1 1 ? 2099", "--management-port", String.valueOf(port)));
            java.util.Map<String, String> withRecheck = new java.util.HashMap<>(env);
            withRecheck.put("AVQA_SCHEDULE_RECHECK", "1");
            service = Fixture.startJvm(all, withRecheck, log);
            test.test(service, "http://127.0.0.1:" + port);
        } finally {
            if (service != null) {
                service.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
            sh("umount", "-l", data.toString());
        }
    }

    /**
     * Waits up to 30 s for the service's health (its JSON, slashes unescaped) to satisfy {@code ok}; when it does not,
     * says what the health said last, and the service's log.
     */
    private static void awaitHealth(String what, String base, Path log, java.util.function.Predicate<String> ok)
            throws Exception {
        String[] last = {null};
        try {
            Fixture.await(what, 30_000, () -> ok.test(last[0] = ManagementTest.get(base + "/observe/health").body()
                    .replace("\\/", "/")));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the health said: " + last[0] + "; the service: " + text(log));
        }
    }

    /** {@code file} written until its disk is full. */
    private static void fillUp(Path file) {
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[64 * 1024];
            for (;;) {
                out.write(block);
            }
        } catch (java.io.IOException e) {
            assertTrue(DiskFull.says(e.getMessage()), "the disk filled up: " + e.getMessage());
        }
    }

    /**
     * An archive by URL whose host sends a body that never ends, with no length and no validator (an adversarial
     * probe's): the disk filled, the run stopped, and the part stayed, the whole disk, never to be resumed; the next
     * run stopped at once on "no space left", the tool's own bytes the space it told the user to free. Now the part
     * is deleted as the disk fills, and the line says so and how else to have the archive; a part such a run left
     * before (an earlier version, a kill) is deleted as the next run starts, which then goes on, and --doctor names it.
     * A part that can be resumed (its host announced its length, and an ETag) stays when the disk fills, as ever.
     */
    @Test
    void anArchivePartThatCannotBeResumedIsDeletedWhenTheDiskFillsAndDoesNotHoldTheNextRun(@TempDir Path tmp)
            throws Exception {
        Path data = tinyDisk(tmp);
        try {
            Path meta = tmp.resolve("meta");
            List<String> args = oneWorkerRun(data, meta, List.of("diskarchive0"));
            byte[] rar = new byte[64 * 1024];
            new java.util.Random(7).nextBytes(rar);
            System.arraycopy(new byte[] {'R', 'a', 'r', '!', 0x1a, 0x07, 0x00}, 0, rar, 0, 7);
            Path archives = data.resolve("archives");

            try (ArchiveFetchTest.CloseDelimitedHost host = new ArchiveFetchTest.CloseDelimitedHost(rar, -1)) {
                List<String> withArchive = new java.util.ArrayList<>(args);
                withArchive.addAll(List.of("--import-archive", host.url()));
                Fixture.Outcome full = Fixture.run(withArchive);
                assertEquals(1, full.exit(), full.stderr());
                String line = full.stderr().strip();
                assertTrue(line.matches("avqa-downloader: run stopped early: no space left on the disk holding "
                        + java.util.regex.Pattern.quote(data.toString()) + ": the archive videos\\.rar from 127\\.0\\.0\\.1 "
                        + "sent more than the disk holds without saying its size \\(nothing to resume it under\\), and the "
                        + "[0-9.]+ [KM]iB that came were deleted: free some space and run again, or download it elsewhere "
                        + "\\(a browser, curl\\) and give the file to --import-archive; complete videos are kept"), line);
                assertFalse(PipelineTest.listNames(archives).stream().anyMatch(n -> n.endsWith(".part")), "the part deleted "
                        + "(its record, a few bytes, stays): " + PipelineTest.listNames(archives));
                assertTrue(Files.getFileStore(data).getUsableSpace() > 512 * 1024, "the space freed");
            }

            // a part that can be resumed stays when the disk fills, and as the next run starts: the line is a full disk's
            try (ArchiveHost host = new ArchiveHost()) {
                byte[] big = new byte[3 << 20];
                for (int i = 0; i < big.length; i += rar.length) {
                    System.arraycopy(rar, 0, big, i, Math.min(rar.length, big.length - i));
                }
                host.serve("big.rar", big, "v1");
                List<String> withArchive = new java.util.ArrayList<>(args);
                withArchive.addAll(List.of("--import-archive", host.shareUrl("big.rar")));
                Fixture.Outcome full = Fixture.run(withArchive);
                assertEquals(1, full.exit(), full.stderr());
                assertEquals("avqa-downloader: run stopped: no space left on the disk holding " + data + ": free some space "
                        + "and run again; complete videos are kept", full.stderr().strip());
                List<String> kept = PipelineTest.listNames(archives);
                assertTrue(kept.stream().anyMatch(n -> n.endsWith(".part")), "kept, to resume: " + kept);
                Fixture.Outcome again = Fixture.run(args);
                assertEquals(kept, PipelineTest.listNames(archives), "not deleted as a run starts: " + again.stderr());
                for (String name : kept) {
                    Files.delete(archives.resolve(name));
                }
            }

            // a part of no length and no validator left by an earlier run, on the full disk: --doctor names it, and the
            // next run deletes it and goes on
            Path part = archives.resolve("videos.rar.part");
            Files.writeString(archives.resolve("videos.rar.json"), "{\"url\":\"http://127.0.0.1:9/videos.rar\","
                    + "\"url_sha256\":\"" + ArchiveFiles.sha("http://127.0.0.1:9/videos.rar") + "\",\"etag\":null,"
                    + "\"last_modified\":null,\"length\":-1}");
            fillUp(part);
            List<String> doctor = new java.util.ArrayList<>(args);
            doctor.add("--doctor");
            Fixture.Outcome checked = Fixture.run(doctor);
            assertTrue(checked.stdout().contains("; archives/videos.rar.part ("), checked.stdout());
            assertTrue(checked.stdout().contains(") cannot be resumed (its host gave no size or validator): the next run "
                    + "deletes it"), checked.stdout());
            Fixture.Outcome next = Fixture.run(args);
            assertEquals(0, next.exit(), next.stderr());
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("Deleted archives/videos.rar.part ("),
                    "said");
            assertEquals(List.of("videos.rar.json"), PipelineTest.listNames(archives), "the part deleted, its record kept");
            assertTrue(Files.isRegularFile(data.resolve("videos/diskarchive0.mp4")), "the run went on");
        } finally {
            sh("umount", "-l", data.toString());
        }
    }

    /**
     * Whichever write of a run meets the full disk first - the record of a complete video, the list of an annotation
     * file's ids, as well as a download or a tool's output - stops the run as one it can resume: a service looks again
     * and resumes once the disk has room (the service's test above met this only when the record's write came first,
     * about one run in ten under load: its health then never said "looked at again").
     */
    @Test
    void theRecordsWritesStopTheRunAsOneAServiceResumesOnceTheDiskHasRoom(@TempDir Path tmp) throws Exception {
        Path data = tinyDisk(tmp);
        try {
            Files.createDirectories(data.resolve("metadata"));
            Path filler = data.resolve("filler");
            fillUp(filler);
            AnnotationReader.VideoIds ids = new AnnotationReader.VideoIds(java.util.Map.of("test", List.of("v1")),
                    List.of("v1"), List.of());
            for (String which : List.of("progress record", "list of ids")) {
                RunControl run = new RunControl();
                DiskFull diskFull = new DiskFull(data, run, 0);
                RunStoppedException stopped = org.junit.jupiter.api.Assertions.assertThrows(RunStoppedException.class,
                        () -> {
                            if (which.equals("progress record")) {
                                new ProgressBook(data, diskFull).markComplete("v1");
                            } else {
                                new AnnotationReader(true, diskFull).write(ids, data.resolve("metadata/avqa-test.json"));
                            }
                        }, which);
                String reason = "no space left on the disk holding " + data + ": free some space and run again;"
                        + " complete videos are kept";
                assertEquals(reason, stopped.getMessage(), which);
                assertEquals(reason, run.stopReason(), which + ": the run stopped");
                assertTrue(run.stopClears() != null, which + ": a stop a service looks at again");
                assertEquals(null, run.stopClears().get(), which + ": not cleared while the disk is full");
                Files.delete(filler);
                assertTrue(String.valueOf(run.stopClears().get()).startsWith("the disk holding " + data + " has room again ("),
                        which + ": cleared once it has room: " + run.stopClears().get());
                fillUp(filler);
            }
        } finally {
            sh("umount", "-l", data.toString());
        }
    }

    /**
     * A batch's yt-dlp that meets the full disk (found by an adversarial review): its stop escaped the run's end, which
     * then said no summary. Now the run ends as any stopped run does: one line, the summary, the rest pending.
     */
    @Test
    void aBatchWhoseYtDlpMeetsTheFullDiskStopsTheRunAsAnyStopDoes(@TempDir Path tmp) throws Exception {
        Path data = tinyDisk(tmp);
        try {
            List<String> ids = List.of("batchfull0", "batchfull1", "batchfull2");
            List<String> args = oneWorkerRun(data, tmp.resolve("meta"), ids);
            server.serve(ids.get(1), Fixture.clip("tone-12s", 12, true));
            // the large one (1.2 MB) is answered once the first is complete: yt-dlp, not an ffmpeg run, meets the full disk
            server.holdUntil(ids.get(1), () -> Files.isRegularFile(data.resolve("audio/" + ids.get(0) + ".wav")), 30_000);

            Fixture.Outcome full = Fixture.run(args);

            String said = full.stdout() + Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, full.exit(), said);
            assertTrue(said.contains("Downloading a batch of 3 videos"), said);
            assertTrue(said.contains("Stopping the run: no space left on the disk holding " + data), said);
            assertTrue(said.contains("No space left on device"), "yt-dlp's words: " + said);
            assertTrue(said.contains("Run stopped early: no space left on the disk holding " + data), said);
            assertEquals(List.of(ids.get(0) + ".wav"), PipelineTest.listNames(data.resolve("audio")));
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("failed")), "the rest wait, no failure recorded");
            assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "nothing partial left");
        } finally {
            sh("umount", "-l", data.toString());
        }
    }

    /**
     * The data directory taken from under a run: made read-only (a file system remounted after an error), or
     * removed. The run stops at once in one line of ours (no internals of Camel), and the removed one is never
     * made again and worked in without its lock.
     */
    /** Six videos served at 150 kB/s (slowly enough to act during the run), named {@code prefix0} to {@code prefix5}. */
    private List<String> sixPaced(String prefix) {
        List<String> ids = java.util.stream.IntStream.range(0, 6).mapToObj(i -> prefix + i).toList();
        for (String id : ids) {
            server.serve(id, clip);
        }
        server.pace(150_000);
        return ids;
    }

    @Test
    void aDataDirectoryMadeReadOnlyOrRemovedMidRunStopsTheRunInOneLine(@TempDir Path tmp) throws Exception {
        List<String> ids = sixPaced("taken");
        try {
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", ids);
            for (String how : List.of("removed", "read-only")) {
                Path data = tmp.resolve(how);
                List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
                args.addAll(List.of("--workers", "1"));
                Path out = tmp.resolve(how + ".out");
                Process p = Fixture.startJvm(args, java.util.Map.of(), out);
                Fixture.await("the first video complete", 60_000,
                        () -> Files.isRegularFile(data.resolve("audio/taken0.wav")));
                boolean bound = false;
                if (how.equals("removed")) {
                    // (rm -rf fails when the run writes a file meanwhile: once more then)
                    Fixture.await("the data directory removed", 20_000, () -> {
                        try {
                            return sh("rm", "-rf", data.toString()) || !Files.exists(data);
                        } catch (Exception e) {
                            return false;
                        }
                    });
                } else {
                    // bound and made read-only in one command, before the run opens anything through the new mount
                    // (a remount of a mount the run writes through is refused, EBUSY)
                    bound = sh("mount", "--bind", "-o", "ro", data.toString(), data.toString());
                    boolean bindMounted = bound || sh("mount", "--bind", data.toString(), data.toString());
                    for (int i = 0; bindMounted && !bound && i < 50; i++) {
                        bound = sh("mount", "-o", "remount,bind,ro", data.toString());
                        if (!bound) {
                            Thread.sleep(100);
                        }
                    }
                    if (bindMounted && !bound) {
                        for (int i = 0; i < 5 && sh("umount", "-l", data.toString()); i++) {
                            // every bind mount made there
                        }
                        fail("the data directory was bound but could not be made read-only (EBUSY for 5 s)");
                    }
                    if (!bound) {
                        System.err.println("SKIPPED: the read-only part of DiskTest needs mount (root, as CI has)");
                        p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                        continue;
                    }
                }
                try {
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS), how + ": the run stops");
                    String said = Files.readString(out);
                    assertEquals(1, p.exitValue(), said);
                    assertTrue(said.contains(how.equals("removed") ? "the data directory " + data + " was removed or replaced"
                            : "the data directory " + data + " can no longer be written"), said);
                    for (String internal : List.of("Exception", "exchangeId", "Message History", "a bug", "not expected")) {
                        assertTrue(!said.contains(internal), how + ": no " + internal + " in " + said);
                    }
                    if (how.equals("removed")) {
                        assertTrue(!Files.exists(data), "not made again, not even for the run's records: " + said);
                    }
                } finally {
                    // every mount there: a "mount --bind -o ro" whose remount was refused leaves its bind mount behind
                    // (under the one made after it), which would keep the folder from being deleted (EBUSY)
                    for (int i = 0; bound && i < 5 && sh("umount", "-l", data.toString()); i++) {
                        // once more, until nothing is mounted there
                    }
                }
            }
        } finally {
            server.pace(0);
        }
    }

    /**
     * A folder of the data directory taken from under a run: videos/ moved aside with a file left in its place,
     * or audio/ removed. The run stops in one line naming the folder and what to do, instead of fetching every
     * video left only to fail each as a bug; what it recorded complete is kept, and no video is recorded failed.
     */
    @Test
    void aPublishedFolderRemovedOrReplacedMidRunStopsTheRunInOneLine(@TempDir Path tmp) throws Exception {
        eachFolderPastTheFirstVideo(tmp, "folder", (folder, run, ids) -> {
            Path data = run.data();
            Process p = run.process();
            Path taken = data.resolve(folder);
            if (folder.equals("videos")) {
                Files.move(taken, data.resolve("videos.old"));
                Files.writeString(taken, "x\n");
            } else {
                // (rm -rf fails when the run writes a file meanwhile: once more then)
                Fixture.await("audio/ removed", 20_000, () -> {
                    try {
                        return sh("rm", "-rf", taken.toString()) || !Files.exists(taken);
                    } catch (Exception e) {
                        return false;
                    }
                });
            }

            assertTrue(p.waitFor(30, TimeUnit.SECONDS), folder + ": the run stops");
            String said = Files.readString(run.out());
            assertEquals(1, p.exitValue(), said);
            assertTrue(said.contains("the folder " + taken + " was removed or replaced while the run went: stopped; "
                    + "put it back"), said);
            for (String internal : List.of("Exception", "exchangeId", "Message History", "a bug", "Failed:")) {
                assertTrue(!said.contains(internal), folder + ": no " + internal + " in " + said);
            }
            // (distinct videos asked for: yt-dlp's generic extractor asks for a video more than once)
            long asked = server.hits().stream().skip(run.hitsBefore()).map(MediaServer.Hit::id)
                    .filter(java.util.Objects::nonNull).distinct().count();
            assertTrue(asked < ids.size(), folder + ": not every video fetched (" + asked + " asked for): " + said);
            assertTrue(Fixture.readJson(data.resolve("download_progress.json")).path("completed").toString()
                    .contains("folder0"), folder + ": progress kept");
            assertNoFailureRecorded(data, folder);
        });
    }

    /**
     * A folder of the data directory made read-only under a run (videos/ or audio/ bind-mounted read-only over itself,
     * as a share remounted read-only after an error): the run stops in one line naming that folder, not the data
     * directory (which is writable still), and no video is recorded failed.
     */
    @Test
    void aFolderMadeReadOnlyMidRunIsNamedInTheLineThatStopsTheRun(@TempDir Path tmp) throws Exception {
        eachFolderPastTheFirstVideo(tmp, "rofolder", (folder, run, ids) -> {
            Path ro = run.data().resolve(folder);
            // bound and made read-only in one command (a remount of a mount the run already writes through is refused)
            boolean bound = sh("mount", "--bind", "-o", "ro", ro.toString(), ro.toString())
                    || sh("mount", "--bind", ro.toString(), ro.toString()) && sh("mount", "-o", "remount,bind,ro", ro.toString());
            if (!bound) {
                sh("umount", "-l", ro.toString());
                run.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                System.err.println("SKIPPED: DiskTest's read-only folder needs mount (root, as CI has)");
                assumeTrue(false, "cannot bind-mount a folder read-only here");
            }
            try {
                assertTrue(run.process().waitFor(60, TimeUnit.SECONDS), folder + ": the run stops");
                String said = Files.readString(run.out());
                assertEquals(1, run.process().exitValue(), said);
                assertTrue(said.contains("the folder " + ro + " became read-only: make it writable and run again"), said);
                assertTrue(!said.contains("the file system holding " + run.data() + " "), said);
                assertNoFailureRecorded(run.data(), folder);
            } finally {
                sh("umount", "-l", ro.toString());
            }
        });
    }

    /**
     * An archive imported onto a nearly full disk (a tmpfs with room for about one video and its WAV): its entries are
     * imported one at a time, so what fits is made complete before the disk fills, and the next run goes on from there.
     * Before, the entries written ahead and their WAVs made side by side filled the disk with halves: every run stopped at
     * "no space left" with none complete (a probe's finding).
     */
    @Test
    void anImportOntoANearlyFullDiskKeepsWhatFits(@TempDir Path tmp) throws Exception {
        Path data = tinyDisk(tmp);
        try {
            List<String> ids = List.of("fitone0", "fitone1", "fitone2", "fitone3");
            java.util.Map<String, Path> entries = new java.util.LinkedHashMap<>();
            ids.forEach(id -> entries.put(id + ".mp4", clip));
            Path zip = tmp.resolve("videos.zip");
            ArchiveMaker.zip(ArchiveMaker.folder(tmp, "videos", entries), zip);
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", ids);
            List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
            args.addAll(List.of("--workers", "1", "--import-archive", zip.toString()));

            Fixture.Outcome full = Fixture.run(args);

            String said = full.stderr() + Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, full.exit(), said);
            assertTrue(full.stderr().contains("no space left on the disk holding " + data), said);
            assertTrue(said.contains("free on the disk of " + data + ": the archive's entries are imported one at a time, "
                    + "each made complete before the next is written out"), said);
            List<String> videos = PipelineTest.listNames(data.resolve("videos"));
            assertFalse(videos.isEmpty(), "what fits is complete: " + said);
            for (String name : videos) {
                String id = name.replace(".mp4", "");
                assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, "with its audio: " + id);
            }
            assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")), "nothing partial left");
        } finally {
            sh("umount", "-l", data.toString());
        }
    }

    /**
     * A video's failure whose record cannot be written (here a folder stands where failed/<id>.json goes; a
     * failed/ made immutable under a run fails the same way) is said in one line of ours, not in Camel's
     * ("Exception occurred while trying to handle previously thrown exception on exchangeId …"): a download's
     * failure (the dead-letter channel) and an id that is no id (recorded without a request). Each stays
     * pending, the run ends with 1 and keeps the count in runs/, and the next run records their failures.
     */
    @Test
    void aFailureWhoseRecordCannotBeWrittenIsSaidInOneLineAndTheVideoStaysPending(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path meta = tmp.resolve("meta");
        String noId = "no id";
        List<String> args = oneWorkerRun(data, meta, List.of("unrecorded1", "recorded01", noId));
        server.failAlways("unrecorded1", MediaServer.Fault.NOT_FOUND);
        server.failAlways("recorded01", MediaServer.Fault.NOT_FOUND);
        String noIdRecord = new FailureRecords(new Workspace(data, "mp4", "wav")).fileName(noId);
        List<Path> inTheWay = List.of(data.resolve("failed/unrecorded1.json"), data.resolve("failed").resolve(noIdRecord));
        for (Path folder : inTheWay) {
            Files.writeString(Files.createDirectories(folder).resolve("keep"), "a folder where the record goes");
        }
        try {
            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, outcome.exit(), log);
            for (String id : List.of("unrecorded1", noId)) {
                assertTrue(log.lines().anyMatch(l -> l.contains(" ERROR ") && l.contains(id + ": its failure could not be "
                        + "recorded in failed/ (") && l.contains("); it stays pending, and the next run tries it again")), log);
            }
            assertTrue(log.contains("2 videos failed, and their failures could not be recorded in failed/"), log);
            assertTrue(!log.contains("exchangeId") && !log.contains("previously thrown exception")
                    && !log.contains("Failed delivery") && !log.contains("this was not expected"), log);
            assertTrue(log.contains("not complete: {pending=1, permanent=1}"), "the download's: " + log);
            assertTrue(log.lines().anyMatch(l -> l.contains("invalid id:") && l.endsWith("not complete: {pending=1}")), log);
            assertTrue(Files.isRegularFile(data.resolve("failed/recorded01.json")), "the other one is recorded");
            try (java.util.stream.Stream<Path> runs = Files.list(data.resolve("runs"))) {
                com.fasterxml.jackson.databind.JsonNode kept = Fixture.readJson(runs.findFirst().orElseThrow());
                assertEquals(2, kept.get("failures_not_recorded").asInt(), kept.toString());
            }

            for (Path folder : inTheWay) {
                Files.delete(folder.resolve("keep"));
                Files.delete(folder);
            }
            int hits = server.hits("unrecorded1").size();
            assertEquals(1, Fixture.run(args).exit());
            assertTrue(server.hits("unrecorded1").size() > hits, "pending: requested again");
            assertEquals("permanent", Fixture.readJson(data.resolve("failed/unrecorded1.json")).get("category").asText());
            assertEquals("invalid-id", Fixture.readJson(data.resolve("failed").resolve(noIdRecord)).get("category").asText());
        } finally {
            server.failAlways("unrecorded1", null);
            server.failAlways("recorded01", null);
        }
    }

    /** A run in a JVM of its own (one worker): its data directory, its output, and the server's requests before it. */
    private record Started(Path data, Path out, Process process, int hitsBefore) {
    }

    /** What a test does to a folder of a run, and checks. */
    private interface FolderCheck {
        void check(String folder, Started run, List<String> ids) throws Exception;
    }

    /**
     * For videos/ and audio/ in turn: a run of six paced videos ({@code prefix0} …) into {@code tmp/<folder>-<prefix>},
     * handed to {@code check} once its first video is complete.
     */
    private void eachFolderPastTheFirstVideo(Path tmp, String prefix, FolderCheck check) throws Exception {
        List<String> ids = sixPaced(prefix);
        try {
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", ids);
            for (String folder : List.of("videos", "audio")) {
                Path data = tmp.resolve(folder + "-" + prefix);
                List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
                args.addAll(List.of("--workers", "1"));
                Path out = tmp.resolve(folder + "-" + prefix + ".out");
                int before = server.hits().size();
                Process p = Fixture.startJvm(args, java.util.Map.of(), out);
                Fixture.await("the first video complete", 60_000, () -> text(out).contains("Complete: " + ids.get(0)));
                check.check(folder, new Started(data, out, p, before), ids);
            }
        } finally {
            server.pace(0);
        }
    }

    private static void assertNoFailureRecorded(Path data, String folder) throws java.io.IOException {
        assertEquals("{ }", Files.readString(data.resolve("failed_downloads.json")).strip(), folder);
        try (java.util.stream.Stream<Path> records = Files.list(data.resolve("failed"))) {
            assertEquals(0, records.count(), folder + ": no failure recorded");
        }
    }

    private static String text(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
