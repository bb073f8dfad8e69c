package avqa.downloader;

import java.util.concurrent.ThreadLocalRandom;

/** The pause before each download: {@code --sleep} plus a random extra in {@code [0, --jitter]}. */
public final class Pacing {

    private final long sleepMillis;
    private final long jitterMillis;

    public Pacing(long sleepMillis, long jitterMillis) {
        this.sleepMillis = sleepMillis;
        this.jitterMillis = jitterMillis;
    }

    public long pauseMillis() {
        return sleepMillis + (jitterMillis > 0 ? ThreadLocalRandom.current().nextLong(jitterMillis + 1) : 0);
    }
}
