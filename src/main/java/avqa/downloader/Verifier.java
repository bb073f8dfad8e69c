package avqa.downloader;

import avqa.downloader.cluster.ClusterRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.apache.camel.component.exec.ExecResult;

/**
 * {@code --verify}: what the data directory really holds. The route probes every file with ffprobe;
 * this bean lists the files and judges each probe; {@link VerifyReport} turns the verdicts into the
 * report, and {@code --repair} moves invalid files to {@code rejected/}.
 */
public final class Verifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file to probe. */
    public record Check(String id, boolean video, Path file) {
    }

    /** The verdict, as printed and as {@code verify_report.json}. */
    public record Report(String text, Map<String, Object> json, int exitCode) {
    }

    /** What ffprobe said of one file. */
    record Probe(boolean valid, double audioSeconds, String problem) {
    }

    private final Workspace workspace;
    private final RunControl run;
    private final AnnotationReader annotations;
    private final Dataset dataset;
    private final List<String> splits;
    private final FailureRecords failures;

    private java.util.function.Supplier<String> coverage = () -> "";
    private ClusterRecord cluster;
    private final Map<Path, Probe> probes = new ConcurrentHashMap<>();
    private final Set<Path> zeroSize = ConcurrentHashMap.newKeySet();

    public Verifier(Workspace workspace, RunControl run, AnnotationReader annotations, Dataset dataset,
                    List<String> splits, FailureRecords failures) {
        this.workspace = workspace;
        this.run = run;
        this.annotations = annotations;
        this.dataset = dataset;
        this.splits = splits;
        this.failures = failures;
    }

    /** On a cluster: the database's record of complete videos, for the cluster-wide picture. */
    public void clusterRecordFrom(ClusterRecord record) {
        this.cluster = record;
    }

    /** Where the coverage report comes from (the planner, once it planned). */
    void coverageFrom(java.util.function.Supplier<String> report) {
        this.coverage = report;
    }

    /** Every non-empty file under {@code videos/} and {@code audio/}, to be probed; zero-size ones are noted. */
    public List<Check> inventory() {
        probes.clear();
        zeroSize.clear();
        List<Check> checks = new ArrayList<>();
        collect(workspace.videosDir(), workspace.videoExt(), true, checks);
        collect(workspace.audioDir(), workspace.audioExt(), false, checks);
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
    public void record(@Variable("check") Check check, @Body ExecResult result) {
        String out = FailureClassifier.text(result.getStdout());
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
    public Report report(@Variable("repair") boolean repair) {
        VerifyReport r = new VerifyReport(workspace, probes, zeroSize, referencedIds(), failures,
                cluster == null ? null : cluster.completeIds());
        return r.write(repair, run.isStopping(), coverage.get());
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
        return annotations.read(workspace.metadataDir(), dataset, splits).allIds();
    }
}
