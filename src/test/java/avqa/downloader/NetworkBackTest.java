package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A service's look at a name that could not be resolved: a lookup that hangs holds the look for a bounded time only. */
class NetworkBackTest {

    @Test
    void aLookupThatHangsIsGivenUpInTimeAndTheNextLookWaitsForItRatherThanStartingAnother() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        NetworkBack.Lookup hanging = host -> {
            lookups.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return InetAddress.getLoopbackAddress();
        };
        NetworkBack back = new NetworkBack("hangs.example", -1);
        try {
            long start = System.nanoTime();
            assertNull(back.resolvesAgain(hanging, 300), "not back while its lookup hangs");
            long took = (System.nanoTime() - start) / 1_000_000;
            assertTrue(took >= 250 && took < 5_000, "given up after the lookup's time: " + took + " ms");
            assertNull(back.resolvesAgain(hanging, 200));
            assertEquals(1, lookups.get(), "one lookup under way, not one more per look");
            assertTrue(NetworkBack.lookingUp());
        } finally {
            // the lookups' one thread, free for the other tests of this JVM whatever happened
            release.countDown();
        }
        Fixture.await("the hanging lookup ending", 10_000, () -> !NetworkBack.lookingUp());
        assertEquals(1, lookups.get());
        assertEquals("hangs.example resolves again", back.resolvesAgain(hanging, 5_000),
                "the next look takes what the lookup that hung found in the end");
        assertEquals(1, lookups.get());
        assertEquals("hangs.example resolves again", back.resolvesAgain(hanging, 5_000));
        assertEquals(2, lookups.get(), "a look after one whose address was taken asks again");
        assertFalse(NetworkBack.lookingUp());
    }

    @Test
    void aResolverSlowerThanALooksWaitButAnsweringBringsTheNameBack() throws Exception {
        // a resolver that drops AAAA queries answers after glibc's timeouts, longer than a look waits
        AtomicInteger lookups = new AtomicInteger();
        NetworkBack.Lookup slow = host -> {
            lookups.incrementAndGet();
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return InetAddress.getLoopbackAddress();
        };
        NetworkBack back = new NetworkBack("slow.example", -1);
        assertNull(back.resolvesAgain(slow, 200), "not yet: its lookup takes longer than the look waits");
        Fixture.await("the slow lookup ending", 10_000, () -> !NetworkBack.lookingUp());
        assertEquals("slow.example resolves again", back.resolvesAgain(slow, 200),
                "the next look (a minute later in a service) takes what that lookup found");
        assertEquals(1, lookups.get());
    }

    @Test
    void aLookupThatEndedFindingNothingIsAskedAgainByTheNextLook() {
        AtomicInteger lookups = new AtomicInteger();
        NetworkBack back = new NetworkBack("gone.example", -1);
        assertNull(back.resolvesAgain(host -> {
            lookups.incrementAndGet();
            throw new java.net.UnknownHostException(host);
        }, 5_000));
        assertEquals("gone.example resolves again", back.resolvesAgain(host -> {
            lookups.incrementAndGet();
            return InetAddress.getLoopbackAddress();
        }, 5_000));
        assertEquals(2, lookups.get());
    }

    @Test
    void aNameThatDoesNotResolveIsNotBack() {
        assertNull(new NetworkBack("nosuch.invalid", -1).resolvesAgain(host -> {
            throw new java.net.UnknownHostException(host);
        }, 5_000));
        assertTrue(new NetworkBack("localhost", -1).resolvesAgain() != null, "localhost resolves");
        assertTrue(TimeUnit.MILLISECONDS.toSeconds(NetworkBack.LOOKUP_MILLIS) <= 30);
    }
}
