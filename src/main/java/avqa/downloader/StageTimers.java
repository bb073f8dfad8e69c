package avqa.downloader;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.exec.ExecEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Times the stages from the routes' own sends, without a step in any route: each send to a stage's
 * route (or program) is one {@code avqa_stage_seconds{stage}} observation; each download attempt counts
 * in {@code avqa_download_attempts_total}; each answer Camel's HTTP client got (the fast path, archives,
 * annotations) in {@code avqa_http_responses_total{status}}. Registered only with the management endpoint.
 */
final class StageTimers extends EventNotifierSupport {

    /** The stage of a send, by the endpoint it went to. */
    private static final Map<String, String> STAGES = Map.of(
            "direct://fetch-media-file", "download",
            "direct://cut-attempt", "cut",
            "direct://audio-attempt", "audio",
            "direct://frames-attempt", "frames",
            "direct://probe-media", "validation");

    private final MeterRegistry registry;
    private final String ytDlp;
    private final Counter attempts;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> answers = new ConcurrentHashMap<>();

    StageTimers(MeterRegistry registry, String ytDlp) {
        this.registry = registry;
        this.ytDlp = ytDlp;
        this.attempts = Counter.builder("avqa.download.attempts")
                .description("Requests for a video's source (retries included)").register(registry);
        for (String stage : STAGES.values()) {
            timer(stage);
        }
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    private Timer timer(String stage) {
        return timers.computeIfAbsent(stage, s -> Timer.builder("avqa.stage").tag("stage", s)
                .description("Time spent in each stage of a video, per attempt").register(registry));
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        // Camel times a send (and tells when it is sent) only when a notifier takes the sending event too
        return event instanceof CamelEvent.ExchangeSendingEvent || event instanceof CamelEvent.ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof CamelEvent.ExchangeSentEvent sent)) {
            return;
        }
        Endpoint endpoint = sent.getEndpoint();
        String uri = endpoint.getEndpointBaseUri();
        if (uri.equals("direct://download-attempt")) {
            attempts.increment();
            return;
        }
        String stage = STAGES.get(uri);
        if (stage == null && endpoint instanceof ExecEndpoint exec && ytDlp.equals(exec.getExecutable())) {
            stage = "download";
        }
        if (stage != null) {
            timer(stage).record(sent.getTimeTaken(), TimeUnit.MILLISECONDS);
        }
        if (uri.startsWith("http")) {
            Exchange exchange = sent.getExchange();
            Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            if (status != null) {
                answers.computeIfAbsent(status, s -> Counter.builder("avqa.http.responses").tag("status", String.valueOf(s))
                        .description("Answers of the HTTP servers asked, by status").register(registry)).increment();
            }
        }
    }
}
