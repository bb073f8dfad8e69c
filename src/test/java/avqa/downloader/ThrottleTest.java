package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Throttle EIP holds across workers, measured where it matters: at the server. */
@Alone // the spacing of starts measured
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
     * After a 429 this host's starts are spaced a tenth wider; after avqa.throttle.recover-after without
     * another they are spaced as the throttle asks again (the gaps measured at the server).
     */
    @Test
    void aHostSpacedWiderAfterA429IsSpacedAsBeforeAfterACalmStretch(@TempDir Path tmp) throws Exception {
        try (MediaServer server = new MediaServer()) {
            List<String> ids = serve(server, "calm", 6);
            server.failNext("calm0", MediaServer.Fault.TOO_MANY_REQUESTS);
            Path meta = tmp.resolve("meta");
            Path data = tmp.resolve("data");
            Fixture.annotations(meta, "test", ids);
            List<String> args = Fixture.localArgs(data, meta, server.mediaFileTemplate());
            // one start per 1.26 s (1.2 s and a twentieth); 1.386 s after the 429; 1.26 s again 3.5 s later
            args.addAll(List.of("--workers", "2", "--max-requests", "2", "--period", "2.4", "--cooldown", "0.2"));

            assertEquals(0, Fixture.run(args, java.util.Map.of("AVQA_THROTTLE_RECOVER_AFTER", "3.5")).exit());

            String log = java.nio.file.Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("This host's download starts are spaced 1.39 s apart from now on (were 1.26 s)"), log);
            assertTrue(log.contains("This host's download starts are spaced 1.26 s apart again (were 1.39 s): no 429 for "
                    + "3.50 s; back to --max-requests per --period"), log);
            List<MediaServer.Hit> hits = server.hits().stream().sorted(java.util.Comparator.comparingLong(MediaServer.Hit::atMillis)).toList();
            List<Long> at = hits.stream().map(MediaServer.Hit::atMillis).toList();
            assertEquals(ids.size() + 1, at.size(), hits.toString());
            int limited = hits.stream().map(MediaServer.Hit::status).toList().indexOf(429);
            assertTrue(limited >= 0 && limited <= 1, "the first video's first request drew the 429: " + hits);
            // the start after the 429 had no wait of this host's own yet; the one after it did
            // measured at the server: each request's own latency blurs the gaps by some tens of milliseconds
            assertTrue(at.get(limited + 2) - at.get(limited + 1) > 1323, "spaced wider after the 429: " + at);
            for (int i = 1; i < at.size(); i++) {
                assertTrue(at.get(i) - at.get(i - 1) >= 1200, "no two starts closer than the throttle's gap: " + at);
            }
            long lastGap = at.get(at.size() - 1) - at.get(at.size() - 2);
            assertTrue(lastGap < 1323, "the last two starts " + lastGap + " ms apart, as before the 429: " + at);
        }
    }

    /**
     * How far apart two yt-dlp processes' first requests can drift from the moments the throttle let
     * them through: yt-dlp's own start-up (a second or more with 4 workers on 2 busy cores; seen: three starts
     * of two turns 993 ms apart, on a CI run while other work shared the cores). The fast path has no such
     * start-up: it is held to the period exactly (the test above).
     */
    static final long PROCESS_START_SLACK_MS = 1150;

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
            // the first turn's two starts search every site extractor (nothing is learnt of the source yet), the later
            // ones only the generic one: on a slow machine the first arrive over a second later after their turn than
            // the later ones do (seen: 2.7 and 3.3 s into the run, the third 1.7 s after its turn at 2 s), so the
            // windows are judged from the third start on, where every start has the same start-up
            List<Long> learnt = starts.subList(2, starts.size());
            for (int i = 0; i + 2 < learnt.size(); i++) {
                long window = learnt.get(i + 2) - learnt.get(i);
                assertTrue(window >= 2000 - PROCESS_START_SLACK_MS,
                        "starts " + (i + 2) + ".." + (i + 4) + " fall within " + window + " ms: " + starts);
            }
            long span = learnt.get(learnt.size() - 1) - learnt.get(0);
            assertTrue(span >= 4000 - PROCESS_START_SLACK_MS, "the last 5 starts at 2 per 2 s take 4 s or more: " + starts);
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
