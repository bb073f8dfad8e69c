package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.DefaultThreadPoolFactory;
import org.junit.jupiter.api.Test;

/**
 * A task of one of Camel's pools that runs out of memory: Camel's own pool keeps the error in the task's
 * Future, which nobody asks (a video lost without a word, a run waiting for ever); the run's pools
 * ({@link FatalErrorExit.ThreadPools}) end the JVM in one line with exit 1. Each in a JVM of 32 MB of its own.
 */
class FatalErrorExitTest {

    /** Runs one task that asks for 1 GiB in a pool of Camel's making ({@code camel}) or the run's. */
    public static void main(String[] args) throws Exception {
        DefaultThreadPoolFactory factory = args[0].equals("camel") ? new DefaultThreadPoolFactory()
                : new FatalErrorExit.ThreadPools();
        ExecutorService pool = factory.newThreadPool(2, 2, 60, TimeUnit.SECONDS, 100, true, null,
                Executors.defaultThreadFactory());
        pool.submit(() -> {
            long[] tooMuch = new long[1 << 27];
            return tooMuch.length;
        });
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        System.out.println("the pool went on");
    }

    static Fixture.Outcome runIn32m(String which) throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-cp", System.getProperty("java.class.path"), FatalErrorExitTest.class.getName(), which))
                .start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended");
        return new Fixture.Outcome(p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aPooledTaskOutOfMemoryEndsTheJvmInOneLine() throws Exception {
        Fixture.Outcome camels = runIn32m("camel");
        assertEquals(0, camels.exit(), camels.stderr());
        assertTrue(camels.stdout().contains("the pool went on") && camels.stderr().isBlank(),
                "Camel's pool says nothing: " + camels);

        Fixture.Outcome ours = runIn32m("ours");
        assertEquals(1, ours.exit(), ours.stdout() + ours.stderr());
        assertEquals("avqa-downloader: the run ran out of memory (Java heap space); what was complete is kept: run again "
                + "to resume, with a larger heap (java -Xmx…) if it recurs", ours.stderr().strip());
        assertTrue(ours.stdout().isBlank(), ours.stdout());
    }
}
