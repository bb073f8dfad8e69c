package avqa.downloader;

import avqa.downloader.settings.SettingsTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark (run it with {@code bench/run.sh}; see the README). It generates N clips shaped like
 * MUSIC-AVQA videos (60 s, 360p, H.264 + AAC; cached), serves them from the loopback server with
 * Range support, and times, interleaved round by round:
 * <ol type="a">
 *   <li>this tool with W workers and throttling off,</li>
 *   <li>the sequential script a user would write: yt-dlp then ffmpeg, per video,</li>
 *   <li>the same commands under {@code xargs -P W}, the strongest simple peer.</li>
 * </ol>
 * Then the scale figures: planning 1,000,000 question rows, a rerun over 100,000 complete videos,
 * and the cost of recording one completion when 100,000 are recorded.
 */
public final class Benchmark {

    record Measure(double wall, double user, double sys, long maxRssKb) {
        double cpu() {
            return user + sys;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int w = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path work = Path.of("target", "bench").toAbsolutePath();
        Files.createDirectories(work);
        System.out.printf("Benchmark: N=%d videos, W=%d workers, %d rounds; %d cores; %s%n", n, w, rounds,
                Runtime.getRuntime().availableProcessors(), cpuModel());

        List<String> ids = new ArrayList<>();
        try (MediaServer server = new MediaServer()) {
            for (int i = 0; i < n; i++) {
                String id = String.format("bench%06d", i);
                ids.add(id);
                server.serve(id, clip(work, i % 8));
            }
            Path meta = work.resolve("meta");
            Fixture.annotations(meta, "test", ids);
            Map<String, List<Measure>> results = new LinkedHashMap<>();
            List<Long> firstRequestMillis = new ArrayList<>();
            List<double[]> ownCpu = new ArrayList<>();
            List<Double> hashSeconds = new ArrayList<>();
            long[] hashedBytes = {0};
            for (int r = 0; r < rounds; r++) {
                List<String> order = List.of("a", "b", "c", "f");
                for (int k = 0; k < order.size(); k++) {
                    String variant = order.get((k + r) % order.size());
                    Path out = work.resolve("out-" + variant);
                    FileTrees.deleteTree(out, true);
                    Files.createDirectories(out);
                    int hitsBefore = server.hits().size();
                    long startedAt = server.now();
                    Measure m = switch (variant) {
                        case "a" -> time(tool(out, meta, server.mediaFileTemplate(), w));
                        case "b" -> time(script(out, server.mediaFileTemplate(), ids, 1));
                        case "f" -> time(withFrames(tool(out, meta, server.mediaFileTemplate(), w)));
                        default -> time(script(out, server.mediaFileTemplate(), ids, w));
                    };
                    if (variant.equals("a")) {
                        firstRequestMillis.add(server.hits().get(hitsBefore).atMillis() - startedAt);
                        ownCpu.add(runCpu(out));
                        // what the run's hashing costs: the same files hashed again, from the page cache as in the run
                        long t0 = System.nanoTime();
                        hashedBytes[0] = 0;
                        for (String id : ids) {
                            for (Path f : List.of(out.resolve("videos/" + id + ".mp4"), out.resolve("audio/" + id + ".wav"))) {
                                Checksums.sha256(f);
                                hashedBytes[0] += Files.size(f);
                            }
                        }
                        hashSeconds.add((System.nanoTime() - t0) / 1e9);
                    }
                    check(out, ids, variant);
                    results.computeIfAbsent(variant, v -> new ArrayList<>()).add(m);
                    System.out.printf("  round %d (%s): %.1f s%n", r + 1, variant, m.wall());
                }
            }
            report(results, n, w, firstRequestMillis, ownCpu);
            hashSeconds.sort(null);
            double hash = hashSeconds.get(hashSeconds.size() / 2);
            Measure a = median(results.get("a"));
            Measure f = median(results.get("f"));
            System.out.printf("frames at 1 fps (f) against (a): %+.3f s wall per video, %+.3f s CPU per video%n",
                    (f.wall() - a.wall()) / n, (f.cpu() - a.cpu()) / n);
            System.out.printf("SHA-256 of a video and its WAV (%.1f MB), as the run takes it: %.1f ms per video "
                    + "(%.0f MB/s on one core)%n", hashedBytes[0] / 1e6 / n, hash * 1000 / n, hashedBytes[0] / 1e6 / hash);
        }
        scale(work);
    }

    /** {self, children} CPU seconds of a run of the tool, from the runs/<timestamp>.json it wrote. */
    static double[] runCpu(Path out) throws IOException {
        try (var runs = Files.list(out.resolve("runs"))) {
            Path run = runs.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
            var cpu = Fixture.JSON.readTree(run.toFile()).path("cpu_seconds");
            return new double[] {cpu.path("self").asDouble(), cpu.path("children").asDouble()};
        }
    }

    static Measure median(List<Measure> measures) {
        List<Measure> ms = new ArrayList<>(measures);
        ms.sort((x, y) -> Double.compare(x.wall(), y.wall()));
        return ms.get(ms.size() / 2);
    }

    static List<String> withFrames(List<String> cmd) {
        List<String> out = new ArrayList<>(cmd);
        out.addAll(List.of("--frames", "1"));
        return out;
    }

    static void report(Map<String, List<Measure>> results, int n, int w, List<Long> firstRequest, List<double[]> ownCpu) {
        Map<String, String> names = Map.of("a", "(a) avqa-downloader", "b", "(b) sequential script",
                "c", "(c) xargs -P W script", "f", "(f) avqa-downloader --frames 1");
        System.out.println();
        System.out.println("| variant | wall s (median) | videos/s | CPU s per video | peak RSS MB |");
        System.out.println("| --- | --- | --- | --- | --- |");
        Map<String, Measure> median = new LinkedHashMap<>();
        for (String v : List.of("a", "b", "c", "f")) {
            List<Measure> ms = new ArrayList<>(results.get(v));
            ms.sort((x, y) -> Double.compare(x.wall(), y.wall()));
            Measure m = ms.get(ms.size() / 2);
            median.put(v, m);
            System.out.printf("| %s | %.1f | %.2f | %.2f | %.0f |%n", names.get(v), m.wall(), n / m.wall(),
                    m.cpu() / n, m.maxRssKb() / 1024.0);
        }
        Measure a = median.get("a");
        Measure b = median.get("b");
        Measure c = median.get("c");
        System.out.printf("%nratio (a)/(b) wall: %.2f   ratio (a)/(c) wall: %.2f%n", a.wall() / b.wall(), a.wall() / c.wall());
        ownCpu.sort((x, y) -> Double.compare(x[0], y[0]));
        double[] own = ownCpu.get(ownCpu.size() / 2);
        System.out.printf("tool's own cost per video: %.3f s CPU in the JVM (its child processes: %.3f s CPU); "
                        + "wall minus the children's CPU spread over %d workers: %.3f s%n",
                own[0] / n, own[1] / n, w, (a.wall() - own[1] / w) / n);
        firstRequest.sort(null);
        System.out.printf("JVM start to first download request: %d ms (median of %d)%n",
                firstRequest.get(firstRequest.size() / 2), firstRequest.size());
    }

    /** Scale: a 1M-row plan, a rerun over 100k complete videos, one completion among 100k. */
    static void scale(Path work) throws Exception {
        System.out.println();
        Path meta = work.resolve("scale-meta");
        Files.createDirectories(meta);
        Path annotations = meta.resolve("avqa-test.json");
        int unique = 100_000;
        if (!Files.isRegularFile(annotations)) {
            StringBuilder json = new StringBuilder(1 << 26).append('[');
            for (int q = 0; q < 1_000_000; q++) {
                if (q > 0) {
                    json.append(',');
                }
                json.append("{\"video_id\": \"").append(String.format("s%010d", q % unique))
                        .append("\", \"question_id\": ").append(q)
                        .append(", \"type\": \"[\\\"Audio\\\", \\\"Counting\\\"]\", \"question_content\": \"How many?\","
                                + " \"templ_values\": \"[]\", \"question_deleted\": 0, \"anser\": \"two\"}");
            }
            Files.writeString(annotations, json.append(']'));
        }
        Path plan = work.resolve("scale-plan");
        FileTrees.deleteTree(plan, true);
        List<String> dryRun = tool(plan, meta, SettingsTable.YOUTUBE_TEMPLATE, 2);
        dryRun.add("--dry-run");
        dryRun.add(1, "-Xmx512m");
        Measure m = time(dryRun);
        System.out.printf("plan 1,000,000 question rows (%d unique ids), -Xmx512m: %.1f s wall, peak RSS %.0f MB%n",
                unique, m.wall(), m.maxRssKb() / 1024.0);

        // a manifest of a million rows (JSON Lines), read one line at a time
        Path manifest = work.resolve("scale-manifest.jsonl");
        if (!Files.isRegularFile(manifest)) {
            try (var out = Files.newBufferedWriter(manifest)) {
                for (int i = 0; i < 1_000_000; i++) {
                    out.write(String.format("{\"id\": \"m%07d\", \"url\": \"http://127.0.0.1:9/v/m%07d.mp4\", "
                            + "\"start\": \"0:05\", \"duration\": \"60\"}%n", i, i));
                }
            }
        }
        Path manifestPlan = work.resolve("scale-manifest-plan");
        FileTrees.deleteTree(manifestPlan, true);
        Path oneMeta = work.resolve("scale-one");
        Fixture.annotations(oneMeta, "test", List.of("m0000000"));
        List<String> manifestRun = tool(manifestPlan, oneMeta, SettingsTable.YOUTUBE_TEMPLATE, 2);
        manifestRun.addAll(List.of("--manifest", manifest.toString(), "--dry-run"));
        manifestRun.add(1, "-Xmx512m");
        Measure mm = time(manifestRun);
        System.out.printf("plan a 1,000,000-row JSON Lines manifest, -Xmx512m: %.1f s wall, peak RSS %.0f MB%n",
                mm.wall(), mm.maxRssKb() / 1024.0);

        // a million failure records: failed_downloads.json rebuilt at the end of a run, as a stream
        Path failing = work.resolve("scale-failed");
        if (!Files.isDirectory(failing.resolve("failed"))) {
            Files.createDirectories(failing.resolve("failed"));
            for (int i = 0; i < 1_000_000; i++) {
                String id = String.format("f%07d", i);
                Files.writeString(failing.resolve("failed/" + id + ".json"), "{\"id\":\"" + id + "\",\"category\":"
                        + "\"transient\",\"reason\":\"network failure while downloading\",\"last_error\":\"reset\","
                        + "\"attempts\":5,\"at\":\"2026-11-29T00:00:00Z\"}");
            }
        }
        List<String> failedRun = tool(failing, oneMeta, SettingsTable.YOUTUBE_TEMPLATE, 2);
        failedRun.add(1, "-Xmx512m");
        Measure fm = time(failedRun);
        System.out.printf("a run that rebuilds failed_downloads.json from 1,000,000 failure records, -Xmx512m: "
                + "%.1f s wall, peak RSS %.0f MB, %d MB written%n", fm.wall(), fm.maxRssKb() / 1024.0,
                Files.size(failing.resolve("failed_downloads.json")) >> 20);

        Path rerun = work.resolve("scale-rerun");
        if (!Files.isDirectory(rerun.resolve("videos"))) {
            Files.createDirectories(rerun.resolve("videos"));
            Files.createDirectories(rerun.resolve("audio"));
            List<String> done = new ArrayList<>();
            for (int i = 0; i < unique; i++) {
                String id = String.format("s%010d", i);
                Files.createFile(rerun.resolve("videos/" + id + ".mp4"));
                Files.createFile(rerun.resolve("audio/" + id + ".wav"));
                done.add(id);
            }
            Files.write(rerun.resolve("download_progress.json"),
                    Fixture.JSON.writeValueAsBytes(Map.of("completed", done, "timestamp", "2026-01-01T00:00:00Z")));
        }
        // a rerun finds the annotations a first run fetched into metadata/
        Files.createDirectories(rerun.resolve("metadata"));
        if (!Files.isRegularFile(rerun.resolve("metadata/avqa-test.json"))) {
            Files.copy(annotations, rerun.resolve("metadata/avqa-test.json"));
        }
        List<Double> walls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            walls.add(time(tool(rerun, meta, SettingsTable.YOUTUBE_TEMPLATE, 2)).wall());
        }
        walls.sort(null);
        String summary = Fixture.lastSummary(rerun);
        System.out.printf("rerun over %d complete videos (placeholders; presence is trusted, no ffprobe): %.1f s wall "
                + "(whole process, median of 3) -> %s%n", unique, walls.get(1),
                summary.replaceAll(".*Run finished in ([^:]+):.*", "run $1"));

        ProgressBook book = new ProgressBook(rerun);
        book.load();
        book.snapshot();
        long journalBefore = Files.exists(rerun.resolve(".download_progress.journal"))
                ? Files.size(rerun.resolve(".download_progress.journal")) : 0;
        int k = 2000;
        long t0 = System.nanoTime();
        for (int i = 0; i < k; i++) {
            book.markComplete(String.format("x%010d", i));
        }
        long perCompletion = (System.nanoTime() - t0) / k;
        long written = Files.size(rerun.resolve(".download_progress.journal")) - journalBefore;
        System.out.printf("record one completion with %d recorded: %d us (median-free mean of %d, each an "
                + "fsync'd journal line of %d bytes; download_progress.json untouched)%n",
                book.size() - k, perCompletion / 1000, k, written / k);
        book.snapshot();
    }

    /** The jar as scripts/avqa.sh runs it: with the class-data archive that scripts/jvm.sh made, when there. */
    static List<String> tool(Path out, Path meta, String template, int workers) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Files.isRegularFile(Path.of("target", "avqa-downloader.jsa"))) {
            cmd.addAll(List.of("-XX:SharedArchiveFile=target/avqa-downloader.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        cmd.addAll(List.of("-jar", "target/avqa-downloader.jar",
                "--dataset", "music-avqa", "--metadata-url", "file:" + meta, "--splits", "test",
                "--data-dir", out.toString(), "--source-url-template", template, "--workers", String.valueOf(workers),
                "--sleep", "0", "--jitter", "0", "--max-requests", "1000000", "--period", "1", "--rate-limit", "1G",
                "--status-interval", "3600"));
        return cmd;
    }

    /** The script a user would write: yt-dlp then ffmpeg per video, sequential or under xargs -P. */
    static List<String> script(Path out, String template, List<String> ids, int parallel) throws IOException {
        String one = "yt-dlp --ignore-config --no-playlist --no-progress -q -f 'best[height<=?480]' "
                + "-o \"" + out + "/videos/$0.%(ext)s\" \"" + template.replace("{id}", "$0") + "\" && "
                + "ffmpeg -nostdin -loglevel error -y -i \"" + out + "/videos/$0.mp4\" -vn -c:a pcm_s16le \""
                + out + "/audio/$0.wav\"";
        Path list = out.resolve("ids.txt");
        Files.write(list, ids);
        Files.createDirectories(out.resolve("videos"));
        Files.createDirectories(out.resolve("audio"));
        String cmd = parallel == 1
                ? "while read id; do sh -c '" + one.replace("'", "'\\''") + "' \"$id\" || exit 1; done < " + list
                : "xargs -P " + parallel + " -I{} sh -c '" + one.replace("'", "'\\''") + "' {} < " + list;
        return new ArrayList<>(List.of("bash", "-c", cmd));
    }

    static Measure time(List<String> cmd) throws Exception {
        Path report = Files.createTempFile("bench-time", ".txt");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-o", report.toString(), "-f", "%e %U %S %M"));
        timed.addAll(cmd);
        Process p = new ProcessBuilder(timed).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "bench", "last-run.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", cmd) + " (see target/bench/last-run.log)");
        }
        String[] f = Files.readString(report).strip().split("\\s+");
        Files.delete(report);
        return new Measure(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Long.parseLong(f[3]));
    }

    static void check(Path out, List<String> ids, String variant) {
        for (String id : ids) {
            if (!Files.isRegularFile(out.resolve("videos/" + id + ".mp4")) || !Files.isRegularFile(out.resolve("audio/" + id + ".wav"))
                    || variant.equals("f") && !Files.isRegularFile(out.resolve("frames/" + id + "/000060.jpg"))) {
                throw new IllegalStateException("variant " + variant + " did not produce " + id);
            }
        }
    }

    /** A 60-second 360p H.264 + AAC clip, like a MUSIC-AVQA video (cached in target/bench). */
    static Path clip(Path work, int k) throws Exception {
        Path out = work.resolve("clip" + k + ".mp4");
        if (Files.isRegularFile(out)) {
            return out;
        }
        Path tmp = work.resolve("clip" + k + ".tmp.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=60",
                "-f", "lavfi", "-i", "sine=frequency=" + (220 + 55 * k) + ":sample_rate=44100:duration=60",
                "-c:v", "libx264", "-preset", "veryfast", "-b:v", "600k", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "128k", "-shortest", "-movflags", "+faststart", tmp.toString()).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg could not make a benchmark clip");
        }
        Files.move(tmp, out);
        return out;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "unknown CPU";
    }
}
