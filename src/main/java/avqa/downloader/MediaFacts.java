package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What ffprobe, or the audio pass's own report, says of a video, as provenance.jsonl keeps it:
 * container, codecs, picture size, frame rate (frames per second, to 2 decimals), sound's rate and
 * channels, durations.
 */
public record MediaFacts(String container, String videoCodec, int width, int height, double frameRate,
                         double videoSeconds, String audioCodec, int sampleRate, int channels, double audioSeconds) {

    static MediaFacts of(JsonNode report) {
        String container = report.path("format").path("format_name").asText("");
        double format = report.path("format").path("duration").asDouble(0);
        JsonNode video = null;
        JsonNode audio = null;
        for (JsonNode s : report.path("streams")) {
            String type = s.path("codec_type").asText();
            if (video == null && "video".equals(type) && !isPicture(s)) {
                video = s;
            } else if (audio == null && "audio".equals(type)) {
                audio = s;
            }
        }
        return new MediaFacts(container,
                video == null ? "" : video.path("codec_name").asText(""),
                video == null ? 0 : video.path("width").asInt(0),
                video == null ? 0 : video.path("height").asInt(0),
                video == null ? 0 : rate(video.path("r_frame_rate").asText("")),
                video == null ? -1 : seconds(video, format),
                audio == null ? "" : audio.path("codec_name").asText(""),
                audio == null ? 0 : audio.path("sample_rate").asInt(0),
                audio == null ? 0 : audio.path("channels").asInt(0),
                audio == null ? -1 : seconds(audio, format));
    }

    /**
     * From the audio pass's report (FfmpegReport): the container's duration stands for the picture's,
     * and the sound lasts what the pass decoded of it.
     */
    static MediaFacts of(FfmpegReport report, double soundSeconds) {
        FfmpegReport.Stream video = report.video();
        FfmpegReport.Stream audio = report.audio();
        return new MediaFacts(report.container(), video.codec(), video.width(), video.height(),
                Math.round(video.frameRate() * 100) / 100.0, report.seconds(),
                audio.codec(), audio.sampleRate(), audio.channels(), soundSeconds);
    }

    /**
     * Whether a stream ffprobe calls video is a still picture attached to the file (a song's cover art, a
     * thumbnail), not a moving picture: no video stream for us.
     */
    static boolean isPicture(JsonNode stream) {
        JsonNode disposition = stream.path("disposition");
        return disposition.path("attached_pic").asInt(0) == 1 || disposition.path("timed_thumbnails").asInt(0) == 1;
    }

    /** ffprobe's rational frame rate ("30000/1001") in frames per second, to 2 decimals; 0 when not given. */
    static double rate(String rational) {
        String[] parts = rational.split("/");
        try {
            double value = parts.length == 2 ? Double.parseDouble(parts[0]) / Double.parseDouble(parts[1])
                    : Double.parseDouble(rational);
            return Double.isFinite(value) ? Math.round(value * 100) / 100.0 : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double seconds(JsonNode stream, double format) {
        double d = stream.path("duration").asDouble(0);
        return d > 0 ? d : format;
    }

    /** The same, with the sound's length as the audio pass decoded it. */
    MediaFacts withSound(double seconds) {
        return new MediaFacts(container, videoCodec, width, height, frameRate, videoSeconds, audioCodec, sampleRate,
                channels, seconds);
    }

    /** The video's part of a provenance line. */
    Map<String, Object> asJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("container", container);
        m.put("video_codec", videoCodec);
        m.put("width", width);
        m.put("height", height);
        m.put("frame_rate", frameRate);
        m.put("duration", round(videoSeconds));
        m.put("audio_codec", audioCodec);
        m.put("audio_rate", sampleRate);
        m.put("audio_channels", channels);
        m.put("audio_duration", round(audioSeconds));
        return m;
    }

    static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
