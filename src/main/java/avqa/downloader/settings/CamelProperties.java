package avqa.downloader.settings;

import java.util.Properties;

/**
 * The settings as Camel sees them: every resolved {@code avqa.*} value, plus the derived numbers the
 * routes use ({@code {{avqa.throttle.gap-millis}}} and the like), plus the Camel settings that
 * follow from ours.
 */
public final class CamelProperties {

    private CamelProperties() {
    }

    public static Properties of(Settings s) {
        Properties p = new Properties();
        s.values().forEach(p::setProperty);
        p.setProperty("avqa.data-dir", s.dataDir().toString());
        p.setProperty("avqa.metadata.dir", s.metadataDir());
        p.setProperty("avqa.metadata.kind", s.metadataDir().isEmpty() ? "http" : "file");
        // what the log may say of that URL: no credentials
        p.setProperty("avqa.metadata.base-url-shown", avqa.downloader.Redact.url(s.get("avqa.metadata.base-url")));
        p.setProperty("avqa.broker.queue-shown", s.get("avqa.broker.queue"));
        p.setProperty("avqa.schedule.cron-uri", s.get("avqa.schedule.cron").trim().replaceAll("\\s+", "+"));
        // the fast path's HTTP client: a body that stops coming for this long is given up (as yt-dlp's
        // --socket-timeout 30, or the download timeout when that is shorter)
        String stall = String.valueOf(Math.min(30_000, s.millis("avqa.download.timeout")));
        p.setProperty("camel.component.http.so-timeout", stall);
        p.setProperty("camel.component.http.response-timeout", stall);
        // and a connection (with its TLS handshake, whose reads HttpClient times by this) within a second less (half,
        // for a short one): a host that takes no connection is then said so, before the answer's own deadline
        // (AnswerDeadline, as long as the stall) ends the request as one whose answer did not come
        long stallMillis = Long.parseLong(stall);
        p.setProperty("camel.component.http.connect-timeout", String.valueOf(Math.max(stallMillis / 2, stallMillis - 1000)));
        // the HTTP client follows redirects only to http(s), never repeats a request itself, asks for no compression
        p.setProperty("camel.component.http.http-client-configurer", "#httpClientSetup");
        // every request passes the pacing: the client must not repeat a 429 or 503 by itself (HttpClient 5
        // would, once, a second later, ignoring the cool-down); our redelivery policy is the only retry
        p.setProperty("camel.component.http.automatic-retries-disabled", "true");
        // these values already are the command line > -D > environment > file precedence: Camel must
        // not look at the environment or system properties again (it would put them first)
        p.setProperty("camel.component.properties.environment-variable-mode", "0");
        p.setProperty("camel.component.properties.system-properties-mode", "0");
        millis(p, s, "avqa.status.interval");
        millis(p, s, "avqa.schedule.recheck");
        p.setProperty("avqa.throttle.gap-millis", String.valueOf(throttleGapMillis(s)));
        millis(p, s, "avqa.download.timeout");
        millis(p, s, "avqa.extract.timeout");
        millis(p, s, "avqa.progress.snapshot-interval");
        // the threads that do an import's media work (import-media): more than the ffmpeg runs (avqa.workers at a
        // time, FfmpegRuns), so that entries wait for a run and share it
        p.setProperty("avqa.media-threads", String.valueOf(mediaThreads(s.getInt("avqa.workers"))));
        // the media work of the videos the workers hand on (the pool lookAhead of hand-on-media's wire tap): its queue
        // holds as many as they may have handed on (FetchedInFlight), done by as many threads, 64 at most as an
        // import's (at least one each, for a valid pool when the look-ahead is off)
        int handedOn = s.getInt("avqa.workers") * s.getInt("avqa.download.look-ahead");
        // not on a cluster's worker: its JMS transaction commits once the video is dealt with (60-cluster.yaml), so its
        // worker keeps each video to the end
        p.setProperty("avqa.look-ahead-on", String.valueOf(handedOn > 0 && !s.get("avqa.role").equals("worker")));
        p.setProperty("avqa.look-ahead-room", String.valueOf(Math.max(1, handedOn)));
        p.setProperty("avqa.look-ahead-threads", String.valueOf(Math.max(1, Math.min(64, handedOn))));
        p.setProperty("avqa.retry.max-redeliveries", String.valueOf(s.getInt("avqa.retry-attempts") - 1));
        // the work a scheduled trigger resumes: a whole run, or (on a cluster) planning and publishing
        p.setProperty("avqa.resume-route", s.clustered() ? "direct:publish-videos" : "direct:run");
        p.setProperty("avqa.clustered", String.valueOf(s.clustered()));
        p.setProperty("avqa.worker", String.valueOf(s.get("avqa.role").equals("worker")));
        return p;
    }

    /**
     * The throttle lets one download start through per gap: avqa.throttle.period / max-requests, plus a
     * margin (a twentieth of the gap, at least 1 ms and at most 1 s: 750 ms at the default 4 per 60 s). Camel's Throttle EIP, given N
     * starts per period, lets N through at once and N more a period after each was let through; at the
     * server, a start arrives a little after the throttle let it go, so such bursts put N + 1 starts
     * into one window of the period (measured: 4 within 2,933 ms at 3 per 3 s). One start per gap
     * spreads them; the margin keeps N + 1 starts more than a period apart even when their way to the
     * server takes a little longer for one than for another (yt-dlp's own start-up varies by up to a
     * second on a busy machine; N margins absorb that).
     */
    public static long throttleGapMillis(Settings s) {
        long period = Math.max(1, s.millis("avqa.throttle.period"));
        long gap = Math.max(1, (period + s.getInt("avqa.throttle.max-requests") - 1) / s.getInt("avqa.throttle.max-requests"));
        return gap + Math.max(1, Math.min(1000, gap / 20));
    }

    /**
     * How many threads do the videos' media work for {@code workers} ffmpeg runs at a time: enough that each run
     * finds up to {@code FfmpegRuns.MOST} videos waiting for it (40 videos of 60 s, 2 runs, by hand, with the media
     * work on threads of its own: 6 threads took 5.9-6.4 s, 10 threads 5.6-6.1 s, 16 threads 5.3-5.9 s), at most 64.
     * Each holds one video in its work directory.
     */
    public static int mediaThreads(int workers) {
        return Math.min(64, workers * 8);
    }

    /** {@code key-millis}: the seconds of {@code key} in milliseconds. */
    private static void millis(Properties p, Settings s, String key) {
        p.setProperty(key + "-millis", String.valueOf(s.millis(key)));
    }
}
