package avqa.downloader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.apache.camel.component.exec.ExecResult;

/**
 * ffprobe's and ffmpeg's argument lists (for camel-exec, as Lists) and the check of ffmpeg's exit.
 * Every file named is an absolute path inside the data directory, so nothing from input can be read
 * as an option.
 */
public final class Ffmpeg {

    private final Path dataDir;
    private final String audioFormat;
    private final DiskFull diskFull;
    private final RunControl run;

    public Ffmpeg(Path dataDir, String audioFormat, DiskFull diskFull, RunControl run) {
        this.dataDir = dataDir;
        this.audioFormat = audioFormat;
        this.diskFull = diskFull;
        this.run = run;
    }

    /** ffprobe's report on the streams and durations of {@code file}, as JSON. */
    public List<String> probe(@Variable("probeFile") Path file) {
        return List.of("-v", "error", "-print_format", "json",
                "-show_entries", "format=duration:stream=codec_type,duration", inside(file));
    }

    /**
     * Cuts a clip from its source, exactly: re-encoded (H.264/AAC) so the cut falls on the requested
     * frame rather than the nearest keyframe, and mirrored with {@code hflip} when the clip asks.
     */
    public List<String> cut(@Variable("job") VideoJob clipJob) {
        Clip clip = clipJob.clip();
        Path source = clipJob.source();
        List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                "-ss", String.format(Locale.ROOT, "%.3f", clip.start()), "-i", inside(source)));
        if (clip.duration() != null) {
            args.addAll(List.of("-t", String.format(Locale.ROOT, "%.3f", clip.duration())));
        }
        args.addAll(List.of("-map", "0:v:0", "-map", "0:a:0"));
        if (clip.flip()) {
            args.addAll(List.of("-vf", "hflip"));
        }
        args.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", inside(clipJob.video())));
        return args;
    }

    /** Extracts the first audio track of the job's video into its work directory. */
    public List<String> audio(@Variable("job") VideoJob job) {
        List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                "-i", inside(job.video()), "-map", "0:a:0", "-vn", "-sn", "-dn"));
        if ("wav".equals(audioFormat)) {
            args.add("-c:a");
            args.add("pcm_s16le");
        }
        args.add(inside(job.audio()));
        return args;
    }

    /** ffmpeg's exit: a full disk stops the run, a timeout is transient, anything else is the video's. */
    public void check(@Body ExecResult result) {
        if (result.getExitValue() != 0) {
            String stderr = FailureClassifier.text(result.getStderr());
            run.checkRunning();
            diskFull.check(stderr, FailureClassifier.lastError(stderr));
            if (FailureClassifier.KILLED.contains(result.getExitValue())) {
                throw new VideoFailure.Transient("ffmpeg did not finish in time and was stopped (avqa.extract.timeout)",
                        FailureClassifier.lastError(stderr));
            }
            throw new VideoFailure.InvalidOutput("ffmpeg failed on this video (exit " + result.getExitValue() + ")",
                    FailureClassifier.lastError(stderr));
        }
    }

    private String inside(Path file) {
        if (file == null || !file.isAbsolute() || !file.normalize().startsWith(dataDir)) {
            throw new IllegalArgumentException("refusing a path outside the data directory: " + file);
        }
        return file.toString();
    }
}
