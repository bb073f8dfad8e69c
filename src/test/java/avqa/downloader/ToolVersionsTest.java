package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a tool's own words are read back (its version, its list of encoders). */
class ToolVersionsTest {

    /**
     * A tool's words come through a pipe, never a file: a version is asked on a daemon thread while a run starts, and
     * a run that ended meanwhile (a bad option found, a host that does not resolve) left the file in /tmp, one per such
     * run, even when its name was removed as soon as the tool had it open (a run can end before that).
     */
    @Test
    void aToolsWordsComeThroughAPipeAndNoFile() {
        String said = ToolVersions.output(List.of("sh", "-c",
                "case \"$(readlink /proc/$$/fd/1)\" in pipe:*) echo piped;; *) readlink /proc/$$/fd/1;; esac; "
                        + "echo to-stderr >&2"), 10);
        assertEquals("piped\nto-stderr\n", said);
    }

    /** An answer longer than a pipe holds (64 KiB on Linux) is read whole, not stalled until the time limit. */
    @Test
    void aLongAnswerIsReadWhole() {
        String said = assertTimeoutPreemptively(Duration.ofSeconds(8),
                () -> ToolVersions.output(List.of("awk", "BEGIN { for (i = 0; i < 20000; i++) print \"0123456789abcdef\" }"), 10));
        assertEquals(20000 * 17, said.length());
        assertEquals(20000, said.lines().filter("0123456789abcdef"::equals).count());
    }

    /**
     * A command that leaves a child behind holding its output open (a helper it started in the background) is read
     * when the command itself ends, not when the child does.
     */
    @Test
    void aChildLeftBehindHoldingTheOutputDoesNotHoldTheAnswer() throws Exception {
        String said = assertTimeoutPreemptively(Duration.ofSeconds(15),
                () -> ToolVersions.output(List.of("sh", "-c", "sleep 60 & echo $!"), 20));
        long child = Long.parseLong(said.strip());
        ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** A command that does not end in its time is ended, and nothing is its answer. */
    @Test
    void aCommandOverItsTimeIsEndedWithNoAnswer() {
        String said = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> ToolVersions.output(List.of("sh", "-c", "echo begun; exec sleep 60"), 1));
        assertEquals("", said);
    }

    /** A command that cannot be started has no answer (the callers say what is missing). */
    @Test
    void aCommandThatCannotStartHasNoAnswer() {
        assertEquals("", ToolVersions.output(List.of("/nonexistent/avqa-no-such-tool", "--version"), 5));
    }
}
