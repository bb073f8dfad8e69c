package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An archive whose host gives no ETag and no Last-Modified (a file host's own small server), but announces the
 * file's length: a broken download resumes, guarded by that length and by the last bytes here asked for again, and
 * is fetched whole again when the host's file is another one.
 */
class ArchiveResumeTest extends LoopbackServerTest {

    @Test
    void aHostWithoutValidatorsHasABrokenDownloadResumedNotFetchedWholeAgain(@TempDir Path tmp) throws Exception {
        byte[] archive = ArchiveFetchTest.videosRar(tmp);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").noValidators();
            List<String> args = ArchiveFetchTest.partHere(host, data, meta, 100_000);
            host.cutAfter(-1);
            args.set(args.indexOf("--retry-attempts") + 1, "3");

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
            for (String id : ArchiveFetchTest.IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            }
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            ArchiveHost.Request resume = files.get(files.size() - 1);
            assertEquals(206, resume.status(), files.toString());
            assertEquals("bytes=" + (100_000 - ArchiveFetch.OVERLAP) + "-", resume.range(), files.toString());
            assertNull(resume.ifRange(), "no validator to send");
            assertEquals(archive.length + ArchiveFetch.OVERLAP, host.bytesSent(), "the rest only, and the bytes compared");
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("The host of videos.rar gives no ETag or Last-Modified to resume under: the download "
                    + "resumes at 97.7 KiB, checked by the file's length and by the last bytes here, asked for again"), log);
            assertFalse(outcome.stderr().contains("Exception"), outcome.stderr());
        }
    }

    /** Each resume's answer cut short again after 200 KiB, with two attempts: each brings new bytes, so it goes on. */
    @Test
    void aHostWithoutValidatorsThatCutsEveryAnswerStillGivesTheWholeFile(@TempDir Path tmp) throws Exception {
        byte[] archive = ArchiveFetchTest.videosRar(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").noValidators().cutAfter(200 * 1024);
            List<String> args = ArchiveFetchTest.args(data, tmp.resolve("meta"), host.shareUrl("videos.rar"));
            args.set(args.indexOf("--retry-attempts") + 1, "2");

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            assertTrue(files.size() > 2 && files.stream().skip(1).allMatch(r -> r.status() == 206 && r.ifRange() == null),
                    "more answers than attempts, each after the first a resume: " + files);
        }
    }

    /**
     * A host whose ETag for the same file changes from answer to answer (its length and date the same), and that cuts
     * every answer after 200 KiB: the first resume, guarded by the ETag, is answered whole; from then on the resumes are
     * guarded by the date, and the file comes (each resume was answered whole, and it never came).
     */
    @Test
    void aHostWhoseETagChangesAtEachAnswerHasItsDownloadResumedUnderTheDate(@TempDir Path tmp) throws Exception {
        byte[] archive = ArchiveFetchTest.videosRar(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").etagPerAnswer().cutAfter(200 * 1024);
            List<String> args = ArchiveFetchTest.args(data, tmp.resolve("meta"), host.shareUrl("videos.rar"));
            args.set(args.indexOf("--retry-attempts") + 1, "3");

            Fixture.Outcome outcome = Fixture.run(args);

            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(0, outcome.exit(), outcome.stderr() + log);
            assertArrayEquals(archive, Files.readAllBytes(data.resolve("archives/videos.rar")));
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            ArchiveHost.Request last = files.get(files.size() - 1);
            assertEquals(206, last.status(), files.toString());
            assertFalse(last.ifRange().startsWith("\""), "guarded by the date: " + files);
            assertEquals(1, log.lines().filter(l -> l.contains("The host of videos.rar gives the same file (its length and "
                    + "date) another ETag at each answer: its resumes are guarded by its Last-Modified date from now on")).count(), log);
        }
    }

    /**
     * A host whose every resume names another place (dropped, started over) and whose every answer is cut after 200 KiB:
     * each start over brings again the bytes it dropped, which is no progress, so the download still ends after its
     * attempts (it was counted as progress, and the attempts started over without end).
     */
    @Test
    void bytesBroughtAgainAfterAStartOverAreNoProgress(@TempDir Path tmp) throws Exception {
        byte[] archive = ArchiveFetchTest.videosRar(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").shiftRanges(1).cutAfter(200 * 1024);
            List<String> args = ArchiveFetchTest.args(data, tmp.resolve("meta"), host.shareUrl("videos.rar"));
            Path log = tmp.resolve("run.log");
            Process run = Fixture.startJvm(args, java.util.Map.of(), log);
            boolean ended = run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
            if (!ended) {
                run.destroyForcibly().waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            }
            List<ArchiveHost.Request> files = host.requests().stream().filter(r -> r.path().startsWith("/files/")).toList();
            assertTrue(ended, "ended after its attempts, not " + files.size() + " requests and on: " + files);
            assertEquals(1, run.exitValue(), ServiceTest.read(log));
            assertTrue(files.size() <= 4, "the first answer's 200 KiB progress once, then --retry-attempts 3: " + files);
            assertFalse(Files.exists(data.resolve("archives/videos.rar")), "never under its final name");
        }
    }

    /**
     * A host that announces no length and sends its answer in chunks, then closes without the last chunk (the empty one
     * that ends a chunked answer): as for an answer that ends by closing, whether all of the archive came is told by
     * reading it. The whole RAR so sent is imported (it was refused at every attempt, for ever); half of it is not.
     */
    @Test
    void anArchiveWhoseChunksStopBeforeTheLastOneIsTakenWhenItReadsWhole(@TempDir Path tmp) throws Exception {
        byte[] archive = ArchiveFetchTest.videosRar(tmp);
        java.util.function.Function<byte[], byte[]> withoutLastChunk = body -> {
            byte[] all = HostileServerTest.RawHost.chunked("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n", body, true);
            return java.util.Arrays.copyOf(all, all.length - "0\r\n".length());
        };
        try (RawHost host = new RawHost(path -> withoutLastChunk.apply(path.startsWith("/half/")
                ? java.util.Arrays.copyOf(archive, archive.length / 2) : archive))) {
            Path whole = tmp.resolve("whole");
            List<String> args = ArchiveFetchTest.args(whole, tmp.resolve("meta"), host.baseUrl() + "/whole/videos.rar");

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(ArchiveFetchTest.IDS.stream().map(id -> id + ".mp4").toList(),
                    PipelineTest.listNames(whole.resolve("videos")));
            assertArrayEquals(archive, Files.readAllBytes(whole.resolve("archives/videos.rar")));

            Path half = tmp.resolve("half");
            args = ArchiveFetchTest.args(half, tmp.resolve("meta"), host.baseUrl() + "/half/videos.rar");
            args.set(args.indexOf("--retry-attempts") + 1, "1");

            outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            assertFalse(Files.exists(half.resolve("archives/videos.rar")), "never under its final name");
            assertTrue(Files.readString(half.resolve("avqa_download.log")).contains("that came do not read as a whole "
                    + "archive (cut short?)"));
        }
    }

    /**
     * A web page that never ends, sent as application/octet-stream with no length where the archive should be: it is
     * judged a page by its first MiB and no more of it is read (it filled the disk, and was kept as the part of the
     * archive, for it was looked at only once it had ended).
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aWebPageThatNeverEndsIsJudgedByItsFirstMiBAndNotKept(@TempDir Path tmp) throws Exception {
        Fixture.annotations(tmp.resolve("meta"), "test", ArchiveFetchTest.IDS);
        byte[] more = "<p>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</p>\n".repeat(1000)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        try (HostileServerTest.RawHost host = new HostileServerTest.RawHost(path -> RawHost.text("HTTP/1.1 200 OK\r\n"
                + "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n<!DOCTYPE html><html><head><title>"
                + "Not the file</title></head><body>"), out -> {
                    try {
                        for (;;) {
                            out.write(more);
                            sent.addAndGet(more.length);
                        }
                    } catch (java.io.IOException dropped) {
                        // the client stopped reading
                    }
                })) {
            Path data = tmp.resolve("data");
            List<String> args = ArchiveFetchTest.args(data, tmp.resolve("meta"), host.base() + "/videos.zip");
            args.set(args.indexOf("--retry-attempts") + 1, "1");

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("videos.zip") && log.contains("web page"), log);
            try (var left = Files.list(data.resolve("archives"))) {
                assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("videos.zip")).toList(),
                        "nothing of it kept");
            }
            assertTrue(sent.get() < 64L << 20, "no more read than its first MiB and what was on its way: " + sent.get());
        }
    }

    /**
     * A host that answers the request for the whole archive with a part from its middle (a 206 from byte 100,000):
     * nothing of it is kept, and the line says what came, not that a resume "came at another place" (no resume was
     * asked for).
     */
    @Test
    void aPartFromTheMiddleForTheWholeArchiveIsSaidToBeThatAndNotKept(@TempDir Path tmp) throws Exception {
        byte[] archive = ArchiveFetchTest.videosRar(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").partFromOnWholeRequests(100_000);
            List<String> args = ArchiveFetchTest.args(data, tmp.resolve("meta"), host.shareUrl("videos.rar"));
            args.set(args.indexOf("--retry-attempts") + 1, "1");

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("the server answered the request for all of videos.rar with its part from byte 100000 "
                    + "on, not from its start; starting over"), log);
            assertFalse(Files.exists(data.resolve("archives/videos.rar")), "never under its final name");
            assertFalse(Files.exists(data.resolve("archives/videos.rar.part")), "nothing of it kept");
        }
    }

    /**
     * Resumed under the length alone, a host that ends every answer within the bytes asked for again to compare has them
     * asked for again as under a validator, but never fewer than 4 KiB, all that checks the join: answers of 6 KiB bring
     * nothing (3 KiB compared would have let them join 3 KiB each), what came stays as it was, and the download ends
     * after its attempts.
     */
    @Test
    void aResumeUnderTheLengthAloneComparesAFewKiBAtLeast(@TempDir Path tmp) throws Exception {
        byte[] archive = ArchiveFetchTest.videosRar(tmp);
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").noValidators();
            List<String> args = ArchiveFetchTest.partHere(host, data, tmp.resolve("meta"), 100_000);
            host.cutAfter(6 * 1024);
            args.set(args.indexOf("--retry-attempts") + 1, "3");

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            assertEquals(100_000, ArchiveFetchTest.size(data.resolve("archives/videos.rar.part")), "what came, as it was");
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertFalse(log.contains("the next resume asks again for"), log);
            assertTrue(log.contains("before a byte not here already came"), log);
        }
    }

    /** Resumed under the length alone: an answer that names no whole length ({@code bytes a-b/*}) guards nothing. */
    @Test
    void aResumeUnderTheLengthAloneNeedsTheAnswerToNameIt() {
        com.fasterxml.jackson.databind.node.ObjectNode record = Fixture.JSON.createObjectNode().put("length", 1000);
        org.apache.camel.Message answer = new org.apache.camel.support.DefaultMessage(
                new org.apache.camel.impl.DefaultCamelContext());
        assertFalse(ArchiveFetch.changed(record, answer, 1000));
        assertTrue(ArchiveFetch.changed(record, answer, -1), "a '*' whole length");
        assertTrue(ArchiveFetch.changed(record, answer, 999));
        record.put("etag", "\"v1\"");
        answer.setHeader("ETag", "\"v1\"");
        assertFalse(ArchiveFetch.changed(record, answer, -1), "under a validator, as before");
    }

    @Test
    void aHostWithoutValidatorsWhoseFileIsAnotherNowHasItFetchedWholeAgain(@TempDir Path tmp) throws Exception {
        byte[] archive = ArchiveFetchTest.videosRar(tmp);
        Path meta = tmp.resolve("meta");
        byte[] other = ArchiveFetchTest.rarOf(Files.createDirectories(tmp.resolve("other")), "videos", Fixture.clip("tone-4s", 4, true));
        assertTrue(other.length != archive.length, "another length");
        Path data = tmp.resolve("data");
        try (ArchiveHost host = new ArchiveHost()) {
            host.serve("videos.rar", archive, "v1").noValidators();
            List<String> args = ArchiveFetchTest.partHere(host, data, meta, 100_000);
            host.cutAfter(-1).serve("videos.rar", other, "v1");
            args.set(args.indexOf("--retry-attempts") + 1, "3");

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertArrayEquals(other, Files.readAllBytes(data.resolve("archives/videos.rar")), "the new file, not a join");
            for (String id : ArchiveFetchTest.IDS) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 3.5, id);
            }
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("changed on the server"));
            assertFalse(outcome.stderr().contains("Exception"), outcome.stderr());
        }
    }
}
