package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The audio settings tried before any request: a tenth of a second of silence encoded to --audio-format at
 * --audio-rate and --audio-channels, as the audio pass encodes each video's sound. An encoder that cannot take them
 * (opus at 44100 Hz, mp3 at 96000 Hz) failed every video after its download, which the next run fetched again.
 * WAV (PCM) takes any rate and channels, and a format at the source's own rate is the encoder's choice: neither is tried.
 */
final class AudioEncoding {

    private AudioEncoding() {
    }

    static void check(Settings settings) {
        String format = settings.get("avqa.audio-format");
        String rate = settings.get("avqa.audio.rate");
        String channels = settings.get("avqa.audio.channels");
        if (format.equals("wav") || rate.isEmpty() && channels.isEmpty()) {
            return;
        }
        Path out = null;
        try {
            out = Files.createTempFile("avqa-audio-check", "." + format);
            List<String> cmd = new ArrayList<>(List.of(settings.get("avqa.tools.ffmpeg"), "-nostdin", "-hide_banner",
                    "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "0.1"));
            if (!rate.isEmpty()) {
                cmd.addAll(List.of("-ar", rate));
            }
            if (!channels.isEmpty()) {
                cmd.addAll(List.of("-ac", channels));
            }
            cmd.add(out.toString());
            // nothing said: encoded (or ffmpeg not startable, which Tools.check says; or out of time, which the
            // pass then says video by video)
            String first = ToolVersions.firstLine(cmd);
            if (!first.isEmpty() && Files.size(out) == 0) {
                throw new BadInputException("--audio-format " + format + (rate.isEmpty() ? "" : " at --audio-rate " + rate)
                        + (channels.isEmpty() ? "" : " with --audio-channels " + channels) + ": ffmpeg's encoder cannot make it ("
                        + Redact.text(FailureClassifier.lastError(first), 200) + "); choose another rate, channels or format");
            }
        } catch (IOException e) {
            // no temporary file: nothing tried
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file of a tenth of a second
                }
            }
        }
    }
}
