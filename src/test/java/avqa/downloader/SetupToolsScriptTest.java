package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * deno twice each (some 0.9 s before Java starts); what it found is said again from .tools/setup-checked, with no
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
        // a virtual environment of its own, made of the real one's parts, whose yt-dlp was "updated" just now: the
        // script neither updates the real one nor says so
        Path venv = Files.createDirectories(repo.resolve(".tools/yt-dlp"));
        for (String part : List.of("bin", "lib", "pyvenv.cfg")) {
            Files.createSymbolicLink(venv.resolve(part), TOOLS.resolve("yt-dlp").resolve(part));
        }
        Files.writeString(venv.resolve(".update-tried"), "");
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
        assertFalse(checksInFull(first, Map.of()), "a start that found the check standing checked again");
        assertFalse(checksInFull(first, Map.of()), "a start that found the check standing checked again");
    }

    /**
     * A full check again when what it rests on changes: a program found elsewhere on the same PATH, another PATH,
     * the script edited or replaced by an older copy, a kept check cut short, a day gone by, or AVQA_SETUP_RECHECK;
     * each says the same as the first here.
     */
    @Test
    void whatTheCheckRestsOnChangingChecksAgain(@TempDir Path bin) throws Exception {
        String path = bin + ":" + System.getenv("PATH");
        String first = setUp(Map.of("PATH", path));
        assertFalse(checksInFull(first, Map.of("PATH", path)));

        // ffmpeg now found first in a folder already on PATH (the real one, linked)
        Files.createSymbolicLink(bin.resolve("ffmpeg"), ToolVersions.which("ffmpeg"));
        assertTrue(checksInFull(first, Map.of("PATH", path)), "not checked again");
        assertFalse(checksInFull(first, Map.of("PATH", path)));

        assertTrue(checksInFull(first, Map.of()), "not checked again");
        assertTrue(checksInFull(first, Map.of("AVQA_SETUP_RECHECK", "1")), "not checked again");
        assertFalse(checksInFull(first, Map.of("AVQA_SETUP_RECHECK", "0")));

        // the script edited; then replaced by a copy that keeps an older time (cp -p, an archive unpacked)
        Path script = repo.resolve("scripts/setup-tools.sh");
        Files.setLastModifiedTime(script, FileTime.from(Instant.now().plusSeconds(5)));
        assertTrue(checksInFull(first, Map.of()), "not checked again");
        Path copy = repo.resolve("scripts/setup-tools.sh.copy");
        Files.copy(script, copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.setLastModifiedTime(copy, FileTime.from(Instant.now().minusSeconds(3600)));
        Files.move(copy, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(checksInFull(first, Map.of()), "not checked again");
        assertFalse(checksInFull(first, Map.of()));

        // a kept check that is not whole (no end, as if cut short) is not trusted
        List<String> whole = Files.readAllLines(stamp);
        Files.write(stamp, whole.subList(0, whole.size() - 1));
        assertTrue(checksInFull(first, Map.of()), "not checked again");

        // checked a day and a second ago
        List<String> lines = new ArrayList<>(Files.readAllLines(stamp));
        assertTrue(lines.get(0).startsWith("at "), lines.get(0));
        lines.set(0, "at " + (Long.parseLong(lines.get(0).substring(3)) - 86_401));
        Files.write(stamp, lines);
        assertTrue(checksInFull(first, Map.of()), "not checked again");
        assertFalse(checksInFull(first, Map.of()));
    }

    /**
     * A check that warned is not kept: here no JavaScript runtime on a PATH of the few programs the script needs (no
     * deno, node or npm, nor apt-get to install anything), and no deno in .tools. Nor does the clean check before it
     * stand any longer: each start checks in full and warns again, so that the runtime the user then installs is seen
     * at the next start.
     */
    @Test
    void aCheckThatWarnedIsNotKept(@TempDir Path bin) throws Exception {
        setUp(Map.of());
        assertTrue(Files.exists(stamp), "a clean check is kept");
        Files.delete(repo.resolve(".tools/deno"));
        for (String program : List.of("bash", "env", "dirname", "id", "sort", "head", "cut", "tr", "date", "find", "sed",
                "stat", "readlink", "mkdir", "mv", "rm", "wc", "cat", "touch", "ffmpeg", "ffprobe", "bsdtar", "openssl")) {
            Path at = ToolVersions.which(program);
            assumeTrue(at != null, program + " is not on PATH");
            Files.createSymbolicLink(bin.resolve(program), at);
        }
        Map<String, String> env = Map.of("PATH", bin.toString());
        String first = setUp(env);
        assertTrue(first.contains("WARNING: no JavaScript runtime"), first);
        assertFalse(Files.exists(stamp), "a check that warned was kept, or left the clean one before it standing");
        assertEquals(first, setUp(env));
        assertFalse(Files.exists(stamp));
    }

    private static final FileTime MARK = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));

    /**
     * Whether a start checks in full: the kept check is marked (its time set back, which it does not rest on) before
     * the start, and a full check writes it anew or leaves none. It must say what the first said.
     */
    private boolean checksInFull(String first, Map<String, String> env) throws Exception {
        if (Files.exists(stamp)) {
            Files.setLastModifiedTime(stamp, MARK);
        }
        assertEquals(first, setUp(env), "with " + env);
        return !Files.exists(stamp) || !Files.getLastModifiedTime(stamp).equals(MARK);
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
