package avqa.downloader;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code source} of a video's provenance line: the archive and its entry, the URL (without
 * credentials) and yt-dlp's format id, or the clip it was cut or mirrored from and how.
 */
final class SourceDescription {

    private SourceDescription() {
    }

    /** Where the video came from: the archive and entry, the URL, the window of the source it was cut from. */
    static Map<String, Object> of(VideoJob job, Workspace workspace) {
        Map<String, Object> src = new LinkedHashMap<>();
        switch (job.kind()) {
            case ARCHIVE_ENTRY -> {
                src.put("archive", job.fetched().archive());
                src.put("entry", Redact.text(job.fetched().entry(), 300));
            }
            case CLIP -> {
                Clip c = job.clip();
                if (job.url() != null) {
                    src.put("url", Redact.url(job.url()));
                    formatId(src, job);
                } else {
                    src.put("from", workspace.root().relativize(workspace.video(Clip.mirroredFrom(c.name()))).toString());
                }
                src.put("start", c.start());
                src.put("duration", c.duration());
                src.put("flip", c.flip());
                if (c.flip()) {
                    src.put("how", "mirrored left to right (ffmpeg -vf hflip)");
                }
            }
            default -> {
                src.put("url", Redact.url(job.url()));
                formatId(src, job);
            }
        }
        return src;
    }

    private static void formatId(Map<String, Object> src, VideoJob job) {
        if (job.fetched().usedYtDlp()) {
            src.put("yt_dlp_format", job.fetched().ytDlpFormat());
        }
    }
}
