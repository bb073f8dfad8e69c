package avqa.downloader;

import java.nio.file.Path;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;

/**
 * The CRC-32 a 7z gives for each of its files, from its header alone (commons-compress reads it; the data is not
 * read), for {@link EntryChecksum}: bsdtar, which reads a 7z for this tool, checks none of a file stored without
 * compression (7z -mx0, as videos are stored), and gives a damaged one with no error, its bad bytes zeros. Only
 * what is certain is given: a file with a CRC-32; none for any file of the same name as one without (the order
 * would not hold), none at all for a 7z whose header cannot be read here (encrypted, say: bsdtar says what it
 * says of it).
 */
final class SevenZipChecksums extends HeaderChecksums {

    private SevenZipChecksums() {
    }

    static SevenZipChecksums of(Path archive) {
        SevenZipChecksums sums = new SevenZipChecksums();
        try (SevenZFile file = SevenZFile.builder().setPath(archive).get()) {
            for (SevenZArchiveEntry e : file.getEntries()) {
                if (e.isDirectory() || e.isAntiItem()) {
                    continue;
                }
                if (!e.hasStream() || !e.getHasCrc()) {
                    sums.uncertain(e.getName());
                } else {
                    sums.add(e.getName(), e.getCrcValue());
                }
            }
        } catch (java.io.IOException | RuntimeException | LinkageError unreadable) {
            // a header this reader cannot read: no checksum at all, never a false one
            return new SevenZipChecksums();
        }
        return sums;
    }
}
