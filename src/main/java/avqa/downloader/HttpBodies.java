package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hc.core5.http.io.EofSensorInputStream;

/** The end of an HTTP answer's body we are done with. */
final class HttpBodies {

    private HttpBodies() {
    }

    /**
     * Drops the connection instead of reading the rest of the body (what closing would do): a server
     * that trickles an answer we will not use holds nothing of ours.
     */
    static void drop(InputStream body) {
        if (body == null) {
            return;
        }
        try {
            if (body instanceof EofSensorInputStream eof) {
                eof.abort();
            } else {
                body.close();
            }
        } catch (IOException ignored) {
            // dropped anyway
        }
    }
}
