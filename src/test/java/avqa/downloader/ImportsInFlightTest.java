package avqa.downloader;


import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import's entries are handed to eight media threads per worker, so that small ones share ffmpeg's runs; large
 * ones (which never share a run) are written out at most two per worker ahead, so that an archive of large videos
 * takes no more room in .partial/ than before.
 */
class ImportsInFlightTest {

    @Test
    void largeEntriesWaitForRoomAndSmallOnesDoNot(@TempDir Path tmp) throws Exception {
        ImportsInFlight inFlight = new ImportsInFlight(new RunControl(), 1);
        DefaultCamelContext camel = new DefaultCamelContext();
        for (int i = 0; i < 5; i++) {
            inFlight.sent(job(tmp, "small" + i, 1 << 20), new DefaultExchange(camel));
        }
        // small entries leave room: the wait returns (a TimeoutException here if it did not)
        CompletableFuture.runAsync(() -> await(inFlight)).get(5, TimeUnit.SECONDS);
        Exchange first = new DefaultExchange(camel);
        inFlight.sent(job(tmp, "large0", FfmpegRuns.TOGETHER_AT_MOST + 1), first);
        inFlight.sent(job(tmp, "large1", FfmpegRuns.TOGETHER_AT_MOST + 1), new DefaultExchange(camel));

        CompletableFuture<Void> next = CompletableFuture.runAsync(() -> await(inFlight));
        // two large entries in flight for one worker: the next waits
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
                () -> next.get(600, TimeUnit.MILLISECONDS));
        first.getExchangeExtension().handoverCompletions().forEach(done -> done.onComplete(first));
        next.get(5, TimeUnit.SECONDS); // one dealt with: room again
    }

    private static void await(ImportsInFlight inFlight) {
        try {
            inFlight.awaitRoom();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static VideoJob job(Path tmp, String id, long bytes) throws Exception {
        Path file = tmp.resolve(id + ".mp4");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(bytes);
        }
        return new VideoJob(id, VideoJob.Kind.AUDIO_ONLY, null, List.of(), null, tmp.resolve("work"), file, "test");
    }
}
