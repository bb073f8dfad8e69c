package avqa.downloader;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * The argument lists of yt-dlp, ffprobe and ffmpeg, handed to camel-exec as a List (never a shell
 * string). Nothing taken from input is placed where it could be read as an option: the URL comes
 * after {@code --} and every file is an absolute path inside the data directory.
 */
public final class CommandLines {

    private final Settings settings;
    private final Workspace workspace;

    public CommandLines(Settings settings, Workspace workspace) {
        this.settings = settings;
        this.workspace = workspace;
    }

    public List<String> ytDlp(@Header("avqaVideoId") String id, @Header("avqaSourceUrl") String url,
                              @Header("avqaTempDir") String tempDir) {
        if (!VideoIdRules.isSafe(id) || url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("refusing to build a yt-dlp command for an unchecked id or URL");
        }
        String format = settings.get("avqa.video-format");
        List<String> args = new ArrayList<>(List.of(
                "--ignore-config", "--no-playlist", "--no-progress", "--no-mtime", "--no-overwrites",
                // pages the source answers instead of a video are kept in the working directory, so a
                // bot-check or rate-limit page can be told from a wrong URL
                "--write-pages",
                "--retries", "3", "--fragment-retries", "3", "--socket-timeout", "30",
                "--format", settings.get("avqa.download.format"),
                "--merge-output-format", format, "--remux-video", format,
                "--limit-rate", settings.get("avqa.rate-limit"),
                "--output", tempDir.replace("%", "%%") + "/video.%(ext)s"));
        if (!settings.get("avqa.cookies").isEmpty()) {
            args.add("--cookies");
            args.add(java.nio.file.Path.of(settings.get("avqa.cookies")).toAbsolutePath().toString());
        }
        if (!settings.get("avqa.proxy").isEmpty()) {
            args.add("--proxy");
            args.add(settings.get("avqa.proxy"));
        }
        args.add("--");
        args.add(url);
        return args;
    }

    public List<String> probe(@Header("avqaMediaFile") String file) {
        return List.of("-v", "error", "-print_format", "json",
                "-show_entries", "format=duration:stream=codec_type,duration", absolute(file));
    }

    /**
     * Cuts a clip from a source, exactly: re-encoded (H.264/AAC) so the cut falls on the requested
     * frame rather than the nearest keyframe, and mirrored with {@code hflip} when the clip asks.
     */
    public List<String> cutClip(@Header("avqaSourceFile") String source, @ExchangeProperty("avqaClip") Clip clip,
                                @Header("avqaClipFile") String out) {
        List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                "-ss", String.format(java.util.Locale.ROOT, "%.3f", clip.start()), "-i", absolute(source)));
        if (clip.duration() != null) {
            args.addAll(List.of("-t", String.format(java.util.Locale.ROOT, "%.3f", clip.duration())));
        }
        args.addAll(List.of("-map", "0:v:0", "-map", "0:a:0"));
        if (clip.flip()) {
            args.addAll(List.of("-vf", "hflip"));
        }
        args.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", absolute(out)));
        return args;
    }

    public List<String> extractAudio(@Header("avqaVideoFile") String video, @Header("avqaAudioFile") String audio) {
        List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                "-i", absolute(video), "-map", "0:a:0", "-vn", "-sn", "-dn"));
        if ("wav".equals(settings.get("avqa.audio-format"))) {
            args.add("-c:a");
            args.add("pcm_s16le");
        }
        args.add(absolute(audio));
        return args;
    }

    private String absolute(String file) {
        java.nio.file.Path p = java.nio.file.Path.of(file);
        if (!p.isAbsolute() || !p.normalize().startsWith(workspace.root())) {
            throw new IllegalArgumentException("refusing a path outside the data directory: " + file);
        }
        return p.toString();
    }
}
