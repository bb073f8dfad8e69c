package avqa.downloader;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Variable;

/**
 * {@code --frames FPS}: a video's frames as images, {@code frames/<id>/%06d.jpg} (the pattern is
 * avqa.frames.pattern), as the MUSIC-AVQA reference code reads them. ffmpeg writes them into the
 * video's work directory; they are counted (the video's length × FPS, within one), padded to
 * {@code --pad-to} seconds by repeating the last second, and the folder is moved into place whole.
 */
public final class Frames {

    private final double fps;
    private final String pattern;
    private final double padTo;
    /** Frames taken as the reference script takes them ({@code -r FPS}), not by the fps filter. */
    private final boolean reference;
    private final Workspace workspace;
    private final OutputSettings outputs;

    public Frames(double fps, String pattern, double padTo, boolean reference, Workspace workspace, OutputSettings outputs) {
        this.fps = fps;
        this.reference = reference;
        this.pattern = pattern;
        this.padTo = padTo;
        this.workspace = workspace;
        this.outputs = outputs;
    }

    public boolean enabled() {
        return fps > 0;
    }

    /**
     * Whether this job makes frames: every video of its own (not a clip source) that was fetched or made
     * now; a video recorded complete whose audio is made again keeps its frames when they are in place and
     * were made with this run's settings (as the plan found them: {@link OutputSettings#keepsFramesOf}).
     */
    public boolean wanted(@Variable("job") VideoJob job) {
        if (!enabled() || job.isClipSource()) {
            return false;
        }
        return job.kind() != VideoJob.Kind.AUDIO_ONLY || !workspace.hasFrames(job.id()) || !outputs.keepsFramesOf(job.id());
    }

    /** An empty folder for the frames in the job's work directory. */
    public void prepare(@Variable("job") VideoJob job) {
        Path dir = job.workDir().resolve("frames");
        FileTrees.deleteTree(dir, true);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir, e);
        }
        job.frames(new FramesMade(dir, 0, 0));
    }

    /**
     * ffmpeg's argument list: every frame at FPS, as JPEG, into the job's frames folder; with the reference
     * method, the reference script's own ({@code ffmpeg -i V -r FPS DIR/%06d.jpg}), so its images are the same.
     */
    public List<String> args(@Variable("job") VideoJob job) {
        String out = job.frames().dir().resolve(pattern).toString();
        List<String> args = new java.util.ArrayList<>(List.of("-nostdin", "-hide_banner", "-nostats", "-loglevel",
                "level+info", "-y"));
        args.addAll(Ffmpeg.MEDIA_INPUT);
        args.addAll(List.of("-i", job.video().toString()));
        args.addAll(reference ? List.of("-r", number(fps), out)
                : List.of("-map", "0:V:0", "-vf", "fps=" + number(fps), "-q:v", "2", out));
        return args;
    }

    /**
     * The frames ffmpeg wrote: as many as the video's length × FPS, within one (else invalid-output);
     * then, with --pad-to, the last second's frames repeated up to that length.
     */
    public void check(@Variable("job") VideoJob job) throws IOException {
        List<Path> made = list(job.frames().dir());
        // ffmpeg's fps filter fills from the container's start: a picture that starts late (or ends early)
        // gets frames for the container's whole length, repeating its first (or last) picture
        double picture = job.videoSeconds();
        double whole = Math.max(picture, job.containerSeconds());
        double fewest = fewest(picture, fps);
        double most = most(picture, job.containerSeconds(), fps, reference);
        if (made.isEmpty()) {
            throw new VideoFailure.InvalidOutput(String.format(Locale.ROOT, "ffmpeg made no frame of a picture of %.2f s at "
                    + "%s fps (a picture shorter than a frame's interval, or a single still picture)", picture, number(fps)), "");
        }
        if (!fits(made.size(), picture, job.containerSeconds(), fps, reference)) {
            throw new VideoFailure.InvalidOutput(String.format(Locale.ROOT, "ffmpeg made %d frames of a video whose picture "
                    + "lasts %.2f s%s at %s fps (expected %.0f to %.0f)", made.size(), picture,
                    whole > picture + 0.01 ? String.format(Locale.ROOT, " (%.2f s with the container's)", whole) : "",
                    number(fps), Math.max(1, Math.ceil(fewest)), Math.floor(most)), "");
        }
        int count = made.size();
        int target = padTo > 0 ? (int) Math.round(padTo * fps) : 0;
        int padded = 0;
        if (count < target) {
            int second = Math.max(1, Math.min(count, (int) Math.round(fps)));
            List<Path> last = made.subList(count - second, count);
            for (int i = count; i < target; i++) {
                Files.copy(last.get((i - count) % second), job.frames().dir().resolve(String.format(Locale.ROOT, pattern, i + 1)));
            }
            padded = target - count;
            count = target;
        }
        job.frames(new FramesMade(job.frames().dir(), count, padded));
    }

    /**
     * The one rule for how many frames a video's folder holds, here and in --verify: from its picture's
     * length × FPS (less one) to its container's (ffmpeg's fps filter fills from the container's start) plus
     * one, or plus three with {@code -r FPS}, which keeps the first frames as well.
     */
    static boolean fits(int count, double picture, double container, double fps, boolean reference) {
        return count >= fewest(picture, fps) - 1e-6 && count <= most(picture, container, fps, reference) + 1e-6;
    }

    private static double fewest(double picture, double fps) {
        return picture * fps - 1;
    }

    private static double most(double picture, double container, double fps, boolean reference) {
        return Math.max(picture, container) * fps + (reference ? 3 : 1);
    }

    /** The frame files of a folder in order (ffmpeg numbers them from 1). */
    static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            files.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    static String number(double v) {
        return v == Math.floor(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
