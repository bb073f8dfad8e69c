package avqa.downloader;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The data directory's layout: where each kind of file lives, which videos have their files in
 * place, and the start-of-run tidy-up of what an interrupted write-then-rename left behind. Only
 * validated files are ever put under {@code videos/} and {@code audio/} ({@link Publisher} does it).
 */
public final class Workspace {

    private final Path root;
    private final String videoExt;
    private final String audioExt;
    private volatile boolean caseInsensitive;
    /** Where it is read-only, when --verify checks it as a read-only copy (null: it is not). */
    private volatile Path readOnlyAt;

    public Workspace(Path root, String videoExt, String audioExt) {
        this.root = root;
        this.videoExt = videoExt;
        this.audioExt = audioExt;
    }

    public Path root() {
        return root;
    }

    /**
     * The data directory's own files that are appended to or written in place (not through a temporary file
     * renamed over them), and {@code runs/}: none may be a symbolic link, or a run would write where it points,
     * outside the data directory. Checked before anything is written ({@code logName}: this run's log file).
     */
    void refuseLinks(String logName) {
        // the work area and rejected/ too: the work area is emptied at every start, and a folder in it named as a video
        // was taken and removed as that video's, through a link anywhere else
        for (String name : List.of(".lock", "SHA256SUMS", logName, ".download_progress.journal",
                "metadata/provenance.jsonl", "runs", ".partial", "rejected")) {
            refuseLink(root.resolve(name));
        }
    }

    /**
     * The data directory's own files, each of which must be a file where it is there at all: a folder (or a pipe, a
     * device) in the place of one, made by hand or by a copy gone wrong, is refused before anything is read or written,
     * in one line naming it and what it keeps, rather than met half-way through a run as "this was not expected".
     */
    void refuseNonFiles(String logName) {
        java.util.Map<String, String> keeps = new java.util.LinkedHashMap<>();
        keeps.put(".lock", "the lock that keeps two runs apart");
        keeps.put("download_progress.json", "the record of complete videos");
        keeps.put(".download_progress.journal", "the journal of complete videos");
        keeps.put("SHA256SUMS", "the checksums of the files it made");
        keeps.put("failed_downloads.json", "the summary of failed videos");
        keeps.put("verify_report.json", "the report of --verify");
        keeps.put(logName, "its log");
        keeps.put("metadata/provenance.jsonl", "where each file came from");
        keeps.put("metadata/outputs.json", "what the audio and frames were made with");
        keeps.put("metadata/video_ids.json", "the annotated videos' ids");
        keeps.forEach((name, what) -> {
            Path file = root.resolve(name);
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(file)) {
                throw new BadInputException(Redact.text(file.toString(), 300) + " is " + (Files.isDirectory(file,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS) ? "a folder" : "not a regular file") + ", where avqa-downloader keeps "
                        + what + ": move it out of the data directory and run again");
            }
        });
    }

    /** A file of the data directory that is a symbolic link, refused in one line that says what to do. */
    static void refuseLink(Path file) {
        if (Files.isSymbolicLink(file)) {
            throw new BadInputException(Redact.text(file.toString(), 300) + " is a symbolic link: avqa-downloader "
                    + "never writes through a link in its data directory; remove it (or put the file it points to "
                    + "there instead) and run again");
        }
    }

    public Path metadataDir() {
        return root.resolve("metadata");
    }

    public Path videosDir() {
        return root.resolve("videos");
    }

    public Path audioDir() {
        return root.resolve("audio");
    }

    public Path failedDir() {
        return root.resolve("failed");
    }

    /** {@code frames/}: one folder of images per video (--frames). */
    public Path framesDir() {
        return root.resolve("frames");
    }

    public Path frames(String id) {
        return framesDir().resolve(checked(id));
    }

    /** Whether a video's frames are in place (a folder is only ever put there whole). */
    public boolean hasFrames(String id) {
        return VideoIdRules.isSafe(id) && Files.isDirectory(frames(id));
    }

    public String videoExt() {
        return videoExt;
    }

    public String audioExt() {
        return audioExt;
    }

    public Path video(String id) {
        return videosDir().resolve(checked(id) + "." + videoExt);
    }

    public Path audio(String id) {
        return audioDir().resolve(checked(id) + "." + audioExt);
    }

    /** Whether a video's file and its audio are both in place (only validated files are ever put there). */
    public boolean isComplete(String id) {
        return VideoIdRules.isSafe(id) && Files.isRegularFile(video(id)) && Files.isRegularFile(audio(id));
    }

    /**
     * The ids that have a file in {@code videos/} (or {@code audio/} when {@code audio}) under their
     * final name, from one listing of the folder that says which names are files ({@link RegularFiles}): a
     * plan over 100,000 videos reads two folders instead of making 200,000 file look-ups. Where that listing
     * cannot be had, from Java's, with a look at each name the cores share.
     */
    public Set<String> presentIds(boolean audio) {
        return presentIds(audio ? audioDir() : videosDir(), "." + (audio ? audioExt : videoExt));
    }

    /** Every file of the dataset in place: videos, audio, and the images of every frames folder. */
    public List<Path> completeFiles() {
        List<Path> out = new java.util.ArrayList<>();
        for (String id : presentIds(false)) {
            out.add(videosDir().resolve(id + "." + videoExt));
        }
        for (String id : presentIds(true)) {
            out.add(audioDir().resolve(id + "." + audioExt));
        }
        for (String id : framesPresent()) {
            if (VideoIdRules.isSafe(id) && Files.isDirectory(frames(id))) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(frames(id))) {
                    files.forEach(out::add);
                } catch (IOException e) {
                    throw new BadInputException("cannot read " + frames(id) + ": " + FileTrees.describe(e));
                }
            }
        }
        return out;
    }

    /** The ids whose frames folder is in place, from one listing of {@code frames/}. */
    public Set<String> framesPresent() {
        return presentIds(framesDir(), "");
    }

    /**
     * From how many names a folder is listed by {@code find} ({@link RegularFiles}): below, Java's listing and its look-ups
     * take less than starting a process (a new data directory's empty folders: their two finds put the first request
     * 60-120 ms later while another job used the cores, README; no later on a quiet machine).
     */
    static final int FIND_FROM = 256;

    private Set<String> presentIds(Path dir, String suffix) {
        if (!suffix.isEmpty() && Files.isDirectory(dir) && !fewerNames(dir, FIND_FROM)) {
            Set<String> listed = RegularFiles.named(dir, suffix);
            if (listed != null) {
                return listed;
            }
        }
        List<Path> named = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (f.getFileName().toString().endsWith(suffix)) {
                    named.add(f);
                }
            }
        } catch (NoSuchFileException e) {
            return new HashSet<>();
        } catch (IOException e) {
            throw new BadInputException("cannot read " + dir + ": " + FileTrees.describe(e));
        }
        // a video or a WAV is a file (or a link to one): a folder, a pipe or a link to nothing under its name is no
        // complete file (a frames folder, with no suffix, is a folder). A look at each (a stat) is most of what a rerun
        // over 100,000 complete videos costs, so the cores share them.
        return (suffix.isEmpty() ? named.stream() : named.parallelStream().filter(Files::isRegularFile))
                .map(f -> f.getFileName().toString())
                .map(name -> name.substring(0, name.length() - suffix.length()))
                .collect(java.util.stream.Collectors.toCollection(HashSet::new));
    }

    /** Whether {@code dir} holds fewer than {@code n} names (or cannot be listed: its listing then says why). */
    private static boolean fewerNames(Path dir, int n) {
        try (DirectoryStream<Path> names = Files.newDirectoryStream(dir)) {
            java.util.Iterator<Path> it = names.iterator();
            for (int i = 0; i < n; i++) {
                if (!it.hasNext()) {
                    return true;
                }
                it.next();
            }
            return false;
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            return true;
        }
    }

    /**
     * Creates the layout and removes the temporaries an interrupted write-then-rename left (on a
     * cluster only old ones: another node may be writing one right now). Throws
     * {@link BadInputException} naming the path when the directory cannot be written.
     */
    public void prepare(boolean shared) {
        for (Path dir : layout()) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new BadInputException("cannot create " + dir + ": " + FileTrees.describeFolder(e));
            }
            writable(dir);
        }
        // made when a file is first set aside in it: a file of that name, or a folder that cannot be written, failed
        // every video set aside there, and the failure's own record with it (the run said "none failed", exit 0)
        Path rejected = root.resolve("rejected");
        if (Files.exists(rejected) && !Files.isDirectory(rejected)) {
            throw new BadInputException(Redact.text(rejected.toString(), 300) + " is a file, not a folder: a run sets "
                    + "aside there what it finds damaged; move that file away and run again");
        }
        if (Files.isDirectory(rejected)) {
            writable(rejected);
        }
        removeTemporaries(shared ? 3_600_000 : 0);
        caseInsensitive = probeCaseInsensitive();
    }

    /** A folder of the data directory that this process cannot write, refused in one line. */
    static void writable(Path dir) {
        if (!Files.isWritable(dir)) {
            throw new BadInputException("cannot write to " + Redact.text(dir.toString(), 300) + ": permission denied");
        }
    }

    /**
     * For {@code --verify} of a copy on a read-only file system ({@link ReadOnlyDataDir}; {@code at}: the data
     * directory, or the folder of it that is): nothing is made or tidied there, and whether it tells letter case
     * apart is found by reading (a folder looked up under its name in capitals).
     */
    public void prepareReadOnly(Path at) {
        readOnlyAt = at;
        for (Path dir : List.of(metadataDir(), videosDir(), audioDir())) {
            if (Files.isDirectory(dir)) {
                caseInsensitive = sameFile(dir, root.resolve(dir.getFileName().toString().toUpperCase(java.util.Locale.ROOT)));
                return;
            }
        }
    }

    /** Whether the data directory is a read-only copy, which --verify only reads: nothing may be written there. */
    public boolean readOnly() {
        return readOnlyAt != null;
    }

    /** Where the data directory is read-only: itself, or a folder of it (null: it is not a read-only copy). */
    public Path readOnlyAt() {
        return readOnlyAt;
    }

    /**
     * The data directory and the folders of it every run makes and writes in ({@link #prepare}): one may be a mount
     * of its own, or a link.
     */
    public List<Path> layout() {
        return List.of(root, metadataDir(), videosDir(), audioDir(), failedDir());
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether the data directory's file system takes {@code Ab} and {@code aB} for the same name (macOS,
     * FAT, some cluster mounts): then two ids that differ only in letter case must never share a path.
     */
    public boolean caseInsensitive() {
        return caseInsensitive;
    }

    private boolean probeCaseInsensitive() {
        Path lower = root.resolve(".case-probe-" + ProcessHandle.current().pid() + "-x");
        Path upper = root.resolve(".case-probe-" + ProcessHandle.current().pid() + "-X");
        try {
            Files.deleteIfExists(lower);
            Files.createFile(lower);
            return Files.exists(upper);
        } catch (IOException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(lower);
            } catch (IOException ignored) {
                // a probe file left behind is harmless
            }
        }
    }

    /** An annotation file whose copy into metadata/ failed on the way: its temporary copy goes at once. */
    public void discardFetching(@org.apache.camel.Variable("metadataFile") Dataset.MetadataFile file) {
        try {
            Files.deleteIfExists(metadataDir().resolve(".fetching-" + Path.of(file.localName()).getFileName()));
        } catch (IOException | RuntimeException e) {
            // the next run's tidying removes it
        }
    }

    /** Removes what an interrupted write-then-rename left: {@code .*.tmp}, {@code .writing-*}, {@code .fetching-*}. */
    private void removeTemporaries(long olderThanMillis) {
        long before = System.currentTimeMillis() - olderThanMillis;
        for (Path dir : List.of(root, metadataDir(), failedDir(), videosDir(), audioDir())) {
            try {
                // the names alone (no path made for each of 100,000 videos, no pattern matched against each): the
                // few that start with a dot are looked at
                String[] names = dir.toFile().list();
                if (names != null && readBack(names)) {
                    for (String name : names) {
                        if (temporary(name)) {
                            removeTemporary(dir.resolve(name), olderThanMillis, before);
                        }
                    }
                    continue;
                }
                // a folder that cannot be listed (Java's listing says why), or a name whose bytes the JVM's encoding
                // cannot hold, which only a path made by the listing itself still names
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                    for (Path f : files) {
                        if (temporary(f.getFileName().toString())) {
                            removeTemporary(f, olderThanMillis, before);
                        }
                    }
                }
            } catch (IOException e) {
                throw new BadInputException("cannot clean " + dir + ": " + FileTrees.describe(e));
            }
        }
    }

    /** A temporary of a write-then-rename, by its name. */
    private static boolean temporary(String name) {
        return name.startsWith(".") && (name.endsWith(".tmp") || name.startsWith(".writing-") || name.startsWith(".fetching-"));
    }

    /** No name was read with a character the JVM's encoding put for bytes it cannot hold (U+FFFD). */
    private static boolean readBack(String[] names) {
        for (String name : names) {
            if (name.indexOf('\uFFFD') >= 0) {
                return false;
            }
        }
        return true;
    }

    private static void removeTemporary(Path f, long olderThanMillis, long before) throws IOException {
        if (Files.isRegularFile(f) && (olderThanMillis == 0 || Files.getLastModifiedTime(f).toMillis() < before)) {
            Files.deleteIfExists(f);
        }
    }

    static String checked(String id) {
        if (!VideoIdRules.isSafe(id)) {
            throw new IllegalArgumentException("unsafe id reached the workspace");
        }
        return id;
    }
}
