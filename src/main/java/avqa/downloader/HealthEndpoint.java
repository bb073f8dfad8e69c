package avqa.downloader;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * {@code /observe/health}, {@code /observe/health/live} and {@code /observe/health/ready} on the management port, in
 * place of Camel 4.17's own (turned off: {@link ManagementEndpoint}), which escapes each check's message twice, so that a
 * JSON parser read {@code a \"quoted\" C:\\dir} for {@code a "quoted" C:\dir}: here each text is escaped once, by the
 * JSON writer. All else as Camel's: the same paths, the same JSON ({@code status}, and {@code checks} with each check's
 * {@code name}, {@code status}, {@code message}, and {@code data}, {@code error-message}, {@code error-stacktrace} when
 * asked), 200 when UP, 503 when DOWN, and the same parameters ({@code exposureLevel} oneline, default or full;
 * {@code data=true}; {@code stackTrace=true}).
 */
final class HealthEndpoint implements Handler<RoutingContext> {

    static final String PATH = "/observe/health";

    private enum Checks { ALL, LIVE, READY }

    private final CamelContext camel;
    private final Checks checks;

    private HealthEndpoint(CamelContext camel, Checks checks) {
        this.camel = camel;
        this.checks = checks;
    }

    /** Serves the health on the management port's router (once the context has started it; none: nothing to do). */
    static void install(CamelContext camel) {
        ManagementHttpServer server = camel.hasService(ManagementHttpServer.class);
        if (server == null || server.getRouter() == null) {
            return;
        }
        Router router = server.getRouter();
        for (Checks c : Checks.values()) {
            String path = c == Checks.ALL ? PATH : PATH + (c == Checks.LIVE ? "/live" : "/ready");
            // HEAD too: a monitor that probes with it sees the same status
            router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD).produces("application/json")
                    .blockingHandler(new HealthEndpoint(camel, c));
            // other methods: 405 saying which are allowed (Vert.x's own 405 here had an empty Allow)
            router.route(path).handler(ctx -> {
                if (ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD) {
                    ctx.next();
                } else {
                    ctx.response().setStatusCode(405).putHeader("allow", "GET, HEAD").end();
                }
            });
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        String level = ctx.request().getParam("exposureLevel");
        if (level == null) {
            level = HealthCheckRegistry.get(camel).getExposureLevel();
        }
        Collection<HealthCheck.Result> results = switch (checks) {
            case ALL -> HealthCheckHelper.invoke(camel, level);
            case LIVE -> HealthCheckHelper.invokeLiveness(camel, level);
            case READY -> HealthCheckHelper.invokeReadiness(camel, level);
        };
        boolean up = HealthCheckHelper.isResultsUp(results, checks == Checks.READY);
        JsonObject root = new JsonObject();
        root.put("status", up ? "UP" : "DOWN");
        if (!"oneline".equals(level)) {
            List<HealthCheck.Result> shown = "full".equals(level) ? List.copyOf(results)
                    : results.stream().filter(r -> r.getState() == HealthCheck.State.DOWN).toList();
            if (!shown.isEmpty()) {
                JsonArray list = new JsonArray();
                for (HealthCheck.Result r : shown) {
                    list.add(check(r, "full".equals(level), "true".equals(ctx.request().getParam("stackTrace")),
                            "true".equals(ctx.request().getParam("data"))));
                }
                root.put("checks", list);
            }
        }
        ctx.response().putHeader("content-type", "application/json");
        if (!up) {
            ctx.response().setStatusCode(503);
        }
        String body = root.toJson();
        if (ctx.request().method() == HttpMethod.HEAD) {
            // the headers a GET would have, no body
            ctx.response().putHeader("content-length",
                    String.valueOf(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
            ctx.end();
        } else {
            ctx.end(body);
        }
    }

    /** One check: its texts as they are (the JSON writer escapes them, once). */
    private static JsonObject check(HealthCheck.Result r, boolean full, boolean stackTrace, boolean data) {
        JsonObject o = new JsonObject();
        o.put("name", r.getCheck().getId());
        o.put("status", r.getState().name());
        if ((full || stackTrace) && r.getError().isPresent()) {
            Throwable e = r.getError().get();
            StringBuilder messages = new StringBuilder(String.valueOf(e.getMessage()));
            int depth = 0;
            for (Throwable c = e.getCause(); c != null && c != c.getCause() && depth++ < 10; c = c.getCause()) {
                messages.append("; Caused by: ").append(c.getClass().getName()).append(": ").append(c.getMessage());
            }
            o.put("error-message", messages.toString());
            if (stackTrace) {
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                o.put("error-stacktrace", trace.toString());
            }
        }
        r.getMessage().ifPresent(m -> o.put("message", m));
        if (data && r.getDetails() != null && !r.getDetails().isEmpty()) {
            JsonObject details = new JsonObject();
            for (Map.Entry<String, Object> d : new TreeMap<>(r.getDetails()).entrySet()) {
                details.put(d.getKey(), d.getValue() == null ? "" : d.getValue());
            }
            o.put("data", details);
        }
        return o;
    }
}
