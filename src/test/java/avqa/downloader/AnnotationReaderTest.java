package avqa.downloader;

import avqa.downloader.settings.SettingsTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnnotationReaderTest {

    static Path realTestSplit() {
        Path file = Fixture.SHARED_DATA.resolve("music-avqa/avqa-test.json");
        if (!Files.isRegularFile(file)) {
            System.err.println("SKIPPED: the real MUSIC-AVQA annotations are not at " + file
                    + " (CI has them in ../shared/data beside the repository)");
        }
        assumeTrue(Files.isRegularFile(file), "skipped: the real MUSIC-AVQA annotations are not at " + file
                + " (they are in ../shared/data beside the repository on CI)");
        return file;
    }

    @Test
    void theRealTestSplitPlansInto6399UniqueVideos() {
        Path file = realTestSplit();
        long start = System.nanoTime();
        List<String> ids = new AnnotationReader().uniqueVideoIds(file);
        System.out.printf("planned %d unique videos from %s in %d ms%n", ids.size(), file,
                (System.nanoTime() - start) / 1_000_000);
        assertEquals(6399, ids.size());
        VideoIdRules youtube = new VideoIdRules(SettingsTable.YOUTUBE_TEMPLATE);
        assertTrue(ids.stream().allMatch(id -> youtube.resolve(id).state() == VideoTask.State.UNAVAILABLE),
                "no MUSIC-AVQA v1 id is a YouTube id");
    }

    @Test
    void theRealTestSplitRunsEndToEndWithoutARequest(@TempDir Path tmp) throws Exception {
        Path file = realTestSplit();
        try (ConnectionSentinel youtube = new ConnectionSentinel()) {
            List<String> args = Fixture.localArgs(tmp.resolve("data"), file.getParent(), SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--proxy", youtube.proxyUrl()));
            assertEquals(0, Fixture.run(args).exit());
            assertEquals(0, youtube.connections());
            assertEquals(6399, Fixture.readJson(tmp.resolve("data/metadata/video_ids.json")).get("all_ids").size());
            assertTrue(Fixture.lastSummary(tmp.resolve("data")).contains("no-source=6399"));
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            [{"video_id": "a"}, {"video_id": "b"                  | at line 1, column 37: malformed JSON: Unexpected end-of-input
            {"video_id": "a"}                                     | expected a JSON array of question objects, found an object
            ["a", "b"]                                            | question 0 is a string, not an object
            [{"question_id": 3}, {"video_id": null}]              | none of its 2 questions has a usable "video_id"
            [{"video_id": "a"}] trailing                          | line 1, column
            [{"video_id": "a",, }]                                | malformed JSON
            """)
    void malformedFilesAreNamedWithWhereTheyBroke(String content, String message, @TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("avqa-val.json");
        Files.writeString(file, content);
        BadInputException e = assertThrows(BadInputException.class, () -> new AnnotationReader().uniqueVideoIds(file));
        assertTrue(e.getMessage().startsWith("avqa-val.json"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    /**
     * The parser's own limits (nesting, a number's length) are said in our words, with the line and the column
     * where the limit was passed, no internals. (The column was once where the parser stopped reading ahead:
     * 8001 on a long line, the size of its buffer, whatever the real place.)
     */
    @Test
    void aFileBeyondTheParsersLimitsIsNamedWithItsLineAndNoInternals(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("avqa-val.json");
        // the level one deeper than the parser's limit of 1000 (the file's array and the question are two) is the
        // question's 999th [, on line 2 at column 23 + 999; the line runs on past the parser's 8000-byte buffer
        String question = "{\"video_id\": \"a\", \"q\": ";
        Files.writeString(file, "[\n" + question + "[".repeat(1200) + "]".repeat(1200) + "}, " + " ".repeat(9000)
                + "{\"video_id\": \"b\"}\n]");
        BadInputException e = assertThrows(BadInputException.class, () -> new AnnotationReader().uniqueVideoIds(file));
        assertTrue(e.getMessage().startsWith("avqa-val.json at line 2, column " + (question.length() + 999) + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains("nesting depth") && !e.getMessage().contains("`")
                && !e.getMessage().contains("StreamReadConstraints"), e.getMessage());
        // a number longer than the parser takes, on line 3: said where the member that holds it starts
        Files.writeString(file, "[\n{\"video_id\": \"a\"},\n{\"video_id\": \"b\", \"n\": " + "9".repeat(2000) + "}" + " ".repeat(9000) + "\n]");
        e = assertThrows(BadInputException.class, () -> new AnnotationReader().uniqueVideoIds(file));
        assertTrue(e.getMessage().startsWith("avqa-val.json at line 3, column 19: "), e.getMessage());
        // a token JSON does not have (NaN, a single quote): the parser's advice names its own setting
        for (String content : List.of("[{\"video_id\": \"a\", \"score\": NaN}]", "[{'video_id': 'a'}]",
                "[{\"video_id\": \"a\"} // a comment\n]")) {
            Files.writeString(file, content);
            BadInputException bad = assertThrows(BadInputException.class, () -> new AnnotationReader().uniqueVideoIds(file));
            assertTrue(bad.getMessage().startsWith("avqa-val.json at line 1, column ") && bad.getMessage().contains("malformed JSON")
                    && !bad.getMessage().contains("`") && !bad.getMessage().contains("JsonReadFeature")
                    && !bad.getMessage().contains("enable") && !bad.getMessage().contains("Feature"), bad.getMessage());
        }
    }

    /**
     * A v2.0 CSV that gives a clip twice, the second time with another window and no mirror: the first row holds
     * for the clip and its mirror alike (the last row used to win for the clip alone, so the mirror was not its
     * clip's), and the second is a problem of its line.
     */
    @Test
    void aClipGivenTwiceInAManifestKeepsItsFirstRowAndTheSecondIsSaid(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("clips.csv");
        Files.writeString(csv, "video_id,start_time,duration,suffix,has_flip\nabcdefghijk,0:10,1:00,,Y\n"
                + "abcdefghijk,0:20,1:00,,N\n");
        Manifest.Contents read = Manifest.read(csv, new VideoIdRules(SettingsTable.YOUTUBE_TEMPLATE));
        assertEquals(10.0, read.clips().get("abcdefghijk").clip().start(), 0.001);
        assertEquals(10.0, read.clips().get("abcdefghijk_flip").clip().start(), 0.001);
        assertEquals(List.of("clips.csv line 3: the clip 'abcdefghijk' is given by an earlier row already; this row is "
                + "skipped (a clip once)"), read.problems());
    }

    /**
     * A JSON line whose id (or another field) is an array or an object is said to be so, in the one line of a bad row,
     * not as an empty id; the other rows are read.
     */
    @Test
    void aJsonLineWhoseIdIsAnArrayIsSaidToBeOne(@TempDir Path tmp) throws Exception {
        Path jsonl = tmp.resolve("clips.jsonl");
        Files.writeString(jsonl, "{\"id\": [\"x\"], \"url\": \"http://h/a.mp4\"}\n{\"id\": \"clip2\", \"url\": {\"href\": \"http://h/b.mp4\"}}\n"
                + "{\"id\": \"clip3\", \"url\": \"http://h/c.mp4\", \"start\": [1]}\n{\"id\": \"clip4\", \"url\": \"http://h/d.mp4\"}\n");

        Manifest.Contents read = Manifest.read(jsonl, new VideoIdRules(SettingsTable.YOUTUBE_TEMPLATE));

        assertEquals(List.of("clips.jsonl line 1: its id is an array, not a string",
                "clips.jsonl line 2: its url is an object, not a string",
                "clips.jsonl line 3: its start is an array, not a time"), read.problems());
        assertEquals(java.util.Set.of("clip4"), read.clips().keySet());
    }

    /** A CSV (a clip manifest, MUSIC-AVQA-v2.0's) with a nameless column, and one that is not UTF-8. */
    @Test
    void aCsvWithANamelessColumnIsReadAndOneNotUtf8IsNamedWithItsLine(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("clips.csv");
        Files.writeString(csv, "video_id,start_time,duration,suffix,has_flip,\nabcdefghijk,0:00,0:03,,N,\n");
        assertEquals(1, Manifest.read(csv, new VideoIdRules(SettingsTable.YOUTUBE_TEMPLATE)).clips().size());

        Files.write(csv, "id,url\nclip1,http://h/a.mp4\nclip\u00e9,http://h/b.mp4\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        BadInputException e = assertThrows(BadInputException.class,
                () -> Manifest.read(csv, new VideoIdRules(SettingsTable.YOUTUBE_TEMPLATE)));
        assertEquals("clips.csv at line 3: not UTF-8 text; save it as UTF-8", e.getMessage());
    }

    /**
     * A manifest's record that runs on for megabytes (a quoted field over many lines, a JSON line, a first
     * line) is refused with its line before the parser holds it whole; a long manifest of short records
     * is read.
     */
    @Test
    void aRecordOfMegabytesIsRefusedWithItsLineAndManyShortOnesAreRead(@TempDir Path tmp) throws Exception {
        VideoIdRules rules = new VideoIdRules(SettingsTable.YOUTUBE_TEMPLATE);
        Path csv = tmp.resolve("clips.csv");
        String field = "x\n".repeat(600_000);
        Files.writeString(csv, "id,url\nclip1,http://h/a.mp4\nclip2,\"" + field + "\"\nclip3,http://h/c.mp4\n");
        BadInputException e = assertThrows(BadInputException.class, () -> Manifest.read(csv, rules));
        assertTrue(e.getMessage().matches("clips\\.csv at line \\d+: a record longer than 1 MiB \\(.*\\); is it the right file\\?"),
                e.getMessage());

        Path jsonl = tmp.resolve("clips.jsonl");
        Files.writeString(jsonl, "{\"id\": \"clip1\", \"url\": \"http://h/a.mp4\"}\n{\"id\": \"" + "y".repeat(1_200_000) + "\"}\n");
        e = assertThrows(BadInputException.class, () -> Manifest.read(jsonl, rules));
        assertTrue(e.getMessage().startsWith("clips.jsonl at line 2: a record longer than 1 MiB"), e.getMessage());

        Files.writeString(csv, "z".repeat(1_200_000));
        e = assertThrows(BadInputException.class, () -> Manifest.read(csv, rules));
        assertTrue(e.getMessage().startsWith("clips.csv at line 1: a record longer than 1 MiB"), e.getMessage());

        // 60,000 rows, 2.6 MB: each record is counted on its own
        StringBuilder many = new StringBuilder("id,url\n");
        for (int i = 0; i < 60_000; i++) {
            many.append("clip").append(i).append(",http://h/").append(i).append(".mp4\n");
        }
        Files.writeString(csv, many);
        assertEquals(60_000, Manifest.read(csv, rules).clips().size());
    }

    /**
     * A question whose "video_id" is null, missing, or neither a string nor a whole number names no video: it
     * is passed over, and one line for the file counts them and says where the first is; the other questions
     * are read (a lab's one bad row among thousands costs it that row, not the file). The line is said again by
     * a rerun that takes the ids from the list a run made of them.
     */
    @Test
    void questionsThatNameNoVideoArePassedOverInOneLineAndTheOthersAreRead(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("avqa-test.json");
        Files.writeString(file, String.join("\n", "[",
                "  {\"video_id\": \"00000001\", \"question_id\": 1},",
                "  {\"question_id\": 2, \"video_id\": null},",
                "  {\"question_id\": 3},",
                "  {\"video_id\": {\"id\": \"00000009\"}}, {\"video_id\": 2.5}, {\"video_id\": true},",
                "  {\"video_id\": 28, \"question_id\": 7}",
                "]"));
        AnnotationReader reader = new AnnotationReader();

        AnnotationReader.VideoIds ids = reader.read(tmp, Dataset.MUSIC_AVQA, List.of("test"));

        assertEquals(List.of("00000001", "28"), ids.allIds());
        assertEquals(List.of("avqa-test.json: 5 questions have no usable \"video_id\" (a string or a whole number) and are "
                + "passed over (the first: question 1 at line 3, column 34: its \"video_id\" is null); the other questions "
                + "are planned"), ids.passedOver());

        // the first one missing: said at the question's start
        Files.writeString(file, "[{\"video_id\": \"a\"},\n {\"question_id\": 2}, {\"video_id\": \"b\"}]");
        assertEquals(List.of("avqa-test.json: 1 question has no usable \"video_id\" (a string or a whole number) and is "
                + "passed over (the first: question 1 at line 2, column 2: it has no \"video_id\"); the other questions "
                + "are planned"), reader.read(tmp, Dataset.MUSIC_AVQA, List.of("test")).passedOver());

        // from the list a run made of the ids (a settled file), the line is said again
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        List<String> said = reader.read(tmp, Dataset.MUSIC_AVQA, List.of("test")).passedOver();
        assertTrue(Files.isRegularFile(tmp.resolve(".avqa-test.json.ids.json")));
        ObjectNode made = (ObjectNode) Fixture.JSON.readTree(tmp.resolve(".avqa-test.json.ids.json").toFile());
        made.putArray("ids").add("from-the-list");
        Fixture.JSON.writeValue(tmp.resolve(".avqa-test.json.ids.json").toFile(), made);
        AnnotationReader.VideoIds again = reader.read(tmp, Dataset.MUSIC_AVQA, List.of("test"));
        assertEquals(List.of("from-the-list"), again.allIds(), "read from the list");
        assertEquals(said, again.passedOver());
    }

    /** The real test split with one question's "video_id" made null: the run plans all the others, and says so once. */
    @Test
    void theRealTestSplitWithANullVideoIdIsPlannedButForThatQuestion(@TempDir Path tmp) throws Exception {
        String real = Files.readString(realTestSplit());
        String first = "\"video_id\": \"00000093\"";
        assertTrue(real.startsWith("[\n  {\n    " + first));
        Path meta = tmp.resolve("meta");
        Files.createDirectories(meta);
        // the first question's video (00000093) is in no other question: the 6,398 others are planned
        Files.writeString(meta.resolve("avqa-test.json"), real.replaceFirst(first, "\"video_id\": null"));
        Path data = tmp.resolve("data");
        List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
        args.add("--dry-run");

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(0, outcome.exit(), outcome.stderr());
        var planned = Fixture.readJson(data.resolve("metadata/video_ids.json")).get("all_ids");
        assertEquals(6398, planned.size());
        planned.forEach(id -> assertFalse(id.asText().equals("00000093")));
        List<String> lines = Files.readAllLines(data.resolve("avqa_download.log")).stream()
                .filter(l -> l.contains("no usable")).toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("WARN") && lines.get(0).endsWith("avqa-test.json: 1 question has no usable "
                + "\"video_id\" (a string or a whole number) and is passed over (the first: question 0 at line 3, column 17: "
                + "its \"video_id\" is null); the other questions are planned"), lines.get(0));
    }

    /**
     * A gzip, a zip or a video given as the annotation file is said to be what it is, not in the JSON parser's words
     * ("Illegal character ((CTRL-CHAR, code 31))", "Unrecognized token 'PK\u0003\u0004'", "Invalid UTF-32 character";
     * a probe's finding).
     */
    @Test
    void aCompressedFileAnArchiveOrAVideoIsSaidToBeOne(@TempDir Path tmp) throws Exception {
        Path json = Files.writeString(tmp.resolve("plain.json"), "[{\"video_id\": \"a\"}]");
        Path gz = tmp.resolve("avqa-val.json");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(json));
        }
        Path zip = tmp.resolve("zipped.json");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("avqa-val.json"));
            out.write(Files.readAllBytes(json));
        }
        Path video = Files.copy(Fixture.clip("tone-3s", 3, true), tmp.resolve("video.json"));
        for (Object[] c : List.of(new Object[] {gz, "avqa-val.json is a gzip-compressed file, not an annotation file (JSON): "
                + "unpack it first"}, new Object[] {zip, "zipped.json is a zip archive, not an annotation file (JSON): unpack it "
                + "first"}, new Object[] {video, "video.json is an MP4 or MOV video, not an annotation file (JSON)"})) {
            BadInputException e = assertThrows(BadInputException.class, () -> new AnnotationReader().uniqueVideoIds((Path) c[0]));
            assertEquals(c[1], e.getMessage());
        }
        assertEquals(List.of("a"), new AnnotationReader().uniqueVideoIds(json));
    }

    @Test
    void anEmptyFileIsNamed(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("avqa-val.json");
        Files.writeString(file, "");
        BadInputException e = assertThrows(BadInputException.class, () -> new AnnotationReader().uniqueVideoIds(file));
        assertTrue(e.getMessage().contains("avqa-val.json is empty"), e.getMessage());
    }

    @Test
    void idsAreUniqueAcrossSplitsInFirstSeenOrder(@TempDir Path tmp) throws Exception {
        Fixture.annotations(tmp, "val", List.of("b", "a", "b"));
        Fixture.annotations(tmp, "test", List.of("c", "a"));
        AnnotationReader.VideoIds ids = new AnnotationReader().read(tmp, Dataset.MUSIC_AVQA, List.of("val", "test"));
        assertEquals(List.of("b", "a"), ids.bySplit().get("val"));
        assertEquals(List.of("c", "a"), ids.bySplit().get("test"));
        assertEquals(List.of("b", "a", "c"), ids.allIds());
    }

    @Test
    void eachAnnotationFileIsCopiedFromItsOwnNameInAFolderOfOtherFiles(@TempDir Path tmp) throws Exception {
        // a clone of the dataset's repository: every split's file, and others, in one folder. Camel's
        // optimised pollEnrich (4.17) took the folder's first file for every name
        Path meta = tmp.resolve("json");
        Files.createDirectories(meta);
        Files.writeString(meta.resolve("README.txt"), "not the annotations");
        Fixture.annotations(meta, "val", List.of("00000021", "00000022"));
        Fixture.annotations(meta, "test", List.of("00000031"));
        Fixture.annotations(meta, "train", List.of("00000011", "00000012", "00000013"));
        Path data = tmp.resolve("data");
        List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
        args.set(args.indexOf("test"), "train,val,test");
        args.add("--dry-run");
        assertEquals(0, Fixture.run(args).exit());
        for (String split : List.of("train", "val", "test")) {
            assertTrue(Files.readString(meta.resolve("avqa-" + split + ".json"))
                    .equals(Files.readString(data.resolve("metadata/avqa-" + split + ".json"))),
                    "metadata/avqa-" + split + ".json is a copy of its own file, not of another in the folder");
        }
        List<String> ids = new java.util.ArrayList<>();
        Fixture.readJson(data.resolve("metadata/video_ids.json")).get("all_ids").forEach(n -> ids.add(n.asText()));
        assertEquals(List.of("00000011", "00000012", "00000013", "00000021", "00000022", "00000031"), ids);
    }

    @Test
    void filesDownloadedOneByOneIntoOneFolderAreFoundThereAndTheDoctorFindsThemToo(@TempDir Path tmp) throws Exception {
        // v2.0's QA files sit in balance_full_set/ in its repository; downloaded one by one they sit side by side
        Path meta = tmp.resolve("v2");
        Fixture.annotations(meta, "test", List.of("00000031", "ciAuN83h20Y"));
        Files.move(meta.resolve("avqa-test.json"), meta.resolve("test_balance.json"));
        Files.writeString(meta.resolve("MUSIC-AVQA-v2.0_additional_videos.csv"),
                "\uFEFFvideo_id,start_time,duration,suffix,has_flip\nciAuN83h20Y,0:00,1:00,,N\n");
        Path data = tmp.resolve("data");
        List<String> args = List.of("--dataset", "music-avqa-v2", "--splits", "test", "--metadata-url", "file:" + meta,
                "--data-dir", data.toString());
        String doctor = Fixture.run(List.of("--doctor", "--dataset", "music-avqa-v2", "--splits", "test",
                "--metadata-url", "file:" + meta, "--data-dir", data.toString())).stdout();
        assertTrue(doctor.contains("file:" + meta + " has test_balance.json"), doctor);
        List<String> dryRun = new java.util.ArrayList<>(args);
        dryRun.add("--dry-run");
        Fixture.Outcome outcome = Fixture.run(dryRun);
        assertEquals(0, outcome.exit(), outcome.stderr());
        assertTrue(outcome.stdout().endsWith(" is in " + data.resolve("plan.json") + "\n"), "a whole last line: " + outcome.stdout());
        assertEquals(Files.readString(meta.resolve("test_balance.json")),
                Files.readString(data.resolve("metadata/test_balance.json")));
        assertTrue(Files.isRegularFile(data.resolve("metadata/MUSIC-AVQA-v2.0_additional_videos.csv")));
        assertEquals(2, Fixture.readJson(data.resolve("plan.json")).get("referenced").asInt());
        assertTrue(Files.readString(data.resolve("avqa_download.log"))
                .contains("balance_full_set/test_balance.json is not in " + meta + "; taking " + meta.resolve("test_balance.json")));

        // a file at neither place is named at its path in the repository
        Files.delete(meta.resolve("test_balance.json"));
        outcome = Fixture.run(List.of("--dataset", "music-avqa-v2", "--splits", "test", "--metadata-url", "file:" + meta,
                "--data-dir", tmp.resolve("data2").toString(), "--dry-run"));
        assertEquals(2, outcome.exit());
        assertTrue(outcome.stderr().contains("cannot fetch balance_full_set/test_balance.json from file:" + meta + ": no such file"),
                outcome.stderr());
    }

    @Test
    void aRerunTakesTheIdsFromTheListARunMadeWhileTheFileIsAsItWasAndReadsTheFileOnceItChanged(@TempDir Path tmp)
            throws Exception {
        Fixture.annotations(tmp, "test", List.of("c", "a", "c"));
        Path file = tmp.resolve("avqa-test.json");
        Path list = tmp.resolve(".avqa-test.json.ids.json");
        AnnotationReader reader = new AnnotationReader();

        // a file modified just now: read, and no list is made (a coarse clock could hide an edit in the same tick)
        assertEquals(List.of("c", "a"), reader.videoIdsOf(file));
        assertFalse(Files.exists(list), "no list of a file modified within " + AnnotationReader.SETTLED);

        FileTime settled = FileTime.from(Instant.now().minusSeconds(60));
        Files.setLastModifiedTime(file, settled);
        assertEquals(List.of("c", "a"), reader.videoIdsOf(file));
        assertTrue(Files.isRegularFile(list), "the list is made once the file has settled");

        // the list is what a rerun reads: one that says other ids (and matches the file) is believed
        ObjectNode made = (ObjectNode) Fixture.JSON.readTree(list.toFile());
        made.putArray("ids").add("from-the-list");
        Fixture.JSON.writeValue(list.toFile(), made);
        assertEquals(List.of("from-the-list"), reader.videoIdsOf(file));

        // an edit (a new modification time) is read from the file, even at the same length
        Files.writeString(file, Files.readString(file).replace("\"c\"", "\"d\""));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(30)));
        assertEquals(List.of("d", "a"), reader.videoIdsOf(file));
        assertEquals(List.of("d", "a"), reader.read(tmp, Dataset.MUSIC_AVQA, List.of("test")).allIds(),
                "the list was made again from the edited file");

        // a list that is not one this reader made is passed over
        Files.writeString(list, "{not json");
        assertEquals(List.of("d", "a"), reader.videoIdsOf(file));
        // and so is one made from another file of the same length and time
        Files.setLastModifiedTime(file, settled);
        reader.videoIdsOf(file);
        Path copy = tmp.resolve("copy.json");
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING);
        made = (ObjectNode) Fixture.JSON.readTree(list.toFile());
        made.putArray("ids").add("from-the-list");
        Fixture.JSON.writeValue(list.toFile(), made);
        assertEquals(List.of("d", "a"), reader.videoIdsOf(file), "another file (another inode) is read");

        // a reader that writes nothing (--doctor, --verify) reads the list but never makes one
        Files.delete(list);
        assertEquals(List.of("d", "a"), new AnnotationReader(false).videoIdsOf(file));
        assertFalse(Files.exists(list), "--doctor and --verify write nothing");
    }
}
