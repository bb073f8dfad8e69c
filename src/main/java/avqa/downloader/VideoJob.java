package avqa.downloader;

import java.nio.file.Path;
import java.util.List;

/**
 * One video's way through the stages, carried by its exchange as the variable {@code job}. It is
 * made once, at dispatch (or per clip when a source is cut), from a checked id: the id, where the
 * video comes from, its work directory and the files it makes. The stages fill in what they learn
 * (the file a download wrote, how long its sound lasts) and the records are written from it.
 */
public final class VideoJob {

    /** What has to happen to the video. */
    public enum Kind {
        /** Fetch {@code url} and keep it whole under {@code id}. */
        DOWNLOAD,
        /** Fetch {@code url} once under a source name and cut {@code clips} from it. */
        CLIP_SOURCE,
        /** One clip cut from a fetched source (or mirrored from a complete clip). */
        CLIP,
        /** A video an archive provided, already streamed into the work directory. */
        ARCHIVE_ENTRY,
        /** The video is complete, its audio is not: extract it, no request. */
        AUDIO_ONLY,
        /** Mirrored copies of complete clips: each {@code <clip>_flip} cut from {@code videos/<clip>}, no request. */
        DERIVE,
        /** The video and its audio are complete, its frames (--frames) are not: make them, no request. */
        FRAMES_ONLY,
        /** Downloads from one host that one yt-dlp start fetches in turn; each then goes on as its own job. */
        BATCH
    }

    private final String id;
    private final Kind kind;
    private final String url;
    private final List<Clip> clips;
    private final Clip clip;
    private final Path workDir;
    private final String origin;
    private final Path source;
    private volatile Path video;
    private volatile Path audio;
    private volatile double audioSeconds;
    private volatile int attempts;
    private volatile MediaFacts facts;
    private volatile double videoSeconds;
    private volatile double containerSeconds;
    private volatile double audioPadded;
    private volatile double sourceSeconds;
    private final FetchRecord fetched = new FetchRecord();
    private volatile FramesMade frames = FramesMade.NONE;
    private long bytes;
    private BatchMembers members = new BatchMembers(List.of());
    private volatile VideoFailure batchFailure;
    private final java.util.Map<Path, String> hashes = new java.util.concurrent.ConcurrentHashMap<>();

    VideoJob(String id, Kind kind, String url, List<Clip> clips, Clip clip, Path workDir, Path video, String origin) {
        this(id, kind, url, clips, clip, workDir, video, origin, null);
    }

    VideoJob(String id, Kind kind, String url, List<Clip> clips, Clip clip, Path workDir, Path video, String origin,
             Path source) {
        if (!VideoIdRules.isSafe(id)) {
            throw new IllegalArgumentException("a job needs a checked id");
        }
        this.id = id;
        this.kind = kind;
        this.url = url;
        this.clips = clips == null ? List.of() : List.copyOf(clips);
        this.clip = clip;
        this.workDir = workDir;
        this.video = video;
        this.origin = origin;
        this.source = source;
    }

    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The job as a log line names it: its id, but a clip source by the clips cut from it (its id is a key of
     * this tool's, {@code src-…}, that names nothing a user wrote).
     */
    public String named() {
        if (kind != Kind.CLIP_SOURCE || clips.isEmpty()) {
            return id;
        }
        return "the source of " + clips.get(0).name()
                + (clips.size() > 1 ? " (and " + (clips.size() - 1) + " more clip" + (clips.size() > 2 ? "s" : "") + ")" : "");
    }

    /** Where the video is fetched from; null when nothing is fetched. */
    public String url() {
        return url;
    }

    /** The URL as it may be logged: without credentials. */
    public String shownUrl() {
        return Redact.url(url);
    }

    /** For a {@link Kind#CLIP_SOURCE}: the clips cut from it. */
    public List<Clip> clips() {
        return clips;
    }

    /** For a {@link Kind#CLIP}: its window and whether it is mirrored. */
    public Clip clip() {
        return clip;
    }

    /** {@code .partial/<id>/} (under the node's area on a cluster). */
    public Path workDir() {
        return workDir;
    }

    /**
     * Where the video comes from, as the coverage report groups it: {@code YouTube}, {@code mirror},
     * {@code archive <name>}, {@code derived flip (YouTube)}, {@code derived flip (archive)}; {@code audio}
     * when only its audio is made.
     */
    public String origin() {
        return origin;
    }

    /** For a {@link Kind#CLIP}: the file it is cut from (a downloaded source, or a complete clip). */
    public Path source() {
        return source;
    }

    /** Whether it needs a request to the source (and so the pacing). */
    public boolean needsRequest() {
        return kind == Kind.DOWNLOAD || kind == Kind.CLIP_SOURCE || kind == Kind.BATCH;
    }

    /** Whether clips are cut from it (a downloaded source, or complete clips to mirror); its own file is not kept. */
    public boolean isClipSource() {
        return kind == Kind.CLIP_SOURCE || kind == Kind.DERIVE;
    }

    /** The video file as it stands: in the work directory, or under its final name for audio-only. */
    public Path video() {
        return video;
    }

    public void video(Path file) {
        this.video = file;
    }

    /** The extracted audio in the work directory, once extracted. */
    public Path audio() {
        return audio;
    }

    public void audio(Path file) {
        this.audio = file;
    }

    /** How long the video's sound lasts, from its validation. */
    public double audioSeconds() {
        return audioSeconds;
    }

    /** The sound's length as the audio pass decoded it, when that pass stood in for ffprobe. */
    void soundLasts(double seconds) {
        this.audioSeconds = seconds;
        if (facts != null) {
            this.facts = facts.withSound(seconds);
        }
    }

    /**
     * Whether its audio pass can check it, with no ffprobe before: a whole video, or a clip, whose audio
     * is made (a clip's source is cut before any pass; a video whose frames only are made has no pass).
     */
    public boolean checkedByPass() {
        return kind == Kind.DOWNLOAD || kind == Kind.CLIP || kind == Kind.ARCHIVE_ENTRY || kind == Kind.AUDIO_ONLY;
    }

    /** What ffprobe, or the audio pass, said of the video when it was validated. */
    public MediaFacts facts() {
        return facts;
    }

    /** The validation's verdict: the video's facts, how long its picture and its sound last. */
    public void validated(MediaFacts f, double pictureSeconds, double soundSeconds) {
        this.facts = f;
        this.videoSeconds = pictureSeconds;
        this.audioSeconds = soundSeconds;
    }

    /** How long the video's picture lasts. */
    public double videoSeconds() {
        return videoSeconds;
    }

    /** How long the video's container lasts (from its start, which a picture starting late does not); 0 when not known. */
    public double containerSeconds() {
        return containerSeconds;
    }

    void containerSeconds(double seconds) {
        this.containerSeconds = seconds;
    }

    /** The frames (--frames) made of it. */
    public FramesMade frames() {
        return frames;
    }

    void frames(FramesMade made) {
        this.frames = made;
    }

    /** For a {@link Kind#CLIP}: how long the video it is cut from lasts (0 when not known). */
    public double sourceSeconds() {
        return sourceSeconds;
    }

    void sourceSeconds(double seconds) {
        this.sourceSeconds = seconds;
    }

    /** Seconds of audio added by --pad-to. */
    public double audioPadded() {
        return audioPadded;
    }

    public void audioPadded(double seconds) {
        this.audioPadded = seconds;
    }

    /** For a {@link Kind#BATCH}: its videos, each a {@link Kind#DOWNLOAD} job of its own (none for other kinds). */
    public BatchMembers members() {
        return members;
    }

    void members(List<VideoJob> jobs) {
        this.members = new BatchMembers(jobs);
    }

    /** For a video of a batch: how yt-dlp failed it (classified from the run that stopped at it), else null. */
    public VideoFailure batchFailure() {
        return batchFailure;
    }

    void batchFailure(VideoFailure failure) {
        this.batchFailure = failure;
    }

    /** The bytes of the files it put in place so far. */
    public long bytes() {
        return bytes;
    }

    void addBytes(long n) {
        bytes += n;
    }

    /** How it was fetched (yt-dlp and its format, or an archive's entry), for its provenance. */
    public FetchRecord fetched() {
        return fetched;
    }

    /**
     * The SHA-256 of the audio in the work directory, taken together with the video's when the video was
     * published (one openssl run for both), and the file's size and time then: used when the audio is
     * published, if the file is unchanged.
     */
    record PendingHash(Path file, String sha256, long size, java.nio.file.attribute.FileTime modified) {
    }

    private volatile PendingHash audioHash;

    PendingHash audioHash() {
        return audioHash;
    }

    void audioHash(PendingHash hash) {
        this.audioHash = hash;
    }

    /** The SHA-256 of each file it made, by final path, taken as they were put in place. */
    public java.util.Map<Path, String> hashes() {
        return hashes;
    }

    /** Requests made for it so far in this run. */
    public int attempts() {
        return attempts;
    }

    public void countAttempt() {
        attempts++;
    }

    /** The ids its failure is recorded under: each clip's for a source, else its own. */
    public List<String> recordIds() {
        if (kind == Kind.BATCH) {
            return members.all().stream().map(VideoJob::id).toList();
        }
        return isClipSource() ? clips.stream().map(Clip::name).toList() : List.of(id);
    }

    @Override
    public String toString() {
        return kind + " " + id;
    }
}
