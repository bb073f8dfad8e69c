package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's short file of a long sound: half an hour of silence in 0.9 MB decodes to a WAV of 330 MiB.
 * avqa.audio.max-size bounds what the audio pass writes (ffmpeg is stopped soon after its -fs, which ffmpeg 5.1
 * does not keep with two outputs), and the video is given up, permanent, in one line of ours; nothing is kept of it.
 */
class AudioSizeCapTest extends LoopbackServerTest {

    static final long CAP = 4L << 20;

    /** Half an hour of silence at 48 kHz stereo (a WAV of 345,600,078 bytes), with a picture of 16x16 at 1 frame a second. */
    static Path longSilence() throws Exception {
        return FfmpegReportTest.make("silence-30min.mp4", "-f lavfi -i color=c=black:s=16x16:r=1:d=1800 -f lavfi "
                + "-i anullsrc=r=48000:cl=stereo -t 1800 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 16k "
                + "-shortest -movflags +faststart");
    }

    @Test
    void theAudioPassStopsWritingAtTheCap() throws Exception {
        Path video = longSilence();
        VideoJob job = FfmpegReportTest.job(video);
        Path wav = FfmpegReportTest.DIR.resolve("capped.wav");
        job.audio(wav);
        List<String> cmd = new ArrayList<>(List.of("ffmpeg"));
        cmd.addAll(new Ffmpeg(FfmpegReportTest.DIR, "wav", "", "", CAP, null, null).audio(job));

        // as the route runs it: camel-exec with FfmpegWatchdog, which keeps the cap ffmpeg 5.1 does not with two outputs
        new FfmpegWatchdog().execute(new org.apache.camel.component.exec.ExecCommand("ffmpeg", cmd.subList(1, cmd.size()),
                null, 60_000L, java.util.Set.of(), null, null, false, org.apache.camel.LoggingLevel.OFF));

        long size = Files.size(wav);
        // stopped soon after the cap (looked at every 50 ms; ffmpeg writes ~450 MB/s of silence), not at the 330 MiB end
        assertTrue(size >= CAP && size < 100L << 20, "written " + size + " bytes, the cap " + CAP);
    }

    @Test
    void aShortFileOfALongSoundIsGivenUpAtTheCap(@TempDir Path tmp) throws Exception {
        Path video = longSilence();
        assertTrue(Files.size(video) < 1 << 20, "the file is small: " + Files.size(video));
        String id = "longsilence1";
        server.serve(id, video);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of(id));

        Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta, server.mediaFileTemplate()),
                Map.of("AVQA_AUDIO_MAX_SIZE", "4M"));

        assertEquals(1, outcome.exit(), outcome.stderr());
        var record = Fixture.readJson(data.resolve("failed/" + id + ".json"));
        assertEquals("permanent", record.get("category").asText(), record.toString());
        assertEquals("its audio would be larger than avqa.audio.max-size (4.0 MiB): ffmpeg stopped writing it there "
                + "(the file says it lasts 0:30:00); raise avqa.audio.max-size if a video this long is meant (then --retry-permanent)", record.get("reason").asText());
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("videos")), "nothing under videos/");
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("audio")), "nothing under audio/");
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.lines().anyMatch(l -> l.contains("Failed: " + id + " [permanent]")
                && l.contains("larger than avqa.audio.max-size")), log);
    }

    /**
     * --pad-to asks for more audio than the cap allows (a 5-second clip's 0.4 MiB padded to a minute is 5 MiB):
     * the WAV is not padded past it; the video is given up in one line that names both settings.
     */
    @Test
    void aPaddingPastTheCapIsGivenUpNotWritten(@TempDir Path tmp) throws Exception {
        String id = "padpastcap1";
        Path data = tmp.resolve("data");
        Fixture.Outcome outcome = padChirp(tmp, id, "60", Map.of("AVQA_AUDIO_MAX_SIZE", "1M"));

        assertEquals(1, outcome.exit(), outcome.stderr());
        var record = Fixture.readJson(data.resolve("failed/" + id + ".json"));
        assertEquals("permanent", record.get("category").asText(), record.toString());
        assertEquals("its audio padded to --pad-to 60 s would be 5.0 MiB, larger than avqa.audio.max-size (1.0 MiB); "
                + "lower --pad-to or raise avqa.audio.max-size (then --retry-permanent)", record.get("reason").asText());
        assertEquals(List.of(), PipelineTest.listNames(data.resolve("audio")), "nothing under audio/");

        // padded within the cap (half a minute is 2.5 MiB), once the failure is let go
        List<String> retried = new ArrayList<>(Fixture.localArgs(data, tmp.resolve("meta"), server.mediaFileTemplate()));
        retried.addAll(List.of("--pad-to", "30", "--retry-permanent"));
        Fixture.Outcome again = Fixture.run(retried, Map.of("AVQA_AUDIO_MAX_SIZE", "3M"));
        assertEquals(0, again.exit(), again.stderr());
        assertEquals(30.0, MediaValidator.wavSeconds(data.resolve("audio/" + id + ".wav")), 0.01);
    }

    /** Padding past what a WAV holds (4 GiB) is said as that, whatever the cap: raising the cap would not help. */
    @Test
    void aPaddingPastWhatAWavHoldsSaysSo(@TempDir Path tmp) throws Exception {
        String id = "padpastwav1";
        Path data = tmp.resolve("data");
        // a day of 44.1 kHz mono: 7.1 GiB
        Fixture.Outcome outcome = padChirp(tmp, id, "86400", Map.of());

        assertEquals(1, outcome.exit(), outcome.stderr());
        assertEquals("its audio padded to --pad-to 86400 s would be 7.1 GiB, larger than what a WAV can hold (4.0 GiB); "
                + "lower --pad-to (then --retry-permanent)",
                Fixture.readJson(data.resolve("failed/" + id + ".json")).get("reason").asText());
        // sizes that read alike are given in bytes
        assertEquals(List.of("1048577 bytes", "1048576 bytes"), List.of(Padding.sizes(1048577, 1 << 20)));
        assertEquals(List.of("5.0 MiB", "1.0 MiB"), List.of(Padding.sizes(5 << 20, 1 << 20)));
    }

    /** A run over the 5-second chirp served as {@code id}, padded to {@code padTo} s, into tmp/data. */
    private Fixture.Outcome padChirp(Path tmp, String id, String padTo, Map<String, String> env) throws Exception {
        server.serve(id, ResearchOutputsTest.chirp());
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of(id));
        List<String> args = new ArrayList<>(Fixture.localArgs(tmp.resolve("data"), meta, server.mediaFileTemplate()));
        args.addAll(List.of("--pad-to", padTo));
        return Fixture.run(args, env);
    }

    /** A cap under 1M (0 would stop every pass at once, and be said as a timeout) is refused before anything is written. */
    @Test
    void aCapUnder1MIsRefused(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        for (String cap : List.of("0", "0.0001K", "512K")) {
            Fixture.Outcome outcome = Fixture.run(List.of("--data-dir", data.toString()), Map.of("AVQA_AUDIO_MAX_SIZE", cap));

            assertEquals(2, outcome.exit(), cap + ": " + outcome.stderr());
            assertTrue(outcome.stderr().contains("avqa.audio.max-size") && outcome.stderr().contains("1M or more"),
                    cap + ": " + outcome.stderr());
            assertTrue(!Files.exists(data), "nothing is written");
        }
    }

    /** A WAV's sizes are 32-bit: a cap above 4G would let ffmpeg write one whose header wraps. */
    @Test
    void aCapAbove4GIsRefusedForWav(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Fixture.Outcome outcome = Fixture.run(List.of("--data-dir", data.toString()), Map.of("AVQA_AUDIO_MAX_SIZE", "5G"));

        assertEquals(2, outcome.exit(), outcome.stderr());
        assertTrue(outcome.stderr().contains("avqa.audio.max-size: a WAV holds at most 4 GiB (its sizes are 32-bit), so "
                + "with --audio-format wav the cap is 4G or less; it is 5G"), outcome.stderr());
        assertTrue(!Files.exists(data), "nothing is written");
        // 4G itself is a WAV's whole size; other formats have no such bound
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("capcheck001"));
        List<String> dry = new ArrayList<>(Fixture.localArgs(data, meta, server.mediaFileTemplate()));
        dry.add("--dry-run");
        Fixture.Outcome fourG = Fixture.run(dry, Map.of("AVQA_AUDIO_MAX_SIZE", "4G"));
        assertEquals(0, fourG.exit(), fourG.stderr());
        dry.addAll(List.of("--audio-format", "flac"));
        Fixture.Outcome flac = Fixture.run(dry, Map.of("AVQA_AUDIO_MAX_SIZE", "5G"));
        assertEquals(0, flac.exit(), flac.stderr());
    }
}
