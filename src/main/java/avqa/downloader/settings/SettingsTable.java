package avqa.downloader.settings;

import static avqa.downloader.settings.Setting.action;
import static avqa.downloader.settings.Setting.list;
import static avqa.downloader.settings.Setting.off;
import static avqa.downloader.settings.Setting.on;
import static avqa.downloader.settings.Setting.option;
import static avqa.downloader.settings.Setting.property;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The option table: every setting of avqa-downloader, once. {@code --help}, the defaults, the checks
 * and the precedence all come from here; {@code SettingsTableTest} holds {@code application.properties}
 * and the README's table to it.
 */
public final class SettingsTable {

    public static final String YOUTUBE_TEMPLATE = "https://www.youtube.com/watch?v={id}";

    public static final List<Setting> ROWS = List.of(
            option("avqa.data-dir", "--data-dir", "PATH", "./data/avqa", Checks.DIRECTORY,
                    "root of everything written"),
            option("avqa.workers", "--workers", "N", "4", Checks.wholeNumber(1, 64), "downloads, and ffmpeg runs, at the same time (1-64)"),
            option("avqa.rate-limit", "--rate-limit", "RATE", "50K", Checks.RATE,
                    "bandwidth cap per download, as yt-dlp's --limit-rate (50K, 1.5M, ...)"),
            option("avqa.retry-attempts", "--retry-attempts", "N", "5", Checks.wholeNumber(1, 100),
                    "attempts per video for transient failures"),
            option("avqa.sleep", "--sleep", "SECONDS", "3.0", Checks.within(0, Checks.DAY), "pause before each download ..."),
            option("avqa.jitter", "--jitter", "SECONDS", "2.0", Checks.within(0, Checks.DAY),
                    "... plus a random extra pause in [0, jitter]"),
            option("avqa.video-format", "--video-format", "EXT", "mp4", Checks.oneOf("mp4", "mkv"),
                    "container of the saved video: mp4 or mkv"),
            option("avqa.audio-format", "--audio-format", "EXT", "wav",
                    Checks.oneOf("wav", "flac", "mp3", "m4a", "ogg", "opus"),
                    "format of the extracted audio: wav (PCM 16-bit), flac, mp3, m4a, ogg, opus"),
            option("avqa.audio.rate", "--audio-rate", "HZ", "", Checks.wholeNumberOrEmpty(8000, 384000),
                    "the audio's sample rate, e.g. 16000 (default: as the source)"),
            option("avqa.audio.channels", "--audio-channels", "N", "", Checks.wholeNumberOrEmpty(1, 8),
                    "the audio's channels, e.g. 1 for mono (default: as the source)"),
            property("avqa.audio.max-size", "2G", Checks.AUDIO_SIZE,
                    "an audio file that would be larger than this is not made, and its video is given up (permanent): "
                    + "a short file of a long silence would decode to gigabytes (a 60-second video's WAV is 11 MB; 2G holds "
                    + "3 hours of 48 kHz stereo, 1 hour of 5.1); 1M or more, and at most 4G for WAV (its sizes are 32-bit)"),
            option("avqa.frames.fps", "--frames", "FPS", "", Checks.FRAME_RATE,
                    "also write each video's frames at FPS into frames/<id>/ (default: no frames)"),
            property("avqa.frames.method", "", Checks.oneOf("", "filter", "reference"),
                    "how the frames are taken: filter (ffmpeg's fps filter, evenly from the container's start; the default) "
                    + "or reference (ffmpeg -r FPS, exactly as the MUSIC-AVQA reference script; the profile's)"),
            property("avqa.frames.pattern", "%06d.jpg", Checks.FRAME_PATTERN,
                    "the frames' file names, numbered from 1 (ffmpeg's pattern: %06d.jpg, %05d.png, ...)"),
            option("avqa.pad-to", "--pad-to", "SECONDS", "", Checks.positiveOrEmpty(86_400),
                    "pad the audio and the frames of a shorter video to SECONDS by repeating its last second; a WAV "
                    + "padding would make larger than avqa.audio.max-size (or than the 4 GiB a WAV holds) is not padded, and "
                    + "its video is given up (permanent)"),
            option("avqa.profile", "--profile", "NAME", "", Checks.PROFILE,
                    "music-avqa-reference: 16 kHz audio and 1 fps frames, as the reference code writes them"),
            option("avqa.dataset", "--dataset", "NAME", "music-avqa-v2", Checks.oneOf("music-avqa-v2", "music-avqa"),
                    "music-avqa-v2 (v2.0's clips plus v1's videos) or music-avqa (v1)"),
            option("avqa.metadata.base-url", "--metadata-url", "URL", "", Checks.METADATA_URL,
                    "where the annotations are fetched from, http(s) or file: (default: the dataset's repository)"),
            option("avqa.metadata.splits", "--splits", "LIST", "", null,
                    "annotation splits to use (default: all of the dataset's)"),
            on("avqa.metadata.refresh", "--refresh-metadata", "fetch the annotations again even if metadata/ has them"),
            property("avqa.metadata.max-size", "1G", Checks.SIZE,
                    "an annotation file by URL larger than this is not taken (a body that never ends fails, not the memory)"),
            list("avqa.manifests", "--manifest", "FILE",
                    "more clips: the v2.0 CSV, or CSV/JSON Lines with id,url[,start,end|duration,flip]; repeatable"),
            list("avqa.import-archives", "--import-archive", "FILE|URL",
                    "import an archive of the videos first: a file (zip, tar, tar.gz, RAR, 7z; the first part of one "
                            + "split into parts), a folder of videos already unpacked (and the archives in it), "
                            + "or an http(s) URL, downloaded with resume; repeatable"),
            off("avqa.archive.download", "--no-archive-download",
                    "do not fetch the dataset's own archive (v2.0: the authors' clip RAR)"),
            property("avqa.archive.url", "", Checks.HTTP_URL,
                    "the dataset's own archive (default: the dataset's; music-avqa-v2: the authors' clip RAR on Dropbox)"),
            property("avqa.archive.max-size", "200G", Checks.SIZE,
                    "an archive by URL larger than this is not taken: announced so, or grown past it (a body of no "
                            + "announced length that never ends)"),
            property("avqa.archive.speed-limit", "1K", Checks.RATE,
                    "an archive download slower than this (bytes a second) for avqa.archive.speed-time is given up for "
                            + "now: what came is kept, and a later attempt resumes there (curl's --speed-limit); "
                            + "annotations by URL too"),
            property("avqa.archive.speed-time", "120", Checks.within(1, Checks.DAY),
                    "seconds an archive download may stay under avqa.archive.speed-limit (curl's --speed-time)"),
            property("avqa.archive.max-entry-size", "1G", Checks.SIZE,
                    "an archive entry larger than this is not read further (a video of the dataset is far smaller)"),
            action("--dry-run", "fetch the annotations, plan, report the coverage, write plan.json; download nothing"),
            on("avqa.retry-permanent", "--retry-permanent", "request again videos whose last failure was permanent"),
            option("avqa.source.url-template", "--source-url-template", "T", YOUTUBE_TEMPLATE, null,
                    "the URL handed to yt-dlp for an id (http(s), with {id})"),
            property("avqa.source.clip-url-template", YOUTUBE_TEMPLATE, null,
                    "the URL of the YouTube videos the v2.0 CSV's clips come from"),
            option("avqa.throttle.max-requests", "--max-requests", "N", "4", Checks.wholeNumber(1, 1_000_000),
                    "at most N download starts per period, across all workers, spread evenly (retries count)"),
            option("avqa.throttle.period", "--period", "SECONDS", "60", Checks.within(0.001, Checks.WEEK), "the throttle's period"),
            property("avqa.throttle.min-requests", "1", Checks.wholeNumber(1, 1_000_000),
                    "each 429 spaces this host's starts a tenth wider, down to N per period at the slowest"),
            property("avqa.throttle.recover-after", "3600", Checks.within(1, Checks.WEEK),
                    "seconds without a 429 after which this host's starts are spaced a step closer again"),
            option("avqa.backoff.initial", "--backoff", "SECONDS", "5", Checks.within(0, Checks.DAY),
                    "first retry delay, multiplied by avqa.backoff.multiplier each time"),
            property("avqa.backoff.multiplier", "2", Checks.within(1, 100), "the retry delay's growth"),
            property("avqa.backoff.max", "600", Checks.within(0, Checks.DAY), "the longest retry delay, seconds"),
            option("avqa.cooldown.initial", "--cooldown", "SECONDS", "60", Checks.within(0, Checks.DAY),
                    "IP-wide pause after a 429, \"try again later\" or bot check"),
            property("avqa.cooldown.multiplier", "2", Checks.within(1, 100), "the cool-down's growth on each new signal"),
            property("avqa.cooldown.max", "3600", Checks.within(0, Checks.DAY), "the longest cool-down, seconds"),
            property("avqa.cooldown.reset-after", "5", Checks.wholeNumber(1, 1_000_000),
                    "successes in a row that bring the cool-down back to its start"),
            property("avqa.cooldown.bot-check-limit", "3", Checks.wholeNumber(1, 1_000_000),
                    "a bot check still there after this many cool-downs in a row stops the run"),
            property("avqa.cooldown.network-limit", "3", Checks.wholeNumber(1, 1_000_000),
                    "a source host that still cannot be resolved after this many cool-downs in a row stops the run"),
            option("avqa.cookies", "--cookies", "FILE", "", null, "cookies file passed to yt-dlp"),
            option("avqa.proxy", "--proxy", "URL", "", Checks.PROXY, "proxy passed to yt-dlp"),
            property("avqa.download.format",
                    "best[height<=?480][ext=mp4]/best[height<=?480]/bestvideo[height<=?480]+bestaudio/best", null,
                    "yt-dlp's format choice"),
            property("avqa.download.timeout", "3600", Checks.within(1, Checks.WEEK),
                    "seconds a download may take in all (yt-dlp is stopped, the fast path gives up)"),
            property("avqa.download.max-size", "2G", Checks.SIZE,
                    "a download larger than this is given up as not a video of the dataset"),
            property("avqa.download.direct", "true", Checks.BOOLEAN,
                    "fetch plain media-file URLs with Camel's HTTP client instead of yt-dlp"),
            property("avqa.download.batch", "32", Checks.wholeNumber(1, 10_000),
                    "with no pacing (--sleep 0 --jitter 0, 10 or more --max-requests a second): up to this many yt-dlp "
                    + "downloads from one host that is not YouTube per yt-dlp start (1: one start per video)"),
            property("avqa.download.look-ahead", "8", Checks.wholeNumber(0, 64),
                    "fast path and batches: downloaded videos (of 32 MB at most) each worker may hand on (in a pool of workers x this) to their "
                    + "media work (audio, checks, record), "
                    + "fetching its next meanwhile; they share ffmpeg's runs. A stop leaves them pending, fetched again "
                    + "by the next run (0: a worker finishes each video before its next)"),
            property("avqa.extract.timeout", "600", Checks.within(1, Checks.WEEK), "seconds after which ffmpeg is stopped"),
            property("avqa.progress.snapshot-interval", "10", Checks.within(0.1, Checks.DAY),
                    "seconds between rewrites of download_progress.json"),
            on("avqa.schedule.enabled", "--schedule", "stay running and resume on the Quartz schedule"),
            option("avqa.schedule.cron", "--cron", "EXPR", "0 0 2 * * ?", Checks.CRON,
                    "when to resume: a Quartz cron expression, seconds first"),
            off("avqa.schedule.initial-run", "--no-initial-run", "with --schedule, wait for the first trigger"),
            property("avqa.schedule.recheck", "60", Checks.within(0.1, Checks.DAY),
                    "with --schedule, a run stopped for a cause that can clear (a full disk, yt-dlp, ffmpeg or ffprobe "
                            + "gone or not started) is looked at again every this many seconds, and resumes once it has cleared"),
            option("avqa.status.interval", "--status-interval", "SECONDS", "60", Checks.within(0.1, Checks.DAY),
                    "seconds between status lines in the log"),
            property("avqa.log.max-size", "100M", Checks.LOG_SIZE,
                    "the log file (avqa_download.log) is renamed avqa_download.log.1 once it is larger than this, and a new one begun"),
            property("avqa.log.keep", "5", Checks.wholeNumber(1, 1000),
                    "how many such earlier logs are kept (.1 the newest); the oldest beyond them is deleted"),
            option("avqa.management.port", "--management-port", "N", "auto", Checks.MANAGEMENT_PORT,
                    "Camel's management endpoint (/observe/health, /observe/metrics) on this port; auto: 9876 with "
                            + "--schedule or --role worker, off otherwise; off: never"),
            property("avqa.management.host", "127.0.0.1", Checks.HOST,
                    "the address the management endpoint listens on (0.0.0.0: every interface)"),
            property("avqa.management.min-free-disk", "1G", Checks.SIZE,
                    "readiness is DOWN when the data directory's disk has less free space than this"),
            property("avqa.management.cool-down-alert-after", "1800", Checks.within(0, Checks.WEEK),
                    "readiness is DOWN during an IP-wide cool-down once cool-downs in a row have lasted this many "
                            + "seconds (a shorter one resumes by itself)"),
            property("avqa.management.failures-in-a-row", "20", Checks.wholeNumber(0, 1_000_000),
                    "readiness is DOWN while a run's last this many videos all failed (transient, invalid-output, "
                            + "tool-outdated, error), none complete since; 0: never"),
            action("--verify", "check the data directory, print a report, download nothing"),
            action("--repair", "with --verify: move invalid files aside so the next run fetches them again"),
            action("--checksums", "with --verify: hash every file again and compare with SHA256SUMS"),
            Setting.actionValue("--against", "FILE", "with --verify: compare SHA256SUMS with another lab's list"),
            action("--doctor", "check tools, JavaScript runtime, cookies, disk and hosts; say what to do; exit 0 only when ready"),
            option("avqa.role", "--role", "ROLE", "all", Checks.oneOf("all", "planner", "worker"),
                    "all (one process does everything), planner or worker (many hosts, one dataset)"),
            property("avqa.broker.url", "", Checks.BROKER_URL, "the ActiveMQ Classic broker of the multi-host mode"),
            property("avqa.broker.user", "", null, "the broker's user"),
            property("avqa.broker.password", "", null, "the broker's password"),
            property("avqa.broker.queue", "avqa.videos", Checks.QUEUE, "the queue of per-video messages"),
            property("avqa.broker.max-deliveries", "20", Checks.wholeNumber(2, 1000),
                    "a message handed out this many times without being dealt with goes to <queue>.DLQ"),
            property("avqa.worker.allowed-hosts", "", null,
                    "hosts (host or host:port, comma-separated) a worker may fetch from besides those of its "
                            + "source templates and manifests"),
            property("avqa.db.url", "", Checks.DB_URL, "the PostgreSQL database of the multi-host mode"),
            property("avqa.db.user", "", null, "the database's user"),
            property("avqa.db.password", "", null, "the database's password"),
            property("avqa.routes.dir", "./routes", null, "where the route files are read (and watched)"),
            property("avqa.tools.yt-dlp", "auto", Checks.PROGRAM,
                    "the yt-dlp program; auto: .tools/yt-dlp/bin/yt-dlp (set up by scripts/avqa.sh) if there, else yt-dlp on PATH"),
            property("avqa.tools.js-runtime", "auto", Checks.JS_RUNTIME,
                    "yt-dlp's JavaScript runtime for YouTube: auto (deno 2+, else node 20+), none, or deno|node|bun|quickjs[:PATH]"),
            property("avqa.tools.remote-components", "", Checks.REMOTE_COMPONENTS,
                    "lets yt-dlp fetch the EJS scripts it lacks (--remote-components): ejs:npm or ejs:github"),
            property("avqa.tools.outdated-limit", "3", Checks.wholeNumber(1, 1_000_000),
                    "yt-dlp saying it is out of date for this many videos in a row stops the run"),
            property("avqa.tools.not-started-limit", "5", Checks.wholeNumber(1, 1_000_000),
                    "yt-dlp, ffmpeg or ffprobe that the system would not start (no memory or processes left) for this many "
                            + "videos in a row, none complete since, stops the run; each such video fails transient"),
            property("avqa.tools.ffmpeg", "ffmpeg", Checks.PROGRAM, "the ffmpeg program"),
            property("avqa.tools.ffprobe", "ffprobe", Checks.PROGRAM, "the ffprobe program"),
            property("avqa.tools.bsdtar", "bsdtar", Checks.PROGRAM,
                    "libarchive's bsdtar, which reads RAR and 7z archives (Debian: libarchive-tools)"),
            on("avqa.debug", "--debug", "stack traces of unexpected errors in the log and on the console"),
            action("--version", "show the versions of this tool and of the programs it runs, and exit"),
            action("--help", "show this help and exit"));

    /** The built-in defaults, by property. */
    public static final Map<String, String> DEFAULTS = defaults();

    private SettingsTable() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        for (Setting s : ROWS) {
            if (s.key() != null) {
                d.put(s.key(), s.value());
            }
        }
        return java.util.Collections.unmodifiableMap(d);
    }

    /** The row of a property. */
    public static Setting row(String key) {
        for (Setting s : ROWS) {
            if (key.equals(s.key())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown setting " + key);
    }
}
