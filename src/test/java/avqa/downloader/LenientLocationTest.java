package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LenientLocationTest {

    /** As browsers and curl take a Location that is no URI; a host that is no host stays as it is (refused). */
    @ParameterizedTest
    @CsvSource(delimiter = '→', quoteCharacter = '\'', textBlock = """
            /files/视频 x.part1.rar → /files/%E8%A7%86%E9%A2%91%20x.part1.rar
            http://127.0.0.1:8/視頻 dir/1.mp4?q=a b → http://127.0.0.1:8/%E8%A6%96%E9%A0%BB%20dir/1.mp4?q=a%20b
            /a|b[c]{d}^e"f<g>h`i → /a%7Cb%5Bc%5D%7Bd%7D%5Ee%22f%3Cg%3Eh%60i
            /100%/x%41%4 → /100%25/x%41%254
            \\dir\\v.mp4 → /dir/v.mp4
            http://[not a host/v.mp4 → http://[not a host/v.mp4
            /plain/ok.mp4 → /plain/ok.mp4
            """)
    void aLocationIsTakenAsBrowsersTakeIt(String location, String taken) {
        assertEquals(taken.strip(), LenientLocation.escaped(location.strip()));
        // the same sent as raw UTF-8, which the HTTP client reads as ISO-8859-1
        String raw = new String(location.strip().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals(taken.strip(), LenientLocation.escaped(raw));
    }
}
