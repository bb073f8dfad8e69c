package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What ffprobe says of a video, as provenance.jsonl keeps it: container, codecs, picture size, frame
 * rate, sound's rate and channels, durations.
 */
public record MediaFacts(String container, String videoCodec, int width, int height, String frameRate,
                         double videoSeconds, String audioCodec, int sampleRate, int channels, double audioSeconds) {

    static MediaFacts of(JsonNode report) {
        String container = report.path("format").path("format_name").asText("");
        double format = report.path("format").path("duration").asDouble(0);
        JsonNode video = null;
        JsonNode audio = null;
        for (JsonNode s : report.path("streams")) {
            String type = s.path("codec_type").asText();
            if (video == null && "video".equals(type)) {
                video = s;
            } else if (audio == null && "audio".equals(type)) {
                audio = s;
            }
        }
        return new MediaFacts(container,
                video == null ? "" : video.path("codec_name").asText(""),
                video == null ? 0 : video.path("width").asInt(0),
                video == null ? 0 : video.path("height").asInt(0),
                video == null ? "" : video.path("r_frame_rate").asText(""),
                video == null ? -1 : seconds(video, format),
                audio == null ? "" : audio.path("codec_name").asText(""),
                audio == null ? 0 : audio.path("sample_rate").asInt(0),
                audio == null ? 0 : audio.path("channels").asInt(0),
                audio == null ? -1 : seconds(audio, format));
    }

    private static double seconds(JsonNode stream, double format) {
        double d = stream.path("duration").asDouble(0);
        return d > 0 ? d : format;
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
