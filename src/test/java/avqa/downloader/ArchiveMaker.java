package avqa.downloader;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Archives made for the tests with the real tools: Debian's rar (non-free), 7zip's 7zz, zip, split. */
final class ArchiveMaker {

    private ArchiveMaker() {
    }

    /** Skips the test, saying why, when {@code tool} is not installed (.ci/run installs them all). */
    static void need(String tool) {
        boolean there = Tools.onPath(tool);
        if (!there) {
            System.err.println("SKIPPED: " + tool + " is not installed (Debian: rar from non-free, 7zip, zip, "
                    + "libarchive-tools; .ci/run installs them)");
        }
        assumeTrue(there, tool + " is not installed");
    }

    /** A folder {@code dir/<folder>/} holding each entry: name → file to copy. */
    static Path folder(Path dir, String folder, Map<String, Path> entries) throws Exception {
        Path root = dir.resolve("src-" + folder);
        Path inner = root.resolve(folder);
        Files.createDirectories(inner);
        for (Map.Entry<String, Path> e : entries.entrySet()) {
            Files.copy(e.getValue(), inner.resolve(e.getKey()));
        }
        return root;
    }

    /** RAR v5 of the folder made by {@link #folder} (its one subfolder, as the authors' archive has). */
    static void rar(Path source, Path out) throws Exception {
        need("rar");
        run(source, "rar", "a", "-ma5", "-m0", "-r", "-idq", out.toString(), ".");
    }

    static void sevenZip(Path source, Path out, String... extra) throws Exception {
        need("7zz");
        List<String> cmd = new ArrayList<>(List.of("7zz", "a", "-bd", "-bso0"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of(out.toString(), "."));
        run(source, cmd.toArray(String[]::new));
    }

    /** A plain tar of the folder made by {@link #folder}, as GNU tar writes it (its end: zero blocks). */
    static void tar(Path source, Path out) throws Exception {
        need("tar");
        run(source, "tar", "-c", "-f", out.toString(), ".");
    }

    static void zip(Path source, Path out) throws Exception {
        need("zip");
        run(source, "zip", "-q", "-r", out.toString(), ".");
    }

    /**
     * A zip as zip writes it to a pipe ({@code zip -LEVEL - FILES | …}), which it cannot seek back into: each entry's
     * CRC-32 and sizes follow its data, in a data descriptor (general-purpose flag bit 3), stored or not.
     */
    static void streamedZip(Path source, Path out, String level, String... files) throws Exception {
        need("zip");
        List<String> cmd = new ArrayList<>(List.of("zip", "-q", level, "-"));
        cmd.addAll(List.of(files));
        Process p = new ProcessBuilder(cmd).directory(source.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // through a pipe, as zip writes a stream only where it cannot seek
        try (var to = Files.newOutputStream(out)) {
            p.getInputStream().transferTo(to);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }

    /** Splits a file into byte-parts {@code <file>.00, .01, …} of {@code size} bytes, as split(1) does. */
    static List<Path> split(Path file, long size) throws Exception {
        return split(file, size, 2, 0);
    }

    /** The same, the parts numbered with {@code digits} digits from {@code from} ({@code <file>.001, .002, …}: 3, 1). */
    static List<Path> split(Path file, long size, int digits, int from) throws Exception {
        return split(file, "-a", String.valueOf(digits), "--numeric-suffixes=" + from, "-b", String.valueOf(size));
    }

    /** The same, the parts lettered as split names them by default ({@code <file>.aa, .ab, …}). */
    static List<Path> splitLettered(Path file, long size) throws Exception {
        return split(file, "-b", String.valueOf(size));
    }

    private static List<Path> split(Path file, String... options) throws Exception {
        need("split");
        List<String> cmd = new java.util.ArrayList<>(List.of("split"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(file.getFileName().toString(), file.getFileName() + "."));
        run(file.getParent(), cmd.toArray(String[]::new));
        Files.delete(file);
        try (var s = Files.list(file.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + ".")).sorted().toList();
        }
    }

    static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
