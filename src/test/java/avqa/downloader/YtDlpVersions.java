package avqa.downloader;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/** The yt-dlps the tests compare: Debian's (too old for YouTube) and the one the set-up makes. */
final class YtDlpVersions {

    /** Debian 12's package: 2023.03.04. */
    static final Path DEBIAN = Path.of("/usr/bin/yt-dlp");
    /** What scripts/setup-tools.sh (scripts/avqa.sh, .ci/run) sets up. */
    static final Path SET_UP = Path.of(".tools/yt-dlp/bin/yt-dlp").toAbsolutePath();

    private YtDlpVersions() {
    }

    /** The yt-dlps here (the set-up's, Debian's), each to be tested; the test is skipped where there is none. */
    static List<Path> present() {
        List<Path> here = java.util.stream.Stream.of(SET_UP, DEBIAN).filter(Files::isExecutable).toList();
        assumeTrue(!here.isEmpty(), "no yt-dlp here (scripts/setup-tools.sh and apt-get install yt-dlp; .ci/run does both)");
        return here;
    }

    static String version(Path ytDlp) {
        return ToolVersions.firstLine(List.of(ytDlp.toString(), "--version"));
    }

    /** Skips the test, saying why, unless Debian's old yt-dlp is there. */
    static void assumeDebiansOld() {
        assumeTrue(Files.isExecutable(DEBIAN), "Debian's yt-dlp is not installed (apt-get install yt-dlp; .ci/run does)");
        LocalDate d = ToolVersions.releaseDate(version(DEBIAN));
        assumeTrue(d != null && d.isBefore(ToolVersions.YOUTUBE_MINIMUM), DEBIAN + " is " + version(DEBIAN)
                + ", not older than 2024.07.25");
    }

    /** Skips the test, saying why, unless the set-up's current yt-dlp is there. */
    static void assumeSetUp() {
        assumeTrue(Files.isExecutable(SET_UP), SET_UP + " is missing: run scripts/setup-tools.sh (.ci/run does)");
        LocalDate d = ToolVersions.releaseDate(version(SET_UP));
        assumeTrue(d != null && !d.isBefore(ToolVersions.JS_RUNTIMES_SINCE), SET_UP + " is " + version(SET_UP)
                + ", older than 2025.11.12");
    }

    /** Whether the yt-dlp a plain run uses (avqa.tools.yt-dlp=auto) is too old for YouTube. */
    static boolean defaultIsTooOld() {
        Path p = Files.isExecutable(SET_UP) ? SET_UP : ToolVersions.which("yt-dlp");
        LocalDate d = p == null ? null : ToolVersions.releaseDate(version(p));
        return d != null && d.isBefore(ToolVersions.YOUTUBE_MINIMUM);
    }
}
