package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirror whose pages yt-dlp reads with its generic extractors: once one of its videos came through them,
 * the next starts for the mirror are given them alone ({@code --use-extractors generic,html5}), which spares
 * yt-dlp its search through every site extractor. A page with a {@code <video>} tag is still read (yt-dlp's
 * "html5" extractor, which the generic one calls on). A page of the same mirror that only another extractor
 * reads (a video quoted as HTML in an attribute, which yt-dlp's "generic:quoted-html" finds) fails under
 * that restriction, and is asked for again at once with every extractor, in the same attempt: nothing is
 * lost, not even an attempt. The real yt-dlps, through a script that notes each start's arguments.
 */
class GenericPagesTest extends LoopbackServerTest {

    @Test
    void theCurrentYtDlpIsGivenTheGenericExtractorsAloneOnceTheyReadTheMirror(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        onePerStart(tmp, "genew", YtDlpVersions.SET_UP);
    }

    @Test
    void debiansYtDlpIsGivenTheGenericExtractorsAloneOnceTheyReadTheMirror(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeDebiansOld();
        onePerStart(tmp, "geold", YtDlpVersions.DEBIAN);
    }

    private void onePerStart(Path tmp, String prefix, Path ytDlp) throws Exception {
        List<String> files = serveClips(prefix, 3);
        String tagged = prefix + "tag";
        String quoted = prefix + "quoted";
        servesAVideoTag(tagged, prefix + "tagfile");
        servesQuotedHtml(quoted, prefix + "quotedfile");
        List<String> ids = List.of(files.get(0), files.get(1), tagged, quoted, files.get(2));

        List<String> lines = runNoting(tmp, ids, ytDlp, "1", "--retry-attempts", "1");

        assertEquals(6, lines.size(), "one start a video, and the quoted page's again: " + lines);
        // the first learns the extractor; the second is given the generic ones alone, and so is the <video> page
        assertFalse(restricted(lines.get(0)), lines.get(0));
        assertTrue(restricted(lines.get(1)), lines.get(1));
        assertTrue(restricted(lines.get(2)) && lines.get(2).endsWith("/v/" + tagged), lines.get(2));
        // the quoted page: nothing found by the generic extractors alone; at once every extractor, which find it
        assertTrue(restricted(lines.get(3)) && lines.get(3).endsWith("/v/" + quoted), lines.get(3));
        assertTrue(!restricted(lines.get(4)) && lines.get(4).endsWith("/v/" + quoted), lines.get(4));
        // what found it was the html5 extractor again: the mirror is given the generic ones alone again
        assertTrue(restricted(lines.get(5)), lines.get(5));
        String log = Files.readString(tmp.resolve("data/avqa_download.log"));
        assertTrue(log.contains("yt-dlp's generic extractors alone found no video in the page of " + quoted
                + ": asked again at once with all its extractors"), log);
        assertFalse(log.contains("Retrying"), "no attempt spent: " + log);
    }

    /**
     * A retry (the page failed with a 503 first) whose start with the generic extractors alone finds nothing is asked
     * again with every extractor in the same attempt: the backoff it waited before that start is not waited again.
     */
    @Test
    void aRetryAskedAgainWithEveryExtractorWaitsItsBackoffOnce(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        List<String> files = serveClips("gretry", 1);
        String quoted = "gretryquoted";
        servesQuotedHtml(quoted, "gretryquotedfile");
        server.failNext(quoted, MediaServer.Fault.SERVER_ERROR);
        List<String> ids = List.of(files.get(0), quoted);

        List<String> lines = runNoting(tmp, ids, YtDlpVersions.SET_UP, "1", "--backoff", "6");

        assertEquals(4, lines.size(), "the first video; the page's 503; its retry restricted, then with every extractor: " + lines);
        assertTrue(restricted(lines.get(1)) && restricted(lines.get(2)) && !restricted(lines.get(3)), lines.toString());
        long backoff = startedAt(lines.get(2)) - startedAt(lines.get(1));
        long again = startedAt(lines.get(3)) - startedAt(lines.get(2));
        assertTrue(backoff >= 5100, "the retry waited its backoff, 6 s +-15 %: " + backoff + " ms");
        assertTrue(again < 4500, "asked again with every extractor without a second backoff: " + again + " ms");
    }

    /**
     * Batches: the first batch learns the extractor, the next is given the generic ones alone; its quoted
     * page fails there and is fetched on its own with every extractor.
     */
    @Test
    void aBatchIsGivenTheGenericExtractorsAloneOnceAnEarlierBatchReadTheMirror(@TempDir Path tmp) throws Exception {
        YtDlpVersions.assumeSetUp();
        List<String> files = serveClips("gbatch", 3);
        String page = "gbatchquoted";
        servesQuotedHtml(page, "gbatchquotedfile");
        List<String> ids = List.of(files.get(0), files.get(1), files.get(2), page);

        List<String> lines = runNoting(tmp, ids, YtDlpVersions.SET_UP, "2", "--retry-attempts", "1");

        assertEquals(3, lines.size(), "two batches, and the page alone: " + lines);
        assertTrue(lines.get(0).contains("--batch-file") && !restricted(lines.get(0)), lines.get(0));
        assertTrue(lines.get(1).contains("--batch-file") && restricted(lines.get(1)), lines.get(1));
        assertTrue(!restricted(lines.get(2)) && lines.get(2).endsWith("/v/" + page), lines.get(2));
        String log = Files.readString(tmp.resolve("data/avqa_download.log"));
        assertEquals(1, log.lines().filter(l -> l.contains("WARN") && l.contains("Fetching " + page + " again alone, not in "
                + "its batch: yt-dlp's generic extractors alone found no video in its page, so it is asked again at once with "
                + "all its extractors")).count(), log);
        assertFalse(log.contains("Retrying"), "no attempt spent: " + log);
    }

    @Test
    void aSourceIsAUrlsSchemeHostPortAndPathUpToItsLastSlash() {
        assertEquals("http://127.0.0.1:8080/p/", GenericPages.source("http://127.0.0.1:8080/p/abc"));
        assertEquals("https://mirror.example/", GenericPages.source("HTTPS://Mirror.Example/watch?v=x/y"));
        assertEquals(null, GenericPages.source("ftp://host/a"));
        assertEquals(null, GenericPages.source("not a url"));
        GenericPages pages = new GenericPages();
        pages.delivered("http://h/p/a", "vimeo");
        pages.delivered("https://www.youtube.com/watch?v=aaaaaaaaaaa", "generic");
        assertFalse(pages.known("http://h/p/b"));
        assertFalse(pages.known("https://www.youtube.com/watch?v=bbbbbbbbbbb"));
        pages.delivered("http://h/p/a", "generic");
        assertTrue(pages.known("http://h/p/b"));
        assertFalse(pages.known("http://h/q/b"));
        pages.forget("http://h/p/c");
        assertFalse(pages.known("http://h/p/b"));
    }

    /**
     * Video {@code id}'s page: its {@code <video>} tag quoted as HTML in an attribute, which yt-dlp's generic
     * extractors alone do not read.
     */
    private static void servesQuotedHtml(String id, String file) {
        server.serve(file, clip);
        server.servePage(id, "<!DOCTYPE html><html><head><title>A video</title></head><body><div data-html=\""
                + "&lt;video src=&quot;/v/" + file + ".mp4&quot;&gt;&lt;/video&gt;\"></div></body></html>");
    }

    /** Video {@code id}'s page: a {@code <video>} tag whose file is the clip served as {@code file}. */
    /**
     * A page whose video answers 503: with either yt-dlp, the video is asked once an attempt (it was four times at
     * once, yt-dlp's own retries, past the pacing and the backoff), and its failure is transient.
     */
    @Test
    void aVideoThatAnswers503IsAskedOnceAnAttemptWithEitherYtDlp(@TempDir Path tmp) throws Exception {
        for (Path ytDlp : YtDlpVersions.present()) {
            String prefix = "g503" + (ytDlp.equals(YtDlpVersions.DEBIAN) ? "old" : "new");
            servesAVideoTag(prefix + "page", prefix + "file");
            server.failAlways(prefix + "file", MediaServer.Fault.SERVER_ERROR);
            Path run = tmp.resolve(prefix);
            List<String> args = localRun(run, List.of(prefix + "page"), server.urlTemplate());
            args.addAll(List.of("--retry-attempts", "2", "--backoff", "0.2"));

            Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_TOOLS_YT_DLP", ytDlp.toString()));

            assertEquals(1, outcome.exit(), ytDlp + ": " + outcome.stderr());
            assertEquals(2, server.hits(prefix + "file").size(), ytDlp + ": " + server.hits(prefix + "file"));
            FailureHandlingTest.assertCategory(run.resolve("data"), prefix + "page", "transient", 2);
        }
    }

    private static void servesAVideoTag(String id, String file) {
        server.serve(file, clip);
        server.servePage(id, "<!DOCTYPE html><html><head><title>A video</title></head><body>"
                + "<video controls src=\"/v/" + file + ".mp4\"></video></body></html>");
    }

    /**
     * A run of {@code ids} on one worker, batches of {@code batch}, {@code option} set to {@code value}, through
     * {@code ytDlp} behind {@link #noting}: it must leave every WAV. Gives the starts' lines.
     */
    private List<String> runNoting(Path tmp, List<String> ids, Path ytDlp, String batch, String option, String value)
            throws Exception {
        Path starts = tmp.resolve("starts.txt");
        List<String> args = localRun(tmp, ids, server.urlTemplate());
        args.set(args.indexOf(option) + 1, value);
        args.addAll(List.of("--workers", "1"));
        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_TOOLS_YT_DLP", noting(tmp, ytDlp, starts).toString(),
                "AVQA_DOWNLOAD_BATCH", batch));
        assertEquals(0, outcome.exit(), outcome.stderr());
        for (String id : ids) {
            assertTrue(Fixture.probe(tmp.resolve("data/audio/" + id + ".wav"))[1] > 2.5, id);
        }
        return Files.readAllLines(starts).stream().filter(l -> l.contains("--ignore-config")).toList();
    }

    /** The real yt-dlp behind a script that writes each start's arguments as a line into {@code starts}. */
    private static Path noting(Path tmp, Path ytDlp, Path starts) throws java.io.IOException {
        Path script = tmp.resolve("yt-dlp-noting");
        Files.writeString(script, "#!/bin/sh\nprintf '%s %s\\n' \"$(date +%s%3N)\" \"$*\" >> '" + starts + "'\nexec '" + ytDlp
                + "' \"$@\"\n");
        assertTrue(script.toFile().setExecutable(true));
        return script;
    }

    /** When a start noted by {@link #noting} began, in milliseconds. */
    private static long startedAt(String line) {
        return Long.parseLong(line.substring(0, line.indexOf(' ')));
    }

    private static boolean restricted(String startArgs) {
        return startArgs.contains("--use-extractors generic,html5");
    }
}
