package avqa.downloader;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The CRC-32s an archive's own headers give for its files (a RAR 5's, a 7z's), for the files bsdtar gives out of
 * it as a tar, which holds none: by name, in the archive's order. A name with a file whose CRC-32 is not taken is
 * uncertain: no file of that name is checked (a CRC-32 given to the next file of that name would be another's).
 */
abstract class HeaderChecksums {

    private final Map<String, Deque<Long>> byName = new HashMap<>();
    private final Set<String> uncertain = new HashSet<>();

    /** The CRC-32 of the next file of this name; -1 when the archive gives none to rely on. */
    long next(String name) {
        if (uncertain.contains(name)) {
            return -1;
        }
        Deque<Long> sums = byName.get(name);
        Long crc = sums == null ? null : sums.poll();
        return crc == null ? -1 : crc;
    }

    /**
     * Whether each file (not a folder, not a link) is encrypted with a password, by name in the archive's order, as
     * bsdtar gives them; asked of the names in {@link #withEncrypted} only.
     */
    private final Map<String, Deque<Boolean>> encryptedInOrder = new HashMap<>();
    private final Set<String> withEncrypted = new HashSet<>();
    private int files;
    private int encryptedFiles;
    private boolean listEncrypted;

    /**
     * Whether the next file of this name (in the archive's order, as bsdtar gives them) is encrypted with a password:
     * bsdtar gives a RAR's encrypted bytes as if they were the file's, with no error, and stops at a 7z's.
     */
    boolean nextEncrypted(String name) {
        if (!withEncrypted.contains(name)) {
            return false;
        }
        Boolean encrypted = encryptedInOrder.get(name).poll();
        return encrypted != null && encrypted;
    }

    /** The archive's next file of this name, in its order, encrypted with a password or not. */
    void file(String name, boolean encrypted) {
        files++;
        encryptedInOrder.computeIfAbsent(name, n -> new ArrayDeque<>()).add(encrypted);
        if (encrypted) {
            encryptedFiles++;
            withEncrypted.add(name);
        }
    }

    /** The archive's list of files is encrypted (rar -hp, 7z -mhe=on): it cannot be read without its password. */
    void listEncrypted() {
        listEncrypted = true;
    }

    /** How many of the archive's files (not folders nor links) are encrypted, and how many files it has. */
    int encryptedFiles() {
        return encryptedFiles;
    }

    int files() {
        return files;
    }

    /** Whether the archive's list of files is encrypted ({@link #listEncrypted}). */
    boolean headersEncrypted() {
        return listEncrypted;
    }

    /** The file the next entry of this name is a copy of, stored as a reference to it; null for a file of its own. */
    String nextCopyOf(String name) {
        return null;
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    /** The next file of this name has this CRC-32. */
    void add(String name, long crc) {
        byName.computeIfAbsent(name, n -> new ArrayDeque<>()).add(crc);
    }

    /** A file of this name gives no CRC-32 to rely on: no file of the name is checked. */
    void uncertain(String name) {
        uncertain.add(name);
    }
}
