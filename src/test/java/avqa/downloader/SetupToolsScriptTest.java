package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/setup-tools.sh, which scripts/avqa.sh runs before every run: a full check of the tools starts yt-dlp and
 * deno twice each (some 0.8 s before Java starts); what it found is said again from .tools/setup-checked, with no
 * program started, while nothing it rests on has changed. Run on a copy of the script in a repository of its own
 * whose .tools holds this repository's yt-dlp and deno (links), so that nothing is installed.
 */
class SetupToolsScriptTest {

    private static final Path TOOLS = Path.of(".tools").toAbsolutePath();

    @TempDir
    Path repo;

    private Path stamp;

    @BeforeEach
    void repository() throws Exception {
        assumeTrue(Files.isExecutable(TOOLS.resolve("yt-dlp/bin/yt-dlp")),
                "no .tools/yt-dlp here: run scripts/setup-tools.sh (.ci/run does)");
        Files.createDirectories(repo.resolve("scripts"));
        Files.copy(Path.of("scripts", "setup-tools.sh"), repo.resolve("scripts/setup-tools.sh"));
        Files.createDirectories(repo.resolve(".tools"));
        Files.createSymbolicLink(repo.resolve(".tools/yt-dlp"), TOOLS.resolve("yt-dlp"));
        if (Files.isDirectory(TOOLS.resolve("deno"))) {
            Files.createSymbolicLink(repo.resolve(".tools/deno"), TOOLS.resolve("deno"));
        }
        // the script is older than anything it writes
        Files.setLastModifiedTime(repo.resolve("scripts/setup-tools.sh"), FileTime.from(Instant.now().minusSeconds(60)));
        stamp = repo.resolve(".tools/setup-checked");
    }

    /** The second start says what the first found, word for word, and checks nothing: the file is not written again. */
    @Test
    void aFullCheckIsSaidAgainWithoutStartingAnything() throws Exception {
        String first = setUp(Map.of());
        assertTrue(first.contains("setup: yt-dlp "), first);
        Object checked = Files.getAttribute(stamp, "unix:ino");
        assertEquals(first, setUp(Map.of()));
        assertEquals(first, setUp(Map.of()));
        assertEquals(checked, Files.getAttribute(stamp, "unix:ino"), "a start that found the check standing checked again");
    }

    /**
     * A full check again when what it rests on changes: a program found elsewhere on the same PATH, another PATH,
     * the script edited, a day gone by, or AVQA_SETUP_RECHECK; each says the same as the first here.
     */
    @Test
    void whatTheCheckRestsOnChangingChecksAgain(@TempDir Path bin) throws Exception {
        String path = bin + ":" + System.getenv("PATH");
        String first = setUp(Map.of("PATH", path));
        assertEquals(first, setUp(Map.of("PATH", path)));
        Object checked = Files.getAttribute(stamp, "unix:ino");

        // ffmpeg now found first in a folder already on PATH (the real one, linked)
        Files.createSymbolicLink(bin.resolve("ffmpeg"), ToolVersions.which("ffmpeg"));
        checked = checkedAgain(first, Map.of("PATH", path), checked);
        assertEquals(first, setUp(Map.of("PATH", path)));
        assertEquals(checked, Files.getAttribute(stamp, "unix:ino"));

        checked = checkedAgain(first, Map.of(), checked);
        checked = checkedAgain(first, Map.of("AVQA_SETUP_RECHECK", "1"), checked);

        Files.setLastModifiedTime(repo.resolve("scripts/setup-tools.sh"), FileTime.from(Instant.now().plusSeconds(5)));
        checked = checkedAgain(first, Map.of(), checked);
        Files.setLastModifiedTime(repo.resolve("scripts/setup-tools.sh"), FileTime.from(Instant.now().minusSeconds(60)));
        assertEquals(first, setUp(Map.of()));
        assertEquals(checked, Files.getAttribute(stamp, "unix:ino"));

        // checked a day and a second ago
        List<String> lines = new ArrayList<>(Files.readAllLines(stamp));
        assertTrue(lines.get(0).startsWith("at "), lines.get(0));
        lines.set(0, "at " + (Long.parseLong(lines.get(0).substring(3)) - 86_401));
        Files.write(stamp, lines);
        checked = checkedAgain(first, Map.of(), checked);
        assertEquals(first, setUp(Map.of()));
        assertEquals(checked, Files.getAttribute(stamp, "unix:ino"));
    }

    private Object checkedAgain(String first, Map<String, String> env, Object before) throws Exception {
        assertEquals(first, setUp(env));
        Object after = Files.getAttribute(stamp, "unix:ino");
        assertNotEquals(before, after, "not checked again with " + env);
        return after;
    }

    /** What the script says (stderr; stdout is empty), with these variables; it must succeed. */
    private String setUp(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("scripts/setup-tools.sh").directory(repo.toFile());
        pb.environment().remove("AVQA_SETUP_RECHECK");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "scripts/setup-tools.sh did not end");
        assertEquals(0, p.exitValue(), "scripts/setup-tools.sh: " + err);
        assertEquals("", out);
        return err;
    }
}
