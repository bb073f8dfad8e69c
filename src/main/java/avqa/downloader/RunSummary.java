package avqa.downloader;

import avqa.downloader.settings.Settings;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a run (or of a planner's publishing): the records are written, the summary and the
 * coverage are logged with what to do about what is missing, and the summary is kept in
 * {@code runs/<timestamp>.json} so runs can be compared.
 */
public final class RunSummary {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.summary");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * What one run did. Exit status 0 when every video that has a source is complete (a failure is recorded, and
     * one whose record could not be written counts too), and every archive the
     * user named could be fetched, and read to its end (a later part of a split archive, whose first is not
     * here, cannot be read at all; nor can a zip spanned by zip -s).
     */
    public record Summary(int planned, long downloaded, long audioOnly, long alreadyComplete,
                          Map<String, Long> failed, Duration elapsed, String stoppedBecause,
                          List<String> archivesNotFetched, List<String> archivesUnreadable,
                          List<String> archivesNotReadAlone, List<String> archivesDamaged,
                          List<String> archivesLackingParts, List<String> archivesEncrypted, List<String> archivesSpanned,
                          long failuresNotRecorded) {
        public long failedWithSource() {
            return failed.entrySet().stream().filter(e -> !VideoFailure.NO_SOURCE.equals(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
        }

        public int exitCode() {
            return failedWithSource() == 0 && failuresNotRecorded == 0 && stoppedBecause == null && archivesNotFetched.isEmpty()
                    && archivesUnreadable.isEmpty() && archivesNotReadAlone.isEmpty() && archivesSpanned.isEmpty() ? 0 : 1;
        }
    }

    private final RunCounters counters;
    private final StatusLine status;
    private final ProgressBook progress;
    private final FailureRecords failures;
    private final WorkArea work;
    private final Workspace workspace;
    private final RunControl run;
    private final Settings settings;
    private final VideoPlanner planner;
    private final Provenance provenance;
    private final boolean youtube;
    private final Checksums checksums;
    private ArchiveFetch archives;
    private ArchiveImport imports;

    /** The audio passes' counts, for runs/*.json; none on a planner. */
    private FfmpegRuns ffmpegRuns;

    void countPasses(FfmpegRuns runs) {
        this.ffmpegRuns = runs;
    }

    public RunSummary(RunCounters counters, StatusLine status, ProgressBook progress, FailureRecords failures,
                      WorkArea work, Workspace workspace, RunControl run, Settings settings, VideoPlanner planner,
                      Provenance provenance, boolean youtube, Checksums checksums) {
        this.counters = counters;
        this.status = status;
        this.progress = progress;
        this.failures = failures;
        this.work = work;
        this.workspace = workspace;
        this.run = run;
        this.settings = settings;
        this.planner = planner;
        this.provenance = provenance;
        this.youtube = youtube;
        this.checksums = checksums;
    }

    /** The archives: one the user named that could not be fetched, or read to its end, fails the run. */
    public void archivesFrom(ArchiveFetch archives, ArchiveImport imports) {
        this.archives = archives;
        this.imports = imports;
    }

    /** Writes the progress and failure files, empties the work area, logs and keeps the summary. */
    public synchronized Summary finish() {
        counters.stop();
        status.close();
        if (!run.isDataDirGone()) {
            // (a data directory that went from under the run is not made again by its records)
            writeRecords();
        }
        Summary s = summary();
        Map<String, Long> byCategory = s.failed();
        if (s.stoppedBecause() != null) {
            long pending = s.planned() - s.downloaded() - counters.imported() - s.audioOnly() - s.alreadyComplete()
                    - byCategory.values().stream().mapToLong(Long::longValue).sum();
            String line = "Run stopped early: {}. {} left pending for the next run.";
            if (run.isShuttingDown()) {
                // asked for (SIGTERM, Ctrl-C, a service stopped): no error, as RunControl says the stop itself
                LOG.warn(line, s.stoppedBecause(), Shown.count(pending, "video was", "videos were"));
            } else {
                LOG.error(line, s.stoppedBecause(), Shown.count(pending, "video was", "videos were"));
            }
        }
        // a video that needed only its frames made had no audio made again
        long framesOnly = counters.madeByOrigin().getOrDefault("frames", 0L);
        LOG.info("Run finished in {}: {} planned; {} downloaded, {} imported from archives, {} audio re-extracted, "
                        + "{}{} already complete; failed: {}. {} complete in all.",
                StatusLine.human(s.elapsed()), Shown.count(s.planned(), "video", "videos"), s.downloaded(), counters.imported(),
                s.audioOnly() - framesOnly, framesOnly > 0 ? Shown.count(framesOnly, "frames folder", "frames folders")
                        + " made from videos in place, " : "",
                s.alreadyComplete(), byCategory.isEmpty() ? "none" : byCategory, progress.size());
        LOG.info(yieldLine(byCategory));
        // one log line per line of the report: a message is always one line
        coverageReport().lines().forEach(LOG::info);
        long noSource = byCategory.getOrDefault(VideoFailure.NO_SOURCE, 0L);
        if (noSource > 0) {
            LOG.warn(noSourceAdvice(noSource, youtube));
        }
        if (!s.archivesNotFetched().isEmpty()) {
            LOG.warn("{} given with --import-archive could not be fetched ({}): their videos were not imported "
                    + "(the lines above say why); a new run tries them again", Shown.count(s.archivesNotFetched().size(),
                            "archive", "archives"),
                    String.join(", ", s.archivesNotFetched()));
        }
        List<String> damagedCopies = s.archivesUnreadable().stream()
                .filter(a -> !s.archivesLackingParts().contains(a) && !s.archivesEncrypted().contains(a)).toList();
        if (!s.archivesEncrypted().isEmpty()) {
            LOG.warn("{} archives hold files encrypted with a password ({}): those files were not imported, and their "
                    + "videos come from their sources; extract them with the password (the lines above say how) and give "
                    + "the folder with --import-archive DIR", s.archivesEncrypted().size(), String.join(", ", s.archivesEncrypted()));
        }
        if (!s.archivesLackingParts().isEmpty()) {
            LOG.warn("{} split archives lack a part or a volume ({}; the lines above name it): the videos in it and after "
                    + "it were not imported. Put it beside the others (or give its link with --import-archive) and run "
                    + "again; the parts here are kept", s.archivesLackingParts().size(),
                    String.join(", ", s.archivesLackingParts()));
        }
        if (!damagedCopies.isEmpty()) {
            // a part of a split archive whose download broke off leaves the parts here unreadable to their end: the
            // next run resumes it and reads them all again, so deleting a whole part would only cost its download
            String advice = s.archivesNotFetched().isEmpty()
                    ? "An archive fetched by URL stays in archives/: delete it there to have it fetched again"
                    : "Where one not fetched (above) is a part of one named here, the next run fetches it and reads the parts "
                    + "together again: keep them; otherwise an archive fetched by URL stays in archives/: delete it there "
                    + "to have it fetched again";
            LOG.warn("{} archives could not be read to their end ({}): what lies after the damage was not imported (the "
                    + "lines above say why). {}", damagedCopies.size(), String.join(", ", damagedCopies), advice);
        }
        List<String> damagedOnly = s.archivesDamaged().stream().filter(a -> !s.archivesUnreadable().contains(a)).toList();
        if (!damagedOnly.isEmpty()) {
            LOG.warn("{} archives have entries that could not be read whole or failed the archive's own check ({}): their "
                    + "videos were recorded invalid-output (the lines above say which). The next run asks the host of one "
                    + "fetched by URL whether it has another copy; to have it fetched again whatever its host says, delete it "
                    + "(each of its parts) in archives/, or give a good copy with --import-archive FILE", damagedOnly.size(),
                    String.join(", ", damagedOnly));
        }
        if (!s.archivesNotReadAlone().isEmpty() && s.archivesNotFetched().isEmpty()) {
            LOG.warn("{} archives are later parts of a split archive whose first part is not here ({}): nothing of them "
                    + "was imported; give the first part with them", s.archivesNotReadAlone().size(),
                    String.join(", ", s.archivesNotReadAlone()));
        }
        if (!s.archivesSpanned().isEmpty()) {
            LOG.warn("{} archives are zips spanned by zip -s ({}): nothing of them was imported; join each into one zip "
                    + "with `zip -s 0` (the lines above say how) and import that", s.archivesSpanned().size(),
                    String.join(", ", s.archivesSpanned()));
        }
        if (s.failuresNotRecorded() > 0) {
            LOG.error(s.failuresNotRecorded() == 1
                    ? "1 video failed, and its failure could not be recorded in failed/ (the line above says why): it stays "
                    + "pending, and the next run tries it again"
                    : s.failuresNotRecorded() + " videos failed, and their failures could not be recorded in failed/ (the "
                    + "lines above say why): they stay pending, and the next run tries them again");
        }
        if (s.failedWithSource() > 0) {
            LOG.warn("Failures are listed with their reasons in failed_downloads.json and failed/<id>.json. "
                    + "A new run retries the transient, invalid-output and tool-outdated ones; permanent ones only with --retry-permanent, or at a new source URL.");
        }
        keep(s);
        return s;
    }

    /**
     * The planner's end: the records written (progress from the database, failures), its summary
     * logged and kept in {@code runs/}; exit status 0 once everything that needs work is queued.
     */
    public synchronized Summary finishPublishing() {
        counters.stop();
        writeRecords();
        Summary s = summary();
        LOG.info("Published {} videos to the queue {} in {}: {} planned, {} already complete in the cluster record; "
                        + "not queued: {}.", counters.publishedCount(), settings.get("avqa.broker.queue"),
                StatusLine.human(s.elapsed()), s.planned(), s.alreadyComplete(), s.failed().isEmpty() ? "none" : s.failed());
        keep(s);
        return s;
    }

    private Summary summary() {
        return new Summary(counters.planned(), counters.downloaded(), counters.audioOnly(),
                counters.alreadyCompleteCount(), counters.failedByCategory(), counters.elapsed(), run.stopReason(),
                archives == null ? List.of() : archives.notFetched(), imports == null ? List.of() : imports.unreadable(),
                imports == null ? List.of() : imports.notReadAlone(), imports == null ? List.of() : imports.damaged(),
                imports == null ? List.of() : imports.lackingParts(), imports == null ? List.of() : imports.encryptedArchives(),
                imports == null ? List.of() : imports.spanned(),
                counters.notRecordedCount());
    }

    /**
     * The end of a run or a plan: the progress and failure files rewritten, SHA256SUMS without the lines
     * of files made again or set aside, the work area emptied.
     */
    private void writeRecords() {
        progress.snapshot();
        failures.rebuildSummary(planner::isRecordedComplete);
        checksums.compact();
        work.clear();
    }

    /** Of the planned videos: where each group comes from and how much of it is complete. */
    public String coverageReport() {
        boolean frames = !settings.get("avqa.frames.fps").isBlank();
        return planner.coverage().report(planner::isRecordedComplete, failures, provenance.groups(),
                frames ? id -> java.nio.file.Files.isDirectory(workspace.frames(id)) : null);
    }

    /** What this run made, by where it came from, in one line. */
    String yieldLine(Map<String, Long> failedByCategory) {
        Map<String, Long> made = counters.madeByOrigin();
        StringBuilder t = new StringBuilder("This run: ");
        if (made.isEmpty()) {
            t.append("nothing new");
        } else {
            t.append(String.join(", ", made.entrySet().stream().map(e -> e.getValue() + " "
                    + (e.getKey().equals("audio") ? "audio tracks re-extracted"
                    : e.getKey().equals("frames") ? "frame folders made from complete videos" : "from " + e.getKey())).toList()));
        }
        long failed = failedByCategory.values().stream().mapToLong(Long::longValue).sum();
        t.append("; ").append(failed == 0 ? "none failed" : failed + " failed " + failedByCategory).append('.');
        return t.toString();
    }

    /** {@code runs/<timestamp>.json}: the summary, the bytes written and the settings used. */
    private void keep(Summary s) {
        if (run.isDataDirGone()) {
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", VersionReport.ours());
        out.put("started", counters.started().toString());
        out.put("finished", Instant.now().toString());
        out.put("elapsed_seconds", s.elapsed().toMillis() / 1000.0);
        out.put("planned", s.planned());
        out.put("downloaded", s.downloaded());
        // as the run's last line says them: a video that needed only its frames had no audio made again
        long framesOnly = counters.madeByOrigin().getOrDefault("frames", 0L);
        out.put("audio_re_extracted", s.audioOnly() - framesOnly);
        out.put("frames_made_in_place", framesOnly);
        out.put("imported", counters.imported());
        out.put("already_complete", s.alreadyComplete());
        out.put("failed", s.failed());
        out.put("complete_in_all", progress.size());
        if (counters.publishedCount() > 0) {
            out.put("published", counters.publishedCount());
        }
        out.put("bytes_written", counters.bytes());
        out.put("cpu_seconds", CpuTimes.now());
        if (ffmpegRuns != null) {
            out.put("audio_passes", ffmpegRuns.takeCounts());
        }
        out.put("stopped_because", s.stoppedBecause());
        if (!s.archivesNotFetched().isEmpty()) {
            out.put("archives_not_fetched", s.archivesNotFetched());
        }
        if (!s.archivesUnreadable().isEmpty()) {
            out.put("archives_unreadable", s.archivesUnreadable());
        }
        if (!s.archivesNotReadAlone().isEmpty()) {
            out.put("archives_not_read_alone", s.archivesNotReadAlone());
        }
        if (!s.archivesDamaged().isEmpty()) {
            out.put("archives_with_damaged_entries", s.archivesDamaged());
        }
        if (!s.archivesLackingParts().isEmpty()) {
            out.put("archives_lacking_parts", s.archivesLackingParts());
        }
        if (!s.archivesEncrypted().isEmpty()) {
            out.put("archives_encrypted", s.archivesEncrypted());
        }
        if (!s.archivesSpanned().isEmpty()) {
            out.put("archives_spanned", s.archivesSpanned());
        }
        if (s.failuresNotRecorded() > 0) {
            out.put("failures_not_recorded", s.failuresNotRecorded());
        }
        out.put("exit_status", s.exitCode());
        out.put("settings", settings.asMap());
        try {
            Path runs = workspace.root().resolve("runs");
            Files.createDirectories(runs);
            AtomicFiles.writePrivate(runs.resolve(RUN_NAME.format(counters.started()) + ".json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
        } catch (IOException e) {
            LOG.warn("Could not keep the run summary in runs/: {}", Shown.of(e));
        }
    }

    static String noSourceAdvice(long count, boolean youtube) {
        return Shown.count(count, "video has", "videos have") + " no source and " + (count == 1 ? "was" : "were")
                + " not requested. "
                + (youtube ? "MUSIC-AVQA's own video ids (00000028, vv…, sa…, va…, esa…, eva…, evv… + 8 digits) "
                + "are the authors' internal names, not YouTube ids, and no public table maps them to YouTube: "
                + "asking YouTube for them only wastes the IP's rate limit. " : "")
                + "Get these videos from the official archives the MUSIC-AVQA authors distribute (9,288 videos, ~36.7 GB real + "
                + "~11.6 GB synthetic, CC BY-NC 4.0): " + Coverage.V1_ARCHIVES
                + " Or point --source-url-template at a mirror that serves them by these names, "
                + "e.g. --source-url-template 'https://mirror.example.org/avqa/{id}.mp4'.";
    }
}
