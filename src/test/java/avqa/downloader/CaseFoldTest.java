package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory on a file system that does not tell letter case apart (FAT, mounted with fusefat;
 * as root, as CI is): two ids that differ only in case never share a path; the second is recorded as a
 * case-conflict naming the first.
 */
class CaseFoldTest extends LoopbackServerTest {

    @Test
    void idsThatDifferOnlyInCaseNeverShareAPath(@TempDir Path tmp) throws Exception {
        Path image = tmp.resolve("fat.img");
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        boolean mounted = DiskTest.sh("truncate", "-s", "64M", image.toString())
                && DiskTest.sh("mkfs.vfat", image.toString()) && DiskTest.sh("fusefat", "-o", "rw+", image.toString(),
                data.toString());
        if (!mounted) {
            System.err.println("SKIPPED: CaseFoldTest needs mkfs.vfat (dosfstools) and fusefat, as root (.ci/run installs them)");
        }
        assumeTrue(mounted, "cannot mount a FAT file system here");
        try {
            server.serve("caseclipAbc", clip).serve("caseclipABC", Fixture.clip("tone-8s", 8, true))
                    .serve("othervideo1", clip);
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", List.of("caseclipAbc", "othervideo1", "caseclipABC"));

            Fixture.Outcome outcome = Fixture.run(Fixture.localArgs(data, meta, server.mediaFileTemplate()));

            assertEquals(1, outcome.exit(), outcome.stderr());
            assertEquals(3.0, Fixture.probe(data.resolve("videos/caseclipAbc.mp4"))[0], 0.2,
                    "the first keeps its name and its own video");
            assertTrue(Fixture.probe(data.resolve("videos/othervideo1.mp4"))[0] > 2.5);
            assertTrue(server.hits("caseclipABC").isEmpty(), "the second is never requested");
            String failed = Files.readString(data.resolve("failed_downloads.json"));
            assertTrue(failed.contains("\"caseclipABC\"") && failed.contains("case-conflict")
                    && failed.contains("differs from caseclipAbc only in letter case"), failed);
        } finally {
            DiskTest.sh("umount", "-l", data.toString());
        }
    }
}
