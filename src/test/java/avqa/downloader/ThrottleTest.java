package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Throttle EIP holds across workers, measured where it matters: at the server. */
class ThrottleTest {

    /** How far apart two yt-dlp processes' first requests can drift from the moments they were let through. */
    static final long PROCESS_START_SLACK_MS = 300;

    @Test
    void noTwoSecondWindowSeesMoreThanTwoDownloadStarts(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("tone-3s", 3, true);
        try (MediaServer server = new MediaServer()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                ids.add("throttled" + i);
                server.serve("throttled" + i, clip);
            }
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", ids);
            List<String> args = Fixture.localArgs(tmp.resolve("data"), meta, server.urlTemplate());
            args.addAll(List.of("--workers", "4", "--max-requests", "2", "--period", "2"));

            assertEquals(0, Fixture.run(args).exit());

            List<Long> starts = new ArrayList<>();
            for (String id : ids) {
                starts.add(server.hits(id).get(0).atMillis());
            }
            starts.sort(null);
            for (int i = 0; i + 2 < starts.size(); i++) {
                long window = starts.get(i + 2) - starts.get(i);
                assertTrue(window >= 2000 - PROCESS_START_SLACK_MS,
                        "starts " + i + ".." + (i + 2) + " fall within " + window + " ms: " + starts);
            }
            long span = starts.get(starts.size() - 1) - starts.get(0);
            assertTrue(span >= 6000 - PROCESS_START_SLACK_MS, "7 starts at 2 per 2 s take 6 s or more: " + starts);
        }
    }
}
