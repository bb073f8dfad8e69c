package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.exec.ExecResult;

/**
 * Reads ffprobe's JSON report and decides whether a file is what we promise: a video with a video
 * stream and an audio stream of non-zero duration; an audio file as long as the video's sound.
 */
public final class MediaValidator {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Allowed difference between the extracted audio and the video's audio track. */
    static final double TOLERANCE_SECONDS = 0.25;
    static final double TOLERANCE_RATIO = 0.01;
    /** Two frames at 25 fps, and an AAC frame. */
    static final double CLIP_TOLERANCE_SECONDS = 0.1;

    /** ffprobe's report on a video; throws {@code invalid-output} when ffprobe could not read it. */
    public JsonNode videoReport(@Body ExecResult probe) {
        return report(probe, "the video");
    }

    /** Validates a video from its ffprobe report; returns the length of its audio track in seconds. */
    public double validVideo(@Header("avqaProbe") JsonNode report) {
        double video = streamSeconds(report, "video");
        double audio = streamSeconds(report, "audio");
        if (video < 0) {
            throw new VideoFailure.InvalidOutput("the downloaded file has no video stream", "");
        }
        if (audio < 0) {
            throw new VideoFailure.InvalidOutput("the downloaded file has no audio stream", "");
        }
        if (video == 0 || audio == 0) {
            throw new VideoFailure.InvalidOutput("the downloaded file has a stream of zero duration", "");
        }
        return audio;
    }

    /** Validates an extracted audio file against the length of the video's audio track. */
    public void checkAudio(@Body ExecResult probe, @Header("avqaAudioSeconds") double expected) {
        JsonNode report = report(probe, "the extracted audio");
        double audio = streamSeconds(report, "audio");
        if (audio <= 0) {
            throw new VideoFailure.InvalidOutput("the extracted audio has no sound of non-zero duration", "");
        }
        if (Math.abs(audio - expected) > TOLERANCE_SECONDS + TOLERANCE_RATIO * expected) {
            throw new VideoFailure.InvalidOutput(String.format(
                    "the extracted audio lasts %.2f s but the video's sound lasts %.2f s", audio, expected), "");
        }
    }

    /** A cut clip must last what its window asks, within a frame or two. */
    public void checkClipLength(@Header("avqaProbe") JsonNode report, @ExchangeProperty("avqaClip") Clip clip) {
        if (clip == null || clip.duration() == null) {
            return;
        }
        double actual = report.path("format").path("duration").asDouble(0);
        if (Math.abs(actual - clip.duration()) > CLIP_TOLERANCE_SECONDS) {
            throw new VideoFailure.InvalidOutput(String.format("the clip lasts %.2f s instead of %.2f s "
                    + "(is the source shorter than %.0f s?)", actual, clip.duration(), clip.start() + clip.duration()), "");
        }
    }

    private static JsonNode report(ExecResult probe, String what) {
        String stdout = ToolOutcome.text(probe.getStdout());
        String stderr = ToolOutcome.text(probe.getStderr());
        if (probe.getExitValue() != 0) {
            throw new VideoFailure.InvalidOutput(what + " is not a readable media file (ffprobe failed)",
                    ToolOutcome.lastError(stderr));
        }
        try {
            return JSON.readTree(stdout);
        } catch (IOException e) {
            throw new VideoFailure.InvalidOutput("ffprobe gave no report for " + what, ToolOutcome.lastError(stderr));
        }
    }

    /**
     * Duration of the first stream of a kind: the stream's own duration, else the container's.
     * Returns -1 when there is no such stream.
     */
    static double streamSeconds(JsonNode report, String codecType) {
        for (JsonNode s : report.path("streams")) {
            if (codecType.equals(s.path("codec_type").asText())) {
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
