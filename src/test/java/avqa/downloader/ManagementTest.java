package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management endpoint, over real HTTP: a service's health follows an IP-wide cool-down (DOWN with
 * its reason, UP again after it) and its Prometheus metrics say what the run's own summary says; a plain
 * run opens no port at all.
 */
@Alone // the broker on 127.0.0.1, service runs
class ManagementTest extends LoopbackServerTest {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aServicesHealthIsDownWithTheReasonDuringACoolDownAndItsMetricsMatchTheRunSummary(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("watched", 6);
        server.failAlways("watched5", MediaServer.Fault.NOT_FOUND);
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        int port = freePort();
        // one run now, the next trigger far away; a cool-down of 2 s, doubling
        args.addAll(List.of("--schedule", "--cron", "0 0 2 1 1 ? 2099", "--management-port", String.valueOf(port),
                "--workers", "1", "--cooldown", "2"));
        Path log = tmp.resolve("service.log");
        Path data = tmp.resolve("data");
        server.pace(300_000);
        // DOWN from the first cool-down on (by default only once cool-downs in a row have lasted 30 minutes)
        Process service = Fixture.startJvm(args, Map.of("AVQA_MANAGEMENT_COOL_DOWN_ALERT_AFTER", "0"), log);
        try {
            String base = "http://127.0.0.1:" + port;
            Fixture.await("the health endpoint to answer UP", 60_000, () -> get(base + "/observe/health").statusCode() == 200);
            assertEquals("{\"status\":\"UP\"}", get(base + "/observe/health").body());
            assertEquals(200, get(base + "/observe/health/live").statusCode());
            assertEquals(200, get(base + "/observe/health/ready").statusCode());
            // a monitor probing with HEAD sees the same status, without a body
            HttpResponse<String> head = send(base + "/observe/health", "HEAD");
            assertEquals(200, head.statusCode(), "HEAD: " + head.headers().map());
            assertEquals("", head.body());
            assertEquals(200, send(base + "/observe/health/live", "HEAD").statusCode());
            HttpResponse<String> post = send(base + "/observe/health", "POST");
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("allow").orElse(""), "says what is allowed");
            assertEquals(List.of("127.0.0.1:" + port), listening(service.pid()), "only the endpoint, on the loopback address");

            // the whole IP is rate-limited for a moment: every request gets 429
            Fixture.await("a first video complete", 60_000, () -> ServiceTest.read(log).contains("Complete: "));
            server.failEveryoneFor(MediaServer.Fault.TOO_MANY_REQUESTS, 1500);
            HttpResponse<String>[] down = new HttpResponse[1];
            Fixture.await("the health to go DOWN with the cool-down", 30_000, () -> {
                HttpResponse<String> r = get(base + "/observe/health");
                down[0] = r;
                return r.statusCode() == 503;
            });
            JsonNode health = Fixture.JSON.readTree(down[0].body());
            assertEquals("DOWN", health.get("status").asText());
            String reasons = health.get("checks").toString();
            assertTrue(reasons.contains("\"name\":\"run\"") && reasons.contains("cool-down: every download waits")
                    && reasons.contains("429"), reasons);
            HttpResponse<String> ready = get(base + "/observe/health/ready");
            assertEquals(503, ready.statusCode(), "readiness says it too");
            assertEquals(200, get(base + "/observe/health/live").statusCode(), "alive all the same");
            Fixture.await("the health to be UP again after the cool-down", 30_000,
                    () -> get(base + "/observe/health").statusCode() == 200);

            Fixture.await("the run to end and keep its summary", 90_000, () -> {
                try (Stream<Path> runs = Files.list(data.resolve("runs"))) {
                    return runs.anyMatch(f -> f.toString().endsWith(".json"));
                } catch (IOException notYet) {
                    return false;
                }
            });
            JsonNode summary = runSummary(data);
            HttpResponse<String> scrape = get(base + "/observe/metrics");
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    scrape.headers().toString());
            Map<String, Double> m = samples(scrape.body());
            assertTrue(scrape.body().contains("# TYPE avqa_videos_complete_total counter"), scrape.body());
            assertEquals(5, summary.get("downloaded").asLong(), summary.toString());
            assertEquals(summary.get("downloaded").asDouble(), m.get("avqa_videos_complete_total{how=\"downloaded\"}"));
            assertEquals(summary.get("audio_re_extracted").asDouble(), m.get("avqa_videos_complete_total{how=\"audio\"}"));
            assertEquals(summary.get("imported").asDouble(), m.get("avqa_videos_complete_total{how=\"imported\"}"));
            assertEquals(summary.get("already_complete").asDouble(), m.get("avqa_videos_skipped_total"));
            assertEquals(summary.get("bytes_written").asDouble(), m.get("avqa_bytes_written_total"));
            assertTrue(summary.get("bytes_written").asLong() > 0);
            assertEquals(Map.of("permanent", 1), Fixture.JSON.convertValue(summary.get("failed"), Map.class));
            for (String category : RunMetrics.CATEGORIES) {
                assertEquals(summary.get("failed").path(category).asDouble(0),
                        m.get("avqa_videos_failed_total{category=\"" + category + "\"}"), category);
            }
            // what the run did on the way
            assertTrue(m.get("avqa_cooldowns_started_total") >= 1, "the cool-down was counted");
            assertEquals(0.0, m.get("avqa_cooldown_remaining_seconds"));
            int requests = (int) server.hits().stream().filter(h -> h.id().startsWith("watched")).count();
            assertEquals(requests, (int) (m.get("avqa_http_responses_total{status=\"200\"}")
                    + m.get("avqa_http_responses_total{status=\"404\"}") + m.get("avqa_http_responses_total{status=\"429\"}")),
                    "every answer the server gave is counted by its status: " + ours(scrape.body()));
            assertTrue(m.get("avqa_http_responses_total{status=\"429\"}") >= 1);
            assertEquals(requests, m.get("avqa_download_attempts_total"), 0.0, "one attempt per request");
            assertEquals(requests, m.get("avqa_stage_seconds_count{stage=\"download\"}"), 0.0);
            assertEquals(5.0, m.get("avqa_stage_seconds_count{stage=\"audio\"}"));
            assertEquals(0.0, m.getOrDefault("avqa_stage_seconds_count{stage=\"validation\"}", 0.0),
                    "no ffprobe: the audio pass checked each video from its own report");
            assertTrue(m.get("avqa_stage_seconds_sum{stage=\"download\"}") > 0.5, "a paced download takes time");
            assertEquals(0.0, m.get("avqa_run_active"));
            assertEquals(6.0, m.get("avqa_run_planned_videos"));
            assertEquals(5.0, m.get("avqa_dataset_complete_videos"));
            // every metric the README's table and the Grafana dashboard name is served
            String readme = Files.readString(Path.of("README.md"));
            String table = readme.substring(readme.indexOf("The metrics keep these names"), readme.indexOf("Scraping them"));
            Set<String> named = new HashSet<>(names(table));
            named.addAll(names(Files.readString(Path.of("src/main/grafana/avqa-dashboard.json"))));
            assertTrue(named.size() >= 15, named.toString());
            for (String name : named) {
                if (!name.startsWith("avqa_queue") && !name.startsWith("avqa_cluster")) {
                    assertTrue(Pattern.compile("(?m)^" + name + "[{ ]").matcher(scrape.body()).find(),
                            name + " is served: " + ours(scrape.body()));
                }
            }
            // one start per 1 s / 1000 plus its margin of 1 ms (the local run's --max-requests 1000 --period 1)
            assertEquals(60_000.0 / 2, m.get("avqa_throttle_starts_per_minute"), 1e-6);
        } finally {
            server.pace(0);
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), ServiceTest.read(log));
    }

    /**
     * A reason with quotes and slashes in it (the data directory's path) reads, once a JSON parser has read the
     * health, as the text it is: Camel 4.17's endpoint escaped it twice, and a probe read {@code \/tmp\/… data \"q\"}.
     * (A backslash, which JSON escapes too, cannot be in a data directory's path: {@code CommandLineTest}.)
     * The same in the readiness, in every check's list (exposureLevel=full, data=true), and on the one-line and UP
     * answers as before.
     */
    @Test
    void aReasonWithQuotesAndSlashesIsReadAsItIsFromTheHealthJson(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data \"q\" (x)/y");
        Fixture.annotations(tmp.resolve("meta"), "test", serveClips("quoted", 1));
        List<String> args = Fixture.localArgs(data, tmp.resolve("meta"), server.mediaFileTemplate());
        int port = freePort();
        args.addAll(List.of("--schedule", "--cron", "0 0 2 1 1 ? 2099", "--management-port", String.valueOf(port)));
        Path log = tmp.resolve("service.log");
        // more free space asked for than any disk has: the disk-space check is DOWN, its reason naming the data directory
        Process service = Fixture.startJvm(args, Map.of("AVQA_MANAGEMENT_MIN_FREE_DISK", "1000T"), log);
        try {
            String base = "http://127.0.0.1:" + port;
            try {
                Fixture.await("the health to answer DOWN", 60_000, () -> get(base + "/observe/health").statusCode() == 503);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the service said: " + ServiceTest.read(log), e);
            }
            String said = " MB free on the disk of " + data.toAbsolutePath() + ", less than avqa.management.min-free-disk: "
                    + "free some space";
            for (String path : List.of("/observe/health", "/observe/health/ready", "/observe/health?exposureLevel=full&data=true")) {
                HttpResponse<String> r = get(base + path);
                assertEquals(503, r.statusCode(), path + ": " + r.body());
                JsonNode health = Fixture.JSON.readTree(r.body());
                assertEquals("DOWN", health.get("status").asText(), r.body());
                JsonNode disk = null;
                for (JsonNode check : health.get("checks")) {
                    disk = check.get("name").asText().equals("disk-space") ? check : disk;
                }
                assertTrue(disk != null && disk.get("status").asText().equals("DOWN"), r.body());
                String message = disk.get("message").asText();
                assertTrue(message.endsWith(said) && message.substring(0, message.length() - said.length())
                        .matches("[0-9]+\\.[0-9]"), path + ": the reason as it is, " + message + ", not: " + said);
            }
            HttpResponse<String> oneLine = get(base + "/observe/health?exposureLevel=oneline");
            assertEquals(503, oneLine.statusCode());
            assertEquals("{\"status\":\"DOWN\"}", oneLine.body());
            assertEquals(503, send(base + "/observe/health", "HEAD").statusCode(), "HEAD sees it DOWN too");
            assertEquals(200, get(base + "/observe/health/live").statusCode(), "alive all the same");
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), ServiceTest.read(log));
    }

    @Test
    void aPlainRunOpensNoPort(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("unwatched", 3);
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--workers", "1"));
        Path log = tmp.resolve("run.log");
        server.pace(200_000);
        Process run = Fixture.startJvm(args, Map.of(), log);
        try {
            Fixture.await("the run to be downloading", 60_000, () -> ServiceTest.read(log).contains("Downloading "));
            assertTrue(run.isAlive(), "still running while it is looked at");
            assertEquals(List.of(), listening(run.pid()), "a plain run listens on no port");
            assertTrue(run.waitFor(90, TimeUnit.SECONDS));
            assertEquals(0, run.exitValue(), ServiceTest.read(log));
        } finally {
            server.pace(0);
            run.destroyForcibly();
        }
    }

    /**
     * A service killed outright (kill -9, or the kernel's out-of-memory killer) leaves nothing in the temporary
     * directory: Vert.x, which serves the endpoint, made a cache directory there at each start and removed it only
     * when it was closed, so each killed service left one behind (hundreds on a machine that ran the tests for days).
     */
    @Test
    void aServiceKilledLeavesNothingInTheTemporaryDirectory(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("killed", 2);
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        int port = freePort();
        args.addAll(List.of("--schedule", "--cron", "0 0 2 1 1 ? 2099", "--management-port", String.valueOf(port)));
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Path log = tmp.resolve("service.log");
        Process service = Fixture.startJvm(args, Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + javaTmp), log);
        try {
            String base = "http://127.0.0.1:" + port;
            Fixture.await("the health endpoint to answer", 60_000, () -> get(base + "/observe/health").statusCode() == 200);
            Fixture.await("the run to be over", 60_000, () -> ServiceTest.read(log).contains("Run finished"));
        } finally {
            service.destroyForcibly();
        }
        assertTrue(service.waitFor(30, TimeUnit.SECONDS));
        assertEquals(List.of(), PipelineTest.listNames(javaTmp), "nothing left in java.io.tmpdir");
    }

    /**
     * A --management-port that is taken (a typo, another service on it) is refused in one line, exit 2, before
     * anything is written: it was refused only once the data directory's folders and its .lock were made, and a
     * typo left an empty skeleton of a data directory behind.
     */
    @Test
    void aTakenManagementPortIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            Path data = tmp.resolve("data");
            Fixture.annotations(tmp.resolve("meta"), "test", List.of("typo0"));
            List<String> args = Fixture.localArgs(data, tmp.resolve("meta"), server.mediaFileTemplate());
            args.addAll(List.of("--schedule", "--management-port", String.valueOf(port)));
            String said = "avqa-downloader: --management-port " + port + ": 127.0.0.1:" + port + " is in use; choose "
                    + "another port, or --management-port off";

            Fixture.Outcome refused = Fixture.run(args);
            assertEquals(2, refused.exit(), refused.stderr());
            assertEquals(said, refused.stderr().strip());
            assertTrue(!Files.exists(data), "no data directory made: " + PipelineTest.listNames(data));

            Files.createDirectories(data);
            refused = Fixture.run(args);
            assertEquals(2, refused.exit(), refused.stderr());
            assertEquals(said, refused.stderr().strip());
            assertEquals(List.of(), PipelineTest.listNames(data), "an empty data directory stays empty (no folders, no .lock)");
        }
    }

    /** An address of another machine is said as such, not as a port in use. */
    @Test
    void anAddressOfAnotherMachineIsNotCalledAPortInUse() {
        assertEquals("cannot be listened on: 192.0.2.1 is not an address of this machine",
                ManagementEndpoint.taken("192.0.2.1", 18999));
    }

    static HttpResponse<String> get(String url) {
        return send(url, "GET");
    }

    static HttpResponse<String> send(String url, String method) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                            .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new FailedResponse(url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The one summary the run kept in runs/. */
    static JsonNode runSummary(Path data) throws IOException {
        try (Stream<Path> runs = Files.list(data.resolve("runs"))) {
            List<Path> files = runs.toList();
            assertEquals(1, files.size(), files.toString());
            return Fixture.readJson(files.get(0));
        }
    }

    /** The avqa_ metric names a text mentions (a summary's series by their _count, _sum and _max). */
    static List<String> names(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\bavqa_[a-z_]+[a-z]").matcher(text);
        while (m.find()) {
            String n = m.group();
            out.add(n.equals("avqa_stage_seconds") ? "avqa_stage_seconds_count" : n);
        }
        return out;
    }

    /** Our own lines of a scrape, for messages. */
    static String ours(String text) {
        return String.join("\n", text.lines().filter(l -> l.startsWith("avqa_")).toList());
    }

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][\\w:]*(?:\\{[^}]*\\})?) (\\S+)$");

    /** The samples of a Prometheus text exposition, by name with labels. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new HashMap<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    /**
     * The TCP addresses a process listens on (IPv4 and IPv6, IPv4-mapped shown as IPv4), from its
     * sockets in /proc/PID/fd and the listening entries of /proc/PID/net/tcp and tcp6.
     */
    static List<String> listening(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // gone: not listening
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "net", table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    out.add(address(f[1]));
                }
            }
        }
        return out;
    }

    private static String address(String hex) {
        String[] parts = hex.split(":");
        int port = Integer.parseInt(parts[1], 16);
        String ip = parts[0];
        String v4 = ip.length() == 8 ? ip : ip.startsWith("0000000000000000FFFF0000") ? ip.substring(24) : null;
        if (v4 == null) {
            return "[" + ip + "]:" + port;
        }
        long n = Long.parseLong(v4, 16);
        // /proc shows the address in host byte order (little-endian here)
        return (n & 0xff) + "." + ((n >> 8) & 0xff) + "." + ((n >> 16) & 0xff) + "." + ((n >> 24) & 0xff) + ":" + port;
    }

    /** No answer at all (nothing listens yet, or any more). */
    private record FailedResponse(String url) implements HttpResponse<String> {
        public int statusCode() {
            return -1;
        }

        public HttpRequest request() {
            return HttpRequest.newBuilder(URI.create(url)).build();
        }

        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        public String body() {
            return "";
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        public URI uri() {
            return URI.create(url);
        }

        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
