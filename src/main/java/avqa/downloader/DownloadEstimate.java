package avqa.downloader;

import avqa.downloader.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rough size of what a run would still download, for {@code --doctor}: from the annotations (and
 * the v2.0 CSV, and any --manifest) already in the data directory's metadata/, without the network and
 * without the data directory's lock. Every video or clip still missing is counted at about
 * {@link #BYTES_PER_VIDEO} (60 s at 480p or less, with its WAV), plus room for each worker's download
 * in progress ({@link #WORK_BYTES_PER_WORKER}: a clip's whole YouTube source is fetched before it is cut).
 *
 * @param missing        videos and clips not in videos/ yet, that have a source
 * @param youtube        how many of them come from YouTube
 * @param downloads      the downloads they need (clips of one source share one)
 * @param bytes          the estimate, in bytes
 * @param absent         videos and clips not in videos/ yet, with a source or not (an archive may have them)
 * @param datasetClips   of those, the clips of the dataset's own clip list (what its archive provides)
 */
public record DownloadEstimate(int missing, int youtube, int downloads, long bytes, int absent, int datasetClips) {

    static final long BYTES_PER_VIDEO = 20L << 20;
    static final long WORK_BYTES_PER_WORKER = 200L << 20;

    /** The estimate, or null when metadata/ does not have the annotations yet. */
    public static DownloadEstimate of(Settings settings) {
        Path data = settings.dataDir();
        Path metadata = data.resolve("metadata");
        Dataset dataset = settings.dataset();
        for (String split : settings.splits()) {
            if (!Files.isRegularFile(metadata.resolve(dataset.annotationFile(split)))) {
                return null;
            }
        }
        List<String> ids = new AnnotationReader(false).read(metadata, dataset, settings.splits()).allIds();
        VideoIdRules rules = new VideoIdRules(settings.get("avqa.source.url-template"));
        VideoIdRules clipRules = new VideoIdRules(settings.get("avqa.source.clip-url-template"));
        Map<String, Manifest.Entry> clips = new LinkedHashMap<>();
        Set<String> datasetClipIds = new HashSet<>();
        if (dataset.manifestPath() != null) {
            Path csv = metadata.resolve(Path.of(dataset.manifestPath()).getFileName());
            if (Files.isRegularFile(csv)) {
                clips.putAll(Manifest.read(csv, clipRules).clips());
                datasetClipIds.addAll(clips.keySet());
            }
        }
        for (Path m : settings.files("avqa.manifests")) {
            clips.putAll(Manifest.read(m, clipRules).clips());
        }
        Set<String> wanted = new HashSet<>(ids);
        wanted.addAll(clips.keySet());
        String ext = settings.get("avqa.video-format");
        int missing = 0;
        int youtube = 0;
        int absent = 0;
        int datasetClips = 0;
        Set<String> downloads = new HashSet<>();
        for (String id : wanted) {
            if (!VideoIdRules.isSafe(id) || Files.exists(data.resolve("videos").resolve(id + "." + ext))) {
                continue;
            }
            absent++;
            datasetClips += datasetClipIds.contains(id) ? 1 : 0;
            Manifest.Entry clip = clips.get(id);
            String url = clip != null ? clip.url() : rules.resolve(id).url();
            if (url == null) {
                continue;
            }
            missing++;
            youtube += VideoIdRules.isYoutubeUrl(url) ? 1 : 0;
            downloads.add(clip != null ? clip.sourceKey() : id);
        }
        long bytes = missing * BYTES_PER_VIDEO + (missing == 0 ? 0 : settings.getInt("avqa.workers") * WORK_BYTES_PER_WORKER);
        return new DownloadEstimate(missing, youtube, downloads.size(), bytes, absent, datasetClips);
    }

    /** The estimate of a plan made: its downloads, and the videos or clips they make. */
    public static DownloadEstimate of(List<VideoTask> plan, int workers) {
        int missing = 0;
        int youtube = 0;
        int downloads = 0;
        for (VideoTask t : plan) {
            if (t.state() != VideoTask.State.DOWNLOAD || t.url() == null) {
                continue;
            }
            int made = t.clips().isEmpty() ? 1 : t.clips().size();
            downloads++;
            missing += made;
            youtube += VideoIdRules.isYoutubeUrl(t.url()) ? made : 0;
        }
        long bytes = missing * BYTES_PER_VIDEO + (missing == 0 ? 0 : workers * WORK_BYTES_PER_WORKER);
        return new DownloadEstimate(missing, youtube, downloads, bytes, missing, 0);
    }

    /** {@code 1.2 GiB}, {@code 340.0 MiB}: as the archive lines say sizes. */
    public static String human(long bytes) {
        return ArchiveFetch.human(bytes);
    }
}
