package avqa.downloader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the annotations (and clip manifests) into the run's plan. Whole videos become one task
 * each; clips are grouped by their source, so a source that several clips come from is downloaded
 * once. Complete videos are recognised from the progress record and the files on disk, without any
 * request; videos whose last failure was permanent are not requested again unless asked. A task is
 * looked at again when it is dispatched by {@link DispatchRecheck}.
 */
public final class VideoPlanner {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.plan");

    private final AnnotationReader annotations;
    private final VideoIdRules rules;
    private final VideoIdRules clipSources;
    private final ProgressBook progress;
    private final Workspace workspace;
    private final FailureRecords failures;
    private final Dataset dataset;
    private final List<String> splits;
    private final List<Path> manifests;
    private final boolean retryPermanent;
    private final OutputSettings outputs;
    private final boolean framesOn;
    private volatile Coverage coverage = new Coverage();
    private volatile List<VideoTask> lastPlan = List.of();
    private volatile Set<String> planned = Set.of();
    /** The videos the last plan found here, needing only their audio or frames made from them. */
    private volatile Set<String> onlyOutputs = Set.of();

    /**
     * Whether the last plan found this video here, needing only its audio or frames made from it: an archive's entry
     * of it is not taken (it replaced the video here, and its provenance, with a copy of the archive's).
     */
    public boolean needsOnlyOutputs(String id) {
        return onlyOutputs.contains(id);
    }

    /** The clips of the dataset's own list (its archive provides them) the last plan found not complete. */
    private volatile List<String> datasetClipsIncomplete = List.of();
    private volatile int completeCount;

    public VideoPlanner(AnnotationReader annotations, VideoIdRules rules, VideoIdRules clipSources,
                        ProgressBook progress, Workspace workspace,
                        FailureRecords failures, Dataset dataset, List<String> splits, List<Path> manifests,
                        boolean retryPermanent, OutputSettings outputs, boolean framesOn) {
        this.annotations = annotations;
        this.rules = rules;
        this.clipSources = clipSources;
        this.progress = progress;
        this.workspace = workspace;
        this.failures = failures;
        this.dataset = dataset;
        this.splits = splits;
        this.manifests = manifests;
        this.retryPermanent = retryPermanent;
        this.outputs = outputs;
        this.framesOn = framesOn;
    }

    /** The coverage of the last plan. */
    public Coverage coverage() {
        return coverage;
    }

    /** How many videos of the last plan were complete already (they are not in the plan's task list). */
    public int completeCount() {
        return completeCount;
    }

    public int plannedVideos() {
        return coverage.groups().values().stream().mapToInt(List::size).sum();
    }

    public List<VideoTask> plan() {
        AnnotationReader.VideoIds ids;
        try {
            ids = annotations.read(workspace.metadataDir(), dataset, splits);
        } catch (AnnotationReader.Missing e) {
            // only --verify plans without fetching them first: it says what to do
            throw new BadInputException(e.forVerify(workspace.readOnly()), e);
        } catch (BadInputException e) {
            throw new BadInputException(e.getMessage() + " (this copy is in " + workspace.metadataDir()
                    + "; once the source is fixed, run with --refresh-metadata to fetch it again)", e);
        }
        // questions that name no video (a null "video_id"): one line a file, on every run; the rest is planned
        ids.passedOver().forEach(said -> LOG.warn("{}", said));
        annotations.write(ids, workspace.metadataDir().resolve("video_ids.json"));

        Map<String, Manifest.Entry> clips = new LinkedHashMap<>();
        Set<String> datasetClips = new java.util.HashSet<>();
        if (dataset.manifestPath() != null) {
            Path published = workspace.metadataDir().resolve(Path.of(dataset.manifestPath()).getFileName());
            if (Files.isRegularFile(published)) {
                clips.putAll(Manifest.read(published, clipSources).clips());
                datasetClips.addAll(clips.keySet());
            }
        }
        Set<String> wanted = new LinkedHashSet<>(ids.allIds());
        Set<String> referenced = new LinkedHashSet<>(ids.allIds());
        for (Path m : manifests) {
            Map<String, Manifest.Entry> given = Manifest.read(m, clipSources).clips();
            firstGiven(m, given, clips);
            wanted.addAll(given.keySet());
        }
        CompletionRules completion = new CompletionRules(progress, failures, retryPermanent, framesOn, outputs, workspace);

        Coverage cov = new Coverage();
        List<VideoTask> tasks = new ArrayList<>();
        Map<String, SourcePlan> bySource = new LinkedHashMap<>();
        int[] counts = new int[VideoTask.State.values().length];
        // of the UNAVAILABLE: ids that can be no file's name, and ids clashing in case (said apart from "without a source")
        int invalidIds = 0;
        int caseClashes = 0;
        List<String> incompleteDatasetClips = new ArrayList<>();
        List<String> videoHere = new ArrayList<>();
        CaseClashes cases = new CaseClashes(workspace.caseInsensitive());
        Set<String> conflicted = new java.util.HashSet<>();
        for (String id : wanted) {
            // taken out as it is used: a manifest of a million rows is not held twice over
            Manifest.Entry entry = clips.remove(id);
            VideoTask task;
            String group;
            String clash = cases.clashWith(id);
            if (clash != null) {
                conflicted.add(id);
                cov.add(id, Coverage.CASE_CONFLICT, referenced.contains(id));
                caseClashes++;
                tasks.add(VideoTask.unavailable(id, VideoFailure.CASE_CONFLICT, CaseClashes.reason(clash)));
                continue;
            }
            if (entry != null) {
                group = entry.clip().flip() ? Coverage.flipGroup(entry.url()) : Jobs.sourceGroup(entry.url());
                task = completion.task(id, VideoTask.download(id, entry.url()));
                if (task.state() == VideoTask.State.DOWNLOAD) {
                    String source = cases.sourceName(entry.sourceKey());
                    SourcePlan plan = bySource.computeIfAbsent(source, k -> new SourcePlan());
                    plan.url = entry.url();
                    plan.clips.add(entry.clip());
                    counts[VideoTask.State.DOWNLOAD.ordinal()]++;
                    cov.add(id, group, referenced.contains(id));
                    if (datasetClips.contains(id) && !entry.clip().flip()) {
                        incompleteDatasetClips.add(id);
                    }
                    continue;
                }
            } else {
                VideoTask resolved = rules.resolve(id);
                task = completion.task(id, resolved);
                group = resolved.state() == VideoTask.State.UNAVAILABLE
                        ? (VideoFailure.INVALID_ID.equals(resolved.category()) ? Coverage.INVALID_ID : Coverage.NO_SOURCE)
                        : rules.isYoutube() ? Coverage.YOUTUBE : Coverage.MIRROR;
            }
            cov.add(id, group, referenced.contains(id));
            if (task.state() == VideoTask.State.UNAVAILABLE && VideoFailure.INVALID_ID.equals(task.category())) {
                invalidIds++;
            } else {
                counts[task.state().ordinal()]++;
            }
            if (task.state() != VideoTask.State.COMPLETE) {
                // complete videos need no message at all: a rerun over a finished dataset is a plan and a count
                tasks.add(task);
            }
            if (task.state() == VideoTask.State.EXTRACT_AUDIO || task.state() == VideoTask.State.EXTRACT_FRAMES) {
                videoHere.add(id);
            }
        }
        bySource.forEach((key, source) -> tasks.add(VideoTask.ofClips(key, source.url, List.copyOf(source.clips))));
        coverage = cov;
        lastPlan = List.copyOf(tasks);
        wanted.removeAll(conflicted);
        planned = wanted;
        datasetClipsIncomplete = List.copyOf(incompleteDatasetClips);
        onlyOutputs = Set.copyOf(videoHere);
        completeCount = counts[VideoTask.State.COMPLETE.ordinal()];
        if (completion.remade() > 0) {
            // the videos made again are no longer complete: on disk before the new settings are recorded
            progress.snapshot();
        }
        outputs.planned(completion.remade());
        LOG.info("Planned {} ({} referenced by {} {}): {} complete, {} need only audio{}, {} to download "
                        + "({}), {} without a source{}, {} failed permanently before (not requested again{})",
                Shown.count(wanted.size(), "video", "videos"), referenced.size(), dataset.id(), splits, counts[VideoTask.State.COMPLETE.ordinal()],
                counts[VideoTask.State.EXTRACT_AUDIO.ordinal()], framesOn
                        ? ", " + counts[VideoTask.State.EXTRACT_FRAMES.ordinal()] + " need only frames" : "",
                counts[VideoTask.State.DOWNLOAD.ordinal()],
                Shown.count(tasks.stream().filter(t -> t.state() == VideoTask.State.DOWNLOAD).count(), "download",
                        "downloads"),
                counts[VideoTask.State.UNAVAILABLE.ordinal()],
                (invalidIds > 0 ? ", " + invalidIds + " with an invalid id" : "")
                        + (caseClashes > 0 ? ", " + caseClashes + " clashing in letter case with another" : ""),
                counts[VideoTask.State.FAILED_BEFORE.ordinal()],
                retryPermanent ? "" : " without --retry-permanent");
        if (completion.elsewhereBefore() > 0) {
            LOG.info("{} failed permanently before {} asked for again: their source URL is not the one they "
                    + "failed at (a --source-url-template or a manifest changed since)",
                    Shown.count(completion.elsewhereBefore(), "video that", "videos that"),
                    completion.elsewhereBefore() == 1 ? "is" : "are");
        }
        return tasks;
    }

    /** Whether the plan has this video (an archive entry of another name is not imported). */
    public boolean isPlanned(String id) {
        return planned.contains(id);
    }

    /**
     * How many clips of the dataset's own clip list (its archive provides them) are still not complete: of those the
     * plan needed, as they are now (an archive given here may have provided them since).
     */
    public int clipsIncomplete() {
        return (int) datasetClipsIncomplete.stream().filter(id -> !isComplete(id)).count();
    }

    /** The tasks of the last plan, for plan.json. */
    public List<VideoTask> lastPlan() {
        return lastPlan;
    }

    /** A video is complete when both its files are in place and its completion was recorded. */
    public boolean isComplete(String id) {
        return progress.isComplete(id) && workspace.isComplete(id);
    }

    /**
     * Whether a video counts as complete for the coverage report once the plan has run: the plan has
     * already dropped the progress record of any video whose files are missing, and the routes
     * record a video only after its files are in place, so the record alone answers (no look-up).
     */
    public boolean isRecordedComplete(String id) {
        return progress.isComplete(id);
    }

    /** A download being planned: its URL and the clips cut from it (most sources have one: a list sized for one). */
    private static final class SourcePlan {
        private String url;
        private final List<Clip> clips = new ArrayList<>(1);
    }

    /**
     * A manifest's clips, but for those an earlier manifest (or the dataset's own) gives otherwise: the first
     * holds, and one warning a manifest counts them and names the first (the last one read used to win silently).
     */
    private static void firstGiven(Path manifest, Map<String, Manifest.Entry> given, Map<String, Manifest.Entry> clips) {
        int differ = 0;
        String first = null;
        for (Map.Entry<String, Manifest.Entry> e : given.entrySet()) {
            Manifest.Entry earlier = clips.putIfAbsent(e.getKey(), e.getValue());
            if (earlier != null && !earlier.equals(e.getValue())) {
                differ++;
                first = first == null ? e.getKey() : first;
            }
        }
        if (differ > 0) {
            LOG.warn("{}: {} of its clips {} given otherwise by an earlier manifest (the first: {}); the earlier rows hold",
                    Redact.text(manifest.getFileName().toString(), 200), differ, differ == 1 ? "is" : "are", first);
        }
    }
}
