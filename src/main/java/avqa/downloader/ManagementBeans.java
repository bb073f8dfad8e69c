package avqa.downloader;

import avqa.downloader.cluster.ClusterRecord;
import avqa.downloader.cluster.QueueDepth;
import avqa.downloader.settings.Settings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.main.Main;

/**
 * What the management endpoint ({@link ManagementEndpoint}) serves: the Prometheus registry that
 * camel-micrometer-prometheus exposes at {@code /observe/metrics}, with our meters ({@link RunMetrics},
 * {@link StageTimers}) in it, our health checks ({@link HealthChecks}) and the endpoint that serves them
 * ({@link HealthEndpoint}). Made only when the endpoint is on.
 */
final class ManagementBeans {

    private ManagementBeans() {
    }

    /**
     * The registry the metrics go to (camel-micrometer-prometheus serves it), our meters, the stage
     * timers and the health checks.
     */
    static void bind(Main main, Settings settings, Wiring.Parts parts, RunCounters counters, CoolDown coolDown,
                     ProgressBook progress, ClusterRecord workerRecord) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // the name camel-micrometer looks the registry up by
        main.bind("metricsRegistry", registry);
        RunMetrics.register(registry, counters, coolDown, progress,
                avqa.downloader.settings.CamelProperties.throttleGapMillis(settings), main::getCamelContext);
        if (workerRecord != null) {
            RunMetrics.registerWorker(registry, new QueueDepth(parts.cluster(), settings.get("avqa.broker.queue")),
                    workerRecord);
        }
        main.bind("stageTimers", new StageTimers(registry, settings.get("avqa.tools.yt-dlp")));
        for (HealthChecks.Check check : HealthChecks.of(settings, parts.workspace(), parts.lock(), coolDown, parts.run(), counters,
                parts.cluster(), main::getCamelContext)) {
            main.bind("health-" + check.getId(), check);
        }
        // served once the context has started the management port: the health, each reason escaped once
        main.bind("healthEndpoint", new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public boolean isEnabled(org.apache.camel.spi.CamelEvent event) {
                return event instanceof org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
            }

            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                HealthEndpoint.install(((org.apache.camel.spi.CamelEvent.CamelContextStartedEvent) event).getContext());
            }
        });
    }
}
