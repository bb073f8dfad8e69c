package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return; // not known: the pass says it, video by video
            }
            if (p.exitValue() != 0) {
                String first = said.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit " + p.exitValue());
                throw new BadInputException("--audio-format " + format + (rate.isEmpty() ? "" : " at --audio-rate " + rate)
                        + (channels.isEmpty() ? "" : " with --audio-channels " + channels) + ": ffmpeg's encoder cannot make it ("
                        + Redact.text(FailureClassifier.lastError(first), 200) + "); choose another rate, channels or format");
            }
        } catch (IOException e) {
            // ffmpeg not startable: Tools.check says so; nothing more to say here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
