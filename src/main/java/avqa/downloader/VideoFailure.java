package avqa.downloader;

/**
 * Why one video could not be made complete. The category decides what happens next:
 * {@code transient} failures are redelivered by the download route's redelivery policy,
 * every other category goes straight to the dead-letter channel.
 */
public class VideoFailure extends RuntimeException {

    public static final String TRANSIENT = "transient";
    public static final String PERMANENT = "permanent";
    public static final String INVALID_OUTPUT = "invalid-output";
    public static final String NO_SOURCE = "no-source";
    /** yt-dlp says it is out of date for the source: not the video's fault; a later run tries again. */
    public static final String TOOL_OUTDATED = "tool-outdated";
    public static final String INVALID_ID = "invalid-id";
    public static final String ERROR = "error";
    /** Differs from another id only in letter case, on a file system that does not tell them apart. */
    public static final String CASE_CONFLICT = "case-conflict";

    /** Whether a failure says something about the whole IP address, not just this video. */
    public enum Signal {
        NONE,
        /** HTTP 429, "try again later": the IP is rate-limited. */
        RATE_LIMIT,
        /** "Sign in to confirm you're not a bot": the IP is limited until it proves it is a person. */
        BOT_CHECK,
        /** The source's host name cannot be resolved: no network, or no DNS, for every video alike. */
        NETWORK
    }

    private final String category;
    private final String lastError;
    private final Signal signal;
    private long retryAfterMillis = -1;
    private NetworkBack unresolved;

    public VideoFailure(String category, String reason, String lastError) {
        this(category, reason, lastError, Signal.NONE);
    }

    public VideoFailure(String category, String reason, String lastError, Signal signal) {
        super(reason, null, false, false);
        this.category = category;
        this.lastError = lastError == null ? "" : lastError;
        this.signal = signal;
    }

    /** A failure of the given category, as the subclass the routes' error handling matches on. */
    public static VideoFailure of(String category, String reason, String lastError, Signal signal) {
        return switch (category) {
            case TRANSIENT -> new Transient(reason, lastError, signal);
            case PERMANENT -> new Permanent(reason, lastError);
            case INVALID_OUTPUT -> new InvalidOutput(reason, lastError);
            case TOOL_OUTDATED -> new ToolOutdated(reason, lastError);
            default -> new VideoFailure(category, reason, lastError);
        };
    }

    public Signal signal() {
        return signal;
    }

    public String category() {
        return category;
    }

    /** What a human can act on. */
    public String reason() {
        return getMessage();
    }

    /** The tool's own last words (the last error line of yt-dlp, ffmpeg or ffprobe). */
    public String lastError() {
        return lastError;
    }

    /** How long the source asked us to wait (its Retry-After), or -1 when it did not say. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    /** The source said how long to wait (an HTTP Retry-After). */
    public VideoFailure retryAfter(long millis) {
        this.retryAfterMillis = millis;
        return this;
    }

    /** A failure that the redelivery policy retries with exponential backoff. */
    public static class Transient extends VideoFailure {
        public Transient(String reason, String lastError) {
            super(TRANSIENT, reason, lastError);
        }

        public Transient(String reason, String lastError, Signal signal) {
            super(TRANSIENT, reason, lastError, signal);
        }
    }

    /** The host name that could not be resolved (a {@link Signal#NETWORK} of no network or DNS), or null. */
    NetworkBack unresolved() {
        return unresolved;
    }

    /** The host name that could not be resolved, looked up again by a service before it resumes the run it stopped. */
    VideoFailure unresolved(NetworkBack host) {
        this.unresolved = host;
        return this;
    }

    /** A failure no retry can fix (private, removed, 404, ...). */
    public static class Permanent extends VideoFailure {
        public Permanent(String reason, String lastError) {
            super(PERMANENT, reason, lastError);
        }
    }

    /** yt-dlp is too old for the source: not retried in this run, tried again by the next one. */
    public static class ToolOutdated extends VideoFailure {
        public ToolOutdated(String reason, String lastError) {
            super(TOOL_OUTDATED, reason, lastError);
        }
    }

    /** The tool reported success but the file it wrote is not a valid video or audio file. */
    public static class InvalidOutput extends VideoFailure {
        public InvalidOutput(String reason, String lastError) {
            super(INVALID_OUTPUT, reason, lastError);
        }
    }
}
