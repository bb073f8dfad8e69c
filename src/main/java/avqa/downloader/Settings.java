package avqa.downloader;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Every {@code avqa.*} setting, resolved once per run with the precedence a user expects:
 * command line, then {@code -Davqa.x=…}, then the environment ({@code AVQA_X}), then
 * {@code ./application.properties}, then the built-in default. Values are checked here, so a bad
 * one gets one clear line whichever way it was given, and the routes get plain numbers
 * (milliseconds, redelivery counts) as derived properties.
 */
public final class Settings {

    public static final String YOUTUBE_TEMPLATE = "https://www.youtube.com/watch?v={id}";

    /** The built-in defaults; {@code application.properties} repeats them with comments. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static final Pattern RATE = Pattern.compile("\\d+(\\.\\d+)?[KMGkmg]?");
    private static final Pattern FORMAT_EXT = Pattern.compile("[a-z0-9]{2,5}");
    /** Containers any H.264/AAC or VP9/Opus download can be remuxed into without re-encoding. */
    private static final List<String> VIDEO_FORMATS = List.of("mp4", "mkv");
    private static final List<String> AUDIO_FORMATS = List.of("wav", "flac", "mp3", "m4a", "ogg", "opus");

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("avqa.data-dir", "./data/avqa");
        d.put("avqa.workers", "4");
        d.put("avqa.rate-limit", "50K");
        d.put("avqa.retry-attempts", "5");
        d.put("avqa.sleep", "3.0");
        d.put("avqa.jitter", "2.0");
        d.put("avqa.video-format", "mp4");
        d.put("avqa.audio-format", "wav");
        d.put("avqa.dataset", "music-avqa-v2");
        d.put("avqa.metadata.base-url", "");
        d.put("avqa.metadata.splits", "");
        d.put("avqa.metadata.refresh", "false");
        d.put("avqa.retry-permanent", "false");
        d.put("avqa.manifests", "");
        d.put("avqa.import-archives", "");
        d.put("avqa.source.url-template", YOUTUBE_TEMPLATE);
        d.put("avqa.throttle.max-requests", "10");
        d.put("avqa.throttle.period", "60");
        d.put("avqa.backoff.initial", "5");
        d.put("avqa.backoff.multiplier", "2");
        d.put("avqa.backoff.max", "600");
        d.put("avqa.source.clip-url-template", YOUTUBE_TEMPLATE);
        d.put("avqa.cooldown.initial", "60");
        d.put("avqa.cooldown.multiplier", "2");
        d.put("avqa.cooldown.max", "1800");
        d.put("avqa.cooldown.reset-after", "5");
        d.put("avqa.cooldown.bot-check-limit", "3");
        d.put("avqa.cookies", "");
        d.put("avqa.proxy", "");
        d.put("avqa.download.format", "best[height<=?480][ext=mp4]/best[height<=?480]/bestvideo[height<=?480]+bestaudio/best");
        d.put("avqa.download.timeout", "3600");
        d.put("avqa.download.direct", "true");
        d.put("avqa.extract.timeout", "600");
        d.put("avqa.progress.snapshot-interval", "10");
        d.put("avqa.schedule.enabled", "false");
        d.put("avqa.schedule.cron", "0 0 2 * * ?");
        d.put("avqa.schedule.initial-run", "true");
        d.put("avqa.status.interval", "60");
        d.put("avqa.routes.dir", "./routes");
        d.put("avqa.role", "all");
        d.put("avqa.broker.url", "");
        d.put("avqa.broker.user", "");
        d.put("avqa.broker.password", "");
        d.put("avqa.broker.queue", "avqa.videos");
        d.put("avqa.db.url", "");
        d.put("avqa.db.user", "");
        d.put("avqa.db.password", "");
        d.put("avqa.tools.yt-dlp", "yt-dlp");
        d.put("avqa.tools.ffmpeg", "ffmpeg");
        d.put("avqa.tools.ffprobe", "ffprobe");
        return java.util.Collections.unmodifiableMap(d);
    }

    /**
     * Resolves every setting.
     *
     * @param commandLine values given as options, by property name
     * @param propertiesFile {@code ./application.properties} (may be missing)
     * @param system system properties
     * @param env the environment
     */
    public static Settings resolve(Map<String, String> commandLine, Path propertiesFile,
                                   Properties system, Map<String, String> env) {
        Properties file = new Properties();
        if (Files.isRegularFile(propertiesFile)) {
            try (Reader r = Files.newBufferedReader(propertiesFile)) {
                file.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new BadInputException("cannot read " + propertiesFile + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> v = new LinkedHashMap<>();
        for (String key : DEFAULTS.keySet()) {
            String value = commandLine.get(key);
            if (value == null) {
                value = system.getProperty(key);
            }
            if (value == null) {
                value = env.get(envName(key));
            }
            if (value == null) {
                value = file.getProperty(key);
            }
            if (value == null) {
                value = DEFAULTS.get(key);
            }
            v.put(key, value.trim());
        }
        Settings s = new Settings(v);
        s.check();
        return s;
    }

    /** {@code avqa.throttle.max-requests} → {@code AVQA_THROTTLE_MAX_REQUESTS}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private void check() {
        intIn("avqa.workers", "--workers", 1, 64);
        intIn("avqa.retry-attempts", "--retry-attempts", 1, 100);
        intIn("avqa.throttle.max-requests", "--max-requests", 1, 1_000_000);
        if (!RATE.matcher(get("avqa.rate-limit")).matches()) {
            throw bad("--rate-limit", get("avqa.rate-limit"), "a byte rate such as 50K, 1.5M or 200000");
        }
        secondsAtLeast("avqa.sleep", "--sleep", 0);
        secondsAtLeast("avqa.jitter", "--jitter", 0);
        double period = secondsAtLeast("avqa.throttle.period", "--period", 0.001);
        double initial = secondsAtLeast("avqa.backoff.initial", "--backoff", 0);
        double multiplier = secondsAtLeast("avqa.backoff.multiplier", "avqa.backoff.multiplier", 1);
        double max = secondsAtLeast("avqa.backoff.max", "avqa.backoff.max", 0);
        if (max < initial) {
            throw new BadInputException("avqa.backoff.max (" + get("avqa.backoff.max")
                    + ") must not be smaller than --backoff (" + get("avqa.backoff.initial") + ")");
        }
        secondsAtLeast("avqa.cooldown.initial", "avqa.cooldown.initial", 0);
        secondsAtLeast("avqa.cooldown.multiplier", "avqa.cooldown.multiplier", 1);
        secondsAtLeast("avqa.cooldown.max", "avqa.cooldown.max", 0);
        intIn("avqa.cooldown.reset-after", "avqa.cooldown.reset-after", 1, 1_000_000);
        intIn("avqa.cooldown.bot-check-limit", "avqa.cooldown.bot-check-limit", 1, 1_000_000);
        secondsAtLeast("avqa.status.interval", "avqa.status.interval", 0.1);
        if (!org.quartz.CronExpression.isValidExpression(get("avqa.schedule.cron"))) {
            throw bad("--cron", get("avqa.schedule.cron"), "a Quartz cron expression such as '0 0 2 * * ?' "
                    + "(seconds minutes hours day-of-month month day-of-week)");
        }
        for (String flag : List.of("avqa.download.direct", "avqa.schedule.enabled", "avqa.schedule.initial-run", "avqa.metadata.refresh",
                "avqa.retry-permanent")) {
            if (!get(flag).equals("true") && !get(flag).equals("false")) {
                throw bad(flag, get(flag), "true or false");
            }
        }
        secondsAtLeast("avqa.download.timeout", "avqa.download.timeout", 1);
        secondsAtLeast("avqa.extract.timeout", "avqa.extract.timeout", 1);
        secondsAtLeast("avqa.progress.snapshot-interval", "avqa.progress.snapshot-interval", 0.1);
        oneOf("avqa.video-format", "--video-format", VIDEO_FORMATS);
        oneOf("avqa.audio-format", "--audio-format", AUDIO_FORMATS);
        VideoIdRules.checkTemplate(get("avqa.source.url-template"));
        VideoIdRules.checkTemplate(get("avqa.source.clip-url-template"));
        Dataset dataset = dataset();
        if (get("avqa.metadata.base-url").isEmpty()) {
            values.put("avqa.metadata.base-url", dataset.defaultBaseUrl());
        }
        if (get("avqa.metadata.splits").isEmpty()) {
            values.put("avqa.metadata.splits", String.join(",", dataset.splits()));
        }
        String base = get("avqa.metadata.base-url");
        String scheme = base.contains(":") ? base.substring(0, base.indexOf(':')) : "";
        if (!List.of("http", "https", "file").contains(scheme) || base.contains("${") || base.contains("'")
                || base.contains("{{")) {
            throw bad("--metadata-url", base, "an http(s):// or file: URL");
        }
        for (String split : splits()) {
            if (!dataset.splits().contains(split)) {
                throw bad("--splits", get("avqa.metadata.splits"), "a comma-separated list of "
                        + String.join(", ", dataset.splits()) + " (the splits of " + dataset.id() + ")");
            }
        }
        if (!get("avqa.cookies").isEmpty() && !Files.isReadable(Path.of(get("avqa.cookies")))) {
            throw new BadInputException("--cookies: cannot read " + get("avqa.cookies"));
        }
        String proxy = get("avqa.proxy");
        if (!proxy.isEmpty()) {
            try {
                URI u = new URI(proxy);
                if (u.getScheme() == null || u.getHost() == null || proxy.startsWith("-")) {
                    throw new IllegalArgumentException();
                }
            } catch (Exception e) {
                throw bad("--proxy", proxy, "a URL such as http://host:3128 or socks5://host:1080");
            }
        }
        for (String tool : List.of("avqa.tools.yt-dlp", "avqa.tools.ffmpeg", "avqa.tools.ffprobe")) {
            if (get(tool).isEmpty() || get(tool).startsWith("-")) {
                throw bad(tool, get(tool), "a program name or path");
            }
        }
        files("avqa.manifests");
        for (Path archive : files("avqa.import-archives")) {
            String n = archive.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!(n.endsWith(".zip") || n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz"))) {
                throw new BadInputException("--import-archive: " + archive + " is not a .zip, .tar or .tar.gz file");
            }
        }
        checkCluster();
        if (get("avqa.data-dir").isEmpty()) {
            throw bad("--data-dir", "", "a directory path");
        }
    }

    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final List<String> ROLES = List.of("all", "planner", "worker");

    /** The multi-host settings: a role other than all needs a broker and a database. */
    private void checkCluster() {
        String role = get("avqa.role");
        if (!ROLES.contains(role)) {
            throw bad("--role", role, "all, planner or worker");
        }
        String broker = get("avqa.broker.url");
        if (!broker.isEmpty() && !broker.matches("(tcp|ssl|nio|failover):[^\\s'{}$]+")) {
            throw bad("avqa.broker.url", broker, "an ActiveMQ URL such as tcp://broker-host:61616");
        }
        String db = get("avqa.db.url");
        if (!db.isEmpty() && !db.matches("jdbc:postgresql://[^\\s'{}$]+")) {
            throw bad("avqa.db.url", db, "a PostgreSQL JDBC URL such as jdbc:postgresql://db-host:5432/avqa");
        }
        if (!QUEUE.matcher(get("avqa.broker.queue")).matches()) {
            throw bad("avqa.broker.queue", get("avqa.broker.queue"), "a queue name of letters, digits, '.', '_' and '-'");
        }
        if (!role.equals("all") && (broker.isEmpty() || db.isEmpty())) {
            throw new BadInputException("--role " + role + " needs a broker and a database: set avqa.broker.url "
                    + "(e.g. tcp://broker-host:61616) and avqa.db.url (e.g. jdbc:postgresql://db-host:5432/avqa)");
        }
    }

    /** planner or worker: the run is spread over hosts through the broker and the database. */
    public boolean clustered() {
        return !get("avqa.role").equals("all");
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown setting " + key);
        }
        return v;
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public double getSeconds(String key) {
        return Double.parseDouble(get(key));
    }

    public long millis(String key) {
        return Math.round(getSeconds(key) * 1000);
    }

    public List<String> splits() {
        return Arrays.stream(get("avqa.metadata.splits").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
    }

    /** The resolved settings, for the run summary; passwords are not written down. */
    public Map<String, String> asMap() {
        Map<String, String> shown = new LinkedHashMap<>(values);
        shown.replaceAll((k, v) -> k.endsWith("password") && !v.isEmpty() ? "(set)" : v);
        return java.util.Collections.unmodifiableMap(shown);
    }

    /** A comma-separated list of paths (manifests, archives), each checked to be a readable file. */
    public List<Path> files(String key) {
        List<Path> out = new java.util.ArrayList<>();
        for (String f : get(key).split(",")) {
            if (!f.isBlank()) {
                Path p = Path.of(f.strip()).toAbsolutePath().normalize();
                if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                    throw new BadInputException(key + ": cannot read " + p);
                }
                out.add(p);
            }
        }
        return out;
    }

    public Dataset dataset() {
        return Dataset.byId(get("avqa.dataset"));
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(get(key));
    }

    public Path dataDir() {
        return Path.of(get("avqa.data-dir")).toAbsolutePath().normalize();
    }

    /** The settings as properties for Camel: the resolved values plus the derived ones the routes use. */
    public Properties asCamelProperties() {
        Properties p = new Properties();
        values.forEach(p::setProperty);
        p.setProperty("avqa.data-dir", dataDir().toString());
        p.setProperty("avqa.metadata.dir", metadataDir());
        p.setProperty("avqa.schedule.cron-uri", get("avqa.schedule.cron").trim().replaceAll("\\s+", "+"));
        // the fast path's HTTP client: a body that stops coming for this long is given up (as yt-dlp's
        // --socket-timeout 30, or the download timeout when that is shorter)
        p.setProperty("camel.component.http.so-timeout", String.valueOf(Math.min(30_000, millis("avqa.download.timeout"))));
        p.setProperty("camel.component.http.response-timeout", String.valueOf(Math.min(30_000, millis("avqa.download.timeout"))));
        p.setProperty("avqa.status.interval-millis", String.valueOf(millis("avqa.status.interval")));
        p.setProperty("avqa.metadata.kind", metadataDir().isEmpty() ? "http" : "file");
        // these values already are the command line > -D > environment > file precedence: Camel must
        // not look at the environment or system properties again (it would put them first)
        p.setProperty("camel.component.properties.environment-variable-mode", "0");
        p.setProperty("camel.component.properties.system-properties-mode", "0");
        p.setProperty("avqa.retry.max-redeliveries", String.valueOf(getInt("avqa.retry-attempts") - 1));
        p.setProperty("avqa.backoff.initial-millis", String.valueOf(millis("avqa.backoff.initial")));
        p.setProperty("avqa.backoff.max-millis", String.valueOf(millis("avqa.backoff.max")));
        p.setProperty("avqa.throttle.period-millis", String.valueOf(millis("avqa.throttle.period")));
        p.setProperty("avqa.download.timeout-millis", String.valueOf(millis("avqa.download.timeout")));
        p.setProperty("avqa.extract.timeout-millis", String.valueOf(millis("avqa.extract.timeout")));
        p.setProperty("avqa.progress.snapshot-interval-millis", String.valueOf(millis("avqa.progress.snapshot-interval")));
        // the work a scheduled trigger resumes: a whole run, or (on a cluster) planning and publishing
        p.setProperty("avqa.resume-route", clustered() ? "direct:publish-videos" : "direct:run");
        p.setProperty("avqa.clustered", String.valueOf(clustered()));
        p.setProperty("avqa.worker", String.valueOf(get("avqa.role").equals("worker")));
        return p;
    }

    /** For a {@code file:} metadata URL, the absolute directory it names; empty for http(s). */
    String metadataDir() {
        String base = get("avqa.metadata.base-url");
        if (!base.startsWith("file:")) {
            return "";
        }
        String path = base.substring("file:".length());
        if (path.startsWith("//")) {
            path = URI.create(base).getPath();
        }
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    private int intIn(String key, String option, int min, int max) {
        try {
            int v = Integer.parseInt(get(key));
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(option, get(key), "a whole number from " + min + " to " + max);
    }

    private double secondsAtLeast(String key, String option, double min) {
        try {
            double v = Double.parseDouble(get(key));
            if (v >= min && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(option, get(key), "a number of at least " + (min == Math.floor(min) ? String.valueOf((long) min) : String.valueOf(min)));
    }

    private void oneOf(String key, String option, List<String> allowed) {
        String v = get(key);
        if (!FORMAT_EXT.matcher(v).matches() || !allowed.contains(v)) {
            throw bad(option, v, "one of " + String.join(", ", allowed));
        }
    }

    private static BadInputException bad(String option, String value, String expected) {
        return new BadInputException(option + ": '" + value + "' is not valid; expected " + expected);
    }
}
