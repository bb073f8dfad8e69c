package avqa.downloader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Of the videos the chosen annotations reference: where each one comes from (YouTube, a mirror, a
 * derived flip, an archive, or nowhere) and how many of each group are complete, so that a
 * researcher sees what is missing and what to do about it.
 */
public final class Coverage {

    public static final String YOUTUBE = "YouTube";
    public static final String FLIP = "derived flip (YouTube)";
    public static final String MIRROR = "mirror";
    public static final String ARCHIVE = "archive";
    public static final String NO_SOURCE = "no source";
    public static final String INVALID_ID = "invalid id";

    private final Map<String, List<String>> groups = new LinkedHashMap<>();
    private int referenced;

    void add(String id, String group, boolean isReferenced) {
        groups.computeIfAbsent(group, g -> new ArrayList<>()).add(id);
        if (isReferenced) {
            referenced++;
        }
    }

    public int referenced() {
        return referenced;
    }

    public Map<String, List<String>> groups() {
        return groups;
    }

    /**
     * The report, counting complete ones with {@code complete} and failures with {@code failures};
     * videos an archive provided ({@code fromArchives}, known only after the plan) count as archive.
     */
    public String report(java.util.function.Predicate<String> complete, FailureRecords failures,
                         java.util.Set<String> fromArchives) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        this.groups.forEach((group, ids) -> {
            for (String id : ids) {
                groups.computeIfAbsent(fromArchives.contains(id) ? ARCHIVE : group, g -> new ArrayList<>()).add(id);
            }
        });
        StringBuilder t = new StringBuilder();
        int total = groups.values().stream().mapToInt(List::size).sum();
        long done = groups.values().stream().flatMap(List::stream).filter(complete).count();
        t.append(String.format("Coverage: %d of %d videos complete (%d referenced by the annotations).%n", done, total,
                referenced));
        groups.forEach((group, ids) -> {
            long ok = ids.stream().filter(complete).count();
            Map<String, Integer> notDone = new TreeMap<>();
            for (String id : ids) {
                if (!complete.test(id)) {
                    String c = failures.category(id);
                    notDone.merge(c == null ? "pending" : c, 1, Integer::sum);
                }
            }
            t.append(String.format("  %-24s %6d, complete %6d%s%n", group + ":", ids.size(), ok,
                    notDone.isEmpty() ? "" : "; not complete: " + notDone));
        });
        int noSource = groups.getOrDefault(NO_SOURCE, List.of()).size();
        if (noSource > 0) {
            t.append(String.format("  What to do about the %d without a source: they are MUSIC-AVQA's internal names; "
                    + "import the official archives with --import-archive FILE (zip or tar, streamed, resumable), "
                    + "or point --source-url-template at a mirror that serves them by these names.%n", noSource));
        }
        if (groups.containsKey(INVALID_ID)) {
            t.append("  The invalid ids are listed in failed_downloads.json; fix them in the annotations.\n");
        }
        return t.toString();
    }
}
