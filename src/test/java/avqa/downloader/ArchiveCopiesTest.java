package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

/** Whether a host's answer is another copy of an archive than the one here: by its length, then by its validator. */
class ArchiveCopiesTest {

    private static ObjectNode record(String etag, long length) {
        ObjectNode meta = new ObjectMapper().createObjectNode();
        if (etag != null) {
            meta.put("etag", etag);
        }
        meta.put("length", length);
        return meta;
    }

    private static Message answer(String etag) {
        Message m = new DefaultMessage(new DefaultCamelContext());
        if (etag != null) {
            m.setHeader("ETag", etag);
        }
        return m;
    }

    /**
     * A host that kept its ETag for a whole file after a cut one: the new length makes it another copy (it was said to
     * be "still the copy fetched before", with the old length, and not fetched; an adversarial probe).
     */
    @Test
    void anotherLengthIsAnotherCopyWhateverTheEtagSays() {
        assertTrue(ArchiveFetch.anotherCopy(record("\"v1\"", 1000), answer("\"v1\""), 1300));
        assertTrue(ArchiveFetch.anotherCopy(record("\"v1\"", 1000), answer("\"v2\""), 1000));
        assertFalse(ArchiveFetch.anotherCopy(record("\"v1\"", 1000), answer("\"v1\""), 1000));
        // nothing to compare but the length
        assertTrue(ArchiveFetch.anotherCopy(record(null, 1000), answer(null), 999));
        assertFalse(ArchiveFetch.anotherCopy(record(null, 1000), answer(null), 1000));
        assertFalse(ArchiveFetch.anotherCopy(record("\"v1\"", 1000), answer(null), -1), "no length, no validator: the same");
    }
}
