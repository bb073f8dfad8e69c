package avqa.downloader;

import avqa.downloader.settings.SettingsTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        "../x, invalid-id", "'a b', invalid-id", "vidéo, invalid-id"})
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
}
