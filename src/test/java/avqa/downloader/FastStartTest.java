package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a plain java -jar starts its run with (FastStart), and when it runs in its own JVM instead. */
class FastStartTest {

    private static final String[] ARGS = {"--data-dir", "d d", "--workers", "2"};

    /** The process ids read from Linux's /proc, as ProcessHandle gives them (whose first use costs the first JVM's start). */
    @Test
    void theProcessIdsComeFromProcAsProcessHandleGivesThem() {
        assertEquals(ProcessHandle.current().pid(), FastStart.ownPid());
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), FastStart.parentPid());
        assertEquals(4242, FastStart.parentIn("77 (a (b) c) S 4242 77 1 0 -1 4194304"));
        assertEquals(1, FastStart.parentIn("12 (java) R 1 12 12 0"));
    }

    @Test
    void theRunGetsTheGivenOptionsThenC1OnlyAndTheArchiveMadeAfterTheJar(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("avqa-downloader.jar"), "jar");
        Path archive = Files.write(tmp.resolve("avqa-downloader.jsa"), java.util.Arrays.copyOf(archiveHead(0xf00baba8, 11, 600), 600));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(archive, FileTime.fromMillis(2_000_000));

        assertEquals(List.of("/jdk/bin/java", "-Xmx1g", "-Dx=a b", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:SharedArchiveFile=" + archive,
                        "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-Davqa.relaunched=42", "-cp", jar.toString(),
                        "avqa.downloader.AvqaDownloader", "--data-dir", "d d", "--workers", "2"),
                FastStart.command("/jdk/bin/java", List.of("-Xmx1g", "-Dx=a b"), " ", jar, 42, ARGS));

        // an archive older than the jar belongs to an earlier build: C1 only
        Files.setLastModifiedTime(archive, FileTime.fromMillis(500_000));
        assertEquals(List.of("/jdk/bin/java", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Davqa.relaunched=42", "-cp", jar.toString(),
                "avqa.downloader.AvqaDownloader", "--data-dir", "d d", "--workers", "2"),
                FastStart.command("/jdk/bin/java", List.of(), " ", jar, 42, ARGS));
        // ... and with the compiler chosen too, nothing is left to add: the jar's own JVM runs it
        assertNull(FastStart.command("/jdk/bin/java", List.of("-XX:-TieredCompilation"), " ", jar, 42, ARGS));
        // C2 kept (it needs two compiler threads): one compiler thread is not added
        assertNull(FastStart.command("/jdk/bin/java", List.of("-XX:TieredStopAtLevel=4"), " ", jar, 42, ARGS));
        // the compiler threads chosen, from the environment too: C1 only is added, not their count
        assertEquals(List.of("/jdk/bin/java", "-XX:TieredStopAtLevel=1", "-Davqa.relaunched=42", "-cp", jar.toString(),
                        "avqa.downloader.AvqaDownloader", "--data-dir", "d d", "--workers", "2"),
                FastStart.command("/jdk/bin/java", List.of(), " -XX:CICompilerCount=2", jar, 42, ARGS));
    }

    /** Java's heap in huge pages where Linux gives them on request, unless the user chose the pages (here or in the environment) or ZGC. */
    @Test
    void theHeapAsksForHugePagesWhereLinuxGivesThemOnRequest(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("avqa-downloader.jar"), "jar");
        assertEquals(List.of("/jdk/bin/java", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+UseTransparentHugePages",
                        "-Davqa.relaunched=42", "-cp", jar.toString(), "avqa.downloader.AvqaDownloader", "--data-dir", "d d", "--workers", "2"),
                FastStart.command("/jdk/bin/java", List.of(), " ", jar, 42, ARGS, null, true));
        // the compiler chosen and no archive: the pages alone do not repay a second JVM's start
        assertNull(FastStart.command("/jdk/bin/java", List.of("-XX:TieredStopAtLevel=4"), " ", jar, 42, ARGS, null, true));
        // pages chosen (here or in the environment), or ZGC, which would then want huge pages for shared memory
        for (String own : List.of("-XX:-UseTransparentHugePages", "-XX:+UseLargePages", "-XX:LargePageSizeInBytes=2m",
                "-XX:+UseHugeTLBFS", "-XX:+UseSHM", "-XX:+UseZGC", "-XX:AllocateHeapAt=/mnt/pmem")) {
            assertEquals(List.of("/jdk/bin/java", own, "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Davqa.relaunched=42",
                            "-cp", jar.toString(), "avqa.downloader.AvqaDownloader", "--data-dir", "d d", "--workers", "2"),
                    FastStart.command("/jdk/bin/java", List.of(own), " ", jar, 42, ARGS, null, true), own);
            assertEquals(List.of("/jdk/bin/java", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Davqa.relaunched=42",
                            "-cp", jar.toString(), "avqa.downloader.AvqaDownloader", "--data-dir", "d d", "--workers", "2"),
                    FastStart.command("/jdk/bin/java", List.of(), " " + own, jar, 42, ARGS, null, true), own + " in JAVA_TOOL_OPTIONS");
        }

        // Linux's setting, as /sys/kernel/mm/transparent_hugepage/enabled says it: the mode chosen is in brackets
        Path setting = tmp.resolve("enabled");
        Files.writeString(setting, "always [madvise] never\n");
        assertTrue(FastStart.hugePagesOnRequest(setting));
        Files.writeString(setting, "[always] madvise never\n");
        assertFalse(FastStart.hugePagesOnRequest(setting), "the heap has them already");
        Files.writeString(setting, "always madvise [never]\n");
        assertFalse(FastStart.hugePagesOnRequest(setting), "Java would warn that it cannot have them");
        assertFalse(FastStart.hugePagesOnRequest(tmp.resolve("absent")), "not Linux, or a kernel without them");
    }

    @Test
    void optionsOfTheUsersOwnForTheArchiveOrAnAgentKeepTheRunInTheFirstJvm(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("avqa-downloader.jar"), "jar");
        for (String own : List.of("-XX:SharedArchiveFile=x.jsa", "-XX:ArchiveClassesAtExit=x.jsa", "-XX:DumpLoadedClassList=x",
                "-Xshare:off", "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-javaagent:a.jar",
                // what opens a port or writes a file, which both JVMs would do
                "-Dcom.sun.management.jmxremote.port=19010", "-XX:StartFlightRecording=filename=rec.jfr",
                "-Xlog:gc*:file=gc.log", "-Xloggc:gc.log", "-XX:VMOptionsFile=opts")) {
            assertNull(FastStart.command("/jdk/bin/java", List.of(own), " ", jar, 42, ARGS), own);
            assertNull(FastStart.command("/jdk/bin/java", List.of(), own + " ", jar, 42, ARGS), own + " in JAVA_TOOL_OPTIONS");
        }
        // options in a file, which may hold any of those
        assertNull(FastStart.command("/jdk/bin/java", List.of("@opts.txt"), " ", jar, 42, ARGS));
    }

    /** A Java 17 dynamic archive's header: its magic, version 11, and regions ending at {@code ends}. */
    private static byte[] archiveHead(int magic, int version, long... regionEnds) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + 7 * 72).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, magic).putInt(4, 0).putInt(8, version);
        long offset = Math.min(4096, 16 + 7 * 72);
        for (int i = 0; i < regionEnds.length; i++) {
            b.putLong(16 + i * 72 + 24, offset).putLong(16 + i * 72 + 40, regionEnds[i] - offset);
            offset = regionEnds[i];
        }
        return b.array();
    }

    /**
     * An archive cut short (a copy broken off) would crash the second JVM that maps it: it is not used. Its
     * header says where its last region ends, and the file must reach that far.
     */
    @Test
    void anArchiveCutShortIsNotUsed(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("avqa-downloader.jar"), "jar");
        Path archive = tmp.resolve("avqa-downloader.jsa");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
        byte[] whole = new byte[20_000]; // regions from byte 520
        byte[] head = archiveHead(0xf00baba8, 11, 10_000, 19_000);
        System.arraycopy(head, 0, whole, 0, head.length);
        for (int length : new int[] {20_000, 19_000, 18_999, 4_000, 100}) {
            Files.write(archive, java.util.Arrays.copyOf(whole, length));
            Files.setLastModifiedTime(archive, FileTime.fromMillis(2_000_000));
            assertEquals(length >= 19_000 ? archive : null, FastStart.archiveOf(jar), length + " bytes");
        }
        // no archive's magic: not one
        System.arraycopy(archiveHead(0x12345678, 11, 10_000), 0, whole, 0, head.length);
        Files.write(archive, whole);
        Files.setLastModifiedTime(archive, FileTime.fromMillis(2_000_000));
        assertNull(FastStart.archiveOf(jar));
    }

    @Test
    void theOptionsAreWhatComesBeforeDashJarOnTheCommandLine(@TempDir Path tmp) throws Exception {
        Path cmdline = tmp.resolve("cmdline");
        Files.writeString(cmdline, "java\0-Xmx1g\0-Dx=a b\0-jar\0target/avqa-downloader.jar\0--workers\0-jar\0");
        assertEquals(List.of("-Xmx1g", "-Dx=a b"), FastStart.jvmOptions(cmdline));
        Files.writeString(cmdline, "java\0-cp\0x\0Main\0");
        assertNull(FastStart.jvmOptions(cmdline));
        // a word that does not read back as written (bytes this JVM's encoding cannot hold: LANG=C and a
        // UTF-8 path, say) would reach the second JVM as something else
        java.io.ByteArrayOutputStream words = new java.io.ByteArrayOutputStream();
        words.writeBytes("java\0-jar\0a.jar\0--data-dir\0/tmp/d".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        words.write(0xff);
        words.write(0);
        Files.write(cmdline, words.toByteArray());
        assertNull(FastStart.jvmOptions(cmdline));
        assertNull(FastStart.jvmOptions(tmp.resolve("none")));
    }
}
