package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoverageTest {

    @Test
    void anArchiveWhoseFileNameHoldsALineBreakIsOneEscapedLineOfTheReport(@TempDir Path tmp) {
        Coverage coverage = new Coverage();
        coverage.add("00000001", Coverage.MIRROR, true);
        coverage.add("00000002", Coverage.MIRROR, true);
        String archive = "archive ev\nil\u001b[31mRED\u001b[0m.zip";
        String report = coverage.report(id -> true, new FailureRecords(new Workspace(tmp, "mp4", "wav")),
                Map.of("00000001", archive, "00000002", archive));
        List<String> lines = report.lines().toList();
        // the heading and the archive's one group
        assertEquals(2, lines.size(), report);
        assertTrue(lines.get(1).contains("archive ev\\u000ail\\u001b[31mRED\\u001b[0m.zip:"), lines.get(1));
        assertTrue(report.chars().noneMatch(c -> c == 0x1b), report);
    }
}
