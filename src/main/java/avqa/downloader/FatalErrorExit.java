package avqa.downloader;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.DefaultThreadPoolFactory;
import org.apache.camel.util.concurrent.RejectableThreadPoolExecutor;

/**
 * An OutOfMemoryError (or another error of the JVM itself, such as a StackOverflowError) in a thread of
 * the run ends the run at once, in one line, with exit status 1. Left alone it would end only the one
 * task it struck: a worker's video would be lost without a word (Camel's pools run each task as a
 * Future, which keeps the error to itself, and nobody asks), the run would wait for it for ever, and a
 * stop would wait for Camel's forced shutdown. Ending at once keeps the kill -9 promise: what was
 * complete stays, and a rerun resumes.
 */
public final class FatalErrorExit {

    private static final String KEPT = "; what was complete is kept: run again to resume";
    // made before they are needed: with the heap spent, even joining two strings may fail
    private static final String HEAP = "the run ran out of memory (Java heap space)" + KEPT
            + ", with a larger heap (java -Xmx…) if it recurs";
    private static final String MEMORY = "the run ran out of memory" + KEPT + ", with more memory if it recurs";
    private static final String JVM = "the run stopped on an error of the JVM (a stack overflow, say)" + KEPT;
    private static final String HEAP_LINE = "avqa-downloader: " + HEAP;
    private static final String MEMORY_LINE = "avqa-downloader: " + MEMORY;
    private static final String JVM_LINE = "avqa-downloader: " + JVM;
    private static final java.util.concurrent.atomic.AtomicBoolean ENDING = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * For the routes where the {@link Notifier} comes too late or not at all (the timers' routes, whose own error
     * handler logs a failure first; the scheduled runs' catch): a failure that is (or was caused by) an error of
     * the JVM ends the run.
     */
    public void failure(@org.apache.camel.ExchangeProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT) Throwable error) {
        check(error);
    }

    /** Ends the JVM for {@code error} when it is the JVM's own (out of memory and the like); else returns. */
    static void check(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof VirtualMachineError) {
                stop((VirtualMachineError) t);
            }
        }
    }

    /** One line (the first thread to get here says it; any other waits for the end), then the end: exit 1. */
    private static void stop(VirtualMachineError error) {
        if (!ENDING.compareAndSet(false, true)) {
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // the end comes from the first thread
                }
            }
        }
        try {
            boolean memory = error instanceof OutOfMemoryError;
            System.err.println(!memory ? JVM_LINE : "Java heap space".equals(error.getMessage()) ? HEAP_LINE : MEMORY_LINE);
            try {
                // the log file only (avqa.exit): the console has the line above
                org.slf4j.LoggerFactory.getLogger("avqa.exit").error(!memory ? JVM : "Java heap space".equals(error.getMessage())
                        ? HEAP : MEMORY);
                RunControl.stopChildProcesses();
            } catch (Throwable stillShort) {
                // the line is said; the log and the tools are best effort (the next run stops what is left)
            }
        } finally {
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * Every failed exchange of every route, as its error handler takes it (a video's dead-letter channel, an
     * archive's) or as it ends failed: one that an error of the JVM caused ends the run. Found in the registry
     * by Camel main.
     */
    static final class Notifier extends org.apache.camel.support.EventNotifierSupport {
        Notifier() {
            setIgnoreCamelContextEvents(true);
            setIgnoreCamelContextInitEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            setIgnoreExchangeCompletedEvent(true);
            setIgnoreExchangeSentEvents(true);
            setIgnoreExchangeSendingEvents(true);
            setIgnoreExchangeRedeliveryEvents(true);
            setIgnoreExchangeAsyncProcessingStartedEvents(true);
            setIgnoreStepEvents(true);
        }

        @Override
        public boolean isEnabled(org.apache.camel.spi.CamelEvent event) {
            return event instanceof org.apache.camel.spi.CamelEvent.ExchangeFailureEvent
                    || event instanceof org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
        }

        @Override
        public void notify(org.apache.camel.spi.CamelEvent event) {
            if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeEvent e) {
                org.apache.camel.Exchange ex = e.getExchange();
                check(ex.getException() != null ? ex.getException()
                        : ex.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class));
            }
        }
    }

    /** For threads of the run's own (not pooled): an error of the JVM that ends one ends the run. */
    static void watchUncaught() {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            check(error);
            if (before != null) {
                before.uncaughtException(thread, error);
            } else {
                thread.getThreadGroup().uncaughtException(thread, error);
            }
        });
    }

    /**
     * Camel's thread pools (the video workers' among them; found in the registry by Camel main): Camel's
     * own, whose tasks' errors of the JVM are looked at as each task ends.
     */
    static final class ThreadPools extends DefaultThreadPoolFactory {
        @Override
        public ExecutorService newThreadPool(int corePoolSize, int maxPoolSize, long keepAliveTime, TimeUnit timeUnit,
                                             int maxQueueSize, boolean allowCoreThreadTimeOut,
                                             RejectedExecutionHandler rejectedExecutionHandler, ThreadFactory threadFactory) {
            // Camel's choice of sizes and queue, taken from the pool it makes (which has started no thread)
            ThreadPoolExecutor camels = (ThreadPoolExecutor) super.newThreadPool(corePoolSize, maxPoolSize, keepAliveTime,
                    timeUnit, maxQueueSize, allowCoreThreadTimeOut, rejectedExecutionHandler, threadFactory);
            camels.shutdown();
            Watched pool = new Watched(camels.getCorePoolSize(), camels.getMaximumPoolSize(),
                    camels.getKeepAliveTime(TimeUnit.NANOSECONDS), camels.getQueue());
            pool.setThreadFactory(camels.getThreadFactory());
            pool.allowCoreThreadTimeOut(camels.allowsCoreThreadTimeOut());
            pool.setRejectedExecutionHandler(camels.getRejectedExecutionHandler());
            return pool;
        }
    }

    /** A pool whose ended tasks are looked at for an error of the JVM. */
    static final class Watched extends RejectableThreadPoolExecutor {
        Watched(int core, int max, long keepAliveNanos, java.util.concurrent.BlockingQueue<Runnable> queue) {
            super(core, max, keepAliveNanos, TimeUnit.NANOSECONDS, queue);
        }

        @Override
        protected void afterExecute(Runnable task, Throwable thrown) {
            super.afterExecute(task, thrown);
            check(thrown);
            if (thrown == null && task instanceof Future<?> f && f.isDone()) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    check(e.getCause());
                } catch (CancellationException cancelled) {
                    // no error: the task was called off
                } catch (InterruptedException notHere) {
                    // (a done task does not wait)
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
