package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressBookTest {

    @Test
    void recordingACompletionWritesOneLineWhateverTheCount(@TempDir Path dir) throws Exception {
        List<String> done = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            done.add(String.format("v%010d", i));
        }
        Files.write(dir.resolve("download_progress.json"),
                Fixture.JSON.writeValueAsBytes(Map.of("completed", done, "timestamp", "2026-01-01T00:00:00Z")));
        byte[] before = Files.readAllBytes(dir.resolve("download_progress.json"));
        ProgressBook book = new ProgressBook(dir);
        book.load();
        assertEquals(100_000, book.size());

        book.markComplete("newvideo001");

        assertEquals("newvideo001\n", Files.readString(dir.resolve(".download_progress.journal")),
                "one journal line is all that was written");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("download_progress.json"))),
                "the progress file was not rewritten");
        book.snapshot();
        assertFalse(Files.exists(dir.resolve(".download_progress.journal")));
        assertEquals(100_001, Fixture.readJson(dir.resolve("download_progress.json")).get("completed").size());
    }

    @Test
    void aCrashLosesNothingAndATornJournalLineIsIgnored(@TempDir Path dir) throws Exception {
        ProgressBook book = new ProgressBook(dir);
        book.load();
        book.markComplete("first000001");
        book.snapshot();
        book.markComplete("second00001");
        // the process dies here: no snapshot; and a write was cut mid-line
        Files.writeString(dir.resolve(".download_progress.journal"), "third0", java.nio.file.StandardOpenOption.APPEND);

        ProgressBook reloaded = new ProgressBook(dir);
        reloaded.load();
        assertEquals(List.of("first000001", "second00001"), reloaded.completed());
    }

    @Test
    void anUnparsableProgressFileIsABadInputNotALoss(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("download_progress.json"), "{\"completed\": [\"a\", ");
        ProgressBook book = new ProgressBook(dir);
        BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, book::load);
        assertTrue(e.getMessage().contains("download_progress.json is not valid JSON"), e.getMessage());
        assertEquals("{\"completed\": [\"a\", ", Files.readString(dir.resolve("download_progress.json")));
        // Python's json module writes NaN for a float it cannot say in JSON: the parser's words, not its settings
        Files.writeString(dir.resolve("download_progress.json"), "{\"completed\": [\"a\"], \"took\": NaN}");
        e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, new ProgressBook(dir)::load);
        assertTrue(e.getMessage().contains("download_progress.json is not valid JSON (line 1); move it aside")
                && e.getMessage().contains("NaN") && !e.getMessage().contains("`"), e.getMessage());
    }
}
