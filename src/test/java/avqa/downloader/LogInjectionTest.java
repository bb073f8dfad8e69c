package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import avqa.downloader.settings.SettingsTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that tries to forge the log: a manifest id and a clip time with a line break and a fake
 * timestamp, an escape sequence for the terminal, and an archive entry named the same way. Every such
 * string is written escaped, on the line of the message that quotes it; no line of the log or of the
 * console says a video is complete that is not.
 */
class LogInjectionTest extends LoopbackServerTest {

    static final String FORGED = "\r\n2026-11-29 12:00:00 INFO  Complete: forged";
    static final Pattern LINE_START = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}");

    @Test
    void noInputCanForgeALogLine(@TempDir Path tmp) throws Exception {
        Path manifest = tmp.resolve("clips.jsonl");
        String longId = "x".repeat(45) + FORGED;
        Files.writeString(manifest, String.join("\n",
                "{\"id\": \"" + json(longId) + "\", \"url\": \"" + server.mediaFileTemplate().replace("{id}", "a") + "\"}",
                "{\"id\": \"goodclip01\", \"url\": \"" + server.mediaFileTemplate().replace("{id}", "goodclip01")
                        + "\", \"start\": \"0:0" + json("\u001b[2J" + FORGED) + "\"}",
                ""), StandardCharsets.UTF_8);
        Path zip = tmp.resolve("videos.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            // and a right-to-left override, which would show the rest of the line reversed
            z.putNextEntry(new ZipEntry("videos/bad" + FORGED + "\u202e4pm.evil.mp4"));
            z.write(Files.readAllBytes(clip));
        }
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", List.of("00000001", "bad\n" + FORGED));
        List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
        args.addAll(List.of("--manifest", manifest.toString(), "--import-archive", zip.toString()));

        Fixture.Outcome outcome = Fixture.run(args);

        String log = Files.readString(data.resolve("avqa_download.log"));
        for (String text : List.of(log, outcome.stdout(), outcome.stderr())) {
            for (String line : text.split("\n")) {
                assertTrue(!line.startsWith("2026-11-29 12:00:00 INFO  Complete: forged"), "a forged line: " + line);
                assertTrue(!line.contains("\u001b"), "an escape sequence reached the output: " + line);
                assertTrue(!line.contains("\r"), "a carriage return reached the output: " + line);
                assertTrue(!line.contains("\u202e"), "a right-to-left override reached the output: " + line);
            }
        }
        assertTrue(log.contains("\\r\\n2026-11-29 12:00:00 INFO  Complete: forged")
                || log.contains("\\u000d\\u000a2026-11-29 12:00:00 INFO  Complete: forged"), "shown escaped: " + log);
        assertTrue(log.contains("left alone"), "the archive entry is named: " + log);
        for (String line : log.split("\n")) {
            assertTrue(line.isEmpty() || LINE_START.matcher(line).find(), "every line is a whole log line: " + line);
        }
        assertTrue(Fixture.probe(data.resolve("videos/goodclip01.mp4"))[0] < 0, "its bad time made the row skipped");
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n")
                .replace("\u001b", "\\u001b");
    }
}
