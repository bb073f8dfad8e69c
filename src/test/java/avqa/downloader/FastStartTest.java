package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a plain java -jar starts its run with (FastStart), and when it runs in its own JVM instead. */
class FastStartTest {

    private static final String[] ARGS = {"--data-dir", "d d", "--workers", "2"};

    @Test
    void theRunGetsTheGivenOptionsThenC1OnlyAndTheArchiveMadeAfterTheJar(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("avqa-downloader.jar"), "jar");
        Path archive = Files.writeString(tmp.resolve("avqa-downloader.jsa"), "archive");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(archive, FileTime.fromMillis(2_000_000));

        assertEquals(List.of("/jdk/bin/java", "-Xmx1g", "-Dx=a b", "-XX:TieredStopAtLevel=1", "-XX:SharedArchiveFile=" + archive,
                        "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-Davqa.relaunched=42", "-cp", jar.toString(),
                        "avqa.downloader.AvqaDownloader", "--data-dir", "d d", "--workers", "2"),
                FastStart.command("/jdk/bin/java", List.of("-Xmx1g", "-Dx=a b"), " ", jar, 42, ARGS));

        // an archive older than the jar belongs to an earlier build: C1 only
        Files.setLastModifiedTime(archive, FileTime.fromMillis(500_000));
        assertEquals(List.of("/jdk/bin/java", "-XX:TieredStopAtLevel=1", "-Davqa.relaunched=42", "-cp", jar.toString(),
                "avqa.downloader.AvqaDownloader", "--data-dir", "d d", "--workers", "2"),
                FastStart.command("/jdk/bin/java", List.of(), " ", jar, 42, ARGS));
        // ... and with the compiler chosen too, nothing is left to add: the jar's own JVM runs it
        assertNull(FastStart.command("/jdk/bin/java", List.of("-XX:-TieredCompilation"), " ", jar, 42, ARGS));
    }

    @Test
    void optionsOfTheUsersOwnForTheArchiveOrAnAgentKeepTheRunInTheFirstJvm(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("avqa-downloader.jar"), "jar");
        for (String own : List.of("-XX:SharedArchiveFile=x.jsa", "-XX:ArchiveClassesAtExit=x.jsa", "-XX:DumpLoadedClassList=x",
                "-Xshare:off", "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-javaagent:a.jar")) {
            assertNull(FastStart.command("/jdk/bin/java", List.of(own), " ", jar, 42, ARGS), own);
            assertNull(FastStart.command("/jdk/bin/java", List.of(), own + " ", jar, 42, ARGS), own + " in JAVA_TOOL_OPTIONS");
        }
    }

    @Test
    void theOptionsAreWhatComesBeforeDashJarOnTheCommandLine(@TempDir Path tmp) throws Exception {
        Path cmdline = tmp.resolve("cmdline");
        Files.writeString(cmdline, "java\0-Xmx1g\0-Dx=a b\0-jar\0target/avqa-downloader.jar\0--workers\0-jar\0");
        assertEquals(List.of("-Xmx1g", "-Dx=a b"), FastStart.jvmOptions(cmdline));
        Files.writeString(cmdline, "java\0-cp\0x\0Main\0");
        assertNull(FastStart.jvmOptions(cmdline));
        assertNull(FastStart.jvmOptions(tmp.resolve("none")));
    }
}
