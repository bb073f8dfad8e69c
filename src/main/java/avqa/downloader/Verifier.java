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
 * this bean lists the files (and counts each frames folder) and judges each probe; with
 * {@code --checksums} it hashes every file again; {@link VerifyReport} turns the verdicts into the
 * report (with {@code --against}, compared with another lab's SHA256SUMS), and {@code --repair} moves
 * invalid files to {@code rejected/}.
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
    record Probe(boolean valid, double audioSeconds, double videoSeconds, String problem, double containerSeconds) {
    }

    /** One {@code frames/<id>/} folder: how many images, and those that are empty or not whole images. */
    record FrameFolder(int count, List<String> broken) {
    }

    private final Workspace workspace;
    private final RunControl run;
    /** The names frames were made under (the recorded pattern, else this run's). */
    private final String framesPattern;
    private final AnnotationReader annotations;
    private final Dataset dataset;
    private final List<String> splits;
    private final FailureRecords failures;
    private final Checksums checksums;
    private final double fps;
    private final double padTo;
    /** The frames were taken as the reference script takes them ({@code -r FPS}): two more than length x FPS. */
    private final boolean referenceFrames;

    private CoverageLines coverage = (valid, invalid, framesWhole) -> "";
    private ClusterRecord cluster;
    /** What is wrong with download_progress.json (a run would refuse it); null when nothing is. */
    private String progressDamage;
    private final Map<Path, Probe> probes = new ConcurrentHashMap<>();
    /** Each readable file's first audio stream: its sample rate and channels. */
    private final Map<Path, Sound> sounds = new ConcurrentHashMap<>();

    /** A file's first audio stream: its sample rate and channels. */
    record Sound(int rate, int channels) {
    }
    /** Files whose ffprobe was stopped or killed: not judged, and no repair while any is. */
    private final List<String> unchecked = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Set<Path> zeroSize = ConcurrentHashMap.newKeySet();
    /** Files whose names are no id (a name not even UTF-8, say): no video of the dataset, neither checked nor moved. */
    private final Set<Path> notIds = ConcurrentHashMap.newKeySet();
    private final Map<String, FrameFolder> frameFolders = new ConcurrentHashMap<>();
    private final Map<String, String> rehashed = new ConcurrentHashMap<>();
    private volatile Map<String, String> listed = Map.of();
    /** The size of each file when it took its name, from provenance.jsonl (by its path in the data directory). */
    private volatile Map<String, Long> published = Map.of();
    /** The paths SHA256SUMS lists that name no file of this data directory: never opened, left as they are. */
    private volatile List<String> foreign = List.of();

    /**
     * @param fps    the frames' rate (this run's, else the one recorded with the files; 0 for none known)
     * @param padTo  --pad-to, for the number of frames a padded folder holds
     */
    public Verifier(Workspace workspace, RunControl run, AnnotationReader annotations, Dataset dataset,
                    List<String> splits, FailureRecords failures, Checksums checksums, double fps, double padTo,
                    boolean referenceFrames, String framesPattern) {
        this.referenceFrames = referenceFrames;
        this.framesPattern = framesPattern;
        this.workspace = workspace;
        this.run = run;
        this.annotations = annotations;
        this.dataset = dataset;
        this.splits = splits;
        this.failures = failures;
        this.checksums = checksums;
        this.fps = fps;
        this.padTo = padTo;
    }

    /** The length the frames were padded to (-1: as the audio's, {@code padTo}). */
    private double framesPadTo = -1;

    /**
     * The length the frames folders were padded to, when it is not the audio's: a run without --pad-to that made the
     * audio again unpadded keeps the frames made padded, and records each as it is (metadata/outputs.json).
     */
    void framesPadTo(double seconds) {
        this.framesPadTo = seconds;
    }

    /** The sample rate and channels every audio file is made with (0: as the source's; -1: not known, not checked). */
    private int audioRate;
    private int audioChannels;

    /**
     * The sample rate and channels the data set's audio files are made with ({@code --audio-rate},
     * {@code --audio-channels}, else as {@code metadata/outputs.json} records them; 0: the source's, held to the video's;
     * -1: not known, outputs.json damaged, not checked): a WAV
     * of another rate or channels (one a run stopped half-way through making them again left, or one put in its place)
     * is not a complete video's audio.
     */
    void audioShape(int rate, int channels) {
        this.audioRate = rate;
        this.audioChannels = channels;
    }

    /** On a cluster: the database's record of complete videos, for the cluster-wide picture. */
    public void clusterRecordFrom(ClusterRecord record) {
        this.cluster = record;
    }

    /** What is wrong with {@code download_progress.json}, for the report (null: nothing). */
    void progressDamage(String problem) {
        this.progressDamage = problem;
    }

    /**
     * The coverage lines of the report, from what the check found: the videos complete ({@code valid}) and those with a
     * file judged invalid, and whose frames folder is whole ({@code framesWhole}: none judged broken or of the wrong
     * size).
     */
    interface CoverageLines {
        String of(java.util.function.Predicate<String> valid, java.util.function.Predicate<String> invalid,
                  java.util.function.Predicate<String> framesWhole);
    }

    /** Where the coverage report comes from (the planner, once it planned). */
    void coverageFrom(CoverageLines report) {
        this.coverage = report;
    }

    /**
     * Every non-empty file under {@code videos/} and {@code audio/}, to be probed; zero-size ones are
     * noted; every frames folder is counted and its images checked to be whole (JPEG and PNG by their
     * first and last bytes).
     */
    public List<Check> inventory() {
        probes.clear();
        sounds.clear();
        unchecked.clear();
        zeroSize.clear();
        notIds.clear();
        frameFolders.clear();
        rehashed.clear();
        published = Provenance.publishedBytes(Provenance.fileIn(workspace));
        List<Check> checks = new ArrayList<>();
        collect(workspace.videosDir(), workspace.videoExt(), true, checks);
        collect(workspace.audioDir(), workspace.audioExt(), false, checks);
        for (String id : workspace.framesPresent()) {
            if (VideoIdRules.isSafe(id)) {
                frameFolders.put(id, frameFolder(workspace.frames(id), framesPattern));
            }
        }
        return checks;
    }

    /**
     * A folder of frames named by {@code pattern} (its %d from 1; null, or a pattern without one: the names are not
     * checked). Each frame is a whole image; with names checked, a file named otherwise is no frame, and a frame missing
     * between others is a gap the count alone misses. A folder or other non-file in it is named.
     */
    static FrameFolder frameFolder(Path dir, String pattern) {
        try {
            java.util.regex.Pattern names = frameNames(pattern);
            List<String> broken = new ArrayList<>();
            java.util.TreeSet<Integer> numbers = new java.util.TreeSet<>();
            int frames = 0;
            for (Path f : Frames.list(dir)) {
                String name = f.getFileName().toString();
                String shown = dir.getFileName() + "/" + Redact.text(name, 100);
                if (!Files.isRegularFile(f)) {
                    broken.add(shown + (Files.isDirectory(f) ? "/ (a folder among the frames)" : " (not a file)"));
                    continue;
                }
                Integer n = names == null ? null : frameNumber(names, pattern, name);
                if (names != null && n == null) {
                    broken.add(shown + " (not a frame: not named as " + Redact.text(pattern, 100) + ")");
                    continue;
                }
                frames++;
                if (n != null) {
                    numbers.add(n);
                }
                if (!FrameImages.whole(f)) {
                    broken.add(shown);
                }
            }
            if (broken.isEmpty() && !numbers.isEmpty()) {
                for (int i = 1; i <= numbers.last(); i++) {
                    if (!numbers.contains(i)) {
                        broken.add(dir.getFileName() + "/ lacks " + Redact.text(String.format(java.util.Locale.ROOT, pattern, i),
                                100) + " (frames missing between others)");
                        break;
                    }
                }
            }
            return new FrameFolder(frames, broken);
        } catch (IOException e) {
            return new FrameFolder(0, List.of(dir.getFileName() + " (" + FileTrees.describe(e) + ")"));
        }
    }

    /** The names a pattern with one %d (%06d, %4d) gives, as a regular expression; null for another pattern. */
    private static java.util.regex.Pattern frameNames(String pattern) {
        java.util.regex.Matcher m = pattern == null ? null
                : java.util.regex.Pattern.compile("%0?[1-9]?d").matcher(pattern);
        if (m == null || !m.find() || pattern.indexOf('%', m.end()) >= 0 || pattern.lastIndexOf('%', m.start() - 1) >= 0) {
            return null;
        }
        try {
            String.format(java.util.Locale.ROOT, pattern, 1);
        } catch (java.util.IllegalFormatException notOne) {
            return null; // %0d, say: no name comes from it, and the count alone is judged
        }
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(pattern.substring(0, m.start())) + "([0-9]{1,9})"
                + java.util.regex.Pattern.quote(pattern.substring(m.end())));
    }

    /** The frame's number when the pattern gives exactly this name for it, else null. */
    private static Integer frameNumber(java.util.regex.Pattern names, String pattern, String name) {
        java.util.regex.Matcher m = names.matcher(name);
        if (!m.matches()) {
            return null;
        }
        int n = Integer.parseInt(m.group(1));
        return n >= 1 && String.format(java.util.Locale.ROOT, pattern, n).equals(name) ? n : null;
    }

    /**
     * With --checksums: every file SHA256SUMS lists and every file in place (videos, audio, frames), to
     * be hashed again; without, none.
     */
    public List<Path> checksumFiles(@Variable("checksums") boolean asked) {
        Map<String, String> all = Checksums.read(checksums.file());
        foreign = all.keySet().stream().filter(p -> !Checksums.ownFile(p)).toList();
        all.keySet().removeAll(foreign);
        listed = all;
        if (!asked) {
            return List.of();
        }
        Set<String> names = new java.util.TreeSet<>(listed.keySet());
        for (Path f : workspace.completeFiles()) {
            names.add(workspace.root().relativize(f).toString());
        }
        return names.stream().map(workspace.root()::resolve).toList();
    }

    /** Hashes one file again (a file not there is left out: the report calls it missing). */
    public void rehash(@Body Path file) {
        if (run.isStopping() || !Files.isRegularFile(file)) {
            return;
        }
        try {
            rehashed.put(workspace.root().relativize(file).toString(), Checksums.sha256(file));
        } catch (IOException e) {
            // unreadable: reported as changed
            rehashed.put(workspace.root().relativize(file).toString(), "unreadable: " + FileTrees.describe(e));
        }
    }

    private void collect(Path dir, String ext, boolean video, List<Check> checks) {
        if (Files.notExists(dir)) {
            return; // a read-only copy may lack a folder a run would have made: nothing in it
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith("." + ext)) {
                    continue;
                }
                if (!VideoIdRules.isSafe(name.substring(0, name.length() - ext.length() - 1))) {
                    // no run wrote it, and no run would fetch it again: listed as a file no annotation references
                    notIds.add(f);
                } else if (!Files.isRegularFile(f)) {
                    // a folder, a pipe or a link to nothing under a final name: invalid, so --repair sets it aside
                    // and the next run fetches the video again
                    probes.put(f, new Probe(false, 0, 0, "it is not a file but "
                            + (Files.isDirectory(f) ? "a folder" : FileTrees.special(f)), 0));
                } else if (Files.size(f) == 0) {
                    zeroSize.add(f);
                } else {
                    checks.add(new Check(name.substring(0, name.length() - ext.length() - 1), video, f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The judgement of one file so far (null: not judged). */
    Probe judged(Path file) {
        return probes.get(file);
    }

    /** Judges one ffprobe report. */
    public void record(@Variable("check") Check check, @Body ExecResult result) {
        String out = FailureClassifier.text(result.getStdout());
        if (result.getExitValue() != 0 && run.isStopping()) {
            return; // stopped, not checked: never judged invalid
        }
        if (FailureClassifier.KILLED.contains(result.getExitValue())) {
            // ffprobe ran out of time (avqa.extract.timeout) or was killed (the OOM killer): the file is not
            // judged, and never moved aside for it
            // a file name as anyone may have written it: its control characters made visible
            String shown = Redact.text(workspace.root().relativize(check.file()).toString(), 300);
            org.slf4j.LoggerFactory.getLogger("avqa.verify").warn("ffprobe was stopped (exit {}) while it checked {}: "
                    + "not judged; run --verify again", result.getExitValue(), shown);
            unchecked.add(shown);
            return;
        }
        if (result.getExitValue() != 0) {
            probes.put(check.file(), new Probe(false, 0, 0, "not a readable media file", 0));
            return;
        }
        try {
            JsonNode report = JSON.readTree(out);
            Sound sound = firstSound(report);
            if (sound != null) {
                sounds.put(check.file(), sound);
            }
            String shape;
            double video = MediaValidator.streamSeconds(report, "video");
            double audio = MediaValidator.streamSeconds(report, "audio");
            if (check.video() && (video <= 0 || audio <= 0)) {
                probes.put(check.file(), new Probe(false, 0, 0, video <= 0 ? "no video stream" : "no audio stream", 0));
            } else if (!check.video() && audio <= 0) {
                probes.put(check.file(), new Probe(false, 0, 0, "no audio stream", 0));
            } else if (!check.video() && (shape = otherShape(report)) != null) {
                probes.put(check.file(), new Probe(false, 0, 0, shape, 0));
            } else {
                String changed = changedSinceItTookItsName(check.file());
                probes.put(check.file(), changed != null ? new Probe(false, 0, 0, changed, 0)
                        : new Probe(true, audio, video, null, report.path("format").path("duration").asDouble(0)));
            }
        } catch (IOException e) {
            probes.put(check.file(), new Probe(false, 0, 0, "ffprobe gave no report", 0));
        }
    }

    /** How an audio file's first audio stream differs from the rate and channels asked; null when it does not. */
    private String otherShape(JsonNode report) {
        Sound sound = firstSound(report);
        if (sound == null) {
            return null;
        }
        if (audioRate > 0 && sound.rate() != audioRate) {
            return sound.rate() + " Hz, not the " + audioRate + " Hz the audio is made at (--audio-rate, metadata/outputs.json)";
        }
        if (audioChannels > 0 && sound.channels() != audioChannels) {
            return sound.channels() + " channels, not the " + audioChannels + " the audio is made with (--audio-channels, "
                    + "metadata/outputs.json)";
        }
        return null;
    }

    private static Sound firstSound(JsonNode report) {
        for (JsonNode s : report.path("streams")) {
            if ("audio".equals(s.path("codec_type").asText())) {
                return new Sound(s.path("sample_rate").asInt(0), s.path("channels").asInt(0));
            }
        }
        return null;
    }

    /**
     * Audio made at the source's rate or channels (neither --audio-rate/--audio-channels nor metadata/outputs.json sets
     * them) has its video's: a WAV of another (one left by a run that made the audio again at the source's rate, stopped
     * half-way, or one put in its place) is not that video's audio. Only for formats that keep the rate and channels as
     * they are given (WAV, FLAC); judged once both files were probed.
     */
    private void judgeAgainstTheSource() {
        String ext = workspace.audioExt();
        if ((audioRate != 0 && audioChannels != 0) || !(ext.equals("wav") || ext.equals("flac"))) {
            return;
        }
        for (Map.Entry<Path, Probe> e : probes.entrySet()) {
            Path file = e.getKey();
            if (!e.getValue().valid() || !file.getParent().equals(workspace.audioDir())) {
                continue;
            }
            String name = file.getFileName().toString();
            Path video = workspace.videosDir().resolve(name.substring(0, name.lastIndexOf('.')) + "." + workspace.videoExt());
            Probe videoProbe = probes.get(video);
            Sound source = sounds.get(video);
            Sound made = sounds.get(file);
            if (videoProbe == null || !videoProbe.valid() || source == null || made == null) {
                continue;
            }
            String problem = null;
            if (audioRate == 0 && source.rate() > 0 && made.rate() != source.rate()) {
                problem = made.rate() + " Hz, not the " + source.rate() + " Hz of its video's sound (the audio is made "
                        + "at the source's rate: no --audio-rate, none in metadata/outputs.json)";
            } else if (audioChannels == 0 && source.channels() > 0 && made.channels() != source.channels()) {
                problem = made.channels() + " channels, not the " + source.channels() + " of its video's sound (the "
                        + "audio is made with the source's channels: no --audio-channels, none in metadata/outputs.json)";
            }
            if (problem != null) {
                e.setValue(new Probe(false, 0, 0, problem, 0));
            }
        }
    }

    /**
     * Why a file that reads as valid media is still not the one recorded: its size is not the one it had when
     * it took its name. (Another video put in its place otherwise passes, and its audio, whose length then
     * differs from that video's sound, would be blamed instead.) Null when it is, or nothing was recorded.
     */
    private String changedSinceItTookItsName(Path file) {
        Long was = published.get(workspace.root().relativize(file).toString());
        if (was == null) {
            return null;
        }
        try {
            long size = Files.size(file);
            return size == was ? null : String.format("%d bytes, not the %d it had when it took its name "
                    + "(metadata/provenance.jsonl): changed or replaced since", size, was);
        } catch (IOException e) {
            return null; // gone meanwhile: the report lists what is there
        }
    }

    /**
     * The report; with {@code repair}, invalid and zero-size files are moved to {@code rejected/}; with
     * {@code checksums}, the files hashed again are compared with SHA256SUMS (and files it did not list
     * are added to it); with {@code against}, SHA256SUMS is compared with another lab's list.
     */
    public Report report(@Variable("repair") boolean repair, @Variable("checksums") boolean asked,
                         @Variable("against") String against) {
        judgeAgainstTheSource();
        VerifyReport r = new VerifyReport(workspace, probes, zeroSize, referencedIds(), failures,
                cluster == null ? null : cluster.completeIds(), padTo);
        r.frames(frameFolders, fps, framesPadTo < 0 ? padTo : framesPadTo, referenceFrames);
        r.namedAsNoId(notIds);
        if (asked && !run.isStopping()) {
            Map<Path, String> added = r.checksums().againstListed(workspace.root(), listed, rehashed, foreign,
                    Checksums.malformed(checksums.file()), Provenance.publishedHashes(Provenance.fileIn(workspace)),
                    r::judgedInvalid);
            if (!added.isEmpty() && !workspace.readOnly()) {
                checksums.add(added);
            }
        }
        if (against != null) {
            Map<String, String> ours = new java.util.TreeMap<>(listed);
            if (asked) {
                ours.keySet().retainAll(rehashed.keySet());
                ours.putAll(rehashed);
            }
            r.checksums().against(Path.of(against), ours, Checksums.readList(Path.of(against)));
        }
        r.progressDamage(progressDamage);
        Report report = r.write(repair, run.isStopping(), new ArrayList<>(unchecked), coverage.of(r::isComplete, r::isInvalid,
                r::framesWhole));
        if (repair) {
            checksums.forget();
            checksums.compact();
        }
        return report;
    }

    /**
     * Before any file is checked: without the annotation files, and without the list of their ids a run left
     * ({@code metadata/video_ids.json}), there is nothing to check the videos against; refused in one line saying what
     * to do (exit 2).
     */
    public void requireAnnotations() {
        List<String> missing = AnnotationReader.missing(workspace.metadataDir(), dataset, splits);
        if (!missing.isEmpty() && !Files.isRegularFile(idList())) {
            throw new BadInputException(new AnnotationReader.Missing(workspace.metadataDir(), missing).forVerify(workspace.readOnly()));
        }
    }

    private Path idList() {
        return workspace.metadataDir().resolve("video_ids.json");
    }

    /** The annotated ids: {@code metadata/video_ids.json} if a run wrote it, else the annotation files. */
    private List<String> referencedIds() {
        Path ids = idList();
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
