package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The audio pass's own report stands for ffprobe's: on files real ffmpeg makes (codecs, containers,
 * sizes, rates and channel layouts of several kinds), what FfmpegReport reads from the pass's stderr is
 * what ffprobe says of the same file; no text inside a file can pose as one of its streams.
 */
class FfmpegReportTest {

    static final Path DIR = Path.of("target", "report-files").toAbsolutePath();

    /** ffmpeg's arguments making each file (lavfi sources), by its name. */
    static final String[][] FILES = {
            {"h264-aac.mp4", "-f lavfi -i testsrc2=size=320x240:rate=25:duration=3 -f lavfi -i sine=sample_rate=44100:duration=3 -c:v libx264 -c:a aac -shortest"},
            {"ntsc-51.mp4", "-f lavfi -i testsrc2=size=640x360:rate=30000/1001:duration=2 -f lavfi -i anoisesrc=sample_rate=48000:duration=2 -af pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0 -c:v libx264 -c:a aac -shortest"},
            {"vp9-opus.webm", "-f lavfi -i testsrc2=size=256x144:rate=24:duration=2 -f lavfi -i sine=sample_rate=48000:duration=2 -ac 2 -c:v libvpx-vp9 -deadline realtime -c:a libopus -shortest"},
            {"mpeg4-mp3.mkv", "-f lavfi -i testsrc2=size=160x120:rate=15:duration=2 -f lavfi -i sine=sample_rate=22050:duration=2 -c:v mpeg4 -c:a libmp3lame -shortest"},
            {"three-channels.mkv", "-f lavfi -i testsrc2=size=160x120:rate=10:duration=2 -f lavfi -i sine=sample_rate=8000:duration=2 -af pan=3c|c0=c0|c1=c0|c2=c0 -c:v mpeg4 -c:a pcm_s16le -shortest"},
    };

    @Test
    void theReportSaysWhatFfprobeSays() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String[] file : FILES) {
            Path made = make(file[0], file[1]);
            FfmpegReport report = FfmpegReport.of(pass(made));
            assertTrue(report.opened(), file[0]);
            String probe = run(List.of("ffprobe", "-v", "error", "-print_format", "json", "-show_entries",
                    "format=duration,format_name:stream=codec_type,codec_name,width,height,r_frame_rate,sample_rate,channels,duration",
                    made.toString())).stdout();
            MediaFacts expected = MediaFacts.of(json.readTree(probe));
            MediaFacts actual = MediaFacts.of(report, expected.audioSeconds());
            assertEquals(expected.container(), actual.container(), file[0]);
            assertEquals(expected.videoCodec(), actual.videoCodec(), file[0]);
            assertEquals(expected.width(), actual.width(), file[0]);
            assertEquals(expected.height(), actual.height(), file[0]);
            assertEquals(expected.frameRate(), actual.frameRate(), file[0]);
            assertEquals(expected.audioCodec(), actual.audioCodec(), file[0]);
            assertEquals(expected.sampleRate(), actual.sampleRate(), file[0]);
            assertEquals(expected.channels(), actual.channels(), file[0]);
            double container = json.readTree(probe).path("format").path("duration").asDouble();
            assertEquals(container, report.seconds(), 0.011, file[0]);
            // how far its packets reach, which the provenance keeps: the length the container says, in every kind of file
            assertEquals(container, MediaValidator.lasts(report), 0.1 + 0.01 * container, file[0]);
            assertTrue(report.frames() > 0, file[0]);
            assertFalse(report.problems().contains("[info]") || report.problems().contains("Video:"), report.problems());
        }
    }

    @Test
    void aFileWithoutAStreamHasNone() throws Exception {
        FfmpegReport silent = FfmpegReport.of(pass(make("silent.mp4", "-f lavfi -i testsrc2=size=160x120:rate=25:duration=1 -c:v libx264")));
        assertTrue(silent.opened());
        assertNull(silent.audio());
        assertEquals("h264", silent.video().codec());
        assertFalse(silent.problems().isEmpty(), "ffmpeg says it cannot map the missing audio");
        FfmpegReport sound = FfmpegReport.of(pass(make("sound.m4a", "-f lavfi -i sine=duration=1 -c:a aac")));
        assertNull(sound.video());
        assertEquals("aac", sound.audio().codec());
        assertEquals(-1, sound.frames(), "no picture counted");
    }

    /** A song with its cover art: ffmpeg lists the picture as a video stream, but it is no moving picture. */
    static final String COVER = "-f lavfi -i sine=duration=1 -f lavfi -i testsrc2=size=64x64:rate=1:duration=1 "
            + "-map 0 -map 1 -c:a aac -c:v png -disposition:v:0 attached_pic";

    @Test
    void aCoverPictureIsNoVideoStream() throws Exception {
        Path cover = make("cover.m4a", COVER);
        String stderr = pass(cover);
        assertTrue(stderr.contains("Video: png") && stderr.contains("(attached pic)"), "ffmpeg lists it: " + stderr);
        FfmpegReport report = FfmpegReport.of(stderr);
        assertTrue(report.opened());
        assertNull(report.video());
        assertEquals("aac", report.audio().codec());
        assertFalse(report.problems().isEmpty(), "the pass itself finds no video stream to map");

        ObjectMapper json = new ObjectMapper();
        var probe = json.readTree(run(withFfmpeg(new Ffmpeg(DIR, "wav", "", "", 1L << 31, null, null).probe(cover))).stdout());
        assertEquals(2, probe.path("streams").size(), probe.toString());
        assertEquals(-1, MediaValidator.streamSeconds(probe, "video"), probe.toString());
        assertEquals("", MediaFacts.of(probe).videoCodec());
        assertEquals(1.0, MediaValidator.streamSeconds(probe, "audio"), 0.05);
    }

    /**
     * A file whose header says it lasts 4,000,000 s (its movie header's duration rewritten), its streams 60 s:
     * the report keeps both, what it says and how far its packets reach, and the pass refuses it.
     */
    @Test
    void theLengthAFileSaysIsToldFromTheLengthItsPacketsReach() throws Exception {
        Path honest = make("honest60.mp4", "-f lavfi -i testsrc2=size=64x64:rate=10:duration=60 -f lavfi -i sine=duration=60 "
                + "-c:v libx264 -preset ultrafast -c:a aac -shortest");
        FfmpegReport right = FfmpegReport.of(pass(honest));
        assertEquals(60.0, right.seconds(), 0.05);
        assertEquals(60.0, right.held(), 0.1);
        assertEquals(right.seconds(), MediaValidator.lasts(right), "an honest header is taken as it says");

        Path forged = forgedLength(honest, DIR.resolve("forged60.mp4"), 4_000_000);
        FfmpegReport report = FfmpegReport.of(pass(forged));
        assertEquals(4_000_000, report.seconds(), 0.5);
        assertEquals(60.0, report.held(), 0.1);
        VideoFailure.InvalidOutput refused = org.junit.jupiter.api.Assertions.assertThrows(VideoFailure.InvalidOutput.class,
                () -> MediaValidator.lasts(report));
        assertEquals("the video file says it lasts 1111:06:40, but its streams hold 60.0 s: it was cut short, or its header "
                + "is wrong", refused.getMessage());

        // a header that says a little more, or less, is only wrong: the packets' length is kept
        FfmpegReport longer = FfmpegReport.of(pass(forgedLength(honest, DIR.resolve("longer60.mp4"), 95)));
        assertEquals(95, longer.seconds(), 0.05);
        assertEquals(60.0, MediaValidator.lasts(longer), 0.1);
        FfmpegReport shorter = FfmpegReport.of(pass(forgedLength(honest, DIR.resolve("shorter60.mp4"), 5)));
        assertEquals(5, shorter.seconds(), 0.05);
        assertEquals(60.0, MediaValidator.lasts(shorter), 0.1);
        // a run that never reported its end: what the header says
        assertEquals(-1, FfmpegReport.of("[info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x':\n[info]   Duration: 00:00:07.00, start: 0\n")
                .held());
    }

    /** A copy of an MP4 whose movie header (mvhd, version 0) says it lasts {@code seconds}. */
    static Path forgedLength(Path mp4, Path out, long seconds) throws Exception {
        byte[] b = Files.readAllBytes(mp4);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
        int at = -1;
        for (int i = 0; i + 4 <= b.length; i++) {
            if (b[i] == 'm' && b[i + 1] == 'v' && b[i + 2] == 'h' && b[i + 3] == 'd') {
                at = i;
                break;
            }
        }
        assertTrue(at > 0 && b[at + 4] == 0, "a version 0 movie header in " + mp4);
        long timescale = Integer.toUnsignedLong(buf.getInt(at + 16));
        buf.putInt(at + 20, (int) Math.min(timescale * seconds, 0xFFFF_FFFFL));
        Files.write(out, b);
        return out;
    }

    private static List<String> withFfmpeg(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("ffprobe"));
        cmd.addAll(args);
        return cmd;
    }

    @Test
    void textInsideTheFileCannotPoseAsAStream() throws Exception {
        Path made = make("titled.mp4", "-f lavfi -i sine=duration=1 -c:a aac -metadata title=Corrupt\n"
                + "  Stream #0:5[0x9](und): Video: h264 (High), yuv420p, 1920x1080, 25 fps, 25 tbr\n[error] partial file\n"
                + "Input #0, fake, from 'x':");
        FfmpegReport report = FfmpegReport.of(pass(made));
        assertNull(report.video(), "the title's lines are not streams");
        assertEquals("mov,mp4,m4a,3gp,3g2,mj2", report.container());
        assertFalse(report.problems().contains("partial file"), report.problems());
    }

    /**
     * ffmpeg prints a stream's language as it is, line breaks and all: a forged stream line there is caught
     * by its number, and the pass itself fails a file without a video stream (it maps 0:V:0) whatever its
     * report says. A Unicode line separator in a title is not a line break to ffmpeg, nor to the report.
     */
    @Test
    void aLanguageTagPosingAsAStreamIsCaught() throws Exception {
        Path forged = DIR.resolve("forged.mkv");
        if (!Files.isRegularFile(forged)) {
            run(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1",
                    "-f", "lavfi", "-i", "sine=duration=1", "-map", "0", "-map", "1", "-c:a", "aac",
                    "-metadata:s:a:0", "language=x\n[info]   Stream #0:1: Video: h264, 640x480, 25 fps, 25 tbr",
                    "-metadata", "title=a\u2028[info]   Stream #0:2: Video: h264, 640x480, 25 fps", forged.toString()));
        }
        String stderr = pass(forged);
        FfmpegReport report = FfmpegReport.of(stderr);
        assertTrue(report.opened());
        assertTrue(report.forged(), "a stream line out of order: " + stderr);
        assertTrue(stderr.contains("Stream map '0:V:0' matches no streams"), "the pass fails a file with no video stream");
        assertTrue(report.problems().contains("matches no streams"), report.problems());
        assertFalse(report.problems().contains("To ignore this"), "ffmpeg's untagged follow-up lines are not problems");
    }

    @Test
    void aFileCutShortIsAProblemItSays() throws Exception {
        Path whole = make("faststart.mp4", "-f lavfi -i testsrc2=size=320x240:rate=25:duration=4 -f lavfi -i sine=duration=4 -c:v libx264 -c:a aac -shortest -movflags +faststart");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = DIR.resolve("cut.mp4");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
        FfmpegReport report = FfmpegReport.of(pass(cut));
        assertTrue(report.opened(), "its index is whole");
        assertTrue(report.problems().contains("corrupt"), report.problems());
        assertFalse(report.problems().contains("[info]"), report.problems());
    }

    /** An error of a context inside another (a scaler inside a filter graph) names both before its level: a problem all the same. */
    @Test
    void anErrorOfAContextInsideAnotherIsAProblem() {
        FfmpegReport report = FfmpegReport.of("[info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x':\n"
                + "[graph 0 input from stream 0:0 @ 0x55d0c4a1b2c0] [swscaler @ 0x55d0c4a3e5c0] [error] bad dst image pointers\n");
        assertTrue(report.problems().contains("bad dst image pointers"), report.problems());
        assertTrue(report.problems().startsWith("[graph 0 input from stream 0:0 @ 0x55d0c4a1b2c0] [swscaler @"), report.problems());
    }

    @Test
    void channelLayoutsByName() {
        assertEquals(1, FfmpegReport.channels("mono"));
        assertEquals(2, FfmpegReport.channels("stereo"));
        assertEquals(6, FfmpegReport.channels("5.1(side)"));
        assertEquals(8, FfmpegReport.channels("7.1(wide-side)"));
        assertEquals(4, FfmpegReport.channels("quad(side)"));
        assertEquals(3, FfmpegReport.channels("3 channels"));
        assertEquals(24, FfmpegReport.channels("22.2"));
        assertEquals(8, FfmpegReport.channels("5.1.2"));
        assertEquals(12, FfmpegReport.channels("7.1.4"));
        assertEquals(2, FfmpegReport.channels("binaural"));
        assertEquals(0, FfmpegReport.channels("something new"));
    }

    /**
     * A pass over several videos in one ffmpeg run (AudioPasses) says of each, once read apart, what a pass over it
     * alone says: container, length, streams, pictures, how far its packets reach; and it writes the same audio.
     */
    @Test
    void aPassOverSeveralSaysOfEachWhatAPassOverItAloneSays() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String[] file : FILES) {
            files.add(make(file[0], file[1]));
        }
        files.add(make("honest60.mp4", "-f lavfi -i testsrc2=size=64x64:rate=10:duration=60 -f lavfi -i sine=duration=60 "
                + "-c:v libx264 -preset ultrafast -c:a aac -shortest"));
        files.add(make("titled-video.mp4", "-f lavfi -i testsrc2=size=64x64:rate=10:duration=2 -f lavfi -i sine=duration=2 "
                + "-c:v libx264 -c:a aac -shortest -metadata title=Corrupt\n  Stream #0:5[0x9](und): Video: h264 (High), "
                + "yuv420p, 1920x1080, 25 fps, 25 tbr\nInput #1, fake, from 'x':"));
        List<VideoJob> jobs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            VideoJob job = job(files.get(i));
            job.audio(DIR.resolve("together-" + i + ".wav"));
            jobs.add(job);
            logs.add(DIR.resolve("together-" + i + ".crc"));
        }
        List<String> cmd = new ArrayList<>(List.of("ffmpeg"));
        Ffmpeg ffmpeg = new Ffmpeg(DIR, "wav", "", "", 1L << 31, null, null);
        cmd.addAll(ffmpeg.audioTogether(jobs, logs));
        String together = run(cmd).stderr();
        assertEquals("", FfmpegReport.of(together).problems(), together);
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i).getFileName().toString();
            FfmpegReport alone = FfmpegReport.of(pass(files.get(i)));
            PacketLog packets = PacketLog.read(logs.get(i));
            FfmpegReport apart = FfmpegReport.of(FfmpegReport.alone(together, i, packets.pictures(), packets.seconds()));
            assertTrue(apart.opened(), name);
            assertEquals(alone.forged(), apart.forged(), name);
            assertEquals(alone.container(), apart.container(), name);
            assertEquals(alone.seconds(), apart.seconds(), name);
            assertEquals(alone.video(), apart.video(), name);
            assertEquals(alone.audio(), apart.audio(), name);
            assertEquals(alone.frames(), apart.frames(), name);
            // within a packet: ffmpeg's own last report counts the last packet's duration in some containers only
            assertEquals(alone.held(), apart.held(), 0.05, name);
            assertEquals(MediaValidator.lasts(alone), MediaValidator.lasts(apart), 0.05, name);
            assertEquals(-1, Files.mismatch(DIR.resolve("out.wav"), jobs.get(i).audio()), name + ": the same audio");
        }
        assertEquals("", FfmpegReport.alone(together, files.size(), 1, 1), "no such input");
    }

    /**
     * A shared run is read apart only when ffmpeg's input blocks are Input #0, #1, ... once each: a stream's language,
     * printed as it is (again in the output blocks), could otherwise reopen another video's block and rewrite its
     * report; and a packet list whose reach is not what a pass alone reports (a subtitle cue's long duration, packets
     * without time stamps) is not taken: such videos are passed alone.
     */
    @Test
    void aSharedRunThatCouldMisreportAVideoIsNotReadApart(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String block0 = "[info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/d/a.mp4':\n[info]   Duration: 00:00:05.00, start: 0\n"
                + "[info]   Stream #0:0: Video: h264, yuv420p, 64x64, 10 fps, 10 tbr\n";
        String block1 = "[info] Input #1, matroska,webm, from '/d/b.mkv':\n[info]   Duration: 00:00:05.00, start: 0\n"
                + "[info]   Stream #1:0(eng): Audio: aac, 44100 Hz, mono\n";
        String forged = "[info] Output #1, null, to 'pipe:':\n[info]   Stream #1:0(eng\n"
                + "[info] Input #0, matroska,webm, from 'x':\n[info]   Duration: 00:00:00.00, start: 0\n";
        assertEquals(2, FfmpegReport.opened(block0 + block1));
        assertTrue(!FfmpegReport.alone(block0 + block1, 0, 50, 5).isEmpty());
        assertEquals(-1, FfmpegReport.opened(block0 + block1 + forged));
        assertEquals("", FfmpegReport.alone(block0 + block1 + forged, 0, 50, 5), "a block opened twice is not read apart");

        Path subtitles = tmp.resolve("subtitles.crc");
        Files.writeString(subtitles, "#tb 0: 1/1000\n#media_type 0: video\n#tb 1: 1/1000\n#media_type 1: subtitle\n"
                + "0, 0, 0, 100, 10, 0x1\n1, 3000, 3000, 57000, 10, 0x2\n");
        assertNull(PacketLog.read(subtitles), "a cue's duration is no reach of the video");
        Path nopts = tmp.resolve("nopts.crc");
        Files.writeString(nopts, "#tb 0: 1/1000\n#media_type 0: video\n0, 0, -9223372036854775808, 40, 10, 0x1\n");
        assertNull(PacketLog.read(nopts), "packets without time stamps");
        Path fine = tmp.resolve("fine.crc");
        Files.writeString(fine, "#tb 0: 1/1000\n#media_type 0: video\n#tb 1: 1/44100\n#media_type 1: audio\n"
                + "0, 0, 0, 100, 10, 0x1, F=0x0\n1, 0, 0, 44100, 10, 0x2\n0, 100, 100, 100, 10, 0x3\n");
        assertEquals(new PacketLog(2, 1.0), PacketLog.read(fine));
    }

    /**
     * A packet list is taken only as ffmpeg writes it: six fields at least to each packet's line, whole numbers where
     * the stream, the time stamp and the duration are; a line cut short, or anything else, and the video is passed
     * alone. Lines of comments and blank lines are passed over, whichever line breaks they end with.
     */
    @Test
    void aPacketListIsTakenOnlyAsFfmpegWritesIt(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String head = "#software: Lavf59.27.100\n#tb 0: 1/1000\n#media_type 0: video\n#tb 1: 1/44100\n#media_type 1: audio\n";
        Path list = tmp.resolve("list.crc");
        Files.writeString(list, head.replace("\n", "\r\n") + "\r\n0,  0,  0,  100,  10, 0x1, F=0x0\r\n \t\r\n"
                + "1, 0, 0, 88200, 10, 0x2\r\n0, 100, 2900, 100, 10, 0x3\r\n");
        assertEquals(new PacketLog(2, 3.0), PacketLog.read(list));
        Files.writeString(list, head + "0, 0, 0, 100, 10, 0x1\n1, -1024, +0, 88200, 10, 0x2");
        assertEquals(new PacketLog(1, 2.0), PacketLog.read(list), "signs, and a last line with no line break");
        for (String bad : List.of("0, 0, 0, 100, 10,", "0, 0, 0, 100, 10,,", "0, 0, 0, 100", "0, 0, 0x10, 100, 10, 0x1",
                "0, 0, 0, 1 00, 10, 0x1", "0, 0, , 100, 10, 0x1", "2, 0, 0, 100, 10, 0x1", "4294967296, 0, 0, 100, 10, 0x1",
                "0, 0, 9223372036854775808, 100, 10, 0x1", "x, 0, 0, 100, 10, 0x1")) {
            Files.writeString(list, head + "0, 0, 0, 100, 10, 0x1\n" + bad + "\n");
            assertNull(PacketLog.read(list), bad);
        }
        Files.writeString(list, head + "0, 0, 0, 100, 10,,F=0x0\n");
        assertEquals(new PacketLog(1, 0.1), PacketLog.read(list), "an empty field with more after it is a field");
    }

    /** The tool's audio pass over a file, as Ffmpeg.audio builds it; its stderr. */
    static String pass(Path file) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg"));
        cmd.addAll(new Ffmpeg(DIR, "wav", "", "", 1L << 31, null, null).audio(job(file)));
        return run(cmd).stderr();
    }

    static VideoJob job(Path file) throws Exception {
        VideoJob job = new VideoJob("report", VideoJob.Kind.AUDIO_ONLY, null, List.of(), null, DIR.resolve("work"), file, "test");
        job.audio(DIR.resolve("out.wav"));
        return job;
    }

    static synchronized Path make(String name, String args) throws Exception {
        Files.createDirectories(DIR);
        Path file = DIR.resolve(name);
        if (!Files.isRegularFile(file)) {
            List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y"));
            int title = args.indexOf("-metadata title=");
            if (title >= 0) {
                cmd.addAll(List.of(args.substring(0, title).trim().split(" ")));
                cmd.addAll(List.of("-metadata", args.substring(title + "-metadata ".length())));
            } else {
                cmd.addAll(List.of(args.split(" ")));
            }
            cmd.add(file.toString());
            Result r = run(cmd);
            assertTrue(Files.isRegularFile(file), r.stderr());
        }
        return file;
    }

    record Result(String stdout, String stderr) {
    }

    static Result run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile("report", ".out");
        Path err = Files.createTempFile("report", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
            return new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
