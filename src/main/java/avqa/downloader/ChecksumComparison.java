package avqa.downloader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checksum part of {@code --verify}: with --checksums, the files whose SHA-256 differs from
 * SHA256SUMS's, those it lists that are gone and those it does not list; with --against, what differs
 * from another lab's list; and their part of the report (text and {@code verify_report.json}).
 */
final class ChecksumComparison {

    private List<String> changed;
    private List<String> missingFiles;
    private List<String> added;
    private List<String> foreign;
    private int hashed;

    private Path againstFile;
    private List<String> malformed = List.of();
    private List<String> differ;
    private List<String> theirsOnly;
    private List<String> oursOnly;

    /**
     * --checksums: files whose hash now differs from SHA256SUMS's (or cannot be read), files it lists
     * that are gone, and files in place it does not list (made before checksums were kept), returned
     * with their hashes to be added to it; {@code foreign}: the paths it lists that name no file of this data
     * directory (never opened; reported, escaped, and left as they are).
     */
    Map<Path, String> againstListed(Path root, Map<String, String> listed, Map<String, String> now, List<String> foreign,
                                    List<Checksums.Malformed> malformed, Map<String, String> published,
                                    java.util.function.Predicate<String> judgedInvalid) {
        hashed = now.size();
        this.foreign = foreign.stream().sorted().map(p -> Redact.text(p, 300)).toList();
        this.malformed = malformed.stream().map(m -> "line " + m.line() + ": \"" + m.shown() + "\"").toList();
        java.util.Set<String> namedByMalformed = new java.util.HashSet<>();
        malformed.forEach(m -> namedByMalformed.add(m.path()));
        changed = new ArrayList<>();
        missingFiles = new ArrayList<>();
        added = new ArrayList<>();
        Map<Path, String> toAdd = new LinkedHashMap<>();
        compare(listed, now, missingFiles, changed);
        new TreeMap<>(now).forEach((path, sha) -> {
            // a file whose line is damaged is not listed anew as if it had never been: its bytes are not vouched for
            if (!listed.containsKey(path) && !sha.startsWith("unreadable") && Checksums.ownFile(path)
                    && !namedByMalformed.contains(path)) {
                String was = published.get(path);
                if (was != null && !was.equals(sha)) {
                    // its line gone, its bytes not those provenance.jsonl recorded as it took its name: changed
                    changed.add(path);
                } else if (!judgedInvalid.test(path)) {
                    // (a file the check judged invalid is not vouched for: it is listed above, and --repair sets it aside)
                    added.add(path);
                    toAdd.put(root.resolve(path), sha);
                }
            }
        });
        changed.sort(null);
        return toAdd;
    }

    /** --against: paths whose hashes differ, paths only the other list has, and paths only ours has. */
    void against(Path file, Map<String, String> ours, Map<String, String> theirs) {
        againstFile = file;
        differ = new ArrayList<>();
        theirsOnly = new ArrayList<>();
        oursOnly = new ArrayList<>();
        compare(theirs, ours, theirsOnly, differ);
        new TreeMap<>(ours).keySet().stream().filter(p -> !theirs.containsKey(p)).forEach(oursOnly::add);
    }

    /** In path order: each path of {@code reference} that {@code current} lacks, and each whose hash differs. */
    private static void compare(Map<String, String> reference, Map<String, String> current, List<String> missing,
                                List<String> different) {
        new TreeMap<>(reference).forEach((path, sha) -> {
            String other = current.get(path);
            if (other == null) {
                missing.add(path);
            } else if (!other.equals(sha)) {
                different.add(path);
            }
        });
    }

    /** The paths (relative to the data directory) whose hash changed since SHA256SUMS recorded it; none without --checksums. */
    List<String> changed() {
        return changed == null ? List.of() : changed;
    }

    /** Nothing changed or missing, nothing differs from the other list (or neither was asked for). */
    boolean clean() {
        return (changed == null || changed.isEmpty() && missingFiles.isEmpty() && foreign.isEmpty() && malformed.isEmpty())
                && (differ == null || differ.isEmpty() && theirsOnly.isEmpty() && oursOnly.isEmpty());
    }

    void json(Map<String, Object> json) {
        if (changed != null) {
            json.put("checksums_changed", changed);
            json.put("checksums_missing", missingFiles);
            json.put("checksums_added", added);
            json.put("checksums_foreign", foreign);
            json.put("checksums_malformed_lines", malformed);
        }
        if (differ != null) {
            json.put("against", againstFile.toString());
            json.put("against_differ", differ);
            json.put("against_missing", theirsOnly);
            json.put("against_extra", oursOnly);
        }
    }

    /**
     * This part of the report's text; {@code readOnly}: of a read-only data directory, so every item of each list
     * (no verify_report.json to see the rest in), and nothing added to SHA256SUMS.
     */
    void text(StringBuilder t, boolean readOnly) {
        if (changed != null) {
            t.append(String.format("Checksums: %d files hashed again against SHA256SUMS: %d changed, %d missing%s.%n",
                    hashed, changed.size(), missingFiles.size(),
                    added.isEmpty() ? "" : ", " + added.size() + " not listed before ("
                            + (readOnly ? "not added: the data directory is read-only" : "added now") + ")"));
            VerifyReport.section(t, "changed since they were recorded (SHA-256 differs)", changed, readOnly);
            VerifyReport.section(t, "listed in SHA256SUMS but missing", missingFiles, readOnly);
            VerifyReport.section(t, "lines of SHA256SUMS that name no file of this data directory (not opened, left as "
                    + "they are; remove them)", foreign.stream().map(p -> "\"" + p + "\"").toList(), readOnly);
            VerifyReport.section(t, "lines of SHA256SUMS that cannot be read (the files they name are not checked against "
                    + "them, nor listed again: compare them with provenance.jsonl's sha256, then mend or remove the lines)",
                    malformed, readOnly);
        }
        if (differ != null) {
            t.append(String.format("Against %s: %d differ, %d missing here, %d extra here.%n", againstFile,
                    differ.size(), theirsOnly.size(), oursOnly.size()));
            VerifyReport.section(t, "different from theirs", differ, readOnly);
            VerifyReport.section(t, "in their list, missing here", theirsOnly, readOnly);
            VerifyReport.section(t, "here, not in their list", oursOnly, readOnly);
        }
    }
}
