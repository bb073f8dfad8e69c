package avqa.downloader;

import java.nio.file.Path;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;

/**
 * The CRC-32 a 7z gives for each of its files, from its header alone (commons-compress reads it; the data is not
 * read), for {@link EntryChecksum}: bsdtar, which reads a 7z for this tool, checks none of a file stored without
 * compression (7z -mx0, as videos are stored), and gives a damaged one with no error, its bad bytes zeros. Only
 * what is certain is given: a file with a CRC-32; none for any file of the same name as one without (the order
 * would not hold), none at all for a 7z whose header cannot be read here. Which files are encrypted (7z -p) is told
 * too, and whether its list of files is (7z -mhe=on): bsdtar stops at such a file with no words of its own.
 */
final class SevenZipChecksums extends HeaderChecksums {

    private SevenZipChecksums() {
    }

    static SevenZipChecksums of(Path archive) {
        return of(java.util.List.of(archive));
    }

    /** The same of a 7z split into byte-parts ({@code name.7z.001}, …), read over them all. */
    static SevenZipChecksums of(java.util.List<Path> parts) {
        SevenZipChecksums sums = new SevenZipChecksums();
        try (SevenZFile file = SevenZFile.builder().setSeekableByteChannel(
                org.apache.commons.compress.utils.MultiReadOnlySeekableByteChannel.forPaths(parts.toArray(Path[]::new))).get()) {
            // entry by entry, no data read: each one's methods (AES for an encrypted file) are known only so
            for (SevenZArchiveEntry e = file.getNextEntry(); e != null; e = file.getNextEntry()) {
                if (e.isDirectory() || e.isAntiItem()) {
                    continue;
                }
                sums.file(e.getName(), encrypted(e));
                if (!e.hasStream() || !e.getHasCrc()) {
                    sums.uncertain(e.getName());
                } else {
                    sums.add(e.getName(), e.getCrcValue());
                }
            }
        } catch (org.apache.commons.compress.PasswordRequiredException headers) {
            // its list of files is encrypted (7z -mhe=on): no checksum, and bsdtar cannot read it either
            SevenZipChecksums locked = new SevenZipChecksums();
            locked.listEncrypted();
            return locked;
        } catch (java.io.IOException | RuntimeException | LinkageError unreadable) {
            // a header this reader cannot read: no checksum at all, never a false one
            return new SevenZipChecksums();
        }
        return sums;
    }

    /** A file whose data passes through AES (7z -p): bsdtar stops there, with no words of its own. */
    private static boolean encrypted(SevenZArchiveEntry e) {
        try {
            for (var method : e.getContentMethods()) {
                if (method.getMethod() == org.apache.commons.compress.archivers.sevenz.SevenZMethod.AES256SHA256) {
                    return true;
                }
            }
        } catch (RuntimeException noMethods) {
            // an entry without data has none
        }
        return false;
    }
}
