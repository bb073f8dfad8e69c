package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One scale-out run in a {@link ManyHosts} lab: N videos published by a planner and fetched by K
 * worker hosts, each on its own address, from nginx with a limit per address. What it measured:
 * the videos per minute, and per host what the server answered it and how often it cooled down.
 * {@code ScaleOutTest} checks a run; {@code bench/scale-out.sh} ({@link #main}) measures 1, 2 and 3 hosts.
 */
final class ScaleOut {

    /** One host's share: its address, 200s and 429s the server gave it, its cool-downs and their times. */
    record HostShare(String address, Path log, long ok, long limited, List<Double> limitedAt, List<Double> coolDownsAt) {
    }

    /** What a run measured. */
    record Result(int hosts, int videos, double seconds, double perMinute, List<HostShare> shares, Path data,
                  List<String> ids, String queue) {
    }

    private static final Pattern COOL_DOWN = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3}) .*Cool-down: every worker pauses",
            Pattern.MULTILINE);

    private ScaleOut() {
    }

    /**
     * Runs N videos through K worker hosts started first; the planner publishes once they all listen.
     * {@code workerArgs}: the throttle and cool-down settings every worker gets.
     */
    static Result run(ManyHosts lab, List<NetLab.Host> hosts, Path clip, int n, Path work, List<String> workerArgs)
            throws Exception {
        String queue = "avqa.scale." + hosts.size() + "." + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("so%dh%06dv%03d", hosts.size(), System.nanoTime() % 1_000_000, i);
            ids.add(id);
            lab.nginx.serve(id, clip);
        }
        Path meta = work.resolve("meta");
        Fixture.annotations(meta, "test", ids);
        Path data = work.resolve("data");
        Map<String, String> env = lab.env(queue);
        List<Process> workers = new ArrayList<>();
        for (int h = 0; h < hosts.size(); h++) {
            List<String> args = ManyHosts.args("worker", data, meta, lab.nginx.template(), workerArgs.toArray(String[]::new));
            workers.add(lab.worker(hosts.get(h), args, env, work.resolve("worker" + h + ".out")));
        }
        try {
            Fixture.await("every worker listening to the queue", 120_000, () -> workers.stream()
                    .allMatch(p -> nodeLog(data, p).contains("takes videos from the queue")));
        } catch (AssertionError e) {
            // what each worker said, so that a worker that did not start says why
            StringBuilder said = new StringBuilder(e.getMessage());
            for (int h = 0; h < workers.size(); h++) {
                Process p = workers.get(h);
                String out = ClusterTest.read(work.resolve("worker" + h + ".out"));
                said.append("\n--- worker ").append(h).append(p.isAlive() ? " (running)" : " (exit " + p.exitValue() + ")")
                        .append(", the end of its output:\n").append(out.substring(Math.max(0, out.length() - 3000)));
            }
            throw new AssertionError(said.toString(), e);
        }
        Fixture.Outcome planned = lab.planner(ManyHosts.args("planner", data, meta, lab.nginx.template()), env,
                work.resolve("planner.out"));
        if (planned.exit() != 0) {
            throw new AssertionError("the planner failed: " + planned.stderr());
        }
        Fixture.await("every video recorded complete", 60_000L + n * 20_000L, 100,
                () -> lab.recorded(queue).keySet().containsAll(ids));
        double end = lab.lastRecorded(queue);
        for (Process p : workers) {
            p.destroy();
        }
        for (Process p : workers) {
            p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        List<LabNginx.Request> requests = lab.nginx.requests().stream().filter(r -> ids.contains(r.id())).toList();
        // from the first request the server saw to the last video recorded complete (both clocks of this machine)
        double seconds = end - requests.get(0).at();
        List<HostShare> shares = new ArrayList<>();
        for (int h = 0; h < hosts.size(); h++) {
            String address = hosts.get(h).address();
            List<LabNginx.Request> mine = requests.stream().filter(r -> r.client().equals(address)).toList();
            Path log = nodeLogFile(data, workers.get(h));
            shares.add(new HostShare(address, log, mine.stream().filter(r -> r.status() == 200).count(),
                    mine.stream().filter(r -> r.status() == 429).count(),
                    mine.stream().filter(r -> r.status() == 429).map(LabNginx.Request::at).toList(),
                    coolDownsAt(ClusterTest.read(log))));
        }
        return new Result(hosts.size(), n, seconds, n / seconds * 60, shares, data, ids, queue);
    }

    /** When each cool-down began, in epoch seconds, from a node's log. */
    static List<Double> coolDownsAt(String log) {
        List<Double> out = new ArrayList<>();
        Matcher m = COOL_DOWN.matcher(log);
        while (m.find()) {
            out.add(java.time.LocalDateTime.parse(m.group(1).replace(',', '.'))
                    .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli() / 1000.0);
        }
        return out;
    }

    /** The log a node writes into the data directory: avqa_download-<host>-<pid>.log. */
    static Path nodeLogFile(Path data, Process p) {
        try (Stream<Path> files = Files.list(data)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-" + p.pid() + ".log")).findFirst()
                    .orElse(data.resolve("none-" + p.pid() + ".log"));
        } catch (IOException e) {
            return data.resolve("none-" + p.pid() + ".log");
        }
    }

    static String nodeLog(Path data, Process p) {
        return Files.isDirectory(data) ? ClusterTest.read(nodeLogFile(data, p)) : "";
    }

    /**
     * bench/scale-out.sh [videos per worker host, default 30] [limit per address per minute, default 30]
     * [worker options]: 1, 2 and 3 hosts, each run on a fresh queue and data directory, with as many videos
     * per host (30, 60, 90), so that what a host pays once (its first 429 and cool-down) weighs the same
     * in every run; prints the table.
     */
    public static void main(String[] args) throws Exception {
        int perHost = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int perMinute = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<String> extra = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        String missing = ManyHosts.unavailable();
        if (missing != null) {
            System.err.println("scale-out benchmark cannot run: " + missing);
            System.exit(2);
        }
        Path work = Path.of(System.getenv().getOrDefault("SCALE_OUT_WORK", "target/bench/scale-out")).toAbsolutePath();
        if (Files.isDirectory(work)) {
            FileTrees.deleteTree(work, false);
        }
        Files.createDirectories(work);
        Path clip = Fixture.clip("tone-3s", 3, true);
        List<String> workerArgs = new ArrayList<>(workerArgs(perMinute));
        workerArgs.addAll(extra);
        int retryAfter = Integer.parseInt(System.getenv().getOrDefault("SCALE_OUT_RETRY_AFTER", "0"));
        System.out.printf("Scale-out: %d videos per worker host, nginx limit %d/min per address (burst %s, %s), workers: %s%n", perHost,
                perMinute, System.getenv().getOrDefault("SCALE_OUT_BURST", "2"), retryAfter > 0 ? "Retry-After: " + retryAfter : "no Retry-After", String.join(" ", workerArgs));
        Map<Integer, Result> results = new LinkedHashMap<>();
        int burst = Integer.parseInt(System.getenv().getOrDefault("SCALE_OUT_BURST", "2"));
        try (ManyHosts lab = new ManyHosts(work.resolve("lab"), perMinute, burst, "200k", retryAfter)) {
            List<NetLab.Host> hosts = List.of(lab.net.host(), lab.net.host(), lab.net.host());
            for (String count : System.getenv().getOrDefault("SCALE_OUT_HOSTS", "1,2,3").split(",")) {
                int k = Integer.parseInt(count.strip());
                Result r = run(lab, hosts.subList(0, k), clip, perHost * k, work.resolve("hosts-" + k), workerArgs);
                results.put(k, r);
                System.out.printf("%d host(s): %d videos in %.1f s = %.1f videos/min%n", k, r.videos(), r.seconds(), r.perMinute());
                for (HostShare s : r.shares()) {
                    System.out.printf("    %s: %d x 200, %d x 429, %d cool-downs%n", s.address(), s.ok(), s.limited(),
                            s.coolDownsAt().size());
                }
            }
        }
        double one = results.values().iterator().next().perMinute() / results.keySet().iterator().next();
        System.out.println();
        System.out.println("| worker hosts | videos | seconds | videos/min | × one host | 429s (per host) | cool-downs (per host) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (Result r : results.values()) {
            System.out.printf("| %d | %d | %.1f | %.1f | %.2f | %s | %s |%n", r.hosts(), r.videos(), r.seconds(), r.perMinute(),
                    r.perMinute() / one, r.shares().stream().map(s -> String.valueOf(s.limited())).toList(),
                    r.shares().stream().map(s -> String.valueOf(s.coolDownsAt().size())).toList());
        }
    }

    /** The same throttle for every worker: 20 % above the server's limit per address (the cool-down as by default). */
    static List<String> workerArgs(int perMinute) {
        return List.of("--workers", "3", "--max-requests", String.valueOf(perMinute + Math.max(1, perMinute / 5)),
                "--period", "60", "--retry-attempts", "10", "--backoff", "1");
    }
}
