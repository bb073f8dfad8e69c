package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A hostile server on 127.0.0.1: a body trickled a byte a second, one that never ends, a gzip bomb (sent
 * though not asked for; it is inflated by Camel, and stopped at the size cap), a
 * slow error page, redirects to ftp:// and in a loop, a refused connection, a file cut short behind an
 * honest length. Each run ends in bounded time with the documented category, and nothing partial or
 * foreign is under videos/ or audio/.
 */
@Alone // speed floors and timeouts of a few seconds
class HostileServerTest extends LoopbackServerTest {

    /** Runs one video against the fault, with a 6 s download deadline and a 1 MiB size cap; returns its failure record. */
    static com.fasterxml.jackson.databind.JsonNode runAgainst(Path tmp, String id, MediaServer.Fault fault,
                                                              String template, long boundMillis) throws Exception {
        server.serve(id, clip).failAlways(id, fault);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of(id));
        List<String> args = Fixture.localArgs(data, meta, template);
        args.addAll(List.of("--retry-attempts", "2"));
        long started = System.currentTimeMillis();

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_TIMEOUT", "6", "AVQA_DOWNLOAD_MAX_SIZE", "1M"));

        long took = System.currentTimeMillis() - started;
        server.failAlways(id, null);
        assertEquals(1, outcome.exit(), outcome.stderr());
        assertTrue(took < boundMillis, fault + " took " + took + " ms");
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("videos")), "nothing under videos/");
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("audio")), "nothing under audio/");
        try (Stream<Path> all = Files.walk(data)) {
            long bytes = all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            assertTrue(bytes < 3 << 20, "the data directory holds " + bytes + " bytes");
        }
        return Fixture.readJson(data.resolve("failed/" + id + ".json"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            TRICKLE         | hostile0001 | transient | did not finish within 6 s       | 25000
            ENDLESS         | hostile0002 | permanent | larger than avqa.download.max-size | 15000
            GZIP_BOMB       | hostile0003 | permanent | larger than avqa.download.max-size | 15000
            SLOW_ERROR_PAGE | hostile0004 | permanent | not found at the source (HTTP 404) | 10000
            REDIRECT_FTP    | hostile0005 | permanent | not http or https                | 10000
            REDIRECT_LOOP   | hostile0006 | permanent | redirects in a loop              | 10000
            REDIRECT_BROKEN | hostile0009 | permanent | redirected to a location that is no URL | 10000
            REDIRECT_EMPTY  | hostile0011 | permanent | redirected to a location that is no URL | 10000
            CUT_TAIL        | hostile0007 | invalid-output | damaged                     | 15000
            CUT             | hostile0010 | transient | network failure                  | 15000
            GZIP_WITHOUT_TRAILER | hostile0012 | transient | network failure             | 15000
            GZIP_DAMAGED    | hostile0013 | transient | its compressed data is damaged   | 15000
            """)
    void theFastPathEndsInBoundedTimeWithTheDocumentedCategory(MediaServer.Fault fault, String id, String category,
                                                                String reason, long bound, @TempDir Path tmp)
            throws Exception {
        var record = runAgainst(tmp, id, fault, server.mediaFileTemplate(), bound);
        assertEquals(category, record.get("category").asText(), record.toString());
        assertTrue(record.get("reason").asText().contains(reason), record.toString());
        // in our words, not the HTTP client's ("Premature end of Content-Length delimited message body (expected: …")
        String last = record.get("last_error").asText();
        assertFalse(last.matches("(?s).*(Premature end|expected: \\d|Circular redirect|Maximum redirects).*"), last);
        if (fault == MediaServer.Fault.CUT) {
            assertTrue(last.matches("the answer was cut short: it announced (\\d+) bytes and sent \\d+"), last);
        }
        if (fault == MediaServer.Fault.GZIP_WITHOUT_TRAILER) {
            assertEquals("the answer was cut short (its compressed data ends before its end)", last);
        }
        if (fault == MediaServer.Fault.GZIP_DAMAGED) {
            assertEquals("its checksum (the gzip's trailer) does not match what came", last);
        }
    }

    /**
     * A mirror that compresses a video on the way (Content-Encoding gzip or raw deflate, its length the compressed
     * one), though nothing asked for it: the video is the decoded file, whole, not a download that "stopped short"
     * every run; so is one compressed twice ({@code gzip, gzip}, on one line or two; each undone, the last applied
     * first), or once with {@code identity} named beside it, or once with {@code gzip} said twice (what the data is
     * decides: the second is not undone). One that says "Content-Encoding: none" sends the file itself, taken as it is. What the body is
     * decides, not what its host calls it: the file itself labelled a web page (text/html), or labelled gzip or
     * deflate though it was never compressed, is the video.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"GZIPPED, gzipped00001", "GZIPPED_TWICE, gzipped00002", "GZIPPED_TWICE_TWO_LINES, gzipped00003",
            "GZIPPED_AND_IDENTITY, gzipped00004", "GZIPPED_ONCE_SAID_TWICE, gzipped00005", "RAW_DEFLATE, deflated0001", "ENCODING_NONE, encnone00001",
            "VIDEO_AS_HTML, videoashtml1", "GZIP_NOT_APPLIED, gzipnotdone", "DEFLATE_NOT_APPLIED, deflnotdone"})
    void aVideoCompressedOnTheWayIsTheDecodedFileOnTheFastPath(MediaServer.Fault fault, String id, @TempDir Path tmp)
            throws Exception {
        server.serve(id, clip).failAlways(id, fault);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of(id));
        try {
            Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta, server.mediaFileTemplate()));

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(-1L, Files.mismatch(clip, data.resolve("videos/" + id + ".mp4")), "the file itself");
        } finally {
            server.failAlways(id, null);
        }
    }

    /**
     * A body labelled gzip that is neither gzip data nor a video (a host's words of refusal) is said in our words,
     * transient: not a "network failure" with zlib's words, and the host is asked again.
     */
    @Test
    void aBodyLabelledGzipThatIsNotIsSaidSoAndAskedAgain(@TempDir Path tmp) throws Exception {
        var record = runAgainst(tmp, "textasgzip1", MediaServer.Fault.TEXT_AS_GZIP, server.mediaFileTemplate(), 30_000);
        assertEquals("transient", record.get("category").asText(), record.toString());
        assertEquals("the host says it sends the video compressed (Content-Encoding: gzip), but what came is not gzip "
                + "data; a later attempt asks again", record.get("reason").asText(), record.toString());
        assertEquals(2, record.get("attempts").asInt(), "asked again (--retry-attempts 2): " + record);
    }

    @Test
    void aFileCutShortBehindAnHonestLengthIsCaughtOnTheYtDlpPathToo(@TempDir Path tmp) throws Exception {
        var record = runAgainst(tmp, "hostile0008", MediaServer.Fault.CUT_TAIL, server.urlTemplate(), 30_000);
        assertEquals("invalid-output", record.get("category").asText(), record.toString());
    }

    @Test
    void aRefusedConnectionIsATransientNetworkFailureRetriedWithBackoff(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("refused0001"));
        // port 9 on 127.0.0.1: nothing listens there
        Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta, "http://127.0.0.1:9/v/{id}.mp4"));

        assertEquals(1, outcome.exit());
        var record = Fixture.readJson(data.resolve("failed/refused0001.json"));
        assertEquals("transient", record.get("category").asText(), record.toString());
        assertEquals(3, record.get("attempts").asInt(), "retried: " + record);
        assertTrue(record.get("reason").asText().contains("network failure"), record.toString());
    }

    @Test
    void aResetConnectionIsATransientNetworkFailureRetriedWithBackoff(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("resetconn001"));
        // a host that reads the request, then resets the connection (RST: SO_LINGER 0) without a word
        java.util.concurrent.atomic.AtomicInteger resets = new java.util.concurrent.atomic.AtomicInteger();
        try (java.net.ServerSocket host = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!host.isClosed()) {
                    try {
                        java.net.Socket c = host.accept();
                        c.getInputStream().read(new byte[4096]);
                        c.setSoLinger(true, 0);
                        c.close();
                        resets.incrementAndGet();
                    } catch (java.io.IOException closed) {
                        // the test is over
                    }
                }
            }, "resetting-host");
            t.setDaemon(true);
            t.start();
            Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta,
                    "http://127.0.0.1:" + host.getLocalPort() + "/v/{id}.mp4"));
            assertEquals(1, outcome.exit());
            assertFalse(outcome.stderr().contains("Exception"), outcome.stderr());
        }
        var record = Fixture.readJson(data.resolve("failed/resetconn001.json"));
        assertEquals("transient", record.get("category").asText(), record.toString());
        assertEquals(3, record.get("attempts").asInt(), "retried: " + record);
        assertEquals(3, resets.get(), "each attempt reached the host once (the HTTP client repeats nothing itself)");
        assertTrue(record.get("reason").asText().contains("network failure"), record.toString());
        assertTrue(PipelineTest.listNames(data.resolve("videos")).isEmpty(), "nothing under videos/");
    }

    /**
     * A host that asks for a login (401, WWW-Authenticate: Basic, Content-Length: 0, no "Connection: close") and then
     * closes the connection, as some do: HttpClient sends the login on that same connection, which is dead, and gets
     * no answer. That request goes again on a new connection within the same attempt, so the video comes at its one
     * attempt. A request that got an answer (503), or none on a new connection, is still not repeated by the client:
     * one request an attempt.
     */
    @Test
    void aLoginAskedForOnAConnectionTheHostThenClosesIsGivenOnANewOne(@TempDir Path tmp) throws Exception {
        byte[] clip = Files.readAllBytes(Fixture.clip("tone-3s", 3, true));
        String login = "Basic " + java.util.Base64.getEncoder().encodeToString(
                "user:pw".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        // each request the host read: "connection path" and " login" when it came with the right one
        List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        try (java.net.ServerSocket host = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!host.isClosed()) {
                    try (java.net.Socket c = host.accept()) {
                        int n = connections.incrementAndGet();
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                c.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
                        String path = in.readLine().split(" ")[1];
                        boolean loggedIn = false;
                        for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                            loggedIn |= h.equalsIgnoreCase("Authorization: " + login);
                        }
                        seen.add(n + " " + path + (loggedIn ? " login" : ""));
                        java.io.OutputStream out = c.getOutputStream();
                        if (path.contains("busyanswer1")) {
                            out.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        } else if (path.contains("loginclose1") && !loggedIn) {
                            out.write(("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"videos\"\r\n"
                                    + "Content-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        } else if (path.contains("loginclose1")) {
                            out.write(("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: " + clip.length
                                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                            out.write(clip);
                        }
                        // and then the connection is closed, without a word (silentnew01: without an answer at all)
                        out.flush();
                    } catch (java.io.IOException | RuntimeException closed) {
                        // the test is over, or the client went away
                    }
                }
            }, "closing-login-host");
            t.setDaemon(true);
            t.start();
            Path meta = tmp.resolve("meta");
            Path data = tmp.resolve("data");
            Fixture.annotations(meta, "test", List.of("loginclose1", "busyanswer1", "silentnew01"));
            List<String> args = Fixture.localArgs(data, meta, "http://user:pw@127.0.0.1:" + host.getLocalPort() + "/v/{id}.mp4");
            args.addAll(List.of("--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            assertArrayEquals(clip, Files.readAllBytes(data.resolve("videos/loginclose1.mp4")), seen.toString());
            assertFalse(Files.exists(data.resolve("failed/loginclose1.json")), seen.toString());
            List<String> login1 = seen.stream().filter(s -> s.contains("loginclose1")).toList();
            assertEquals(2, login1.size(), "asked, then logged in: " + seen);
            assertFalse(login1.get(0).endsWith(" login"), seen.toString());
            assertTrue(login1.get(1).endsWith(" login"), seen.toString());
            assertFalse(login1.get(0).split(" ")[0].equals(login1.get(1).split(" ")[0]), "on a new connection: " + seen);
            for (String id : List.of("busyanswer1", "silentnew01")) {
                var record = Fixture.readJson(data.resolve("failed/" + id + ".json"));
                assertEquals("transient", record.get("category").asText(), record.toString());
                assertEquals(1, seen.stream().filter(s -> s.contains(id)).count(),
                        "one request for its one attempt (the HTTP client repeats no answer, nor a new connection's silence): " + seen);
            }
            assertFalse(outcome.stderr().contains("pw@"), "no password shown");
        }
    }

    /** A host that reads the request, sends a status line, then one header line a second, for ever. */
    /** A host that answers every request with the bytes {@code answer} gives for its path, then closes. */
    static final class RawHost implements AutoCloseable {
        final java.net.ServerSocket socket = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());

        RawHost(java.util.function.Function<String, byte[]> answer, java.util.function.Consumer<java.io.OutputStream> then)
                throws java.io.IOException {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        java.net.Socket c = socket.accept();
                        Thread h = new Thread(() -> {
                            try (c) {
                                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                        c.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
                                String path = in.readLine().split(" ")[1];
                                while (!in.readLine().isEmpty()) {
                                    // the request's headers
                                }
                                java.io.OutputStream out = c.getOutputStream();
                                out.write(answer.apply(path));
                                out.flush();
                                then.accept(out);
                            } catch (java.io.IOException | RuntimeException gone) {
                                // the client dropped the connection
                            }
                        }, "raw-host");
                        h.setDaemon(true);
                        h.start();
                    } catch (java.io.IOException closed) {
                        // the test is over
                    }
                }
            }, "raw-host-accept");
            t.setDaemon(true);
            t.start();
        }

        String base() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }

        /** A head and a chunked body of {@code body} (in chunks of 8 KiB), its last chunk included unless {@code open}. */
        static byte[] chunked(String head, byte[] body, boolean open) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < body.length; i += 8192) {
                int n = Math.min(8192, body.length - i);
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write(body, i, n);
                out.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            out.writeBytes((open ? "0\r\n" : "0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return out.toByteArray();
        }
    }

    /**
     * How a host frames its answer is the client's to judge, not a reason to refuse the video: a chunked body whose
     * host also sent a Content-Length (a wrong one, or none that is a number) is whole when its chunks end; and a
     * page whose Content-Type the host sent twice is still read as the page it is (a bot check: every worker pauses).
     */
    @Test
    void aChunkedVideoWithAStrayContentLengthIsWholeAndATwiceTypedPageIsStillAPage(@TempDir Path tmp) throws Exception {
        byte[] clip = Files.readAllBytes(Fixture.clip("tone-3s", 3, true));
        byte[] page = "<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Sign in to confirm you're not a bot</p></body></html>"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("garbagelen1", "shortlen001", "twicetyped1"));
        try (RawHost host = new RawHost(path -> path.contains("twicetyped1")
                ? ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Type: text/html\r\nContent-Length: " + page.length
                        + "\r\nConnection: close\r\n\r\n" + new String(page, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)
                : RawHost.chunked("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nTransfer-Encoding: chunked\r\nContent-Length: "
                        + (path.contains("garbagelen1") ? "abc" : String.valueOf(clip.length / 2)) + "\r\nConnection: close\r\n\r\n",
                        clip, false), out -> { })) {
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, host.base() + "/v/{id}.mp4");
            args.addAll(List.of("--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            for (String id : List.of("garbagelen1", "shortlen001")) {
                assertArrayEquals(clip, Files.readAllBytes(data.resolve("videos/" + id + ".mp4")), id);
                assertFalse(Files.exists(data.resolve("failed/" + id + ".json")), id);
            }
            var record = Fixture.readJson(data.resolve("failed/twicetyped1.json"));
            assertEquals("transient", record.get("category").asText(), record.toString());
            assertTrue(record.get("reason").asText().contains("not a bot"), record.toString());
        }
    }

    /**
     * An https URL given for a mirror that speaks plain http: the line says so and what to do (it said "the secure
     * connection to the source failed (TLS)" with Java's "Unsupported or unrecognized SSL message"; a probe's finding).
     */
    @Test
    void anHttpsUrlForAPlainHttpHostSaysToUseHttp(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("plainhttp01"));
        // a plain http server's answer to what is no HTTP request (a TLS client's hello), sent as the connection opens
        try (java.net.ServerSocket plain = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                while (!plain.isClosed()) {
                    try (java.net.Socket c = plain.accept()) {
                        c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        c.getOutputStream().flush();
                        c.getInputStream().readNBytes(512);
                    } catch (java.io.IOException closed) {
                        // the test is over, or the client went
                    }
                }
            }, "plain-http");
            answering.setDaemon(true);
            answering.start();
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, "https://127.0.0.1:" + plain.getLocalPort() + "/v/{id}.mp4");
            args.addAll(List.of("--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            var record = Fixture.readJson(data.resolve("failed/plainhttp01.json"));
            assertTrue(record.get("reason").asText().contains("the host answered without TLS, as a plain http server does; "
                    + "give its URL as http://"), record.toString());
        }
    }

    /**
     * A mirror that answers a plain GET (no Range) with 206 and the whole file ({@code Content-Range: bytes 0-(N-1)/N}) is
     * taken as a 200 (every video was recorded permanent on the fast path, though yt-dlp took them; a probe's finding); a
     * 206 of a part of the file is still refused, and its video is not kept.
     */
    @Test
    void aTwoHundredSixOfTheWholeFileIsTakenAndOneOfAPartIsNot(@TempDir Path tmp) throws Exception {
        byte[] clip = Files.readAllBytes(Fixture.clip("tone-3s", 3, true));
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("whole206abc", "part206abcd"));
        try (RawHost host = new RawHost(path -> {
            boolean whole = path.contains("whole206");
            int sent = whole ? clip.length : clip.length / 2;
            return ("HTTP/1.1 206 Partial Content\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-" + (sent - 1) + "/"
                    + clip.length + "\r\nContent-Length: " + sent + "\r\nConnection: close\r\n\r\n"
                    + new String(clip, 0, sent, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }, out -> { })) {
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, host.base() + "/v/{id}.mp4");
            args.addAll(List.of("--retry-attempts", "1"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), outcome.stderr());
            assertArrayEquals(clip, Files.readAllBytes(data.resolve("videos/whole206abc.mp4")));
            assertFalse(Files.exists(data.resolve("failed/whole206abc.json")));
            assertFalse(Files.exists(data.resolve("videos/part206abcd.mp4")));
            var record = Fixture.readJson(data.resolve("failed/part206abcd.json"));
            assertTrue(record.get("reason").asText().contains("206"), record.toString());
        }
    }

    /**
     * A chain of redirects, each hop's head well within its own time (a second), for ever: the chain as a whole is
     * bounded by the download's deadline (avqa.download.timeout); it used to run through the client's 50 hops.
     */
    @Test
    void aSlowChainOfRedirectsEndsAtTheDownloadsDeadline(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("slowchain01"));
        java.util.concurrent.atomic.AtomicInteger hops = new java.util.concurrent.atomic.AtomicInteger();
        try (RawHost host = new RawHost(path -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return ("HTTP/1.1 302 Found\r\nLocation: /hop/" + hops.incrementAndGet() + "/v.mp4\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }, out -> { })) {
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, host.base() + "/v/{id}.mp4");
            args.addAll(List.of("--retry-attempts", "1"));
            long started = System.nanoTime();

            Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_TIMEOUT", "4"));

            long took = (System.nanoTime() - started) / 1_000_000;
            assertEquals(1, outcome.exit(), outcome.stderr());
            assertTrue(took < 20_000, "the download's 4 s, not 50 hops of a second: " + took + " ms, " + hops.get() + " hops");
            var record = Fixture.readJson(data.resolve("failed/slowchain01.json"));
            assertTrue(record.get("last_error").asText().contains("the redirects did not lead to an answer within 4 s"),
                    record.toString());
        }
    }

    /**
     * A host that keeps its connection open after an answer, drops the next request on it unanswered, and on the new
     * connection the client opens to ask again sends nothing: the request asked again got no head within the download's
     * time, said as that, not as redirects that did not lead to an answer (which there were none of).
     */
    @Test
    void aRequestAskedAgainOnANewConnectionThatGetsNoHeadIsSaidSo(@TempDir Path tmp) throws Exception {
        byte[] clip = Files.readAllBytes(Fixture.clip("tone-3s", 3, true));
        Path meta = tmp.resolve("meta");
        List<String> ids = List.of("askedagain0", "askedagain1");
        Fixture.annotations(meta, "test", ids);
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<java.net.Socket> held = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        java.net.Socket c = socket.accept();
                        held.add(c);
                        if (connections.incrementAndGet() > 1) {
                            // a connection taken and nothing sent on it
                            continue;
                        }
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                c.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
                        while (!in.readLine().isEmpty()) {
                            // the first request
                        }
                        java.io.OutputStream out = c.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: " + clip.length + "\r\n\r\n")
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.write(clip);
                        out.flush();
                        while (!in.readLine().isEmpty()) {
                            // the second request, on the same connection: not answered
                        }
                        c.close();
                    } catch (java.io.IOException | RuntimeException gone) {
                        // the test is over, or the client dropped the connection
                    }
                }
            }, "keep-alive-host");
            t.setDaemon(true);
            t.start();
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:" + socket.getLocalPort() + "/v/{id}.mp4");
            args.addAll(List.of("--retry-attempts", "1", "--workers", "1"));

            Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_TIMEOUT", "2"));

            assertEquals(1, outcome.exit(), outcome.stderr());
            assertEquals(2, connections.get(), "the second request asked again on a connection of its own, once");
            List<String> failed = ids.stream().filter(id -> Files.exists(data.resolve("failed/" + id + ".json"))).toList();
            assertEquals(1, failed.size(), failed.toString());
            var record = Fixture.readJson(data.resolve("failed/" + failed.get(0) + ".json"));
            assertEquals("the host did not send the head of its answer, asked again on a new connection, within the "
                    + "download's 2 s (avqa.download.timeout)", record.get("last_error").asText(), record.toString());
        } finally {
            for (java.net.Socket c : held) {
                c.close();
            }
        }
    }

    /**
     * A host that sends more than its Content-Length says (the file, then bytes past its announced end) and keeps the
     * connection open: the client takes the announced bytes as the answer (that video is whole) and the rest, read
     * where the next answer's status line should be, as lines that are no HTTP. The next request on that connection
     * goes again on a new one within its attempt: its video comes, not a failure for the bytes of another's answer.
     */
    @Test
    void bytesPastAnAnswersLengthDoNotFailTheNextRequestOnItsConnection(@TempDir Path tmp) throws Exception {
        byte[] clip = Files.readAllBytes(Fixture.clip("tone-3s", 3, true));
        Path meta = tmp.resolve("meta");
        List<String> ids = List.of("overrun0001", "overrun0002", "overrun0003");
        Fixture.annotations(meta, "test", ids);
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (java.net.Socket c = socket.accept()) {
                        int n = connections.incrementAndGet();
                        java.io.InputStream in = c.getInputStream();
                        java.io.OutputStream out = c.getOutputStream();
                        for (String path = requestPath(in); path != null; path = requestPath(in)) {
                            seen.add(n + " " + path);
                            out.write(("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: " + clip.length
                                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                            out.write(clip);
                            // past the announced end: the file's first 16 KiB once more, as a host that got its length wrong
                            out.write(clip, 0, Math.min(clip.length, 16384));
                            out.flush();
                        }
                    } catch (java.io.IOException | RuntimeException gone) {
                        // the test is over, or the client dropped the connection
                    }
                }
            }, "overrunning-host");
            t.setDaemon(true);
            t.start();
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:" + socket.getLocalPort() + "/v/{id}.mp4");
            args.addAll(List.of("--retry-attempts", "1", "--workers", "1"));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr() + seen);
            for (String id : ids) {
                assertArrayEquals(clip, Files.readAllBytes(data.resolve("videos/" + id + ".mp4")), id + " " + seen);
            }
            assertTrue(connections.get() >= 2, "each answer after the first asked again on a new connection: " + seen);
        }
    }

    /** The path of the next request on a connection (its head read to the empty line); null when the client closed it. */
    private static String requestPath(java.io.InputStream in) throws java.io.IOException {
        String first = null;
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                String l = line.toString().strip();
                line.setLength(0);
                if (first == null) {
                    first = l;
                } else if (l.isEmpty()) {
                    return first.split(" ")[1];
                }
            } else {
                line.append((char) b);
            }
        }
        return null;
    }

    /** A host that sends the head of its answer a line a second, for ever (or one line that never ends). */
    static final class SlowHeadersHost implements AutoCloseable {
        final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        private final RawHost host;
        final java.net.ServerSocket socket;

        SlowHeadersHost() throws java.io.IOException {
            this(false);
        }

        /** {@code endlessLine}: instead, one header line that never ends, sent as fast as the client takes it. */
        SlowHeadersHost(boolean endlessLine) throws java.io.IOException {
            host = new RawHost(path -> {
                requests.incrementAndGet();
                return "HTTP/1.1 200 OK\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }, out -> {
                try {
                    if (endlessLine) {
                        out.write("X-Endless: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        byte[] chunk = "a".repeat(64 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        while (true) {
                            out.write(chunk);
                        }
                    }
                    for (int i = 0; ; i++) {
                        out.write(("X-Slow-" + i + ": x\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(1000);
                    }
                } catch (java.io.IOException | InterruptedException gone) {
                    // the client dropped the connection, as it should
                }
            });
            socket = host.socket;
        }

        String template() {
            return host.base() + "/v/{id}.mp4";
        }

        @Override
        public void close() throws java.io.IOException {
            host.close();
        }
    }

    /**
     * A host that sends the head of its answer a line a second, for ever (each line within the read timeout):
     * each attempt is given up at min(30 s, avqa.download.timeout), transient; and a stop of the run ends a
     * request still waiting at once.
     */
    @Test
    void anAnswerWhoseHeadNeverEndsIsGivenUpAndAStopEndsItAtOnce(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("slowhead0001"));
        try (SlowHeadersHost host = new SlowHeadersHost()) {
            // the default deadline (30 s) is longer than the test: a stop ends the waiting request
            givenUpInTimeAndStoppedAtOnce(tmp, meta, host.template(), "slowhead0001",
                    "did not send the head of its answer within 3 s", host.requests::get);

            // the same while the annotations are fetched: the run says it was stopped, and blames no host
            Path early = tmp.resolve("early");
            Path earlyLog = tmp.resolve("early.log");
            int already = host.requests.get();
            List<String> fromSlowHost = Fixture.localArgs(early, meta, host.template());
            fromSlowHost.set(fromSlowHost.indexOf("--metadata-url") + 1, "http://127.0.0.1:" + host.socket.getLocalPort() + "/meta");
            fromSlowHost.add("--refresh-metadata");
            Process q = Fixture.startJvm(fromSlowHost, Map.of(), earlyLog);
            Fixture.await("the annotations' request to reach the host", 30_000, () -> host.requests.get() > already);
            q.destroy();
            assertTrue(q.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "stopped");
            String said = Files.readString(earlyLog);
            assertFalse(said.contains("cannot fetch") || said.contains("Socket closed"), said);
            assertTrue(said.contains("avqa-downloader: run stopped: stopped by a signal (SIGTERM or Ctrl-C)")
                    && !said.contains("not expected"), said);
        }
    }

    /** A host that takes every connection and never says a word: an https client waits for its TLS handshake. */
    static final class SilentHost implements AutoCloseable {
        final java.net.ServerSocket socket;
        final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        private final List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();

        SilentHost() throws java.io.IOException {
            this(java.net.InetAddress.getLoopbackAddress(), 0);
        }

        /** On {@code port} (0: any) of {@code address}. */
        SilentHost(java.net.InetAddress address, int port) throws java.io.IOException {
            socket = new java.net.ServerSocket(port, 50, address);
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        held.add(socket.accept());
                        connections.incrementAndGet();
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            }, "silent-host");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
            for (java.net.Socket c : held) {
                c.close();
            }
        }
    }

    /**
     * An https host that takes the connection and never ends its TLS handshake (as a path that drops large
     * packets leaves one): each attempt is given up a second before min(30 s, avqa.download.timeout) (the connection's
     * time), transient and said so, not at HttpClient's own 3 minutes; and a stop of the run ends a request still
     * waiting at once.
     */
    @Test
    void anHttpsHostThatNeverEndsItsHandshakeIsGivenUpInTimeAndAStopEndsItAtOnce(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("silenttls001"));
        try (SilentHost host = new SilentHost()) {
            String template = "https://127.0.0.1:" + host.socket.getLocalPort() + "/v/{id}.mp4";
            givenUpInTimeAndStoppedAtOnce(tmp, meta, template, "silenttls001",
                    "the secure connection to 127.0.0.1:" + host.socket.getLocalPort()
                            + " was not made in time (its TLS handshake did not finish)", host.connections::get);
        }
    }

    /**
     * Two attempts at {@code id} with avqa.download.timeout 3 s end within 20 s, transient, the last error
     * saying {@code words}; then a run with the default deadline, stopped once the host has seen it
     * ({@code seen} grew), ends at once and leaves the video pending.
     */
    static void givenUpInTimeAndStoppedAtOnce(Path tmp, Path meta, String template, String id, String words,
                                             java.util.function.IntSupplier seen) throws Exception {
        Path data = tmp.resolve("data");
        List<String> args = Fixture.localArgs(data, meta, template);
        args.addAll(List.of("--retry-attempts", "2"));
        long started = System.currentTimeMillis();

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_DOWNLOAD_TIMEOUT", "3"));

        long took = System.currentTimeMillis() - started;
        assertEquals(1, outcome.exit(), outcome.stderr());
        assertTrue(took < 20_000, "two attempts of 3 s, not for ever (nor of HttpClient's 3 minutes): " + took + " ms");
        var record = Fixture.readJson(data.resolve("failed/" + id + ".json"));
        assertEquals("transient", record.get("category").asText(), record.toString());
        assertTrue(record.get("last_error").asText().contains(words), record.toString());

        Path stopped = tmp.resolve("stopped");
        Path log = tmp.resolve("stopped.log");
        int before = seen.getAsInt();
        Process p = Fixture.startJvm(Fixture.localArgs(stopped, meta, template), Map.of(), log);
        Fixture.await("the request to reach the host", 30_000, () -> seen.getAsInt() > before);
        long stopAt = System.currentTimeMillis();
        p.destroy();
        assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "stopped");
        assertTrue(System.currentTimeMillis() - stopAt < 10_000, "at once, not after Camel's 60 s: "
                + (System.currentTimeMillis() - stopAt) + " ms");
        assertFalse(Files.exists(stopped.resolve("failed/" + id + ".json")), () -> "pending, not failed: "
                + ServiceTest.read(log));
    }

    /**
     * A host that answers with one header line that never ends, as fast as the client reads it: the client
     * refuses a line longer than 64 KiB, so the attempt fails at once (transient) and the run ends. It used
     * to hold the whole line until the JVM ran out of memory, and the run then never ended.
     */
    @Test
    void anEndlessHeaderLineFailsTheAttemptInsteadOfFillingTheMemory(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("endlesshead1"));
        try (SlowHeadersHost host = new SlowHeadersHost(true)) {
            Path data = tmp.resolve("data");
            Path log = tmp.resolve("run.log");
            List<String> args = Fixture.localArgs(data, meta, host.template());
            args.addAll(List.of("--retry-attempts", "2"));
            // a heap of 256 MB, which the line would fill in a second or two
            Process run = Fixture.startJvm(List.of(), args, Map.of("JAVA_TOOL_OPTIONS", "-Xmx256m"), log);
            boolean ended = run.waitFor(90, java.util.concurrent.TimeUnit.SECONDS);
            if (!ended) {
                run.destroyForcibly();
            }
            assertTrue(ended, () -> "the run ended: " + ServiceTest.read(log));
            assertEquals(1, run.exitValue(), () -> ServiceTest.read(log));
            var record = Fixture.readJson(data.resolve("failed/endlesshead1.json"));
            assertEquals("transient", record.get("category").asText(), record.toString());
            assertEquals("the host's answer is not valid HTTP (a header line longer than the client takes)",
                    record.get("last_error").asText(), record.toString());
            assertFalse(ServiceTest.read(log).contains("OutOfMemoryError"), () -> ServiceTest.read(log));
        }
    }

    /**
     * A host that names codings without end: 400 lines of Content-Encoding, 60 KiB of {@code gzip,} each (24 MB of
     * headers the client takes, five million codings). Each was parsed and kept, and a decoder would have been made
     * for each: the JVM ran out of memory. Past four codings none is undone, the rest is not read, and the bytes (the
     * file itself here) are judged as what they are: the video.
     */
    @Test
    void codingsWithoutEndAreNotUndoneAndTheBytesAreJudgedAsTheyAre(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("tone-3s", 3, true);
        try (MediaServer server = new MediaServer()) {
            String id = "codingsmany1";
            server.serve(id, clip).failAlways(id, MediaServer.Fault.CODINGS_WITHOUT_END);
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", List.of(id));
            Path data = tmp.resolve("data");
            Path log = tmp.resolve("run.log");
            Process run = Fixture.startJvm(List.of(), Fixture.localArgs(data, meta, server.mediaFileTemplate()),
                    Map.of("JAVA_TOOL_OPTIONS", "-Xmx128m"), log);
            boolean ended = run.waitFor(90, java.util.concurrent.TimeUnit.SECONDS);
            if (!ended) {
                run.destroyForcibly();
            }
            assertTrue(ended, () -> "the run ended: " + ServiceTest.read(log));
            assertEquals(0, run.exitValue(), () -> ServiceTest.read(log));
            assertEquals(-1L, Files.mismatch(clip, data.resolve("videos/" + id + ".mp4")), "the file itself");
            assertFalse(ServiceTest.read(log).contains("OutOfMemoryError"), () -> ServiceTest.read(log));
        }
    }

    /**
     * Annotations from a host whose body never ends: copied to metadata/ as they come, not held in memory,
     * and given up past avqa.metadata.max-size, in one line (exit 2); nothing of them is left behind. An error
     * whose page never ends is that error, at once; a body trickled a byte a second is given up under the
     * archives' speed floor.
     */
    @Test
    void annotationsThatNeverEndFailInOneLineAndLeaveNothing(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("tone-3s", 3, true);
        try (MediaServer server = new MediaServer()) {
            server.serve("/meta/avqa-test.json", clip).failAlways("/meta/avqa-test.json", MediaServer.Fault.ENDLESS);
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, tmp.resolve("unused"), server.mediaFileTemplate());
            args.set(args.indexOf("--metadata-url") + 1, server.baseUrl() + "/meta");

            Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_METADATA_MAX_SIZE", "2M"));

            assertEquals(2, outcome.exit(), outcome.stderr());
            assertEquals("avqa-downloader: cannot fetch avqa-test.json from " + server.baseUrl() + "/meta: it is larger than "
                    + "avqa.metadata.max-size (2.0 MiB)", outcome.stderr().strip());
            try (var left = Files.list(data.resolve("metadata"))) {
                assertEquals(List.of(), left.toList(), "nothing of it is left");
            }

            // an error whose page never ends: the error, its page not read (it used to be, whole, into the memory)
            server.failAlways("/meta/avqa-test.json", MediaServer.Fault.ENDLESS_ERROR_PAGE);
            Fixture.Outcome error = Fixture.run(args);
            assertEquals(2, error.exit(), error.stderr());
            assertEquals("avqa-downloader: cannot fetch avqa-test.json from " + server.baseUrl() + "/meta: the server "
                    + "answered HTTP 500 Internal Server Error", error.stderr().strip());

            // annotations trickled a byte a second: given up under the archives' speed floor, not waited on for ever
            server.failAlways("/meta/avqa-test.json", MediaServer.Fault.TRICKLE);
            long started = System.nanoTime();
            Fixture.Outcome trickled = Fixture.run(args, Map.of("AVQA_ARCHIVE_SPEED_TIME", "2"));
            long took = (System.nanoTime() - started) / 1_000_000;
            assertEquals(2, trickled.exit(), trickled.stderr());
            // the window ends with the first byte after its 2 s: one that came at 1.99 s leaves it to the next, at 3 s
            assertTrue(trickled.stderr().strip().matches("avqa-downloader: cannot fetch avqa-test.json from "
                    + java.util.regex.Pattern.quote(server.baseUrl()) + "/meta: it came slower than avqa\\.archive\\.speed-limit "
                    + "\\(1\\.0 KiB/s\\) for [23]\\.\\ds, and was given up after \\d B"), trickled.stderr());
            assertTrue(took < 15_000, took + " ms");
            try (var left = Files.list(data.resolve("metadata"))) {
                assertEquals(List.of(), left.toList(), "nothing of it is left");
            }

            // a part of the file (206), which nobody asked for, is not the file: it used to be kept as all of it
            server.failAlways("/meta/avqa-test.json", MediaServer.Fault.PARTIAL);
            Fixture.Outcome partial = Fixture.run(args);
            assertEquals(2, partial.exit(), partial.stderr());
            assertEquals("avqa-downloader: cannot fetch avqa-test.json from " + server.baseUrl() + "/meta: the server "
                    + "answered HTTP 206 Partial Content", partial.stderr().strip());
            try (var left = Files.list(data.resolve("metadata"))) {
                assertEquals(List.of(), left.toList(), "nothing of it is left");
            }

            // a stop of the run while the body trickles: at once, said as the stop it is, nothing left
            server.failAlways("/meta/avqa-test.json", MediaServer.Fault.TRICKLE);
            Path log = tmp.resolve("stopped.log");
            int before = server.hits().size();
            Process p = Fixture.startJvm(args, Map.of(), log);
            Fixture.await("the annotations' request", 30_000, () -> server.hits().size() > before);
            Thread.sleep(500); // into the body
            long stopAt = System.nanoTime();
            p.destroy();
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "stopped");
            assertTrue(System.nanoTime() - stopAt < 10_000_000_000L, "at once, not after Camel's 60 s");
            String said = ServiceTest.read(log);
            assertTrue(said.contains("avqa-downloader: run stopped: stopped by a signal (SIGTERM or Ctrl-C)")
                    && !said.contains("Forcing shutdown"), said);
            try (var left = Files.list(data.resolve("metadata"))) {
                assertEquals(List.of(), left.toList(), "nothing of it is left");
            }

            // a redirect is followed (as --doctor follows it)
            Path annotations = tmp.resolve("real-meta");
            Fixture.annotations(annotations, "test", List.of("aaaaaaaaaaa"));
            server.failAlways("/meta/avqa-test.json", MediaServer.Fault.MOVED)
                    .serveFile("/moved/meta/avqa-test.json", annotations.resolve("avqa-test.json"));
            List<String> dry = new java.util.ArrayList<>(args);
            dry.add("--dry-run");
            Fixture.Outcome moved = Fixture.run(dry);
            assertEquals(0, moved.exit(), moved.stderr());
            assertArrayEquals(Files.readAllBytes(annotations.resolve("avqa-test.json")),
                    Files.readAllBytes(data.resolve("metadata/avqa-test.json")));

            // compressed on the way: decoded as it comes (by us: the guard must drop the connection under the decoder)
            Files.delete(data.resolve("metadata/avqa-test.json"));
            server.serve("/meta/avqa-test.json", annotations.resolve("avqa-test.json"))
                    .failAlways("/meta/avqa-test.json", MediaServer.Fault.GZIPPED);
            Fixture.Outcome gzipped = Fixture.run(dry);
            assertEquals(0, gzipped.exit(), gzipped.stderr());
            assertArrayEquals(Files.readAllBytes(annotations.resolve("avqa-test.json")),
                    Files.readAllBytes(data.resolve("metadata/avqa-test.json")));

            // a busy host (503, then a 429 asking to wait for years): asked again after the backoff (at most
            // avqa.backoff.max), and fetched; it was exit 2 at the first busy answer, for what passes in a minute
            Files.delete(data.resolve("metadata/avqa-test.json"));
            server.failAlways("/meta/avqa-test.json", null).failNext("/meta/avqa-test.json", MediaServer.Fault.SERVER_ERROR,
                    MediaServer.Fault.TOO_MANY_REQUESTS_FOR_YEARS);
            Fixture.Outcome busy = Fixture.run(dry, Map.of("AVQA_BACKOFF_MAX", "1"));
            assertEquals(0, busy.exit(), busy.stderr());
            assertArrayEquals(Files.readAllBytes(annotations.resolve("avqa-test.json")),
                    Files.readAllBytes(data.resolve("metadata/avqa-test.json")));
            String busyLog = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(busyLog.contains("The annotations' host answered HTTP 503 for avqa-test.json: asked again in ")
                    && busyLog.contains("(attempt 2 of 3, --retry-attempts)"), busyLog);
            assertTrue(busyLog.contains("The annotations' host answered HTTP 429 for avqa-test.json: asked again in 1.0 s "
                    + "(attempt 3 of 3, --retry-attempts)"), busyLog);
            // a refresh that gets a placeholder naming no video ([]): refused, the copy here kept (it was replaced by [],
            // and the run planned nothing and ended well)
            Path empty = Files.writeString(tmp.resolve("empty.json"), "[]\n");
            server.serve("/meta/avqa-test.json", empty);
            List<String> refresh = new java.util.ArrayList<>(dry);
            refresh.add("--refresh-metadata");
            Fixture.Outcome placeholder = Fixture.run(refresh);
            assertEquals(2, placeholder.exit(), placeholder.stderr());
            assertTrue(placeholder.stderr().contains("what came for avqa-test.json names no video (no questions in it): it is "
                    + "not the dataset's file; nothing is kept (a copy already here stays)"), placeholder.stderr());
            assertArrayEquals(Files.readAllBytes(annotations.resolve("avqa-test.json")),
                    Files.readAllBytes(data.resolve("metadata/avqa-test.json")));
            server.serve("/meta/avqa-test.json", annotations.resolve("avqa-test.json"));
            // one that stays busy: its last attempt's answer, in one line (exit 2)
            Files.delete(data.resolve("metadata/avqa-test.json"));
            server.failAlways("/meta/avqa-test.json", MediaServer.Fault.SERVER_ERROR);
            Fixture.Outcome staysBusy = Fixture.run(dry, Map.of("AVQA_BACKOFF_MAX", "1"));
            assertEquals(2, staysBusy.exit(), staysBusy.stderr());
            assertEquals("avqa-downloader: cannot fetch avqa-test.json from " + server.baseUrl() + "/meta: the server "
                    + "answered HTTP 503 Service Unavailable", staysBusy.stderr().strip());
        }
    }

    /**
     * A body its host compresses on the way (gzip) and then stops sending: given up under the speed floor, for the
     * annotations and for an archive alike. The guard drops the connection under the decoder; closing the decoder
     * instead read the rest of the body on the deadlines' own thread, which then waited for ever (or, for a body
     * that trickled, failed with "Inflater has been closed").
     */
    @Test
    void aCompressedBodyThatStallsIsGivenUpUnderTheSpeedFloor(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("stalledzip1"));
        byte[] annotations = Files.readAllBytes(meta.resolve("avqa-test.json"));
        byte[] archive = Files.readAllBytes(Fixture.clip("tone-3s", 3, true));
        java.util.function.Function<byte[], byte[]> firstPartGzipped = bytes -> {
            java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(packed)) {
                z.write(bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            byte[] all = packed.toByteArray();
            return java.util.Arrays.copyOf(all, Math.min(all.length / 2, 4096));
        };
        try (RawHost host = new RawHost(path -> {
            byte[] part = firstPartGzipped.apply(path.endsWith(".json") ? annotations : archive);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(part.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.writeBytes(part);
            out.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return out.toByteArray();
        }, out -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException over) {
                // the test is over
            }
        })) {
            Map<String, String> floor = Map.of("AVQA_ARCHIVE_SPEED_TIME", "2");
            List<String> fromHost = Fixture.localArgs(tmp.resolve("data"), meta, host.base() + "/v/{id}.mp4");
            fromHost.set(fromHost.indexOf("--metadata-url") + 1, host.base() + "/meta");
            List<String> archived = ArchiveFetchTest.args(tmp.resolve("archived"), meta, host.base() + "/videos.zip");
            archived.addAll(List.of("--retry-attempts", "1"));
            for (List<String> args : List.of(fromHost, archived)) {
                Path log = tmp.resolve("run-" + args.hashCode() + ".log");
                long started = System.nanoTime();
                Process p = Fixture.startJvm(args, floor, log);
                boolean ended = p.waitFor(40, java.util.concurrent.TimeUnit.SECONDS);
                long took = (System.nanoTime() - started) / 1_000_000;
                if (!ended) {
                    p.destroyForcibly();
                }
                assertTrue(ended, () -> "given up, not waited on for ever: " + ServiceTest.read(log));
                // the floor's 2 s (or 3) and the JVM's start (up to 10 s and more on a machine under load), not the
                // 30 s of a read that waits for the rest on top of it
                assertTrue(took < 25_000, took + " ms: " + ServiceTest.read(log));
                String said = ServiceTest.read(log);
                assertTrue(said.contains("slower than avqa.archive.speed-limit (1.0 KiB/s)") && !said.contains("Inflater"), said);
            }
        }
    }

    /**
     * Annotations from a host that closes the connection half-way through a body of no announced length (which
     * looks like its end), or that answers with a web page: refused in one line, nothing kept under the file's
     * name, and the next run, from a host that answers well, has the file.
     */
    @Test
    void annotationsCutShortOrAWebPageAreNeverKeptAsTheFile(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("cutshort001", "cutshort002", "cutshort003"));
        byte[] whole = Files.readAllBytes(meta.resolve("avqa-test.json"));
        byte[] page = "<!DOCTYPE html><html><head><title>avqa-test.json at main</title></head><body></body></html>"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.function.Function<byte[], byte[]> closedAfter = body -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.writeBytes(body);
            return out.toByteArray();
        };
        try (RawHost host = new RawHost(path -> path.startsWith("/cut/") ? closedAfter.apply(java.util.Arrays.copyOf(whole, whole.length / 2))
                : path.startsWith("/other/") ? closedAfter.apply("[{\"question_id\": 1}]".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                : path.startsWith("/page/") ? ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + page.length
                        + "\r\n\r\n" + new String(page, java.nio.charset.StandardCharsets.UTF_8)).getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : closedAfter.apply(whole), out -> { })) {
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, meta, host.base() + "/v/{id}.mp4");
            int at = args.indexOf("--metadata-url") + 1;
            args.add("--dry-run");

            args.set(at, host.base() + "/cut");
            Fixture.Outcome cut = Fixture.run(args);
            assertEquals(2, cut.exit(), cut.stderr());
            assertTrue(cut.stderr().contains("what came does not read as a whole annotation file (cut short?): avqa-test.json at line ")
                    && cut.stderr().contains("nothing is kept, and the next run asks again"), cut.stderr());
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("metadata")), "nothing kept");

            // whole JSON, but not annotations: not said to be cut short, nor named by its temporary file
            args.set(at, host.base() + "/other");
            Fixture.Outcome other = Fixture.run(args);
            assertEquals(2, other.exit(), other.stderr());
            assertTrue(other.stderr().contains("what came does not read as an annotation file: avqa-test.json: none of its "
                    + "1 questions has a usable \"video_id\"") && other.stderr().contains("question 0 at line 1")
                    && !other.stderr().contains("cut short") && !other.stderr().contains(".fetching"), other.stderr());
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("metadata")), "nothing kept");

            args.set(at, host.base() + "/page");
            Fixture.Outcome web = Fixture.run(args);
            assertEquals(2, web.exit(), web.stderr());
            assertTrue(web.stderr().contains("the host answered with a web page, not avqa-test.json"), web.stderr());
            assertEquals(List.of(), PipelineTest.listNames(data.resolve("metadata")), "nothing kept");

            args.set(at, host.base() + "/good");
            Fixture.Outcome good = Fixture.run(args);
            assertEquals(0, good.exit(), good.stderr());
            assertArrayEquals(whole, Files.readAllBytes(data.resolve("metadata/avqa-test.json")));
        }
    }

    /**
     * Annotations whose chunked trailer (after the last chunk) comes a byte now and then:
     * the client waits inside one read, which the speed floor must end from outside it (it used to wait for ever).
     */
    @Test
    void annotationsWhoseTrailerTricklesAreGivenUpUnderTheSpeedFloor(@TempDir Path tmp) throws Exception {
        byte[] body = "[]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (RawHost host = new RawHost(path -> RawHost.chunked("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                body, true), out -> {
                    try {
                        for (int i = 0; ; i++) {
                            out.write('X');
                            out.flush();
                            Thread.sleep(300);
                        }
                    } catch (java.io.IOException | InterruptedException dropped) {
                        // as it should be
                    }
                })) {
            Path data = tmp.resolve("data");
            List<String> args = Fixture.localArgs(data, tmp.resolve("unused"), host.base() + "/v/{id}.mp4");
            args.set(args.indexOf("--metadata-url") + 1, host.base() + "/meta");
            Path log = tmp.resolve("run.log");
            long started = System.nanoTime();
            Process p = Fixture.startJvm(args, Map.of("AVQA_ARCHIVE_SPEED_TIME", "2"), log);
            boolean ended = p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            assertTrue(ended, () -> "given up, not waited on for ever: " + ServiceTest.read(log));
            assertEquals(2, p.exitValue(), () -> ServiceTest.read(log));
            assertTrue(ServiceTest.read(log).contains("it came slower than avqa.archive.speed-limit (1.0 KiB/s)"),
                    () -> ServiceTest.read(log));
            // the floor's 2 s and the JVM's start (up to 10 s and more on a machine under load); the trickle never ends
            assertTrue(System.nanoTime() - started < 25_000_000_000L);
            try (var left = Files.list(data.resolve("metadata"))) {
                assertEquals(List.of(), left.toList(), "nothing of it is left");
            }
        }
    }
}
