package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster's nodes each write their own log: the logs of processes gone do not pile up with restarts. */
class NodeLogsTest {

    /**
     * Three processes gone (a rolled-over log beside one), one alive (its lock in .partial), this one, and a
     * single-host run's log: with avqa.log.keep 1, the logs of the two older processes gone are deleted, rolled-over
     * ones too; the most recent one gone, the live one's, this one's and the single-host log stay.
     */
    @Test
    void theLogsOfProcessesGoneAreDeletedButTheMostRecent(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve(".partial"));
        Files.writeString(root.resolve(".partial/hostb-20.lock"), "");
        long t = System.currentTimeMillis() - 100_000;
        for (String name : List.of("avqa_download-hosta-1.log", "avqa_download-hosta-1.log.1", "avqa_download-hosta-2.log",
                "avqa_download-hosta-3.log", "avqa_download-hostb-20.log", "avqa_download-hosta-9.log", "avqa_download.log",
                "avqa_download-notes.txt")) {
            Path f = Files.writeString(root.resolve(name), "a line\n");
            Files.setLastModifiedTime(f, FileTime.fromMillis(t += 1000));
        }
        // the oldest is the most recent gone by its last write
        Files.setLastModifiedTime(root.resolve("avqa_download-hosta-1.log"), FileTime.fromMillis(t + 5000));

        assertEquals(2, NodeLogs.prune(root, "hosta-9", 1));

        assertEquals(List.of("avqa_download-hosta-1.log", "avqa_download-hosta-1.log.1", "avqa_download-hosta-9.log",
                "avqa_download-hostb-20.log", "avqa_download-notes.txt", "avqa_download.log"),
                PipelineTest.listNames(root).stream().filter(n -> n.startsWith("avqa_")).toList());
        assertEquals(0, NodeLogs.prune(root, "hosta-9", 1), "nothing more to delete");
    }
}
