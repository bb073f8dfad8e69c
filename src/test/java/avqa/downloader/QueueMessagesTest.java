package avqa.downloader;

import avqa.downloader.cluster.QueueMessages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A queue is input like any other: what a worker accepts from it, and what it sets aside. */
class QueueMessagesTest {

    @TempDir
    Path data;

    QueueMessages messages() {
        return new QueueMessages(new Workspace(data, "mp4", "wav"), null, null);
    }

    @Test
    void aPlannedVideoGoesThereAndBack() throws Exception {
        VideoTask task = new VideoTask("abcdefghijk", "https://mirror.example.org/v/abcdefghijk.mp4",
                VideoTask.State.DOWNLOAD, null, null, List.of(new Clip("abcdefghijk_#02", 5, 10.0, true)));
        assertEquals(task, messages().toTask(messages().toJson(task)));
    }

    @Test
    void badMessagesAreRefusedWithTheReason() {
        QueueMessages q = messages();
        String[] bad = {
            "not json",
            "{\"id\": \"../../etc/passwd\", \"url\": \"https://x.org/a.mp4\", \"state\": \"DOWNLOAD\"}",
            "{\"id\": \"abc\", \"url\": \"--exec=rm\", \"state\": \"DOWNLOAD\"}",
            "{\"id\": \"abc\", \"url\": \"file:///etc/passwd\", \"state\": \"DOWNLOAD\"}",
            "{\"id\": \"abc\", \"url\": \"https://x.org/a.mp4\", \"state\": \"COMPLETE\"}",
            "{\"id\": \"abc\", \"url\": \"https://x.org/a.mp4\", \"state\": \"DOWNLOAD\", \"clips\": [{\"name\": \"a/b\", \"start\": 0}]}",
            "{\"id\": \"abc\", \"url\": \"https://x.org/a.mp4\", \"state\": \"NONSENSE\"}",
            "{\"id\": \"abc\", \"url\": \"https://x.org/a.mp4\", \"state\": \"DOWNLOAD\", \"clips\": [{\"name\": \"c\", \"start\": \"NaN\"}]}",
            "{\"id\": \"abc\", \"url\": \"https://x.org/a.mp4\", \"state\": \"DOWNLOAD\", \"clips\": [{\"name\": \"c\", \"start\": 0, \"duration\": \"Infinity\"}]}",
        };
        for (String m : bad) {
            BadInputException e = assertThrows(BadInputException.class, () -> q.toTask(m), m);
            assertTrue(e.getMessage().startsWith("not a video message") || e.getMessage().startsWith("a video message"),
                    e.getMessage());
        }
    }

    @Test
    void aVideoWhoseFilesAreInPlaceIsNotFetchedAgain() throws Exception {
        Files.createDirectories(data.resolve("videos"));
        Files.createDirectories(data.resolve("audio"));
        Files.writeString(data.resolve("videos/abcdefghijk.mp4"), "x");
        Files.writeString(data.resolve("audio/abcdefghijk.wav"), "x");
        VideoTask task = VideoTask.download("abcdefghijk", "https://mirror.example.org/v/abcdefghijk.mp4");
        assertEquals(VideoTask.State.COMPLETE, messages().toTask(messages().toJson(task)).state());
    }
}
