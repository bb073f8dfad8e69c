package avqa.downloader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The verdict of {@code --verify} from the probes of every file: invalid and zero-size files, videos
 * without audio and audio without video, frames folders of the wrong size or with broken images,
 * annotated videos that are not complete (by the category of their failure record, or as set aside by --repair), and files no
 * annotation references; with --checksums, the files whose SHA-256 changed; with --against, what
 * differs from another lab's list ({@link ChecksumComparison}); as text and as {@code verify_report.json}.
 * With repair, invalid files go to {@code rejected/} ({@link VerifyRepair}).
 */
final class VerifyReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Workspace workspace;
    private final Map<Path, Verifier.Probe> probes;
    private final Set<Path> zeroSize;
    private final FailureRecords failures;
    private final Set<String> recorded;
    private final Set<String> referenced;

    private final Map<String, String> invalidVideos = new TreeMap<>();
    private final Map<String, String> invalidAudio = new TreeMap<>();
    private final Set<String> complete = new TreeSet<>();
    private final Set<String> allVideos = new TreeSet<>();
    private final Set<String> allAudio = new TreeSet<>();
    /** Names in videos/ or audio/ that are no id: no file of the dataset (neither checked nor paired). */
    private final Set<String> notIds = new TreeSet<>();
    private final Map<String, Double> videoSeconds = new TreeMap<>();
    private final Map<String, Double> containerSeconds = new TreeMap<>();

    private Map<String, Verifier.FrameFolder> frameFolders = Map.of();
    private final Map<String, String> badFrames = new TreeMap<>();
    private final List<String> framesWithoutVideo = new ArrayList<>();
    private double fps;

    private final ChecksumComparison sums = new ChecksumComparison();

    private final double padTo;
    private String progressDamage;

    VerifyReport(Workspace workspace, Map<Path, Verifier.Probe> probes, Set<Path> zeroSize, List<String> referenced,
                 FailureRecords failures, Set<String> recorded, double padTo) {
        this.padTo = padTo;
        this.workspace = workspace;
        this.probes = probes;
        this.zeroSize = zeroSize;
        this.failures = failures;
        this.recorded = recorded;
        this.referenced = new LinkedHashSet<>(referenced);
        judge();
    }

    private boolean isVideo(Path file) {
        return file.getParent().equals(workspace.videosDir());
    }

    private static String id(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    private void judge() {
        Set<String> validVideos = new TreeSet<>();
        Map<String, Double> videoSound = new TreeMap<>();
        Map<String, Double> audioSeconds = new TreeMap<>();
        probes.forEach((file, probe) -> {
            boolean video = isVideo(file);
            String id = id(file);
            (video ? allVideos : allAudio).add(id);
            if (!probe.valid()) {
                (video ? invalidVideos : invalidAudio).put(id, probe.problem());
            } else if (video) {
                validVideos.add(id);
                videoSound.put(id, probe.audioSeconds());
                videoSeconds.put(id, probe.videoSeconds());
                containerSeconds.put(id, probe.containerSeconds());
            } else {
                audioSeconds.put(id, probe.audioSeconds());
            }
        });
        for (Map.Entry<String, Double> a : audioSeconds.entrySet()) {
            Double expected = videoSound.get(a.getKey());
            if (expected != null && padTo > Padding.longest(expected, videoSeconds.get(a.getKey()),
                    containerSeconds.get(a.getKey()))) {
                // --pad-to: a shorter video's audio lasts the padded length
                expected = padTo;
            }
            if (expected != null && Math.abs(a.getValue() - expected)
                    > MediaValidator.TOLERANCE_SECONDS + MediaValidator.TOLERANCE_RATIO * expected) {
                invalidAudio.put(a.getKey(), String.format("lasts %.2f s, the video's sound %.2f s", a.getValue(), expected));
            }
        }
        for (Path p : zeroSize) {
            (isVideo(p) ? allVideos : allAudio).add(id(p));
        }
        for (String id : validVideos) {
            if (audioSeconds.containsKey(id) && !invalidAudio.containsKey(id)) {
                complete.add(id);
            }
        }
    }

    /** Files in videos/ or audio/ whose names are no id: listed among the files no annotation references. */
    void namedAsNoId(Set<Path> files) {
        for (Path p : files) {
            notIds.add(id(p));
        }
    }

    /**
     * Whether the check found the video complete: its video and its audio valid, and (with --checksums) neither changed
     * since SHA256SUMS recorded it.
     */
    boolean isComplete(String id) {
        return complete.contains(id) && !changedIds().contains(id);
    }

    /** Whether the file at this path (videos/… or audio/…, in the data directory) was judged invalid or is empty. */
    boolean judgedInvalid(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        String id = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        return path.startsWith("videos/") ? invalidVideos.containsKey(id) || zeroSize.stream().anyMatch(p -> isVideo(p)
                && id(p).equals(id))
                : path.startsWith("audio/") && (invalidAudio.containsKey(id) || zeroSize.stream().anyMatch(p -> !isVideo(p)
                && id(p).equals(id)));
    }

    /** Whether the check judged one of its files invalid (not merely missing, or not checked), or found it changed. */
    boolean isInvalid(String id) {
        return invalidVideos.containsKey(id) || invalidAudio.containsKey(id)
                || zeroSize.stream().anyMatch(p -> id(p).equals(id)) || changedIds().contains(id);
    }

    /** Whether the video's frames folder, if it has one, is whole: none of its images broken, as many as its length asks. */
    boolean framesWhole(String id) {
        return !badFrames.containsKey(id);
    }

    /** The videos whose video or audio --checksums found changed since SHA256SUMS recorded them (none without it). */
    private Set<String> changedIds() {
        Set<String> ids = new TreeSet<>();
        for (String changed : sums.changed()) {
            Path p = workspace.root().resolve(changed).normalize();
            Path parent = p.getParent();
            if (parent != null && (parent.equals(workspace.videosDir()) || parent.equals(workspace.audioDir()))
                    && p.getFileName().toString().lastIndexOf('.') > 0) {
                ids.add(id(p));
            }
        }
        return ids;
    }

    /**
     * The frames folders: each holds as many images as its video's length × FPS (within one), or, with
     * --pad-to, that many padded up to the padded length; every image whole; none without its video.
     */
    void frames(Map<String, Verifier.FrameFolder> folders, double fps, double padTo, boolean reference) {
        this.frameFolders = folders;
        this.fps = fps;
        folders.forEach((id, folder) -> {
            Double seconds = videoSeconds.get(id);
            if (!allVideos.contains(id)) {
                framesWithoutVideo.add(id);
            } else if (!folder.broken().isEmpty()) {
                badFrames.put(id, folder.broken().size() + " broken: " + String.join(", ",
                        folder.broken().stream().limit(3).toList()));
            } else if (fps > 0 && seconds != null && seconds > 0) {
                // by the rule Frames.check applies
                double expected = seconds * fps;
                long padded = padTo > 0 ? Math.round(padTo * fps) : 0;
                boolean right = Frames.fits(folder.count(), seconds, containerSeconds.getOrDefault(id, 0.0), fps, reference)
                        || padded > expected && folder.count() == padded;
                if (!right) {
                    badFrames.put(id, String.format(java.util.Locale.ROOT, "%d frames for %.2f s at %s fps",
                            folder.count(), seconds, Frames.number(fps)));
                }
            }
        });
        java.util.Collections.sort(framesWithoutVideo);
    }

    /** What is wrong with {@code download_progress.json} (null: nothing): a problem found, the files checked without it. */
    void progressDamage(String problem) {
        this.progressDamage = problem;
    }

    /** --checksums and --against, their part of this report. */
    ChecksumComparison checksums() {
        return sums;
    }

    Verifier.Report write(boolean repair, boolean stopped, List<String> unchecked, String coverage) {
        List<String> zero = zeroSize.stream().map(p -> workspace.root().relativize(p).toString()).sorted().toList();
        List<String> videoWithoutAudio = allVideos.stream().filter(id -> !allAudio.contains(id)).toList();
        List<String> audioWithoutVideo = allAudio.stream().filter(id -> !allVideos.contains(id)).toList();
        Map<String, Integer> missingByCategory = new TreeMap<>();
        for (String id : referenced) {
            if (!isComplete(id)) {
                // its failure's category; else what --repair set aside of it, which the next run makes again; else a file
                // of it this check found invalid or changed (listed above)
                String category = failures.category(id);
                String setAside = category == null ? VerifyRepair.setAside(workspace, id) : null;
                missingByCategory.merge(category != null ? category : setAside != null ? setAside
                        : isInvalid(id) ? "invalid (listed above: --repair sets it aside, and the next run makes it again)"
                        : "not attempted yet", 1, Integer::sum);
            }
        }
        Set<String> unreferenced = new TreeSet<>(allVideos);
        unreferenced.addAll(allAudio);
        unreferenced.removeAll(referenced);
        unreferenced.addAll(notIds);

        long completeReferenced = referenced.stream().filter(this::isComplete).count();
        // frames asked (--frames) or made (metadata/outputs.json): a complete video without its folder lacks them
        List<String> framesMissing = fps > 0 ? complete.stream().filter(this::isComplete)
                .filter(id -> !frameFolders.containsKey(id)).sorted().toList() : List.of();
        boolean clean = framesMissing.isEmpty() && invalidVideos.isEmpty() && invalidAudio.isEmpty() && zero.isEmpty()
                && videoWithoutAudio.isEmpty() && audioWithoutVideo.isEmpty() && badFrames.isEmpty()
                && framesWithoutVideo.isEmpty() && sums.clean() && unchecked.isEmpty() && progressDamage == null;
        boolean completeDataset = completeReferenced == referenced.size();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data_dir", workspace.root().toString());
        json.put("referenced", referenced.size());
        json.put("complete", completeReferenced);
        json.put("invalid_videos", invalidVideos);
        json.put("invalid_audio", invalidAudio);
        json.put("zero_size_files", zero);
        json.put("videos_without_audio", videoWithoutAudio);
        json.put("audio_without_video", audioWithoutVideo);
        json.put("not_complete_by_category", missingByCategory);
        json.put("unreferenced", new ArrayList<>(unreferenced));
        json.put("not_checked", unchecked);
        if (progressDamage != null) {
            json.put("progress_file_damaged", progressDamage);
        }
        if (!frameFolders.isEmpty() || fps > 0) {
            json.put("frames_folders", frameFolders.size());
            json.put("videos_without_frames", framesMissing);
            json.put("frames_fps", fps);
            json.put("invalid_frames", badFrames);
            json.put("frames_without_video", framesWithoutVideo);
        }
        sums.json(json);
        json.put("dataset_complete", clean && completeDataset);

        StringBuilder t = new StringBuilder();
        t.append(String.format("Verified %s: %d of %d annotated videos complete.%n", workspace.root(),
                completeReferenced, referenced.size()));
        if (recorded != null) {
            // the database says which videos the cluster completed; the files say which are really here
            List<String> notHere = referenced.stream().filter(id -> recorded.contains(id) && !complete.contains(id))
                    .sorted().toList();
            long recordedComplete = referenced.stream().filter(recorded::contains).count();
            json.put("cluster_recorded_complete", recordedComplete);
            json.put("cluster_recorded_but_not_valid_here", notHere);
            t.append(String.format("Cluster record (database): %d of %d annotated videos complete.%n",
                    recordedComplete, referenced.size()));
            list(t, "recorded complete in the database but not valid in this data directory", notHere);
        }
        if (progressDamage != null) {
            t.append("  the record of complete videos cannot be read: ").append(progressDamage)
                    .append(" (a run refuses to start with it; the files were checked without it)\n");
        }
        list(t, "not checked (their ffprobe was stopped or killed; run --verify again)", unchecked);
        list(t, "invalid videos", invalidVideos.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList());
        list(t, "invalid audio", invalidAudio.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList());
        list(t, "zero-size files", zero);
        list(t, "videos without audio", videoWithoutAudio);
        list(t, "audio without video", audioWithoutVideo);
        if (!frameFolders.isEmpty() || fps > 0) {
            // a folder listed below as broken or of the wrong size is not counted
            long videosWithFrames = frameFolders.keySet().stream().filter(this::isComplete).filter(this::framesWhole).count();
            t.append(String.format("Frames: %d of %d complete videos have their frames folder whole%s.%n", videosWithFrames,
                    complete.stream().filter(this::isComplete).count(), fps > 0 ? " (" + Frames.number(fps) + " fps)" : ""));
        }
        list(t, "frames folders of the wrong size or with broken images", badFrames.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")").toList());
        list(t, "frames folders without their video", framesWithoutVideo);
        list(t, "complete videos without their frames folder (a run with --frames " + Frames.number(fps)
                + " makes it from the video)", framesMissing);
        sums.text(t, workspace.readOnly());
        // the count in the header is of videos, as in every other section, not of categories
        section(t, "annotated but not complete, by category",
                missingByCategory.values().stream().mapToInt(Integer::intValue).sum(),
                missingByCategory.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList(), workspace.readOnly());
        list(t, "files no annotation references", new ArrayList<>(unreferenced));

        if (repair && stopped) {
            t.append("Repair skipped: the check was stopped before it finished.\n");
        } else if (repair && !unchecked.isEmpty()) {
            // a video not judged would count as missing: its audio and frames would be set aside as orphans
            t.append(String.format("Repair skipped: %d files could not be checked; run --verify --repair again.%n",
                    unchecked.size()));
        } else if (repair) {
            List<Path> moved = repair();
            json.put("repaired", moved.stream().map(Path::toString).toList());
            t.append(String.format("Repair: moved %d files to %s; the next run fetches or extracts them again.%n",
                    moved.size(), workspace.root().resolve("rejected")));
        }
        t.append(coverage);
        if (workspace.readOnly()) {
            Path at = workspace.readOnlyAt();
            t.append("Report not written: ").append(at).append(" is on a read-only file system, so this report is not "
                    + "kept as verify_report.json ").append(at.equals(workspace.root()) ? "there"
                    : "in " + workspace.root() + " either: a copy read-only in part is only read")
                    .append(" (every item is listed above)\n");
        } else {
            try {
                AtomicFiles.write(workspace.root().resolve("verify_report.json"),
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            t.append("Report written to ").append(workspace.root().resolve("verify_report.json")).append('\n');
        }
        return new Verifier.Report(t.toString(), json, clean && completeDataset ? 0 : 1);
    }

    private List<Path> repair() {
        Set<String> framesAside = new TreeSet<>(badFrames.keySet());
        framesAside.addAll(framesWithoutVideo);
        // with --checksums, a file whose bytes changed since they were recorded (cut short, overwritten) goes too,
        // though it may still read: a frame changed takes its folder with it
        Set<Path> aside = new LinkedHashSet<>(zeroSize);
        for (String changed : sums.changed()) {
            Path p = workspace.root().resolve(changed).normalize();
            if (changed.startsWith("frames/") && changed.split("/").length >= 3) {
                framesAside.add(changed.split("/")[1]);
            } else if (p.startsWith(workspace.root()) && Files.isRegularFile(p)) {
                aside.add(p);
            }
        }
        return new VerifyRepair(workspace).moveAside(probes.keySet(),
                file -> (isVideo(file) ? invalidVideos : invalidAudio).containsKey(id(file)), invalidAudio.keySet(),
                aside, framesAside);
    }

    /** A section of this report: every item when there is no verify_report.json to see the rest in. */
    private void list(StringBuilder t, String title, List<String> items) {
        section(t, title, items, workspace.readOnly());
    }

    /** A section of the report: its first 50 items ({@code all}: every item), the rest in verify_report.json. */
    static void section(StringBuilder t, String title, List<String> items, boolean all) {
        section(t, title, items.size(), items, all);
    }

    /** A section whose header counts {@code count} (the videos its items add up to). */
    static void section(StringBuilder t, String title, int count, List<String> items, boolean all) {
        if (items.isEmpty()) {
            return;
        }
        t.append(String.format("  %s (%d):%n", title, count));
        // a file's name is the file system's (or another lab's list's): shown escaped, so that it cannot move the
        // terminal's cursor, colour it, turn text around or start a line of its own
        items.stream().limit(all ? Long.MAX_VALUE : 50).forEach(i -> t.append("    ").append(Redact.text(i, 4000)).append('\n'));
        if (!all && items.size() > 50) {
            t.append(String.format("    … and %d more (see verify_report.json)%n", items.size() - 50));
        }
    }
}
