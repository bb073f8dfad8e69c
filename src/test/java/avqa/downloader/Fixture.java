package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the tests share: generated clips, annotation files, running the real command line, ffprobe. */
final class Fixture {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CLIPS = Path.of("target", "test-clips").toAbsolutePath();
    static final Path SHARED_DATA = Path.of("..", "shared", "data").toAbsolutePath().normalize();

    private Fixture() {
    }

    /** A clip made with ffmpeg (cached across tests): test pattern and a tone, H.264 + AAC. */
    static synchronized Path clip(String name, double seconds, boolean withAudio) throws Exception {
        Path out = CLIPS.resolve(name + ".mp4");
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        Files.createDirectories(CLIPS);
        // the tests run in two JVMs at once (surefire's forkCount): each makes its own and the last one's stays
        Path tmp = CLIPS.resolve(name + ".tmp" + ProcessHandle.current().pid() + ".mp4");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=" + seconds));
        if (withAudio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=" + seconds));
        }
        cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
        if (withAudio) {
            cmd.addAll(List.of("-c:a", "aac", "-shortest"));
        }
        cmd.addAll(List.of("-movflags", "+faststart", tmp.toString()));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg could not make the test clip " + name);
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /** Writes {@code avqa-<split>.json} naming each id in two questions, as the real files do. */
    static void annotations(Path metadataDir, String split, List<String> ids) throws IOException {
        Files.createDirectories(metadataDir);
        List<Map<String, Object>> questions = new ArrayList<>();
        int q = 0;
        for (String id : ids) {
            for (int i = 0; i < 2; i++) {
                Map<String, Object> question = new LinkedHashMap<>();
                question.put("video_id", id);
                question.put("question_id", q++);
                question.put("type", "[\"Audio\", \"Counting\"]");
                question.put("question_content", "How many instruments are sounding in the video?");
                question.put("templ_values", "[]");
                question.put("question_deleted", 0);
                question.put("anser", "two");
                questions.add(question);
            }
        }
        JSON.writeValue(metadataDir.resolve("avqa-" + split + ".json").toFile(), questions);
    }

    /** The outcome of one run of the command line. */
    record Outcome(int exit, String stderr, String stdout) {
    }

    /** Runs the real command line in this JVM, from the repository root (the real routes/ and application.properties). */
    static Outcome run(List<String> args) {
        return run(args, Map.of());
    }

    /** Runs the real command line in this JVM with the given environment (AVQA_* settings). */
    static synchronized Outcome run(List<String> args, Map<String, String> env) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(err, oldErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new TeeStream(out, oldOut), true, StandardCharsets.UTF_8));
        try {
            int exit = AvqaDownloader.run(args.toArray(String[]::new), Path.of("").toAbsolutePath(), env);
            return new Outcome(exit, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    /** Options for a fast, local run: no pauses, a short backoff, the given server as the source. */
    static List<String> localArgs(Path dataDir, Path metadataDir, String urlTemplate) {
        return new ArrayList<>(List.of("--dataset", "music-avqa", "--data-dir", dataDir.toString(), "--metadata-url", "file:" + metadataDir,
                "--splits", "test", "--source-url-template", urlTemplate, "--workers", "2", "--sleep", "0",
                "--jitter", "0", "--backoff", "0.3", "--retry-attempts", "3", "--max-requests", "1000",
                "--period", "1", "--rate-limit", "20M", "--cooldown", "0.5"));
    }

    /**
     * Starts the command line in a JVM of its own (to be killed, signalled, or to hold the data
     * directory), from the repository root, with this JVM's class path; its output goes to {@code log}.
     */
    static Process startJvm(List<String> args, Map<String, String> env, Path log) throws IOException {
        return startJvm(List.of(), args, env, log);
    }

    /** The same, its command behind {@code prefix} (such as {@code ip netns exec NS}, to run it on another host). */
    static Process startJvm(List<String> prefix, List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only, as scripts/avqa.sh and a plain java -jar run it (FastStart): a second of CPU less a start
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), AvqaDownloader.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Waits for a condition, polling every few milliseconds, up to a deadline; says what it waited for. */
    static void await(String what, long timeoutMillis, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        await(what, timeoutMillis, 5, condition);
    }

    /** The same, polling every {@code pollMillis} (a condition that asks a database, say). */
    static void await(String what, long timeoutMillis, long pollMillis, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        // the monotonic clock: this machine's wall clock has been seen to jump by minutes
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(pollMillis);
        }
    }

    /** Processes (anywhere on the machine) whose arguments name a path under {@code dir}. */
    static List<ProcessHandle> processesUsing(Path dir) {
        String prefix = dir.toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> java.util.Arrays.stream(a).anyMatch(x -> x.startsWith(prefix))).orElse(false)).toList();
    }

    /** [video seconds, audio seconds] by ffprobe; -1 where the stream is missing or the file unreadable. */
    static double[] probe(Path file) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-print_format", "json", "-show_entries",
                "format=duration:stream=codec_type,duration", file.toString()).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
        double[] result = {-1, -1};
        if (p.exitValue() != 0) {
            return result;
        }
        JsonNode report = JSON.readTree(out);
        double format = report.path("format").path("duration").asDouble(0);
        for (JsonNode s : report.path("streams")) {
            double d = s.path("duration").asDouble(format);
            if ("video".equals(s.path("codec_type").asText()) && result[0] < 0) {
                result[0] = d;
            }
            if ("audio".equals(s.path("codec_type").asText()) && result[1] < 0) {
                result[1] = d;
            }
        }
        return result;
    }

    /** ffprobe's report of the first stream of {@code file} (its sample_rate, channels, …). */
    static JsonNode ffprobeStream(Path file) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-print_format", "json", "-show_streams", file.toString())
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ffprobe did not end");
        }
        return JSON.readTree(out).path("streams").path(0);
    }

    /** The container's name as ffprobe gives it (format_name: "mov,mp4,m4a,…", "matroska,webm"). */
    static String ffprobeFormat(Path file) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "format=format_name", "-of", "csv=p=0",
                file.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ffprobe did not end");
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    /** The last run summary in {@code <data-dir>/avqa_download.log}. */
    static String lastSummary(Path dataDir) throws IOException {
        List<String> lines = Files.readAllLines(dataDir.resolve("avqa_download.log"));
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains("Run finished")) {
                return lines.get(i);
            }
        }
        return "";
    }

    static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    /** Copies what a run prints to the test's output too, so a failing test shows the log. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
