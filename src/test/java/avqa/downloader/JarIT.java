package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, as a user runs it: {@code java -jar target/avqa-downloader.jar} from the repository root. */
class JarIT {

    static final Path JAR = Path.of("target", "avqa-downloader.jar").toAbsolutePath();

    record Result(int exit, String output) {
    }

    static Result runJar(List<String> args) throws Exception {
        return runJar(args, java.util.Map.of());
    }

    static Result runJar(List<String> args, java.util.Map<String, String> env) throws Exception {
        return runJar(List.of(), args, env);
    }

    static Result runJar(List<String> jvmOptions, List<String> args, java.util.Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the jar finished");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void theJarLoadsTheRoutesFromTheFileSystemAndDownloads(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("tone-3s", 3, true);
        try (MediaServer server = new MediaServer()) {
            server.serve("jarvideo001", clip).serve("jarvideo002", clip);
            Path meta = tmp.resolve("meta");
            Path data = tmp.resolve("data");
            Fixture.annotations(meta, "test", List.of("jarvideo001", "jarvideo002"));

            // the command line wins over the environment, in the routes too
            Result r = runJar(Fixture.localArgs(data, meta, server.urlTemplate()),
                    java.util.Map.of("AVQA_DATA_DIR", tmp.resolve("elsewhere").toString(), "AVQA_WORKERS", "1"));

            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("Run finished"), r.output());
            for (String id : List.of("jarvideo001", "jarvideo002")) {
                assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[1] > 2.5, id);
                assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id);
            }
            assertTrue(Files.readString(data.resolve("avqa_download.log")).contains("Complete: jarvideo002"));
            assertFalse(Files.exists(tmp.resolve("elsewhere")), "nothing written where the environment said");
            try (var runs = Files.list(data.resolve("runs"))) {
                String version = Fixture.readJson(runs.findFirst().orElseThrow()).get("version").asText();
                assertTrue(version.matches("\\d+\\.\\d+\\.\\d+\\S*"), "the run summary names the build: " + version);
            }
        }
    }

    @Test
    void theBackgroundScriptStartsTheJarUnderNohupAndSaysHowToFollowIt(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("tone-3s", 3, true);
        try (MediaServer server = new MediaServer()) {
            server.serve("bgvideo0001", clip);
            Path meta = tmp.resolve("meta");
            Path data = tmp.resolve("data");
            Fixture.annotations(meta, "test", List.of("bgvideo0001"));
            // run from elsewhere, with DATA_DIR relative to there: the data goes where the caller meant
            ProcessBuilder pb = new ProcessBuilder("bash", Path.of("scripts/run_avqa_download.sh").toAbsolutePath().toString(),
                    "data", "2", "10M", "0").directory(tmp.toFile()).redirectErrorStream(true);
            pb.environment().putAll(java.util.Map.of("AVQA_DATASET", "music-avqa", "AVQA_METADATA_BASE_URL", "file:" + meta,
                    "AVQA_METADATA_SPLITS", "test",
                    "AVQA_SOURCE_URL_TEMPLATE", server.urlTemplate(), "AVQA_JITTER", "0"));
            Process script = pb.start();
            String said = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(script.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, script.exitValue(), said);
            // -F: the log is followed across its rollovers
            assertTrue(said.contains("tail -F " + data.resolve("avqa_download.log")), said);
            Fixture.await("the background run to finish", 60_000, () -> {
                try {
                    return Files.readString(data.resolve("avqa_download.log")).contains("Run finished");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertTrue(Fixture.probe(data.resolve("audio/bgvideo0001.wav"))[1] > 2.5);
            // the console's file has only the warnings and errors: every line is in the log, which is rolled over
            String out = Files.readString(data.resolve("avqa_download.out"));
            assertFalse(out.contains(" INFO "), out);
        }
    }

    /**
     * Started from another directory - a plain java -jar with the jar's path, and scripts/avqa.sh - the run
     * still finds its routes and application.properties in the repository, and the relative paths typed
     * (the data directory, a file: metadata URL) are taken from where they were typed: the videos land there,
     * nothing in the repository.
     */
    @Test
    void startedFromAnotherDirectoryThePathsTypedThereAreTakenFromThere(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("tone-3s", 3, true);
        try (MediaServer server = new MediaServer()) {
            server.serve("elsewhere01", clip);
            Fixture.annotations(tmp.resolve("meta"), "test", List.of("elsewhere01"));
            Path repoData = Path.of("data-typed-elsewhere").toAbsolutePath();
            List<String> relative = new ArrayList<>(Fixture.localArgs(Path.of("data-typed-elsewhere"), Path.of("meta"),
                    server.urlTemplate()));
            relative.set(relative.indexOf("file:meta"), "file:meta/");
            List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR.toString()));
            java.addAll(relative);
            List<String> script = new ArrayList<>(List.of("bash", Path.of("scripts/avqa.sh").toAbsolutePath().toString(),
                    "--dry-run"));
            script.addAll(relative);
            for (List<String> cmd : List.of(java, script)) {
                Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
                String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + cmd);
                assertEquals(0, p.exitValue(), said);
                assertFalse(Files.exists(repoData), "nothing written in the repository: " + said);
            }
            Path data = tmp.resolve("data-typed-elsewhere");
            assertTrue(Fixture.probe(data.resolve("audio/elsewhere01.wav"))[1] > 2.5, "the java -jar run's audio");
            assertTrue(Files.isRegularFile(data.resolve("plan.json")), "the script's dry run wrote its plan there");
        }
    }

    /**
     * C2 chosen in _JAVA_OPTIONS (which Java reads after the command line, so it wins): the one compiler thread that
     * goes with C1 only is not added, by the jar's relaunch or by scripts/jvm.sh, as C2 refuses to start with it.
     */
    @Test
    void aCompilerChosenInJavaOptionsIsLeftAsChosen() throws Exception {
        Map<String, String> c2 = Map.of("_JAVA_OPTIONS", "-XX:TieredStopAtLevel=4");
        Result plain = runJar(List.of("--help"), c2);
        assertEquals(0, plain.exit(), plain.output());
        assertTrue(plain.output().contains("--workers"), plain.output());

        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". scripts/jvm.sh && exec \"${AVQA_JAVA[@]}\" -jar \"$avqa_jar\" --help")
                .redirectErrorStream(true);
        pb.environment().putAll(c2);
        Process script = pb.start();
        String said = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(script.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, script.exitValue(), said);
        assertTrue(said.contains("--workers"), said);
    }

    @Test
    void theJarExitsWithStatus2OnABadOption() throws Exception {
        Result r = runJar(List.of("--workers", "0"));
        assertEquals(2, r.exit(), r.output());
        assertEquals("avqa-downloader: --workers: '0' is not valid; expected a whole number from 1 to 64", r.output().strip());
    }

    /**
     * --version names this build (from the jar's manifest) and each program the tool runs, one line each,
     * writes nothing (no log file, no data directory) and exits 0; a program that is not there is said so.
     */
    @Test
    void versionNamesTheBuildAndEachProgramAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Result r = runJar(List.of("--version", "--data-dir", data.toString()),
                java.util.Map.of("AVQA_TOOLS_BSDTAR", tmp.resolve("no-bsdtar").toString()));
        assertEquals(0, r.exit(), r.output());
        List<String> lines = r.output().strip().lines().toList();
        assertTrue(lines.get(0).matches("avqa-downloader \\d+\\.\\d+\\.\\d+\\S*"), r.output());
        assertTrue(lines.stream().anyMatch(l -> l.matches("ffmpeg \\d+\\.\\d+.*")), r.output());
        assertTrue(lines.contains("bsdtar not found or not runnable (" + tmp.resolve("no-bsdtar") + ")"), r.output());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("yt-dlp ")), r.output());
        assertTrue(lines.get(lines.size() - 1).startsWith("Java 17"), r.output());
        assertEquals(6, lines.size(), r.output());
        assertFalse(Files.exists(data), "no data directory made");
    }

    /**
     * Under a locale whose encoding cannot hold a path's characters (LC_ALL=C, and a data directory with a
     * ü), Java reads them as something else: one line saying so, exit 2, and nothing made under either name.
     */
    @Test
    void anArgumentTheLocaleCannotReadIsOneLineAndExit2(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data \u00fc");
        Result r = runJar(List.of("--data-dir", data.toString(), "--dry-run"), java.util.Map.of("LC_ALL", "C", "LANG", "C"));
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().startsWith("avqa-downloader: an argument holds characters that this locale cannot read"), r.output());
        assertTrue(r.output().strip().endsWith("run with a UTF-8 locale, such as LANG=C.UTF-8"), r.output());
        assertEquals(1, r.output().strip().lines().count(), r.output());
        try (var made = Files.list(tmp)) {
            assertEquals(List.of(), made.toList(), "nothing made");
        }
    }

    /**
     * The build puts into the jar the classes a run loads, in order (scripts/start-up-data.sh), which
     * ClassPreloader loads ahead of the main thread: the list is there, starts with the jar's main class,
     * reaches Camel's routes and the first request, and names only classes the jar has.
     */
    @Test
    void theJarCarriesTheClassesARunLoadsInTheOrderItLoadsThem() throws Exception {
        List<String> names;
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(JAR.toFile())) {
            java.util.zip.ZipEntry list = jar.getEntry(ClassPreloader.LIST);
            assertTrue(list != null, "the jar has " + ClassPreloader.LIST);
            names = List.of(new String(jar.getInputStream(list).readAllBytes(), StandardCharsets.UTF_8).split("\n"));
            for (String name : names) {
                assertTrue(jar.getEntry(name.replace('.', '/') + ".class") != null, name + " is in the jar");
            }
        }
        assertEquals(List.of("avqa.downloader.FastStart", "avqa.downloader.AvqaDownloader"), names.subList(0, 2));
        assertTrue(names.size() > 2000, names.size() + " classes");
        for (String reached : List.of("org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader",
                "org.apache.camel.component.http.HttpProducer", "avqa.downloader.MediaFileFetcher")) {
            assertTrue(names.contains(reached), reached);
        }
        assertTrue(names.stream().noneMatch(n -> n.startsWith("java.") || n.startsWith("jdk.")), "no class of the JDK");
    }

    /**
     * A plain java -jar starts its run in a second JVM that has the class-data archive the build put beside
     * the jar, and the C1 compiler only (FastStart), with the options the first was given. SIGTERM to the
     * first reaches the run, which stops as it does (exit 143, its one line); killed outright, the first
     * takes the run with it. With -Davqa.relaunch=false the run is the jar's own JVM.
     */
    @Test
    void aPlainJavaJarRunsWithTheClassDataArchiveAndPassesSignalsOn(@TempDir Path tmp) throws Exception {
        Path archive = JAR.resolveSibling("avqa-downloader.jsa");
        assertTrue(Files.isRegularFile(archive), "the build made " + archive);
        try (HostileServerTest.SlowHeadersHost host = new HostileServerTest.SlowHeadersHost()) {
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", List.of("relaunch001"));
            for (String ending : List.of("TERM", "KILL", "single JVM")) {
                Path data = tmp.resolve("data-" + ending.replace(' ', '-'));
                Path output = tmp.resolve("output-" + ending.replace(' ', '-'));
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx300m"));
                if (ending.equals("single JVM")) {
                    cmd.add("-Davqa.relaunch=false");
                }
                cmd.addAll(List.of("-jar", JAR.toString()));
                cmd.addAll(Fixture.localArgs(data, meta, host.template()));
                int before = host.requests.get();
                Process jar = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
                try {
                    Fixture.await("the run's request (" + ending + ")", 60_000, () -> host.requests.get() > before);
                    List<ProcessHandle> runs = jar.children().filter(c -> c.info().command().orElse("").endsWith("java")).toList();
                    if (ending.equals("single JVM")) {
                        assertEquals(List.of(), runs, "no second JVM");
                        jar.destroy();
                        assertTrue(jar.waitFor(60, TimeUnit.SECONDS));
                        assertEquals(143, jar.exitValue(), Files.readString(output));
                        continue;
                    }
                    assertEquals(1, runs.size(), "one second JVM: " + runs);
                    ProcessHandle run = runs.get(0);
                    List<String> options = List.of(run.info().arguments().orElseThrow());
                    for (String option : List.of("-Xmx300m", "-XX:TieredStopAtLevel=1", "-XX:SharedArchiveFile=" + archive)) {
                        assertTrue(options.contains(option), option + " in " + options);
                    }
                    // the heap in huge pages where this machine's Linux gives them on request
                    assertEquals(FastStart.hugePagesOnRequest(FastStart.HUGE_PAGES), options.contains("-XX:+UseTransparentHugePages"),
                            "huge pages in " + options);
                    if (ending.equals("TERM")) {
                        jar.destroy();
                        assertTrue(jar.waitFor(60, TimeUnit.SECONDS), "the jar stopped");
                        String said = Files.readString(output);
                        assertEquals(143, jar.exitValue(), said);
                        assertTrue(said.contains("avqa-downloader: run stopped early: stopped by a signal"), said);
                        assertFalse(run.isAlive(), "the run ended before the jar's first JVM");
                    } else {
                        jar.destroyForcibly();
                        Fixture.await("the run to end with the killed first JVM", 10_000, () -> !run.isAlive()
                                || run.info().command().isEmpty());
                    }
                } finally {
                    jar.descendants().forEach(ProcessHandle::destroyForcibly);
                    jar.destroyForcibly();
                }
            }
        }
    }

    /**
     * As scripts/jvm.sh starts the jar: the JIT's C1 only, where the videos and WAVs are hashed by the system's NSS
     * library in the JVM (FileHash), with no openssl start; where NSS cannot be set up, by openssl, started once for
     * each video and its WAV. SHA256SUMS holds for coreutils' sha256sum.
     */
    @Test
    void theJarStartedWithC1OnlyWritesSumsThatSha256sumConfirms(@TempDir Path tmp) throws Exception {
        Path clip = Fixture.clip("tone-15s", 15, true); // a WAV of over 1 MiB
        try (MediaServer server = new MediaServer()) {
            server.serve("jarc1video01", clip).serve("jarc1video02", clip);
            Path meta = tmp.resolve("meta");
            Path data = tmp.resolve("data");
            Fixture.annotations(meta, "test", List.of("jarc1video01", "jarc1video02"));

            // the real openssl, through a script that notes each start of it
            Path openssl = ToolVersions.which("openssl");
            org.junit.jupiter.api.Assumptions.assumeTrue(openssl != null, "openssl is not installed");
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            Path calls = tmp.resolve("openssl-calls");
            Files.writeString(bin.resolve("openssl"), "#!/bin/sh\necho started >> '" + calls + "'\nexec '" + openssl + "' \"$@\"\n");
            bin.resolve("openssl").toFile().setExecutable(true);

            Result r = runJar(List.of("-XX:TieredStopAtLevel=1"), Fixture.localArgs(data, meta, server.urlTemplate()),
                    java.util.Map.of("PATH", bin + ":" + System.getenv("PATH")));

            assertEquals(0, r.exit(), r.output());
            assertTrue(Files.size(clip) >= FileHash.NATIVE_FROM, "a video large enough to be hashed by openssl");
            if (FileHash.Nss.PROVIDER != null) {
                // the system's NSS library hashes in the JVM: no openssl start at all
                assertFalse(Files.exists(calls), "NSS hashed the files, not openssl");
            } else {
                // one openssl run per video, for the video and its WAV together (each of over 1 MiB)
                assertTrue(Files.isRegularFile(calls), "openssl hashed the large files");
                assertEquals(2, Files.readAllLines(calls).size(), "one openssl start per video");
            }
            List<String> sums = Files.readAllLines(data.resolve("SHA256SUMS"));
            assertEquals(4, sums.size(), String.join("\n", sums));
            assertTrue(Files.size(data.resolve("audio/jarc1video01.wav")) >= FileHash.NATIVE_FROM,
                    "a WAV large enough to be hashed by openssl");
            Process check = new ProcessBuilder("sha256sum", "--check", "--strict", "SHA256SUMS").directory(data.toFile())
                    .redirectErrorStream(true).start();
            String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, check.waitFor(), said);
        }
    }
}
