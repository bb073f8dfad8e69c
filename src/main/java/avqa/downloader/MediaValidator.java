package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.apache.camel.component.exec.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads ffprobe's JSON report, or the audio pass's own (FfmpegReport), and decides whether a file is
 * what we promise: a video with a video stream and an audio stream of non-zero duration; an audio file
 * as long as the video's sound.
 */
public final class MediaValidator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger("avqa.download");

    private final RunControl run;
    private final Frames frames;

    /** Raises a host's refusal sent as the video (its rate limit starts the cool-down); null: thrown as it is. */
    private final FailureClassifier classifier;

    public MediaValidator(RunControl run, Frames frames) {
        this(run, frames, null);
    }

    public MediaValidator(RunControl run, Frames frames, FailureClassifier classifier) {
        this.classifier = classifier;
        this.run = run;
        this.frames = frames;
    }

    /**
     * Whether the video needs ffprobe's check before its audio pass. Not a whole video or a clip whose
     * audio is made next: that pass reads it whole, and its own report checks it ({@link #validPass}).
     * A clip's source (cut before any pass) does, and so does a video whose frames are made: their count
     * is checked against the picture's own length, which only ffprobe gives.
     */
    public boolean probeNeeded(@Variable("job") VideoJob job) {
        return !job.checkedByPass() || frames.wanted(job);
    }

    /**
     * The check of a video from its audio pass's own report, in place of ffprobe's: a video stream and an
     * audio stream, a length and pictures; a clip lasting what its window asks. The sound lasts what the
     * pass decoded of it (the WAV's length; another format's from ffprobe, in checkAudio). A pass that
     * failed is said by ffmpeg.checkPass, after the streams it lacks.
     */
    public void validPass(@Variable("job") VideoJob job, @Body ExecResult pass) {
        FfmpegReport report = FfmpegReport.of(FailureClassifier.text(pass.getStderr()));
        boolean ran = pass.getExitValue() == 0;
        if (!ran) {
            run.checkRunning(); // stopped with the run: pending, whatever it had said so far
            if (Ffmpeg.stoppedBySignal(pass.getExitValue(), report)) {
                return; // out of time: transient (checkPass)
            }
        }
        if (!report.opened()) {
            if (ran) {
                throw new VideoFailure.InvalidOutput("ffmpeg gave no report for the video", "");
            }
            return;
        }
        if (report.forged()) {
            throw new VideoFailure.InvalidOutput("the video file describes a stream that is not there "
                    + "(text in its metadata posing as ffmpeg's report)", "");
        }
        if (report.video() == null) {
            throw new VideoFailure.InvalidOutput("the video file has no video stream", "");
        }
        if (report.audio() == null) {
            throw new VideoFailure.InvalidOutput("the video file has no audio stream", "");
        }
        if (!ran) {
            return;
        }
        if (report.seconds() <= 0 || report.frames() == 0) {
            throw new VideoFailure.InvalidOutput("the video file has a stream of zero duration", "");
        }
        double lasts = lasts(report);
        checkClip(job.clip(), lasts, job.sourceSeconds());
        MediaFacts facts = MediaFacts.of(report, Double.NaN);
        sayContainer(job, facts.container());
        job.validated(facts, lasts, Double.NaN);
        job.containerSeconds(lasts);
    }

    /**
     * How long a video that the pass read whole lasts: what its header says, when that is within a second of how
     * far its packets reach (the last packet's start, a frame short of the end), else how far they reach. A
     * header that says far more than that (more than half again, and 10 s) tells of a file cut short behind it,
     * or of a length made up; such a file is refused, where its made-up length would have gone into the
     * provenance and the frames' count.
     */
    static double lasts(FfmpegReport report) {
        if (report.held() <= 0) {
            return report.seconds();
        }
        refuseMadeUpLength(report.seconds(), report.held());
        return Math.abs(report.seconds() - report.held()) <= 1 ? report.seconds() : report.held();
    }

    /** A video whose header {@code says} it lasts far longer than its streams {@code hold} (see {@link #lasts}). */
    static void refuseMadeUpLength(double says, double holds) {
        if (holds > 0 && says > holds * HEADER_SLACK + HEADER_SLACK_SECONDS) {
            throw new VideoFailure.InvalidOutput(String.format(java.util.Locale.ROOT,
                    "the video file says it lasts %s, but its streams hold %.1f s: it was cut short, or its header is wrong",
                    clock(says), holds), "");
        }
    }

    /** A length as ffmpeg writes one, hours:minutes:seconds. */
    static String clock(double seconds) {
        long whole = (long) seconds;
        return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60);
    }

    /**
     * A file whose container is not the one its name says (a WebM a host serves as {@code <id>.mp4}) is kept
     * as it came, its bytes its source's (a checksum list from elsewhere still confirms them), with a
     * warning that says what it is and how to remux it for a tool that goes by the name.
     */
    static void sayContainer(VideoJob job, String container) {
        if (job.video() == null || container == null || container.isEmpty()) {
            return;
        }
        String name = job.video().getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        boolean fits = switch (ext) {
            case "mp4" -> container.contains("mp4");
            case "mkv" -> container.contains("matroska");
            default -> true;
        };
        if (!fits) {
            LOG.warn("{}: its file is {} ({}), not {}; kept as it came (its bytes are its source's). "
                    + "A tool that goes by the name may need it remuxed (ffmpeg -i IN -c copy OUT.{}), or re-encoded "
                    + "where its codecs do not fit {}", job.id(),
                    container.contains("matroska") ? "Matroska or WebM" : "of another kind",
                    Redact.text(container, 60), ext, ext, ext);
        }
    }

    /** Allowed difference between the extracted audio and the video's audio track. */
    static final double TOLERANCE_SECONDS = 0.25;
    static final double TOLERANCE_RATIO = 0.01;
    /** How much longer than its streams a video's header may say it lasts: half again, and 10 s. */
    static final double HEADER_SLACK = 1.5;
    static final double HEADER_SLACK_SECONDS = 10;
    /** Two frames at 25 fps, and an AAC frame. */
    static final double CLIP_TOLERANCE_SECONDS = 0.1;

    /**
     * Validates the job's video from ffprobe's report: a video and an audio stream of non-zero
     * duration; a clip must also last what its window asks. Keeps how long its sound lasts.
     */
    public void validVideo(@Variable("job") VideoJob job, @Body ExecResult probe) {
        int exit = probe.getExitValue();
        if (exit != 0) {
            run.checkRunning();
            if (exit != FailureClassifier.KILLED_FROM_OUTSIDE && !FailureClassifier.KILLED.contains(exit)) {
                // a file that is plainly no video (empty, text, a web page) is said to be what it is, as the audio pass says
                VideoFailure refusal = NotAVideo.refusal(job == null ? null : job.video());
                if (refusal != null) {
                    throw classifier == null ? refusal : classifier.raise(refusal, null);
                }
                String why = NotAVideo.why(job == null ? null : job.video());
                if (why != null) {
                    throw new VideoFailure.InvalidOutput(why, FailureClassifier.lastError(FailureClassifier.text(probe.getStderr())));
                }
            }
        }
        JsonNode report = report(probe, "the video");
        double video = streamSeconds(report, "video");
        double audio = streamSeconds(report, "audio");
        if (video < 0) {
            throw new VideoFailure.InvalidOutput("the video file has no video stream", "");
        }
        if (audio < 0) {
            throw new VideoFailure.InvalidOutput("the video file has no audio stream", "");
        }
        if (video == 0 || audio == 0) {
            throw new VideoFailure.InvalidOutput("the video file has a stream of zero duration", "");
        }
        double container = report.path("format").path("duration").asDouble(0);
        // the streams' own lengths, from the index (a container that gives none, as Matroska, gives its own)
        refuseMadeUpLength(container, Math.max(video, audio));
        checkClip(job.clip(), container, job.sourceSeconds());
        MediaFacts facts = MediaFacts.of(report);
        sayContainer(job, facts.container());
        job.validated(facts, video, audio);
        job.containerSeconds(container);
        sayShortSound(job, audio, video);
    }

    /**
     * A video whose sound stops before half its length is kept (it has sound, as promised; a still picture with
     * its music is a video too), with a warning: a model that expects sound throughout may need it padded or
     * left out, and the researcher would rather know than find out.
     */
    static void sayShortSound(VideoJob job, double sound, double whole) {
        if (sound > 0 && whole > 0 && sound < whole / 2) {
            LOG.warn("{}: its sound lasts {} s of the {} s of the video; kept (it has sound), but a model that expects "
                    + "sound throughout may need it padded or left out", job.named(), String.format(java.util.Locale.ROOT,
                    "%.1f", sound), String.format(java.util.Locale.ROOT, "%.1f", whole));
        }
    }

    /**
     * A clip must last what its window asks. One whose window ends past the end of its source (its length as ffprobe
     * read it, {@code sourceSeconds}; 0 when unknown) ends there: that is permanent (the source fetched again at every
     * run would give the same), as a window that starts past the end is ({@link Ffmpeg#cut}). A source cut short whose
     * index says nothing of its length is taken at the length it has, as there.
     */
    private static void checkClip(Clip clip, double actual, double sourceSeconds) {
        if (clip != null && clip.duration() != null && Math.abs(actual - clip.duration()) > CLIP_TOLERANCE_SECONDS
                && sourceSeconds > 0 && clip.start() + clip.duration() > sourceSeconds + CLIP_TOLERANCE_SECONDS
                && Math.abs(actual - (sourceSeconds - clip.start())) <= CLIP_TOLERANCE_SECONDS + 0.05) {
            throw new VideoFailure.Permanent(String.format(java.util.Locale.ROOT, "the clip's window ends at %.1f s, but "
                    + "the video it is cut from lasts %.1f s (the clip lasts %.2f s instead of %.2f s)",
                    clip.start() + clip.duration(), sourceSeconds, actual, clip.duration()), "");
        }
        if (clip != null && clip.duration() != null && Math.abs(actual - clip.duration()) > CLIP_TOLERANCE_SECONDS) {
            throw new VideoFailure.InvalidOutput(String.format("the clip lasts %.2f s instead of %.2f s "
                    + "(is the source shorter than %.0f s?)", actual, clip.duration(), clip.start() + clip.duration()), "");
        }
    }

    /** Validates an extracted audio file (not a WAV) from ffprobe's report, against the video's sound. */
    public void checkAudio(@Variable("job") VideoJob job, @Body ExecResult probe) {
        if (probe.getExitValue() != 0) {
            run.checkRunning();
        }
        JsonNode report = report(probe, "the extracted audio");
        double audio = streamSeconds(report, "audio");
        if (audio <= 0) {
            throw new VideoFailure.InvalidOutput("the extracted audio has no sound of non-zero duration", "");
        }
        checkLength(audio, job);
    }

    /**
     * Validates an extracted WAV from its RIFF header, without another process: its length is the
     * size of its {@code data} chunk over the byte rate of its {@code fmt } chunk.
     */
    public void checkWav(@Variable("job") VideoJob job) throws java.io.IOException {
        double seconds = wavSeconds(job.audio());
        if (seconds <= 0) {
            throw new VideoFailure.InvalidOutput("the extracted audio is not a WAV file with sound", "");
        }
        checkLength(seconds, job);
    }

    /**
     * The audio against the video's sound as ffprobe read it from the index; after a pass that stood in
     * for ffprobe, the sound is what the pass decoded, and this is its length.
     */
    private static void checkLength(double audio, VideoJob job) {
        double expected = job.audioSeconds();
        if (Double.isNaN(expected)) {
            job.soundLasts(audio);
            sayShortSound(job, audio, job.videoSeconds());
            return;
        }
        if (Math.abs(audio - expected) > TOLERANCE_SECONDS + TOLERANCE_RATIO * expected) {
            throw new VideoFailure.InvalidOutput(String.format(
                    "the extracted audio lasts %.2f s but the video's sound lasts %.2f s", audio, expected), "");
        }
    }

    /** A PCM WAV's sample rate and channels from its {@code fmt } chunk, or {0, 0} when it is not one. */
    static int[] wavFormat(java.nio.file.Path file) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            WavChunks chunks = new WavChunks(ch);
            while (chunks.next()) {
                if (chunks.id() == WavChunks.FMT) {
                    return new int[] {chunks.header().getInt(12), Short.toUnsignedInt(chunks.header().getShort(10))};
                }
            }
            return new int[] {0, 0};
        }
    }

    /** Seconds of sound in a PCM WAV file, or -1 when it is not one. */
    static double wavSeconds(java.nio.file.Path file) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (ch.read(b, 0) != 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // RIFF, WAVE
                return -1;
            }
            long byteRate = -1;
            WavChunks chunks = new WavChunks(ch);
            while (chunks.next()) {
                if (chunks.id() == WavChunks.FMT) {
                    byteRate = Integer.toUnsignedLong(chunks.header().getInt(8 + 8));
                } else if (chunks.id() == WavChunks.DATA) {
                    long available = Math.min(chunks.size(), ch.size() - chunks.position() - 8);
                    return byteRate > 0 ? (double) available / byteRate : -1;
                }
            }
            return -1;
        }
    }

    private static JsonNode report(ExecResult probe, String what) {
        String stdout = FailureClassifier.text(probe.getStdout());
        String stderr = FailureClassifier.text(probe.getStderr());
        if (probe.getExitValue() == FailureClassifier.KILLED_FROM_OUTSIDE) {
            throw FailureClassifier.killedFromOutside("ffprobe", probe.getExitValue(), stderr);
        }
        if (FailureClassifier.KILLED.contains(probe.getExitValue())) {
            // ffprobe does not catch the SIGTERM of its timeout: it ends with 143
            throw new VideoFailure.Transient("ffprobe did not finish in time and was stopped (avqa.extract.timeout)",
                    FailureClassifier.lastError(stderr));
        }
        if (probe.getExitValue() != 0) {
            throw new VideoFailure.InvalidOutput(what + " is not a readable media file (ffprobe failed)",
                    FailureClassifier.lastError(stderr));
        }
        try {
            return JSON.readTree(stdout);
        } catch (IOException e) {
            throw new VideoFailure.InvalidOutput("ffprobe gave no report for " + what, FailureClassifier.lastError(stderr));
        }
    }

    /**
     * Duration of the first stream of a kind: the stream's own duration, else the container's.
     * Returns -1 when there is no such stream (a cover picture is no video stream).
     */
    static double streamSeconds(JsonNode report, String codecType) {
        for (JsonNode s : report.path("streams")) {
            if (codecType.equals(s.path("codec_type").asText()) && !("video".equals(codecType) && MediaFacts.isPicture(s))) {
                double d = s.path("duration").asDouble(0);
                if (d <= 0) {
                    d = report.path("format").path("duration").asDouble(0);
                }
                return d;
            }
        }
        return -1;
    }
}
