package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The name a host gives an archive (Content-Disposition), as the archive's file takes it. */
class ArchiveFilesTest {

    @Test
    void theNameAHostGivesIsTakenMadeSafeWhenItNamesAnArchive() {
        assertEquals("collect_new_set.rar", ArchiveFiles.givenName("attachment; filename=\"collect_new_set.rar\""));
        assertEquals("videos.part2.rar", ArchiveFiles.givenName("attachment; filename=videos.part2.rar"));
        // filename* (RFC 8187) before filename
        assertEquals("vid_os_1.zip", ArchiveFiles.givenName("attachment; filename=\"x.zip\"; filename*=UTF-8''vid%C3%A9os%201.zip"));
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
        assertNull(ArchiveFiles.givenName("attachment; filename=\"" + "x".repeat(120) + ".zip\""));
        assertNull(ArchiveFiles.givenName("attachment; filename*=nonsense"));
    }
}
