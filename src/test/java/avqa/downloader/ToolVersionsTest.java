package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a tool's own words are read back (its version, its list of encoders). */
class ToolVersionsTest {

    /**
     * A tool's words go to a file whose name is gone while the tool runs: a version is asked on a daemon thread while
     * a run starts, and a run that ended meanwhile (a bad option found, a host that does not resolve) left the file in
     * /tmp, one per such run. The command here waits until its own output has no name left, then says so: with the
     * name kept until the tool ended, it would be ended at the time limit and print nothing.
     */
    @Test
    void aToolsWordsGoToAFileWithNoNameWhileItRuns() {
        String said = ToolVersions.output(List.of("sh", "-c",
                "while [ -e \"$(readlink /proc/$$/fd/1)\" ]; do sleep 0.02; done; echo unnamed; echo to-stderr >&2"), 10);
        assertEquals("unnamed\nto-stderr\n", said);
    }
}
