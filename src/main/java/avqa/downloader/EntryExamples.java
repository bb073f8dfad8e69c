package avqa.downloader;

import java.util.ArrayList;
import java.util.List;

/**
 * Entries of an archive of one kind (named as videos but planned for none, say), for the line that says how many
 * there were: counted, and only the first few kept, each cut to a length, so that an archive of millions of long
 * names holds no more than these in memory.
 */
final class EntryExamples {

    private static final int KEPT = 5;

    private final int maxChars;
    private final List<String> first = new ArrayList<>();
    private long count;

    /** {@code maxChars}: how much of each example is kept (cut as {@link Redact#text} cuts it, its controls shown escaped). */
    EntryExamples(int maxChars) {
        this.maxChars = maxChars;
    }

    synchronized void add(String entry) {
        count++;
        if (first.size() < KEPT) {
            first.add(Redact.text(entry, maxChars));
        }
    }

    synchronized long count() {
        return count;
    }

    synchronized boolean isEmpty() {
        return count == 0;
    }

    /** The first few, as kept. */
    synchronized List<String> first() {
        return List.copyOf(first);
    }

    synchronized void clear() {
        count = 0;
        first.clear();
    }
}
