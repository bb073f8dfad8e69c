package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The name a host gives an archive (Content-Disposition), as the archive's file takes it. */
class ArchiveFilesTest {

    @Test
    void theNameAHostGivesIsTakenMadeSafeWhenItNamesAnArchive() {
        assertEquals("collect_new_set.rar", ArchiveFiles.givenName("attachment; filename=\"collect_new_set.rar\""));
        assertEquals("videos.part2.rar", ArchiveFiles.givenName("attachment; filename=videos.part2.rar"));
        // a RAR volume named the old way (videos.rar, videos.r00, …), behind a Drive link of its own
        assertEquals("videos.r00", ArchiveFiles.givenName("attachment; filename=videos.r00"));
        // filename* (RFC 8187) before filename
        assertEquals("vid\u00e9os_1.zip", ArchiveFiles.givenName("attachment; filename=\"x.zip\"; filename*=UTF-8''vid%C3%A9os%201.zip"));
        // letters of any script stay: two sets of volumes in Chinese keep two names
        assertEquals("\u89c6\u9891.part1.rar", ArchiveFiles.givenName("attachment; filename*=UTF-8''%E8%A7%86%E9%A2%91.part1.rar"));
        assertEquals("\u97f3\u9891.part1.rar", ArchiveFiles.givenName("attachment; filename*=UTF-8''%E9%9F%B3%E9%A2%91.part1.rar"));
        assertEquals("a.7z.001", ArchiveFiles.givenName("attachment; filename*=utf-8'en'a.7z.001"));
        // only its last segment, whatever climbs or names a folder
        assertEquals("evil.rar", ArchiveFiles.givenName("attachment; filename=\"../../etc/evil.rar\""));
        assertEquals("evil.zip", ArchiveFiles.givenName("attachment; filename=\"C:\\\\temp\\\\evil.zip\""));
        assertEquals("a_b_.tar.gz", ArchiveFiles.givenName("attachment; filename=\"a;b$.tar.gz\""));
    }

    @Test
    void noNameOrOneThatIsNoArchiveIsNotTaken() {
        assertNull(ArchiveFiles.givenName(null));
        assertNull(ArchiveFiles.givenName("attachment"));
        assertNull(ArchiveFiles.givenName("inline; filename=\"index.html\""));
        assertNull(ArchiveFiles.givenName("attachment; filename=\"..rar\""));
        assertNull(ArchiveFiles.givenName("attachment; filename=\"videos.zip.json\""));
        assertNull(ArchiveFiles.givenName("attachment; filename=\"videos.rar.part\""));
        assertNull(ArchiveFiles.givenName("attachment; filename=\"" + "x".repeat(200) + ".zip\""));
        assertNull(ArchiveFiles.givenName("attachment; filename*=UTF-8''" + "%E8%A7%86".repeat(70) + ".zip"));
        assertNull(ArchiveFiles.givenName("attachment; filename*=nonsense"));
        // a name sent as raw UTF-8 (the client reads a header as ISO-8859-1), as browsers read it
        assertEquals("视频.part2.rar", ArchiveFiles.givenName(new String("attachment; filename=\"视频.part2.rar\""
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1)));
        assertEquals("café.zip", ArchiveFiles.givenName("attachment; filename=\"café.zip\""), "ISO-8859-1 that is no UTF-8");
    }

    private static Message answer(String disposition) {
        Message m = new DefaultMessage(new DefaultCamelContext());
        m.setHeader("ETag", "\"e1\"");
        if (disposition != null) {
            m.setHeader("Content-Disposition", disposition);
        }
        return m;
    }

    private static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".json")).sorted().toList();
        }
    }

    /**
     * The name a host gave stays through a resume whose answer gives none; the record names the file before it
     * moves there, so a run killed in between takes the same name again; and a name another archive has (a file
     * fetched by its own URL, or one coming under it) is never taken from it.
     */
    @Test
    void theGivenNameStaysThroughAResumeAndNeverTakesAnotherArchivesFile(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("archives"));
        ArchiveFiles files = new ArchiveFiles(dir);
        String drive = "http://127.0.0.1:9/uc?export=download&id=A";
        files.writeMeta(drive, answer("attachment; filename=\"rv.part2.rar\""), 10, false);
        Files.writeString(files.part(drive), "first half");
        assertEquals("rv.part2.rar", files.name(drive));
        // the resume's answer (206) names nothing
        files.writeMeta(drive, answer(null), 10, false);
        assertEquals("rv.part2.rar", files.name(drive));
        assertEquals(dir.resolve("rv.part2.rar"), files.finish(drive, 10));
        assertEquals(dir.resolve("rv.part2.rar"), files.file(drive));

        // killed between the move and the record's last word: the record already names the file, which stays its own
        String record = Files.readString(dir.resolve("uc-" + name(files, drive)));
        Files.writeString(dir.resolve("uc-" + name(files, drive)), record.replace("\"complete\" : true", "\"complete\" : false"));
        Files.writeString(files.part(drive), "again");
        files.writeMeta(drive, answer(null), 5, false);
        assertEquals(dir.resolve("rv.part2.rar"), files.finish(drive, 5));
        assertEquals(List.of("rv.part2.rar"), names(dir));

        // a link whose host gives the name of an archive here by its own URL: kept apart, both ways round
        String own = "http://127.0.0.1:9/files/videos.zip";
        files.writeMeta(own, answer(null), 3, false);
        Files.writeString(files.part(own), "own");
        String other = "http://127.0.0.1:9/uc?export=download&id=B";
        files.writeMeta(other, answer("attachment; filename=videos.zip"), 5, false);
        Files.writeString(files.part(other), "other");
        Path otherFile = files.finish(other, 5); // while the URL-named one is still coming
        assertTrue(otherFile.getFileName().toString().matches("videos-[0-9a-f]{12}\\.zip"), otherFile.toString());
        assertEquals(dir.resolve("videos.zip"), files.finish(own, 3));
        assertEquals("own", Files.readString(dir.resolve("videos.zip")));
        assertEquals("other", Files.readString(otherFile));

        String third = "http://127.0.0.1:9/uc?export=download&id=C";
        files.writeMeta(third, answer("attachment; filename=sets.zip"), 5, false);
        Files.writeString(files.part(third), "third");
        assertEquals(dir.resolve("sets.zip"), files.finish(third, 5));
        // then a URL named like it: its own file, not the other link's
        String named = "http://127.0.0.1:9/files/sets.zip";
        files.writeMeta(named, answer(null), 4, false);
        Files.writeString(files.part(named), "mine");
        Path mine = files.finish(named, 4);
        assertTrue(mine.getFileName().toString().matches("sets-[0-9a-f]{12}\\.zip"), mine.toString());
        assertEquals("third", Files.readString(dir.resolve("sets.zip")));
        assertEquals(mine, files.file(named));
    }

    /**
     * A download whose bytes are those of the archive here under the name it would take, brought by another link, is
     * that archive (its record names it, its part goes); one of the same name and length with other bytes is kept apart.
     */
    @Test
    void aDownloadWithTheBytesOfTheArchiveHereUnderItsNameIsThatArchive(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("archives"));
        ArchiveFiles files = new ArchiveFiles(dir);
        String first = "http://127.0.0.1:9/files/v.part2.rar";
        files.writeMeta(first, answer(null), 6, false);
        Files.writeString(files.part(first), "second");
        assertEquals(dir.resolve("v.part2.rar"), files.finish(first, 6));

        String mirror = "http://127.0.0.2:9/share/v.part2.rar";
        files.writeMeta(mirror, answer(null), 6, false);
        Files.writeString(files.part(mirror), "second");
        Path same = files.sameFileHere(mirror, 6);
        assertEquals(dir.resolve("v.part2.rar"), same);
        assertEquals(same, files.keepOnce(mirror, 6, same));
        assertEquals(same, files.file(mirror));
        assertTrue(files.whole(mirror));
        assertEquals(List.of("v.part2.rar"), names(dir));

        String drive = "http://127.0.0.1:9/uc?export=download&id=X";
        files.writeMeta(drive, answer("attachment; filename=v.part2.rar"), 6, false);
        Files.writeString(files.part(drive), "other!");
        assertNull(files.sameFileHere(drive, 6), "the same name and length, other bytes");
        Path apart = files.finish(drive, 6);
        assertTrue(apart.getFileName().toString().matches("v-[0-9a-f]{12}\\.part2\\.rar"), apart.toString());
        assertEquals("second", Files.readString(same));
        // the archive's own link, its copy asked for again: its own name, replaced when whole
        files.writeMeta(first, answer(null), 6, false);
        Files.writeString(files.part(first), "second");
        assertNull(files.sameFileHere(first, 6), "its own file");
    }

    /**
     * A link whose answer names nothing takes the name of the URL it was redirected to; a resume's redirect elsewhere
     * does not rename what is coming.
     */
    @Test
    void aRedirectNamesWhatNothingElseNamesButNeverRenamesWhatIsComing(@TempDir Path tmp) throws Exception {
        ArchiveFiles files = new ArchiveFiles(Files.createDirectories(tmp.resolve("archives")));
        String share = "http://127.0.0.1:9/s/8f3a";
        Message first = answer(null);
        first.setHeader(HttpClientSetup.FINAL_URL, "http://127.0.0.1:9/files/v%20x.part2.rar");
        files.writeMeta(share, first, 10, false);
        assertEquals("v_x.part2.rar", files.name(share));
        Message resume = answer(null);
        resume.setHeader(HttpClientSetup.FINAL_URL, "http://127.0.0.1:9/blob/7f3a.rar");
        files.writeMeta(share, resume, 10, false);
        assertEquals("v_x.part2.rar", files.name(share));

        String drive = "http://127.0.0.1:9/uc?export=download&id=D";
        files.writeMeta(drive, answer("attachment; filename=d.part2.rar"), 10, false);
        files.writeMeta(drive, resume, 10, false);
        assertEquals("d.part2.rar", files.name(drive));
        assertNull(ArchiveFiles.redirectedName("http://127.0.0.1:9/files/..%2F..%2Fetc"));
        assertEquals("passwd_.zip", ArchiveFiles.redirectedName("http://127.0.0.1:9/files/..%2Fpasswd%00.zip"));
    }

    /**
     * A link kept once with another's file (the same bytes), downloaded again later with other bytes, goes under its own
     * hashed name: the other link's file is never taken from it.
     */
    @Test
    void aLinkKeptOnceWithAnothersFileNeverTakesItLater(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("archives"));
        ArchiveFiles files = new ArchiveFiles(dir);
        String own = "http://127.0.0.1:9/files/w.part2.rar";
        files.writeMeta(own, answer(null), 4, false);
        Files.writeString(files.part(own), "same");
        Path file = files.finish(own, 4);
        String drive = "http://127.0.0.1:9/uc?export=download&id=W";
        files.writeMeta(drive, answer("attachment; filename=w.part2.rar"), 4, false);
        Files.writeString(files.part(drive), "same");
        assertEquals(file, files.keepOnce(drive, 4, files.sameFileHere(drive, 4)));

        // its host has another copy now: while it comes, the file here stays this link's (a break imports it again)
        files.writeMeta(drive, answer(null), 5, false);
        assertEquals(file, files.file(drive));
        Files.writeString(files.part(drive), "newer");
        assertNull(files.sameFileHere(drive, 5));
        Path apart = files.finish(drive, 5);
        assertTrue(apart.getFileName().toString().matches("w-[0-9a-f]{12}\\.part2\\.rar"), apart.toString());
        assertEquals("same", Files.readString(file));
        assertTrue(files.whole(own) && files.whole(drive));
    }

    /**
     * A copy under a link's hash with the bytes of the file of its name gives way to it; one of the same length with
     * other bytes stays, and its record says so, so that it is not read whole again at every run.
     */
    @Test
    void aCopyGivesWayOnlyWithTheSameBytesAndADifferentOneIsComparedOnce(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("archives"));
        ArchiveFiles files = new ArchiveFiles(dir);
        String own = "http://127.0.0.1:9/files/c.part2.rar";
        files.writeMeta(own, answer(null), 4, false);
        Files.writeString(files.part(own), "good");
        String other = "http://127.0.0.2:9/files/c.part2.rar";
        files.writeMeta(other, answer(null), 4, false);
        Files.writeString(files.part(other), "gold");
        Path copy = files.finish(other, 4); // while the first is still coming
        assertTrue(copy.getFileName().toString().matches("c-[0-9a-f]{12}\\.part2\\.rar"), copy.toString());
        Path file = files.finish(own, 4);
        assertEquals(List.of(), files.foldCopiesInto(file));
        assertTrue(Files.exists(copy));
        assertEquals("c.part2.rar:4", Fixture.readJson(copy.resolveSibling(copy.getFileName() + ".json"))
                .path(ArchiveFiles.DIFFERS_FROM).asText(), "compared once");

        String third = "http://127.0.0.3:9/files/c.part2.rar";
        Files.delete(file);
        files.writeMeta(own, answer(null), 4, false);
        Files.writeString(files.part(own), "same");
        files.writeMeta(third, answer(null), 4, false);
        Files.writeString(files.part(third), "same");
        Path thirdCopy = files.finish(third, 4);
        Path again = files.finish(own, 4);
        assertEquals(List.of(thirdCopy), files.foldCopiesInto(again));
        assertEquals(again, files.file(third));
        assertTrue(files.whole(third) && !Files.exists(thirdCopy));
    }

    /** The hash part of a Drive link's record name: the record beside uc-<hash>. */
    private static String name(ArchiveFiles files, String url) throws Exception {
        String part = files.part(url).getFileName().toString();
        return part.substring("uc-".length(), part.length() - ".part".length()) + ".json";
    }
}
