package avqa.downloader;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether an archive can be read to its end: libarchive's bsdtar lists it ({@code bsdtar -tf}), which
 * walks every entry's header (skipping the data where the format allows) and fails on an archive cut
 * short, and ends where its format says it ends ({@link ArchiveEnd}: bsdtar reads a tar or a RAR cut
 * exactly between two entries without an error). Used for a download whose host announced no length, so
 * that a connection that merely closed early is not taken for the end of the file.
 */
final class ArchiveListing {

    /** What the listing found. */
    enum Verdict { WHOLE, DAMAGED, UNCHECKED }

    private final String bsdtar;

    ArchiveListing(String bsdtar) {
        this.bsdtar = bsdtar;
    }

    Verdict check(Path archive) throws IOException {
        try {
            ArchiveEnd.Mark end = ArchiveEnd.of(archive, ArchiveFormat.of(archive));
            if (end == ArchiveEnd.Mark.ABSENT) {
                return Verdict.DAMAGED;
            }
            if (end == ArchiveEnd.Mark.MORE_VOLUMES) {
                // a RAR volume that ends as a volume ends is whole; bsdtar cannot read one alone to its end
                return Verdict.WHOLE;
            }
        } catch (BadInputException notAnArchive) {
            // bsdtar says what it makes of it
        }
        ProcessBuilder pb = BsdtarStream.process(List.of(bsdtar, "-t", "-f", archive.toAbsolutePath().toString()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p;
        try {
            p = pb.start();
        } catch (IOException noBsdtar) {
            return Verdict.UNCHECKED;
        }
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return Verdict.UNCHECKED;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking " + archive.getFileName());
        }
        return p.exitValue() == 0 ? Verdict.WHOLE : Verdict.DAMAGED;
    }
}
