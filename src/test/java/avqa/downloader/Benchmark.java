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
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark (run it with {@code bench/run.sh}; see the README). It generates clips shaped like
 * MUSIC-AVQA videos (60 s, 640x360, H.264 + AAC; cached), serves N of them from nginx on 127.0.0.1 as
 * plain {@code .mp4} files ({@code /v/<id>.mp4}) and as extension-less "pages" yt-dlp fetches
 * ({@code /p/<id>}), packs them into a zip, and times each way this tool fetches against the strongest
 * simple thing a user would run instead, interleaved round by round so drift hits all alike, at two
 * sizes (N/2 and N) to separate the fixed start-up from the cost per video:
 * <ul>
 *   <li>fast path vs {@code xargs -P W}: curl, then ffmpeg to WAV (and the fast path with its look-ahead off);</li>
 *   <li>{@code --import-archive} vs unzip, then {@code xargs -P W} ffmpeg to WAV;</li>
 *   <li>the yt-dlp path one video per start vs {@code xargs -P W}: yt-dlp, then ffmpeg (the set-up's
 *       current yt-dlp and Debian's);</li>
 *   <li>the yt-dlp path in batches vs W × {@code yt-dlp -a list --exec ffmpeg…};</li>
 *   <li>{@code --frames 1} on the fast path vs curl, ffmpeg to WAV and the reference code's
 *       {@code ffmpeg -i V -r 1 DIR/%06d.jpg}.</li>
 * </ul>
 * Every variant must leave N valid WAVs. Then the start-up (JVM start to the first request, plain
 * {@code java -jar} and with the class-data archive, beside a bare Camel Main's start to its one request) and the scale figures: planning 1,000,000
 * question rows, a rerun over 100,000 complete videos, a 1,000,000-row manifest, a million failure
 * records.
 */
public final class Benchmark {

    record Measure(double wall, double user, double sys, long maxRssKb) {
        double cpu() {
            return user + sys;
        }
    }

    /** One thing timed: how to run it into an output folder, and what it must leave there. */
    record Variant(String key, String label, String peerOf, boolean frames, Runner run) {
    }

    interface Runner {
        List<String> command(Path out, List<String> ids) throws Exception;
    }

    static Path work;
    static int port;
    static Path ytDlpCurrent;
    static final Path YT_DLP_DEBIAN = Path.of("/usr/bin/yt-dlp");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int w = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean onlyScale = args.length > 3 && args[3].equals("scale");
        // or only the start-up figures
        boolean onlyStartUp = args.length > 3 && args[3].equals("start-up");
        // or only the fast path's stage timeline (one run of N videos under strace)
        boolean timeline = args.length > 3 && args[3].equals("timeline");
        // or only some variants, by name (such as import,unzip): their comparison alone, no start-up or scale figures
        Set<String> only = args.length > 3 && !onlyScale && !onlyStartUp && !timeline ? Set.of(args[3].split(",")) : Set.of();
        work = Path.of("target", "bench").toAbsolutePath();
        Files.createDirectories(work);
        ytDlpCurrent = Path.of(".tools/yt-dlp/bin/yt-dlp").toAbsolutePath();
        System.out.printf("Benchmark: N=%d and %d videos, W=%d workers, %d rounds; %d cores; %s; yt-dlp %s (Debian: %s)%n",
                n / 2, n, w, rounds, Runtime.getRuntime().availableProcessors(), cpuModel(),
                Files.isExecutable(ytDlpCurrent) ? YtDlpVersions.version(ytDlpCurrent) : "missing",
                Files.isExecutable(YT_DLP_DEBIAN) ? YtDlpVersions.version(YT_DLP_DEBIAN) : "missing");
        if (!onlyScale) {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(String.format("bench%06d", i));
            }
            Process nginx = nginx(all);
            try {
                if (timeline) {
                    timeline(all, w);
                    return;
                }
                if (!onlyStartUp) {
                    compare(all, n, w, rounds, only);
                }
                if (only.isEmpty()) {
                    // at least 5 rounds: a start varies more than a run
                    startUp(all.get(0), Math.max(5, rounds));
                }
            } finally {
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (only.isEmpty() && !onlyStartUp) {
            scale(work);
        }
    }

    static List<Variant> variants(int w) {
        String v = "http://127.0.0.1:" + port + "/v/{id}.mp4";
        String page = "http://127.0.0.1:" + port + "/p/{id}";
        List<Variant> list = new ArrayList<>();
        list.add(new Variant("fast", "tool, fast path (plain .mp4)", null, false, (out, ids) -> tool(out, meta(ids), v, w)));
        list.add(new Variant("curl", "xargs -P W: curl, ffmpeg -> WAV", "fast", false,
                (out, ids) -> xargs(out, ids, w, "curl -sSf -o \"$V\" " + url(v) + " && " + wav())));
        list.add(new Variant("fast-in-turn", "tool, fast path, each video finished before its worker's next (look-ahead 0)",
                null, false, (out, ids) -> {
                    List<String> cmd = tool(out, meta(ids), v, w);
                    cmd.add(1, "-Davqa.download.look-ahead=0");
                    return cmd;
                }));
        list.add(new Variant("import", "tool, --import-archive (zip)", null, false, (out, ids) -> {
            // a source that answers nothing: every video must come from the archive
            List<String> cmd = tool(out, meta(ids), "http://127.0.0.1:9/{id}.mp4", w);
            cmd.addAll(List.of("--import-archive", zip(ids).toString()));
            return cmd;
        }));
        list.add(new Variant("unzip", "unzip, then xargs -P W ffmpeg -> WAV", "import", false, (out, ids) -> sh(
                "mkdir -p " + out + "/videos " + out + "/audio && unzip -q -o " + zip(ids) + " -d " + out + "/videos && "
                        + String.join(" ", xargs(out, ids, w, wav()).subList(2, 3)))));
        list.add(new Variant("ytdlp", "tool, yt-dlp path, one video per start", null, false, (out, ids) -> {
            List<String> cmd = tool(out, meta(ids), page, w);
            cmd.add(1, "-Davqa.download.batch=1");
            return cmd;
        }));
        list.add(new Variant("loop", "xargs -P W: yt-dlp, ffmpeg -> WAV", "ytdlp", false,
                (out, ids) -> xargs(out, ids, w, ytDlp(ytDlpCurrent) + " -o \"$V\" " + url(page) + " && " + wav())));
        if (Files.isExecutable(YT_DLP_DEBIAN)) {
            list.add(new Variant("loop-debian", "the same with Debian's yt-dlp", "ytdlp", false,
                    (out, ids) -> xargs(out, ids, w, ytDlp(YT_DLP_DEBIAN) + " -o \"$V\" " + url(page) + " && " + wav())));
        }
        list.add(new Variant("batched", "tool, yt-dlp path in batches", null, false, (out, ids) -> tool(out, meta(ids), page, w)));
        list.add(new Variant("batch", "W x yt-dlp -a list --exec ffmpeg -> WAV", "batched", false, (out, ids) -> batchPeer(out, ids, w, page)));
        list.add(new Variant("frames", "tool, fast path, --frames 1", null, true, (out, ids) -> {
            List<String> cmd = tool(out, meta(ids), v, w);
            cmd.addAll(List.of("--frames", "1"));
            return cmd;
        }));
        list.add(new Variant("ref-frames", "xargs -P W: curl, ffmpeg -> WAV, ffmpeg -r 1 -> JPEGs", "frames", true,
                (out, ids) -> xargs(out, ids, w, "curl -sSf -o \"$V\" " + url(v) + " && " + wav() + " && mkdir -p \"$F\" && "
                        + "ffmpeg -nostdin -loglevel error -y -i \"$V\" -r 1 \"$F/%06d.jpg\"")));
        return list;
    }

    /** Each variant at N/2 and N, interleaved round by round; the medians, ratios, and the cost per video. */
    static void compare(List<String> all, int n, int w, int rounds, Set<String> only) throws Exception {
        List<Variant> variants = new ArrayList<>(variants(w));
        if (!only.isEmpty()) {
            variants.removeIf(v -> !only.contains(v.key()));
        }
        int[] sizes = {n / 2, n};
        Map<String, List<Measure>> results = new LinkedHashMap<>();
        List<Long> hashMicros = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int size : sizes) {
                List<String> ids = all.subList(0, size);
                for (int k = 0; k < variants.size(); k++) {
                    Variant variant = variants.get((k + r) % variants.size());
                    Path out = work.resolve("out-" + variant.key());
                    FileTrees.deleteTree(out, true);
                    Files.createDirectories(out);
                    Measure m = time(variant.run().command(out, ids));
                    check(out, ids, variant);
                    if (variant.key().equals("fast") && size == n) {
                        hashMicros.add(hashCost(out, ids));
                    }
                    results.computeIfAbsent(variant.key() + "@" + size, x -> new ArrayList<>()).add(m);
                    System.out.printf("  round %d, N=%d, %s: %.1f s%n", r + 1, size, variant.key(), m.wall());
                }
            }
        }
        System.out.println();
        System.out.printf("| what runs (N=%d, W=%d) | wall s | videos/s | CPU s per video | peak RSS MB | per video s (slope N/2..N) "
                + "| fixed s | ratio to its peer |%n", n, w);
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Variant v : variants) {
            Measure big = median(results.get(v.key() + "@" + n));
            Measure small = median(results.get(v.key() + "@" + n / 2));
            double slope = (big.wall() - small.wall()) / (n - n / 2);
            double fixed = big.wall() - slope * n;
            String ratio = "";
            for (Variant peer : variants) {
                if (v.key().equals(peer.peerOf())) {
                    ratio += String.format("%s%.2f vs %s", ratio.isEmpty() ? "" : "; ", big.wall()
                            / median(results.get(peer.key() + "@" + n)).wall(), peer.key());
                }
            }
            System.out.printf("| %s: %s | %.1f | %.2f | %.3f | %.0f | %.3f | %.2f | %s |%n", v.key(), v.label(), big.wall(),
                    n / big.wall(), big.cpu() / n, big.maxRssKb() / 1024.0, slope, fixed, ratio);
        }
        hashMicros.sort(null);
        if (!hashMicros.isEmpty()) {
            System.out.printf("%nSHA-256 of a video and its WAV, as the run takes it (from the page cache): %.1f ms per video%n",
                    hashMicros.get(hashMicros.size() / 2) / 1000.0 / n);
        }
    }

    /** One fast-path run of every video under strace, and the time of each stage of a video ({@link StageTimeline}). */
    static void timeline(List<String> ids, int w) throws Exception {
        Path out = work.resolve("out-timeline");
        FileTrees.deleteTree(out, true);
        Files.createDirectories(out);
        Path trace = work.resolve("timeline.strace");
        List<String> cmd = new ArrayList<>(StageTimeline.STRACE);
        cmd.add(trace.toString());
        cmd.addAll(tool(out, meta(ids), "http://127.0.0.1:" + port + "/v/{id}.mp4", w));
        Measure m = time(cmd);
        check(out, ids, variants(w).get(0));
        System.out.printf("%nThe fast path under strace, N=%d, W=%d: %.1f s (the trace: %s)%n", ids.size(), w, m.wall(), trace);
        System.out.print(StageTimeline.report(trace));
    }

    /** The time to hash again, in this JVM, the files a run placed (what hashing them costs the run). */
    static long hashCost(Path out, List<String> ids) throws IOException {
        long t0 = System.nanoTime();
        for (String id : ids) {
            Checksums.sha256(out.resolve("videos/" + id + ".mp4"));
            Checksums.sha256(out.resolve("audio/" + id + ".wav"));
        }
        return (System.nanoTime() - t0) / 1000;
    }

    /**
     * What reading every packet costs: the peers' ffmpeg (the WAV alone) against the tool's one pass (the
     * WAV, and every packet copied to nowhere with -xerror, so a file cut short fails), on the same
     * 60-second clip, interleaved, 11 times each; medians of wall and CPU time.
     */
    static void packetCheckCost(Path work) throws Exception {
        Path clip = work.resolve("clip0.mp4");
        if (!Files.isRegularFile(clip)) {
            System.out.println("every-packet check: no clip in target/bench (run the whole benchmark once)");
            return;
        }
        Path wav = work.resolve("packet-check.wav");
        List<String> peer = List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", clip.toString(), "-vn",
                "-c:a", "pcm_s16le", wav.toString());
        List<String> tool = List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-xerror", "-y", "-i",
                clip.toString(), "-map", "0:a:0", "-vn", "-sn", "-dn", "-c:a", "pcm_s16le", wav.toString(),
                "-map", "0", "-c", "copy", "-f", "null", "-");
        List<Measure> peers = new ArrayList<>();
        List<Measure> tools = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            peers.add(time(peer));
            tools.add(time(tool));
        }
        Measure p = median(peers);
        Measure t = median(tools);
        peers.sort((x, y) -> Double.compare(x.cpu(), y.cpu()));
        tools.sort((x, y) -> Double.compare(x.cpu(), y.cpu()));
        System.out.printf("every-packet check on a 60 s clip: ffmpeg -> WAV %.0f ms wall, %.0f ms CPU; the tool's one pass "
                        + "(WAV + every packet to a null output, -xerror) %.0f ms wall, %.0f ms CPU (medians of 11)%n",
                p.wall() * 1000, peers.get(5).cpu() * 1000, t.wall() * 1000, tools.get(5).cpu() * 1000);
        Files.deleteIfExists(wav);
    }

    /**
     * JVM start to the first request nginx logs: a plain java -jar (its run in a second JVM, FastStart), the
     * same in one JVM (-Davqa.relaunch=false), the JVM as scripts/avqa.sh starts it (class-data archive, C1 only), and
     * scripts/avqa.sh itself from its own start (its check of the tools, then that JVM); beside them, interleaved,
     * the reference: a bare Camel Main's start to its one request ({@link StartReference}), which says how fast the
     * machine starts a Camel application that day.
     */
    static void startUp(String id, int rounds) throws Exception {
        System.out.println();
        List<String> hows = List.of("plain java -jar", "plain java -jar in one JVM (-Davqa.relaunch=false)",
                "as scripts/avqa.sh starts it (class-data archive, C1 only)",
                "scripts/avqa.sh itself, from its start (its check of the tools, then the JVM above)",
                "reference: a bare Camel Main, one YAML route, one HTTP GET (its own class-data archive, C1 only)");
        String url = "http://127.0.0.1:" + port + "/v/" + id + ".mp4";
        Path referenceArchive = work.resolve("reference.jsa");
        Files.deleteIfExists(referenceArchive);
        Files.deleteIfExists(work.resolve("reference.jar"));
        time(reference(url, "-XX:ArchiveClassesAtExit=" + referenceArchive));
        Map<String, List<Long>> ms = new LinkedHashMap<>();
        // interleaved, round by round, so that the machine's drift hits all alike
        for (int i = 0; i < rounds; i++) {
            for (String how : hows) {
                List<String> cmd;
                if (how.startsWith("reference")) {
                    cmd = reference(url, "-XX:SharedArchiveFile=" + referenceArchive);
                } else {
                    Path out = work.resolve("out-start");
                    FileTrees.deleteTree(out, true);
                    cmd = tool(out, meta(List.of(id)), "http://127.0.0.1:" + port + "/v/{id}.mp4", 1);
                    if (how.startsWith("scripts/avqa.sh")) {
                        List<String> args = cmd.subList(cmd.indexOf("target/avqa-downloader.jar") + 1, cmd.size());
                        cmd = new ArrayList<>(List.of("scripts/avqa.sh"));
                        cmd.addAll(args);
                    }
                    if (how.startsWith("plain")) {
                        cmd.removeIf(a -> a.startsWith("-XX:SharedArchiveFile") || a.startsWith("-Xlog:cds")
                                || a.startsWith("-XX:TieredStopAtLevel") || a.startsWith("-XX:CICompilerCount")
                                || a.equals("-XX:+UseTransparentHugePages"));
                    }
                    if (how.contains("one JVM")) {
                        cmd.add(1, "-Davqa.relaunch=false");
                    }
                }
                Path log = work.resolve("www-access.log");
                long before = Files.size(log);
                long started = System.currentTimeMillis();
                time(cmd);
                String first = Files.readString(log).substring((int) before).lines()
                        .filter(l -> l.contains("/v/" + id)).findFirst().orElseThrow();
                long at = Math.round(Double.parseDouble(first.split(" ")[0]) * 1000);
                ms.computeIfAbsent(how, k -> new ArrayList<>()).add(at - started);
            }
        }
        long reference = 0;
        for (String how : hows) {
            List<Long> sorted = new ArrayList<>(ms.get(how));
            sorted.sort(null);
            long median = sorted.get(sorted.size() / 2);
            System.out.printf("JVM start to first request, %s: %d ms (median of %d: %s)%n", how, median, sorted.size(), sorted);
            if (how.startsWith("reference")) {
                reference = median;
            }
        }
        for (String how : hows.subList(0, hows.size() - 1)) {
            List<Long> sorted = new ArrayList<>(ms.get(how));
            sorted.sort(null);
            System.out.printf("  %s: %.2f x the reference%n", how, (double) sorted.get(sorted.size() / 2) / reference);
        }
    }

    /**
     * The start-up's reference ({@link StartReference}) fetching this URL, with C1 only and this JVM option: its
     * class in a jar of its own (a class-data archive takes no folder on the class path) and the tool's runtime
     * libraries (bench/run.sh lists them), not its own classes or their Log4j configuration: a bare Camel application.
     */
    static List<String> reference(String url, String option) throws IOException {
        Path jar = work.resolve("reference.jar");
        if (!Files.isRegularFile(jar)) {
            String name = StartReference.class.getName().replace('.', '/') + ".class";
            Path part = work.resolve("reference.jar.part");
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(part))) {
                out.putNextEntry(new java.util.jar.JarEntry(name));
                out.write(Files.readAllBytes(Path.of("target", "test-classes", name)));
                out.closeEntry();
            }
            Files.move(part, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        String classpath = jar + java.io.File.pathSeparator
                + Files.readString(Path.of("target", "bench-runtime.classpath")).strip();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"));
        cmd.addAll(hugePages());
        cmd.addAll(List.of(option, "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-cp", classpath,
                "avqa.downloader.StartReference", url, work.resolve("reference").toString()));
        return cmd;
    }

    /** The heap in huge pages where Linux gives them on request, as scripts/jvm.sh and FastStart ask for them. */
    static List<String> hugePages() {
        return FastStart.hugePagesOnRequest(FastStart.HUGE_PAGES) ? List.of("-XX:+UseTransparentHugePages") : List.of();
    }

    /** nginx on a free port of 127.0.0.1 serving the clips as /v/<id>.mp4 and /p/<id>, logging each request's time. */
    static Process nginx(List<String> ids) throws Exception {
        Path www = work.resolve("www");
        Files.createDirectories(www.resolve("v"));
        Files.createDirectories(www.resolve("p"));
        for (int i = 0; i < ids.size(); i++) {
            Path clip = clip(work, i % 8);
            for (Path link : List.of(www.resolve("v/" + ids.get(i) + ".mp4"), www.resolve("p/" + ids.get(i)))) {
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, clip);
            }
        }
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = work.resolve("nginx.conf");
        Files.writeString(conf, "worker_processes 1;\n" + (isRoot() ? "user root;\n" : "") + "pid " + work.resolve("nginx.pid") + ";\n"
                + "error_log " + work.resolve("nginx-error.log") + ";\ndaemon off;\nevents { worker_connections 256; }\n"
                + "http {\n  log_format t '$msec $request_uri $status';\n  access_log " + work.resolve("www-access.log") + " t;\n"
                + "  sendfile on;\n  client_body_temp_path " + work.resolve("nginx-tmp") + ";\n"
                + "  types { video/mp4 mp4; }\n  server {\n    listen 127.0.0.1:" + port + ";\n    root " + www + ";\n"
                + "    location /p/ { default_type video/mp4; }\n  }\n}\n");
        Files.createDirectories(work.resolve("nginx-tmp"));
        Files.writeString(work.resolve("www-access.log"), "");
        Process p = new ProcessBuilder("nginx", "-c", conf.toString(), "-p", work.toString()).inheritIO().start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline || !p.isAlive()) {
                    throw new IllegalStateException("nginx did not start (see " + work.resolve("nginx-error.log") + ")");
                }
                Thread.sleep(20);
            }
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The annotations naming these ids (cached by size). */
    static Path meta(List<String> ids) throws IOException {
        Path meta = work.resolve("meta-" + ids.size());
        if (!Files.isRegularFile(meta.resolve("avqa-test.json"))) {
            Fixture.annotations(meta, "test", ids);
        }
        return meta;
    }

    /** A zip (stored, as video archives are) of these videos under their ids (cached by size). */
    static Path zip(List<String> ids) throws Exception {
        Path zip = work.resolve("videos-" + ids.size() + ".zip");
        if (!Files.isRegularFile(zip)) {
            Path dir = work.resolve("zip-" + ids.size());
            FileTrees.deleteTree(dir, true);
            Files.createDirectories(dir);
            for (int i = 0; i < ids.size(); i++) {
                Files.copy(clip(work, i % 8), dir.resolve(ids.get(i) + ".mp4"));
            }
            Process p = new ProcessBuilder("sh", "-c", "cd " + dir + " && zip -q -0 " + zip + " *.mp4").inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("zip failed");
            }
            FileTrees.deleteTree(dir, true);
        }
        return zip;
    }

    static String url(String template) {
        return "\"" + template.replace("{id}", "$0") + "\"";
    }

    static String wav() {
        return "ffmpeg -nostdin -loglevel error -y -i \"$V\" -vn -c:a pcm_s16le \"$A\"";
    }

    static String ytDlp(Path ytDlp) {
        return ytDlp + " --ignore-config --no-playlist --no-progress -q -f 'best[height<=?480]'";
    }

    /** {@code xargs -P W}, one shell per id with $V, $A and $F (video, WAV, frames folder) set. */
    static List<String> xargs(Path out, List<String> ids, int w, String perVideo) throws IOException {
        Path list = out.resolve("ids.txt");
        Files.write(list, ids);
        Files.createDirectories(out.resolve("videos"));
        Files.createDirectories(out.resolve("audio"));
        String one = "V=" + out + "/videos/$0.mp4; A=" + out + "/audio/$0.wav; F=" + out + "/frames/$0; " + perVideo;
        return sh("xargs -P " + w + " -I{} sh -c '" + one.replace("'", "'\\''") + "' {} < " + list);
    }

    /** W yt-dlp processes, each with its share of the list, each running ffmpeg on every file it fetched. */
    static List<String> batchPeer(Path out, List<String> ids, int w, String page) throws IOException {
        Files.createDirectories(out.resolve("videos"));
        Files.createDirectories(out.resolve("audio"));
        StringBuilder cmd = new StringBuilder();
        for (int k = 0; k < w; k++) {
            List<String> urls = new ArrayList<>();
            for (int i = k; i < ids.size(); i += w) {
                urls.add(page.replace("{id}", ids.get(i)));
            }
            Path list = out.resolve("urls-" + k + ".txt");
            Files.write(list, urls);
            cmd.append(ytDlp(ytDlpCurrent)).append(" -a ").append(list).append(" -o '").append(out)
                    .append("/videos/%(id)s.%(ext)s' --exec 'ffmpeg -nostdin -loglevel error -y -i %(filepath)q -vn -c:a pcm_s16le ")
                    .append(out).append("/audio/%(id)q.wav' & ");
        }
        cmd.append("wait");
        return sh(cmd.toString());
    }

    static List<String> sh(String script) {
        return new ArrayList<>(List.of("sh", "-c", script));
    }

    static Measure median(List<Measure> measures) {
        List<Measure> ms = new ArrayList<>(measures);
        ms.sort((x, y) -> Double.compare(x.wall(), y.wall()));
        return ms.get(ms.size() / 2);
    }

    /** Scale: a 1M-row plan, a rerun over 100k complete videos, one completion among 100k. */
    static void scale(Path work) throws Exception {
        packetCheckCost(work);
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
        for (String heap : List.of("-Xmx512m", "-Xmx1g", "-Xmx2g")) {
            List<String> withHeap = new ArrayList<>(manifestRun);
            withHeap.add(1, heap);
            FileTrees.deleteTree(manifestPlan, true);
            try {
                Measure mm = time(withHeap);
                System.out.printf("plan a 1,000,000-row JSON Lines manifest, %s: %.1f s wall, peak RSS %.0f MB%n",
                        heap, mm.wall(), mm.maxRssKb() / 1024.0);
                break;
            } catch (IllegalStateException e) {
                System.out.printf("plan a 1,000,000-row JSON Lines manifest, %s: did not finish (%s)%n", heap,
                        lastLine(Path.of("target", "bench", "last-run.log")));
            }
        }

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
        // timed twice: the million files' reading sets the figure, and the first run finds as many of them in the page
        // cache as the machine's last hours left there (82-104 s cold against 18 s warm on 2026-12-06); the second finds
        // them all
        Measure fm = time(failedRun);
        Measure warm = time(failedRun);
        System.out.printf("a run that rebuilds failed_downloads.json from 1,000,000 failure records, -Xmx512m: "
                + "%.1f s wall (the files as the page cache held them), %.1f s right after (all in the page cache), peak RSS "
                + "%.0f MB, %d MB written%n", fm.wall(), warm.wall(), Math.max(fm.maxRssKb(), warm.maxRssKb()) / 1024.0,
                Files.size(failing.resolve("failed_downloads.json")) >> 20);

        // a run whose plan holds 300,000 videos to dispatch (each failed permanently before: each goes through
        // stage 5 to its record, with no request), in a heap too small for an exchange per video made up front
        Path dispatching = work.resolve("scale-dispatch");
        Path dispatchManifest = work.resolve("scale-dispatch.jsonl");
        int planned = 300_000;
        if (!Files.isRegularFile(dispatchManifest)) {
            Files.createDirectories(dispatching.resolve("failed"));
            try (var out = Files.newBufferedWriter(work.resolve("scale-dispatch.tmp"))) {
                for (int i = 0; i < planned; i++) {
                    String id = String.format("p%07d", i);
                    out.write(String.format("{\"id\": \"%s\", \"url\": \"http://127.0.0.1:9/v/%s.mp4\", "
                            + "\"start\": \"0:05\", \"duration\": \"60\"}%n", id, id));
                    Files.writeString(dispatching.resolve("failed/" + id + ".json"), "{\"id\":\"" + id + "\",\"category\":"
                            + "\"permanent\",\"reason\":\"private video\",\"last_error\":\"private\",\"attempts\":1,"
                            + "\"at\":\"2026-11-29T00:00:00Z\"}");
                }
            }
            Files.move(work.resolve("scale-dispatch.tmp"), dispatchManifest);
        }
        List<String> dispatchRun = tool(dispatching, oneMeta, SettingsTable.YOUTUBE_TEMPLATE, 2);
        dispatchRun.addAll(List.of("--manifest", dispatchManifest.toString()));
        dispatchRun.add(1, "-Xmx256m");
        Files.deleteIfExists(dispatching.resolve("avqa_download.log"));
        Measure dm = time(dispatchRun, 1);
        String dispatched = Fixture.lastSummary(dispatching);
        System.out.printf("a run that dispatches %d planned videos (each failed permanently before: to its record, no "
                + "request), -Xmx256m: %.1f s wall, peak RSS %.0f MB -> %s%n", planned, dm.wall(), dm.maxRssKb() / 1024.0,
                dispatched.isEmpty() ? "did not finish (" + lastLine(Path.of("target", "bench", "last-run.log")) + ")"
                        : dispatched.replaceAll(".*Run finished in ([^:]+):.*", "run $1"));

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

    /** The jar as scripts/avqa.sh runs it: with the class-data archive the build made, when there. */
    static List<String> tool(Path out, Path meta, String template, int workers) {
        // as scripts/jvm.sh starts it: the JIT's C1 only with one compiler thread, the heap in huge pages where Linux
        // gives them on request, and the class-data archive
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"));
        cmd.addAll(hugePages());
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

    static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
    }

    static Measure time(List<String> cmd) throws Exception {
        return time(cmd, 0);
    }

    /** The command's wall time, CPU and peak RSS; it must exit with {@code exit}. */
    static Measure time(List<String> cmd, int exit) throws Exception {
        Path report = Files.createTempFile("bench-time", ".txt");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-o", report.toString(), "-f", "%e %U %S %M"));
        timed.addAll(cmd);
        Process p = new ProcessBuilder(timed).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "bench", "last-run.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != exit) {
            throw new IllegalStateException("failed: " + String.join(" ", cmd) + " (see target/bench/last-run.log)");
        }
        // GNU time puts "Command exited with non-zero status N" before its figures
        List<String> lines = Files.readAllLines(report);
        String[] f = lines.get(lines.size() - 1).strip().split("\\s+");
        Files.delete(report);
        return new Measure(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Long.parseLong(f[3]));
    }

    /** Every variant must leave a valid WAV (and, with frames, a second's frame) per video. */
    static void check(Path out, List<String> ids, Variant variant) throws IOException {
        for (String id : ids) {
            Path wav = out.resolve("audio/" + id + ".wav");
            if (!Files.isRegularFile(wav) || MediaValidator.wavSeconds(wav) < 59
                    || variant.frames() && !Files.isRegularFile(out.resolve("frames/" + id + "/000060.jpg"))) {
                throw new IllegalStateException(variant.key() + " did not produce " + id);
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
