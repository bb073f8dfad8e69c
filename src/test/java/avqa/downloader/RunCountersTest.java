package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RunCountersTest {

    @Test
    void eachFailureRecordCountsOnceAndARecordWrittenAgainIsCountedAsItsLast() {
        RunCounters counters = new RunCounters(new RunControl(), null, new ImportLedger());
        // one source's two clips: a record each
        counters.failed("permanent", Map.of("id", "clip_a"));
        counters.failed("permanent", Map.of("id", "clip_b"));
        assertEquals(Map.of("permanent", 2L), counters.failedByCategory());
        // the same video recorded again in the run: its last failure counts, once
        counters.failed("transient", Map.of("id", "clip_a"));
        assertEquals(Map.of("permanent", 1L, "transient", 1L), counters.failedByCategory());
        assertEquals(2, counters.failedCount());
    }

    /**
     * A service's nightly runs in one process: a permanent failure recorded by the first run stands in the next
     * ones, which request nothing and write no record; the metrics' count of failure records does not grow with
     * each night (it did: {permanent} 1, 2, 3 after three runs), while each run's summary still counts it as failed.
     */
    @Test
    void aPermanentFailureStandingFromAnEarlierRunIsCountedInEachRunButNotAsANewFailureRecord() {
        RunCounters counters = new RunCounters(new RunControl(), null, new ImportLedger());
        counters.start();
        counters.failed("permanent", Map.of("id", "gone"));
        counters.stop();
        for (int night = 0; night < 2; night++) {
            counters.start();
            counters.failedBefore();
            counters.stop();
            assertEquals(Map.of("permanent", 1L), counters.failedByCategory(), "the run's summary counts it");
        }
        assertEquals(1, counters.failedTotal("permanent"), "one failure record was written");
    }
}
