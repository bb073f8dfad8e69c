package avqa.downloader;

import org.apache.logging.log4j.LogManager;

/**
 * Log4j's own set-up (reading {@code log4j2.properties}, making its appenders and layouts: about 0.1 s of the
 * main thread's CPU at the start) on a thread of its own, begun first thing, while the main thread reads the
 * command line and the settings. The main thread waits for it where it points the log into the data directory
 * ({@code Launcher.logTo}, {@link #awaitReady}), so a set-up still under way cannot finish after that and put
 * the first configuration back. A logger a class asks for before (a static one) is Log4j's all the same, and
 * takes each configuration as it is set; nothing is logged before the log is pointed into the data directory.
 */
final class LogSetup {

    private static volatile Thread running;

    private LogSetup() {
    }

    /** Begins Log4j's set-up on its own thread. */
    static void begin() {
        Thread setup = new Thread(LogSetup::setUp, "avqa-log-setup");
        setup.setDaemon(true);
        running = setup;
        setup.start();
    }

    private static void setUp() {
        LogManager.getContext(false);
    }

    /** Waits for the set-up begun, if one was; returns at once otherwise (tests, which run the command line in their JVM). */
    static void awaitReady() {
        Thread setup = running;
        if (setup == null) {
            return;
        }
        boolean interrupted = false;
        while (setup.isAlive()) {
            try {
                setup.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        running = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
