package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failures the README lists, each provoked for real in a process of its own, say what happened in
 * one line of our words: no Java class name, no Camel exchange id, no stack trace (unless --debug),
 * on the console and in the log.
 */
class ReadableErrorsTest {

    /** A Java class named in full (java.io.IOException, org.apache.camel.CamelExchangeException, ...). */
    static final Pattern CLASS_NAME = Pattern.compile("\\b(?:java|javax|jakarta|sun|org|com|io|avqa)\\.(?:[a-z_]\\w*\\.)*[A-Z]\\w*");
    /** A stack frame. */
    static final Pattern FRAME = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(|\\bat [\\w$]+(?:\\.[\\w$]+)+\\([\\w]+\\.java:\\d+\\)");
    /** Camel's exchange ids (1E68B0F2A4D5C33-0000000000000001) and the words around them. */
    static final Pattern EXCHANGE = Pattern.compile("Exchange\\[|ExchangeId|MessageId|[0-9A-F]{15}-[0-9A-F]{16}");

    static void assertReadable(String what, String output) {
        assertFalse(output.isBlank(), what + ": something was said");
        assertFalse(CLASS_NAME.matcher(output).find(), what + ": a Java class name in\n" + output);
        assertFalse(FRAME.matcher(output).find(), what + ": a stack trace in\n" + output);
        assertFalse(EXCHANGE.matcher(output).find(), what + ": an exchange id in\n" + output);
        for (String bad : List.of("Exception", "Caused by", "Multicast processing failed", "Failed delivery")) {
            assertFalse(output.contains(bad), what + ": '" + bad + "' in\n" + output);
        }
        for (String line : output.lines().toList()) {
            assertTrue(line.matches("^(\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d\\S* (INFO|WARN|ERROR) .*|avqa-downloader: .*)$"),
                    what + ": every message is one line of its own, and this is not one: '" + line + "' in\n" + output);
        }
    }

    /** The console output of the process and its log file, each held to the rule. */
    static void assertReadable(String what, Path console, Path dataDir) throws IOException {
        assertReadable(what + " (console)", ServiceTest.read(console));
        Path log = dataDir.resolve("avqa_download.log");
        assertTrue(Files.isRegularFile(log), what + ": a log was written");
        assertReadable(what + " (log)", Files.readString(log));
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static List<String> args(Path tmp, List<String> ids, String sourceTemplate) throws IOException {
        Fixture.annotations(tmp.resolve("meta"), "test", ids);
        List<String> args = Fixture.localArgs(tmp.resolve("data"), tmp.resolve("meta"), sourceTemplate);
        args.addAll(List.of("--retry-attempts", "2", "--backoff", "0.1"));
        return args;
    }

    static int runToEnd(List<String> args, Map<String, String> env, Path console) throws Exception {
        Process p = Fixture.startJvm(args, env, console);
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run ended");
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * An annotation file in a {@code file:} folder that is a named pipe, a link to {@code /dev/zero} or larger than
     * {@code avqa.metadata.max-size} is one line in our words (exit 2) and never copied, as over http(s): the pipe
     * held the run for ever (a SIGTERM could not end it), the device filled the disk, the size was not checked.
     * A folder or a link to nothing in its place is said as such (it was "no such file").
     */
    @Test
    void annotationsThatAreAPipeADeviceOrTooLargeAreOneLineAndNeverCopied(@TempDir Path tmp) throws Exception {
        Map<String, String> said = Map.of(
                "pipe", "it is not a file but a pipe, device or socket, which is not read",
                "device", "it is not a file but a link to a pipe, device or socket, which is not read",
                "large", "it is larger than avqa.metadata.max-size (1.0 KiB)",
                "folder", "it is not a file but a folder, which is not read",
                "dangling", "it is not a file but a link to nothing, which is not read");
        for (Map.Entry<String, String> c : said.entrySet()) {
            Path meta = tmp.resolve(c.getKey() + "/meta");
            Path data = tmp.resolve(c.getKey() + "/data");
            Files.createDirectories(meta);
            Path file = meta.resolve("avqa-test.json");
            switch (c.getKey()) {
                case "pipe" -> assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).start().waitFor());
                case "device" -> Files.createSymbolicLink(file, Path.of("/dev/zero"));
                case "folder" -> Files.createDirectories(file.resolve("inside"));
                case "dangling" -> Files.createSymbolicLink(file, meta.resolve("gone.json"));
                default -> Fixture.annotations(meta, "test", List.of("aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc", "ddddddddddd",
                        "eeeeeeeeeee", "fffffffffff"));
            }
            Fixture.Outcome o = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> Fixture.run(Fixture.localArgs(data, meta, "http://127.0.0.1:9/v/{id}.mp4"),
                            Map.of("AVQA_METADATA_MAX_SIZE", "1K")), c.getKey());
            assertEquals(2, o.exit(), c.getKey() + ": " + o.stderr());
            assertTrue(o.stderr().contains("cannot fetch avqa-test.json from file:" + meta + ": " + c.getValue()),
                    c.getKey() + ": " + o.stderr());
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("metadata")), c.getKey() + ": nothing copied");
        }
    }

    @Test
    void badAnnotationsAreOneLineNamingTheFileAndTheLine(@TempDir Path tmp) throws Exception {
        List<String> args = args(tmp, List.of("aaaaaaaaaaa", "bbbbbbbbbbb"), "http://127.0.0.1:9/v/{id}.mp4");
        Path file = tmp.resolve("meta/avqa-test.json");
        String pretty = Fixture.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Fixture.readJson(file));
        Files.writeString(file, pretty.substring(0, pretty.length() / 2));
        Path console = tmp.resolve("console.txt");

        assertEquals(2, runToEnd(args, Map.of(), console));

        assertTrue(ServiceTest.read(console).contains("avqa-downloader: avqa-test.json at line "), ServiceTest.read(console));
        assertReadable("bad annotations", console, tmp.resolve("data"));
    }

    /**
     * An annotation host that misbehaves (redirects to itself, closes without an answer, sends less than its
     * length): one line in our words each, not the HTTP client's ("Maximum redirects (50) exceeded", "The
     * target server failed to respond", "Premature end of Content-Length delimited message body").
     */
    @Test
    void aMisbehavingAnnotationHostIsOneLineInOurWords(@TempDir Path tmp) throws Exception {
        Map<String, String> answers = Map.of(
                "/loop", "HTTP/1.1 302 Found\r\nLocation: /loop/avqa-test.json\r\nContent-Length: 0\r\n\r\n",
                "/silent", "",
                "/short", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5170\r\n\r\n{\"a\": 1}");
        Map<String, String> said = Map.of("/loop", "the host redirects without end",
                "/silent", "the host closed the connection without an answer",
                "/short", "the answer was cut short: it announced 5170 bytes and sent 8");
        try (RawHost host = new RawHost(path -> RawHost.text(answers.getOrDefault(
                path.replaceAll("/avqa-test\\.json$", ""), "")))) {
            for (Map.Entry<String, String> c : said.entrySet()) {
                Path dir = tmp.resolve(c.getKey().substring(1));
                List<String> args = args(dir, List.of("aaaaaaaaaaa"), "http://127.0.0.1:9/v/{id}.mp4");
                args.addAll(List.of("--metadata-url", host.baseUrl() + c.getKey()));

                Fixture.Outcome o = Fixture.run(args);

                assertEquals(2, o.exit(), c.getKey() + ": " + o.stderr());
                assertTrue(o.stderr().contains("cannot fetch avqa-test.json from " + host.baseUrl() + c.getKey() + ": "
                        + c.getValue()), c.getKey() + ": " + o.stderr());
                assertReadable(c.getKey(), o.stderr());
            }
        }
    }

    @Test
    void anUnreachableHostIsOneLineForTheAnnotationsAndForEachVideo(@TempDir Path tmp) throws Exception {
        int port = closedPort();
        List<String> args = args(tmp, List.of("aaaaaaaaaaa"), "http://127.0.0.1:" + port + "/v/{id}.mp4");
        args.addAll(List.of("--metadata-url", "http://127.0.0.1:" + port + "/json"));
        Path console = tmp.resolve("annotations.txt");
        assertEquals(2, runToEnd(args, Map.of(), console));
        assertTrue(ServiceTest.read(console).contains("cannot fetch avqa-test.json from http://127.0.0.1:" + port
                + "/json: the connection to 127.0.0.1:" + port + " was refused (nothing listens there)"), ServiceTest.read(console));
        assertReadable("annotation host unreachable", console, tmp.resolve("data"));

        Path videos = tmp.resolve("videos");
        Files.createDirectories(videos);
        List<String> videoArgs = args(videos, List.of("aaaaaaaaaaa", "bbbbbbbbbbb"), "http://127.0.0.1:" + port + "/v/{id}.mp4");
        Path videoConsole = videos.resolve("console.txt");
        assertEquals(1, runToEnd(videoArgs, Map.of(), videoConsole));
        assertTrue(ServiceTest.read(videoConsole).contains("Failed: aaaaaaaaaaa [transient] network failure"),
                ServiceTest.read(videoConsole));
        assertReadable("video host unreachable", videoConsole, videos.resolve("data"));
        // the system's reason in our words, not HttpClient's ("Connect to http://127.0.0.1:9 [/127.0.0.1] failed: …")
        assertEquals("the connection to 127.0.0.1:" + port + " was refused (nothing listens there)", Fixture.readJson(
                videos.resolve("data/failed/aaaaaaaaaaa.json")).get("last_error").asText());
        assertReadable("the failure record", Files.readString(videos.resolve("data/failed/aaaaaaaaaaa.json"))
                .lines().filter(l -> l.contains("reason") || l.contains("last_error"))
                .map(l -> "avqa-downloader: " + l.strip()).reduce("", (a, b) -> a + b + "\n"));
    }

    /**
     * A host that takes no connection (its queue of connections full: the system drops the request, as a host behind a
     * firewall that drops it does) is said so, for the annotations and for each video, in our words; not as data that
     * stopped coming, and not in HttpClient's ("Connect to http://… failed: Connect timed out").
     */
    @Test
    void aHostThatTakesNoConnectionIsSaidSo(@TempDir Path tmp) throws Exception {
        try (HostTakingNoConnection host = new HostTakingNoConnection()) {
            int port = host.port();
            Map<String, String> soon = Map.of("AVQA_DOWNLOAD_TIMEOUT", "2");
            List<String> args = args(tmp, List.of("aaaaaaaaaaa"), "http://127.0.0.1:" + port + "/v/{id}.mp4");
            args.addAll(List.of("--metadata-url", "http://127.0.0.1:" + port + "/json"));
            Path console = tmp.resolve("annotations.txt");
            assertEquals(2, runToEnd(args, soon, console));
            assertTrue(ServiceTest.read(console).contains("cannot fetch avqa-test.json from http://127.0.0.1:" + port
                    + "/json: the connection to 127.0.0.1:" + port + " was not made in time (no answer)"), ServiceTest.read(console));

            Path videos = tmp.resolve("videos");
            Files.createDirectories(videos);
            Path videoConsole = videos.resolve("console.txt");
            assertEquals(1, runToEnd(args(videos, List.of("aaaaaaaaaaa"), "http://127.0.0.1:" + port + "/v/{id}.mp4"),
                    soon, videoConsole));
            var record = Fixture.readJson(videos.resolve("data/failed/aaaaaaaaaaa.json"));
            assertEquals("network failure while downloading", record.get("reason").asText(), record.toString());
            assertEquals("the connection to 127.0.0.1:" + port + " was not made in time (no answer)",
                    record.get("last_error").asText());
            assertReadable("a host that takes no connection", videoConsole, videos.resolve("data"));
        }
    }

    /**
     * A host name none of whose addresses takes a connection: each address has the connection's own time (a second
     * less than the answer's deadline), so two of them outlast the deadline, which then ends the request; it is said
     * as a connection not made, naming the host, not as a host that did not send the head of its answer.
     */
    @Test
    void aHostNameWhoseAddressesTakeNoConnectionIsSaidSo(@TempDir Path tmp) throws Exception {
        try (HostTakingNoConnection first = new HostTakingNoConnection();
             HostTakingNoConnection second = new HostTakingNoConnection(java.net.InetAddress.getByName("127.0.0.2"), first.port())) {
            int port = first.port();
            Path hosts = tmp.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 twohomes.test\n127.0.0.2 twohomes.test\n");
            Map<String, String> env = Map.of("AVQA_DOWNLOAD_TIMEOUT", "3", "JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hosts);
            Path console = tmp.resolve("console.txt");
            assertEquals(1, runToEnd(args(tmp, List.of("aaaaaaaaaaa"), "http://twohomes.test:" + port + "/v/{id}.mp4"), env,
                    console));
            var record = Fixture.readJson(tmp.resolve("data/failed/aaaaaaaaaaa.json"));
            assertEquals("network failure while downloading", record.get("reason").asText(), record.toString());
            assertEquals("the connection to twohomes.test:" + port + " was not made within 3 s", record.get("last_error").asText());
        }
    }

    /**
     * A host name with three addresses, each taking the connection and never ending its TLS handshake: the first is
     * given up after the connection's own time (a second less than the answer's deadline), and the deadline ends the
     * request during the second's; it is said as the secure connection not made (not as a connection not made, nor at
     * the third address's own time), and the third address is not tried once the deadline has ended the request
     * (HttpClient would go on to it for the connection's whole time).
     */
    @Test
    void aHostNameWhoseAddressesNeverEndTheirHandshakeIsSaidSoAndTheDeadlineEndsIt(@TempDir Path tmp) throws Exception {
        try (HostileServerTest.SilentHost first = new HostileServerTest.SilentHost();
             HostileServerTest.SilentHost second = new HostileServerTest.SilentHost(
                     java.net.InetAddress.getByName("127.0.0.2"), first.socket.getLocalPort());
             HostileServerTest.SilentHost third = new HostileServerTest.SilentHost(
                     java.net.InetAddress.getByName("127.0.0.3"), first.socket.getLocalPort())) {
            int port = first.socket.getLocalPort();
            Path hosts = tmp.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 threehomes.test\n127.0.0.2 threehomes.test\n127.0.0.3 threehomes.test\n");
            Map<String, String> env = Map.of("AVQA_DOWNLOAD_TIMEOUT", "3", "JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hosts);
            Path console = tmp.resolve("console.txt");
            assertEquals(1, runToEnd(args(tmp, List.of("aaaaaaaaaaa"), "https://threehomes.test:" + port + "/v/{id}.mp4"),
                    env, console));
            var record = Fixture.readJson(tmp.resolve("data/failed/aaaaaaaaaaa.json"));
            assertEquals("the secure connection to threehomes.test:" + port + " was not made within 3 s (its TLS handshake "
                    + "did not finish)", record.get("last_error").asText(), record.toString());
            assertTrue(first.connections.get() > 0, "the first address tried");
            assertEquals(0, third.connections.get(), "the third address not tried after the deadline");

            // a stop during the first address's handshake (the default deadline, 30 s) ends the request at once
            int firstBefore = first.connections.get();
            int secondBefore = second.connections.get();
            Path stopped = tmp.resolve("stopped.txt");
            Process run = Fixture.startJvm(args(tmp.resolve("stop"), List.of("aaaaaaaaaaa"), "https://threehomes.test:"
                    + port + "/v/{id}.mp4"), Map.of("JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hosts), stopped);
            try {
                Fixture.await("the first address reached", 30_000, () -> first.connections.get() > firstBefore);
                long stopAt = System.nanoTime();
                run.destroy();
                assertTrue(run.waitFor(20, TimeUnit.SECONDS), "stopped");
                long took = (System.nanoTime() - stopAt) / 1_000_000;
                assertTrue(took < 10_000, "at once, not after the next address's 29 s: " + took + " ms");
                assertEquals(secondBefore, second.connections.get(), "no further address tried after the stop");
            } finally {
                run.destroyForcibly();
            }
        }
    }

    @Test
    void aScheduledRunThatFailsIsOneLineAndTheServiceGoesOn(@TempDir Path tmp) throws Exception {
        int port = closedPort();
        List<String> args = args(tmp, List.of("aaaaaaaaaaa"), "http://127.0.0.1:9/v/{id}.mp4");
        args.addAll(List.of("--metadata-url", "http://127.0.0.1:" + port + "/json", "--schedule", "--cron", "*/2 * * * * ?"));
        Path console = tmp.resolve("console.txt");
        Process service = Fixture.startJvm(args, Map.of(), console);
        try {
            Fixture.await("two scheduled runs to fail", 60_000,
                    () -> ServiceTest.count(ServiceTest.read(console), "The scheduled run failed") >= 2);
            assertTrue(service.isAlive(), "the service goes on");
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS));
        }
        assertEquals(0, service.exitValue());
        assertTrue(ServiceTest.read(console).contains("The scheduled run failed: cannot fetch avqa-test.json from http://127.0.0.1:"
                + port + "/json: the connection to 127.0.0.1:" + port + " was refused"), ServiceTest.read(console));
        assertReadable("a scheduled run that fails", console, tmp.resolve("data"));
    }

    @Test
    void aBrokenRouteEditIsOneWarningNamingTheFileAndTheLineAndTheRoutesKeepRunning(@TempDir Path tmp) throws Exception {
        Path routes = copyOfRoutes(tmp);
        List<String> args = args(tmp, List.of("aaaaaaaaaaa"), "http://127.0.0.1:9/v/{id}.mp4");
        args.addAll(List.of("--schedule", "--cron", "0 0 2 1 1 ? 2099", "--management-port", "off"));
        Path console = tmp.resolve("console.txt");
        Process service = Fixture.startJvm(args, Map.of("AVQA_ROUTES_DIR", routes.toString()), console);
        try {
            Fixture.await("the first run to end", 60_000, () -> ServiceTest.read(console).contains("Run finished"));
            Path pace = routes.resolve("06-pace-requests.yaml");
            String yaml = Files.readString(pace);
            int line = lineOf(yaml, "- route:");
            Files.writeString(pace, yaml.replace("- route:", "- route: [unclosed"));
            // (the write truncates the file first: a watcher may see it empty for a moment, and say so)
            Fixture.await("the broken edit to be reported", 30_000,
                    () -> ServiceTest.read(console).contains(pace + ", line " + line + ": "));
            String warning = ServiceTest.read(console).lines().filter(l -> l.contains(pace + ", line ")).findFirst()
                    .orElseThrow();
            assertTrue(warning.contains(" WARN ") && warning.contains(pace.toString() + ", line " + line + ": ")
                    && warning.contains("the routes loaded before keep running"), warning);

            // a field the DSL does not know, in a file that parses
            int throttleLine = lineOf(yaml, "id: throttle");
            // at the throttle's own indentation
            String indent = yaml.lines().filter(l -> l.strip().equals("id: throttle")).findFirst().orElseThrow()
                    .replace("id: throttle", "");
            Files.writeString(pace, yaml.replace("id: throttle", "id: throttle\n" + indent + "timePeriodMilis: 5"));
            Fixture.await("the second broken edit to be reported, at the line of the unknown field", 30_000,
                    () -> ServiceTest.read(console).contains(pace + ", line " + (throttleLine + 1) + ": "));
            assertTrue(service.isAlive());
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS));
        }
        assertEquals(0, service.exitValue());
        assertReadable("a broken route edit", console, tmp.resolve("data"));
    }

    @Test
    void aRouteFileThatCannotBeLoadedAtStartIsOneLineAndDebugShowsTheStackTrace(@TempDir Path tmp) throws Exception {
        Path routes = copyOfRoutes(tmp);
        Path pace = routes.resolve("06-pace-requests.yaml");
        String yaml = Files.readString(pace);
        Files.writeString(pace, yaml.replace("- route:", "- route: [unclosed"));
        List<String> args = args(tmp, List.of("aaaaaaaaaaa"), "http://127.0.0.1:9/v/{id}.mp4");
        Path console = tmp.resolve("console.txt");
        assertEquals(1, runToEnd(args, Map.of("AVQA_ROUTES_DIR", routes.toString()), console));
        assertTrue(ServiceTest.read(console).contains("avqa-downloader: run stopped: " + pace + ", line "
                + lineOf(yaml, "- route:") + ": "), ServiceTest.read(console));
        assertReadable("a broken route file at start", console, tmp.resolve("data"));

        // valid YAML naming a bean nobody made: Camel cannot make the route
        Files.writeString(pace, yaml.replace("ref: coolDown", "ref: noSuchBean"));
        Path other = tmp.resolve("no-bean.txt");
        Files.delete(tmp.resolve("data/avqa_download.log"));
        assertEquals(1, runToEnd(args, Map.of("AVQA_ROUTES_DIR", routes.toString()), other));
        assertTrue(ServiceTest.read(other).contains("avqa-downloader: run stopped: the route pace-requests cannot be made "
                + "from its file: No bean could be found in the registry for: noSuchBean; fix the file and start again"),
                ServiceTest.read(other));
        assertReadable("a route that cannot be made at start", other, tmp.resolve("data"));

        // a method the bean lacks: a slip, or routes newer than the jar - the line says how to rebuild it
        Files.writeString(pace, yaml.replace("method: await", "method: awaitNewer"));
        Path stale = tmp.resolve("no-method.txt");
        Files.delete(tmp.resolve("data/avqa_download.log"));
        assertEquals(1, runToEnd(args, Map.of("AVQA_ROUTES_DIR", routes.toString()), stale));
        assertTrue(ServiceTest.read(stale).contains("avqa-downloader: run stopped: the route pace-requests cannot be made "
                + "from its file: the method awaitNewer is not one of its bean (CoolDown)'s: a slip in the file, or a jar "
                + "older than the route files (rebuild it: mvn -B package -DskipTests;"), ServiceTest.read(stale));
        assertReadable("a route naming a method its bean lacks", stale, tmp.resolve("data"));

        // a class the routes name that the jar lacks (an exception a doCatch takes): the same two ways, the same words
        Files.writeString(pace, yaml);
        Path download = routes.resolve("07-download-video.yaml");
        String downloadYaml = Files.readString(download);
        Files.writeString(download, downloadYaml.replace("avqa.downloader.GenericPages$FoundNothing", "avqa.downloader.NewerThanTheJar"));
        Path noClass = tmp.resolve("no-class.txt");
        Files.delete(tmp.resolve("data/avqa_download.log"));
        assertEquals(1, runToEnd(args, Map.of("AVQA_ROUTES_DIR", routes.toString()), noClass));
        assertTrue(ServiceTest.read(noClass).contains("cannot be made from its file: the class NewerThanTheJar "
                + "it names does not exist: a slip in the file, or a jar older than the route files"), ServiceTest.read(noClass));
        assertReadable("a route naming a class the jar lacks", noClass, tmp.resolve("data"));
        Files.writeString(download, downloadYaml);
        Files.writeString(pace, yaml.replace("method: await", "method: awaitNewer"));

        // with --debug, the stack trace is there for a bug report
        List<String> debug = new ArrayList<>(args);
        debug.add("--debug");
        Path traced = tmp.resolve("debug.txt");
        assertEquals(1, runToEnd(debug, Map.of("AVQA_ROUTES_DIR", routes.toString()), traced));
        assertTrue(FRAME.matcher(Files.readString(tmp.resolve("data/avqa_download.log"))).find(), "a stack trace with --debug");
    }

    /**
     * A worker that runs out of memory (here a route edit that asks for a string of half a gigabyte, in a
     * heap of 128 MB) ends the run at once in one line, exit 1, instead of losing its video without a word
     * and waiting for it for ever; nothing complete is lost, and a rerun completes.
     */
    @Test
    void aWorkerOutOfMemoryEndsTheRunInOneLineAndARerunCompletes(@TempDir Path tmp) throws Exception {
        List<String> ids = List.of("aaaaaaaaaaa", "bbbbbbbbbbb");
        List<String> args = args(tmp, ids, "http://127.0.0.1:9/v/{id}.mp4");
        Path videos = tmp.resolve("data/videos");
        Files.createDirectories(videos);
        for (String id : ids) {
            Files.copy(Fixture.clip("oom", 3, true), videos.resolve(id + ".mp4"));
        }
        Path routes = copyOfRoutes(tmp);
        Path audio = routes.resolve("09-extract-audio.yaml");
        String yaml = Files.readString(audio);
        String step = "        - removeHeaders:\n";
        assertTrue(yaml.contains(step));
        Files.writeString(audio, yaml.replace(step, "        - setVariable:\n            name: hog\n"
                + "            simple: \"${variable.job.id().repeat(50000000)}\"\n" + step));
        Path console = tmp.resolve("console.txt");

        assertEquals(1, runToEnd(args, Map.of("AVQA_ROUTES_DIR", routes.toString(), "JAVA_TOOL_OPTIONS", "-Xmx128m"), console));

        String said = ServiceTest.read(console).lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertTrue(said.contains("avqa-downloader: the run ran out of memory (Java heap space); what was complete is kept: "
                + "run again to resume"), said);
        assertReadable("out of memory (console)", said);
        assertReadable("out of memory (log)", Files.readString(tmp.resolve("data/avqa_download.log")));
        for (String id : ids) {
            assertTrue(Files.isRegularFile(videos.resolve(id + ".mp4")), id + " kept");
            assertFalse(Files.exists(tmp.resolve("data/failed/" + id + ".json")), id + " is not the video's failure");
        }

        Path again = tmp.resolve("again.txt");
        assertEquals(0, runToEnd(args, Map.of(), again), ServiceTest.read(again));
        for (String id : ids) {
            assertTrue(MediaValidator.wavSeconds(tmp.resolve("data/audio/" + id + ".wav")) > 2.5, id);
        }

        // the same on the main thread (planning), and in a timer's route (a service's progress snapshot, whose own
        // error handler would log it and go on): each the one line, once, and exit 1
        Files.writeString(audio, yaml);
        String hog = "        - setVariable:\n            name: hog\n            simple: \"${camelContext.name.repeat(100000000)}\"\n";
        Path plan = routes.resolve("02-plan-videos.yaml");
        String planYaml = Files.readString(plan);
        Files.writeString(plan, planYaml.replaceFirst("      steps:\n", "      steps:\n" + hog.replace("$", "\\$")));
        Path planned = tmp.resolve("planned.txt");
        assertEquals(1, runToEnd(args, Map.of("AVQA_ROUTES_DIR", routes.toString(), "JAVA_TOOL_OPTIONS", "-Xmx128m"), planned));
        Files.writeString(plan, planYaml);
        Path status = routes.resolve("30-status.yaml");
        String statusYaml = Files.readString(status);
        String snapshot = "uri: \"timer:progress-snapshot?period={{avqa.progress.snapshot-interval-millis}}&delay={{avqa.progress.snapshot-interval-millis}}\"\n      steps:\n";
        assertTrue(statusYaml.contains(snapshot));
        Files.writeString(status, statusYaml.replace(snapshot, snapshot + hog));
        List<String> service = new ArrayList<>(args);
        service.addAll(List.of("--schedule", "--no-initial-run", "--cron", "0 0 0 1 1 ? 2099", "--management-port", "off"));
        Path timed = tmp.resolve("timed.txt");
        assertEquals(1, runToEnd(service, Map.of("AVQA_ROUTES_DIR", routes.toString(), "JAVA_TOOL_OPTIONS", "-Xmx128m",
                "AVQA_PROGRESS_SNAPSHOT_INTERVAL", "0.5"), timed));
        for (Path console2 : List.of(planned, timed)) {
            List<String> lines = ServiceTest.read(console2).lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList();
            assertEquals(1, lines.stream().filter(l -> l.startsWith("avqa-downloader: the run ran out of memory (Java heap space)")).count(),
                    console2 + ": " + lines);
            assertReadable("out of memory: " + console2.getFileName(), String.join("\n", lines));
        }
    }

    static Path copyOfRoutes(Path tmp) throws IOException {
        Path routes = tmp.resolve("routes");
        Files.createDirectories(routes);
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        return routes;
    }

    /** The 1-based line of the first occurrence of {@code text}. */
    static int lineOf(String yaml, String text) {
        return (int) yaml.substring(0, yaml.indexOf(text)).chars().filter(c -> c == '\n').count() + 1;
    }
}
