package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The video host of the lab: Debian's nginx in a namespace of its own, serving {@code /v/<id>.mp4}
 * with a limit per client address ({@code limit_req_zone $binary_remote_addr}, answered with 429),
 * as the real sources limit each IP, and {@code /slow/<id>.mp4} (the same files, the same limit,
 * sent at {@code limit_rate}) for downloads that last long enough to be interrupted. Every request is
 * in its access log: time, client address, status, whether the body was sent whole, the URI.
 */
final class LabNginx implements AutoCloseable {

    /** One request as nginx logged it. */
    record Request(double at, String client, int status, boolean whole, String id) {
    }

    private final Path dir;
    private final NetLab.Host host;
    private Process process;

    /**
     * @param perMinute requests a client address may make per minute ({@code limit_req rate})
     * @param burst     requests above the rate it may make at once before the 429s begin (0: none; a request
     *                  sooner than 60 / perMinute seconds after the last is answered 429)
     * @param slowRate  bytes per second of {@code /slow/}
     * @param retryAfter seconds a 429 asks the client to wait (its Retry-After header), or 0 for no such header
     *                   (nginx's own behaviour)
     */
    LabNginx(Path dir, NetLab.Host host, int perMinute, int burst, String slowRate, int retryAfter) throws IOException {
        this.dir = dir;
        this.host = host;
        Files.createDirectories(dir.resolve("v"));
        Files.writeString(dir.resolve("nginx.conf"), """
                user root;
                worker_processes 1;
                daemon off;
                pid DIR/nginx.pid;
                error_log DIR/error.log notice;
                events { worker_connections 512; }
                http {
                  types { video/mp4 mp4; }
                  default_type application/octet-stream;
                  client_body_temp_path DIR/tmp-body; proxy_temp_path DIR/tmp-proxy; fastcgi_temp_path DIR/tmp-fcgi;
                  uwsgi_temp_path DIR/tmp-uwsgi; scgi_temp_path DIR/tmp-scgi;
                  log_format lab '$msec $remote_addr $status $request_completion $uri';
                  access_log DIR/access.log lab;
                  limit_req_zone $binary_remote_addr zone=perip:1m rate=RATEr/m;
                  limit_req_status 429;
                  map $status $retry_after { 429 "RETRY"; default ""; }
                  add_header Retry-After $retry_after always;
                  server {
                    listen ADDRESS:80;
                    location /v/ { alias DIR/v/; limit_req zone=perip BURST; }
                    location /slow/ { alias DIR/v/; limit_req zone=perip BURST; limit_rate SLOW; }
                  }
                }
                """.replace("DIR", dir.toString()).replace("ADDRESS", host.address()).replace("RATE", String.valueOf(perMinute))
                .replace("BURST", burst > 0 ? "burst=" + burst + " nodelay" : "").replace("SLOW", slowRate)
                .replace("RETRY", retryAfter > 0 ? String.valueOf(retryAfter) : ""));
    }

    /** What is missing on this machine for the lab's video host, or null. */
    static String unavailable() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? null
                : "nginx is not installed (apt-get install nginx-light; .ci/run does)";
    }

    /** Serves {@code clip} as {@code /v/<id>.mp4} (a hard link: no copy). */
    LabNginx serve(String id, Path clip) throws IOException {
        Path target = dir.resolve("v/" + id + ".mp4");
        Files.deleteIfExists(target);
        try {
            Files.createLink(target, clip);
        } catch (IOException | UnsupportedOperationException crossDevice) {
            Files.copy(clip, target);
        }
        return this;
    }

    String template() {
        return "http://" + host.address() + "/v/{id}.mp4";
    }

    String slowTemplate() {
        return "http://" + host.address() + "/slow/{id}.mp4";
    }

    LabNginx start() throws Exception {
        process = new ProcessBuilder(host.command(List.of("/usr/sbin/nginx", "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString())))
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        Fixture.await("nginx listening in its namespace", 30_000, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited: " + ClusterTest.read(dir.resolve("nginx.out"))
                        + ClusterTest.read(dir.resolve("error.log")));
            }
            return ClusterTest.read(dir.resolve("error.log")).contains("start worker process");
        });
        return this;
    }

    /** Every request so far, in order. */
    List<Request> requests() {
        List<Request> out = new ArrayList<>();
        for (String line : ClusterTest.read(dir.resolve("access.log")).split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 5) {
                String file = f[4].substring(f[4].lastIndexOf('/') + 1);
                out.add(new Request(Double.parseDouble(f[0]), f[1], Integer.parseInt(f[2]), "OK".equals(f[3]),
                        file.endsWith(".mp4") ? file.substring(0, file.length() - 4) : file));
            }
        }
        return out;
    }

    /** How many times each video's body was sent whole with 200. */
    Map<String, Integer> wholeBodies() {
        Map<String, Integer> out = new HashMap<>();
        for (Request r : requests()) {
            if (r.status() == 200 && r.whole()) {
                out.merge(r.id(), 1, Integer::sum);
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }
}
