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
}
