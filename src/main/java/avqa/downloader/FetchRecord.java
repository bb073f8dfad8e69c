package avqa.downloader;

/**
 * How a video was fetched, for its provenance: by yt-dlp (and the format it chose), or out of an
 * archive (its file name and the entry's path in it).
 */
public final class FetchRecord {

    private volatile String archive;
    private volatile String entry;
    private volatile String ytDlpFormat;

    /** Whether yt-dlp fetched it (or the source it was cut from): its version goes into the provenance. */
    public boolean usedYtDlp() {
        return ytDlpFormat != null;
    }

    /** The format id yt-dlp chose ("" when it did not say), or null when yt-dlp did not fetch it. */
    public String ytDlpFormat() {
        return ytDlpFormat;
    }

    void byYtDlp(String formatId) {
        this.ytDlpFormat = formatId == null ? "" : formatId;
    }

    /** For an {@link VideoJob.Kind#ARCHIVE_ENTRY}: the archive's file name. */
    public String archive() {
        return archive;
    }

    /** For an {@link VideoJob.Kind#ARCHIVE_ENTRY}: the entry's path inside the archive. */
    public String entry() {
        return entry;
    }

    void fromArchive(String archiveName, String entryName) {
        this.archive = archiveName;
        this.entry = entryName;
    }
}
