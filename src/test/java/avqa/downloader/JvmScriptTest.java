package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The java command scripts/jvm.sh makes, sourced as scripts/avqa.sh sources it (under set -euo pipefail). */
class JvmScriptTest {

    /**
     * A jar without its class-data archive (the build could not make one): the command has no archive, and sourcing
     * the script still succeeds (it used to end on a failed test, which stopped scripts/avqa.sh without a word).
     */
    @Test
    void aJarWithoutItsArchiveStartsWithoutIt(@TempDir Path repo) throws Exception {
        jarIn(repo);
        assertEquals(expected(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1")), javaCommand(repo, Map.of()));
    }

    /** The huge pages where Linux gives them on request, unless the environment chose pages, or ZGC. */
    @Test
    void theHeapsPagesAreLeftToTheUserAndToZgc(@TempDir Path repo) throws Exception {
        jarIn(repo);
        for (String option : List.of("-XX:-UseTransparentHugePages", "-XX:+UseLargePages", "-XX:LargePageSizeInBytes=2m",
                "-XX:+UseSHM", "-XX:+UseZGC")) {
            for (String variable : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS")) {
                List<String> command = javaCommand(repo, Map.of(variable, option));
                assertFalse(command.contains("-XX:+UseTransparentHugePages"), option + " in " + variable + ": " + command);
            }
        }
    }

    /** What the script gives on this machine: the pages only where Linux gives them on request. */
    private static List<String> expected(List<String> withoutPages) {
        List<String> command = new java.util.ArrayList<>(withoutPages);
        if (FastStart.hugePagesOnRequest(FastStart.HUGE_PAGES)) {
            command.add("-XX:+UseTransparentHugePages");
        }
        return command;
    }

    /** A repository with scripts/jvm.sh and a jar built after its sources, and no archive. */
    private static void jarIn(Path repo) throws Exception {
        Files.createDirectories(repo.resolve("scripts"));
        Files.createDirectories(repo.resolve("src"));
        Files.createDirectories(repo.resolve("target"));
        Files.copy(Path.of("scripts", "jvm.sh"), repo.resolve("scripts/jvm.sh"));
        for (Path source : List.of(repo.resolve("pom.xml"), repo.resolve("scripts/start-up-data.sh"), repo.resolve("src"),
                repo.resolve("scripts/jvm.sh"))) {
            if (!Files.exists(source)) {
                Files.writeString(source, "");
            }
            Files.setLastModifiedTime(source, FileTime.fromMillis(1_000_000));
        }
        Files.writeString(repo.resolve("target/avqa-downloader.jar"), "jar");
    }

    /** The script's AVQA_JAVA, one word a line, sourced under set -euo pipefail with these variables. */
    private static List<String> javaCommand(Path repo, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; . scripts/jvm.sh; printf '%s\\n' \"${AVQA_JAVA[@]}\"")
                .directory(repo.toFile()).redirectErrorStream(true);
        for (String variable : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS")) {
            pb.environment().remove(variable);
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), "sourcing scripts/jvm.sh: " + said);
        return said.lines().toList();
    }
}
