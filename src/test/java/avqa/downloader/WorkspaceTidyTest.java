package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTidyTest {

    /**
     * The start's tidy-up removes what an interrupted write-then-rename left, by its name, and nothing else; a name
     * whose bytes are not UTF-8 (which Java reads with U+FFFD in it, and could not name again from that) too.
     */
    @Test
    void theTemporariesOfAnInterruptedWriteGoAndNothingElse(@TempDir Path root) throws Exception {
        Workspace workspace = new Workspace(root, "mp4", "wav");
        workspace.prepare(false);
        Files.writeString(root.resolve(".download_progress.json.tmp"), "x");
        Files.writeString(root.resolve("videos/.writing-abc.mp4"), "x");
        Files.writeString(root.resolve("audio/.fetching-abc"), "x");
        Files.writeString(root.resolve("failed/.abc.json.tmp"), "x");
        // kept: not a temporary's name, or not a file
        Files.writeString(root.resolve("videos/abc.mp4"), "v");
        Files.writeString(root.resolve("videos/abc.tmp"), "v");
        Files.writeString(root.resolve("audio/.keep"), "v");
        Files.createDirectories(root.resolve("audio/.folder.tmp"));
        Files.writeString(root.resolve("audio/.folder.tmp/inside"), "v");
        // a name of bytes that are not UTF-8 (this JVM's encoding for names)
        Process touch = new ProcessBuilder("sh", "-c", "touch \"$1/$(printf '.writing-\\377')\"", "sh",
                root.resolve("videos").toString()).inheritIO().start();
        assertEquals(0, touch.waitFor());
        assertEquals(4, names(root.resolve("videos")).size(), "the odd name is there: " + names(root.resolve("videos")));

        workspace.prepare(false);

        assertEquals(List.of("abc.mp4", "abc.tmp"), names(root.resolve("videos")));
        assertEquals(List.of(".folder.tmp", ".keep"), names(root.resolve("audio")));
        assertEquals(List.of(), names(root.resolve("failed")));
        assertEquals(List.of(), names(root).stream().filter(n -> n.endsWith(".tmp")).toList());
    }

    private static List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
