package avqa.downloader;

import java.util.List;
import java.util.Locale;

/**
 * The datasets the tool knows by name: where their annotations are published, which splits they
 * have, what each split's file is called, and the clip manifest that comes with them.
 */
public enum Dataset {

    /** MUSIC-AVQA v1 (GeWu-Lab): every video id is an internal name; the videos come from archives or mirrors. */
    MUSIC_AVQA("music-avqa", "https://raw.githubusercontent.com/GeWu-Lab/MUSIC-AVQA/main/data/json",
            List.of("train", "val", "test"), "avqa-%s.json", null, null),

    /**
     * MUSIC-AVQA-v2.0 (DragonLiu1995): the balanced QA files, which mix v1's internal names with
     * ~1,230 YouTube clips (some mirrored) listed in the additional-videos CSV.
     */
    MUSIC_AVQA_V2("music-avqa-v2", "https://raw.githubusercontent.com/DragonLiu1995/MUSIC-AVQA-v2.0/main/data",
            List.of("train", "test"), "balance_full_set/%s_balance.json", "MUSIC-AVQA-v2.0_additional_videos.csv",
            // the 1,040 added clips, cut to 60 s by the authors (linked from the v2.0 README); dl=1 gives the file
            "https://www.dropbox.com/s/ejb36sh6gzqwdhn/collect_new_set.rar?dl=1");

    private final String id;
    private final String baseUrl;
    private final List<String> splits;
    private final String annotationPattern;
    private final String manifest;
    private final String archiveUrl;

    Dataset(String id, String baseUrl, List<String> splits, String annotationPattern, String manifest, String archiveUrl) {
        this.archiveUrl = archiveUrl;
        this.id = id;
        this.baseUrl = baseUrl;
        this.splits = splits;
        this.annotationPattern = annotationPattern;
        this.manifest = manifest;
    }

    public static Dataset byId(String id) {
        for (Dataset d : values()) {
            if (d.id.equals(id.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new BadInputException("--dataset: '" + id + "' is not valid; expected music-avqa or music-avqa-v2");
    }

    public String id() {
        return id;
    }

    public String defaultBaseUrl() {
        return baseUrl;
    }

    public List<String> splits() {
        return splits;
    }

    /** A split's annotation file, relative to the base URL. */
    public String annotationPath(String split) {
        return String.format(annotationPattern, split);
    }

    /** The name the annotation file of a split has in {@code metadata/}. */
    public String annotationFile(String split) {
        String path = annotationPath(split);
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The authors' archive of the dataset's clips, or null. */
    public String archiveUrl() {
        return archiveUrl;
    }

    /** The clip manifest published with the dataset, relative to the base URL, or null. */
    public String manifestPath() {
        return manifest;
    }

    /**
     * One file to fetch into {@code metadata/}: its path relative to the base URL, the folder part of
     * that path, and the name it is kept under.
     */
    public record MetadataFile(String remotePath, String remoteDir, String localName) {
        static MetadataFile of(String remotePath) {
            int slash = remotePath.lastIndexOf('/');
            return new MetadataFile(remotePath, slash < 0 ? "" : remotePath.substring(0, slash),
                    remotePath.substring(slash + 1));
        }
    }

    /** Everything to fetch into {@code metadata/}: the chosen splits' annotations and the clip manifest. */
    public List<MetadataFile> metadataFiles(List<String> chosenSplits) {
        List<MetadataFile> files = new java.util.ArrayList<>();
        chosenSplits.forEach(s -> files.add(MetadataFile.of(annotationPath(s))));
        if (manifest != null) {
            files.add(MetadataFile.of(manifest));
        }
        return files;
    }
}
