package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A stop wakes the waits for a turn, and those that begin after it; a thread leaves with nothing of it. */
class TurnWaitsTest {

    final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void aStopWakesAWaitingThreadAndItLeavesWithItsInterruptAndTheExchangesMarkCleared() throws Exception {
        RunControl run = new RunControl();
        Exchange exchange = new DefaultExchange(camel);
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean wokenEarly = new AtomicBoolean();
        AtomicBoolean clearAfter = new AtomicBoolean();
        Thread worker = new Thread(() -> {
            run.turns().enter(exchange);
            waiting.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                wokenEarly.set(true);
                // as Camel's Delay and Throttle do: the exchange is marked, the interrupt kept
                exchange.setException(e);
                Thread.currentThread().interrupt();
            }
            run.turns().leave(exchange);
            clearAfter.set(!Thread.currentThread().isInterrupted() && !exchange.getExchangeExtension().isInterrupted());
        });
        worker.start();
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        run.stop("a test");
        worker.join(10_000);
        assertTrue(wokenEarly.get(), "the stop woke the wait");
        assertTrue(clearAfter.get(), "nothing of the wake is left on the thread or the exchange");
    }

    @Test
    void aThreadThatComesToWaitAfterTheStopIsWokenAtOnceUntilANewRun() throws Exception {
        RunControl run = new RunControl();
        run.stop("a test");
        Exchange exchange = new DefaultExchange(camel);
        run.turns().enter(exchange);
        assertThrows(InterruptedException.class, () -> Thread.sleep(10_000), "woken as it enters");
        run.turns().leave(exchange);
        assertFalse(Thread.currentThread().isInterrupted());

        run.reset();
        run.turns().enter(exchange);
        assertFalse(Thread.currentThread().isInterrupted(), "a new run's waits are not woken");
        run.turns().leave(exchange);
    }

    /**
     * While the run stops, a failure is not the video's unless permanent: a tool the JVM could not start any more
     * ("Shutdown in progress"), one stopped half-way (invalid output), a transient one; they stay pending.
     */
    @Test
    void whileTheRunStopsOnlyAPermanentFailureIsTheVideos() {
        RunControl run = new RunControl();
        Exchange failed = new DefaultExchange(camel);
        failed.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("Shutdown in progress"));
        assertFalse(run.stoppedMidAttempt(failed), "the run goes on: the failure is recorded");
        run.shutdown("stopped by a signal (SIGTERM or Ctrl-C)");
        assertTrue(run.stoppedMidAttempt(failed));
        failed.setProperty(Exchange.EXCEPTION_CAUGHT, new VideoFailure.InvalidOutput("the audio is cut short", ""));
        assertTrue(run.stoppedMidAttempt(failed));
        failed.setProperty(Exchange.EXCEPTION_CAUGHT, new VideoFailure.Permanent("the video is private", ""));
        assertFalse(run.stoppedMidAttempt(failed), "the source's own answer stays the video's");
    }
}
