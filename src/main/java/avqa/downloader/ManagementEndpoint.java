package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.util.Properties;

/**
 * Camel's own management endpoint, for people and Prometheus watching a long run: {@code /observe/health}
 * (with {@code /live} and {@code /ready}; our {@link HealthEndpoint}, of Camel's checks and ours) and
 * {@code /observe/metrics} in Prometheus text format, served by camel-platform-http-main on
 * {@code avqa.management.host} (127.0.0.1 unless the user says otherwise). On in service and worker modes ({@code --schedule}, {@code --role worker}) on port 9876, off for a
 * plain run unless {@code --management-port N} asks; when off, nothing of it is configured or started
 * (this class only decides; {@link ManagementBeans}, which holds the metrics and the health checks, is not
 * even loaded; Camel still loads a few classes of camel-health and Vert.x's type converters, found on the
 * class path). Other {@code camel.management.*} settings (authentication, say) can be given in
 * application.properties and apply when it is on.
 */
final class ManagementEndpoint {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("avqa.management");

    /** The port in service and worker modes: the one Camel's observability services use (camel-main's own is 8080). */
    static final int DEFAULT_PORT = 9876;

    private ManagementEndpoint() {
    }

    /**
     * The port, or -1 when the endpoint is off: {@code auto} is {@link #DEFAULT_PORT} for a service or
     * a worker and off otherwise; {@code off} is off; a number is that port. A check of the data
     * directory or a dry run ({@code check}) is over in seconds: never.
     */
    static int port(Settings settings, boolean serviceOrWorker, boolean check) {
        String v = settings.get("avqa.management.port");
        if (check || v.equals("off") || (v.equals("auto") && !serviceOrWorker)) {
            return -1;
        }
        if (!v.equals("auto")) {
            refuseTaken(settings, false);
            return Integer.parseInt(v);
        }
        String host = settings.get("avqa.management.host");
        String taken = taken(host, DEFAULT_PORT);
        if (taken == null) {
            return DEFAULT_PORT;
        }
        // several workers on one host: the first serves the endpoint, the others say so and go on
        LOG.warn("No management endpoint: {}:{} {} (another worker or service on this host?); give each its own "
                + "--management-port to watch it", host, DEFAULT_PORT, taken);
        return -1;
    }

    /**
     * A port asked for by number ({@code --management-port N}) that cannot be listened on is refused in one line,
     * before anything is written (the launcher asks first: no data directory, lock or log is made for a typo).
     */
    static void refuseTaken(Settings settings, boolean check) {
        String v = settings.get("avqa.management.port");
        if (check || v.equals("off") || v.equals("auto")) {
            return;
        }
        String host = settings.get("avqa.management.host");
        int port = Integer.parseInt(v);
        String taken = taken(host, port);
        if (taken != null) {
            throw new BadInputException("--management-port " + port + ": " + host + ":" + port + " " + taken
                    + "; choose another port, or --management-port off");
        }
    }

    /** Null when this process can listen on host:port, else why not. */
    static String taken(String host, int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(host, port));
            return null;
        } catch (java.net.BindException e) {
            // "Address already in use", or "Cannot assign requested address": an address of another machine
            return String.valueOf(e.getMessage()).contains("assign requested address")
                    ? "cannot be listened on: " + host + " is not an address of this machine" : "is in use";
        } catch (java.io.IOException | IllegalArgumentException | SecurityException e) {
            return "cannot be listened on (" + Shown.of(e) + ")";
        }
    }

    /**
     * The Camel settings of the endpoint: the management server with health and metrics; when it is off
     * ({@code port} -1), health checks off too, so Camel does not set up the checks of camel-health.
     */
    static void configure(Properties camel, Settings settings, int port) {
        if (port <= 0) {
            camel.setProperty("camel.health.enabled", "false");
            return;
        }
        // Vert.x serves the endpoint; by default it makes a cache directory in /tmp for files it would serve from
        // the class path (this endpoint serves none), removed only when Vert.x is closed: a service killed (kill -9,
        // out of memory) left one behind at each start. Read once, as Vert.x's options class loads: set before.
        if (System.getProperty("vertx.disableFileCPResolving") == null) {
            System.setProperty("vertx.disableFileCPResolving", "true");
        }
        camel.setProperty("camel.management.enabled", "true");
        camel.setProperty("camel.management.port", String.valueOf(port));
        camel.setProperty("camel.management.host", settings.get("avqa.management.host"));
        // the health is ours (HealthEndpoint, on the same paths): Camel 4.17's escapes each check's message twice
        camel.setProperty("camel.management.health-check-enabled", "false");
        camel.setProperty("camel.management.metrics-enabled", "true");
        camel.setProperty("camel.health.enabled", "true");
        camel.setProperty("camel.metrics.enabled", "true");
        camel.setProperty("camel.metrics.path", "/observe/metrics");
        // a timer per endpoint URI adds nothing the route timers and ours do not say
        camel.setProperty("camel.metrics.enable-exchange-event-notifier", "false");
        camel.setProperty("camel.metrics.binders", "jvm-memory,jvm-gc,jvm-thread,processor,uptime");
    }
}
