package avqa.downloader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the files of the data directory were made with (audio format, rate, channels, padding; frames'
 * rate, names and padding), kept in {@code metadata/outputs.json}. When a run asks for other outputs
 * (say {@code --profile music-avqa-reference} over a dataset made at the source's rate), the plan takes
 * every complete video as needing its audio and frames made again from its video, without any
 * request, so the dataset never mixes two formats, and records the new settings at once: a run
 * stopped half-way finishes the rest next time, as videos whose completion is not recorded. A data
 * directory without the file was made at the source's rate, without frames. A check (--verify,
 * --dry-run) changes nothing; --dry-run plans as the run would (those videos need their audio made again),
 * --verify checks the files as they are.
 */
public final class OutputSettings {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.plan");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FPS = "frames_fps";

    private final Path file;
    private final boolean readOnly;
    /** --verify: the files are checked as they are, whatever this run would make of them. */
    private final boolean asTheyAre;
    private final Map<String, String> audio = new LinkedHashMap<>();
    private final Map<String, String> frames = new LinkedHashMap<>();
    private Map<String, String> before;

    public OutputSettings(Workspace workspace, String audioFormat, String rate, String channels, String padTo,
                          String fps, String pattern, boolean referenceFrames, boolean readOnly, boolean asTheyAre) {
        this.file = workspace.metadataDir().resolve("outputs.json");
        this.readOnly = readOnly;
        this.asTheyAre = asTheyAre;
        audio.put("audio_format", audioFormat);
        audio.put("audio_rate", rate);
        audio.put("audio_channels", channels);
        audio.put("audio_pad_to", padTo);
        frames.put(FPS, fps);
        frames.put("frames_pattern", fps.isEmpty() ? "" : pattern);
        frames.put("frames_pad_to", fps.isEmpty() ? "" : padTo);
        if (referenceFrames && !fps.isEmpty()) {
            // recorded only when not the default, so that frames made before this setting are not made again
            frames.put("frames_method", "reference");
        }
    }

    private synchronized Map<String, String> before() {
        if (before == null) {
            before = new LinkedHashMap<>();
            // made by a version that did not record it: the source's rate and channels, no padding, no frames
            before.put("audio_format", audio.get("audio_format"));
            if (Files.exists(file)) {
                String problem = null;
                try {
                    com.fasterxml.jackson.databind.JsonNode read = JSON.readTree(file.toFile());
                    if (read == null || !read.isObject()) {
                        problem = "not a JSON object";
                    } else {
                        for (var e : (Iterable<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>) read::fields) {
                            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                                problem = "its " + Redact.text(e.getKey(), 60) + " is not a value";
                                break;
                            }
                            before.put(e.getKey(), e.getValue().asText());
                        }
                    }
                } catch (IOException e) {
                    problem = Files.isDirectory(file) ? "a folder, not a file" : "not JSON";
                }
                if (problem != null) {
                    damaged = true;
                    before.clear();
                    before.put("audio_format", "unknown");
                    if (framesMade()) {
                        // kept as not known by a run without --frames, so that the next with it makes them again
                        before.put(FPS, "unknown");
                    }
                    // what the files were made with is not known: a run makes them again, a check leaves the rate alone
                    LOG.warn("metadata/outputs.json, which records what the audio and frames were made with, cannot be "
                            + "read ({}): {}", problem, asTheyAre
                            ? "the audio's rate and channels are not checked (give --audio-rate and --audio-channels to "
                              + "check them)"
                            : readOnly ? "a run makes the audio of every complete video again from its video"
                              + (frames.get(FPS).isEmpty() ? "" : ", and its frames")
                            : "the audio" + (frames.get(FPS).isEmpty() ? "" : " and frames") + " of every complete video "
                              + (frames.get(FPS).isEmpty() ? "is" : "are") + " made again from its video, without any "
                              + "request, and the file is written anew" + (frames.get(FPS).isEmpty() && framesMade()
                              ? " (the frames folders here are made again by the next run with --frames)" : ""));
                }
            }
        }
        return before;
    }

    /**
     * Whether metadata/outputs.json records what the files were made with: a data directory without it (made by a
     * version that did not write it, or copied without its metadata/) is taken as made at the source's rate by a run,
     * but a check does not hold its audio to that.
     */
    public boolean recordedHere() {
        return Files.isRegularFile(file) && !unknown();
    }

    /** Whether the data directory has a frames folder with anything in it. */
    private boolean framesMade() {
        Path dir = file.getParent().getParent().resolve("frames");
        try (var listed = Files.list(dir)) {
            return listed.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** metadata/outputs.json could not be read: what the files were made with is not known. */
    private boolean damaged;

    /** Whether what the files were made with is not known (metadata/outputs.json damaged): nothing is checked against it. */
    public synchronized boolean unknown() {
        before();
        return damaged;
    }

    /** The videos whose frames, in place and recorded with this run's settings, stay as they are when their audio is made again. */
    private final java.util.Set<String> framesKept = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The plan found this video's frames recorded complete, with this run's settings: its audio may be made again without them. */
    void keepFramesOf(String id) {
        framesKept.add(id);
    }

    /**
     * Whether a video whose audio is made again keeps its frames: only those the plan found recorded complete
     * with this run's settings (a folder the run did not record, say one a kill left before its records, is
     * made again).
     */
    public boolean keepsFramesOf(String id) {
        return framesKept.contains(id);
    }

    /** A value recorded by the run that made the files ("" when none was). */
    public String recorded(String key) {
        return before().getOrDefault(key, "");
    }

    /** Whether the audio of complete videos was made otherwise than this run asks. */
    public boolean audioChanged() {
        return !asTheyAre && changed(audio);
    }

    /**
     * Whether frames were made, otherwise than this run asks (a run without --frames leaves them; frames
     * never made are only missing, see {@link CompletionRules}).
     */
    public boolean framesChanged() {
        return !asTheyAre && !frames.get(FPS).isEmpty() && (unknown() || !recorded(FPS).isEmpty() && changed(frames));
    }

    private boolean changed(Map<String, String> now) {
        Map<String, String> b = before();
        for (Map.Entry<String, String> e : now.entrySet()) {
            if (!e.getValue().equals(b.getOrDefault(e.getKey(), ""))) {
                return true;
            }
        }
        return false;
    }

    /**
     * After a plan: says what is made again and why, and records this run's settings as those the files
     * are made with (a run without --frames keeps the frames' record as it was).
     */
    void planned(int remade) {
        if (readOnly) {
            // --dry-run, --verify: nothing is made or recorded, but what a run with these settings would do is said
            boolean framesOtherwise = !frames.get(FPS).isEmpty() && !recorded(FPS).isEmpty() && changed(frames);
            if (Files.isRegularFile(file) && !unknown() && (changed(audio) || framesOtherwise)) {
                LOG.info("The files were made with other settings ({}) than these ({}): a run with them makes the audio{} "
                        + "of every complete video again from its video, without any request", before(), now(),
                        frames.get(FPS).isEmpty() ? "" : " and frames");
            }
            return;
        }
        if (remade > 0) {
            LOG.info("The files were made with other settings ({}) than this run's ({}): the audio{} of {} complete "
                    + "videos are made again from their videos, without any request", before(), now(),
                    frames.get(FPS).isEmpty() ? "" : " and frames", remade);
        }
        Map<String, String> all = now();
        if (all.equals(before())) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
            synchronized (this) {
                before = all;
                damaged = false;
            }
        } catch (IOException e) {
            LOG.warn("Could not write {}: {}", file, e.getMessage());
        }
    }

    private Map<String, String> now() {
        Map<String, String> all = new LinkedHashMap<>(audio);
        if (frames.get(FPS).isEmpty()) {
            before().forEach((k, v) -> {
                if (k.startsWith("frames_")) {
                    all.put(k, v);
                }
            });
        } else {
            all.putAll(frames);
        }
        return all;
    }
}
