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

    /**
     * Every request at the server counted, retries included (the fast path makes one request per
     * attempt, and its HTTP client repeats nothing by itself): no window of --period holds more than
     * --max-requests of them.
     */
    @Test
    void noWindowOfThePeriodHoldsMoreRequestsThanTheLimitRetriesIncluded(@TempDir Path tmp) throws Exception {
        try (MediaServer server = new MediaServer()) {
            List<String> ids = serve(server, "spread", 8);
            server.failNext("spread1", MediaServer.Fault.SERVER_ERROR, MediaServer.Fault.SERVER_ERROR);
            server.failNext("spread4", MediaServer.Fault.SERVER_ERROR);
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", ids);
            List<String> args = Fixture.localArgs(tmp.resolve("data"), meta, server.mediaFileTemplate());
            args.addAll(List.of("--workers", "4", "--max-requests", "3", "--period", "3", "--backoff", "0.1"));

            assertEquals(0, Fixture.run(args).exit());

            List<Long> at = server.hits().stream().map(MediaServer.Hit::atMillis).sorted().toList();
            assertEquals(ids.size() + 3, at.size(), "one request per attempt, three of them retries: " + server.hits());
            for (int i = 0; i + 3 < at.size(); i++) {
                assertTrue(at.get(i + 3) - at.get(i) > 3000,
                        "requests " + i + ".." + (i + 3) + " fall within " + (at.get(i + 3) - at.get(i)) + " ms: " + at);
            }
        }
    }

    /**
     * How far apart two yt-dlp processes' first requests can drift from the moments the throttle let
     * them through: yt-dlp's own start-up (a second or more with 4 workers on 2 busy cores). The fast
     * path has no such start-up: it is held to the period exactly (the test above).
     */
    static final long PROCESS_START_SLACK_MS = 1000;

    @Test
    void ytDlpDownloadsAreThrottledTooWithinTheirStartUpTime(@TempDir Path tmp) throws Exception {
        try (MediaServer server = new MediaServer()) {
            List<String> ids = serve(server, "throttled", 7);
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

    /** A server of its own (its requests are all this test's) serving {@code n} videos named {@code prefix0 ...}. */
    private static List<String> serve(MediaServer server, String prefix, int n) throws Exception {
        Path clip = Fixture.clip("tone-3s", 3, true);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
            server.serve(prefix + i, clip);
        }
        return ids;
    }
}
