package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.SettingsTable;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --import-archive URL}: a share link that redirects to the file, a download killed half-way and
 * resumed with a Range request guarded by If-Range, an archive that changed meanwhile, a download that
 * stays short; all against a file host on 127.0.0.1, with the real rar and bsdtar.
 */
class ArchiveFetchTest extends LoopbackServerTest {

    static final List<String> IDS = List.of("00000001", "00000002", "00000003");

    static byte[] rarOf(Path tmp, String name, Path video) throws Exception {
        Map<String, Path> entries = new LinkedHashMap<>();
        IDS.forEach(id -> entries.put(id + ".mp4", video));
        Path src = ArchiveMaker.folder(tmp, name, entries);
        Path rar = tmp.resolve(name + ".rar");
        ArchiveMaker.rar(src, rar);
        return Files.readAllBytes(rar);
    }

    /** The RAR of the three videos most tests serve, with their annotations in {@code tmp/meta}. */
    static byte[] videosRar(Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        Fixture.annotations(tmp.resolve("meta"), "test", IDS);
        return rarOf(tmp, "videos", clip);
    }

    static List<String> args(Path data, Path meta, String url) {
        List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
        args.addAll(List.of("--import-archive", url));
        return args;
    }

    static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** A run killed (SIGKILL) once a third of videos.rar is here. */
    static void killedAfterAThird(List<String> args, Path data, long length, Path tmp) throws Exception {
        Process first = Fixture.startJvm(args, Map.of(), tmp.resolve("first.log"));
        Fixture.await("a third of the archive", 60_000, () -> size(data.resolve("archives/videos.rar.part")) > length / 3);
        first.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }

    /**
     * A run from the host's share link of videos.rar (served already) cut short after {@code bytes}, one attempt: its
     * first bytes are here as a part; returns the run's options (one attempt).
     */
    static List<String> partHere(ArchiveHost host, Path data, Path meta, long bytes) {
        host.cutAfter(bytes);
        List<String> args = args(data, meta, host.shareUrl("videos.rar"));
        args.set(args.indexOf("--retry-attempts") + 1, "1");
        Fixture.run(args);
        assertEquals(bytes, size(data.resolve("archives/videos.rar.part")), "a part is here");
        return args;
    }

    /**
     * A .tar.gz whose host says it is gzip-compressed on the way (Content-Encoding: gzip, as Apache's AddEncoding x-gzip
     * .gz does) and sends the file's own bytes, its ranges too: kept as it comes, the gzip file itself, so a download
     * broken off resumes where it broke (it was decoded as it came, and a resume, "compressed on the way", started over
     * every time: a large one never came whole).
     */
    @Test
    void aTarGzServedWithItsTypeAsAnEncodingIsKeptAsItComesAndResumes(@TempDir Path tmp) throws Exception {
        Map<String, Path> entries = new LinkedHashMap<>();
        IDS.forEach(id -> entries.put(id + ".mp4", clip));
        Path src = ArchiveMaker.folder(tmp, "videos", entries);
        Path tar = tmp.resolve("videos.tar");
        ArchiveMaker.tar(src, tar);
        Path tgz = tmp.resolve("videos.tar.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(tgz))) {
            Files.copy(tar, out);
        }
        byte[] archive = Files.readAllBytes(tgz);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.tar.gz", archive, "t1").gzipInName().cutAfter(archive.length / 3 + 1);
            List<String> args = args(data, meta, host.shareUrl("videos.tar.gz"));
            args.set(args.indexOf("--retry-attempts") + 1, "5");

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(-1L, java.util.Arrays.mismatch(archive, Files.readAllBytes(data.resolve("archives/videos.tar.gz"))),
                    "the gzip file itself, as it came");
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            assertTrue(files.stream().anyMatch(r -> r.status() == 206), "resumed where it broke: " + files);
            assertTrue(host.bytesSent() <= archive.length + (1 << 20), "sent " + host.bytesSent() + " for " + archive.length);
        }
    }

    @Test
    void aShareLinkIsFollowedAKilledDownloadResumesAndACompleteArchiveIsNotFetchedAgain(@TempDir Path tmp)
            throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").pace(150_000);
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));

            killedAfterAThird(args, data, archive.length, tmp);
            assertFalse(Files.exists(data.resolve("archives/videos.rar")), "a partial download never has the final name");

            host.pace(0);
            Fixture.Outcome resumed = Fixture.run(args);

            assertEquals(0, resumed.exit(), resumed.stderr());
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            assertTrue(host.bytesSent() <= archive.length + (1 << 20), "sent " + host.bytesSent() + " bytes in all for "
                    + archive.length);
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            ArchiveHost.Request resume = files.get(files.size() - 1);
            assertTrue(resume.range() != null && resume.range().startsWith("bytes=") && !resume.range().equals("bytes=0-"),
                    "resumed with a Range: " + files);
            assertEquals("\"v1\"", resume.ifRange(), "guarded by the validator");
            assertEquals(206, resume.status());
            assertTrue(host.requests().stream().anyMatch(r -> r.path().startsWith("/share/") && r.status() == 302),
                    "the share link redirected to the file");
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("Resuming the archive videos.rar"));

            // a complete archive is not fetched again: a lost video comes back from it, with no request
            int requests = host.requests().size();
            Files.delete(data.resolve("videos/00000002.mp4"));
            Files.delete(data.resolve("audio/00000002.wav"));
            assertEquals(0, Fixture.run(args).exit());
            assertEquals(requests, host.requests().size(), "no request for an archive that is here");
            assertTrue(Fixture.probe(data.resolve("videos/00000002.mp4"))[0] > 2.5);
        }
    }

    @Test
    void aHostWhoseResumeSendsOtherBytesThanItNamesIsCaughtAndTheArchiveFetchedWhole(@TempDir Path tmp)
            throws Exception {
        ArchiveMaker.need("bsdtar");
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").pace(150_000);
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            killedAfterAThird(args, data, archive.length, tmp);
            long had = size(data.resolve("archives/videos.rar.part"));

            // the resume is answered 206 with the Content-Range asked for, and the file's bytes from its start
            host.pace(0).rangesFromStart();
            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")), "the archive as its host has it");
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            ArchiveHost.Request resume = files.get(files.size() - 2);
            assertEquals("bytes=" + (had - ArchiveFetch.OVERLAP) + "-", resume.range(),
                    "the resume asked again for the last bytes here: " + files);
            assertEquals(null, files.get(files.size() - 1).range(), "then the whole file, without resuming: " + files);
            assertTrue(Files.readString(data.resolve("avqa_download.log"))
                    .contains("answered the resume with other bytes than those here for the part it named"), outcome.stdout());
        }
    }

    @Test
    void anArchiveThatChangedOnTheServerIsFetchedWholeAgain(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        byte[] v1 = rarOf(tmp, "old", clip);
        byte[] v2 = rarOf(tmp, "new", Fixture.clip("tone-8s", 8, true));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", v1, "v1").pace(150_000);
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            Process first = Fixture.startJvm(args, Map.of(), tmp.resolve("first.log"));
            Fixture.await("part of the old archive", 60_000, () -> size(data.resolve("archives/videos.rar.part")) > v1.length / 4);
            first.destroyForcibly().waitFor(20, TimeUnit.SECONDS);

            host.serve("videos.rar", v2, "v2").pace(0);
            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            assertEquals(200, files.get(files.size() - 1).status(), "the If-Range no longer held: the whole new file");
            assertEquals(v2.length, Files.size(data.resolve("archives/videos.rar")));
            assertEquals(8.0, Fixture.probe(data.resolve("videos/00000001.mp4"))[0], 0.2, "the new archive's video");
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("changed on the server"));
        }
    }

    @Test
    void aDownloadThatStaysShortIsNeverImportedAndTheRunSaysWhy(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            // each answer cut after 40,000 bytes: a resume's brings fewer than 64 KiB new (it asks again for 16 KiB), no progress
            host.serve("videos.rar", archive, "v1").cutAfter(40_000);

            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.shareUrl("videos.rar")));

            assertFalse(Files.exists(data.resolve("archives/videos.rar")), "never under its final name");
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("videos")), "nothing imported from a short file");
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("The archive at " + host.shareUrl("videos.rar") + " could not be fetched (")
                    && log.contains("a later attempt resumes there"), log);
            assertTrue(log.contains("a later attempt resumes there; last error: the answer was cut short: it announced "),
                    "what the client saw, after our words, in our words too: " + log);
            assertFalse(log.contains("free on the disk holding"), "an archive that fits is not said to be too large: " + log);
            assertFalse(outcome.stderr().contains("Exception"), outcome.stderr());
            // its videos have no other source (no-source alone fails no run): the archive the user named fails it
            assertEquals(1, outcome.exit(), outcome.stderr());
            assertTrue(log.contains("1 archive given with --import-archive could not be fetched ("
                    + host.shareUrl("videos.rar") + "): their videos were not imported"), log);
            assertEquals(3, host.requests().stream().filter(r -> r.path().startsWith("/files/")).count(),
                    "--retry-attempts 3, each resuming where the last stopped");
        }
    }

    @Test
    void anArchiveLargerThanTheFreeDiskIsSaidBeforeItsBytesComeByTheDoctorAndByTheRun(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        // the doctor estimates from the annotations a run already fetched
        Fixture.annotations(data.resolve("metadata"), "test", IDS);
        long free = Files.getFileStore(tmp).getUsableSpace();
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1");
            List<String> doctor = args(data, meta, host.shareUrl("videos.rar"));
            doctor.add("--doctor");
            Fixture.Outcome fits = Fixture.run(doctor);
            String archiveLine = DoctorTest.line(fits, "archive");
            assertTrue(archiveLine.startsWith("OK") && archiveLine.contains("answers (" + ArchiveFetch.human(archive.length) + ")"),
                    fits.stdout());
            assertTrue(DoctorTest.line(fits, "disk").startsWith("OK")
                    && DoctorTest.line(fits, "disk").contains("the archives still to come, " + ArchiveFetch.human(archive.length)),
                    fits.stdout());

            // a host that announces twice the free disk (and sends 100 KB an answer)
            long announced = 2 * free;
            host.announce(announced).cutAfter(100_000);
            Fixture.Outcome tooLarge = Fixture.run(doctor);
            assertEquals(1, tooLarge.exit(), tooLarge.stdout());
            String disk = DoctorTest.line(tooLarge, "disk");
            assertTrue(disk.startsWith("FAIL") && disk.contains("the archives still to come, " + ArchiveFetch.human(announced))
                    && disk.contains("free some space"), tooLarge.stdout());

            Fixture.Outcome run = Fixture.run(args(data, meta, host.shareUrl("videos.rar")));
            assertFalse(run.stderr().contains("Exception"), run.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("free on the disk holding " + data.resolve("archives") + ", less than the ")
                    && log.contains(" still to come of the archive videos.rar: the download stops when the disk is full"), log);
            assertEquals(1, log.split("free on the disk holding", -1).length - 1, "said once, not at each attempt: " + log);
            long part = size(data.resolve("archives/videos.rar.part"));
            assertTrue(part >= 100_000, "what came is kept: " + part);
            assertFalse(Files.exists(data.resolve("archives/videos.rar")), "never under its final name");

            // the doctor counts what is still to come: the announced length less the part
            String left = DoctorTest.line(Fixture.run(doctor), "archive");
            assertTrue(left.contains("answers (" + ArchiveFetch.human(announced) + ", "
                    + ArchiveFetch.human(announced - part) + " still to come)"), left);

            // with every planned video here, a run fetches no archive: the disk check counts none
            for (String id : IDS) {
                Files.createDirectories(data.resolve("videos"));
                Files.write(data.resolve("videos/" + id + ".mp4"), new byte[] {0});
            }
            Fixture.Outcome allHere = Fixture.run(doctor);
            assertTrue(DoctorTest.line(allHere, "disk").startsWith("OK")
                    && !DoctorTest.line(allHere, "disk").contains("archives"), allHere.stdout());
        }
    }

    @Test
    void aStopWhileAnArchiveWaitsForItsRetryEndsTheRunAtOnceAndKeepsWhatCame(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            // (fewer than 64 KiB: an answer cut short that brought more would start the count over, its pause the same)
            host.serve("videos.rar", archive, "v1").cutAfter(40_000);
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            args.set(args.indexOf("--backoff") + 1, "30");
            Path log = tmp.resolve("run.log");
            Process p = Fixture.startJvm(args, Map.of(), log);
            // the first answer broke off; the retry waits its 30 s backoff before it asks again
            Fixture.await("the retry", 60_000, () -> ServiceTest.read(log).contains("is tried again after a pause (attempt 2)"));

            p.destroy();

            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped without waiting out the backoff: " + ServiceTest.read(log));
            assertEquals(143, p.exitValue(), ServiceTest.read(log));
            assertTrue(ServiceTest.read(log).contains("Run stopped early"), ServiceTest.read(log));
            assertEquals(1, host.requests().stream().filter(r -> r.path().startsWith("/files/")).count(),
                    "no request after the stop: " + host.requests());
            assertTrue(size(data.resolve("archives/videos.rar.part")) >= 40_000, "what came is kept");
            assertFalse(Files.exists(data.resolve("archives/videos.rar")), "never under its final name");
        }
    }

    @Test
    void anArchiveWhoseHostAnnouncesNoLengthCountsOnlyWhenItReadsToItsEnd(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");

        try (CloseDelimitedHost host = new CloseDelimitedHost(archive, archive.length)) {
            Path data = tmp.resolve("whole");
            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.url()));
            assertEquals(0, outcome.exit(), outcome.stderr());
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("The host announced no length for "
                    + "videos.rar; the"), "said once");
        }

        try (CloseDelimitedHost host = new CloseDelimitedHost(archive, archive.length / 2)) {
            Path data = tmp.resolve("cut");
            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.url()));
            assertFalse(Files.exists(data.resolve("archives/videos.rar")), "never under its final name");
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("videos")), "nothing imported from a short file");
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("do not read as a whole archive (cut short?)"), log);
            assertTrue(log.contains("no ETag, Last-Modified or length to resume under, so a later attempt fetches it whole again"),
                    "no promise of a resume it cannot make: " + log);
            assertFalse(outcome.stderr().contains("Exception"), outcome.stderr());
            assertEquals(3, host.requests(), "--retry-attempts 3");
        }

        // cut between two entries (here: after the last video, before the end block): bsdtar and unrar read it
        // without an error, yet it is not whole
        try (CloseDelimitedHost host = new CloseDelimitedHost(archive, archive.length - 8)) {
            Path data = tmp.resolve("cut-between-entries");
            Fixture.run(args(data, meta, host.url()));
            assertFalse(Files.exists(data.resolve("archives/videos.rar")), "never under its final name");
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("videos")), "nothing imported from a short file");
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("do not read as a whole archive (cut short?)"), log);
        }
    }

    /**
     * A host that compresses the archive on the way (Content-Encoding: gzip), though asked not to: what is kept
     * is the archive itself, decoded, checked to its end as one of no announced length, and imported.
     */
    @Test
    void anArchiveCompressedOnTheWayIsKeptDecodedAndImported(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").gzip();

            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.shareUrl("videos.rar")));

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(-1L, java.util.Arrays.mismatch(archive, Files.readAllBytes(data.resolve("archives/videos.rar"))),
                    "the archive, not its compressed form");
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("The host of videos.rar sends it compressed (gzip), though asked not to"), log);
        }
    }

    /**
     * An archive compressed twice on the way ({@code Content-Encoding: gzip, gzip}, or the header twice): both undone,
     * the archive kept and imported, never its still-encoded bytes under its name. One compressed once whose host says
     * gzip twice (two lines) is undone once: what the data is decides (it failed as not gzip data every attempt).
     */
    @Test
    void anArchiveCompressedTwiceOnTheWayIsDecodedTwice(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        for (String how : List.of("one line", "two lines", "once, said twice")) {
            Path data = tmp.resolve("data-" + how.replace(' ', '-').replace(",", ""));
            try (ArchiveHost host = new ArchiveHost()) {
                ArchiveHost served = host.serve("videos.rar", archive, "v1");
                if (how.startsWith("once")) {
                    served.gzipOnceSaidTwice();
                } else {
                    served.gzipTwice(how.equals("two lines"));
                }

                Fixture.Outcome outcome = Fixture.run(args(data, tmp.resolve("meta"), host.shareUrl("videos.rar")));

                String log = Files.readString(data.resolve("avqa_download.log"));
                assertEquals(0, outcome.exit(), log);
                assertEquals(-1L, java.util.Arrays.mismatch(archive, Files.readAllBytes(data.resolve("archives/videos.rar"))),
                        "the archive, not its compressed form");
                for (String id : IDS) {
                    assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
                }
                assertTrue(log.contains("The host of videos.rar sends it compressed (gzip, gzip), though asked not to"), log);
            }
        }
    }

    /**
     * A host that compresses the archive on the way with a coding this tool does not undo (zstd, br), though asked for
     * none: one line in our words, nothing kept, tried again (it was kept compressed and called damaged, with advice to
     * delete it and fetch it again, every run). One that only says so, and sends the archive as it is, is kept.
     */
    @Test
    void anArchiveCompressedOnTheWayInACodingNotUndoneIsNotKept(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        for (String coding : List.of("zstd", "br")) {
            Path data = tmp.resolve("data-" + coding);
            try (ArchiveHost host = new ArchiveHost()) {
                host.serve("videos.rar", archive, "v1").unknownCoding(coding, true);

                Fixture.Outcome outcome = Fixture.run(args(data, tmp.resolve("meta"), host.shareUrl("videos.rar")));

                String log = Files.readString(data.resolve("avqa_download.log"));
                assertEquals(1, outcome.exit(), log);
                assertTrue(log.contains("could not be fetched (the host of videos.rar sends it compressed on the way "
                        + "(Content-Encoding: " + coding + "), which this tool does not undo (it asks for none); it is not "
                        + "kept, and a later attempt asks again); it is not imported"), log);
                assertFalse(log.contains("damaged"), log);
                assertEquals(List.of(), PipelineTest.listNames(data.resolve("archives")), "nothing kept");
            }
        }
        Path data = tmp.resolve("data-said");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").unknownCoding("zstd", false);

            Fixture.Outcome outcome = Fixture.run(args(data, tmp.resolve("meta"), host.shareUrl("videos.rar")));

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), log);
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
            assertTrue(log.contains("The host of videos.rar says it sends it compressed on the way (Content-Encoding: "
                    + "zstd), but it comes as it is, a RAR archive: it is kept as it comes"), log);
        }
    }

    /**
     * A host that says it compresses the archive (Content-Encoding: gzip) but sends it as it is: what the body is
     * decides, and it starts as a RAR does, so it is kept as it comes and imported. One that sends text, or nothing,
     * so labelled: one line in our words (not Java's "Not in GZIP format", nor "an unexpected error"), tried again,
     * nothing kept.
     */
    @Test
    void anArchiveSaidToBeCompressedThatIsNotIsSaidInOurWordsAndTriedAgain(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").serve("empty.rar", new byte[0], "e1")
                    .serve("busy.rar", "Service busy\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "b1").gzipInName();
            Path kept = tmp.resolve("data-kept");
            Fixture.Outcome taken = Fixture.run(args(kept, meta, host.shareUrl("videos.rar")));
            String keptLog = Files.readString(kept.resolve("avqa_download.log"));
            assertEquals(0, taken.exit(), taken.stderr() + keptLog);
            assertTrue(keptLog.contains("The host of videos.rar says it sends it compressed on the way (Content-Encoding: "
                    + "gzip), but it comes as it is, a RAR archive: it is kept as it comes"), keptLog);
            Map<String, String> said = Map.of("busy.rar", "the host of busy.rar says it sends it compressed "
                    + "(Content-Encoding: gzip), but what came does not start as gzip data does; a later attempt asks again",
                    "empty.rar", "the host of empty.rar says it sends it compressed (Content-Encoding: gzip), but what came "
                    + "does not start as gzip data does (it ended first); a later attempt asks again");
            for (Map.Entry<String, String> served : said.entrySet()) {
                Path data = tmp.resolve("data-" + served.getKey());
                int asked = host.requests().size();

                Fixture.Outcome outcome = Fixture.run(args(data, meta, host.shareUrl(served.getKey())));

                assertEquals(1, outcome.exit(), outcome.stderr());
                String log = Files.readString(data.resolve("avqa_download.log"));
                assertTrue(log.contains("could not be fetched (" + served.getValue() + "); it is not imported"), log);
                assertEquals(6, host.requests().size() - asked, "--retry-attempts 3, each a redirect and a request");
                assertEquals(List.of(), PipelineTest.listNames(data.resolve("archives")), "nothing kept");
            }
            // a refusal (403) whose page is said to be compressed and is not: its status says it
            host.drivePage("Quota exceeded.").drivePageStatus(403);
            Path data = tmp.resolve("data-refused");

            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.driveUrl("videos.rar")));

            assertEquals(1, outcome.exit(), outcome.stderr());
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("could not be fetched (the source "
                    + "answered HTTP 403); it is not imported"), outcome.stdout());
        }
    }

    /**
     * A host that trickles (under avqa.archive.speed-limit for avqa.archive.speed-time) is given up for now,
     * each attempt resuming where the last stopped; what came is kept, and the next run finishes it.
     */
    @Test
    void anArchiveThatTricklesIsGivenUpForNowAndResumedLater(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Map<String, String> slowIsBelow = Map.of("AVQA_ARCHIVE_SPEED_LIMIT", "100K", "AVQA_ARCHIVE_SPEED_TIME", "2");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").pace(20_000);
            String url = host.shareUrl("videos.rar");

            Fixture.Outcome slow = Fixture.run(args(data, meta, url), slowIsBelow);

            assertEquals(1, slow.exit(), slow.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("went slower than avqa.archive.speed-limit (100.0 KiB/s) for 2."), log);
            assertFalse(Files.exists(data.resolve("archives/videos.rar")));
            long kept = size(data.resolve("archives/videos.rar.part"));
            assertTrue(kept > 0 && kept < archive.length, "what came is kept: " + kept);
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            assertEquals(3, files.size(), "--retry-attempts 3: " + files);
            assertTrue(files.get(1).range() != null && files.get(2).range() != null, "each attempt resumes: " + files);

            host.pace(0);
            Fixture.Outcome fast = Fixture.run(args(data, meta, url), slowIsBelow);

            assertEquals(0, fast.exit(), fast.stderr());
            assertEquals(-1L, java.util.Arrays.mismatch(archive, Files.readAllBytes(data.resolve("archives/videos.rar"))));
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size());
        }
    }

    /**
     * A Google Drive-like link to a large file answers with a page asking to confirm the download: its form is
     * followed and the archive imported. When the page says Drive will not give the file (its quota), the run
     * says so in Drive's words, transient, and nothing is kept.
     */
    @Test
    void aDriveLinksConfirmationPageIsFollowedAndItsQuotaErrorSaid(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("1AbCdEfGh", archive, "v1").drivePage(null);
            Path data = tmp.resolve("confirmed");
            List<String> oneAttempt = args(data, meta, host.driveUrl("1AbCdEfGh"));
            oneAttempt.addAll(List.of("--retry-attempts", "1"));

            // confirmed in the same attempt: one attempt is enough
            Fixture.Outcome outcome = Fixture.run(oneAttempt);

            assertEquals(0, outcome.exit(), outcome.stderr());
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("answered with a page that asks to confirm the download (as Google Drive does for a file "
                    + "it cannot scan for viruses): confirmed"), log);
            assertTrue(host.requests().stream().anyMatch(r -> r.path().equals("/download") && r.status() == 200),
                    "the form's URL gave the file: " + host.requests());
        }
        try (ArchiveHost host = new ArchiveHost()) {
            String quota = "Too many users have viewed or downloaded this file recently. Please try accessing the file "
                    + "again later.";
            host.serve("1AbCdEfGh", archive, "v1").drivePage(quota);
            Path data = tmp.resolve("quota");

            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.driveUrl("1AbCdEfGh")));

            assertEquals(1, outcome.exit(), outcome.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("which says: " + quota), log);
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("archives")), "nothing kept");
        }
        // the same page under 403: Drive's words, and tried again as any passing refusal
        try (ArchiveHost host = new ArchiveHost()) {
            String quota = "Too many users have viewed or downloaded this file recently.";
            host.serve("1AbCdEfGh", archive, "v1").drivePage(quota).drivePageStatus(403);
            Path data = tmp.resolve("quota403");

            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.driveUrl("1AbCdEfGh")));

            assertEquals(1, outcome.exit(), outcome.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("the link answered HTTP 403 with a page instead of uc-") && log.contains("which says: " + quota),
                    log);
            assertTrue(host.requests().stream().filter(r -> r.path().equals("/uc")).count() > 1,
                    "tried again: " + host.requests());
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("archives")), "nothing kept");
        }
    }

    /**
     * Drive's older confirmation page, a download link instead of a form: followed as its form would be (it was
     * taken for a sign-in page: "not shared with anyone who has the link", and nothing fetched). A viewer link's
     * resource key (files shared by link before 2021 are only given with it) is carried to the download link.
     */
    @Test
    void aDrivePagesDownloadLinkIsFollowedAndAViewerLinksResourceKeyKept(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("1AbCdEfGh", archive, "v1").drivePageWithLink();
            Path data = tmp.resolve("confirmed");
            List<String> oneAttempt = args(data, meta, host.driveUrl("1AbCdEfGh"));
            oneAttempt.addAll(List.of("--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(oneAttempt);

            assertEquals(0, outcome.exit(), outcome.stderr() + Files.readString(data.resolve("avqa_download.log")));
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            assertTrue(host.requests().stream().anyMatch(r -> r.path().equals("/download") && r.status() == 200),
                    "the page's link gave the file: " + host.requests());
        }
        assertEquals("https://drive.google.com/uc?export=download&id=1AbC-d_9&resourcekey=0-Ab_c-D",
                DownloadPage.direct("https://drive.google.com/file/d/1AbC-d_9/view?usp=sharing&resourcekey=0-Ab_c-D"));
        assertEquals("https://drive.google.com/uc?export=download&id=1AbC-d_9&resourcekey=0-Ab_c-D",
                DownloadPage.direct("https://drive.google.com/open?id=1AbC-d_9&resourcekey=0-Ab_c-D"));
        assertEquals("https://drive.google.com/uc?export=download&id=1AbC-d_9",
                DownloadPage.direct("https://drive.google.com/file/d/1AbC-d_9/view?usp=sharing"));
    }

    /**
     * A Drive-like link whose download page, confirmed, comes back again (the same page, for ever): given up after a
     * few pages in one line that says what happened and what to do, not that the file is not shared.
     */
    @Test
    void aDownloadPageThatComesBackAfterItsConfirmationIsGivenUpInOneLineThatSaysSo(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("1AbCdEfGh", archive, "v1").drivePage(null).confirmLoops();

            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.driveUrl("1AbCdEfGh")));

            assertEquals(1, outcome.exit(), outcome.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("answered with its download page again after it was confirmed: its host no "
                    + "longer gives the file as a browser's confirmation did; download it in a browser and give the file "
                    + "with --import-archive FILE"), log);
            assertFalse(log.contains("shared with anyone"), log);
            assertEquals(2, host.requests().size(), "the page, its form's URL (the page again), and no more: " + host.requests());
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("archives")), "nothing kept");
        }
    }

    /**
     * A Drive-like download page this tool cannot confirm (its form changed: another id, POST): one line that says to
     * download it in a browser, not that the file is not shared with anyone who has the link (a probe's finding).
     */
    @Test
    void aDownloadPageInAShapeNotKnownSaysToUseABrowser(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("1AbCdEfGh", archive, "v1").drivePageChanged();

            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.driveUrl("1AbCdEfGh")));

            assertEquals(1, outcome.exit(), outcome.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("(\"Google Drive - Virus scan warning\"), not an archive (its host's download page could "
                    + "not be confirmed as a browser does: download the file in a browser and give it with --import-archive FILE)"),
                    log);
            assertFalse(log.contains("shared with anyone"), log);
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("archives")), "nothing kept");
        }
    }

    /**
     * Drive's pages sent as if they were the file (application/octet-stream, as a misconfigured host or proxy
     * labels everything): what the body is decides, as for an archive sent as a page. The virus-scan page's form
     * is confirmed and the archive imported; the quota page is said in Drive's words, and tried again.
     */
    @Test
    void aDrivePageSentAsIfItWereTheFileIsConfirmedOrSaidAsOne(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("1AbCdEfGh", archive, "v1").drivePage(null).drivePageType("application/octet-stream");
            Path data = tmp.resolve("confirmed");
            List<String> oneAttempt = args(data, meta, host.driveUrl("1AbCdEfGh"));
            oneAttempt.addAll(List.of("--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(oneAttempt);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size());
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("answered with a page that asks to "
                    + "confirm the download"), outcome.stdout());

            String quota = "Too many users have viewed or downloaded this file recently. Please try accessing the file "
                    + "again later.";
            host.drivePage(quota);
            Path refused = tmp.resolve("quota");
            int asked = host.requests().size();

            Fixture.Outcome said = Fixture.run(args(refused, meta, host.driveUrl("1AbCdEfGh")));

            assertEquals(1, said.exit(), said.stderr());
            String log = Files.readString(refused.resolve("avqa_download.log"));
            assertTrue(log.contains("the link answered with a page instead of uc-") && log.contains("which says: " + quota
                    + "; last error: HTTP 200 application/octet-stream"), log);
            assertEquals(3, host.requests().size() - asked, "tried again, --retry-attempts 3: " + host.requests());
            assertEquals(List.of(), PipelineTest.listNames(refused.resolve("archives")), "nothing kept");
        }
    }

    /**
     * A run killed between the archive taking its name and its record saying it is complete: the next run
     * takes it as whole, and does not fetch it again (the authors' archive is 48 GB).
     */
    @Test
    void anArchiveThatTookItsNameJustBeforeAKillIsNotFetchedAgain(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1");
            Path data = tmp.resolve("data");
            List<String> args = args(data, tmp.resolve("meta"), host.shareUrl("videos.rar"));
            assertEquals(0, Fixture.run(args).exit());
            // as the kill leaves it: the file whole under its name, its record written just before the move
            Path record = data.resolve("archives/videos.rar.json");
            Files.writeString(record, Files.readString(record).replaceFirst("\"complete\"\\s*:\\s*true", "\"complete\" : false"));
            assertTrue(Files.readString(record).contains("false"), Files.readString(record));
            for (String id : IDS) {
                Files.delete(data.resolve("videos/" + id + ".mp4"));
                Files.delete(data.resolve("audio/" + id + ".wav"));
            }
            long asked = host.requests().stream().filter(r -> r.path().equals("/files/videos.rar")).count();

            Fixture.Outcome again = Fixture.run(args);

            assertEquals(0, again.exit(), again.stderr());
            assertEquals(asked, host.requests().stream().filter(r -> r.path().equals("/files/videos.rar")).count(),
                    "not fetched again: " + host.requests());
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains(
                    "The archive videos.rar took its name before the last run was stopped: it is whole, not fetched again"));
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
        }
    }

    /** A URL's fragment ({@code #…}) is never sent, as browsers and curl do not send it. */
    @Test
    void anArchiveUrlsFragmentIsNotSent(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1");
            Path data = tmp.resolve("data");

            String file = host.shareUrl("videos.rar").replace("/share/", "/files/").replace("?dl=1", "");
            Fixture.Outcome outcome = Fixture.run(args(data, tmp.resolve("meta"), file + "#part-1"));

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertTrue(host.requests().stream().noneMatch(r -> r.path().contains("#") || r.path().contains("part-1")),
                    host.requests().toString());
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
        }
    }

    /**
     * Two URLs on one host with two logins (a manifest's rows, share links that redirect on that host to the
     * file), fetched at once by two workers: each request is answered with the login of the URL it began at, so
     * the right one is never answered with the wrong one's (before, the login of the URL requested last went
     * with every request to that host).
     */
    @Test
    void twoLoginsOnOneHostEachGoWithTheirOwnUrl(@TempDir Path tmp) throws Exception {
        byte[] clip = Files.readAllBytes(Fixture.clip("tone-3s", 3, true));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of());
        try (ArchiveHost host = new ArchiveHost()) {
            host.requireLogin("lab:r1ght");
            StringBuilder manifest = new StringBuilder("id,url\n");
            for (String id : List.of("logina", "loginb", "loginc", "logind", "logine", "loginf")) {
                host.serve(id + ".mp4", clip, id);
                String login = id.equals("loginb") || id.equals("logine") ? "lab:wr0ng" : "lab:r1ght";
                // a share link, which redirects on the same host to the file: the login of the URL it began at goes there
                manifest.append(id).append(',').append(host.shareUrl(id + ".mp4").replace("http://", "http://" + login + "@"))
                        .append('\n');
            }
            Path rows = tmp.resolve("lab.csv");
            Files.writeString(rows, manifest);
            List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
            args.addAll(List.of("--manifest", rows.toString(), "--workers", "2"));

            Fixture.run(args);

            assertEquals(List.of("logina.wav", "loginc.wav", "logind.wav", "loginf.wav"),
                    PipelineTest.listNames(data.resolve("audio")), "the right login, each time: " + host.requests());
            JsonNode failed = Fixture.readJson(data.resolve("failed_downloads.json"));
            assertEquals(List.of("loginb", "logine"), iterable(failed.fieldNames()), failed.toString());
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    /** A share link that gave a page: the page's title, and advice that fits the link as it was asked for. */
    @Test
    void aPageInsteadOfTheArchiveIsNamedByItsTitleWithAdviceForTheLink() {
        // a link to the preview page (no dl=): the run asks for it as it is
        assertEquals("a Dropbox link gives the file itself with ?dl=1", ArchiveFetch.pageAdvice("https://www.dropbox.com/s/abc/x.rar"));
        // dl=0 is asked for as dl=1 (DownloadPage.direct), and the advice is for the link asked for
        // the link asks for the file already: advice to add dl=1 would send the user round in a circle
        for (String asked : List.of("https://www.dropbox.com/s/abc/x.rar?dl=1", "https://www.dropbox.com/scl/fi/abc/x.rar?rlkey=k&dl=1",
                "https://dl.dropboxusercontent.com/s/abc/x.rar?raw=1", "https://www.dropbox.com/s/abc/x.rar?dl=0")) {
            String advice = ArchiveFetch.pageAdvice(DownloadPage.direct(asked));
            assertTrue(advice.startsWith("the link asks Dropbox for the file itself (dl=1), and got a page"), advice);
        }
        assertEquals("Dropbox - This link requires a password",
                DownloadPage.of("<html><head><title> Dropbox - This link requires a password </title></head><body>x</body></html>",
                        "https://www.dropbox.com/s/abc/x.rar?dl=1").title());
        assertEquals("Sign in \\u001b[31m", DownloadPage.of("<title>Sign in \u001b[31m</title>", "https://h/x").title());
        assertEquals(null, DownloadPage.of("<html><body>no title</body></html>", "https://h/x").title());
    }

    /**
     * The links to one file are known as one: a Google Drive file's viewer, download and older open links (on http or
     * https, and Drive's download host's), by its id; a Dropbox link's preview and download; two Drive files are two.
     */
    @Test
    void theLinksToOneGoogleDriveFileAreKnownAsOneFile() {
        String id = "1WAryZZE0srLIZ-G8VH_l22";
        String file = DownloadPage.sameFile("https://drive.google.com/file/d/" + id + "/view?usp=sharing");
        for (String link : List.of("https://drive.google.com/uc?id=" + id + "&export=download",
                "https://drive.google.com/uc?export=download&id=" + id, "https://drive.google.com/open?id=" + id,
                "http://drive.google.com/file/d/" + id + "/view", "https://drive.google.com/file/d/" + id,
                "https://drive.usercontent.google.com/download?id=" + id + "&export=download&confirm=t")) {
            assertEquals(file, DownloadPage.sameFile(link), link);
        }
        assertFalse(file.equals(DownloadPage.sameFile("https://drive.google.com/uc?id=1Another&export=download")));
        assertEquals(DownloadPage.sameFile("https://www.dropbox.com/s/ejb36sh6gzqwdhn/collect_new_set.rar?dl=0"),
                DownloadPage.sameFile("https://www.dropbox.com/s/ejb36sh6gzqwdhn/collect_new_set.rar?dl=1"));
        assertEquals("https://example.org/a.rar", DownloadPage.sameFile("https://example.org/a.rar"));
        assertFalse(DownloadPage.sameFile("https://example.org/uc?id=" + id).equals(file), "Drive's ids are Drive's only");
    }

    /**
     * One Google Drive file given by its viewer link, its download link and its older open link (three --import-archive
     * values) is fetched once. Google is not reached: drive.google.com is asked through a proxy on 127.0.0.1 (http_proxy),
     * the file host itself, which answers a Drive link's /uc?id= as its own.
     */
    @Test
    void oneGoogleDriveFileGivenByThreeOfItsLinksIsFetchedOnce(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        String id = "1VideosRar_x-9";
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve(id, archive, "d1").disposition(id, "attachment; filename=\"videos.rar\"");
            List<String> args = args(data, meta, "http://drive.google.com/file/d/" + id + "/view?usp=sharing");
            args.addAll(List.of("--import-archive", "http://drive.google.com/uc?id=" + id + "&export=download",
                    "--import-archive", "http://drive.google.com/open?id=" + id));

            Fixture.Outcome outcome = Fixture.run(args, Map.of("http_proxy", host.proxyUrl()));

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size());
            List<ArchiveHost.Request> asked = host.requests().stream().filter(r -> r.path().equals("/uc")).toList();
            assertEquals(1, asked.size(), "one download for the three links: " + asked);
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
            try (var names = Files.list(data.resolve("archives"))) {
                assertEquals(List.of(), names.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(".rar") && !n.equals("videos.rar")).toList(), "no second copy");
            }
        }
    }

    /**
     * An archive under its final name whose size is no longer the one its record says it was fetched with (a disk error
     * cut it short): said in one line, not imported as it is, fetched again into its part; the file stays as it is while
     * the new download is partial, and gives way to it once it is whole.
     */
    @Test
    void anArchiveWhoseSizeIsNoLongerItsRecordsIsFetchedAgainAndReplacedOnlyOnceWhole(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Path rar = data.resolve("archives/videos.rar");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1");
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            assertEquals(0, Fixture.run(args).exit());
            // a disk error leaves the archive cut short, and its videos are wanted again
            byte[] cut = java.util.Arrays.copyOf(archive, archive.length / 2);
            Files.write(rar, cut);
            for (String id : IDS) {
                Files.delete(data.resolve("videos/" + id + ".mp4"));
                Files.delete(data.resolve("audio/" + id + ".wav"));
            }

            // the new download breaks off
            host.cutAfter(100_000);
            args.set(args.indexOf("--retry-attempts") + 1, "1");
            Fixture.Outcome broken = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, broken.exit(), broken.stderr() + log);
            assertTrue(log.contains("The archive videos.rar here is " + ArchiveFetch.human(cut.length) + ", not the "
                    + ArchiveFetch.human(archive.length) + " it was fetched with (cut short by a disk error, or another file "
                    + "copied there?): it is not imported as it is, and is fetched again; the file stays until the new "
                    + "download is whole, and then gives way to it"), log);
            assertArrayEquals(cut, Files.readAllBytes(rar), "the file here stays as it is while the new download is partial");
            assertEquals(100_000, size(data.resolve("archives/videos.rar.part")), "fetched again into its part");
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("videos")), "nothing imported from the short file");

            host.cutAfter(-1);
            Fixture.Outcome whole = Fixture.run(args);

            assertEquals(0, whole.exit(), whole.stderr());
            assertArrayEquals(archive, Files.readAllBytes(rar), "replaced once whole");
            assertFalse(Files.exists(data.resolve("archives/videos.rar.part")));
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size());
        }
    }

    @Test
    void aShareLinksViewerOrPreviewIsAskedForAsItsDownloadLink() {
        assertEquals("https://drive.google.com/uc?export=download&id=1WAryZZE0srLIZ-G8VH_l22",
                DownloadPage.direct("https://drive.google.com/file/d/1WAryZZE0srLIZ-G8VH_l22/view?usp=sharing"));
        assertEquals("https://drive.google.com/uc?export=download&id=1WAryZZE0s",
                DownloadPage.direct("https://drive.google.com/file/d/1WAryZZE0s"));
        assertEquals("https://example.org/file/d/1WAryZZE0s/view", DownloadPage.direct("https://example.org/file/d/1WAryZZE0s/view"));
        // Dropbox's preview link (the v2.0 README's) and its download link
        assertEquals("https://www.dropbox.com/s/ejb36sh6gzqwdhn/collect_new_set.rar?dl=1",
                DownloadPage.direct("https://www.dropbox.com/s/ejb36sh6gzqwdhn/collect_new_set.rar?dl=0"));
        assertEquals("https://www.dropbox.com/scl/fi/abc/x.rar?rlkey=k&dl=1",
                DownloadPage.direct("https://www.dropbox.com/scl/fi/abc/x.rar?rlkey=k&dl=0"));
        assertEquals("https://example.org/x.rar?dl=0", DownloadPage.direct("https://example.org/x.rar?dl=0"));
        assertEquals("https://drive.google.com/drive/folders/1WAryZZE0srLIZG8VHl22uZ3tpbGHtsrQ",
                DownloadPage.direct("https://drive.google.com/drive/folders/1WAryZZE0srLIZG8VHl22uZ3tpbGHtsrQ"));
        // Drive's older share link
        assertEquals("https://drive.google.com/uc?export=download&id=1WAryZZE0s",
                DownloadPage.direct("https://drive.google.com/open?id=1WAryZZE0s"));
        assertEquals("https://drive.google.com/uc?export=download&id=1WAryZZE0s",
                DownloadPage.direct("https://drive.google.com/open?usp=sharing&id=1WAryZZE0s"));
        assertTrue(DownloadPage.driveFolder("https://drive.google.com/drive/folders/1WAryZZE0srLIZG8VHl22uZ3tpbGHtsrQ?usp=sharing"));
        assertTrue(DownloadPage.driveFolder("https://drive.google.com/drive/u/0/folders/1WAry"));
        assertFalse(DownloadPage.driveFolder("https://drive.google.com/file/d/1WAry/view"));
    }

    /** A zip of {@code ids}, each entry the given video. */
    static byte[] zipOf(Path tmp, String name, Path video, List<String> ids) throws Exception {
        Map<String, Path> entries = new LinkedHashMap<>();
        ids.forEach(id -> entries.put(id + ".mp4", video));
        Path zip = tmp.resolve(name + ".zip");
        ArchiveMaker.zip(ArchiveMaker.folder(tmp, name, entries), zip);
        return Files.readAllBytes(zip);
    }

    /**
     * A host that sends a real zip as {@code text/html} (misconfigured): what the body is decides, so it is
     * fetched and its videos imported, and a download of it broken off resumes with a Range; a real page
     * under the same type is still refused, with its title and the advice for the link.
     */
    @Test
    void aZipServedAsAWebPageIsTakenAsTheArchiveAndAPageStillIsNot(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("zip");
        byte[] zip = zipOf(tmp, "videos", clip, IDS);
        byte[] page = ("<!DOCTYPE html><html><head><title>Index of /files</title></head><body>nothing here</body></html>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.zip", zip, "z1").serve("page.zip", page, "p1").serve("gone.zip", ("<!DOCTYPE html><html>"
                    + "<head><title>Google Drive - Page Not Found</title></head><body>Sorry, the file you have requested does "
                    + "not exist.</body></html>").getBytes(java.nio.charset.StandardCharsets.UTF_8), "g1")
                    .contentType("text/html; charset=utf-8");
            Path data = tmp.resolve("data");
            List<String> args = args(data, meta, host.shareUrl("videos.zip"));
            args.set(args.indexOf("--retry-attempts") + 1, "1");

            // broken off after a third: the part is kept, as for any archive
            host.cutAfter(zip.length / 3);
            Fixture.run(args);
            assertTrue(size(data.resolve("archives/videos.zip.part")) > 0, Files.readString(data.resolve("avqa_download.log")));

            host.cutAfter(-1);
            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            assertArrayEquals(zip, Files.readAllBytes(data.resolve("archives/videos.zip")));
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("The host of videos.zip calls it a web page (text/html; charset=utf-8), but it starts "
                    + "as a zip archive: it is taken as the archive"), log);
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().equals("/files/videos.zip")
                    && r.method().equals("GET")).toList();
            assertEquals(List.of(200, 206), files.stream().map(ArchiveHost.Request::status).toList(), files.toString());
            assertTrue(files.get(1).range() != null && !files.get(1).range().equals("bytes=0-"), files.toString());
            assertEquals("\"z1\"", files.get(1).ifRange(), "resumed under the validator");

            Path other = tmp.resolve("other");
            Fixture.Outcome refused = Fixture.run(args(other, meta, host.shareUrl("page.zip")));

            assertEquals(1, refused.exit(), refused.stderr());
            log = Files.readString(other.resolve("avqa_download.log"));
            assertTrue(log.contains("the link answered with a web page (\"Index of /files\"), not an archive (a share link "
                    + "must be the one that gives the file itself"), log);
            assertFalse(Files.exists(other.resolve("archives/page.zip")), "a page never takes the archive's name");

            // a page that says the file is not there: no advice about sharing, which would not help
            Path gone = tmp.resolve("gone");
            assertEquals(1, Fixture.run(args(gone, meta, host.shareUrl("gone.zip"))).exit());
            log = Files.readString(gone.resolve("avqa_download.log"));
            assertTrue(log.contains("the link answered with a web page (\"Google Drive - Page Not Found\"), not an archive "
                    + "(its page says the file is not there: the link is wrong, or its file was deleted; ask whoever shared "
                    + "it for a current link)"), log);
        }
    }

    /**
     * Google Drive links all end in {@code uc} ({@code …/uc?export=download&id=…}): two of them are two
     * archives, each in a file of its own, each imported, and neither fetched again by the next run.
     */
    @Test
    void twoDriveLinksAreTwoArchivesAndNeitherOverwritesTheOther(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("zip");
        byte[] a = zipOf(tmp, "a", clip, IDS.subList(0, 1));
        byte[] b = zipOf(tmp, "b", clip, IDS.subList(1, 3));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("A", a, "a1").serve("B", b, "b1");
            List<String> args = args(data, meta, host.driveUrl("A"));
            args.addAll(List.of("--import-archive", host.driveUrl("B")));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            List<String> kept = PipelineTest.listNames(data.resolve("archives")).stream().filter(n -> !n.endsWith(".json")).toList();
            assertEquals(2, kept.size(), "one file each: " + kept);
            assertTrue(kept.stream().allMatch(n -> n.matches("uc-[0-9a-f]{12}")), kept.toString());
            int asked = host.requests().size();

            assertEquals(0, Fixture.run(args).exit());
            assertEquals(asked, host.requests().size(), "both are here already: " + host.requests());
        }
    }

    /**
     * A host that ignores If-Range and answers a resume with a part of a file that changed meanwhile (a
     * new ETag, a new length) is not appended to the old bytes: the download starts over, and the
     * archive under its final name is the new file, byte for byte.
     */
    @Test
    void aResumeAnsweredFromAChangedFileStartsOverInsteadOfSplicingTheTwo(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        byte[] v1 = rarOf(tmp, "old", clip);
        byte[] v2 = rarOf(tmp, "new", Fixture.clip("tone-8s", 8, true));
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", v1, "v1").cutAfter(v1.length / 3);
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            args.set(args.indexOf("--retry-attempts") + 1, "1");
            Fixture.run(args);
            assertTrue(size(data.resolve("archives/videos.rar.part")) > 0, "a part of the old file is here: "
                    + Files.readString(data.resolve("avqa_download.log")));

            host.serve("videos.rar", v2, "v2").cutAfter(-1).ignoreIfRange();
            args.set(args.indexOf("--retry-attempts") + 1, "3");
            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertTrue(java.util.Arrays.equals(v2, Files.readAllBytes(data.resolve("archives/videos.rar"))),
                    "the new file whole, not the old one's start with the new one's end");
            assertEquals(8.0, Fixture.probe(data.resolve("videos/00000001.mp4"))[0], 0.2, "the new archive's video");
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("changed on the server"));
        }
    }

    /**
     * A host that ends every answer within the 16 KiB a resume asks again to compare: a resume whose answer brought
     * nothing new asks again for half of what came, so that each next answer brings new bytes (it never gave more
     * than the part here: every resume was spent on the bytes asked again); the bytes joined are the file's.
     */
    @Test
    void aHostThatEndsEveryAnswerWithinTheComparedBytesStillGivesNewBytesAtEachResume(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Path part = data.resolve("archives/videos.rar.part");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1");
            List<String> args = partHere(host, data, meta, 100_000);

            // every answer ends 5,000 bytes in: within the 16 KiB the first resume asks again
            host.cutAfter(5_000);
            args.set(args.indexOf("--retry-attempts") + 1, "4");
            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            // the first resume brought nothing new; each of the three next 2,500 new bytes
            assertEquals(107_500, size(part), log);
            assertTrue(log.contains("The host of videos.rar ended its answer to a resume within the 16.0 KiB it asked again "
                    + "to compare, before a new byte came: the next resume asks again for 2.4 KiB only"), log);
            assertEquals(-1L, java.util.Arrays.mismatch(java.util.Arrays.copyOf(archive, 107_500), Files.readAllBytes(part)),
                    "the file's own bytes, joined where they belong");
            List<String> ranges = host.requests().stream().filter(r -> r.path().startsWith("/files/")).skip(1)
                    .map(ArchiveHost.Request::range).toList();
            assertEquals(List.of("bytes=83616-", "bytes=97500-", "bytes=100000-", "bytes=102500-"), ranges,
                    "16 KiB asked again, then 2,500 bytes");
            assertFalse(outcome.stderr().contains("Exception"), outcome.stderr());
        }
    }

    /**
     * A host that gives a file a part at a time (each resume answered 206 with at most 128 KiB, its Content-Range ending
     * short of the file's end, as some CDNs and file hosts do): each part that came whole, as promised, is progress, and
     * the next is asked for at once, without a retry's attempt or pause; one line says so, not one a part.
     */
    @Test
    void aHostThatGivesTheFileAPartAtATimeIsFollowedPartAfterPartWithinOneAttempt(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            Fixture.Outcome outcome = inCappedParts(host, archive, data, meta, 128 * 1024);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size());
            List<ArchiveHost.Request> parts = host.requests().stream()
                    .filter(r -> r.path().startsWith("/files/") && r.status() == 206).toList();
            // (863.3 KiB less the 97.7 KiB here) in parts of 112 KiB new each (128 KiB less the 16 KiB asked again)
            assertEquals(7, parts.size(), "part after part: " + parts);
            assertFalse(log.contains("is tried again after a pause"), "no attempt spent on a part: " + log);
            assertTrue(log.contains("The host of videos.rar gives it a part at a time (128.0 KiB an answer): "
                    + "each next part is asked for at once"), log);
            assertEquals(1, log.split("Resuming the archive videos.rar", -1).length - 1, "one line, not one a part: " + log);
            assertEquals(1, log.split("a part at a time", -1).length - 1, log);
        }
    }

    /** A run that resumes a part of 100,000 bytes from a host giving the file {@code cap} bytes an answer, 2 attempts. */
    private static Fixture.Outcome inCappedParts(ArchiveHost host, byte[] archive, Path data, Path meta, long cap) {
        host.serve("videos.rar", archive, "v1");
        List<String> args = partHere(host, data, meta, 100_000);
        host.cutAfter(-1).capRanges(cap);
        args.set(args.indexOf("--retry-attempts") + 1, "2");
        return Fixture.run(args);
    }

    /**
     * A part that is whole already (its run ended after the last byte came, before the archive took its name): the
     * resume's answer brings the bytes it asked again and nothing more, which is its end, not a host ending its answers
     * too soon; the archive is taken as it is, with no line that says the next resume asks again for fewer.
     */
    @Test
    void aPartAlreadyWholeIsTakenAsItIsWithoutAWordOfAShortAnswer(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1");
            List<String> args = partHere(host, data, meta, archive.length - 100);
            Files.write(data.resolve("archives/videos.rar.part"), java.util.Arrays.copyOfRange(archive, archive.length - 100,
                    archive.length), java.nio.file.StandardOpenOption.APPEND);
            host.cutAfter(-1);
            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size());
            assertFalse(log.contains("asks again for"), log);
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            assertEquals("bytes=" + (archive.length - ArchiveFetch.OVERLAP) + "-", files.get(files.size() - 1).range(), files.toString());
        }
    }

    /** The same damaged archive by two links, kept once: the file is named once in what the next run does. */
    @Test
    void aDamagedArchiveTwoLinksGiveIsNamedOnce(@TempDir Path tmp) throws Exception {
        byte[] bad = videosRar(tmp);
        byte[] video = Files.readAllBytes(clip);
        bad[HostileArchiveTest.indexOf(bad, java.util.Arrays.copyOf(video, 256)) + video.length / 2] ^= 0x5a;
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost(); ArchiveHost mirror = new ArchiveHost()) {
            host.serve("videos.rar", bad, "v1");
            mirror.serve("videos.rar", bad, "m1");
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            args.addAll(List.of("--import-archive", mirror.shareUrl("videos.rar")));

            Fixture.Outcome first = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, first.exit(), first.stderr() + log);
            assertTrue(log.contains("kept once"), log);
            assertEquals(1, log.split("The next run asks the host of videos.rar whether it has another copy", -1).length - 1,
                    "said once, the file once: " + log);
        }
    }

    /**
     * An archive fetched whole whose entry fails the archive's own check (a byte of it changed on its host; the same
     * holds for a copy damaged here, or a split archive whose parts came from two uploads): the run's end names it and
     * says what to do, and the next run asks its host whether it has another copy, and fetches that (a good one,
     * now) instead of importing the damaged one again at every run.
     */
    @Test
    void anArchiveWithADamagedEntryIsAskedForAgainAndItsHostsNewCopyImported(@TempDir Path tmp) throws Exception {
        byte[] good = videosRar(tmp);
        byte[] video = Files.readAllBytes(clip);
        byte[] bad = good.clone();
        int at = HostileArchiveTest.indexOf(good, java.util.Arrays.copyOf(video, 256));
        assertTrue(at > 0, "the first video's bytes, stored in the RAR");
        bad[at + video.length / 2] ^= 0x5a;
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", bad, "v1");
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            Fixture.Outcome first = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, first.exit(), first.stderr() + log);
            assertEquals(IDS.size() - 1, PipelineTest.listNames(data.resolve("videos")).size(), log);
            assertTrue(log.contains("1 archives have entries that could not be read whole or failed the archive's own "
                    + "check (videos.rar)"), log);
            assertEquals(1, log.split("The next run asks the host of videos.rar whether it has another copy", -1).length - 1,
                    "said once: " + log);

            host.serve("videos.rar", good, "v2");
            Fixture.Outcome second = Fixture.run(args);

            assertEquals(0, second.exit(), second.stderr() + Files.readString(data.resolve("avqa_download.log")));
            assertArrayEquals(good, Files.readAllBytes(data.resolve("archives/videos.rar")), "the host's new copy");
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size());
        }
    }

    /**
     * A link refused with a web page (403 and a page titled "Login required") has the page's title said with the
     * status, as a page answered with 200 has: the status alone did not say what the host wants.
     */
    @Test
    void aLinkRefusedWithAPageHasItsTitleSaid(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        com.sun.net.httpserver.HttpServer host = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        host.createContext("/", ex -> {
            byte[] page = "<html><head><title>Login required</title></head><body>sign in</body></html>"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(403, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        host.start();
        try {
            List<String> args = args(data, meta, "http://127.0.0.1:" + host.getAddress().getPort() + "/files/videos.rar");
            args.set(args.indexOf("--retry-attempts") + 1, "1");
            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, outcome.exit(), outcome.stderr() + log);
            assertTrue(log.contains("its page's title: \"Login required\""), log);
        } finally {
            host.stop(0);
        }
    }

    /**
     * A host whose 206 goes on past the end its Content-Range names (zeros to the file's end, announced by its
     * Content-Length): only the bytes it named are joined, the rest of the answer is left unread, and the next part is
     * asked for; the archive ends as its host has it. Joined whole, the zeros made a file of the right length under its
     * final name that failed in its entries, and every later run imported that copy again.
     */
    @Test
    void aHostThatSendsMoreThanThePartItNamesHasOnlyThatPartJoined(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.overrunRanges();
            Fixture.Outcome outcome = inCappedParts(host, archive, data, meta, 256 * 1024);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")), "the archive as its host has it");
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size());
            List<ArchiveHost.Request> parts = host.requests().stream()
                    .filter(r -> r.path().startsWith("/files/") && r.status() == 206).toList();
            assertTrue(parts.size() >= 3, "part after part, each asked for: " + parts);
            // said once at most: a part's reading ends at its named end, and sees the rest only when it came in the same read
            assertTrue(log.split("sends more than the part its answer names", -1).length - 1 <= 1, "said once: " + log);
        }
    }

    /**
     * A host that gives the file in tiny parts (20 KiB an answer, 4 KiB of them new) is not followed part after part
     * at once, which would ask it without end: each such answer is an attempt broken off, retried after a pause, and
     * what came is kept.
     */
    @Test
    void aHostThatGivesTheFileInTinyPartsIsAskedAtThePaceOfTheRetries(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            Fixture.Outcome outcome = inCappedParts(host, archive, data, meta, 20 * 1024);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, outcome.exit(), outcome.stderr() + log);
            List<ArchiveHost.Request> parts = host.requests().stream()
                    .filter(r -> r.path().startsWith("/files/") && r.status() == 206).toList();
            assertEquals(2, parts.size(), "one answer an attempt: " + parts);
            assertTrue(log.contains("the host of videos.rar gives it in parts too small to follow at once (4.0 KiB new in "
                    + "an answer, fewer than 64.0 KiB)"), log);
            assertEquals(100_000 + 2 * 4 * 1024, size(data.resolve("archives/videos.rar.part")), "what came is kept");
        }
    }

    /**
     * A host that drops every answer after 200 KiB (as some drop every connection after a MiB): each answer brings new
     * bytes, so each starts the count of attempts over, and a 2 MiB archive comes whole with --retry-attempts 2, each
     * resume after the backoff's first step, one line a cut; a host whose answers bring 10 KiB new each (fewer than 64
     * KiB) still ends after the attempts, what came kept. The README's archive section says so, in the log's words.
     */
    @Test
    void aDownloadCutShortAgainAndAgainGoesOnWhileEachAnswerBringsNewBytes(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        byte[] archive = rarOf(tmp, "videos", Fixture.clip("tone-8s", 8, true));
        assertTrue(archive.length > 1_500_000, "a 2 MiB archive: " + archive.length);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").cutAfter(200 * 1024);
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            args.set(args.indexOf("--retry-attempts") + 1, "2");
            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")), "the archive as its host has it");
            for (String id : IDS) {
                assertEquals(8.0, Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0], 0.2, id);
            }
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            long cuts = (archive.length - 200 * 1024 + 184 * 1024 - 1) / (184 * 1024);
            assertEquals(1 + cuts, files.size(), "one answer an attempt, each 184 KiB new after the first: " + files);
            for (int i = 1; i < files.size(); i++) {
                assertEquals(206, files.get(i).status(), "each resumes: " + files);
                long gap = files.get(i).atMillis() - files.get(i - 1).atMillis();
                assertTrue(gap >= 250, "each after the backoff's first step (--backoff 0.3, give or take 15 %), not at once: "
                        + gap + " ms, " + files);
            }
            Matcher cut = Pattern.compile("The download of videos\\.rar was cut short after \\S+ (?:KiB|MiB) of \\S+ MiB "
                    + "\\((?:200|184)\\.0 KiB new in this answer; the answer was cut short: it announced \\d+ bytes and sent "
                    + "\\d+\\); resuming\\n").matcher(log);
            assertEquals(cuts, cut.results().count(), "one line a cut: " + log);
            assertFalse(log.contains("tried again after a pause"), log);
            assertFalse(outcome.stderr().contains("Exception") || log.contains("Exception"), log);

            // the README's archive section says so, with the line the log shows
            String readme = Files.readString(Path.of("README.md"));
            String section = readme.substring(readme.indexOf("- **Archives by URL.**"),
                    readme.indexOf("\n- **", readme.indexOf("- **Archives by URL.**") + 1));
            Matcher said = Pattern.compile("An answer cut short [^.]*? that brought at least ([0-9.]+ KiB) not here before is "
                    + "progress too: the count of attempts starts over from it, and so does its exponential backoff, so the "
                    + "next attempt resumes after the backoff's first step [^.]*?\\. .*?`(The download of [^`]+; resuming)`\\. "
                    + "Answers that bring fewer new bytes, or none, still end the download after `--retry-attempts` attempts")
                    .matcher(
                    section.replaceAll("\\s+", " "));
            assertTrue(said.find(), "the README says how a download cut short goes on: " + section);
            assertEquals(ArchiveFetch.SMALLEST_PART, Math.round(Double.parseDouble(said.group(1).replace(" KiB", "")) * 1024),
                    "the README names the fewest new bytes that are progress: " + said.group(1));
            String quoted = shape(said.group(2));
            assertTrue(log.lines().map(ArchiveFetchTest::shape).anyMatch(l -> l.endsWith(quoted)),
                    "the README quotes the log's line: " + quoted);
        }

        // each answer brings 10 KiB not here (a resume asks again for the last 16 KiB): not progress, ended after 2
        Path few = tmp.resolve("few");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").cutAfter(ArchiveFetch.OVERLAP + 10 * 1024);
            List<String> args = args(few, meta, host.shareUrl("videos.rar"));
            args.set(args.indexOf("--retry-attempts") + 1, "2");
            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(few.resolve("avqa_download.log"));
            assertEquals(1, outcome.exit(), outcome.stderr() + log);
            assertEquals(2, host.requests().stream().filter(r -> r.path().startsWith("/files/")).count(), "two attempts");
            assertTrue(log.contains("could not be fetched (the download of "
                    + "videos.rar broke off after 36.0 KiB of "), log);
            assertFalse(log.contains("; resuming"), log);
            assertEquals(ArchiveFetch.OVERLAP + 20 * 1024, size(few.resolve("archives/videos.rar.part")), "what came is kept");
            assertFalse(Files.exists(few.resolve("archives/videos.rar")));
        }
    }

    /**
     * A host that stalls every answer after 150 KiB (silent, its connection held open) has each given up under the speed
     * floor (100 KiB/s over 2 s here): each brought new bytes, so each starts the count of attempts over, and the archive
     * comes whole with --retry-attempts 2.
     */
    @Test
    void aDownloadThatStallsAgainAndAgainGoesOnWhileEachAnswerBringsNewBytes(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").stallAfter(150 * 1024);
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            args.set(args.indexOf("--retry-attempts") + 1, "2");
            Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_ARCHIVE_SPEED_LIMIT", "100K", "AVQA_ARCHIVE_SPEED_TIME", "2"));

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")), "the archive as its host has it");
            assertTrue(log.contains("The download of videos.rar was cut short after 150.0 KiB of "
                    + ArchiveFetch.human(archive.length) + " (150.0 KiB new in this answer); resuming"), log);
            assertTrue(log.contains("(134.0 KiB new in this answer); resuming"), "a resume asks again for 16 KiB: " + log);
        }
    }

    /** A log line's shape: its archive's name, sizes and numbers set aside. */
    static String shape(String line) {
        return line.replaceAll("The download of \\S+ was", "The download of X was")
                .replaceAll("[0-9][0-9,.]*( (B|KiB|MiB|GiB|TiB)\\b)?", "N");
    }

    /**
     * A resume whose answer breaks off before its first byte, or stalls within the bytes it asks again to compare (its
     * first 16 KiB), is a download that broke off like any other: tried again (each attempt resuming), said in our words
     * (no new byte came), given up under the speed floor, and what came is kept for the next run, which finishes it.
     */
    @Test
    void aResumeThatBreaksOrStallsInItsFirstBytesIsRetriedAndKeepsWhatCame(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Path part = data.resolve("archives/videos.rar.part");
        Map<String, String> slowIsBelow = Map.of("AVQA_ARCHIVE_SPEED_LIMIT", "100K", "AVQA_ARCHIVE_SPEED_TIME", "2");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1");
            List<String> args = partHere(host, data, meta, 100_000);

            // every resume breaks off before its first byte: no new byte ever comes
            host.cutAfter(0);
            args.set(args.indexOf("--retry-attempts") + 1, "3");
            Fixture.Outcome broken = Fixture.run(args);

            assertEquals(1, broken.exit(), broken.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            String noNewByte = "the download of videos.rar broke off as it resumed, before a byte not here already came "
                    + "(97.7 KiB of 863.3 KiB are here); what came is kept, and a later attempt resumes there";
            assertTrue(log.contains("is tried again after a pause (attempt 3): " + noNewByte), log);
            assertTrue(log.contains("could not be fetched (" + noNewByte + "; last error: the answer was cut short"), log);
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            assertEquals(4, files.size(), "--retry-attempts 3, each a resume: " + files);
            assertEquals(100_000, size(part), "what came is kept");

            // every resume stalls 5,000 bytes in: given up under the speed floor (2 s), not after the client's 30 s
            host.cutAfter(-1).stallAfter(5_000);
            args.set(args.indexOf("--retry-attempts") + 1, "1");
            long started = System.nanoTime();
            Fixture.Outcome stalled = Fixture.run(args, slowIsBelow);

            assertEquals(1, stalled.exit(), stalled.stderr());
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("could not be fetched (the download of "
                    + "videos.rar went slower than avqa.archive.speed-limit (100.0 KiB/s) for 2."), stalled.stdout());
            assertTrue(System.nanoTime() - started < 25_000_000_000L, "given up under the floor, in seconds");
            assertEquals(100_000, size(part), "what came is kept");
            assertFalse(broken.stderr().contains("Exception") || stalled.stderr().contains("Exception"));

            host.stallAfter(-1);
            Fixture.Outcome whole = Fixture.run(args);

            assertEquals(0, whole.exit(), whole.stderr());
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size());
        }
    }

    /**
     * A resume answered with an error's text or a web page instead of the file (a 200, whatever its type says): the
     * part here is not touched, and the next run, given the file again, resumes it (a passing refusal must not
     * cost what came of a 48 GB archive).
     */
    @Test
    void aResumeAnsweredWithTextOrAPageKeepsThePartForTheNextRun(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Path part = data.resolve("archives/videos.rar.part");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1");
            List<String> args = partHere(host, data, meta, 300_000);

            Map<String, String> instead = new LinkedHashMap<>();
            instead.put("Error: rate limit exceeded, try again later\n", "text/plain");
            instead.put("<!DOCTYPE html><html><head><title>Dropbox - Error</title></head><body>Too many requests</body></html>",
                    "application/octet-stream");
            for (Map.Entry<String, String> answer : instead.entrySet()) {
                host.cutAfter(-1).contentType(answer.getValue()).serve("videos.rar",
                        answer.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), "e1");

                Fixture.Outcome refused = Fixture.run(args);

                assertEquals(1, refused.exit(), refused.stderr());
                assertEquals(300_000, size(part), "the part is kept: " + refused.stdout());
                assertEquals("\"v1\"", Fixture.readJson(data.resolve("archives/videos.rar.json")).path("etag").asText(),
                        "its record too");
            }

            host.contentType("application/octet-stream").serve("videos.rar", archive, "v1");
            Fixture.Outcome resumed = Fixture.run(args);

            assertEquals(0, resumed.exit(), resumed.stderr());
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            assertEquals(206, files.get(files.size() - 1).status(), "resumed: " + files);
        }
    }

    /**
     * A host that answers 429, then 503, each with a Retry-After of 2 s: each next attempt waits what the
     * host asked, not the shorter backoff (0.3 s), and the archive then comes whole.
     */
    @Test
    void anArchiveHostsRetryAfterIsWaitedBeforeTheNextAttempt(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        byte[] archive = rarOf(tmp, "videos", clip);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").busyNext(429, "2", 1);
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));

            Fixture.Outcome busy = Fixture.run(args);
            assertEquals(0, busy.exit(), busy.stderr());

            host.busyNext(503, "2", 1);
            Files.delete(data.resolve("archives/videos.rar"));
            for (String id : IDS) {
                Files.delete(data.resolve("videos/" + id + ".mp4"));
            }
            Fixture.Outcome unavailable = Fixture.run(args);
            assertEquals(0, unavailable.exit(), unavailable.stderr());

            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")
                    && r.method().equals("GET")).toList();
            List<Integer> statuses = files.stream().map(ArchiveHost.Request::status).toList();
            assertEquals(List.of(429, 200, 503, 200), statuses.stream().map(s -> s == 206 ? 200 : s).toList(), files.toString());
            assertTrue(files.get(1).atMillis() - files.get(0).atMillis() >= 1900, files.toString());
            assertTrue(files.get(3).atMillis() - files.get(2).atMillis() >= 1900, files.toString());
        }
    }

    /**
     * An archive its host sends cut short (the host's own copy is): its import takes what it can, and the run says
     * that the next one asks the host again. Asked while the host still has that copy (the same ETag), the copy here is
     * imported again, and stays; asked while the host fails, likewise; once the host has another copy (a new ETag),
     * that is fetched, the one here giving way to it only once it is whole, and the video the cut copy lacked comes.
     */
    @Test
    void anArchiveCutShortAtItsHostIsFetchedAgainOnceItsHostHasAnotherCopy(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        byte[] cut = java.util.Arrays.copyOf(archive, archive.length * 5 / 6);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Path rar = data.resolve("archives/videos.rar");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", cut, "v1");
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            args.set(args.indexOf("--retry-attempts") + 1, "1");

            Fixture.Outcome first = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, first.exit(), first.stderr() + log);
            assertEquals(2, PipelineTest.listNames(data.resolve("videos")).size(), "the videos before the cut: " + log);
            assertTrue(log.contains("The next run asks the host of videos.rar whether it has another copy (another ETag, "
                    + "date or length), and fetches that if so"), log);

            // the host still has that copy: asked, not fetched
            int before = host.requests().size();
            Fixture.Outcome same = Fixture.run(args);

            log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, same.exit(), same.stderr() + log);
            assertTrue(log.contains("The archive videos.rar here could not be read to its end when it was imported"), log);
            assertTrue(log.contains("The host of videos.rar still has the copy fetched before (ETag \"v1\", "
                    + ArchiveFetch.human(cut.length) + "): it is not fetched again, and the one here is imported again"), log);
            assertArrayEquals(cut, Files.readAllBytes(rar));
            assertFalse(Files.exists(data.resolve("archives/videos.rar.part")));
            assertEquals(1, host.requests().subList(before, host.requests().size()).stream()
                    .filter(r -> r.path().startsWith("/files/") && r.method().equals("GET")).count(), host.requests().toString());

            // the host fails: the copy here is imported again
            host.busyNext(503, "1", 5);
            Fixture.Outcome failing = Fixture.run(args);

            log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, failing.exit(), failing.stderr() + log);
            assertTrue(log.contains("could not be fetched again (") && log.contains("; the copy here, videos.rar, is "
                    + "imported again as far as it can be read"), log);
            assertArrayEquals(cut, Files.readAllBytes(rar));

            // the host has another copy now
            host.busyNext(0, "1", 0);
            host.serve("videos.rar", archive, "v2");
            Fixture.Outcome whole = Fixture.run(args);

            log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, whole.exit(), whole.stderr() + log);
            assertTrue(log.contains("The host of videos.rar has another copy of it now (ETag \"v2\", "
                    + ArchiveFetch.human(archive.length) + ", where the one here is ETag \"v1\", "
                    + ArchiveFetch.human(cut.length) + ")"), log);
            assertArrayEquals(archive, Files.readAllBytes(rar));
            assertEquals(List.of("00000001.mp4", "00000002.mp4", "00000003.mp4"), PipelineTest.listNames(data.resolve("videos")));
            assertFalse(Files.readString(data.resolve("archives/videos.rar.json")).contains("unreadable"));

            // read whole: not asked again
            before = host.requests().size();
            assertEquals(0, Fixture.run(args).exit());
            assertEquals(0, host.requests().subList(before, host.requests().size()).stream()
                    .filter(r -> r.path().startsWith("/files/")).count(), host.requests().toString());
        }
    }

    /**
     * A host whose 429 asks to wait a year: the next attempt waits avqa.backoff.max (here 1 s), and the retry's line
     * says that, with what the host asked; the archive then comes whole.
     */
    @Test
    void anArchiveHostAskingToWaitYearsIsWaitedTheLongestBackoffAndSaidSo(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        byte[] archive = rarOf(tmp, "videos", clip);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").busyNext(429, "31536000", 1);

            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.shareUrl("videos.rar")), Map.of("AVQA_BACKOFF_MAX", "1"));

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertTrue(log.contains("is tried again after a pause (attempt 2): ")
                    && log.contains("; it waits 1.0 s, where the host asks for 365d00h (Retry-After): avqa.backoff.max is the longest"), log);
            // the videos' pacing options are not an archive's: not given as advice
            assertTrue(log.contains("rate-limited by its host (HTTP 429): each attempt waits longer (--backoff), or as long "
                    + "as the host asks, up to --retry-attempts"), log);
            assertFalse(log.contains("--max-requests"), log);
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")
                    && r.method().equals("GET")).toList();
            assertEquals(429, files.get(0).status(), files.toString());
            long gap = files.get(1).atMillis() - files.get(0).atMillis();
            assertTrue(gap >= 900 && gap < 20_000, "waited " + gap + " ms");
        }
    }

    /**
     * What is short text: an error with a terminal's colours or a window title in it, or a few bytes that are not
     * UTF-8, is; a real archive (a zip or gzip of nothing but that text), or random bytes, never is.
     */
    @Test
    void shortTextIsToldFromAnArchiveWhateverItHolds(@TempDir Path tmp) throws Exception {
        String error = "Error: rate limit exceeded\u001b]0;owned\u0007, try again later\n";
        Path text = tmp.resolve("text");
        Files.write(text, error.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("Error: rate limit exceeded\u001b]0;owned\u0007, try again later", ArchiveFetch.textStart(text, Files.size(text)));
        Files.write(text, "Quota exceeded \u00ff\u00fe later\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("Quota exceeded \uFFFD\uFFFD later", ArchiveFetch.textStart(text, Files.size(text)));

        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
            java.util.zip.ZipEntry entry = new java.util.zip.ZipEntry("error.txt");
            byte[] words = error.repeat(20).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(words);
            entry.setMethod(java.util.zip.ZipEntry.STORED);
            entry.setSize(words.length);
            entry.setCrc(crc.getValue());
            z.putNextEntry(entry);
            z.write(words);
        }
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(gz)) {
            g.write(error.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] random = new byte[4096];
        new java.util.Random(7).nextBytes(random);
        for (byte[] binary : List.of(zip.toByteArray(), gz.toByteArray(), random)) {
            Files.write(text, binary);
            assertEquals(null, ArchiveFetch.textStart(text, Files.size(text)), new String(binary, 0, 4,
                    java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * A link that gives a web page (Google Drive's "cannot scan this file for viruses") as a plain
     * download is not kept as the archive: said in one line, and the next run asks again, when the
     * host now gives the file.
     */
    @Test
    void somethingThatIsNotAnArchiveIsNeverKeptAsOne(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        byte[] archive = rarOf(tmp, "videos", clip);
        byte[] page = ("<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>"
                + "Google Drive can't scan this file for viruses.</body></html>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", page, "p1");
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));

            Fixture.Outcome first = Fixture.run(args);

            assertFalse(Files.exists(data.resolve("archives/videos.rar")), "a page never takes the archive's name");
            String log = Files.readString(data.resolve("avqa_download.log"));
            // its title said, as for a page its host calls one
            assertTrue(log.contains("is a web page (\"Google Drive - Virus scan warning\"), not a zip, tar, tar.gz, RAR or 7z "
                    + "archive; it is not kept"), log);
            assertFalse(first.stderr().contains("Exception"), first.stderr());

            // an error sent as if it were the file, as text (in a terminal's colours or not, a window title set by an
            // OSC sequence ended by BEL or ESC \, a few bytes that are not UTF-8): its words, not kept, tried again
            Map<byte[], String> texts = new java.util.LinkedHashMap<>();
            texts.put("Error: rate limit exceeded. Please try again in 15 minutes.\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "is text (\"Error: rate limit exceeded. Please try again in 15 minutes.\"), not a zip, tar, tar.gz, RAR or "
                    + "7z archive; it is not kept, and a later attempt asks again");
            texts.put("Error: rate limit exceeded \u001b[31mslow down\u001b[0m, try again later\n".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), "is text (\"Error: rate limit exceeded \\u001b[31mslow down");
            texts.put("Error: rate limit exceeded\u001b]0;owned\u0007, try again later\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "is text (\"Error: rate limit exceeded\\u001b]0;owned\\u0007, try again later\"), not a zip, tar, tar.gz, RAR "
                    + "or 7z archive; it is not kept, and a later attempt asks again");
            texts.put("Busy\u001b]2;title\u001b\\ \u001b[1mtoo many requests\u001b[0m\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "is text (\"Busy\\u001b]2;title\\u001b\\ \\u001b[1mtoo many requests\\u001b[0m\"), not a zip");
            texts.put("Quota exceeded \u00ff\u00fe later\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    "is text (\"Quota exceeded \uFFFD\uFFFD later\"), not a zip, tar, tar.gz, RAR or 7z archive; it is not kept, "
                    + "and a later attempt asks again");
            host.contentType("application/zip");
            int served = 0;
            for (Map.Entry<byte[], String> t : texts.entrySet()) {
                host.serve("videos.rar", t.getKey(), "t" + ++served);
                Fixture.Outcome text = Fixture.run(args);

                assertEquals(1, text.exit(), text.stderr());
                assertFalse(Files.exists(data.resolve("archives/videos.rar")), "text never takes the archive's name");
                log = Files.readString(data.resolve("avqa_download.log"));
                assertTrue(log.contains(t.getValue()), log);
            }

            host.contentType("application/octet-stream");
            host.serve("videos.rar", archive, "v1");
            assertEquals(0, Fixture.run(args).exit());
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }

            // what an earlier version kept as the archive, though it was text: fetched again
            Files.writeString(data.resolve("archives/videos.rar"), "Error: rate limit exceeded.\n");
            for (String id : IDS) {
                Files.delete(data.resolve("videos/" + id + ".mp4"));
                Files.delete(data.resolve("audio/" + id + ".wav"));
            }
            Fixture.Outcome again = Fixture.run(args);

            assertEquals(0, again.exit(), again.stderr());
            log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("The archive videos.rar here is a web page or text, not an archive (kept by an earlier "
                    + "version): it is fetched again"), log);
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }

            // a file of another kind is kept (fetching it again would not change it), and its import says what it is not
            byte[] binary = new byte[4096];
            new java.util.Random(7).nextBytes(binary);
            host.serve("other.rar", binary, "b1");
            Path other = tmp.resolve("other");
            assertEquals(1, Fixture.run(args(other, meta, host.shareUrl("other.rar"))).exit(), "an archive not read fails the run");
            log = Files.readString(other.resolve("avqa_download.log"));
            assertTrue(log.contains("Nothing of " + other.resolve("archives/other.rar") + " was imported: ")
                    && log.contains("is not a zip, tar, tar.gz, RAR or 7z archive"), log);
            assertFalse(log.contains("could not be read to its end ("), log);
            assertTrue(log.contains("1 archives could not be read to their end (other.rar)"), log);

            // an empty answer is nothing: never kept, asked again
            host.serve("empty.rar", new byte[0], "e1");
            Path empty = tmp.resolve("empty");
            assertEquals(1, Fixture.run(args(empty, meta, host.shareUrl("empty.rar"))).exit());
            assertFalse(Files.exists(empty.resolve("archives/empty.rar")), "an empty answer never takes the archive's name");
            assertTrue(Files.readString(empty.resolve("avqa_download.log")).contains("the link gave nothing for empty.rar "
                    + "(an empty answer)"));
        }
    }

    /**
     * A resume answered 416 (nothing to send) by a host whose file is now shorter than what came, though it first
     * announced more: the file changed, and what came is not taken as the whole archive.
     */
    @Test
    void aResumeAnswered416ByAFileShorterThanFirstAnnouncedStartsOver(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").pace(150_000);
            List<String> args = args(data, meta, host.shareUrl("videos.rar"));
            Process first = Fixture.startJvm(args, Map.of(), tmp.resolve("first.log"));
            Path part = data.resolve("archives/videos.rar.part");
            Fixture.await("part of the archive", 60_000, () -> size(part) > archive.length / 4);
            first.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            // the host now has less than what came, under the same validator: its answer to the resume (which asks
            // again for the last ArchiveFetch.OVERLAP bytes here) is 416
            byte[] came = Files.readAllBytes(part);
            host.serve("videos.rar", java.util.Arrays.copyOf(came, came.length - (int) ArchiveFetch.OVERLAP), "v1").pace(0);

            Fixture.run(args);

            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            assertTrue(files.stream().anyMatch(r -> r.status() == 416), files.toString());
            assertEquals(200, files.get(files.size() - 1).status(), "fetched whole again: " + files);
            assertTrue(Files.readString(data.resolve("avqa_download.log"))
                    .contains("the server no longer has videos.rar as it was; starting over"));
        }
    }

    /**
     * A resume answered with a Content-Range whose numbers are longer than any byte position (206 or 416): said in
     * our words, not Java's ("For input string"), and the archive fetched whole, in the same run.
     */
    @Test
    void aResumeAnsweredWithAContentRangeTooLongToReadStartsOverInOurWords(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        String huge = "9".repeat(23);
        try (ArchiveHost host = new ArchiveHost()) {
            List<String> args = resumedUnder(host, archive, data, meta, huge);
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("(attempt 2): the server sent a part of videos.rar under a Content-Range that cannot be "
                    + "read (\"bytes 83616-" + huge + "/" + huge + "\"); starting over"), log);

            // a 416 under such a length (the host's file is now shorter than the part): the part is not taken as whole
            Path other = tmp.resolve("other");
            List<String> oneAttempt = args(other, meta, host.shareUrl("videos.rar"));
            oneAttempt.set(oneAttempt.indexOf("--retry-attempts") + 1, "1");
            host.rangeTotal(null).cutAfter(40_000);
            Fixture.run(oneAttempt);
            host.cutAfter(-1).serve("videos.rar", java.util.Arrays.copyOf(archive, 10_000), "v1").rangeTotal(huge);
            Fixture.Outcome unsatisfied = Fixture.run(oneAttempt);

            assertTrue(host.requests().stream().anyMatch(r -> r.status() == 416), host.requests().toString());
            log = Files.readString(other.resolve("avqa_download.log"));
            assertTrue(log.contains("could not be fetched (the server no longer has videos.rar as it was; starting over)"), log);
            assertFalse(log.contains("For input string"), log);
            assertFalse(Files.exists(other.resolve("archives/videos.rar")), unsatisfied.stdout());
        }
    }

    /**
     * A run of two attempts that resumes a part of {@code archive} already here, the host answering the resume under
     * {@code rangeTotal} ({@link ArchiveHost#rangeTotal}): it must end with the whole archive. Gives its arguments.
     */
    private static List<String> resumedUnder(ArchiveHost host, byte[] archive, Path data, Path meta, String rangeTotal)
            throws Exception {
        host.serve("videos.rar", archive, "v1");
        List<String> args = partHere(host, data, meta, 100_000);
        host.cutAfter(-1).rangeTotal(rangeTotal);
        args.set(args.indexOf("--retry-attempts") + 1, "2");
        Fixture.Outcome outcome = Fixture.run(args);
        assertEquals(0, outcome.exit(), outcome.stderr());
        assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
        return args;
    }

    /** A resume answered 206 with no Content-Range (a multipart answer, say) starts over, said in our words. */
    @Test
    void aResumeAnsweredWithoutAContentRangeStartsOverInOurWords(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            resumedUnder(host, archive, data, tmp.resolve("meta"), ArchiveHost.NO_CONTENT_RANGE);
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("(attempt 2): the server sent a part of videos.rar without a Content-Range (a multipart "
                    + "answer, say), which cannot be joined to what came before; starting over"), log);
            assertFalse(log.contains("null"), log);
        }
    }

    /**
     * An archive and the annotations behind a login, its user name and password in their URLs
     * ({@code http://user:pass@host/…}, which Camel's HTTP client refuses as it is): the requests go without
     * them, the host's 401 is answered with them, and the password is written nowhere and shown nowhere.
     */
    @Test
    void anArchiveBehindALoginIsFetchedWithTheUserAndPasswordOfItsUrl(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").requireLogin("alice:l0gin@S3cret");
            host.serve("avqa-test.json", Files.readAllBytes(meta.resolve("avqa-test.json")), "a1");
            String url = host.shareUrl("videos.rar").replace("http://", "http://alice:l0gin%40S3cret@");
            List<String> args = args(data, meta, url);
            args.set(args.indexOf("--metadata-url") + 1, url.replaceAll("/share/.*", "/files"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            assertTrue(host.requests().stream().anyMatch(r -> r.status() == 401), "the host asked: " + host.requests());
            assertTrue(host.requests().stream().anyMatch(r -> r.path().equals("/files/videos.rar") && r.status() == 200),
                    "and was answered: " + host.requests());
            assertTrue(host.requests().stream().anyMatch(r -> r.path().equals("/files/avqa-test.json") && r.status() == 200),
                    "for the annotations too: " + host.requests());
            assertArrayEquals(Files.readAllBytes(meta.resolve("avqa-test.json")),
                    Files.readAllBytes(data.resolve("metadata/avqa-test.json")));
            // the doctor's look at the URL answers the login too
            List<String> doctor = new java.util.ArrayList<>(args);
            doctor.add("--doctor");
            Fixture.Outcome looked = Fixture.run(doctor);
            String said = looked.stdout() + looked.stderr();
            assertTrue(said.contains("OK    archive") && said.contains("OK    annotations") && !said.contains("HTTP 401"), said);
            for (String secret : List.of("l0gin@S3cret", "l0gin%40S3cret")) {
                assertFalse(outcome.stdout().contains(secret) || outcome.stderr().contains(secret), "shown");
                assertFalse(said.contains(secret), "shown by the doctor: " + said);
                try (java.util.stream.Stream<Path> files = Files.walk(data)) {
                    for (Path f : files.filter(Files::isRegularFile).filter(f -> size(f) < 1 << 20).toList()) {
                        assertFalse(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1).contains(secret),
                                secret + " in " + f);
                    }
                }
            }
        }
    }

    /**
     * avqa.archive.max-size: an archive announced larger is not taken, and a body of no announced length
     * that never ends is stopped there; neither leaves its bytes behind, and each is said in one line.
     */
    @Test
    void anArchiveLargerThanTheCapIsNotTakenAnnouncedOrEndless(@TempDir Path tmp) throws Exception {
        byte[] archive = rarOf(tmp, "videos", clip);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        Map<String, String> cap = Map.of("AVQA_ARCHIVE_MAX_SIZE", "2M");

        try (CloseDelimitedHost host = new CloseDelimitedHost(archive, -1)) {
            Path data = tmp.resolve("endless");
            long start = System.currentTimeMillis();
            Fixture.Outcome outcome = Fixture.run(args(data, meta, host.url()), cap);
            assertTrue(System.currentTimeMillis() - start < 60_000, "not held by the endless body");
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("videos.rar is larger than avqa.archive.max-size (2.0 MiB): more than that came, and its "
                    + "host announced no length; it is not taken, and what came is dropped"), log);
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("archives")), "nothing kept");
            assertEquals(1, host.requests(), "not tried again: " + log);
            assertFalse(outcome.stderr().contains("Exception"), outcome.stderr());
        }

        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").announce(3 << 20);
            Path data = tmp.resolve("announced");
            Fixture.run(args(data, meta, host.shareUrl("videos.rar")), cap);
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("videos.rar is larger than avqa.archive.max-size (2.0 MiB): its host announces 3.0 MiB"),
                    log);
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("archives")), "nothing kept");
        }
    }

    /**
     * A zip split into byte-parts numbered from {@code .00} ({@code split -d}), each part its own URL: each
     * part is kept under its own name beside the others (a later part starts mid-archive, with no
     * archive's first bytes, and is kept all the same), and the parts are imported as one archive. So too for the
     * parts split names with letters ({@code .aa}, {@code .ab}, …).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {".00", ".aa"})
    void aSplitArchiveGivenPartByPartAsUrlsIsImportedWhole(String firstSuffix, @TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("zip");
        zipOf(tmp, "videos", clip, IDS);
        List<Path> parts = firstSuffix.equals(".00") ? ArchiveMaker.split(tmp.resolve("videos.zip"), 200_000)
                : ArchiveMaker.splitLettered(tmp.resolve("videos.zip"), 200_000);
        assertTrue(parts.size() >= 3 && parts.get(0).getFileName().toString().endsWith(firstSuffix), parts.toString());
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            for (Path part : parts) {
                args.addAll(List.of("--import-archive", host.shareUrl(part.getFileName().toString())));
            }
            // the last part's link does not give it yet: the parts here cannot be read to their end, and the
            // run says to keep them, not to delete them, since the next run fetches the last and reads them all
            for (Path part : parts.subList(0, parts.size() - 1)) {
                String name = part.getFileName().toString();
                host.serve(name, Files.readAllBytes(part), name.replace(".", ""));
            }
            Fixture.Outcome first = Fixture.run(args);
            assertEquals(1, first.exit(), first.stderr());
            String firstLog = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(firstLog.contains("Where one not fetched (above) is a part of one named here, the next run fetches "
                    + "it and reads the parts together again: keep them"), firstLog);
            Path last = parts.get(parts.size() - 1);
            host.serve(last.getFileName().toString(), Files.readAllBytes(last), "last");

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            for (Path part : parts) {
                assertTrue(Files.isRegularFile(data.resolve("archives/" + part.getFileName())), part.getFileName() + " kept");
            }
            String log = Files.readString(data.resolve("avqa_download.log")).substring(firstLog.length());
            assertFalse(log.contains("could not be read"), "a later part is not read alone as an archive: " + log);
            assertEquals(1, log.lines().filter(l -> l.contains("Importing ")).count(), log);
        }
    }

    /**
     * What a file is decides, not its name: a whole zip named as a later RAR volume (by its URL,
     * {@code videos.part2.rar}, or as a file, {@code videos.r00}) is that zip, imported, not set aside as a part
     * whose first is missing.
     */
    @Test
    void aWholeZipNamedAsALaterRarVolumeIsImportedAsTheZipItIs(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("zip");
        byte[] zip = zipOf(tmp, "videos", clip, IDS);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.part2.rar", zip, "zip2");
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--import-archive", host.shareUrl("videos.part2.rar")));

            String log = allImported(args, data);
            assertFalse(log.contains("is a later part"), log);
        }
        Path r00 = Files.write(tmp.resolve("videos.r00"), zip);
        Path local = tmp.resolve("local");
        List<String> args = Fixture.localArgs(local, meta, SettingsTable.YOUTUBE_TEMPLATE);
        args.addAll(List.of("--import-archive", r00.toString()));
        Fixture.Outcome outcome = Fixture.run(args);
        assertEquals(0, outcome.exit(), outcome.stderr());
        for (String id : IDS) {
            assertTrue(Files.isRegularFile(local.resolve("videos/" + id + ".mp4")), id);
        }
    }

    /** A RAR5 of the clip as each of IDS, in volumes of 150 KB ({@code videos.part1.rar}, …), in order. */
    static List<Path> rarVolumes(Path tmp) throws Exception {
        return rarVolumes(tmp, "150k");
    }

    /** The same, in volumes of {@code size} (rar's -v). */
    static List<Path> rarVolumes(Path tmp, String size) throws Exception {
        ArchiveMaker.need("bsdtar");
        ArchiveMaker.need("rar");
        Map<String, Path> entries = new LinkedHashMap<>();
        IDS.forEach(id -> entries.put(id + ".mp4", clip));
        Path src = ArchiveMaker.folder(tmp, "videos", entries);
        Path out = Files.createDirectories(tmp.resolve("volumes"));
        ArchiveMaker.run(src, "rar", "a", "-ma5", "-m0", "-r", "-idq", "-v" + size, out.resolve("videos.rar").toString(), ".");
        List<Path> volumes;
        try (var s = Files.list(out)) {
            volumes = s.sorted().toList();
        }
        assertTrue(volumes.size() >= 3, volumes.toString());
        return volumes;
    }

    /**
     * A RAR in volumes (name.part1.rar, …) from a host that announces no length: each volume is whole when it
     * ends as a volume ends (bsdtar cannot read one alone), and the set is imported as one archive. Without
     * its first volume, the others are not read alone.
     */
    @Test
    void aRarInVolumesFromAHostWithoutLengthsIsImportedWhole(@TempDir Path tmp) throws Exception {
        List<Path> volumes = rarVolumes(tmp);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.noLength();
            host.serveAll(volumes);
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            volumes.forEach(v -> args.addAll(List.of("--import-archive", host.shareUrl(v.getFileName().toString()))));

            String log = allImported(args, data);
            assertFalse(log.contains("could not be read"), log);

            // every volume given as a file (a shell's videos.part*.rar): the set is read once, from its first
            Path all = tmp.resolve("all-files");
            List<String> allArgs = Fixture.localArgs(all, meta, SettingsTable.YOUTUBE_TEMPLATE);
            volumes.forEach(v -> allArgs.addAll(List.of("--import-archive", v.toString())));
            Fixture.Outcome allOutcome = Fixture.run(allArgs);
            String allLog = Files.readString(all.resolve("avqa_download.log"));
            assertEquals(0, allOutcome.exit(), allOutcome.stderr() + allLog);
            assertEquals(1, allLog.lines().filter(l -> l.contains("Importing ")).count(), allLog);

            laterVolumesAreNotReadAlone(tmp, meta, volumes);
        }
    }

    /**
     * One volume given by two links (a mirror's and its host's, or a share link's and a Drive-like link's, whose
     * host names it): the second download, the same bytes as the volume here under that name, is that volume,
     * kept once; not a second copy under another name, read as a later part of an archive whose first part is
     * missing (which ended the run with exit 1 and the advice to give a first part that was there).
     */
    @Test
    void oneVolumeGivenByTwoLinksIsKeptOnce(@TempDir Path tmp) throws Exception {
        List<Path> volumes = rarVolumes(tmp);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost(); ArchiveHost mirror = new ArchiveHost()) {
            host.serveAll(volumes);
            String first = volumes.get(0).getFileName().toString();
            String second = volumes.get(1).getFileName().toString();
            host.serve("one", Files.readAllBytes(volumes.get(0)), "v").disposition("one", "attachment; filename=" + first);
            mirror.serve(second, Files.readAllBytes(volumes.get(1)), "m");
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            volumes.forEach(v -> args.addAll(List.of("--import-archive", host.shareUrl(v.getFileName().toString()))));
            args.addAll(List.of("--import-archive", mirror.shareUrl(second), "--import-archive", host.driveUrl("one")));

            String log = allImported(args, data);
            assertFalse(log.contains("first part is not here"), log);
            assertEquals(2, log.lines().filter(l -> l.contains("the same bytes as the one here from another link, kept "
                    + "once")).count(), log);
            theVolumesOnceEach(data, volumes);

            // as an earlier version left it: the mirror's copy under its hash, its record naming it; and a part the
            // Drive link's download left as a run was stopped just when it was found to be the volume here
            Path archives = data.resolve("archives");
            Path mirrorRecord;
            Path driveRecord;
            try (var s = Files.list(archives)) {
                List<Path> records = s.toList();
                mirrorRecord = records.stream().filter(p -> p.getFileName().toString().matches("videos-[0-9a-f]{12}\\.part2\\.rar\\.json"))
                        .findFirst().orElseThrow();
                driveRecord = records.stream().filter(p -> p.getFileName().toString().matches("uc-[0-9a-f]{12}\\.json"))
                        .findFirst().orElseThrow();
            }
            var record = (com.fasterxml.jackson.databind.node.ObjectNode) Fixture.readJson(mirrorRecord);
            record.remove(List.of("saved_as", ArchiveFiles.KEPT_ONCE));
            Files.writeString(mirrorRecord, record.toString());
            String hashed = mirrorRecord.getFileName().toString().replaceFirst("\\.json$", "");
            Files.copy(archives.resolve(second), archives.resolve(hashed));
            Path stalePart = driveRecord.resolveSibling(driveRecord.getFileName().toString().replaceFirst("\\.json$", ".part"));
            Files.copy(archives.resolve(first), stalePart);

            String againLog = aLostVideoComesBackWithNoRequest(data, args, log, host, mirror);
            assertEquals(volumes.size(), againLog.lines().filter(l -> l.contains("is here already")).count(), againLog);
            assertTrue(againLog.contains("kept as " + hashed + ": that copy gives way to it, kept once"), againLog);
            assertFalse(Files.exists(stalePart), "the stale part removed");
            theVolumesOnceEach(data, volumes);
        }
    }

    /**
     * One volume by two links, the second whole while the first was still coming (its host cut every answer short):
     * the second is kept under its link's hash meanwhile; once the first is whole, the copy with its bytes gives way
     * to it and its record names it. Before, the copy stayed, read as a later part whose first part is missing (exit
     * 1 at every later run, with every video complete).
     */
    @Test
    void aVolumeASecondLinkBroughtWhileTheFirstWasComingGivesWayToItOnceWhole(@TempDir Path tmp) throws Exception {
        List<Path> volumes = rarVolumes(tmp);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost(); ArchiveHost mirror = new ArchiveHost()) {
            host.serveAll(volumes).cutAfter(20_000);
            String second = volumes.get(1).getFileName().toString();
            mirror.serve(second, Files.readAllBytes(volumes.get(1)), "m");
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            volumes.forEach(v -> args.addAll(List.of("--import-archive", host.shareUrl(v.getFileName().toString()))));
            args.addAll(List.of("--import-archive", mirror.shareUrl(second)));
            assertEquals(1, Fixture.run(args).exit(), "the host's volumes cut short");
            List<String> meanwhile = PipelineTest.listNames(data.resolve("archives"));
            assertTrue(meanwhile.stream().anyMatch(n -> n.matches("videos-[0-9a-f]{12}\\.part2\\.rar")), meanwhile.toString());

            host.cutAfter(-1);
            String log = allImported(args, data);
            assertTrue(log.contains("that copy gives way to it, kept once"), log);
            theVolumesOnceEach(data, volumes);
            aLostVideoComesBackWithNoRequest(data, args, log, host, mirror);
        }
    }

    /** Runs {@code args} to its end: exit 0, and every one of IDS a video here. Returns the log. */
    private static String allImported(List<String> args, Path data) throws Exception {
        Fixture.Outcome outcome = Fixture.run(args);
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(0, outcome.exit(), outcome.stderr() + log);
        for (String id : IDS) {
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
        }
        return log;
    }

    /** {@code archives/} holds each of {@code volumes} once, under its own name, with its bytes, and nothing else. */
    private static void theVolumesOnceEach(Path data, List<Path> volumes) throws Exception {
        List<String> kept;
        try (var s = Files.list(data.resolve("archives"))) {
            kept = s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".json")).sorted().toList();
        }
        assertEquals(volumes.stream().map(v -> v.getFileName().toString()).sorted().toList(), kept);
        for (Path v : volumes) {
            assertArrayEquals(Files.readAllBytes(v), Files.readAllBytes(data.resolve("archives/" + v.getFileName())));
        }
    }

    /**
     * The next run, a video lost: every link's archive is here, nothing is asked of the hosts, nothing fetched or said
     * missing, and the video is back. Returns that run's log.
     */
    private static String aLostVideoComesBackWithNoRequest(Path data, List<String> args, String log, ArchiveHost... hosts)
            throws Exception {
        int asked = java.util.Arrays.stream(hosts).mapToInt(h -> h.requests().size()).sum();
        Files.delete(data.resolve("videos/" + IDS.get(0) + ".mp4"));
        Files.delete(data.resolve("audio/" + IDS.get(0) + ".wav"));
        Fixture.Outcome again = Fixture.run(args);
        String againLog = Files.readString(data.resolve("avqa_download.log")).substring(log.length());
        assertEquals(0, again.exit(), again.stderr() + againLog);
        assertTrue(Fixture.probe(data.resolve("videos/" + IDS.get(0) + ".mp4"))[0] > 2.5, againLog);
        assertEquals(asked, java.util.Arrays.stream(hosts).mapToInt(h -> h.requests().size()).sum(), againLog);
        assertFalse(againLog.contains("first part is not here") || againLog.contains("Fetched"), againLog);
        return againLog;
    }

    /**
     * A volume whose own link keeps failing (its host cuts every answer short), given by a mirror too: the mirror's
     * copy, kept under its link's hash while the other's download holds the name, is read as that volume, and the run
     * ends well; once the other link's download is whole with the same bytes, the copy gives way to it.
     */
    @Test
    void aMirrorsCopyStandsInForAVolumeWhoseOwnLinkFails(@TempDir Path tmp) throws Exception {
        List<Path> volumes = rarVolumes(tmp);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost(); ArchiveHost failing = new ArchiveHost(); ArchiveHost mirror = new ArchiveHost()) {
            String second = volumes.get(1).getFileName().toString();
            host.serveAll(volumes);
            failing.serve(second, Files.readAllBytes(volumes.get(1)), "f").cutAfter(20_000);
            mirror.serve(second, Files.readAllBytes(volumes.get(1)), "m");
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            for (Path v : volumes) {
                String name = v.getFileName().toString();
                args.addAll(List.of("--import-archive", (name.equals(second) ? failing : host).shareUrl(name)));
            }
            args.addAll(List.of("--import-archive", mirror.shareUrl(second)));

            String log = allImported(args, data);
            assertFalse(log.contains("first part is not here") || log.contains("is missing"), log);

            assertTrue(log.contains("was brought by another link too, kept as videos-"), log);

            // the volume's own link whole at the next run (a video lost): the mirror's copy gives way to it
            failing.cutAfter(-1);
            Files.delete(data.resolve("videos/" + IDS.get(1) + ".mp4"));
            Fixture.Outcome last = Fixture.run(args);
            String lastLog = Files.readString(data.resolve("avqa_download.log")).substring(log.length());
            assertEquals(0, last.exit(), last.stderr() + lastLog);
            assertTrue(lastLog.contains("that copy gives way to it, kept once"), lastLog);
            theVolumesOnceEach(data, volumes);
        }
    }

    /**
     * A share link whose redirect names the file as it is, unescaped, in UTF-8 (a space, letters of another script):
     * followed as browsers and curl follow it, and the archive named by it. Before, "a location that is no URL".
     */
    @Test
    void aRedirectToAnUnescapedNameIsFollowedAsBrowsersFollowIt(@TempDir Path tmp) throws Exception {
        byte[] archive = videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("视频 all.rar", archive, "v");
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--import-archive", host.opaqueShareUrl("视频 all.rar")));

            String log = allImported(args, data);
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/视频_all.rar")));
        }
    }

    /**
     * Two different RARs in volumes of the same names (a train set and a test set), a volume of the first failing:
     * the second set's volume of that name, under its link's hash, does not stand in for it (the download begun under
     * the name does not begin with its bytes); the run says the volume is missing and that its link failed.
     */
    @Test
    void anotherSetsVolumeOfTheSameNameNeverStandsIn(@TempDir Path tmp) throws Exception {
        List<Path> volumes = rarVolumes(tmp);
        Map<String, Path> others = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            others.put("other" + i + ".mp4", clip);
        }
        Path src = ArchiveMaker.folder(tmp.resolve("b"), "videos", others);
        Path out = Files.createDirectories(tmp.resolve("b-volumes"));
        ArchiveMaker.run(src, "rar", "a", "-ma5", "-m0", "-r", "-idq", "-v150k", out.resolve("videos.rar").toString(), ".");
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost(); ArchiveHost failing = new ArchiveHost(); ArchiveHost test = new ArchiveHost()) {
            String second = volumes.get(1).getFileName().toString();
            host.serveAll(volumes);
            failing.serve(second, Files.readAllBytes(volumes.get(1)), "f").cutAfter(20_000);
            List<Path> otherVolumes;
            try (var s = Files.list(out)) {
                otherVolumes = s.sorted().toList();
            }
            test.serveAll(otherVolumes);
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            for (Path v : volumes) {
                String name = v.getFileName().toString();
                args.addAll(List.of("--import-archive", (name.equals(second) ? failing : host).shareUrl(name)));
            }
            otherVolumes.forEach(v -> args.addAll(List.of("--import-archive", test.shareUrl(v.getFileName().toString()))));

            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, outcome.exit(), outcome.stderr() + log);
            assertFalse(log.contains("was read in its place"), log);
            assertTrue(log.contains("videos.part2.rar is missing"), log);
            assertTrue(log.contains("could not be fetched (" + failing.shareUrl(second)), log);
        }
    }

    /**
     * A second link to a volume whose bytes differ (a mirror's damaged copy of the same length): kept apart, said to
     * be another link's copy, not read; the volumes here are imported and the run ends well. Before, it was called a
     * later part whose first part is not here (exit 1, and the advice to give a first part that was there).
     */
    @Test
    void anotherLinksCopyOfAVolumeWithOtherBytesIsSaidAndNotRead(@TempDir Path tmp) throws Exception {
        List<Path> volumes = rarVolumes(tmp);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost(); ArchiveHost mirror = new ArchiveHost()) {
            host.serveAll(volumes);
            String second = volumes.get(1).getFileName().toString();
            byte[] other = Files.readAllBytes(volumes.get(1));
            other[other.length / 2] ^= 0x5a;
            mirror.serve(second, other, "m");
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            volumes.forEach(v -> args.addAll(List.of("--import-archive", host.shareUrl(v.getFileName().toString()))));
            args.addAll(List.of("--import-archive", mirror.shareUrl(second)));

            String log = allImported(args, data);
            assertTrue(log.lines().anyMatch(l -> l.matches(".*videos-[0-9a-f]{12}\\.part2\\.rar is another link's copy of "
                    + "videos\\.part2\\.rar, kept apart as its bytes are not those of the one here: it is not read.*")), log);
            assertFalse(log.contains("first part is not here"), log);
        }
    }

    /**
     * A share link that names nothing ({@code /s/<token>}) and leads to the file's URL, whose answer names nothing
     * either (no Content-Disposition): the file takes the name of the URL it led to, as a browser names it, so that a
     * RAR's volume given so is read with the others (it was saved as {@code <token>-<hash>}, and its volume said missing).
     */
    @Test
    void aShareLinkThatNamesNothingGivesTheNameOfTheUrlItLeadsTo(@TempDir Path tmp) throws Exception {
        List<Path> volumes = rarVolumes(tmp);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            host.serveAll(volumes);
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            volumes.forEach(v -> args.addAll(List.of("--import-archive", host.opaqueShareUrl(v.getFileName().toString()))));

            String log = allImported(args, data);
            theVolumesOnceEach(data, volumes);
        }
    }

    /**
     * The first of a RAR's {@code volumes} gone (its download failed, say): the others are not read alone; given
     * as files, they are refused before anything starts (exit 2, one line), as a later byte-part given alone is;
     * in a folder given, they are named in a warning and the folder's other archives are read.
     */
    static void laterVolumesAreNotReadAlone(Path tmp, Path meta, List<Path> volumes) throws Exception {
        Path without = tmp.resolve("without-first");
        List<String> rest = Fixture.localArgs(without, meta, SettingsTable.YOUTUBE_TEMPLATE);
        volumes.subList(1, volumes.size()).forEach(v -> rest.addAll(List.of("--import-archive", v.toString())));
        Fixture.Outcome refused = Fixture.run(rest);
        assertEquals(2, refused.exit(), refused.stderr());
        assertEquals(List.of("avqa-downloader: --import-archive: " + volumes.get(1) + " is a later volume of a RAR "
                + "split into volumes, not readable alone: give its first volume, " + volumes.get(0).getFileName()
                + ", with the others beside it"), refused.stderr().lines().toList());
        assertFalse(Files.exists(without.resolve("avqa_download.log")), "nothing started");
        Path folder = Files.createDirectories(tmp.resolve("later-volumes"));
        for (Path v : volumes.subList(1, volumes.size())) {
            Files.copy(v, folder.resolve(v.getFileName()));
        }
        Path inFolder = tmp.resolve("in-folder");
        List<String> folderArgs = Fixture.localArgs(inFolder, meta, SettingsTable.YOUTUBE_TEMPLATE);
        folderArgs.addAll(List.of("--import-archive", folder.toString()));
        assertEquals(1, Fixture.run(folderArgs).exit(), "nothing of the folder's archives could be imported");
        String restLog = Files.readString(inFolder.resolve("avqa_download.log"));
        assertTrue(restLog.contains(volumes.get(1).getFileName() + " is a later part of a split archive whose first "
                + "part is not here: it is not read alone"), restLog);
        assertFalse(restLog.contains("could not be read") || restLog.contains("Importing " + folder + "/"), restLog);
        assertTrue(restLog.contains("archives are later parts of a split archive whose first part is not here ("
                + volumes.get(1).getFileName()), restLog);
    }

    /**
     * The volumes {@link #rarVolumes} makes, under the old names ({@code videos.rar}, {@code videos.r00},
     * {@code videos.r01}, …) that {@code rar -vn} gave them: rar 7 makes the new names only (it has no -vn any
     * more), and reads its volumes by the old names as one archive all the same (its test, below).
     */
    static List<Path> oldStyleVolumes(Path tmp) throws Exception {
        List<Path> volumes = rarVolumes(tmp);
        Path out = Files.createDirectories(tmp.resolve("old-style"));
        List<Path> old = new java.util.ArrayList<>();
        for (int i = 0; i < volumes.size(); i++) {
            old.add(Files.copy(volumes.get(i), out.resolve(i == 0 ? "videos.rar" : String.format("videos.r%02d", i - 1))));
        }
        ArchiveMaker.run(out, "rar", "t", "-idq", "videos.rar");
        return old;
    }

    /**
     * A RAR in volumes behind links of their own, one volume in the middle not given: the run names the missing volume,
     * imports what the volumes before it hold, and says so in its words: no "damaged?" error, no video said to be in a
     * damaged archive, no other copy of the volumes here asked for at the next run. Given every volume, the next run
     * imports the rest, without a word of the copies here.
     */
    @Test
    void aVolumeMissingBetweenLinksIsNamedAsMissingNotAsDamage(@TempDir Path tmp) throws Exception {
        // volumes of one and a half videos: the second video begins in the first volume and goes on in the one missing,
        // where bsdtar fails
        List<Path> volumes = rarVolumes(tmp, (Files.size(clip) * 3 / 2 / 1024) + "k");
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serveAll(volumes);
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            for (Path v : volumes) {
                if (!v.equals(volumes.get(1))) {
                    args.addAll(List.of("--import-archive", host.shareUrl(v.getFileName().toString())));
                }
            }
            Fixture.Outcome gap = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, gap.exit(), gap.stderr() + log);
            String missing = volumes.get(1).getFileName().toString();
            assertTrue(log.contains("the part " + missing + " is missing, though later parts are here"), log);
            assertTrue(log.contains("1 split archives lack a part or a volume (videos.part1.rar"), log);
            for (String wrong : List.of("(damaged?)", "damaged archive?", "whether it has another copy",
                    "what lies after the damage")) {
                assertFalse(log.contains(wrong), wrong + ": " + log);
            }
            String failed = Files.readString(data.resolve("failed_downloads.json"));
            assertTrue(failed.contains("a part or volume of the archive is missing") && !failed.contains("damaged archive?"),
                    failed);

            args.addAll(List.of("--import-archive", host.shareUrl(missing)));
            Fixture.Outcome whole = Fixture.run(args);

            String after = Files.readString(data.resolve("avqa_download.log")).substring(log.length());
            assertEquals(0, whole.exit(), whole.stderr() + after);
            assertEquals(IDS.size(), PipelineTest.listNames(data.resolve("videos")).size(), after);
            assertFalse(after.contains("still has the copy fetched before"), after);
        }
    }

    /**
     * A RAR in volumes named the old way (videos.rar, videos.r00, videos.r01, …) is read as one archive, as one
     * named the new way is: given by its first volume, every volume given (a shell's videos.r*, in its order),
     * in a folder given, or each volume behind a URL of its own. A later volume given alone is refused before
     * anything starts; in a folder without its first, it is named in a warning and not read alone.
     */
    @Test
    void oldStyleRarVolumesAreReadAsOneArchiveHoweverGiven(@TempDir Path tmp) throws Exception {
        List<Path> volumes = oldStyleVolumes(tmp);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        Map<String, List<String>> ways = new LinkedHashMap<>();
        ways.put("first", List.of(volumes.get(0).toString()));
        ways.put("every", volumes.stream().map(Path::toString).sorted().toList());
        ways.put("folder", List.of(volumes.get(0).getParent().toString()));
        try (ArchiveHost host = new ArchiveHost()) {
            host.serveAll(volumes);
            ways.put("urls", volumes.stream().map(v -> host.shareUrl(v.getFileName().toString())).toList());
            for (Map.Entry<String, List<String>> way : ways.entrySet()) {
                Path data = tmp.resolve(way.getKey());
                List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
                way.getValue().forEach(v -> args.addAll(List.of("--import-archive", v)));

                Fixture.Outcome outcome = Fixture.run(args);

                String log = Files.readString(data.resolve("avqa_download.log"));
                assertEquals(0, outcome.exit(), way.getKey() + ": " + outcome.stderr() + log);
                for (String id : IDS) {
                    assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, way.getKey() + ": " + id);
                }
                assertFalse(log.contains("could not be read") || log.contains("is a later part of a split archive"), log);
                List<String> read = log.lines().filter(l -> l.contains("Importing ") && l.contains("videos.r")).toList();
                assertTrue(read.size() == 1 && read.get(0).endsWith("videos.rar"), way.getKey() + ": read once: " + read);
            }
        }

        laterVolumesAreNotReadAlone(tmp, meta, volumes);

        // a volume missing between those here is named, as a missing new-style volume or byte-part is
        assertTrue(volumes.size() >= 4, volumes.toString());
        Path gap = Files.createDirectories(tmp.resolve("gap"));
        for (Path v : volumes) {
            if (!v.equals(volumes.get(2))) {
                Files.copy(v, gap.resolve(v.getFileName()));
            }
        }
        Path gapData = tmp.resolve("gap-data");
        Fixture.run(args(gapData, meta, gap.resolve("videos.rar").toString()));
        String gapLog = Files.readString(gapData.resolve("avqa_download.log"));
        assertTrue(gapLog.contains("videos.rar: the part videos.r01 is missing, though later parts are here"), gapLog);
        assertFalse(gapLog.contains("is missing (its end says more volumes follow)"), "the missing volume said once: " + gapLog);
        // the folder given, or every volume: the volumes after the gap are not "later parts whose first part is
        // not here" (it is), and the run says the set could not be read whole
        for (String given : List.of("folder", "volumes")) {
            Path givenData = tmp.resolve("gap-" + given);
            List<String> gapArgs = args(givenData, meta, gap.toString());
            if (given.equals("volumes")) {
                gapArgs = args(givenData, meta, gap.resolve("videos.rar").toString());
                for (Path v : volumes) {
                    if (!v.equals(volumes.get(2)) && !v.getFileName().toString().equals("videos.rar")) {
                        gapArgs.addAll(List.of("--import-archive", gap.resolve(v.getFileName()).toString()));
                    }
                }
            }
            Fixture.Outcome gapRun = Fixture.run(gapArgs);
            String log = Files.readString(givenData.resolve("avqa_download.log"));
            assertEquals(1, log.lines().filter(l -> l.contains("the part videos.r01 is missing, though later parts are here")).count(),
                    given + ": " + log);
            assertFalse(log.contains("whose first part is not here"), given + ": " + log);
            assertEquals(1, gapRun.exit(), given + ": " + gapRun.stderr());
        }
    }

    /**
     * A zip split into byte-parts numbered from .001, given as a shell expands {@code g3.zip.*}: every part, as
     * one comma-separated list or as an option each. The later parts fold into their first's set, read once
     * as one archive; without their first they are still refused before anything starts.
     */
    @Test
    void everyBytePartGivenAsAShellExpandsItIsReadOnceAsOneArchive(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        zipOf(tmp, "g3", clip, IDS);
        List<Path> parts = ArchiveMaker.split(tmp.resolve("g3.zip"), 200_000, 3, 1);
        assertTrue(parts.size() >= 3 && parts.get(0).getFileName().toString().equals("g3.zip.001"), parts.toString());
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        List<String> all = parts.stream().map(Path::toString).toList();
        Map<String, List<String>> ways = new LinkedHashMap<>();
        ways.put("comma-list", List.of("--import-archive", String.join(",", all)));
        ways.put("repeated", all.stream().flatMap(p -> java.util.stream.Stream.of("--import-archive", p)).toList());
        for (Map.Entry<String, List<String>> way : ways.entrySet()) {
            Path data = tmp.resolve(way.getKey());
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(way.getValue());

            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.exists(data.resolve("avqa_download.log")) ? Files.readString(data.resolve("avqa_download.log")) : "";
            assertEquals(0, outcome.exit(), way.getKey() + ": " + outcome.stderr() + log);
            for (String id : IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, way.getKey() + ": " + id);
            }
            assertEquals(List.of("Importing " + parts.get(0)), log.lines().filter(l -> l.contains("Importing "))
                    .map(l -> l.substring(l.indexOf("Importing "))).toList(), way.getKey() + ": read once, from its first part");
            assertFalse(log.contains("could not be read") || log.contains("is a later part"), log);
        }

        Path without = tmp.resolve("without-first");
        List<String> rest = Fixture.localArgs(without, meta, SettingsTable.YOUTUBE_TEMPLATE);
        parts.subList(1, parts.size()).forEach(p -> rest.addAll(List.of("--import-archive", p.toString())));
        Fixture.Outcome refused = Fixture.run(rest);
        assertEquals(2, refused.exit(), refused.stderr());
        assertEquals(List.of("avqa-downloader: " + parts.get(1) + " is not a zip, tar, tar.gz, RAR or 7z archive (nor the "
                + "first part of one)"), refused.stderr().lines().toList());
        assertFalse(Files.exists(without.resolve("avqa_download.log")), "nothing started");
    }

    /**
     * A RAR in volumes, each behind a Google Drive link of its own (every link ends in {@code uc}): each volume
     * takes the name Drive gives it ({@code Content-Disposition}), so the set is found and imported as one
     * archive; a name that climbs out of the folder keeps only its last segment; the next run fetches none of
     * them again.
     */
    @Test
    void volumesBehindDriveLinksTakeTheNamesTheirHostGivesAndAreReadTogether(@TempDir Path tmp) throws Exception {
        List<Path> volumes = rarVolumes(tmp);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        try (ArchiveHost host = new ArchiveHost()) {
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            for (int i = 0; i < volumes.size(); i++) {
                String id = "1DrIvEiD" + i;
                String name = volumes.get(i).getFileName().toString();
                host.serve(id, Files.readAllBytes(volumes.get(i)), "v" + i).disposition(id, i == 0
                        ? "attachment; filename=\"../../" + name + "\""
                        : "attachment; filename=\"" + name + "\"; filename*=UTF-8''" + name);
                args.addAll(List.of("--import-archive", host.driveUrl(id)));
            }

            String log = allImported(args, data);
            List<String> kept = PipelineTest.listNames(data.resolve("archives")).stream().filter(n -> !n.endsWith(".json")).toList();
            assertEquals(volumes.stream().map(v -> v.getFileName().toString()).sorted().toList(), kept.stream().sorted().toList());
            assertFalse(log.contains("is a later part of a split archive") || log.contains("could not be read"), log);
            assertFalse(Files.exists(tmp.resolve(volumes.get(0).getFileName())) || Files.exists(data.resolve(volumes.get(0).getFileName())),
                    "nothing outside archives/");
            int asked = host.requests().size();

            assertEquals(0, Fixture.run(args).exit());
            assertEquals(asked, host.requests().size(), "all are here already: " + host.requests());
        }
    }

    /**
     * A host that announces no length: an HTTP/1.0 answer whose end is the connection closing, as old
     * servers and some proxies send it; it sends {@code send} bytes of the archive, then closes (-1: the
     * archive again and again, for ever).
     */
    static final class CloseDelimitedHost implements AutoCloseable {
        private final java.net.ServerSocket socket;
        private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

        CloseDelimitedHost(byte[] archive, int send) throws java.io.IOException {
            socket = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (java.net.Socket c = socket.accept()) {
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                c.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
                        String line;
                        while ((line = in.readLine()) != null && !line.isEmpty()) {
                            // the request's headers: a Range is not honoured
                        }
                        requests.incrementAndGet();
                        java.io.OutputStream out = c.getOutputStream();
                        out.write(("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
                                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                        if (send < 0) {
                            // a body that never ends: the archive again and again
                            while (!socket.isClosed()) {
                                out.write(archive);
                            }
                        }
                        out.write(archive, 0, send);
                        out.flush();
                    } catch (java.io.IOException closed) {
                        // closed by close(), or the client went away
                    }
                }
            }, "close-delimited-host");
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/videos.rar";
        }

        int requests() {
            return requests.get();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }
}
