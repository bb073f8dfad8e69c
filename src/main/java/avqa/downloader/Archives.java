package avqa.downloader;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --import-archive}: the archives the MUSIC-AVQA authors distribute. The route splits each
 * archive into its entries (Camel's zip and tar splitters, streaming: nothing is unpacked whole);
 * this bean decides which entries are videos to import, under which id, and streams each one into
 * the data directory's work area, from where the same validation and audio stages as downloads
 * take it. Entries already complete are skipped, so an interrupted import resumes.
 */
public final class Archives {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.import");

    private final List<Path> archives;
    private final Workspace workspace;
    private final VideoPlanner planner;
    private final String videoExt;

    public Archives(List<Path> archives, Workspace workspace, VideoPlanner planner, String videoExt) {
        this.archives = archives;
        this.workspace = workspace;
        this.planner = planner;
        this.videoExt = videoExt;
    }

    public List<String> list() {
        return archives.stream().map(Path::toString).toList();
    }

    public boolean isZip(@Body String archive) {
        return archive.toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    /** The archive as a stream for the splitter; a .tar.gz is decompressed on the way. */
    public InputStream open(@Body String archive) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(archive)), 1 << 16);
        String n = archive.toLowerCase(Locale.ROOT);
        return n.endsWith(".gz") || n.endsWith(".tgz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /**
     * The id an entry is imported under: its file name without the extension, if that is a safe id
     * and the entry is a {@code --video-format} file; null (skip) otherwise, or when it is complete.
     */
    public String entryId(@Header("CamelFileName") String entry) {
        if (entry == null || entry.endsWith("/")) {
            return null;
        }
        String name = entry.substring(entry.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || name.startsWith("._")) {
            return null;
        }
        String id = name.substring(0, dot);
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!ext.equals(videoExt)) {
            if (List.of("mp4", "mkv", "webm", "mov", "avi").contains(ext)) {
                LOG.warn("Skipped archive entry {}: not a .{} file (--video-format)", FailureRecords.shown(entry), videoExt);
            }
            return null;
        }
        if (!VideoIdRules.isSafe(id)) {
            LOG.warn("Skipped an archive entry whose name is not a safe id: {}", FailureRecords.shown(entry));
            return null;
        }
        if (planner.isComplete(id)) {
            return null;
        }
        return id;
    }

    /** Streams one entry into {@code .partial/<id>/video.<ext>}; returns that path. */
    public String saveEntry(@Header("avqaVideoId") String id, @Body InputStream entry) throws IOException {
        Path dir = Path.of(workspace.freshTempDir(id));
        Path target = dir.resolve("video." + videoExt);
        try {
            Files.copy(entry, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            IOException other = workspace.stopIfDiskFull(e);
            throw new VideoFailure.InvalidOutput("the archive entry cannot be read (damaged archive?)",
                    String.valueOf(other.getMessage()));
        }
        return target.toString();
    }
}
