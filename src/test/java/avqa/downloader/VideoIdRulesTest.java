package avqa.downloader;

import avqa.downloader.settings.SettingsTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VideoIdRulesTest {

    static final VideoIdRules YOUTUBE = new VideoIdRules(SettingsTable.YOUTUBE_TEMPLATE);
    static final VideoIdRules MIRROR = new VideoIdRules("https://mirror.example.org/avqa/{id}.mp4");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "00000028, no-source", "vv00000123, no-source", "sa00000456, no-source", "va00000789, no-source",
        "esa00000500, no-source", "eva00000501, no-source", "evv00000502, no-source",
        "abc, no-source", "dQw4w9WgXcQ_#02, no-source", "dQw4w9WgXcQ, ", "-dQw4w9WgXc, ",
        "../x, invalid-id", "'a b', invalid-id", "vidéo, invalid-id",
        // 11 characters: a # is no YouTube id's; eight digits at the end make no internal name by themselves
        "abcdefghi#k, no-source", "abc12345678, ", "esa12345678, no-source", "'١٢٣٤٥٦٧٨٩٠١', invalid-id"})
    void youtubeTemplate(String id, String category) {
        VideoTask t = YOUTUBE.resolve(id);
        assertEquals(category, t.category(), id);
        if (category == null) {
            assertEquals("https://www.youtube.com/watch?v=" + id, t.url());
        } else {
            assertEquals(null, t.url());
        }
    }

    @Test
    void aSafeIdIsOneTo64AsciiLettersDigitsAndUnderscoreHyphenOrHash() {
        assertTrue(VideoIdRules.isSafe("x".repeat(64)));
        assertTrue(VideoIdRules.isSafe("aZ09_-#"));
        for (String unsafe : java.util.Arrays.asList(null, "", "x".repeat(65), "a b", "a/b", "a.b", "a\u0000b", "ａ", "é",
                "a\nb", "١")) {
            assertFalse(VideoIdRules.isSafe(unsafe), String.valueOf(unsafe));
            assertFalse(unsafe != null && VideoIdRules.SAFE_ID.matcher(unsafe).matches(), "the pattern agrees: " + unsafe);
        }
    }

    @Test
    void aTemplateRefusedIsShownWithoutItsPasswordOrItsControlCharacters() {
        for (String template : List.of("http://bob:hunter2@127.0.0.1:8801/x.mp4\n\u001b[31m",
                "ftp://bob:hunter2@127.0.0.1/{id}.mp4", "http://bob:hunter2@host/{id} x\u001b.mp4")) {
            BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class,
                    () -> VideoIdRules.checkTemplate(template));
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
            assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
        }
        // a password typed with an @ of its own is masked whole, wherever a URL is shown
        assertEquals("http://***@127.0.0.1:8801/ok", Redact.url("http://bob:se@cret99@127.0.0.1:8801/ok"));
        assertEquals("see http://***@h/a?b=c@d", Redact.secrets("see http://u:p@ss@h/a?b=c@d"));
        // an @ after the URL's end (a quote, in JSON) is no part of it
        assertEquals("{\"url\":\"http://host\",\"mail\":\"x@y.org\"}",
                Redact.secrets("{\"url\":\"http://host\",\"mail\":\"x@y.org\"}"));
    }

    @Test
    void aMirrorTakesAnySafeIdUrlEncoded() {
        assertEquals("https://mirror.example.org/avqa/00000028.mp4", MIRROR.resolve("00000028").url());
        assertEquals("https://mirror.example.org/avqa/abc_%2302.mp4", MIRROR.resolve("abc_#02").url());
        assertEquals("invalid-id", MIRROR.resolve("x".repeat(65)).category());
        assertEquals("invalid-id", MIRROR.resolve("a/b").category());
        assertEquals("invalid-id", MIRROR.resolve("a\u0000b").category());
        assertFalse(MIRROR.isYoutube());
        assertTrue(YOUTUBE.isYoutube());
        assertTrue(new VideoIdRules("https://youtu.be/{id}").isYoutube());
    }

    /**
     * YouTube's host written fully qualified, with its trailing dot, is YouTube: a template naming it so planned the
     * dataset's internal names as a mirror's downloads, against "ids with no possible source are never requested".
     */
    @Test
    void youtubesHostWithItsTrailingDotIsYoutube() {
        VideoIdRules dotted = new VideoIdRules("https://www.youtube.com./watch?v={id}");
        assertTrue(dotted.isYoutube());
        assertEquals("no-source", dotted.resolve("00000028").category());
        assertTrue(new VideoIdRules("HTTPS://YOUTU.BE./{id}").isYoutube());
        assertFalse(new VideoIdRules("https://notyoutube.com./{id}").isYoutube());
        // and yt-dlp is given it as its YouTube extractor knows it (its pattern wants the scheme and host in lower case)
        assertEquals("https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                VideoIdRules.plainYoutubeUrl("HTTPS://WWW.YouTube.com./watch?v=dQw4w9WgXcQ"));
        assertEquals("https://youtu.be:443/dQw4w9WgXcQ", VideoIdRules.plainYoutubeUrl("https://YOUTU.BE.:443/dQw4w9WgXcQ"));
        assertEquals("https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                VideoIdRules.plainYoutubeUrl("https://www.youtube.com/watch?v=dQw4w9WgXcQ"));
    }

    /** A URL's scheme is taken in any case, as the template's and the manifest's checks take it. */
    @Test
    void anHttpUrlIsOneWhateverTheCaseOfItsScheme() {
        assertTrue(VideoIdRules.isHttp("HTTP://mirror.example.org/a.mp4"));
        assertTrue(VideoIdRules.isHttp("Https://mirror.example.org/a.mp4"));
        assertFalse(VideoIdRules.isHttp("ftp://mirror.example.org/a.mp4"));
        assertFalse(VideoIdRules.isHttp("httpx://mirror.example.org/a.mp4"));
        assertFalse(VideoIdRules.isHttp(null));
    }
}
