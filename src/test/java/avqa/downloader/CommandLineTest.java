package avqa.downloader;

import avqa.downloader.settings.SettingsTable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad options and bad input: one clear line, exit status 2, nothing touched. */
class CommandLineTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --workers             | -1                             | --workers: '-1' is not valid
            --workers             | many                           | --workers: 'many' is not valid
            --rate-limit          | fast                           | --rate-limit: 'fast' is not valid
            --retry-attempts      | 0                              | --retry-attempts: '0' is not valid
            --sleep               | -2                             | --sleep: '-2' is not valid
            --period              | 0                              | --period: '0' is not valid
            --sleep               | 1e12                           | --sleep: '1e12' is not valid; expected a number from 0 to 86400
            --status-interval     | 1e300                          | --status-interval: '1e300' is not valid; expected a number from 0.1 to 86400
            --backoff             | NaN                            | --backoff: 'NaN' is not valid; expected a number from 0 to 86400
            --period              | 1e300                          | --period: '1e300' is not valid; expected a number from 0.001 to 604800
            --video-format        | exe                            | --video-format: 'exe' is not valid
            --frames              | 0.0000001                      | --frames: '0.0000001' is not valid; expected at least one frame a minute (1/60: 0.0167, or more) and at most 60, or empty
            --frames              | 61                             | --frames: '61' is not valid; expected a number above 0 and at most 60, or empty
            --source-url-template | https://example.org/watch      | must contain {id}
            --source-url-template | ftp://example.org/{id}         | must be an http(s) URL
            --source-url-template | http://127.0.0.1:99999/{id}.mp4 | --source-url-template has a port out of range (a port is 1 to 65535)
            --import-archive      | http://127.0.0.1:99999/x.zip   | expected a file or an http(s) URL with a host (and a port, if any, from 1 to 65535)
            --metadata-url        | gopher://example.org           | --metadata-url: 'gopher://example.org' is not valid
            --metadata-url        | ../data/json                   | (a local folder is file:/path/to/it or file:relative/path)
            --import-archive      | https://drive.google.com/drive/folders/1WAry | is a Google Drive folder, not a file: fetch it with `gdown --folder URL -O DIR`
            --import-archive      | ftp://u:S3cret@h/x.zip         | ftp://***@h/x.zip is a URL this tool does not fetch (only http and https)
            --import-archive      | ''                             | --import-archive: an empty value; expected FILE
            --manifest            | /nonexistent/more.csv          | --manifest: cannot read /nonexistent/more.csv
            --splits              | train,dev                      | --splits: 'train,dev' is not valid
            --proxy               | -x                             | --proxy: '-x' is not valid
            --bogus               | 1                              | unknown option '--bogus' (see --help)
            --worker              | 2                              | unknown option '--worker'; did you mean --workers
            --dry-run             | everything                     | unexpected argument 'everything': the tool takes options only
            --dry-run             | http://lab:S3cret@h/a.rar      | unexpected argument 'http://***@h/a.rar'
            --foo=http://u:S3cret@h/ | 1                            | unknown option '--foo=http://***@h/'
            --cron                | 0 0 2 30 2 ?                   | --cron: '0 0 2 30 2 ?' is not valid; expected a Quartz cron expression that fires again
            --cron                | 0 0 2 1 1 ? 2001               | --cron: '0 0 2 1 1 ? 2001' is not valid; expected a Quartz cron expression that fires again
            --role                | boss                           | --role: 'boss' is not valid; expected all, planner or worker
            --role                | worker                         | --role worker needs a broker and a database
            """)
    void badOptionsExitWithStatus2AndOneClearLine(String option, String value, String message, @TempDir Path tmp) {
        Fixture.Outcome outcome = Fixture.run(List.of("--data-dir", tmp.resolve("data").toString(), option, value));

        assertEquals(2, outcome.exit());
        assertTrue(outcome.stderr().contains(message), outcome.stderr());
        assertEquals(1, outcome.stderr().strip().lines().count(), "one line: " + outcome.stderr());
        assertFalse(outcome.stderr().contains("Exception"), outcome.stderr());
        assertFalse(outcome.stderr().contains("S3cret"), "a password shown: " + outcome.stderr());
        assertFalse(Files.exists(tmp.resolve("data")), "no work was started");
    }

    /**
     * --verify given a data directory that is not there (a typo) says so in one line, exit 2, and makes nothing there (a
     * probe's finding: it made the lock, the folders and a log, then said the annotations were missing, exit 0).
     */
    @Test
    void verifyOfADataDirectoryThatIsNotThereMakesNothing(@TempDir Path tmp) {
        Path typo = tmp.resolve("dtaa");
        Fixture.Outcome outcome = Fixture.run(List.of("--verify", "--data-dir", typo.toString()));

        assertEquals(2, outcome.exit(), outcome.stderr());
        assertEquals("avqa-downloader: --verify: " + typo + " is not there: nothing to check (give --data-dir the data "
                + "directory a run made)", outcome.stderr().strip());
        assertFalse(Files.exists(typo), "nothing made");
    }

    /**
     * A pause, a cool-down or a timeout past its bound (a day or a week) is refused in one line: 1e308 seconds of backoff was
     * taken, and a status interval of 1e300 stopped the run with Camel's "Illegal execution time".
     */
    @Test
    void aPauseOrTimeoutBeyondItsBoundIsRefusedInOneLine(@TempDir Path tmp) {
        for (String[] setting : List.of(new String[] {"AVQA_BACKOFF_MAX", "avqa.backoff.max", "1e308", "0 to 86400"},
                new String[] {"AVQA_COOLDOWN_MAX", "avqa.cooldown.max", "86401", "0 to 86400"},
                new String[] {"AVQA_DOWNLOAD_TIMEOUT", "avqa.download.timeout", "Infinity", "1 to 604800"})) {
            Fixture.Outcome outcome = Fixture.run(List.of("--data-dir", tmp.resolve("data").toString()),
                    java.util.Map.of(setting[0], setting[2]));

            assertEquals(2, outcome.exit(), outcome.stderr());
            assertEquals("avqa-downloader: " + setting[1] + ": '" + setting[2] + "' is not valid; expected a number from "
                    + setting[3], outcome.stderr().strip());
            assertFalse(Files.exists(tmp.resolve("data")), "no work was started");
        }
    }

    /**
     * A --data-dir or a file: --metadata-url holding a line break or a tab is refused before the run, in one line that
     * shows it escaped and says why (not blamed on a route file, nor a file said missing; found by an adversarial probe).
     */
    @Test
    void aDataDirOrMetadataPathWithAControlCharacterIsRefusedInOneLine(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("ctrl0"));
        for (String dir : List.of("nl\nx", "s p/x\ny", "tab\tx")) {
            for (boolean inMetadata : List.of(false, true)) {
                Path data = inMetadata ? tmp.resolve("data") : tmp.resolve(dir);
                String url = "file:" + (inMetadata ? tmp.resolve(dir) : meta);
                Fixture.Outcome outcome = Fixture.run(List.of("--dataset", "music-avqa", "--splits", "test",
                        "--data-dir", data.toString(), "--metadata-url", url));

                String shown = Redact.text(inMetadata ? url : data.toString(), 300);
                assertEquals(2, outcome.exit(), outcome.stderr());
                assertEquals(1, outcome.stderr().strip().lines().count(), "one line: " + outcome.stderr());
                assertTrue(outcome.stderr().contains((inMetadata ? "--metadata-url: '" : "--data-dir: '") + shown
                        + "' is not valid") && outcome.stderr().contains("without control characters"), outcome.stderr());
                assertFalse(Files.exists(data), "no work was started");
            }
        }
    }

    /**
     * A --data-dir that Camel's file endpoints would read as something else (a backslash taken for a folder, a '?' for
     * options, '{{' for a placeholder, %41 for an A) is refused before the run, in one line: such a run wrote its
     * annotations into another folder (tmp/p%41x's into tmp/pAx, tmp/a\b's into tmp/a/b) or stopped with Camel's words.
     */
    @Test
    void aDataDirThatAFileEndpointWouldReadAsAnotherIsRefusedInOneLine(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("uri0"));
        for (String dir : List.of("a\\b", "q?x", "p%41x", "c{{x}}", "d}}x", "e${x}", "f$simple{x}")) {
            Path data = tmp.resolve(dir);
            Fixture.Outcome outcome = Fixture.run(List.of("--dataset", "music-avqa", "--splits", "test",
                    "--data-dir", data.toString(), "--metadata-url", "file:" + meta));

            assertEquals(2, outcome.exit(), outcome.stderr());
            assertEquals(1, outcome.stderr().strip().lines().count(), "one line: " + outcome.stderr());
            assertTrue(outcome.stderr().contains("--data-dir: '" + data + "' is not valid")
                    && outcome.stderr().contains("without a backslash, a '?', a '{{', '}}' or '${', or a %-escape"), outcome.stderr());
            assertFalse(Files.exists(data), "no work was started");
        }
        assertEquals(List.of("meta"), PipelineTest.listNames(tmp), "nothing written elsewhere either");
        // a file: URL (it became a folder "file:…" under the tool's folder) and the root (file://metadata, a host)
        for (String dir : List.of("file:" + tmp.resolve("x"), "file:x", "/", "/tmp/..")) {
            Fixture.Outcome outcome = Fixture.run(List.of("--dataset", "music-avqa", "--splits", "test",
                    "--data-dir", dir, "--metadata-url", "file:" + meta));
            assertEquals(2, outcome.exit(), dir + ": " + outcome.stderr());
            assertEquals(1, outcome.stderr().strip().lines().count(), "one line: " + outcome.stderr());
            assertTrue(outcome.stderr().contains("not a file: URL") || outcome.stderr().contains("other than the file system's root"),
                    outcome.stderr());
        }
        assertFalse(Files.exists(Path.of("file:" + tmp.resolve("x"))) || Files.exists(Path.of("/.lock")), "nothing written");
        // what such a file endpoint takes as it is: a '%' that starts no escape, '#', '&', '=', a space, a '+'
        Fixture.Outcome plain = Fixture.run(List.of("--dataset", "music-avqa", "--splits", "test", "--dry-run",
                "--data-dir", tmp.resolve("100% #1 & a=b+c").toString(), "--metadata-url", "file:" + meta));
        assertEquals(0, plain.exit(), plain.stderr());
    }

    /**
     * A file: --metadata-url whose folder a file endpoint would read as something else is refused before the run, in
     * one line, as such a --data-dir is: its query became the endpoint's options, so ?delete=true deleted the user's
     * own annotation file (and ?x=1 stopped the run with Camel's words).
     */
    @Test
    void aFileMetadataUrlWithOptionsIsRefusedAndItsFilesAreLeftAlone(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("uri1"));
        byte[] before = Files.readAllBytes(meta.resolve("avqa-test.json"));
        for (String url : List.of("file:" + meta + "?delete=true&exclude=zzz", "file://" + meta + "?delete=true",
                "file:" + meta + "?x=1", "file:" + meta + "%3Fdelete=true", "file://" + meta + "#x")) {
            Path data = tmp.resolve("data");
            for (String mode : List.of("--dry-run", "--doctor", "")) {
                List<String> args = new java.util.ArrayList<>(List.of("--dataset", "music-avqa", "--splits", "test",
                        "--data-dir", data.toString(), "--metadata-url", url));
                if (!mode.isEmpty()) {
                    args.add(mode);
                }
                Fixture.Outcome outcome = Fixture.run(args);

                assertEquals(2, outcome.exit(), url + " " + mode + ": " + outcome.stderr());
                assertEquals(1, outcome.stderr().strip().lines().count(), "one line: " + outcome.stderr());
                assertTrue(outcome.stderr().contains("--metadata-url") && outcome.stderr().contains("a file: URL of a folder without "
                        + "a backslash, a '?'"), outcome.stderr());
                assertFalse(outcome.stderr().contains("org.apache") || outcome.stderr().contains("resolve endpoint"), outcome.stderr());
                org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(meta.resolve("avqa-test.json")), url);
            }
        }
    }

    /**
     * Audio settings the format's encoder cannot take (opus at 44100 Hz, mp3 at 96000 Hz) are refused before any
     * request, in one line with the encoder's words: every video failed after its download, fetched again each run.
     */
    @Test
    void audioSettingsTheEncoderCannotTakeAreRefusedBeforeAnyRequest(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("enc0"));
        Map<String, String> cases = Map.of("opus 44100", "libopus: Specified sample rate 44100 is not supported",
                "mp3 96000", "libmp3lame: Specified sample rate 96000 is not supported", "opus 48000", "", "flac 16000", "");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String[] formatRate = c.getKey().split(" ");
            Fixture.Outcome outcome = Fixture.run(List.of("--dataset", "music-avqa", "--splits", "test", "--dry-run",
                    "--data-dir", tmp.resolve("data").toString(), "--metadata-url", "file:" + meta,
                    "--audio-format", formatRate[0], "--audio-rate", formatRate[1]));
            if (c.getValue().isEmpty()) {
                assertEquals(0, outcome.exit(), c.getKey() + ": " + outcome.stderr());
            } else {
                assertEquals(2, outcome.exit(), c.getKey() + ": " + outcome.stderr());
                assertEquals("avqa-downloader: --audio-format " + formatRate[0] + " at --audio-rate " + formatRate[1]
                        + ": ffmpeg's encoder cannot make it (" + c.getValue() + "); choose another rate, channels or format",
                        outcome.stderr().strip());
            }
        }
    }

    /** A clip template that is no http(s) URL is refused naming its own setting, not --source-url-template. */
    @Test
    void aWrongClipTemplateIsRefusedUnderItsOwnName(@TempDir Path tmp) {
        Fixture.Outcome outcome = Fixture.run(List.of("--data-dir", tmp.resolve("data").toString()),
                Map.of("AVQA_SOURCE_CLIP_URL_TEMPLATE", "file:///etc/{id}"));
        assertEquals(2, outcome.exit(), outcome.stderr());
        assertEquals("avqa-downloader: avqa.source.clip-url-template must be an http(s) URL with a host: file:///etc/{id}",
                outcome.stderr().strip());
    }

    /** A path with a line break in it is said escaped, on one line, as every path from the command line. */
    @Test
    void aPathWithALineBreakIsSaidOnOneLine(@TempDir Path tmp) {
        for (String option : List.of("--import-archive", "--manifest")) {
            Fixture.Outcome outcome = Fixture.run(List.of("--data-dir", tmp.resolve("data").toString(), option,
                    tmp.resolve("x\ny.zip").toString()));

            assertEquals(2, outcome.exit(), outcome.stderr());
            assertTrue(outcome.stderr().contains("cannot read " + tmp + "/x\\u000ay.zip"), outcome.stderr());
            assertEquals(1, outcome.stderr().strip().lines().count(), "one line: " + outcome.stderr());
        }
    }

    @Test
    void aClusterNodeWhoseDatabaseOrBrokerCannotBeReachedSaysSoInOneLine(@TempDir Path tmp) {
        // port 9 (discard) on 127.0.0.1: nothing listens there
        Fixture.Outcome noDb = Fixture.run(List.of("--data-dir", tmp.resolve("a").toString(), "--role", "worker"),
                Map.of("AVQA_BROKER_URL", "tcp://127.0.0.1:9", "AVQA_DB_URL", "jdbc:postgresql://127.0.0.1:9/avqa"));
        assertEquals(2, noDb.exit(), noDb.stderr());
        assertTrue(noDb.stderr().contains("cannot connect to the database jdbc:postgresql://127.0.0.1:9/avqa"), noDb.stderr());
        assertEquals(1, noDb.stderr().strip().lines().count(), "one line: " + noDb.stderr());
        Fixture.Outcome badUrl = Fixture.run(List.of("--data-dir", tmp.resolve("b").toString(), "--role", "planner"),
                Map.of("AVQA_BROKER_URL", "tcp://127.0.0.1:9", "AVQA_DB_URL", "mysql://x"));
        assertEquals(2, badUrl.exit(), badUrl.stderr());
        assertTrue(badUrl.stderr().contains("avqa.db.url: 'mysql://x' is not valid"), badUrl.stderr());
    }

    @Test
    void aMissingToolIsSaidBeforeAnyWork(@TempDir Path tmp) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = AvqaDownloader.run(new String[] {"--data-dir", tmp.resolve("data").toString()},
                    Path.of("").toAbsolutePath(), Map.of("AVQA_TOOLS_YT_DLP", "/nonexistent/yt-dlp"));
        } finally {
            System.setErr(old);
        }
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("/nonexistent/yt-dlp was not found"), err.toString());
        assertFalse(Files.exists(tmp.resolve("data")));
    }

    @Test
    void helpListsEveryOption() {
        Fixture.Outcome outcome = Fixture.run(List.of("--help"));
        assertEquals(0, outcome.exit());
        for (String option : List.of("--data-dir", "--workers", "--rate-limit", "--retry-attempts", "--sleep", "--jitter",
                "--video-format", "--audio-format", "--metadata-url", "--source-url-template", "--max-requests",
                "--period", "--backoff", "--cookies", "--proxy", "--refresh-metadata")) {
            assertTrue(outcome.stdout().contains(option), option);
        }
    }

    @Test
    void aTruncatedAnnotationFileStopsTheRunNamingTheFileAndTheLineAndTouchesNothing(@TempDir Path tmp)
            throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc"));
        Path file = meta.resolve("avqa-test.json");
        String pretty = Fixture.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Fixture.readJson(file));
        Files.writeString(file, pretty.substring(0, pretty.length() / 2));
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("videos"));
        Files.writeString(data.resolve("videos/zzzzzzzzzzz.mp4"), "a video from an earlier run");

        Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}"));

        assertEquals(2, outcome.exit());
        assertTrue(outcome.stderr().contains("avqa-test.json at line "), outcome.stderr());
        assertFalse(outcome.stderr().contains("\tat "), "no stack trace: " + outcome.stderr());
        assertEquals("a video from an earlier run", Files.readString(data.resolve("videos/zzzzzzzzzzz.mp4")));
    }

    @Test
    void aMissingAnnotationFileIsNamed(@TempDir Path tmp) {
        Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(tmp.resolve("data"), tmp.resolve("nowhere"),
                "http://127.0.0.1:9/{id}"));
        assertEquals(2, outcome.exit());
        assertTrue(outcome.stderr().contains("cannot fetch avqa-test.json from file:"), outcome.stderr());
    }

    @Test
    void aCookiesFileYtDlpCannotReadStopsTheRunBeforeItStarts(@TempDir Path tmp) throws Exception {
        Path cookies = tmp.resolve("cookies.json");
        Files.writeString(cookies, "[{\"name\": \"SID\", \"value\": \"x\"}]\n");
        List<String> args = new ArrayList<>(Fixture.localArgs(tmp.resolve("data"), tmp.resolve("meta"),
                "http://127.0.0.1:9/{id}"));
        args.addAll(List.of("--cookies", cookies.toString()));
        Fixture.Outcome outcome = Fixture.run(args);
        assertEquals(2, outcome.exit(), outcome.stderr());
        assertTrue(outcome.stderr().contains("--cookies: " + cookies + " is not a Netscape cookies file"), outcome.stderr());
        assertFalse(Files.exists(tmp.resolve("data/avqa_download.log")), "nothing started");
    }

    @Test
    void annotationsAreFetchedOverHttpAndAnHttpErrorIsNamed(@TempDir Path tmp) throws Exception {
        Path source = tmp.resolve("published");
        Fixture.annotations(source, "val", List.of("00000001", "00000002"));
        Fixture.annotations(source, "test", List.of("00000003"));
        try (MediaServer github = new MediaServer()) {
            github.serveFile("/json/avqa-val.json", source.resolve("avqa-val.json"));
            github.serveFile("/json/avqa-test.json", source.resolve("avqa-test.json"));
            Path data = tmp.resolve("data");
            List<String> args = new ArrayList<>(Fixture.localArgs(data, source, SettingsTable.YOUTUBE_TEMPLATE));
            args.addAll(List.of("--metadata-url", github.baseUrl() + "/json", "--splits", "val,test"));

            assertEquals(0, Fixture.run(args).exit());

            assertEquals(Files.readString(source.resolve("avqa-val.json")),
                    Files.readString(data.resolve("metadata/avqa-val.json")));
            assertEquals(List.of("GET"), github.hits("/json/avqa-val.json").stream().map(MediaServer.Hit::method).toList());
            assertEquals("{\"val\":[\"00000001\",\"00000002\"],\"test\":[\"00000003\"]}",
                    Fixture.readJson(data.resolve("metadata/video_ids.json")).get("by_split").toString());

            args.addAll(List.of("--splits", "train", "--data-dir", tmp.resolve("other").toString()));
            Fixture.Outcome missing = Fixture.run(args);
            assertEquals(2, missing.exit());
            assertTrue(missing.stderr().contains("cannot fetch avqa-train.json from " + github.baseUrl() + "/json")
                    && missing.stderr().contains("404"), missing.stderr());
            assertFalse(Files.exists(tmp.resolve("other/metadata/avqa-train.json")), "no partial annotation file");

            // a URL with a query (a token) and a fragment: the file goes into the path, the query is kept, the
            // fragment is never sent; the doctor asks for the same URL
            Path third = tmp.resolve("third");
            List<String> query = new ArrayList<>(Fixture.localArgs(third, source, SettingsTable.YOUTUBE_TEMPLATE));
            query.addAll(List.of("--metadata-url", github.baseUrl() + "/json?token=abc123#section", "--splits", "test"));
            int before = github.uris().size();

            Fixture.Outcome withQuery = Fixture.run(query);

            assertEquals(0, withQuery.exit(), withQuery.stderr());
            assertEquals(List.of("/json/avqa-test.json?token=abc123"), github.uris().subList(before, github.uris().size()));
            query.add("--doctor");
            Files.delete(third.resolve("metadata/avqa-test.json"));
            Fixture.run(query);
            assertEquals("/json/avqa-test.json?token=abc123", github.uris().get(github.uris().size() - 1));
        }
    }

    @Test
    void annotationsAreFetchedOnceAndReusedUnlessRefreshed(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("00000001"));
        List<String> args = new ArrayList<>(Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE));
        assertEquals(0, Fixture.run(args).exit());
        assertTrue(Files.readString(data.resolve("metadata/avqa-test.json")).contains("00000001"));

        Fixture.annotations(meta, "test", List.of("00000002"));
        assertEquals(0, Fixture.run(args).exit());
        assertTrue(Files.readString(data.resolve("metadata/avqa-test.json")).contains("00000001"), "reused");

        args.add("--refresh-metadata");
        assertEquals(0, Fixture.run(args).exit());
        assertTrue(Files.readString(data.resolve("metadata/avqa-test.json")).contains("00000002"), "fetched again");
        assertEquals("[\"00000002\"]", Fixture.readJson(data.resolve("metadata/video_ids.json")).get("all_ids").toString());
    }

    /**
     * A rerun with another --metadata-url fetches the annotations again, in one line naming both sources
     * (without the password); a --dry-run or --verify with it only says so; the same URL again asks nothing.
     */
    @Test
    void anotherMetadataUrlFetchesTheAnnotationsAgainOnceAndSaysSo(@TempDir Path tmp) throws Exception {
        Path old = tmp.resolve("old");
        Path source = tmp.resolve("published");
        Path data = tmp.resolve("data");
        Fixture.annotations(old, "test", List.of("00000001"));
        Fixture.annotations(source, "test", List.of("00000002"));
        List<String> args = new ArrayList<>(Fixture.localArgs(data, old, SettingsTable.YOUTUBE_TEMPLATE));
        assertEquals(0, Fixture.run(args).exit());
        byte[] cached = Files.readAllBytes(data.resolve("metadata/avqa-test.json"));
        try (MediaServer mirror = new MediaServer()) {
            mirror.serveFile("/json/avqa-test.json", source.resolve("avqa-test.json"));
            String url = mirror.baseUrl().replace("http://", "http://reader:s3cret@") + "/json";
            args.set(args.indexOf("--metadata-url") + 1, url);
            String said = "metadata/'s annotations came from file:" + old + ", not from --metadata-url "
                    + mirror.baseUrl().replace("http://", "http://***@") + "/json: ";

            // a check says that a run would fetch them, and fetches and writes nothing
            for (String check : List.of("--dry-run", "--verify")) {
                List<String> checking = new ArrayList<>(args);
                checking.add(check);
                Fixture.run(checking);
                assertTrue(Files.readString(data.resolve("avqa_download.log"))
                        .contains(said + "a run fetches them again; this reads those in metadata/"), check);
                assertEquals(List.of(), mirror.uris(), check + " asked nothing");
                assertArrayEquals(cached, Files.readAllBytes(data.resolve("metadata/avqa-test.json")), check);
            }

            assertEquals(0, Fixture.run(args).exit());

            assertEquals("[\"00000002\"]", plannedIds(data),
                    "the new annotations' videos are planned, the old ones' not");
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertEquals(1, log.lines().filter(l -> l.contains(said + "fetching them again")).count(), log);
            assertFalse(log.contains("s3cret"), "no password in the log");
            String record = Files.readString(data.resolve("metadata/sources.json"));
            assertFalse(record.contains("s3cret"), record);
            assertEquals(List.of("/json/avqa-test.json"), mirror.uris());

            // the same URL again: nothing is asked, nothing said
            assertEquals(0, Fixture.run(args).exit());
            assertEquals(List.of("/json/avqa-test.json"), mirror.uris(), "fetched once");
            assertEquals(1, Files.readString(data.resolve("avqa_download.log")).lines()
                    .filter(l -> l.contains("came from") && l.contains("fetching them again")).count());
        }
    }

    /**
     * Another --metadata-url whose files cannot all be fetched fails the run in one line, and metadata/ stays
     * byte for byte as it was (the file that did come is not kept), so the old URL still works offline.
     */
    @Test
    void anotherMetadataUrlThatFailsLeavesMetadataAsItWas(@TempDir Path tmp) throws Exception {
        Path old = tmp.resolve("old");
        Path half = tmp.resolve("half");
        Path data = tmp.resolve("data");
        Fixture.annotations(old, "val", List.of("00000001"));
        Fixture.annotations(old, "test", List.of("00000002"));
        Fixture.annotations(half, "val", List.of("00000003"));
        List<String> args = new ArrayList<>(Fixture.localArgs(data, old, SettingsTable.YOUTUBE_TEMPLATE));
        args.set(args.indexOf("--splits") + 1, "val,test");
        assertEquals(0, Fixture.run(args).exit());
        Map<String, String> before = contents(data.resolve("metadata"));

        List<String> elsewhere = new ArrayList<>(args);
        elsewhere.set(elsewhere.indexOf("--metadata-url") + 1, "file:" + half);
        Fixture.Outcome failed = Fixture.run(elsewhere);

        assertEquals(2, failed.exit(), failed.stderr());
        assertEquals(List.of("avqa-downloader: cannot fetch avqa-test.json from file:" + half + ": no such file"),
                failed.stderr().lines().toList());
        assertEquals(before, contents(data.resolve("metadata")), "metadata/ as it was");

        // the old URL again, its folder gone: nothing to fetch
        for (String split : List.of("val", "test")) {
            Files.delete(old.resolve("avqa-" + split + ".json"));
        }
        Files.delete(old);
        assertEquals(0, Fixture.run(args).exit());
        assertEquals("[\"00000001\",\"00000002\"]", plannedIds(data));
    }

    /** A data directory from before metadata/sources.json keeps its annotations under any URL, without a request. */
    @Test
    void annotationsFromBeforeTheRecordAreKeptAndRecorded(@TempDir Path tmp) throws Exception {
        Path old = tmp.resolve("old");
        Path data = tmp.resolve("data");
        Fixture.annotations(old, "test", List.of("00000001"));
        List<String> args = new ArrayList<>(Fixture.localArgs(data, old, SettingsTable.YOUTUBE_TEMPLATE));
        assertEquals(0, Fixture.run(args).exit());
        Files.deleteIfExists(data.resolve("metadata/sources.json"));

        Path gone = tmp.resolve("never-made");
        args.set(args.indexOf("--metadata-url") + 1, "file:" + gone);
        Fixture.Outcome kept = Fixture.run(args);

        assertEquals(0, kept.exit(), kept.stderr());
        assertEquals("[\"00000001\"]", plannedIds(data));
        assertFalse(Files.readString(data.resolve("avqa_download.log")).contains("metadata/'s annotations came from"));
        assertTrue(Files.readString(data.resolve("metadata/sources.json")).contains("file:" + gone),
                "recorded as this URL's: the next run with it asks nothing either");
    }

    /** The ids the last plan of {@code data} took from the annotations. */
    private static String plannedIds(Path data) throws java.io.IOException {
        return Fixture.readJson(data.resolve("metadata/video_ids.json")).get("all_ids").toString();
    }

    /** Each file under {@code dir} by its name, with its bytes (as Base64). */
    private static Map<String, String> contents(Path dir) throws java.io.IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(f)));
            }
        }
        return out;
    }
}
