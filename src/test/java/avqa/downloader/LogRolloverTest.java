package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log of a run that goes on for weeks (nightly resumes append to it) is bounded: once larger than
 * avqa.log.max-size it is renamed .1, the .1 before it .2, and so on; avqa.log.keep of them are kept.
 */
class LogRolloverTest extends LoopbackServerTest {

    /**
     * A log left past the size by earlier runs, and two rolled over before it, in a data directory whose
     * name holds a % (the rolled-over names are a pattern): the run's first line rolls the log over, the
     * oldest beyond avqa.log.keep (2) is deleted, and the run's own lines end in the current log. Whatever
     * the run writes after that (more rollovers or none) leaves the same three names.
     */
    @Test
    void theLogIsRolledOverBySizeAndOnlyTheLastOnesAreKept(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("100%d done"));
        Path log = data.resolve("avqa_download.log");
        Files.writeString(log, "an earlier run's line\n".repeat(100));
        Files.writeString(data.resolve("avqa_download.log.1"), "rolled over once\n");
        Files.writeString(data.resolve("avqa_download.log.2"), "rolled over twice\n");
        Path zip = tmp.resolve("videos.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("00000001.mp4"));
            z.write(Files.readAllBytes(clip));
        }
        List<String> args = HostileArchiveTest.importArgs(data, tmp.resolve("meta"), List.of("00000001"),
                SettingsTable.YOUTUBE_TEMPLATE, zip);

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_LOG_MAX_SIZE", "1K", "AVQA_LOG_KEEP", "2"));

        assertEquals(0, outcome.exit(), outcome.stderr());
        List<String> logs = PipelineTest.listNames(data).stream().filter(n -> n.startsWith("avqa_download")).toList();
        assertEquals(List.of("avqa_download.log", "avqa_download.log.1", "avqa_download.log.2"), logs,
                "the current log and the last two rolled over, under these names only");
        String all = Files.readString(log) + Files.readString(data.resolve("avqa_download.log.1"))
                + Files.readString(data.resolve("avqa_download.log.2"));
        assertFalse(all.contains("rolled over twice"), "the oldest, beyond avqa.log.keep, is deleted");
        // the summary's lines after it are fewer than 1K: it is in the current log or the one before
        assertTrue((Files.readString(log) + Files.readString(data.resolve("avqa_download.log.1")))
                .contains("This run: 1 from archive videos.zip; none failed."), all);
        assertFalse(Files.readString(log).contains("an earlier run's line"), "the earlier log was renamed, not kept on");
        // a rolled-over log is the size at most, and the line that took it past
        for (String rolled : List.of("avqa_download.log.1", "avqa_download.log.2")) {
            long size = Files.size(data.resolve(rolled));
            assertTrue(size <= 1024 + 4200, rolled + " holds " + size + " bytes");
        }
    }

    /** A size under 1K is refused before anything is written (a log of a line or two per file is no log). */
    @Test
    void aLogSizeUnder1KIsRefused(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Fixture.Outcome outcome = Fixture.run(List.of("--data-dir", data.toString()), Map.of("AVQA_LOG_MAX_SIZE", "100"));

        assertEquals(2, outcome.exit(), outcome.stderr());
        assertTrue(outcome.stderr().contains("avqa.log.max-size") && outcome.stderr().contains("1K or more"), outcome.stderr());
        assertFalse(Files.exists(data), "nothing is written");
    }
}
