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

    /** Whether the next file of this name is encrypted, so that bsdtar gives its encrypted bytes, with no error. */
    boolean nextEncrypted(String name) {
        return false;
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
