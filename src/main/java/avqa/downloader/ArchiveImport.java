package avqa.downloader;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.dataformat.tarfile.TarSplitter;
import org.apache.camel.dataformat.zipfile.ZipSplitter;
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
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --import-archive}: the archives the MUSIC-AVQA authors distribute. The route splits each
 * archive into its entries (Camel's zip and tar splitters, streaming: nothing is unpacked whole);
 * this bean decides which entries are videos to import, under which id, and streams each one into
 * the data directory's work area, from where the same validation and audio stages as downloads
 * take it. Entries already complete are skipped, so an interrupted import resumes.
 */
public final class ArchiveImport {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.import");

    private final List<Path> archives;
    private final VideoPlanner planner;
    private final ImportLedger ledger;
    private final DiskFull diskFull;
    private final String videoExt;

    public ArchiveImport(List<Path> archives, VideoPlanner planner, ImportLedger ledger, DiskFull diskFull,
                         String videoExt) {
        this.archives = archives;
        this.planner = planner;
        this.ledger = ledger;
        this.diskFull = diskFull;
        this.videoExt = videoExt;
    }

    public List<String> list() {
        return archives.stream().map(Path::toString).toList();
    }

    /**
     * The entries of the archive in the body, one message each, as a stream: Camel's zip splitter for
     * a zip, its tar splitter for a tar (or tar.gz, decompressed by {@link #open}).
     */
    public Object splitter(Exchange exchange, @Variable("archive") String archive) {
        Expression splitter = archive.toLowerCase(Locale.ROOT).endsWith(".zip") ? new ZipSplitter() : new TarSplitter();
        return splitter.evaluate(exchange, Object.class);
    }

    /** The archive as a stream for the splitter; a .tar.gz is decompressed on the way. */
    public InputStream open(@Body String archive) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(archive)), 1 << 16);
        String n = archive.toLowerCase(Locale.ROOT);
        return n.endsWith(".gz") || n.endsWith(".tgz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /**
     * What to do with an entry: import it under its file name without the extension, if that is a
     * safe id and the entry is a {@code --video-format} file; null (skip) otherwise, or when that
     * video is complete.
     */
    public VideoTask task(@Header("CamelFileName") String entry) {
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
        ledger.handled(id);
        return VideoTask.imported(id);
    }

    /** Streams the entry into the job's work directory as its video. */
    public void save(@Variable("job") VideoJob job, @Body InputStream entry) throws IOException {
        Path target = job.workDir().resolve("video." + videoExt);
        try {
            Files.copy(entry, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            IOException other = diskFull.check(e);
            throw new VideoFailure.InvalidOutput("the archive entry cannot be read (damaged archive?)",
                    String.valueOf(other.getMessage()));
        }
        job.video(target);
    }
}
