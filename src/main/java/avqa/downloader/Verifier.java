package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.exec.ExecResult;

/**
 * {@code --verify}: what the data directory really holds. The route probes every file with ffprobe;
 * this bean lists the files, judges each probe, and writes the report: invalid and zero-size files,
 * videos without audio and audio without video, annotated videos that are not complete (by the
 * category of their failure record), and files no annotation references. {@code --repair} moves
 * invalid files to {@code rejected/}, so the next run fetches or extracts them again.
 */
public final class Verifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file to probe. */
    public record Check(String id, boolean video, Path file) {
        /** The path as text (Camel would read a Path's content when asked for a String). */
        public String path() {
            return file.toString();
        }
    }

    /** The verdict, as printed and as {@code verify_report.json}. */
    public record Report(String text, Map<String, Object> json, int exitCode) {
    }

    private record Probe(boolean valid, double audioSeconds, String problem) {
    }

    private final Workspace workspace;
    private final RunControl run;
    private final AnnotationPlanner annotations;
    private final Dataset dataset;
    private final List<String> splits;
    private final FailureRecords failures;
    private final String videoExt;
    private final String audioExt;

    private java.util.function.Supplier<String> coverage = () -> "";
    private ClusterRecord cluster;
    private final Map<Path, Probe> probes = new ConcurrentHashMap<>();
    private final Set<Path> zeroSize = ConcurrentHashMap.newKeySet();

    public Verifier(Workspace workspace, RunControl run, AnnotationPlanner annotations, Dataset dataset,
                    List<String> splits, FailureRecords failures, String videoExt, String audioExt) {
        this.workspace = workspace;
        this.run = run;
        this.annotations = annotations;
        this.dataset = dataset;
        this.splits = splits;
        this.failures = failures;
        this.videoExt = videoExt;
        this.audioExt = audioExt;
    }

    /** Where the coverage report comes from (the planner, once it planned). */
    /** On a cluster: the database's record of complete videos, for the cluster-wide picture. */
    void clusterRecordFrom(ClusterRecord record) {
        this.cluster = record;
    }

    void coverageFrom(java.util.function.Supplier<String> report) {
        this.coverage = report;
    }

    /** Every non-empty file under {@code videos/} and {@code audio/}, to be probed; zero-size ones are noted. */
    public List<Check> inventory() {
        probes.clear();
        zeroSize.clear();
        List<Check> checks = new ArrayList<>();
        collect(workspace.videosDir(), videoExt, true, checks);
        collect(workspace.audioDir(), audioExt, false, checks);
        return checks;
    }

    private void collect(Path dir, String ext, boolean video, List<Check> checks) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith("." + ext)) {
                    continue;
                }
                if (Files.size(f) == 0) {
                    zeroSize.add(f);
                } else {
                    checks.add(new Check(name.substring(0, name.length() - ext.length() - 1), video, f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Judges one ffprobe report. */
    public void record(@ExchangeProperty("avqaCheck") Check check, @Body ExecResult result) {
        String out = ToolOutcome.text(result.getStdout());
        if (result.getExitValue() != 0 && run.isStopping()) {
            return; // stopped, not checked: never judged invalid
        }
        if (result.getExitValue() != 0) {
            probes.put(check.file(), new Probe(false, 0, "not a readable media file"));
            return;
        }
        try {
            JsonNode report = JSON.readTree(out);
            double video = MediaValidator.streamSeconds(report, "video");
            double audio = MediaValidator.streamSeconds(report, "audio");
            if (check.video() && (video <= 0 || audio <= 0)) {
                probes.put(check.file(), new Probe(false, 0, video <= 0 ? "no video stream" : "no audio stream"));
            } else if (!check.video() && audio <= 0) {
                probes.put(check.file(), new Probe(false, 0, "no audio stream"));
            } else {
                probes.put(check.file(), new Probe(true, audio, null));
            }
        } catch (IOException e) {
            probes.put(check.file(), new Probe(false, 0, "ffprobe gave no report"));
        }
    }

    /** The report; with {@code repair}, invalid and zero-size files are moved to {@code rejected/}. */
    public Report report(@Header("avqaRepair") boolean repair) {
        List<String> referenced = referencedIds();
        Set<String> referencedSet = new LinkedHashSet<>(referenced);
        Map<String, String> invalidVideos = new TreeMap<>();
        Map<String, String> invalidAudio = new TreeMap<>();
        Set<String> validVideos = new TreeSet<>();
        Map<String, Double> videoSound = new TreeMap<>();
        Map<String, Double> audioSeconds = new TreeMap<>();
        Set<String> allVideos = new TreeSet<>();
        Set<String> allAudio = new TreeSet<>();
        probes.forEach((file, probe) -> {
            String name = file.getFileName().toString();
            boolean video = file.getParent().equals(workspace.videosDir());
            String id = name.substring(0, name.lastIndexOf('.'));
            (video ? allVideos : allAudio).add(id);
            if (!probe.valid()) {
                (video ? invalidVideos : invalidAudio).put(id, probe.problem());
            } else if (video) {
                validVideos.add(id);
                videoSound.put(id, probe.audioSeconds());
            } else {
                audioSeconds.put(id, probe.audioSeconds());
            }
        });
        for (Map.Entry<String, Double> a : audioSeconds.entrySet()) {
            Double expected = videoSound.get(a.getKey());
            if (expected != null && Math.abs(a.getValue() - expected)
                    > MediaValidator.TOLERANCE_SECONDS + MediaValidator.TOLERANCE_RATIO * expected) {
                invalidAudio.put(a.getKey(), String.format("lasts %.2f s, the video's sound %.2f s", a.getValue(), expected));
            }
        }
        List<String> zero = zeroSize.stream().map(p -> workspace.root().relativize(p).toString()).sorted().toList();
        for (Path p : zeroSize) {
            String name = p.getFileName().toString();
            (p.getParent().equals(workspace.videosDir()) ? allVideos : allAudio).add(name.substring(0, name.lastIndexOf('.')));
        }
        Set<String> complete = new TreeSet<>();
        for (String id : validVideos) {
            if (audioSeconds.containsKey(id) && !invalidAudio.containsKey(id)) {
                complete.add(id);
            }
        }
        List<String> videoWithoutAudio = allVideos.stream().filter(id -> !allAudio.contains(id)).toList();
        List<String> audioWithoutVideo = allAudio.stream().filter(id -> !allVideos.contains(id)).toList();
        Map<String, Integer> missingByCategory = new TreeMap<>();
        for (String id : referencedSet) {
            if (!complete.contains(id)) {
                String category = failures.category(id);
                missingByCategory.merge(category == null ? "not attempted yet" : category, 1, Integer::sum);
            }
        }
        Set<String> unreferenced = new TreeSet<>(allVideos);
        unreferenced.addAll(allAudio);
        unreferenced.removeAll(referencedSet);

        long completeReferenced = referencedSet.stream().filter(complete::contains).count();
        boolean clean = invalidVideos.isEmpty() && invalidAudio.isEmpty() && zero.isEmpty()
                && videoWithoutAudio.isEmpty() && audioWithoutVideo.isEmpty();
        boolean completeDataset = completeReferenced == referencedSet.size();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data_dir", workspace.root().toString());
        json.put("referenced", referencedSet.size());
        json.put("complete", completeReferenced);
        json.put("invalid_videos", invalidVideos);
        json.put("invalid_audio", invalidAudio);
        json.put("zero_size_files", zero);
        json.put("videos_without_audio", videoWithoutAudio);
        json.put("audio_without_video", audioWithoutVideo);
        json.put("not_complete_by_category", missingByCategory);
        json.put("unreferenced", new ArrayList<>(unreferenced));
        json.put("dataset_complete", clean && completeDataset);
        Set<String> recorded = cluster == null ? null : cluster.completeIds();
        if (recorded != null) {
            // the database says which videos the cluster completed; the files say which are really here
            json.put("cluster_recorded_complete", referencedSet.stream().filter(recorded::contains).count());
            json.put("cluster_recorded_but_not_valid_here", referencedSet.stream()
                    .filter(id -> recorded.contains(id) && !complete.contains(id)).sorted().toList());
        }

        StringBuilder t = new StringBuilder();
        t.append(String.format("Verified %s: %d of %d annotated videos complete.%n", workspace.root(),
                completeReferenced, referencedSet.size()));
        if (recorded != null) {
            t.append(String.format("Cluster record (database): %s of %d annotated videos complete.%n",
                    json.get("cluster_recorded_complete"), referencedSet.size()));
            @SuppressWarnings("unchecked")
            List<String> notHere = (List<String>) json.get("cluster_recorded_but_not_valid_here");
            section(t, "recorded complete in the database but not valid in this data directory", notHere);
        }
        section(t, "invalid videos", invalidVideos.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList());
        section(t, "invalid audio", invalidAudio.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList());
        section(t, "zero-size files", zero);
        section(t, "videos without audio", videoWithoutAudio);
        section(t, "audio without video", audioWithoutVideo);
        section(t, "annotated but not complete, by category", missingByCategory.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).toList());
        section(t, "files no annotation references", new ArrayList<>(unreferenced));

        if (repair && run.isStopping()) {
            t.append("Repair skipped: the check was stopped before it finished.\n");
        } else if (repair) {
            List<Path> moved = new ArrayList<>();
            probes.forEach((file, probe) -> {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.lastIndexOf('.'));
                boolean video = file.getParent().equals(workspace.videosDir());
                if ((video ? invalidVideos : invalidAudio).containsKey(id)) {
                    moved.add(setAside(file));
                }
            });
            invalidAudio.keySet().stream().map(id -> workspace.audioDir().resolve(id + "." + audioExt))
                    .filter(p -> Files.exists(p) && !moved.contains(p)).forEach(p -> moved.add(setAside(p)));
            zeroSize.forEach(p -> moved.add(setAside(p)));
            json.put("repaired", moved.stream().map(Path::toString).toList());
            t.append(String.format("Repair: moved %d files to %s; the next run fetches or extracts them again.%n",
                    moved.size(), workspace.root().resolve("rejected")));
        }
        try {
            AtomicFiles.write(workspace.root().resolve("verify_report.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        t.append(coverage.get());
        t.append("Report written to ").append(workspace.root().resolve("verify_report.json")).append('\n');
        return new Report(t.toString(), json, clean && completeDataset ? 0 : 1);
    }

    private static void section(StringBuilder t, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        t.append(String.format("  %s (%d):%n", title, items.size()));
        items.stream().limit(50).forEach(i -> t.append("    ").append(i).append('\n'));
        if (items.size() > 50) {
            t.append(String.format("    … and %d more (see verify_report.json)%n", items.size() - 50));
        }
    }

    private Path setAside(Path file) {
        try {
            Path rejected = workspace.root().resolve("rejected");
            Files.createDirectories(rejected);
            Path target = rejected.resolve(file.getFileName());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + file + " aside", e);
        }
    }

    /** The annotated ids: {@code metadata/video_ids.json} if a run wrote it, else the annotation files. */
    private List<String> referencedIds() {
        Path ids = workspace.metadataDir().resolve("video_ids.json");
        if (Files.isRegularFile(ids)) {
            try {
                List<String> out = new ArrayList<>();
                JSON.readTree(ids.toFile()).path("all_ids").forEach(n -> out.add(n.asText()));
                return out;
            } catch (IOException e) {
                // fall back to the annotations
            }
        }
        return annotations.plan(workspace.metadataDir(), dataset, splits).allIds();
    }
}
