package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tools asked for their versions no sooner than a run needs them, on two cores where each program started takes a
 * core from the JVM's start.
 * <p>
 * A fast-path run asks ffmpeg for its version (which the records name) as its first answer comes, not while the JVM
 * starts: on two cores that first program started took a core from the JVM's start, and the first request came 0.12 s
 * later. Seen by the access time of a copy of the real ffmpeg the run is given (avqa.tools.ffmpeg): untouched while
 * the first video's answer is held, touched while its body is held after the answer, and its version in the records.
 * <p>
 * A run that imports an archive on this disk, with YouTube as its source, starts no yt-dlp when the archive holds
 * every video: imported videos name no yt-dlp, and asked at start it took 0.25 s of a core while the JVM started.
 */
class ToolsAskedLateTest extends LoopbackServerTest {

    private static final FileTime NEVER_RUN = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));

    @Test
    void aFastPathRunStartsNoFfmpegBeforeItsFirstAnswer(@TempDir Path tmp) throws Exception {
        Path ffmpeg = tmp.resolve("bin/ffmpeg");
        Files.createDirectories(ffmpeg.getParent());
        Files.copy(ToolVersions.which("ffmpeg"), ffmpeg, StandardCopyOption.COPY_ATTRIBUTES);
        // older than its last change: Linux's relatime then notes the next time it is read (or run)
        Files.getFileAttributeView(ffmpeg, BasicFileAttributeView.class)
                .setTimes(FileTime.from(Instant.parse("2001-01-02T00:00:00Z")), NEVER_RUN, null);
        List<String> ids = serveClips("askedlate", 2);
        List<String> args = localRun(tmp, ids, server.mediaFileTemplate());
        args.addAll(List.of("--workers", "1"));
        AtomicBoolean release = new AtomicBoolean();
        server.holdUntil(ids.get(0), release::get, 60_000);
        // once answered, the first video's body comes only when ffmpeg has been run: asked ahead at the answer
        server.holdBodyUntil(ids.get(0), () -> !NEVER_RUN.equals(lastRunOrNever(ffmpeg)), 20_000);
        Path log = tmp.resolve("run.log");
        Process run = Fixture.startJvm(args, Map.of("AVQA_TOOLS_FFMPEG", ffmpeg.toString()), log);
        try {
            Fixture.await("the first video to be asked for", 60_000, () -> !server.hits(ids.get(0)).isEmpty());
            assertEquals(NEVER_RUN, lastRun(ffmpeg), "ffmpeg was started before the first answer");
        } finally {
            release.set(true);
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
        }
        assertEquals(0, run.exitValue(), ServiceTest.read(log));
        Path data = tmp.resolve("data");
        for (String id : ids) {
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
        }
        assumeFalse(NEVER_RUN.equals(lastRun(ffmpeg)), "this file system notes no access times: the check above says nothing");
        assertFalse(server.heldInVain(ids.get(0)), "ffmpeg was not asked for its version while the first body was on its way");
        String version = new ToolVersions(avqa.downloader.settings.Settings.resolve(Map.of(),
                tmp.resolve("none.properties"), new java.util.Properties(), Map.of())).ffmpegVersion();
        assertTrue(!version.isEmpty() && Files.readString(data.resolve("metadata/provenance.jsonl"))
                .contains("\"ffmpeg\":\"" + version + "\""), version);
    }

    @Test
    void anImportThatLacksNothingStartsNoYtDlp(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("zip");
        String real = new ToolVersions(avqa.downloader.settings.Settings.resolve(Map.of(), tmp.resolve("none.properties"),
                new java.util.Properties(), Map.of())).ytDlpPath();
        assumeTrue(real != null, "no yt-dlp here");
        Path ytDlp = tmp.resolve("bin/yt-dlp");
        Files.createDirectories(ytDlp.getParent());
        Files.copy(Path.of(real), ytDlp, StandardCopyOption.COPY_ATTRIBUTES);
        Files.getFileAttributeView(ytDlp, BasicFileAttributeView.class)
                .setTimes(FileTime.from(Instant.parse("2001-01-02T00:00:00Z")), NEVER_RUN, null);
        List<String> ids = List.of("importonly1", "importonly2");
        Map<String, Path> entries = new java.util.LinkedHashMap<>();
        for (String id : ids) {
            entries.put(id + ".mp4", clip);
        }
        Path zip = tmp.resolve("videos.zip");
        ArchiveMaker.zip(ArchiveMaker.folder(tmp, "videos", entries), zip);
        Fixture.annotations(tmp.resolve("meta"), "test", ids);
        List<String> args = Fixture.localArgs(tmp.resolve("data"), tmp.resolve("meta"), avqa.downloader.settings.SettingsTable.YOUTUBE_TEMPLATE);
        args.addAll(List.of("--import-archive", zip.toString()));
        Path log = tmp.resolve("run.log");
        Process run = Fixture.startJvm(args, Map.of("AVQA_TOOLS_YT_DLP", ytDlp.toString()), log);
        if (!run.waitFor(120, TimeUnit.SECONDS)) {
            run.destroyForcibly().waitFor();
        }
        assertEquals(0, run.exitValue(), ServiceTest.read(log));
        for (String id : ids) {
            assertTrue(Files.isRegularFile(tmp.resolve("data/audio/" + id + ".wav")), id);
        }
        assertEquals(NEVER_RUN, lastRun(ytDlp), "yt-dlp was started by a run that imported every video");
        // the same copy, run once: its access time is noted here, so the check above could fail
        Process asked = new ProcessBuilder(ytDlp.toString(), "--version").redirectErrorStream(true).start();
        asked.getInputStream().readAllBytes();
        assertEquals(0, asked.waitFor());
        assumeFalse(NEVER_RUN.equals(lastRun(ytDlp)), "this file system notes no access times: the check above says nothing");
    }

    private static FileTime lastRunOrNever(Path program) {
        try {
            return lastRun(program);
        } catch (java.io.IOException unreadable) {
            return NEVER_RUN;
        }
    }

    private static FileTime lastRun(Path program) throws java.io.IOException {
        return Files.readAttributes(program, BasicFileAttributes.class).lastAccessTime();
    }
}
