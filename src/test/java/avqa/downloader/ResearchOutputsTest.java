package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the researcher runs next, made by the run itself with real ffmpeg: audio as the models want it
 * (16 kHz mono), frames at FPS, padding to a length, provenance and checksums a second lab can check.
 */
class ResearchOutputsTest extends LoopbackServerTest {

    @Test
    void audioAt16kMonoAndAFrameASecondWithProvenanceAndChecksumsThatSha256sumAccepts(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("ref", 3);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--audio-rate", "16000", "--audio-channels", "1", "--frames", "1"));

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(0, outcome.exit(), outcome.stderr());
        for (String id : ids) {
            JsonNode audio = ffprobeStream(data.resolve("audio/" + id + ".wav"));
            assertEquals(16000, audio.path("sample_rate").asInt(), id);
            assertEquals(1, audio.path("channels").asInt(), id);
            double seconds = Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0];
            List<Path> frames = files(data.resolve("frames/" + id));
            assertTrue(Math.abs(frames.size() - Math.round(seconds)) <= 1, id + ": " + frames.size() + " frames for "
                    + seconds + " s");
            assertEquals("000001.jpg", frames.get(0).getFileName().toString());
            assertDecodes(data.resolve("frames/" + id));
        }
        assertEquals(List.of(), PipelineTest.listNames(data.resolve(".partial")));
        String said = outcome.stdout() + Files.readString(data.resolve("avqa_download.log"));
        assertTrue(said.contains("frames:  3 of the 3 complete videos have their frames in frames/<id>/"),
                "the coverage report counts the frames: " + said);

        // one provenance line per complete file, whose SHA-256 is the file's; the download's source is its URL
        Map<String, JsonNode> lines = assertProvenanceOfEveryFile(data);
        for (String id : ids) {
            JsonNode video = lines.get("videos/" + id + ".mp4");
            assertNotNull(video, id);
            assertEquals(Checksums.sha256(data.resolve("videos/" + id + ".mp4")), video.path("sha256").asText());
            assertTrue(video.path("source").path("url").asText().endsWith("/v/" + id + ".mp4"), video.toString());
            assertEquals("h264", video.path("video_codec").asText());
            assertEquals(320, video.path("width").asInt());
            assertEquals(240, video.path("height").asInt());
            assertEquals(25.0, video.path("frame_rate").asDouble());
            assertEquals(44100, video.path("audio_rate").asInt());
            JsonNode audio = lines.get("audio/" + id + ".wav");
            assertEquals(Checksums.sha256(data.resolve("audio/" + id + ".wav")), audio.path("sha256").asText());
            assertEquals(16000, audio.path("rate").asInt());
            assertEquals(1, audio.path("channels").asInt());
            assertEquals("videos/" + id + ".mp4", audio.path("made_from").asText());
            assertFalse(audio.path("tools").path("ffmpeg").asText().isEmpty(), audio.toString());
            JsonNode frames = lines.get("frames/" + id + "/");
            assertEquals(files(data.resolve("frames/" + id)).size(), frames.path("count").asInt());
        }
        assertEquals(ids.size() * 3, lines.size(), "a line per video, audio file and frames folder");

        // SHA256SUMS: every file, in the form sha256sum -c checks from the data directory
        int listed = Files.readAllLines(data.resolve("SHA256SUMS")).size();
        int filesInPlace = 0;
        for (String id : ids) {
            filesInPlace += 2 + files(data.resolve("frames/" + id)).size();
        }
        assertEquals(filesInPlace, listed);
        assertEquals(0, sha256sumCheck(data), "sha256sum -c SHA256SUMS passes");

        // a rerun makes nothing and appends nothing
        long requests = ids.stream().mapToLong(id -> server.hits(id).size()).sum();
        assertEquals(0, Fixture.run(args).exit());
        assertEquals(requests, ids.stream().mapToLong(id -> server.hits(id).size()).sum());
        assertEquals(listed, Files.readAllLines(data.resolve("SHA256SUMS")).size());
        assertEquals(ids.size() * 3, Files.readAllLines(data.resolve("metadata/provenance.jsonl")).size());

        // one byte flipped in one video: --verify --checksums names exactly that file
        Path victim = data.resolve("videos/" + ids.get(1) + ".mp4");
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(victim, bytes);
        Fixture.Outcome verify = Fixture.run(List.of("--verify", "--checksums", "--data-dir", data.toString(),
                "--dataset", "music-avqa", "--splits", "test", "--frames", "1"));
        assertEquals(1, verify.exit(), verify.stdout());
        JsonNode report = Fixture.readJson(data.resolve("verify_report.json"));
        assertEquals(List.of("videos/" + ids.get(1) + ".mp4"), texts(report.path("checksums_changed")));
        assertEquals(List.of(), texts(report.path("checksums_missing")));
        assertTrue(verify.stdout().contains("videos/" + ids.get(1) + ".mp4"), verify.stdout());
        Files.write(victim, flip(bytes));

        // another lab's list with one different, one missing and one extra entry: exactly those three
        List<String> ours = Files.readAllLines(data.resolve("SHA256SUMS"));
        List<String> theirs = new ArrayList<>(ours);
        String differs = theirs.get(0);
        theirs.set(0, "0".repeat(64) + differs.substring(64));
        String extraHere = theirs.remove(1);
        theirs.add("a".repeat(64) + "  videos/theirs-only.mp4");
        Path theirList = tmp.resolve("their-SHA256SUMS");
        Files.write(theirList, theirs);
        Fixture.Outcome against = Fixture.run(List.of("--verify", "--against", theirList.toString(), "--data-dir",
                data.toString(), "--dataset", "music-avqa", "--splits", "test", "--frames", "1"));
        assertEquals(1, against.exit(), against.stdout());
        report = Fixture.readJson(data.resolve("verify_report.json"));
        assertEquals(List.of(differs.substring(66)), texts(report.path("against_differ")));
        assertEquals(List.of("videos/theirs-only.mp4"), texts(report.path("against_missing")));
        assertEquals(List.of(extraHere.substring(66)), texts(report.path("against_extra")));
        assertTrue(against.stdout().contains("1 differ, 1 missing here, 1 extra here"), against.stdout());

        // the same list as ours: nothing to report
        Fixture.Outcome same = Fixture.run(List.of("--verify", "--checksums", "--against",
                data.resolve("SHA256SUMS").toString(), "--data-dir", data.toString(), "--dataset", "music-avqa",
                "--splits", "test", "--frames", "1"));
        assertEquals(0, same.exit(), same.stdout());

        // the same list in the other forms sha256sum -c reads: capitals, --tag, ./ paths (find . | sha256sum), CRLF
        List<String> forms = new ArrayList<>(List.of("# made with sha256sum --tag and find .", ""));
        for (int i = 0; i < ours.size(); i++) {
            String hash = ours.get(i).substring(0, 64);
            String path = ours.get(i).substring(66);
            forms.add(switch (i % 5) {
                case 0 -> hash.toUpperCase(java.util.Locale.ROOT) + " *" + path;
                case 1 -> "SHA256 (" + path + ") = " + hash;
                case 2 -> "  " + hash + " " + path;
                case 3 -> hash + "\t" + path;
                default -> hash + "  ./" + path + "\r";
            });
        }
        Path otherForms = tmp.resolve("forms.sha256");
        Files.write(otherForms, forms);
        Fixture.Outcome read = Fixture.run(List.of("--verify", "--against", otherForms.toString(), "--data-dir", data.toString(),
                "--dataset", "music-avqa", "--splits", "test", "--frames", "1"));
        assertEquals(0, read.exit(), read.stdout());
        assertTrue(read.stdout().contains("0 differ, 0 missing here, 0 extra here"), read.stdout());

        // a line of none of these forms is named, and nothing is judged
        Files.write(otherForms, List.of(ours.get(0), "not a checksum line"));
        Fixture.Outcome bad = Fixture.run(List.of("--verify", "--against", otherForms.toString(), "--data-dir", data.toString(),
                "--dataset", "music-avqa", "--splits", "test", "--frames", "1"));
        assertEquals(2, bad.exit(), bad.stderr());
        assertTrue(bad.stderr().contains("--against: " + otherForms + " line 2 is not a sha256sum line (\"not a checksum line\")"),
                bad.stderr());
        assertEquals(1, bad.stderr().strip().lines().count(), bad.stderr());

        // a list saved as UTF-16 (as some Windows editors save it) is said to be no UTF-8 text, in our words
        Files.write(otherForms, (ours.get(0) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_16));
        Fixture.Outcome utf16 = Fixture.run(List.of("--verify", "--against", otherForms.toString(), "--data-dir", data.toString(),
                "--dataset", "music-avqa", "--splits", "test", "--frames", "1"));
        assertEquals(2, utf16.exit(), utf16.stderr());
        assertTrue(utf16.stderr().contains("--against: " + otherForms + " is not UTF-8 text"), utf16.stderr());
        assertFalse(utf16.stderr().contains("Input length"), utf16.stderr());
    }

    /** A 5-second clip of a rising tone (mono, 44.1 kHz): no two seconds of its sound are alike, so a repeated second shows. */
    static Path chirp() throws Exception {
        Path chirp = Fixture.CLIPS.resolve("chirp-5s.mp4");
        if (!Files.isRegularFile(chirp)) {
            Path tmp = Fixture.CLIPS.resolve("chirp-5s." + ProcessHandle.current().pid() + ".tmp.mp4");
            ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=5", "-f", "lavfi", "-i",
                    "aevalsrc=sin(2*PI*(300+200*t)*t):s=44100:d=5", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", tmp.toString());
            Files.move(tmp, chirp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return chirp;
    }

    @Test
    void padToEightSecondsGivesAFiveSecondClipEightSecondsOfAudioAndEightFramesTheLastRepeating(@TempDir Path tmp)
            throws Exception {
        server.serve("pad5s", chirp());
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, List.of("pad5s"), server.mediaFileTemplate());
        args.addAll(List.of("--frames", "1", "--pad-to", "8"));

        assertEquals(0, Fixture.run(args).exit());

        Path wav = data.resolve("audio/pad5s.wav");
        assertEquals(8.0, MediaValidator.wavSeconds(wav), 0.01);
        assertEquals(8.0, Fixture.probe(wav)[1], 0.05, "ffprobe agrees");
        // the sound as ffmpeg decodes it from the video, then its last second again and again
        int[] rateChannels = MediaValidator.wavFormat(wav);
        int second = rateChannels[0] * rateChannels[1] * 2;
        byte[] original = ffmpegOut("-i", data.resolve("videos/pad5s.mp4").toString(), "-map", "0:a:0",
                "-c:a", "pcm_s16le", "-f", "s16le", "-");
        byte[] pcm = wavData(wav);
        assertEquals(8 * second, pcm.length, 4);
        assertArrayEquals(original, java.util.Arrays.copyOf(pcm, original.length), "the sound itself, unchanged");
        byte[] last = java.util.Arrays.copyOfRange(original, original.length - second, original.length);
        for (int at = original.length; at < pcm.length; at += second) {
            int n = Math.min(second, pcm.length - at);
            assertArrayEquals(java.util.Arrays.copyOf(last, n), java.util.Arrays.copyOfRange(pcm, at, at + n),
                    "padding at byte " + at + " is the last second again");
        }
        assertFalse(java.util.Arrays.equals(last, java.util.Arrays.copyOfRange(original, original.length - 2 * second,
                original.length - second)), "the sound's own seconds differ");

        List<Path> frames = files(data.resolve("frames/pad5s"));
        assertEquals(8, frames.size());
        byte[] fifth = Files.readAllBytes(frames.get(4));
        for (int i = 5; i < 8; i++) {
            assertArrayEquals(fifth, Files.readAllBytes(frames.get(i)), "frame " + (i + 1) + " repeats the last second");
        }
        assertFalse(java.util.Arrays.equals(fifth, Files.readAllBytes(frames.get(3))), "the clip's own frames differ");

        JsonNode audioLine = provenanceByFile(data).get("audio/pad5s.wav");
        assertEquals(3.0, audioLine.path("padded_seconds").asDouble(), 0.05);
        assertEquals("the last second repeated", audioLine.path("padding").asText());
        assertEquals(3, provenanceByFile(data).get("frames/pad5s/").path("padded_frames").asInt());
        // --verify knows the padding: the 8 s audio of a 5 s video is not called invalid
        assertEquals(0, Fixture.run(List.of("--verify", "--data-dir", data.toString(), "--dataset", "music-avqa",
                "--splits", "test", "--frames", "1", "--pad-to", "8")).exit());

        // a later run without --pad-to (nor --frames) makes the audio again unpadded and keeps the padded frames, and
        // records each as it is: --verify holds each to its own record (the frames were called of the wrong size)
        List<String> unpadded = localRun(tmp, List.of("pad5s"), server.mediaFileTemplate());
        assertEquals(0, Fixture.run(unpadded).exit());
        assertEquals(5.0, MediaValidator.wavSeconds(wav), 0.1);
        assertEquals(8, files(data.resolve("frames/pad5s")).size());
        Fixture.Outcome check = Fixture.run(List.of("--verify", "--data-dir", data.toString(), "--dataset", "music-avqa",
                "--splits", "test"));
        assertEquals(0, check.exit(), check.stdout());
    }

    /**
     * Frames made at one FPS, then asked at another: every folder is made again at the new FPS (with the
     * audio), and --verify at the new FPS passes.
     */
    @Test
    void framesAskedAtAnotherFpsAreMadeAgain(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("refps", 2);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        List<String> one = new java.util.ArrayList<>(args);
        one.addAll(List.of("--frames", "1"));
        assertEquals(0, Fixture.run(one).exit());
        assertEquals(3, files(data.resolve("frames/" + ids.get(0))).size());

        List<String> two = new java.util.ArrayList<>(args);
        two.addAll(List.of("--frames", "2"));
        // a dry run with the new settings says what a run would make again, and makes nothing
        List<String> preview = new java.util.ArrayList<>(two);
        preview.add("--dry-run");
        assertEquals(0, Fixture.run(preview).exit());
        assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("a run with them makes the audio and frames "
                + "of every complete video again from its video, without any request"));
        assertEquals(3, files(data.resolve("frames/" + ids.get(0))).size(), "the dry run made nothing");
        // and its plan is the run's: no video complete as it is, each to have its audio and frames made again
        assertTrue(Files.readString(data.resolve("avqa_download.log")).contains(": 0 complete, 2 need only audio, 0 need only frames, 0 to download"),
                Files.readString(data.resolve("avqa_download.log")));
        Fixture.Outcome again = Fixture.run(two);

        assertEquals(0, again.exit(), again.stderr());
        for (String id : ids) {
            assertEquals(6, files(data.resolve("frames/" + id)).size(), id);
        }
        two.add("--verify");
        Fixture.Outcome verified = Fixture.run(two);
        assertEquals(0, verified.exit(), verified.stdout());
    }

    /**
     * A frames folder in place that no run recorded (a kill between its rename and the audio's left it, or
     * anything else put it there): made again with the audio, and recorded; a recorded one whose video's
     * audio is gone stays as it is.
     */
    @Test
    void aFramesFolderNoRunRecordedIsMadeAgain(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("unrec", 2);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--frames", "1"));
        assertEquals(0, Fixture.run(args).exit());

        // another data directory with the video and a frames folder of one odd image, and no records
        Path other = tmp.resolve("other");
        String id = ids.get(0);
        Files.createDirectories(other.resolve("videos"));
        Files.createDirectories(other.resolve("frames/" + id));
        Files.copy(data.resolve("videos/" + id + ".mp4"), other.resolve("videos/" + id + ".mp4"));
        Files.write(other.resolve("frames/" + id + "/000001.jpg"), new byte[] {1, 2, 3});
        List<String> otherArgs = localRun(tmp, List.of(id), server.mediaFileTemplate());
        otherArgs.set(otherArgs.indexOf("--data-dir") + 1, other.toString());
        otherArgs.addAll(List.of("--frames", "1"));
        int requests = server.hits().size();

        Fixture.Outcome made = Fixture.run(otherArgs);

        assertEquals(0, made.exit(), made.stderr());
        assertEquals(requests, server.hits().size(), "no request");
        assertEquals(3, files(other.resolve("frames/" + id)).size());
        assertTrue(Files.readString(other.resolve("SHA256SUMS")).contains("frames/" + id + "/000001.jpg"));
        assertTrue(provenanceByFile(other).containsKey("frames/" + id + "/"));
        List<String> verify = new java.util.ArrayList<>(otherArgs);
        verify.add("--verify");
        assertEquals(0, Fixture.run(verify).exit());

        // recorded frames stay when only the audio is made again
        Path recorded = data.resolve("frames/" + ids.get(1) + "/000001.jpg");
        long before = Files.getLastModifiedTime(recorded).toMillis();
        Files.delete(data.resolve("audio/" + ids.get(1) + ".wav"));
        assertEquals(0, Fixture.run(args).exit());
        assertEquals(before, Files.getLastModifiedTime(recorded).toMillis(), "not made again");
    }

    /**
     * A kill -9 while ffmpeg writes the frames leaves no folder under its final name; the video had
     * taken its name already, so the next run makes its audio and frames without any request.
     */
    @Test
    void aKillDuringTheFramesLeavesNoHalfFolderAndTheRerunCompletesItWithoutARequest(@TempDir Path tmp)
            throws Exception {
        Path big = Fixture.CLIPS.resolve("hd-20s.mp4");
        if (!Files.isRegularFile(big)) {
            ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=20",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=20",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                    Fixture.CLIPS.resolve("hd-20s.tmp.mp4").toString());
            Files.move(Fixture.CLIPS.resolve("hd-20s.tmp.mp4"), big);
        }
        server.serve("killframes", big);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, List.of("killframes"), server.mediaFileTemplate());
        args.addAll(List.of("--frames", "25"));
        Path log = tmp.resolve("first.log");
        Process first = Fixture.startJvm(args, Map.of(), log);
        Path working = data.resolve(".partial/killframes/frames");
        try {
            Fixture.await("ffmpeg writing frames", 120_000, () -> count(working) >= 5);
        } finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
        Fixture.processesUsing(data).forEach(ProcessHandle::destroyForcibly);
        assertTrue(count(working) < 500, "killed in the middle of the frames");
        assertFalse(Files.exists(data.resolve("frames/killframes")), "no half-filled folder under the final name");
        assertTrue(Files.isRegularFile(data.resolve("videos/killframes.mp4")), "the video had taken its name");
        int requests = server.hits("killframes").size();

        Fixture.Outcome rerun = Fixture.run(args);

        assertEquals(0, rerun.exit(), rerun.stderr());
        assertEquals(requests, server.hits("killframes").size(), "no request: made from the video in place");
        assertEquals(500, files(data.resolve("frames/killframes")).size(), 1.0);
        assertTrue(Files.isRegularFile(data.resolve("audio/killframes.wav")));
        assertEquals(0, sha256sumCheck(data));
    }

    /**
     * metadata/outputs.json damaged (cut short): what the files were made with is not known. A run asking for 16 kHz makes
     * the audio of every complete video again from its video, without any request, and writes the file anew (it took
     * the damage as made with this run's settings, so the 44.1 kHz WAVs stayed under a record saying 16 kHz); --verify
     * leaves the rate alone rather than guess it. Each says so in one line.
     */
    @Test
    void aDamagedOutputsRecordMeansTheAudioIsMadeAgain(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("damaged", 2);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        assertEquals(0, Fixture.run(args).exit());
        assertEquals(44100, ffprobeStream(data.resolve("audio/damaged0.wav")).path("sample_rate").asInt());
        int requests = ids.stream().mapToInt(id -> server.hits(id).size()).sum();
        Path outputs = data.resolve("metadata/outputs.json");
        Files.writeString(outputs, "{\"audio_format\": \"wav\", \"audio_ra");

        List<String> verify = List.of("--verify", "--data-dir", data.toString(), "--dataset", "music-avqa", "--splits",
                "test");
        assertEquals(0, Fixture.run(verify).exit(), "the files are as they were made");
        assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("metadata/outputs.json, which records what "
                + "the audio and frames were made with, cannot be read (not JSON): the audio's rate and channels are not "
                + "checked"), Files.readString(data.resolve("avqa_download.log")));

        List<String> at16k = new ArrayList<>(args);
        at16k.addAll(List.of("--audio-rate", "16000"));
        assertEquals(0, Fixture.run(at16k).exit());
        for (String id : ids) {
            assertEquals(16000, ffprobeStream(data.resolve("audio/" + id + ".wav")).path("sample_rate").asInt(), id);
        }
        assertEquals(requests, ids.stream().mapToInt(id -> server.hits(id).size()).sum(), "no request at all");
        assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("cannot be read (not JSON): the audio "
                + "of every complete video is made again from its video, without any request, and the file is written anew"));
        assertEquals("16000", Fixture.readJson(outputs).path("audio_rate").asText(), "written anew");
        List<String> verify16k = new ArrayList<>(verify);
        verify16k.addAll(List.of("--audio-rate", "16000"));
        assertEquals(0, Fixture.run(verify16k).exit());
        assertEquals(0, sha256sumCheck(data), "SHA256SUMS lists the new audio, not the old");

        // with frames made: damaged again, a run without --frames records them as not known, and the next run with
        // --frames makes them again (their settings were lost with the record)
        List<String> framesAt2 = new ArrayList<>(at16k);
        framesAt2.addAll(List.of("--frames", "2"));
        assertEquals(0, Fixture.run(framesAt2).exit());
        Files.writeString(outputs, "{\"audio_format\": \"wav\", \"frames_f");
        assertEquals(0, Fixture.run(at16k).exit());
        assertEquals("unknown", Fixture.readJson(outputs).path("frames_fps").asText(), "the frames' settings not known");
        assertEquals(0, Fixture.run(framesAt2).exit());
        assertEquals("2", Fixture.readJson(outputs).path("frames_fps").asText());
        assertTrue(Files.readString(data.resolve("avqa_download.log")).lines().anyMatch(l -> l.contains("the audio and "
                + "frames of 2 complete videos are made again")), Files.readString(data.resolve("avqa_download.log")));
        assertEquals(requests, ids.stream().mapToInt(id -> server.hits(id).size()).sum(), "no request at all");
    }

    /**
     * Outputs asked for later are made from the complete videos, without any request: frames added to a
     * dataset made without them, and the reference profile over audio made at the source's rate.
     */
    @Test
    void framesAndTheReferenceProfileAskedForLaterAreMadeFromTheVideosInPlace(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("later", 2);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        Fixture.Outcome plain = Fixture.run(args);
        assertEquals(0, plain.exit());
        assertFalse(plain.stdout().contains("frames:"), "no frames line without frames: " + plain.stdout());
        assertEquals(44100, ffprobeStream(data.resolve("audio/later0.wav")).path("sample_rate").asInt());
        int requests = ids.stream().mapToInt(id -> server.hits(id).size()).sum();

        List<String> framesToo = new ArrayList<>(args);
        framesToo.addAll(List.of("--frames", "1"));
        assertEquals(0, Fixture.run(framesToo).exit());
        // only the frames were made: no audio (it said "2 audio re-extracted")
        assertTrue(Fixture.lastSummary(data).contains("0 audio re-extracted, 2 frames folders made from videos in place, "
                + "0 already complete"), Fixture.lastSummary(data));
        Files.move(data.resolve("frames/" + ids.get(0)), tmp.resolve("set-aside"));
        Fixture.Outcome check = Fixture.run(List.of("--verify", "--data-dir", data.toString(), "--dataset", "music-avqa",
                "--splits", "test", "--frames", "1"));
        assertTrue(check.stdout().contains("frames:  1 of the"), "--verify's coverage counts the frames: " + check.stdout());
        // a complete video's frames folder gone (a whole folder deleted): named, and the check fails (it was exit 0)
        assertEquals(1, check.exit(), check.stdout());
        assertTrue(check.stdout().contains("complete videos without their frames folder (a run with --frames 1 makes it "
                + "from the video) (1):\n    " + ids.get(0) + "\n"), check.stdout());
        assertEquals(List.of(ids.get(0)), Fixture.JSON.convertValue(Fixture.readJson(data.resolve("verify_report.json"))
                .path("videos_without_frames"), List.class));
        Files.move(tmp.resolve("set-aside"), data.resolve("frames/" + ids.get(0)));
        // a frame missing between others: within one of the count, but a gap in the numbering
        Path middle = data.resolve("frames/" + ids.get(1) + "/000002.jpg");
        Files.move(middle, tmp.resolve("middle.jpg"));
        Fixture.Outcome gapped = Fixture.run(List.of("--verify", "--data-dir", data.toString(), "--dataset", "music-avqa",
                "--splits", "test", "--frames", "1"));
        // the folder listed as broken is not counted as the video's frames (it was: "2 of the 2")
        assertTrue(gapped.stdout().contains("frames:  1 of the 2 complete videos") && gapped.stdout().contains("Frames: 1 "
                + "of 2 complete videos have their frames folder whole"), gapped.stdout());
        String gap = Fixture.readJson(data.resolve("verify_report.json")).path("invalid_frames").path(ids.get(1)).asText();
        assertTrue(gap.contains(ids.get(1) + "/ lacks 000002.jpg (frames missing between others)"), gap);
        Files.move(tmp.resolve("middle.jpg"), middle);
        for (String id : ids) {
            assertEquals(3, files(data.resolve("frames/" + id)).size(), 1.0);
        }
        assertEquals(44100, ffprobeStream(data.resolve("audio/later0.wav")).path("sample_rate").asInt(),
                "the audio is left as it was");

        List<String> reference = new ArrayList<>(args);
        reference.addAll(List.of("--profile", "music-avqa-reference"));
        Fixture.Outcome outcome = Fixture.run(reference);
        assertEquals(0, outcome.exit(), outcome.stderr());
        for (String id : ids) {
            assertEquals(16000, ffprobeStream(data.resolve("audio/" + id + ".wav")).path("sample_rate").asInt());
        }
        assertEquals(requests, ids.stream().mapToInt(id -> server.hits(id).size()).sum(), "no request at all");
        assertEquals(0, sha256sumCheck(data), "SHA256SUMS lists the new audio, not the old");
        // the profile's frames are the reference script's own (ffmpeg -i V -r 1 DIR/%06d.jpg), image for image
        Path theirs = tmp.resolve("reference-frames");
        Files.createDirectories(theirs);
        ffmpeg("-i", data.resolve("videos/" + ids.get(0) + ".mp4").toString(), "-r", "1", theirs.resolve("%06d.jpg").toString());
        List<Path> expected = files(theirs);
        List<Path> ours = files(data.resolve("frames/" + ids.get(0)));
        assertEquals(expected.size(), ours.size(), "as many as the reference script makes");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(Files.readAllBytes(expected.get(i)), Files.readAllBytes(ours.get(i)), "frame " + (i + 1));
        }
        assertEquals(ids.size() * 2 + ids.size() * expected.size(), Files.readAllLines(data.resolve("SHA256SUMS")).size());
        assertTrue(Fixture.readJson(data.resolve("metadata/outputs.json")).path("audio_rate").asText().equals("16000"));
        // and a check with other settings changes nothing
        assertEquals(0, Fixture.run(List.of("--verify", "--data-dir", data.toString(), "--dataset", "music-avqa",
                "--splits", "test")).exit());
        assertEquals(16000, ffprobeStream(data.resolve("audio/later0.wav")).path("sample_rate").asInt());
    }

    /**
     * Frames of odd but valid videos: a picture that starts 4 s into 10 s of sound gets a frame a second for
     * the whole 10 s (ffmpeg's fps filter fills from the start); a picture of one still frame gets none, and
     * that fails its frames alone: the video and its audio, complete before, stay where they are, its failure
     * is recorded, and it is no longer recorded complete.
     */
    @Test
    void aLateOrAStillPictureGetsItsFramesOrFailsThemAloneKeepingItsVideoAndAudio(@TempDir Path tmp) throws Exception {
        Path picture = tmp.resolve("picture6s.mp4");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=6", "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", picture.toString());
        Path late = tmp.resolve("late.mp4");
        ffmpeg("-itsoffset", "4", "-i", picture.toString(), "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=10",
                "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", late.toString());
        Path still = stillPicture(tmp);
        server.serve("late0", late);
        server.serve("still0", still);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, List.of("late0", "still0"), server.mediaFileTemplate());
        Fixture.Outcome plain = Fixture.run(args);
        assertEquals(0, plain.exit(), () -> "both are valid videos: " + read(data.resolve("failed_downloads.json")));
        String stillVideo = Checksums.sha256(data.resolve("videos/still0.mp4"));
        String stillAudio = Checksums.sha256(data.resolve("audio/still0.wav"));

        List<String> framesToo = new ArrayList<>(args);
        framesToo.addAll(List.of("--frames", "1"));
        assertEquals(1, Fixture.run(framesToo).exit(), "the still picture's frames failed");

        assertEquals(10, files(data.resolve("frames/late0")).size(), "a frame a second of the whole 10 s");
        assertFalse(Files.exists(data.resolve("frames/still0")));
        assertEquals(stillVideo, Checksums.sha256(data.resolve("videos/still0.mp4")), "the video stays");
        assertEquals(stillAudio, Checksums.sha256(data.resolve("audio/still0.wav")), "and its audio");
        assertFalse(Files.exists(data.resolve("rejected")), "nothing set aside");
        JsonNode failure = Fixture.readJson(data.resolve("failed_downloads.json")).path("still0");
        assertEquals("invalid-output", failure.path("category").asText(), failure.toString());
        assertTrue(failure.path("reason").asText().contains("ffmpeg made no frame of a picture"), failure.toString());
        assertTrue(Files.isRegularFile(data.resolve("failed/still0.json")));
        JsonNode completed = Fixture.readJson(data.resolve("download_progress.json")).path("completed");
        assertTrue(completed.toString().contains("late0") && !completed.toString().contains("still0"), completed.toString());
        assertEquals(0, sha256sumCheck(data), "SHA256SUMS still lists the video and its audio");
        assertTrue(Files.readString(data.resolve("SHA256SUMS")).contains("videos/still0.mp4"));
    }

    /**
     * A complete video whose frames only are missing, found damaged by the frames pass (cut short): set aside in
     * rejected/ as the audio pass does, and, as there, no longer recorded complete, with its failure recorded in the
     * same run, so the counts, the coverage and the records agree. A folder sitting under a video's name is no video
     * at all: the plan fetches it again, and the folder is set aside in rejected/ for the file to take its place (the
     * rename onto it failed, "Is a directory", as an unexpected error).
     */
    @Test
    void aVideoTheFramesPassFindsDamagedIsNoLongerCompleteAndItsFailureIsRecorded(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("frdmg", 3);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--frames", "1"));
        assertEquals(0, Fixture.run(args).exit());
        String cut = ids.get(1);
        String folder = ids.get(2);
        Path cutVideo = data.resolve("videos/" + cut + ".mp4");
        try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(cutVideo,
                java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(500);
        }
        Files.delete(data.resolve("videos/" + folder + ".mp4"));
        Files.createDirectories(data.resolve("videos/" + folder + ".mp4"));
        for (String id : List.of(cut, folder)) {
            FileTrees.deleteTree(data.resolve("frames/" + id), true);
        }

        Fixture.Outcome damaged = Fixture.run(args);

        assertEquals(1, damaged.exit(), damaged.stderr());
        JsonNode completed = Fixture.readJson(data.resolve("download_progress.json")).path("completed");
        assertFalse(completed.toString().contains(cut), "no longer complete: " + completed);
        JsonNode failures = Fixture.readJson(data.resolve("failed_downloads.json"));
        assertEquals("invalid-output", failures.path(cut).path("category").asText(), failures.toString());
        assertTrue(Files.isRegularFile(data.resolve("failed/" + cut + ".json")), cut);
        assertTrue(Files.isRegularFile(data.resolve("rejected/" + cut + ".mp4")), "set aside: " + cut);
        assertTrue(Files.isDirectory(data.resolve("rejected/" + folder + ".mp4")), "the folder set aside");
        assertTrue(Files.isRegularFile(data.resolve("videos/" + folder + ".mp4")) && completed.toString().contains(folder),
                "fetched again in its place: " + completed);
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("2 complete in all"), log);
        assertTrue(log.contains("Coverage: 2 of 3 videos complete"), log);
        assertTrue(log.contains("videos/" + folder + ".mp4 was a folder, not a file: set aside as rejected/" + folder + ".mp4"), log);

        assertEquals(0, Fixture.run(args).exit(), "the next run fetches them again");
        assertEquals(3, Fixture.readJson(data.resolve("download_progress.json")).path("completed").size());
    }

    /**
     * Frames that fail on a video's first download (a picture of one still frame): the video and its audio, both
     * whole, take their final names with their lines in SHA256SUMS and provenance.jsonl; the failure is recorded
     * and the video is not complete. A rerun tries its frames again and keeps the audio it makes with them.
     */
    @Test
    void framesThatFailOnTheFirstDownloadKeepTheVideoAndItsAudio(@TempDir Path tmp) throws Exception {
        server.serve("stillfirst", stillPicture(tmp));
        Path data = tmp.resolve("data");
        List<String> args = new ArrayList<>(localRun(tmp, List.of("stillfirst"), server.mediaFileTemplate()));
        args.addAll(List.of("--frames", "1"));

        for (int run = 1; run <= 2; run++) {
            assertEquals(1, Fixture.run(args).exit(), "its frames failed, run " + run);

            assertTrue(Files.isRegularFile(data.resolve("videos/stillfirst.mp4")), "the video stays, run " + run);
            assertEquals(5.0, MediaValidator.wavSeconds(data.resolve("audio/stillfirst.wav")), 0.1, "and its audio, run " + run);
            assertFalse(Files.exists(data.resolve("frames/stillfirst")));
            assertFalse(Files.exists(data.resolve("rejected")), "nothing set aside");
            assertEquals("invalid-output", Fixture.readJson(data.resolve("failed_downloads.json"))
                    .path("stillfirst").path("category").asText());
            Path progress = data.resolve("download_progress.json");
            assertFalse(Files.exists(progress) && Fixture.readJson(progress).path("completed").toString().contains("stillfirst"),
                    "not complete without its frames");
            assertEquals(0, sha256sumCheck(data), "SHA256SUMS lists the video and its audio");
            List<String> sums = Files.readAllLines(data.resolve("SHA256SUMS"));
            assertEquals(1, sums.stream().filter(l -> l.endsWith("  audio/stillfirst.wav")).count(), sums.toString());
            assertEquals(1, sums.stream().filter(l -> l.endsWith("  videos/stillfirst.mp4")).count(), sums.toString());
            String provenance = Files.readString(data.resolve("metadata/provenance.jsonl"));
            assertTrue(provenance.contains("\"file\":\"audio/stillfirst.wav\""), provenance);
            assertFalse(provenance.contains("frames/stillfirst"), "no frames line: " + provenance);
        }
        assertEquals(1, server.hits("stillfirst").size(), "the rerun made its audio and frames from the video in place");
    }

    /**
     * A run killed after a video took its final name and before its line was written: the next run, which makes
     * only its audio, writes the video's line too, so SHA256SUMS lists every file in place.
     */
    @Test
    void aVideoPutInPlaceBeforeItsChecksumLineGetsItsLineWhenItsAudioIsMade(@TempDir Path tmp) throws Exception {
        List<String> ids = serveClips("sums", 1);
        Path data = tmp.resolve("data");
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        assertEquals(0, Fixture.run(args).exit());
        // as a kill between the video's rename and its line leaves it: the video in place, no audio, no line
        Files.delete(data.resolve("audio/sums0.wav"));
        Files.write(data.resolve("SHA256SUMS"), List.of());
        Files.deleteIfExists(data.resolve(".download_progress.journal"));
        Files.writeString(data.resolve("download_progress.json"), "{\"completed\": []}");

        assertEquals(0, Fixture.run(args).exit());

        List<String> lines = Files.readAllLines(data.resolve("SHA256SUMS"));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("  videos/sums0.mp4"))
                && lines.stream().anyMatch(l -> l.endsWith("  audio/sums0.wav")), lines.toString());
        assertEquals(2, lines.size(), lines.toString());
        assertEquals(0, sha256sumCheck(data));
    }

    @Test
    void checksumsAndAgainstGoWithVerifyAndAnUnreadableListIsSaidInOneLine(@TempDir Path tmp) {
        Fixture.Outcome alone = Fixture.run(List.of("--checksums", "--data-dir", tmp.toString()));
        assertEquals(2, alone.exit());
        assertTrue(alone.stderr().contains("--checksums goes with --verify"), alone.stderr());
        Fixture.Outcome missing = Fixture.run(List.of("--verify", "--against", tmp.resolve("nope").toString(),
                "--data-dir", tmp.toString()));
        assertEquals(2, missing.exit());
        assertEquals(1, missing.stderr().strip().lines().count(), missing.stderr());
        assertTrue(missing.stderr().contains("--against: cannot read"), missing.stderr());
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** A video whose picture is one still frame, with 5 s of sound, as an upload of an image with its music has. */
    private static Path stillPicture(Path tmp) throws Exception {
        Path png = tmp.resolve("still.png");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=1:duration=1", "-frames:v", "1", png.toString());
        Path still = tmp.resolve("still.mp4");
        ffmpeg("-i", png.toString(), "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=5",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", still.toString());
        return still;
    }

    private static void ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd));
    }

    private static byte[] ffmpegOut(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0);
        return out;
    }

    /** The samples of a WAV: its data chunk. */
    private static byte[] wavData(Path wav) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(wav)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int pos = 12;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            if (id == 0x61746164) {
                return java.util.Arrays.copyOfRange(b.array(), pos + 8, pos + 8 + size);
            }
            pos += 8 + size + (size & 1);
        }
        throw new AssertionError("no data chunk in " + wav);
    }

    /**
     * Every video and audio file in place has a provenance line (the last of its file) whose SHA-256 is
     * the file's, and every frames folder one whose count is the folder's; returns the lines by file.
     */
    static Map<String, JsonNode> assertProvenanceOfEveryFile(Path data) throws Exception {
        Map<String, JsonNode> lines = provenanceByFile(data);
        for (String dir : List.of("videos", "audio")) {
            for (Path f : files(data.resolve(dir))) {
                JsonNode line = lines.get(dir + "/" + f.getFileName());
                assertNotNull(line, "no provenance line for " + f);
                assertEquals(Checksums.sha256(f), line.path("sha256").asText(), f.toString());
                assertEquals(Files.size(f), line.path("bytes").asLong(), f.toString());
            }
        }
        if (Files.isDirectory(data.resolve("frames"))) {
            for (Path folder : files(data.resolve("frames"))) {
                JsonNode line = lines.get("frames/" + folder.getFileName() + "/");
                assertNotNull(line, "no provenance line for " + folder);
                assertEquals(files(folder).size(), line.path("count").asInt(), folder.toString());
            }
        }
        return lines;
    }

    static Map<String, JsonNode> provenanceByFile(Path data) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (String line : Files.readAllLines(data.resolve("metadata/provenance.jsonl"))) {
            JsonNode n = Fixture.JSON.readTree(line);
            out.put(n.path("file").asText(), n);
        }
        return out;
    }

    static int sha256sumCheck(Path data) throws Exception {
        Process p = new ProcessBuilder("sha256sum", "--quiet", "-c", "SHA256SUMS").directory(data.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        if (p.exitValue() != 0) {
            System.err.println(out);
        }
        return p.exitValue();
    }

    private static JsonNode ffprobeStream(Path file) throws Exception {
        return Fixture.ffprobeStream(file);
    }

    /** Every image of a frames folder decodes: ffmpeg reads them all as a sequence without an error. */
    private static void assertDecodes(Path folder) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-i", folder.resolve("%06d.jpg").toString(),
                "-f", "null", "-").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "no decoding error in " + folder);
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static int count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        } catch (Exception e) {
            return 0;
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static byte[] flip(byte[] bytes) {
        bytes[bytes.length / 2] ^= 0x01;
        return bytes;
    }
}
