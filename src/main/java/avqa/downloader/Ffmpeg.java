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

    private static final java.util.regex.Pattern DAMAGED = java.util.regex.Pattern.compile(
            "partial file|corrupt|Invalid data|Invalid NAL|truncat|missing picture|error while decoding",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    private final Path dataDir;
    private final String audioFormat;
    private final String audioRate;
    private final String audioChannels;
    /** avqa.audio.max-size: given to ffmpeg as {@code -fs}, kept by FfmpegWatchdog; the video is then given up. */
    private final long audioMaxBytes;
    private final DiskFull diskFull;
    private final RunControl run;
    /** Raises a host's refusal sent as the video (its rate limit starts the cool-down); null: thrown as it is. */
    private final FailureClassifier classifier;

    public Ffmpeg(Path dataDir, String audioFormat, String audioRate, String audioChannels, long audioMaxBytes,
                  DiskFull diskFull, RunControl run) {
        this(dataDir, audioFormat, audioRate, audioChannels, audioMaxBytes, diskFull, run, null);
    }

    public Ffmpeg(Path dataDir, String audioFormat, String audioRate, String audioChannels, long audioMaxBytes,
                  DiskFull diskFull, RunControl run, FailureClassifier classifier) {
        this.classifier = classifier;
        this.dataDir = dataDir;
        this.audioFormat = audioFormat;
        this.audioRate = audioRate;
        this.audioChannels = audioChannels;
        this.audioMaxBytes = audioMaxBytes;
        this.diskFull = diskFull;
        this.run = run;
    }

    /**
     * ffprobe's report on the streams and durations of {@code file}, as JSON; with each stream's attached_pic
     * disposition, as a cover picture is no video stream ({@link MediaFacts#isPicture}).
     */
    public List<String> probe(@Variable("probeFile") Path file) {
        return List.of("-v", "error", "-print_format", "json", "-show_entries",
                "format=duration,format_name:stream=codec_type,codec_name,width,height,r_frame_rate,sample_rate,channels,duration"
                        + ":stream_disposition=attached_pic,timed_thumbnails",
                MEDIA_INPUT.get(0), MEDIA_INPUT.get(1), inside(file));
    }

    /**
     * Given before each media file ffmpeg or ffprobe reads (a download, an archive's entry, a clip's source, a made
     * audio file): the demuxers it may be read with, those of self-contained video and audio files. Not a playlist or a
     * script that names other files (HLS, concat, DASH, an image sequence, SDP): a host could serve one as a video, and
     * ffmpeg would read the local files it names (a playlist of file:///… or ../../videos/x.mp4) into the dataset, its
     * text kept as the video. ffmpeg then refuses the file ("Format not on whitelist '…'", then "Invalid argument"):
     * a playlist is said to be text, not a video (NotAVideo).
     */
    static final List<String> MEDIA_INPUT = List.of("-format_whitelist",
            "mov,matroska,avi,flv,mpegts,mpeg,asf,ogg,nut,rm,ivf,wav,w64,flac,mp3,aac,ac3,eac3,aiff,caf,au,amr,wv,ape,tta,mpc,mpc8");

    /**
     * Cuts a clip from its source, exactly: re-encoded (H.264/AAC) so the cut falls on the requested
     * frame rather than the nearest keyframe, and mirrored with {@code hflip} when the clip asks.
     */
    public List<String> cut(@Variable("job") VideoJob clipJob) {
        Clip clip = clipJob.clip();
        Path source = clipJob.source();
        double lasts = clipJob.sourceSeconds();
        if (lasts > 0 && clip.start() >= lasts) {
            // ffmpeg would make a file of no streams, said as "no video stream": the window is past the source's end
            throw new VideoFailure.Permanent(String.format(Locale.ROOT, "the clip starts at %.1f s, but the video it is cut "
                    + "from lasts %.1f s", clip.start(), lasts), "");
        }
        List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info",
                "-y", "-ss", String.format(Locale.ROOT, "%.3f", clip.start())));
        args.addAll(MEDIA_INPUT);
        args.addAll(List.of("-i", inside(source)));
        if (clip.duration() != null) {
            args.addAll(List.of("-t", String.format(Locale.ROOT, "%.3f", clip.duration())));
        }
        args.addAll(List.of("-map", "0:V:0", "-map", "0:a:0"));
        if (clip.flip()) {
            args.addAll(List.of("-vf", "hflip"));
        }
        args.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", inside(clipJob.video())));
        return args;
    }

    /**
     * An archive's entry in the other container than {@code --video-format}'s (the authors' .mp4 kept as .mkv, or the
     * other way): put into {@code video.<format>} beside it, every picture and sound stream copied as it is (no
     * re-encoding); {@link #remuxed} checks the run.
     */
    public List<String> remux(@Variable("job") VideoJob job, @Variable("remuxTo") String format) {
        Path target = job.workDir().resolve("video." + format);
        List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info", "-y"));
        args.addAll(MEDIA_INPUT);
        args.addAll(List.of("-i", inside(job.video()), "-map", "0:V?", "-map", "0:a?", "-c", "copy", "-f",
                format.equals("mkv") ? "matroska" : "mp4", inside(target)));
        return args;
    }

    /** After {@link #remux}: the entry as it came gives way to the file in {@code --video-format}'s container. */
    public void remuxed(@Body ExecResult result, @Variable("job") VideoJob job, @Variable("remuxTo") String format)
            throws java.io.IOException {
        Path target = job.workDir().resolve("video." + format);
        if (result.getExitValue() != 0) {
            run.checkRunning();
            String given = job.video().getFileName().toString();
            throw new VideoFailure.InvalidOutput("the archive's " + given.substring(given.lastIndexOf('.')) + " file could "
                    + "not be put into a ." + format + " file as it is (--video-format " + format + ")",
                    FailureClassifier.lastError(report(result).problems()));
        }
        java.nio.file.Files.deleteIfExists(job.video());
        job.video(target);
    }

    /**
     * One pass over the job's video: its first audio track extracted into the work directory, and every
     * packet of every stream read (copied to nowhere) with {@code -xerror}, so a file cut short or
     * damaged anywhere fails here, though its index (all ffprobe reads) is whole. It reports at level
     * info, each line tagged with its level ({@link FfmpegReport}): what it says of the input as it opens
     * it stands for ffprobe's report.
     */
    public List<String> audio(@Variable("job") VideoJob job) {
        List<String> args = new ArrayList<>(PASS_START);
        args.addAll(MEDIA_INPUT);
        args.addAll(List.of("-i", inside(job.video())));
        args.addAll(passOutputs(job, 0, null));
        return args;
    }

    /**
     * The pass over several videos in one ffmpeg run ({@link AudioPasses}): each video an input, read on a
     * thread of its own through a queue large enough that the inputs do not wait on each other, with the
     * outputs {@link #audio} gives it alone; its packets are listed in {@code packetLogs} (ffmpeg's framecrc:
     * one line per packet, with its stream, time stamps and size) rather than copied to nowhere, as with
     * several inputs ffmpeg's report gives how far the packets reach only for all of them at once.
     */
    public List<String> audioTogether(List<VideoJob> jobs, List<Path> packetLogs) {
        List<String> args = new ArrayList<>(PASS_START);
        for (VideoJob job : jobs) {
            args.addAll(List.of("-thread_queue_size", "4096"));
            args.addAll(MEDIA_INPUT);
            args.addAll(List.of("-i", inside(job.video())));
        }
        for (int i = 0; i < jobs.size(); i++) {
            args.addAll(passOutputs(jobs.get(i), i, packetLogs.get(i)));
        }
        return args;
    }

    private static final List<String> PASS_START = List.of("-nostdin", "-hide_banner", "-nostats", "-loglevel",
            "level+info", "-xerror", "-y");

    /** Input {@code input}'s audio to its file, and every packet of it to nowhere (or to {@code packetLog}). */
    private List<String> passOutputs(VideoJob job, int input, Path packetLog) {
        // the input's own metadata and chapters (by default every output takes the first input's)
        List<String> own = List.of("-map_metadata", String.valueOf(input), "-map_chapters", String.valueOf(input));
        List<String> args = new ArrayList<>(List.of("-map", input + ":a:0", "-vn", "-sn", "-dn"));
        args.addAll(own);
        if ("wav".equals(audioFormat)) {
            args.add("-c:a");
            args.add("pcm_s16le");
        }
        if (!audioRate.isEmpty()) {
            args.addAll(List.of("-ar", audioRate));
        }
        if (!audioChannels.isEmpty()) {
            args.addAll(List.of("-ac", audioChannels));
        }
        // no further audio is written past avqa.audio.max-size (FfmpegWatchdog keeps it; checkAudioSize gives the video up)
        args.addAll(List.of("-fs", String.valueOf(audioMaxBytes)));
        args.add(inside(job.audio()));
        // every packet of every stream, to nowhere; 0:V:0 too (a video stream that is not an attached picture,
        // a song's cover art, say), so a file with no moving picture fails the pass itself, whatever its report says
        args.addAll(List.of("-map", input + ":V:0", "-map", String.valueOf(input), "-c", "copy"));
        args.addAll(own);
        args.addAll(packetLog == null ? List.of("-f", "null", "-") : List.of("-f", "framecrc", inside(packetLog)));
        return args;
    }

    /**
     * The pass over a whole video ({@link #audio}): as {@link #check}, and a damage ffmpeg read past
     * without failing (a remuxed copy of a file cut short keeps its broken last packet) counts too.
     */
    public void checkPass(@Body ExecResult result, @Variable("job") VideoJob job) {
        FfmpegReport report = report(result);
        String problems = report.problems();
        int exit = result.getExitValue();
        if (!stoppedBySignal(exit, report) && (exit != 0 || DAMAGED.matcher(problems).find())) {
            notAVideo(job == null ? null : job.video(), problems);
        }
        check(exit, report);
        if (DAMAGED.matcher(problems).find()) {
            throw new VideoFailure.InvalidOutput("the video is damaged: some of its data is missing or corrupt "
                    + "(a file cut short?)", FailureClassifier.lastError(problems));
        }
    }

    /**
     * An audio file that reached avqa.audio.max-size, where ffmpeg was stopped (a few megabytes of silence decode to
     * gigabytes): the video is given up, permanent, until the setting is raised. Looked at before anything else of
     * the pass, which the stop cut short.
     */
    public void checkAudioSize(@Body ExecResult result, @Variable("job") VideoJob job) {
        long size;
        try {
            size = java.nio.file.Files.size(job.audio());
        } catch (java.io.IOException e) {
            return; // no audio written: the checks of the audio that follow say so
        }
        if (size >= audioMaxBytes) {
            FfmpegReport report = report(result);
            String lasts = report.seconds() > 0 ? String.format(Locale.ROOT, " (the file says it lasts %s)",
                    MediaValidator.clock(report.seconds())) : "";
            throw new VideoFailure.Permanent("its audio would be larger than avqa.audio.max-size ("
                    + ArchiveFetch.human(audioMaxBytes) + "): ffmpeg stopped writing it there" + lasts
                    + "; raise avqa.audio.max-size if a video this long is meant (then --retry-permanent)", "");
        }
    }

    /**
     * ffmpeg's exit when a signal ended it: it catches the SIGTERM by which camel-exec's timeout stops it,
     * writes what it has and exits with 255 (its errors exit with 1, or 69 past -max_error_rate).
     */
    static final int SIGNALLED = 255;

    /**
     * Whether a signal ended ffmpeg (its timeout's SIGTERM, or a SIGKILL): ffmpeg said so, whatever its exit
     * (a SIGTERM while it opens its input ends it with 1, see {@link FfmpegReport}), or it died of the signal
     * before it could say anything, or it exited with 255 and said no error of its own ({@code problems}, its
     * error lines), as later ffmpegs also exit with 255 for a failure (-1, EPERM), which they say.
     */
    static boolean stoppedBySignal(int exit, FfmpegReport report) {
        return exit != 0 && report.signalled() || FailureClassifier.KILLED.contains(exit)
                || exit == SIGNALLED && report.problems().isBlank();
    }

    /** ffmpeg's exit: a full disk stops the run, a timeout is transient, anything else is the video's. */
    public void check(@Body ExecResult result) {
        if (result.getExitValue() != 0) {
            check(result.getExitValue(), report(result));
        }
    }

    /** A file that is plainly no video (empty, a web page) is said to be what it is, not a damaged video. */
    private void notAVideo(Path file, String problems) {
        VideoFailure refusal = NotAVideo.refusal(file);
        if (refusal != null) {
            run.checkRunning();
            throw classifier == null ? refusal : classifier.raise(refusal, null);
        }
        String why = NotAVideo.why(file);
        if (why != null) {
            run.checkRunning();
            throw new VideoFailure.InvalidOutput(why, FailureClassifier.lastError(problems));
        }
    }

    /** What ffmpeg said: among it, what went wrong (its error lines) and whether a signal ended it. */
    private static FfmpegReport report(ExecResult result) {
        return FfmpegReport.of(FailureClassifier.text(result.getStderr()));
    }

    private void check(int exit, FfmpegReport report) {
        String problems = report.problems();
        if (exit != 0) {
            run.checkRunning();
            diskFull.check(problems, FailureClassifier.lastError(problems));
            if (exit == FailureClassifier.KILLED_FROM_OUTSIDE) {
                throw FailureClassifier.killedFromOutside("ffmpeg", exit, problems);
            }
            if (stoppedBySignal(exit, report)) {
                throw new VideoFailure.Transient("ffmpeg did not finish in time and was stopped (avqa.extract.timeout)",
                        FailureClassifier.lastError(problems));
            }
            throw new VideoFailure.InvalidOutput(DAMAGED.matcher(problems).find()
                    ? "the video is damaged: some of its data is missing or corrupt (a file cut short?)"
                    : "ffmpeg failed on this video (exit " + exit + ")", FailureClassifier.lastError(problems));
        }
    }

    private String inside(Path file) {
        if (file == null || !file.isAbsolute() || !file.normalize().startsWith(dataDir)) {
            throw new IllegalArgumentException("refusing a path outside the data directory: " + file);
        }
        return file.toString();
    }
}
