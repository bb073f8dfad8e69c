package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

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
 * A fast-path run asks ffmpeg for its version (which the records name) as its first answer comes, not while the JVM
 * starts: on two cores that first program started took a core from the JVM's start, and the first request came 0.12 s
 * later. Seen by the access time of a copy of the real ffmpeg the run is given (avqa.tools.ffmpeg): untouched while
 * the first video's answer is held, touched while its body is held after the answer, and its version in the records.
 */
class FfmpegAskedLateTest extends LoopbackServerTest {

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
