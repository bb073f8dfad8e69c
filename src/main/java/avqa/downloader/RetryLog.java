package avqa.downloader;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Says, in one line a person can read, that a video is tried again and why (the redelivery policy's onRedelivery). */
public final class RetryLog implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.download");

    private final int attempts;

    public RetryLog(int attempts) {
        this.attempts = attempts;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        int next = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) + 1;
        VideoJob job = exchange.getVariable("job", VideoJob.class);
        // a video its batch's yt-dlp failed for now: that failure's retry is its first request alone
        String alone = job != null && cause != null && cause == job.batchFailure() ? " alone, not in its batch" : "";
        LOG.warn("Retrying {}{} (attempt {} of {}): {}", job == null ? "?" : job.named(), alone, next, attempts,
                cause == null ? "transient failure" : Shown.of(cause));
    }
}
