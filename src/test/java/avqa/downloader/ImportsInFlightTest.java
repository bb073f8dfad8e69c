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
        ImportsInFlight inFlight = new ImportsInFlight(new RunControl(), 1, new FailureNotRecorded(new RunControl(), null));
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

    /**
     * The archive's reader, which hands each entry on (the wire tap's preparation, {@link ImportsInFlight#process}), waits
     * while as many are under way as the media threads hold and as many more as there are workers, and goes on as soon
     * as one of them is dealt with: the back-pressure the seda queue's blockWhenFull gave before.
     */
    @Test
    void theReaderWaitsWhileTheMediaThreadsAndOneMorePerWorkerAreHandedOn(@TempDir Path tmp) throws Exception {
        ImportsInFlight inFlight = new ImportsInFlight(new RunControl(), 1, new FailureNotRecorded(new RunControl(), null));
        DefaultCamelContext camel = new DefaultCamelContext();
        int room = avqa.downloader.settings.CamelProperties.mediaThreads(1) + 1;
        List<Exchange> handedOn = new java.util.ArrayList<>();
        for (int i = 0; i < room; i++) {
            Exchange copy = new DefaultExchange(camel);
            copy.setVariable("job", job(tmp, "entry" + i, 1 << 20));
            // room for it: returns at once (the test's own timeout if it did not)
            CompletableFuture.runAsync(() -> handOn(inFlight, copy)).get(5, TimeUnit.SECONDS);
            handedOn.add(copy);
        }
        Exchange next = new DefaultExchange(camel);
        next.setVariable("job", job(tmp, "entry" + room, 1 << 20));
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> handOn(inFlight, next));
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
                () -> reader.get(600, TimeUnit.MILLISECONDS), "no room: the reader waits");
        org.junit.jupiter.api.Assertions.assertFalse(inFlight.contains("entry" + room), "counted only once it goes on");
        Exchange first = handedOn.get(0);
        first.getExchangeExtension().handoverCompletions().forEach(done -> done.onComplete(first));
        reader.get(5, TimeUnit.SECONDS); // one dealt with: the reader goes on
        org.junit.jupiter.api.Assertions.assertTrue(inFlight.contains("entry" + room), "counted as it went on");
    }

    private static void handOn(ImportsInFlight inFlight, Exchange copy) {
        try {
            inFlight.process(copy);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
