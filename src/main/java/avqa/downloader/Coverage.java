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
    public static final String FLIP_OF_MIRROR = "derived flip (mirror)";
    public static final String ARCHIVE = "archive";
    /** A mirrored copy made from a clip that was complete (an archive's, most often): no download. */
    public static final String FLIP_OF_COMPLETE = "derived flip (from a complete clip)";
    public static final String NO_SOURCE = "no source";
    public static final String INVALID_ID = "invalid id";
    public static final String CASE_CONFLICT = "case conflict";

    /** The group of a mirrored copy cut from a download of {@code url}. */
    static String flipGroup(String url) {
        return VideoIdRules.isYoutubeUrl(url) ? FLIP : FLIP_OF_MIRROR;
    }

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
     * The report. A complete video is counted where it really came from ({@code origins}, from
     * provenance.jsonl: an archive by name, YouTube, a derived flip, a mirror); one that is not
     * complete where the plan would fetch it from, with its failure's category from {@code failures}.
     */
    public String report(java.util.function.Predicate<String> complete, FailureRecords failures,
                         Map<String, String> origins) {
        return report(complete, failures, origins, null);
    }

    /**
     * As above; with frames asked ({@code framesMade} not null), a line more: how many of the complete
     * videos have their frames folder.
     */
    public String report(java.util.function.Predicate<String> complete, FailureRecords failures,
                         Map<String, String> origins, java.util.function.Predicate<String> framesMade) {
        return report(complete, failures, origins, framesMade, null);
    }

    /**
     * As above, for --verify: {@code invalid} says which videos were complete but whose files its check found
     * invalid; they stay in the group they came from, counted as invalid.
     */
    public String report(java.util.function.Predicate<String> complete, FailureRecords failures,
                         Map<String, String> origins, java.util.function.Predicate<String> framesMade,
                         java.util.function.Predicate<String> invalid) {
        java.util.function.Predicate<String> bad = invalid == null ? id -> false : invalid;
        Map<String, List<String>> groups = new LinkedHashMap<>();
        this.groups.forEach((planned, ids) -> {
            for (String id : ids) {
                String group = complete.test(id) || bad.test(id) ? origins.getOrDefault(id, planned) : planned;
                groups.computeIfAbsent(group, g -> new ArrayList<>()).add(id);
            }
        });
        StringBuilder t = new StringBuilder();
        int total = groups.values().stream().mapToInt(List::size).sum();
        long done = groups.values().stream().flatMap(List::stream).filter(complete).count();
        t.append(String.format("Coverage: %d of %d videos complete (%d referenced by the annotations); by where they "
                + "come from:%n", done, total, referenced));
        groups.forEach((group, ids) -> {
            long ok = ids.stream().filter(complete).count();
            Map<String, Integer> notDone = new TreeMap<>();
            for (String id : ids) {
                if (bad.test(id)) {
                    notDone.merge("invalid (--verify --repair sets it aside)", 1, Integer::sum);
                } else if (!complete.test(id)) {
                    String c = failures.category(id);
                    notDone.merge(c == null ? "pending" : c, 1, Integer::sum);
                }
            }
            // an archive's group is named by its file, whose name may hold a line break: one line each, escaped
            t.append(String.format("  %-36s %6d, complete %6d%s%n", Redact.text(group, 200) + ":", ids.size(), ok,
                    notDone.isEmpty() ? "" : "; not complete: " + notDone));
        });
        if (framesMade != null) {
            long framed = groups.values().stream().flatMap(List::stream).filter(complete).filter(framesMade).count();
            t.append(String.format("  frames:  %d of the %d complete videos have their frames in frames/<id>/%n", framed, done));
        }
        int noSource = groups.getOrDefault(NO_SOURCE, List.of()).size();
        if (noSource > 0) {
            t.append(String.format("  What to do about the %d without a source: they are MUSIC-AVQA's own names of the "
                    + "v1 videos, which come from the authors' archives: %s%n", noSource, V1_ARCHIVES));
        }
        if (groups.containsKey(INVALID_ID)) {
            t.append("  The invalid ids are listed in failed_downloads.json; fix them in the annotations.\n");
        }
        return t.toString();
    }

    /** How to get the MUSIC-AVQA v1 videos: the authors' archives, and the way to import them. */
    public static final String V1_ARCHIVES = "download the folder on Google Drive with "
            + "`pip install gdown && gdown --folder https://drive.google.com/drive/folders/1WAryZZE0srLIZG8VHl22uZ3tpbGHtsrQ "
            + "-O avqa-archives` (Drive's daily download quota may stop it for a while; run it again later), or from "
            + "Baidu Netdisk (the link in the GeWu-Lab/MUSIC-AVQA README, password cvpr); then run again with "
            + "--import-archive FILE for each archive (zip, tar, RAR, 7z; for one split into parts, the first part), "
            + "or the folder you unpacked them into.";
}
