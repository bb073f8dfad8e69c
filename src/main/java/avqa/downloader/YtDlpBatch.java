package avqa.downloader;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.apache.camel.component.exec.ExecResult;

/**
 * A batch's yt-dlp run (several videos of one host with one start): its argument list and timeout, and
 * what it delivered or where it stopped, handed out to the batch's members. The options every run shares
 * are {@link YtDlp}'s.
 */
public final class YtDlpBatch {

    private final YtDlp ytDlp;
    private final DownloadSizeWatch sizeWatch;

    public YtDlpBatch(YtDlp ytDlp, DownloadSizeWatch sizeWatch) {
        this.ytDlp = ytDlp;
        this.sizeWatch = sizeWatch;
    }

    /**
     * One yt-dlp run for a batch (never YouTube), over the videos it has not reached yet: the URLs from a
     * private batch file, each video written as {@code <n>.<ext>} into the batch's work directory, and
     * for each one it delivered a line of its URL, format id and file. It stops at the first video it
     * cannot fetch ({@code --abort-on-error}), so that failure is that video's alone and a sign for the
     * whole host (a 429, a bot check) is acted on before the next request.
     */
    public List<String> batchArgs(@Variable("job") VideoJob job) {
        StringBuilder urls = new StringBuilder();
        for (VideoJob member : job.members().untried()) {
            String url = member.url();
            if (!VideoIdRules.isHttp(url) || VideoIdRules.isYoutubeUrl(url)) {
                throw new IllegalArgumentException("refusing to build a yt-dlp batch with an unchecked URL");
            }
            urls.append(url).append('\n');
        }
        String dir = job.workDir().toString().replace("%", "%%");
        List<String> args = ytDlp.common(dir + "/%(autonumber)s.%(ext)s",
                "after_move:%(original_url)s\t%(format_id)s\t%(extractor)s\t%(filepath)s", dir + "/" + BatchDeliveries.PRINT_FILE);
        ytDlp.onlyGenericFor(job.members().untried().stream().map(VideoJob::url).toList(), args);
        args.add("--abort-on-error");
        ytDlp.addCookies(args, job);
        args.add("--batch-file");
        args.add(YtDlp.privateFile(job.workDir().resolve("urls.txt"), urls.toString().getBytes(StandardCharsets.UTF_8)).toString());
        return args;
    }

    /**
     * A batch's yt-dlp run starting now, which may take avqa.download.timeout for each video it has left: a bound on the
     * whole run, behind the one on each video ({@link BatchDeliveries}: avqa.download.timeout since the last delivered).
     */
    public TimedRun timedRun(@Variable("job") VideoJob job) {
        return TimedRun.starting(ytDlp.timeoutSeconds * 1000L * Math.max(1, job.members().untried().size()));
    }

    /**
     * Where a batch's yt-dlp run stopped: each video it delivered went on as it came ({@link BatchDeliveries});
     * if it stopped at a video, that video's failure is classified from its words, as a download of its own
     * would be (a sign for the whole host starts the cool-down; an out-of-date yt-dlp counts towards the
     * stop); the videos after it are left for the next run of the batch. A full disk stops the run.
     */
    public void batchOutcome(@Variable("job") VideoJob job, @Body ExecResult result, @Variable("ytDlpRun") TimedRun run) {
        String stderr = FailureClassifier.text(result.getStderr());
        try {
            ytDlp.classifier.checkDisk(stderr);
        } catch (RunStoppedException full) {
            // the run stops (said once): the videos it did not deliver stay pending, and the batch ends with the
            // run's other work, the videos handed on made or left pending, the summary said
            job.members().failed(List.of());
            return;
        }
        List<VideoJob> left = job.members().untried();
        // delivered, but its file could not be taken out of the batch's directory: fetched again on its own
        List<VideoJob> notTaken = job.members().follow().notTaken();
        job.members().failed(notTaken);
        if (left.isEmpty() || job.members().follow().stoppedAfterADelivery()) {
            // (stopped for a late video it delivered just then: the one it had gone on to goes on in the next start)
            return;
        }
        // yt-dlp stopped at the first video it did not deliver (or, having said it succeeded, left some
        // undelivered: those are each fetched alone)
        // stopped by the size watch: the video it was on is too large, not late (and is not fetched alone again)
        VideoFailure tooLarge = sizeWatch.failure(job);
        // stopped as the video it was on took longer than avqa.download.timeout (BatchDeliveries): that video's timeout
        boolean late = tooLarge == null && job.members().follow().late();
        List<VideoJob> failed = tooLarge == null && !late && result.getExitValue() == 0 ? left : List.of(left.get(0));
        VideoFailure f = tooLarge != null ? tooLarge : late
                ? new VideoFailure.Transient("yt-dlp did not finish it within " + ytDlp.timeoutSeconds
                        + " s and was stopped (avqa.download.timeout)", FailureClassifier.lastError(stderr))
                : result.getExitValue() == 0
                ? new VideoFailure.Transient("yt-dlp's batch did not deliver it", FailureClassifier.lastError(stderr))
                : FailureClassifier.ytDlp(result.getExitValue(), stderr, WorkArea.savedPages(job.workDir()), ytDlp.timeoutSeconds,
                        run.timeoutPassed());
        // given the generic extractors alone, it found nothing in the page: fetched on its own with every
        // extractor, as a batch's video it did not deliver is, and no attempt of its is spent
        boolean restriction = tooLarge == null && result.getExitValue() != 0
                && ytDlp.foundNothingRestricted(f, result.getCommand().getArgs(), stderr, left.get(0).url());
        if (restriction) {
            f = new VideoFailure.Transient("yt-dlp's generic extractors alone found no video in its page, so it is asked "
                    + "again at once with all its extractors", FailureClassifier.lastError(stderr));
        }
        try {
            f = ytDlp.classifier.raise(f, failed.get(0).url());
        } catch (RunStoppedException stopped) {
            // the run is stopping: what is left stays pending
        }
        for (VideoJob member : failed) {
            if (!restriction) {
                member.countAttempt();
            }
            member.batchFailure(f);
        }
        List<VideoJob> all = new java.util.ArrayList<>(notTaken);
        all.addAll(failed);
        job.members().failed(all);
    }

    /**
     * The batch's yt-dlp could not be started at all (removed or moved under the run, or the machine short of memory or
     * processes), or not in its work folder, which another program removed: no video of it was asked for, so each one
     * it had left goes on alone, no attempt of its spent, where a program gone stops the run in one line and a passing
     * squeeze is retried, as for a video of its own. Any other failure to run it is thrown on.
     */
    public void notStarted(@Variable("job") VideoJob job, Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ToolGone.Cause cause = ToolGone.cause(caught);
        java.nio.file.Path folder = ToolGone.workFolderGone(exchange, caught);
        if (cause == null && folder == null) {
            throw caught instanceof RuntimeException e ? e : new org.apache.camel.RuntimeCamelException(caught);
        }
        // the batch's work folder removed by another program: each video goes on alone, in a folder of its own
        VideoFailure f = new VideoFailure.Transient(folder != null ? "the batch's work folder "
                + Redact.text(folder.toString(), 300) + " was removed while the run went (by another program?), so it is "
                + "asked for on its own" : "the batch's yt-dlp could not be started ("
                + Redact.text(cause.why(), 200) + "), so it is asked for on its own", null);
        List<VideoJob> left = job.members().untried();
        for (VideoJob member : left) {
            member.batchFailure(f);
        }
        job.members().failed(left);
    }

    /**
     * A video the batch failed for now, as it goes on alone: the batch's failure is its first attempt's, thrown
     * once, so the redelivery policy retries it alone (or records it, its attempts spent); a retry goes on.
     */
    public void firstAttemptFailed(@Variable("job") VideoJob member, @Header(Exchange.REDELIVERY_COUNTER) Integer retry) {
        if (retry == null || retry == 0) {
            throw member.batchFailure();
        }
    }

    /** A video of a batch that failed for good (not transient): its failure, for the dead-letter channel. */
    public void batchFailed(@Variable("job") VideoJob member) {
        throw member.batchFailure();
    }
}
