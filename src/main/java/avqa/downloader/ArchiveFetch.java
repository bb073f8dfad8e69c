package avqa.downloader;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives fetched by URL into {@code archives/<name>}: {@code --import-archive URL}, and the
 * dataset's own archive (MUSIC-AVQA-v2.0's clip RAR). A download goes to {@code <name>.part} with
 * what the server said of the file ({@code <name>.json}: its ETag or Last-Modified and its length);
 * an interrupted one resumes with a Range request guarded by that validator ({@code If-Range}), or by the
 * length alone where the host gives no validator, that asks again for the last bytes already here, to compare
 * them, and starts over cleanly when the server says the file changed or sends other bytes than it names. The whole length is checked against
 * what the server announced before the file takes its final name; a complete archive is not
 * fetched again. The files are {@link ArchiveFiles}'s, the copying of an answer {@link ArchiveTransfer}'s.
 */
public final class ArchiveFetch {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.archive");
    /** A Content-Range's numbers: 18 digits at most, a long's (a longer one is no byte position, and unreadable). */
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
    private static final Pattern UNSATISFIED = Pattern.compile("bytes \\*/(\\d{1,18})");

    private final ArchiveFiles files;
    private final List<String> urls;
    private final String datasetArchive;
    private final VideoPlanner planner;
    private final RunControl run;
    private final ArchiveProgress progress;
    private final ArchiveListing listing;
    private final ArchiveTransfer transfer;
    private final Map<String, Path> fetched = new LinkedHashMap<>();
    /** The archives the user named (--import-archive URL) that this run could not fetch, their URLs shown safely. */
    private final List<String> notFetched = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Where an archive's share link said to ask instead: its download page's form (Google Drive's confirmation). */
    private final Map<String, String> confirmed = new java.util.concurrent.ConcurrentHashMap<>();
    /** The archives whose download page was just confirmed: asked for again at once, in the same attempt. */
    private final java.util.Set<String> confirmNow = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** How many download pages each archive's link gave this run (a host that gives one after another is cut off). */
    private final Map<String, Integer> pages = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MOST_PAGES = 3;
    /** How many of the bytes already here a resume asks for again, to compare them ({@link #sameBytes}). */
    static final long OVERLAP = 16 * 1024;
    /** The fewest bytes a resume under the length alone (no validator) asks for again to compare. */
    static final long FEWEST_UNGUARDED = 4 * 1024;
    /**
     * The fewest new bytes a part given a part at a time must bring to have the next asked for at once, in the same
     * attempt (hosts that give files in parts give a MiB or more); a smaller one is a broken answer, retried after a pause.
     */
    static final long SMALLEST_PART = 64 * 1024;
    /**
     * How many a resume of each archive asks for again, this run, when fewer than {@link #OVERLAP}: its host ended an
     * answer within them, so that nothing new came ({@link #fewerToCompare}).
     */
    private final Map<String, Long> overlaps = new java.util.concurrent.ConcurrentHashMap<>();
    /** The archives whose host just gave the part of the file it promised, short of its end: the next part is asked for now. */
    private final java.util.Set<String> nextPart = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The archives whose host was said to give the file a part at a time (once a run). */
    private final java.util.Set<String> inParts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** URLs whose host answered a resume with other bytes than it named: asked for whole, this run. */
    private final java.util.Set<String> rangesLie = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The URLs whose resume this run has said is guarded by the length only (their host gives no validator). */
    private final java.util.Set<String> unguarded = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * The most of each archive's part that was here this run: an answer cut short made progress only when it took the
     * part past this mark, not when it brought again bytes a start from the beginning had dropped.
     */
    private final Map<String, Long> mostHere = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * The archives here whole that could not be read to their end when imported: their host is asked, once this run,
     * whether it has another copy ({@link #anotherCopy}).
     */
    private final java.util.Set<String> recheck = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The links this run could not fetch. */
    private final java.util.Set<String> failedThisRun = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The archives of this run found unreadable or with a damaged entry ({@link #foundUnreadable}). */
    private final java.util.Set<Path> foundUnreadable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Of those, the ones whose copy here is imported again if no other comes whole this run. */
    private final java.util.Set<String> copyHere = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final HostCredentials credentials;
    private final long maxBytes;

    public ArchiveFetch(Path dataDir, List<String> urls, HostCredentials credentials, long maxBytes,
                        ArchiveTransfer.SpeedFloor floor, String datasetArchive, VideoPlanner planner, DiskFull diskFull,
                        RunControl run, ArchiveProgress progress, ArchiveListing listing) {
        this.files = new ArchiveFiles(dataDir.resolve("archives"));
        this.urls = urls;
        this.datasetArchive = datasetArchive;
        this.planner = planner;
        this.run = run;
        this.progress = progress;
        this.listing = listing;
        this.transfer = new ArchiveTransfer(diskFull, run, progress, floor);
        this.credentials = credentials;
        this.maxBytes = maxBytes;
    }

    /**
     * The archives a run wants: every URL given, and the dataset's archive while some clip it provides is not
     * complete (once: given with --import-archive as well, it is the user's); none when every planned video is.
     */
    private List<String> wanted() {
        if (planner.plannedVideos() == planner.completeCount()) {
            return List.of();
        }
        List<String> all = new ArrayList<>(laterPass ? List.of() : urls);
        // the user's too when they gave its file by another link: the link its download here came from is the one asked;
        // after the archives given here when there are some ({@link #toFetch})
        if (datasetArchive != null && !datasetArchive.isEmpty() && laterPass == datasetLater
                && !(laterPass && urls.stream().anyMatch(u -> DownloadPage.oneFile(u, datasetArchive)))
                && (!isDatasetArchive(datasetArchive) || planner.clipsIncomplete() > 0)) {
            all.add(datasetArchive);
        }
        // one file given by two links (a Drive file's viewer and download links) is fetched once
        return files.onePerFile(all);
    }

    /** Whether this URL's archive is here whole (its record says so, and its length is the one it came with). */
    private boolean whole(String url) {
        return files.whole(url);
    }

    /**
     * As a run starts (the data directory's lock its own alone, no download of it under way): each part in archives/ that
     * cannot be resumed ({@link ArchiveFiles#unresumableParts}: left by a run killed, or by a version that kept it when
     * the disk filled) is deleted, said in one line. No attempt would use its bytes (each starts over, from nothing),
     * and one that filled the disk held every later run's start on "no space left", the tool's own bytes the space the
     * user was told to free.
     */
    public void dropUnresumableParts() {
        for (Path part : ArchiveFiles.unresumableParts(files.dir())) {
            long size = ArchiveFiles.sizeOf(part);
            try {
                ArchiveFiles.dropPart(part);
                LOG.warn("Deleted {} ({}), the part of a download whose host gave no size or validator to resume it under, "
                        + "left by an earlier run: no attempt would resume it, and its archive, if asked for, is fetched from "
                        + "its start", files.dir().getFileName().resolve(part.getFileName()), human(size));
            } catch (IOException e) {
                // it stays: the full disk, if it is, is said as ever
            }
        }
    }

    /**
     * For --dry-run, which fetches no archive: a line for each archive a run would fetch first (not whole here
     * yet), since what it holds is not in the plan: its videos show as downloads from their sources.
     */
    public synchronized String dryRunNote() {
        StringBuilder note = new StringBuilder();
        List<String> all = new ArrayList<>(wanted());
        laterPass = true;
        try {
            all.addAll(wanted());
        } finally {
            laterPass = false;
        }
        for (String url : all) {
            if (!whole(url)) {
                boolean later = datasetLater && url.equals(datasetArchive);
                note.append("A run fetches the archive ").append(Redact.url(url)).append(later ? " after importing the "
                                + "archives given as files, if clips they lack are still missing (" : " first (")
                        .append(isDatasetArchive(url) ? "the dataset's own" : "--import-archive")
                        .append("); --dry-run does not, so the videos it holds count here as downloads from their sources.\n");
            }
        }
        return note.toString();
    }

    /**
     * Archives given as files here (--import-archive FILE or folder) are imported before the dataset's own archive is
     * looked at: a local copy of it (the authors' RAR downloaded by hand) provides the clips, and the download of gigabytes
     * that would bring them again is not made.
     */
    public void datasetArchiveAfterLocalOnes(boolean localGiven) {
        this.datasetLater = localGiven;
    }

    private boolean datasetLater;
    /** In {@link #toFetch}'s later pass: only the dataset's own archive is wanted. */
    private boolean laterPass;
    /** The archives fetched before the later pass, imported already. */
    private final java.util.Set<Path> importedBefore = new java.util.HashSet<>();

    /**
     * The archives to fetch in this pass ({@code laterPass}: false, the first of two; true, the later; the route
     * {@code archives} makes both). After the archives of the first pass were imported: the dataset's own archive, when
     * it was left for later ({@link #datasetArchiveAfterLocalOnes}) and some clip it provides is still not complete;
     * none otherwise. What was found and said of the first pass's archives stays for the run's summary.
     */
    public synchronized List<String> toFetch(@Variable("laterPass") Boolean later) {
        if (!Boolean.TRUE.equals(later)) {
            return pending();
        }
        importedBefore.clear();
        importedBefore.addAll(fetched.values());
        if (!datasetLater) {
            return List.of();
        }
        laterPass = true;
        try {
            return pendingOf(wanted());
        } finally {
            laterPass = false;
        }
    }

    /** The archives fetched (or here whole) in this pass, to import: after the later pass, only those it brought. */
    public synchronized List<Path> fetchedThisPass(Boolean later) {
        List<Path> all = new ArrayList<>(fetched.values());
        if (Boolean.TRUE.equals(later)) {
            all.removeAll(importedBefore);
        }
        return all;
    }

    /**
     * The archives to fetch now (one pass, or the first of two): every URL given, and the dataset's archive while some
     * clip it provides is not complete (in the later pass when archives are given as files); those already complete
     * here are not fetched again.
     */
    public synchronized List<String> pending() {
        importedBefore.clear();
        fetched.clear();
        notFetched.clear();
        saidStandIn.clear();
        confirmed.clear();
        confirmNow.clear();
        pages.clear();
        overlaps.clear();
        nextPart.clear();
        inParts.clear();
        unguarded.clear();
        mostHere.clear();
        recheck.clear();
        copyHere.clear();
        failedThisRun.clear();
        foundUnreadable.clear();
        transfer.newRun();
        return pendingOf(wanted());
    }

    private List<String> pendingOf(List<String> wanted) {
        List<String> out = new ArrayList<>();
        for (String url : wanted) {
            Path file = files.file(url);
            long otherSize = files.otherSize(url);
            // (text or a page there, an error an earlier version kept, is dropped and fetched again: keptAsText)
            if (otherSize >= 0 && !keptAsText(url, file)) {
                LOG.warn("The archive {} here is {}, not the {} it was fetched with (cut short by a disk error, or another "
                        + "file copied there?): it is not imported as it is, and is fetched again; the file stays until "
                        + "the new download is whole, and then gives way to it", file.getFileName(), human(otherSize),
                        human(files.meta(url).path("length").asLong()));
            }
            if (completedBeforeAKill(url)) {
                LOG.info("The archive {} took its name before the last run was stopped: it is whole, not fetched again",
                        file.getFileName());
            }
            if (whole(url) && !keptAsText(url, file) && files.unreadable(url)) {
                LOG.info("The archive {} here could not be read to its end when it was imported (cut short or damaged as "
                        + "its host sent it): its host is asked whether it has another copy now (another ETag, date or "
                        + "length); the one here stays, and is imported again if not", file.getFileName());
                recheck.add(url);
                copyHere.add(url);
                out.add(url);
            } else if (whole(url) && Files.isRegularFile(file)) {
                if (!fetched.containsValue(file)) {
                    // said once for a file two links give
                    LOG.info("The archive {} is here already ({}), not fetched again", file.getFileName(), size(file));
                    // a copy another link brought, the same bytes (kept by an earlier version, or a run stopped before
                    // its fold), gives way to it now
                    try {
                        fold(file);
                    } catch (IOException notNow) {
                        // the copy stays, as before
                    }
                }
                fetched.put(url, file);
                // a part left by a run stopped as the download was found to be another link's file
                files.discardStalePart(url);
            } else {
                out.add(url);
            }
        }
        return out;
    }

    private boolean completedBeforeAKill(String url) {
        try {
            return files.completedBeforeAKill(url);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * An archive an earlier version kept though it is a web page or text (an error sent as if it were the
     * file): dropped, and fetched again.
     */
    private boolean keptAsText(String url, Path file) {
        try {
            if (ArchiveFormat.numberedPart(file.getFileName().toString()) || !looksLikeAPage(file)
                    && textStart(file, Files.size(file)) == null) {
                return false;
            }
            LOG.info("The archive {} here is a web page or text, not an archive (kept by an earlier version): it is "
                    + "fetched again", file.getFileName());
            Files.delete(file);
            files.discard(url);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * An archive of this run could not be read to its end when imported (cut short or damaged): when it was fetched
     * by URL (it, or a part of it), its record says so, and the next run asks its host whether it has another copy.
     */
    public void foundUnreadable(Path archive) {
        if (!foundUnreadable.add(archive)) {
            // an entry of it failed, then its reading did: marked and said once
            return;
        }
        java.util.Set<Path> parts = new java.util.HashSet<>(ArchiveFormat.parts(archive));
        parts.add(archive);
        if (parts.size() > 1 && !failedThisRun.isEmpty()) {
            // a split archive, some link of this run not fetched: the part it gives may be what is missing
            return;
        }
        // a file two links give, named once
        java.util.Set<String> marked = new java.util.LinkedHashSet<>();
        synchronized (this) {
            for (Map.Entry<String, Path> e : fetched.entrySet()) {
                if (parts.contains(e.getValue())) {
                    try {
                        files.markUnreadable(e.getKey());
                        marked.add(e.getValue().getFileName().toString());
                    } catch (IOException notWritten) {
                        // the next run imports it again as it is, as before
                    }
                }
            }
        }
        if (!marked.isEmpty()) {
            LOG.info("The next run asks the host of {} whether it has another copy (another ETag, date or length), and "
                    + "fetches that if so; a good copy can also be given with --import-archive", String.join(", ", marked));
        }
    }

    /** The archives now complete under {@code archives/}, to import. */
    public synchronized List<Path> fetched() {
        return new ArrayList<>(fetched.values());
    }

    /**
     * Says that an attempt is a retry, and why, which waits its backoff before its request (03's archive-attempt); after
     * an answer cut short that brought new bytes ({@link #countAnewAfterProgress}), that it resumes.
     */
    public void retrying(Exchange exchange, @Variable("archiveUrl") String url,
                         @Header(Exchange.REDELIVERY_COUNTER) Integer retry, @Variable("archiveRetryBeyondCap") String beyondCap) {
        String[] cut = exchange.getVariable(CUT_SHORT, String[].class);
        exchange.removeVariable(CUT_SHORT);
        if (retry != null && retry > 0) {
            // the bar of a download given a part at a time, whose next part's request failed
            progress.done();
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (cut != null) {
                LOG.info("The download of {} was cut short {} ({}{}); resuming", cut[0], cut[1], cut[2],
                        cause instanceof VideoFailure f && !f.lastError().isBlank()
                                ? "; " + Shown.plain(Redact.text(Redact.secrets(f.lastError()), 200)) : "");
            } else {
                LOG.info("The archive at {} is tried again after a pause (attempt {}){}{}", Redact.url(url), retry + 1,
                        cause == null ? "" : ": " + Shown.of(cause), beyondCap == null ? "" : beyondCap);
            }
        }
    }

    /** The variable that says what an answer cut short brought (the archive's name, where it stopped, how much was new). */
    private static final String CUT_SHORT = "archiveCutShort";

    /**
     * An attempt whose answer broke off (a connection closed or reset mid-body, a stall) having brought at least
     * {@link #SMALLEST_PART} bytes not here before, which the next attempt resumes after, made progress: the count of
     * attempts, and the backoff's steps, start over, so that a download that keeps coming in goes on however often its
     * host breaks it off, paced by the backoff's first step; one that brings fewer, or none, still ends after
     * --retry-attempts. Camel's redelivery (20-errors.yaml, archive-errors) counts each failure on from the header
     * {@link Exchange#REDELIVERY_COUNTER}: without it, the next attempt is a first retry again.
     */
    private void countAnewAfterProgress(Exchange exchange, String url, String name, long from, long total) {
        Path part = files.part(url);
        long here;
        try {
            here = Files.isRegularFile(part) ? Files.size(part) : 0;
        } catch (IOException e) {
            return;
        }
        long mark = Math.max(from, mostHere.getOrDefault(url, 0L));
        if (here - mark < SMALLEST_PART || !resumes(url)) {
            return;
        }
        mostHere.merge(url, here, Math::max);
        exchange.getIn().removeHeader(Exchange.REDELIVERY_COUNTER);
        exchange.setVariable(CUT_SHORT, new String[] {name, "after " + human(here) + (total >= 0 ? " of " + human(total) : ""),
                human(here - mark) + " new in this answer"});
    }

    /**
     * Whether the next request for this archive resumes its part: its host gave a validator or the file's length
     * ({@link ArchiveFiles#resumable}), and its ranges are trusted.
     */
    private boolean resumes(String url) {
        return ArchiveFiles.resumable(files.meta(url)) && !rangesLie.contains(url);
    }

    /**
     * Whether {@code url} is the dataset's own archive (its failure means falling back to the dataset's source),
     * and its file not given with --import-archive too (by this link or another).
     */
    public boolean isDatasetArchive(@Variable("archiveUrl") String url) {
        return url != null && !url.isEmpty() && url.equals(datasetArchive)
                && urls.stream().noneMatch(u -> DownloadPage.oneFile(u, url));
    }

    /** The request for one attempt: a Range guarded by the validator when part of it is here. */
    public void request(Exchange exchange, @Variable("archiveUrl") String url) throws IOException {
        run.checkRunning();
        Files.createDirectories(files.dir());
        Message in = exchange.getIn();
        // only Camel's own headers stay; nothing else of the exchange is sent to the host
        in.removeHeaders("*", "Camel*");
        // a user name and password in the URL answer the host's challenge, not a part of the request line
        in.setHeader(Exchange.HTTP_URI, credentials.requestUri(confirmed.getOrDefault(url, DownloadPage.direct(url))));
        in.setHeader(Exchange.HTTP_METHOD, "GET");
        in.setHeader("Accept-Encoding", "identity");
        // an answer compressed on the way all the same comes as it was sent: store() decodes it, knowing its length is not the archive's
        exchange.setProperty(Exchange.SKIP_GZIP_ENCODING, true);
        in.setBody("");
        Path part = files.part(url);
        JsonNode meta = files.meta(url);
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        mostHere.merge(url, have, Math::max);
        String validator = meta == null ? null : ArchiveFiles.validator(meta);
        long from = 0;
        long overlap = 0;
        exchange.setVariable("nextPart", nextPart.remove(url));
        if (have > 0 && resumes(url)) {
            // the last bytes already here are asked for again, to be compared before anything is joined to them
            overlap = Math.min(have, overlaps.getOrDefault(url, OVERLAP));
            in.setHeader("Range", "bytes=" + (have - overlap) + "-");
            if (validator != null) {
                in.setHeader("If-Range", validator);
            } else if (unguarded.add(url)) {
                // a host without ETag or Last-Modified (a file host's own server): the resume's answer must name the
                // length first announced and send the last bytes here again, as a guarded one must too
                LOG.info("The host of {} gives no ETag or Last-Modified to resume under: the download resumes at {}, "
                        + "checked by the file's length and by the last bytes here, asked for again", files.name(url),
                        human(have));
            }
            from = have;
        }
        exchange.setVariable("rangeFrom", from);
        exchange.setVariable("rangeOverlap", overlap);
    }

    /**
     * Compares the first {@code overlap} bytes of a resumed answer with the last ones already here: a host
     * whose answer to a Range request is not the part it names (a server that sends its file from the start
     * under any Content-Range) would otherwise leave a broken archive under its final name. Such a URL is
     * asked for whole from now on, this run.
     */
    private void sameBytes(InputStream body, InputStream raw, Path part, long from, long overlap, long total, String url,
                           String name) throws IOException {
        String resume = resumeNote(url);
        int[] got = {0};
        byte[] came;
        try {
            came = transfer.firstBytes(body, raw, (int) overlap, name, from, total, resume, n -> got[0] = n);
        } catch (VideoFailure.Transient broke) {
            fewerToCompare(url, name, got[0], overlap);
            throw broke;
        }
        byte[] here = new byte[(int) overlap];
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(part)) {
            java.nio.ByteBuffer into = java.nio.ByteBuffer.wrap(here);
            while (into.hasRemaining() && file.read(into, from - overlap + into.position()) > 0) {
                // reads on until the overlap is in
            }
        }
        if (!java.util.Arrays.equals(came, 0, came.length, here, 0, came.length)) {
            files.discard(url);
            rangesLie.add(url);
            // which of the two is wrong cannot be told: a host that sends other bytes than it names, or a part here
            // damaged since it was written (a disk's error, a copy by hand); either way neither is joined
            LOG.warn("The host of {} answered the resume with other bytes than those here for the part it named (its "
                    + "answers to a part of the file cannot be trusted, or the part here was damaged): what came before is "
                    + "dropped, and a later attempt fetches it from its start, without resuming", name);
            throw new VideoFailure.Transient("the host of " + name + " answered the resume with other bytes than those "
                    + "here for the part it named; starting over, without resuming", "");
        }
        if (came.length < overlap) {
            fewerToCompare(url, name, came.length, overlap);
            throw new VideoFailure.Transient("the download of " + name + " ended as it resumed, before a byte not here "
                    + "already came; " + resume, "");
        }
    }

    /**
     * A resume's answer ended within the bytes it asked again to compare ({@code came} of {@code overlap}): nothing
     * new came, and a host that ends each answer there would never give the rest. The next resume asks again for half
     * of what came, so that its answer brings new bytes; an answer that brought fewer than two tells nothing.
     */
    private void fewerToCompare(String url, String name, long came, long overlap) {
        // resumed under the length alone, those bytes are all that checks what is joined: never fewer than a few KiB
        long fewest = ArchiveFiles.validator(files.meta(url)) == null ? FEWEST_UNGUARDED : 1;
        if (came / 2 >= fewest && came / 2 < overlaps.getOrDefault(url, OVERLAP)) {
            overlaps.put(url, came / 2);
            LOG.info("The host of {} ended its answer to a resume within the {} it asked again to compare, before a new "
                    + "byte came: the next resume asks again for {} only", name, human(overlap), human(came / 2));
        }
    }

    /**
     * What a resume's answer brought after the {@code overlap} bytes it asked again: nothing, and the next resume asks
     * again for fewer ({@link #fewerToCompare}); more than twice as many as it asks again, and the next asks again for
     * as many as before, up to {@link #OVERLAP} (an answer broken off once within them weakens no comparison for good).
     */
    private void broughtAfterOverlap(String url, String name, long overlap, long brought) {
        if (overlap > 0 && brought <= 0) {
            fewerToCompare(url, name, overlap, overlap);
        } else if (overlap > 0) {
            overlaps.computeIfPresent(url, (u, was) -> brought / 2 >= OVERLAP ? null : Math.max(was, brought / 2));
        }
    }

    /**
     * The host gave the part of the file its answer promised, whole, short of the file's end (a host, or a CDN, that
     * gives a file a part at a time): that is progress, and the next part is asked for at once, in the same attempt.
     */
    private void onePartCame(String url, String name, long partLength) {
        nextPart.add(url);
        if (inParts.add(url)) {
            LOG.info("The host of {} gives it a part at a time ({} an answer): each next part is asked "
                    + "for at once", name, human(partLength));
        }
    }

    /** Stores the answer: appended or from the start, checked against the announced length, then renamed. */
    public void store(Exchange exchange, @Variable("archiveUrl") String url, @Variable("rangeFrom") long from,
                      @Variable("rangeOverlap") long overlap, @Variable("nextPart") boolean goesOn) throws IOException {
        Message in = exchange.getIn();
        int code = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        InputStream raw = in.getBody(InputStream.class);
        InputStream body = raw;
        Path part = files.part(url);
        String name = files.name(url);
        long start;
        long total = -1;
        // where the part a 206 promised ends (after its last byte); -1: no 206
        long promisedEnd = -1;
        try {
            if (code == 206) {
                Object rangeHeader = in.getHeader("Content-Range");
                if (rangeHeader == null) {
                    files.discard(url);
                    throw new VideoFailure.Transient("the server sent a part of " + name + " without a Content-Range (a "
                            + "multipart answer, say), which cannot be joined to what came before; starting over", "");
                }
                String range = String.valueOf(rangeHeader);
                Matcher m = CONTENT_RANGE.matcher(range);
                if (!m.matches()) {
                    files.discard(url);
                    throw new VideoFailure.Transient("the server sent a part of " + name + " under a Content-Range that cannot be "
                            + "read (\"" + Redact.text(range, 100) + "\"); starting over", "");
                }
                long came = Long.parseLong(m.group(1));
                if (came != from - overlap) {
                    files.discard(url);
                    throw new VideoFailure.Transient(from == 0
                            ? "the server answered the request for all of " + name + " with its part from byte " + came
                            + " on, not from its start; starting over"
                            : "the server resumed " + name + " from byte " + came + ", not from byte " + (from - overlap)
                            + " as asked; starting over", "");
                }
                List<String> codings = HttpBodies.codings(in.getHeader("Content-Encoding"));
                String encoding = codings.size() == 1 ? HttpBodies.encoding(codings.get(0)) : null;
                if (codings.size() > 1 || encoding != null && !gzipFileItself(name, encoding)
                        || codings.size() == 1 && encoding == null) {
                    files.discard(url);
                    throw new VideoFailure.Transient("the server resumed " + name + " compressed on the way, which cannot "
                            + "be joined to what came before; starting over", "");
                }
                start = from;
                total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                promisedEnd = Long.parseLong(m.group(2)) + 1;
                if (changed(files.meta(url), in, total)) {
                    // a host that ignores If-Range sends the part asked of the file it has now
                    files.discard(url);
                    LOG.info("{} changed on the server since the interrupted download (its host answered the resume "
                            + "from the new file): what came before is dropped, and a later attempt fetches it from its start", name);
                    throw new VideoFailure.Transient(name + " changed on the server since the interrupted download "
                            + "(its host answered the resume from the new file): starting over", "");
                }
            } else if (code == 200) {
                String type = String.valueOf(in.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
                List<String> codings = HttpBodies.codings(in.getHeader("Content-Encoding"));
                String encoding = codings.size() == 1 ? HttpBodies.encoding(codings.get(0)) : null;
                if (codings.size() == 1 && encoding == null) {
                    // a coding this tool does not undo (zstd, br), though it asked for none: what the body is decides
                    byte[] head = head(body, raw);
                    body = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), body);
                    ArchiveFormat kind = ArchiveFormat.byMagic(head, head.length);
                    if (kind == null && head.length > 0) {
                        // (no first bytes at all: the reading fails below, in its own words)
                        throw new VideoFailure.Transient("the host of " + name + " sends it compressed on the way "
                                + "(Content-Encoding: " + Redact.text(codings.get(0), 64) + "), which this tool does not undo "
                                + "(it asks for none); it is not kept, and a later attempt asks again", "");
                    }
                    if (kind != null) {
                        LOG.info("The host of {} says it sends it compressed on the way (Content-Encoding: {}), but it comes "
                                + "as it is, a {} archive: it is kept as it comes", name, Redact.text(codings.get(0), 64),
                                kind.shown());
                    }
                } else if (codings.size() > 1) {
                    // encoded more than once on the way (gzip, gzip): each undone, the last applied first
                    if (HttpBodies.undone(in.getHeader("Content-Encoding")) == null) {
                        throw new VideoFailure.Transient("the host of " + name + " sends it encoded more than once on the "
                                + "way (Content-Encoding: " + Redact.text(String.join(", ", codings), 100) + "), in a way "
                                + "this tool does not undo; it is not kept, and a later attempt asks again", "");
                    }
                    // a .gz file's own gzip, named first (AddEncoding), stays: it is the file
                    int own = gzipFileItself(name, HttpBodies.encoding(codings.get(0))) ? 1 : 0;
                    // each only while the data begins as that coding's: one said twice of a body compressed once is
                    // undone once
                    body = decodedAs(body, codings.subList(own, codings.size()), name);
                    encoding = Redact.text(String.join(", ", codings), 100);
                } else if (encoding != null && gzipFileItself(name, encoding)) {
                    // a .tar.gz served with its type as an encoding (Apache's AddEncoding x-gzip .gz): the bytes are
                    // the file's own, kept as they are, with their length, validator and ranges
                    LOG.info("The host of {} says it is gzip-compressed on the way (Content-Encoding: {}), as servers "
                            + "do for .gz files: it is kept as it comes, the gzip file itself", name, encoding);
                    encoding = null;
                } else if (encoding != null) {
                    // what the body is decides: an archive's own first bytes (not gzip's) say the encoding named was
                    // never applied, and the bytes are the file's, with their length, validator and ranges
                    byte[] head = head(body, raw);
                    body = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), body);
                    ArchiveFormat kind = ArchiveFormat.byMagic(head, head.length);
                    if (kind != null && kind != ArchiveFormat.TAR_GZ) {
                        LOG.info("The host of {} says it sends it compressed on the way (Content-Encoding: {}), but it "
                                + "comes as it is, a {} archive: it is kept as it comes", name, encoding, kind.shown());
                        encoding = null;
                    } else {
                        body = decodedAs(body, encoding, name);
                    }
                }
                if (type.startsWith("text/html") || type.startsWith("application/xhtml")) {
                    // what the body is decides, not what its host calls it: an archive sent as a web page is the archive
                    byte[] head = head(body, raw);
                    body = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), body);
                    ArchiveFormat kind = ArchiveFormat.byMagic(head, head.length);
                    if (kind == null) {
                        VideoFailure notTheFile = pageInstead(url, name, body, type);
                        if (notTheFile != null) {
                            throw notTheFile;
                        }
                        // a download page confirmed: its form's URL is asked for now (againNow)
                        return;
                    }
                    LOG.info("The host of {} calls it a web page ({}), but it starts as a {} archive: it is taken as the "
                            + "archive", name, Shown.plain(type), kind.shown());
                }
                boolean perAnswer = from > 0 && etagPerAnswer(files.meta(url), in);
                if (perAnswer) {
                    // the same length and date under another ETag: the file is the same, its host's ETag is not (said
                    // in its record before a byte is read: this answer may be cut short too)
                    files.etagPerAnswer(url);
                    LOG.info("The host of {} gives the same file (its length and date) another ETag at each answer: its "
                            + "resumes are guarded by its Last-Modified date from now on", name);
                }
                if (from > 0 && !ArchiveFormat.numberedPart(name)) {
                    // the whole file again, in answer to a resume: what came gives way to an archive only, not to an
                    // error's text or a page sent instead of it (a passing refusal must not cost what came)
                    byte[] first = transfer.firstBytes(body, raw, (1 << 20) + 1, name, from, -1, resumeNote(url), n -> { });
                    if (ArchiveFormat.byMagic(first, first.length) == null
                            && pageOrText(first, first.length > 1 << 20 ? -1 : first.length)
                            && !notTheArchive(url, name, first, first.length > 1 << 20 ? -1 : first.length, "HTTP 200 " + type)) {
                        // a download page confirmed: its form's URL is asked for now (againNow), and resumes the part
                        return;
                    }
                    body = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(first), body);
                }
                if (from > 0 && !perAnswer) {
                    LOG.info("{} changed on the server since the interrupted download (or the server does not resume): "
                            + "fetching it whole again", name);
                }
                start = 0;
                // a chunked body ends when its chunks end, whatever Content-Length its host sent beside it
                total = String.valueOf(in.getHeader("Transfer-Encoding")).toLowerCase(Locale.ROOT).contains("chunked")
                        ? -1 : longHeader(in, "Content-Length");
                if (encoding != null) {
                    // compressed on the way though asked not to (decoded above): its length, validator and ranges are
                    // the compressed form's, which a later attempt may compress otherwise; what counts is what it decodes to
                    total = -1;
                    in.removeHeader("ETag");
                    in.removeHeader("Last-Modified");
                    LOG.info("The host of {} sends it compressed ({}), though asked not to: it is decoded as it comes, "
                            + "and checked as an archive of no announced length", name, encoding);
                }
                if (recheck.remove(url)) {
                    JsonNode before = files.meta(url);
                    if (!anotherCopy(before, in, total)) {
                        Path here = files.file(url);
                        copyHere.remove(url);
                        LOG.warn("The host of {} still has the copy fetched before ({}): it is not fetched again, and the "
                                + "one here is imported again as far as it can be read. A good copy can be given with "
                                + "--import-archive (a file, or a link to another host)", name, copyShown(before));
                        synchronized (this) {
                            fetched.put(url, here);
                        }
                        return;
                    }
                    LOG.info("The host of {} has another copy of it now ({}, where the one here is {}): it is fetched, and "
                            + "the one here stays until the new one is whole", name, copyShown(in, total), copyShown(before));
                }
            } else if (code == 416 && from > 0) {
                // all of it is here, when the file's whole length is what came, and what its host first announced
                Matcher m = UNSATISFIED.matcher(String.valueOf(in.getHeader("Content-Range")));
                JsonNode meta = files.meta(url);
                long announced = meta == null ? -1 : meta.path("length").asLong(-1);
                if (m.matches() && Long.parseLong(m.group(1)) == from && (announced < 0 || announced == from)) {
                    if (!isAnArchive(url, name, from, "HTTP 416")) {
                        return;
                    }
                    if (announced < 0) {
                        unannouncedLength(url, name, from, resumeNote(url));
                    }
                    finish(url, from);
                    return;
                }
                files.discard(url);
                throw new VideoFailure.Transient("the server no longer has " + name + " as it was; starting over", "");
            } else {
                String type = String.valueOf(in.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
                VideoFailure status = FailureClassifier.httpStatus(code, in.getHeader("Retry-After", String.class));
                if (code == 429) {
                    // the videos' pacing options (--max-requests, --sleep) do not pace an archive's attempts
                    status = VideoFailure.of(status.category(), "rate-limited by its host (HTTP 429): each attempt waits "
                            + "longer (--backoff), or as long as the host asks, up to --retry-attempts; a new run tries again", status.lastError(),
                            status.signal()).retryAfter(status.retryAfterMillis());
                }
                if (code >= 400 && (type.startsWith("text/html") || type.startsWith("application/xhtml"))) {
                    // a page that says why the file is not given (Drive's quota, under 403 as under 200) is read
                    DownloadPage answered = DownloadPage.of(page(decoded(in, body)), DownloadPage.direct(url));
                    String error = answered.error();
                    if (error != null) {
                        throw new VideoFailure.Transient("the link answered HTTP " + code + " with a page instead of " + name
                                + ", which says: " + Shown.plain(error), "HTTP " + code + " " + type);
                    }
                    String title = answered.title();
                    if (title != null) {
                        // its title says what the host wants ("Login required", "Link expired"): the status, and it
                        throw VideoFailure.of(status.category(), status.reason() + "; its page's title: \"" + title
                                + "\"", status.lastError(), status.signal()).retryAfter(status.retryAfterMillis());
                    }
                }
                throw status;
            }
            if (total > maxBytes) {
                files.discard(url);
                throw tooLarge(name, "its host announces " + human(total));
            }
            if (start == 0 && Files.isRegularFile(part) && Files.size(part) > 0) {
                // the whole file comes again: what is here goes before the record takes this answer's validator, so
                // that a run killed in between never resumes the old bytes under the new file's validator
                try (java.nio.channels.FileChannel old = java.nio.channels.FileChannel.open(part,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    old.truncate(0);
                }
            }
            files.writeMeta(url, in, total, false);
            // the name its host gave it, when its URL names none
            name = files.name(url);
            String resume = resumeNote(url);
            if (code == 206 && overlap > 0) {
                sameBytes(body, raw, part, start, overlap, total, url, name);
            }
            long written;
            try {
                written = transfer.copy(body, raw, part, start, total, promisedEnd, maxBytes, name, url, resume,
                        ArchiveFiles.resumable(files.meta(url)), goesOn,
                        p -> !ArchiveFormat.numberedPart(files.name(url)) && looksLikeAPage(p));
            } catch (ArchiveTransfer.PageInstead page) {
                // judged by its first MiB, as a page that ends is (a download page's form confirmed, a refusal said)
                if (isAnArchive(url, name, -1, ("HTTP " + code + " " + java.util.Objects.toString(in.getHeader("Content-Type"),
                        "")).strip())) {
                    files.discard(url);
                    throw new VideoFailure.Transient("the answer for " + name + " began as a web page; starting over", "");
                }
                return;
            } catch (VideoFailure.Transient broke) {
                if (code == 206) {
                    broughtAfterOverlap(url, name, overlap, (Files.isRegularFile(part) ? Files.size(part) : 0) - start);
                }
                throw broke;
            }
            if (code == 206 && !(written == 0 && start == total)) {
                // (a part already whole, its run ended before it took its name: nothing more was to come)
                broughtAfterOverlap(url, name, overlap, written);
            }
            long size = start + written;
            if (size > maxBytes) {
                files.discard(url);
                throw tooLarge(name, "more than that came, and its host announced no length");
            }
            if (total >= 0 && size > total) {
                files.discard(url);
                throw new VideoFailure.Transient("more came of " + name + " than the " + human(total) + " the server "
                        + "announced (an answer compressed on the way, though none was asked for?); what came is dropped, "
                        + "and a later attempt fetches it whole again", "");
            }
            if (code == 206 && size == promisedEnd && size - start >= SMALLEST_PART && size < total) {
                onePartCame(url, name, promisedEnd - (start - overlap));
                return;
            }
            if (code == 206 && size == promisedEnd && size < total) {
                // a part that brings a few bytes each time would have the next asked for without end: an attempt's
                // broken answer, retried after a pause, so that such a host is asked at the pace of the retries
                throw new VideoFailure.Transient("the host of " + name + " gives it in parts too small to follow at once ("
                        + human(size - start) + " new in an answer, fewer than " + human(SMALLEST_PART) + "); " + resume, "");
            }
            if (total >= 0 && size != total) {
                throw new VideoFailure.Transient("got " + human(size) + " of the " + human(total) + " of " + name
                        + " the server announced; " + resume, "");
            }
            if (size == 0) {
                files.discard(url);
                throw new VideoFailure.Transient("the link gave nothing for " + name + " (an empty answer); a later attempt "
                        + "asks again", "");
            }
            if (!isAnArchive(url, name, size, ("HTTP " + code + " " + java.util.Objects.toString(in.getHeader("Content-Type"), "")).strip())) {
                // a download page sent as the file, its form confirmed: its URL is asked for now (againNow)
                return;
            }
            if (total < 0) {
                unannouncedLength(url, name, size, resume);
            }
            finish(url, size);
        } catch (VideoFailure.Transient broke) {
            countAnewAfterProgress(exchange, url, name, from, total);
            throw broke;
        } finally {
            if (!nextPart.contains(url)) {
                progress.done();
            }
            HttpBodies.drop(raw);
        }
    }

    /**
     * The link answered with a web page: a download page whose form gives the file (Google Drive's, for a file
     * too large to scan for viruses) is confirmed, and its form's URL asked for at once (null: no failure);
     * one that says why the file is not given (Drive's quota) is a transient failure in its words; any other
     * page is the wrong link.
     */
    private VideoFailure pageInstead(String url, String name, InputStream body, String type) {
        DownloadPage page = downloadPage(url, body);
        if (confirm(url, name, page)) {
            return null;
        }
        VideoFailure refusal = refusal(page, name, "HTTP 200 " + type);
        if (refusal != null) {
            return refusal;
        }
        if (page.formUrl() != null) {
            // confirmed already: the same page again, or one page after another
            return new VideoFailure.Permanent("the link for " + name + " answered with its download page again after it "
                    + "was confirmed: its host no longer gives the file as a "
                    + "browser's confirmation did; download it in a browser and give the file with --import-archive FILE",
                    "HTTP 200 " + type);
        }
        String title = page.title();
        return new VideoFailure.Permanent("the link answered with a web page" + (title == null ? "" : " (\"" + title + "\")")
                + ", not an archive (" + pageAdvice(DownloadPage.direct(url), title) + ")", "HTTP 200 " + type);
    }

    /** A page the link answered with, its first MiB read, its links resolved against the URL it was asked at. */
    private DownloadPage downloadPage(String url, InputStream body) {
        return DownloadPage.of(page(body), confirmed.getOrDefault(url, DownloadPage.direct(url)));
    }

    /**
     * A download page's form (Google Drive's, for a file it cannot scan for viruses), confirmed: true when its URL is
     * to be asked for now; false when it has none, or gave it already, or pages keep coming.
     */
    private boolean confirm(String url, String name, DownloadPage page) {
        String next = page.formUrl();
        if (next != null && !next.equals(confirmed.get(url)) && pages.merge(url, 1, Integer::sum) <= MOST_PAGES) {
            confirmed.put(url, next);
            confirmNow.add(url);
            LOG.info("The link for {} answered with a page that asks to confirm the download (as Google Drive does for "
                    + "a file it cannot scan for viruses): confirmed", name);
            return true;
        }
        return false;
    }

    /** What a page says went wrong (Drive's quota), a transient failure in its words; null when it says nothing. */
    private static VideoFailure refusal(DownloadPage page, String name, String answer) {
        String error = page.error();
        return error == null ? null : new VideoFailure.Transient("the link answered with a page instead of " + name
                + ", which says: " + Shown.plain(error), answer);
    }

    /**
     * The first bytes of an answer that its host calls a web page, which tell whether it is one or an archive;
     * read for a bounded time (none when they do not come in it: a page that trickles is still a page).
     */
    private static byte[] head(InputStream body, InputStream raw) {
        try (Deadline reading = Deadline.after(MediaFileFetcher.PAGE_MILLIS, () -> HttpBodies.drop(raw))) {
            return body.readNBytes(ArchiveFormat.HEAD);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Whether an answer said to be gzip-encoded is a gzip file's own bytes: its name says it is one (.gz, .tgz). */
    static boolean gzipFileItself(String name, String encoding) {
        String n = name.toLowerCase(Locale.ROOT);
        return !encoding.equals("deflate") && (n.endsWith(".gz") || n.endsWith(".tgz"));
    }

    /**
     * An archive's body decoded as its Content-Encoding says; one that does not start as that encoding does (a host
     * that names an encoding it did not apply), or that ends before it starts, is said in our words.
     */
    private static InputStream decodedAs(InputStream body, String encoding, String name) {
        return decodedAs(body, List.of(encoding), name);
    }

    private static InputStream decodedAs(InputStream body, List<String> codings, String name) {
        String encoding = String.join(", ", codings);
        try {
            return HttpBodies.decoded(body, codings);
        } catch (IOException e) {
            String words = HttpTrouble.words(e);
            throw new VideoFailure.Transient("the host of " + name + " says it sends it compressed (Content-Encoding: "
                    + encoding + "), but what came does not start as " + encoding + " data does"
                    + (e instanceof HttpBodies.CodingCutShort ? " (it ended first)" : "") + "; a later attempt asks again",
                    words == null || e instanceof HttpBodies.CodingCutShort ? "" : words);
        }
    }

    /**
     * An answer's body as its Content-Encoding says (a page compressed on the way), to be read; nothing when it is
     * not so encoded (its status then says what there is to say).
     */
    private static InputStream decoded(Message in, InputStream body) {
        String encoding = HttpBodies.encoding(in.getHeader("Content-Encoding", String.class));
        try {
            return encoding == null ? body : HttpBodies.decoded(body, encoding);
        } catch (IOException notSoEncoded) {
            return InputStream.nullInputStream();
        }
    }

    /** A page's first MiB, read for a bounded time; "" when it cannot be read. */
    private static String page(InputStream body) {
        try {
            return readPage(body, MediaFileFetcher.PAGE_MILLIS);
        } catch (IOException e) {
            return "";
        }
    }

    /** A page's first MiB, read for at most {@code millis}: one trickled a byte at a time holds nothing. */
    static String readPage(InputStream body, long millis) throws IOException {
        try (Deadline reading = Deadline.after(millis, () -> HttpBodies.drop(body))) {
            return new String(body.readNBytes(1 << 20), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A Dropbox link that asks for the file itself: {@code dl=1} (or {@code raw=1}) in its query. */
    private static final Pattern DOWNLOAD_ASKED = Pattern.compile("[?&](?:dl|raw)=1(?:&|#|$)");

    /**
     * What a share link that gave a web page titled {@code title} may need: one whose title says the file is not there
     * (Drive's "Page Not Found" at 200) is not a matter of how the file is shared.
     */
    static String pageAdvice(String url, String title) {
        return title != null && NOT_THERE.matcher(title).find()
                ? "its page says the file is not there: the link is wrong, or its file was deleted; ask whoever shared it "
                  + "for a current link"
                : title != null && CONFIRM_PAGE.matcher(title).find()
                ? "its host's download page could not be confirmed as a browser does: download the file in a browser and "
                  + "give it with --import-archive FILE"
                : pageAdvice(url);
    }

    /** Words of a page's title that say it is a host's page to confirm a download (Drive's virus-scan warning). */
    private static final Pattern CONFIRM_PAGE = Pattern.compile(
            "virus scan|can.t scan|cannot scan|download anyway|download warning", Pattern.CASE_INSENSITIVE);

    /** What a share link that gave a web page may need, for the host it is on. */
    static String pageAdvice(String url) {
        String host;
        try {
            host = String.valueOf(java.net.URI.create(url).getHost()).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            host = "";
        }
        if (host.equals("dropbox.com") || host.endsWith(".dropbox.com") || host.endsWith(".dropboxusercontent.com")) {
            // a link that asks for the file already: the page is Dropbox's refusal, not the preview
            return DOWNLOAD_ASKED.matcher(url).find()
                    ? "the link asks Dropbox for the file itself (dl=1), and got a page: the file may be no longer shared, "
                      + "or need a password or a sign-in; open the link in a browser"
                    : "a Dropbox link gives the file itself with ?dl=1";
        }
        if (host.endsWith("google.com") && DownloadPage.driveFolder(url)) {
            return "a Google Drive folder is no file: fetch it with `gdown --folder URL -O DIR`, then give --import-archive DIR";
        }
        if (host.endsWith("google.com")) {
            return "Google Drive answers with its sign-in page when the file is not shared with anyone who has the link";
        }
        return "a share link must be the one that gives the file itself: ?dl=1 on Dropbox, and on Google Drive a file "
                + "shared with anyone who has the link";
    }

    /** Words of a page's title that say the file asked for is not there. */
    private static final Pattern NOT_THERE = Pattern.compile(
            "not found|\\b404\\b|does not exist|doesn't exist|no longer (available|exists)|deleted|removed", Pattern.CASE_INSENSITIVE);

    /** Words that say a text answer is a host's passing refusal (a limit, a quota, a busy server), not the wrong link. */
    private static final Pattern PASSING = Pattern.compile(
            "try again|rate.?limit|too many|quota|later|temporar|unavailable|busy|exceeded", Pattern.CASE_INSENSITIVE);

    /**
     * What the link gave must be an archive (or a numbered part of a split one) to be kept: a web page, or a
     * short text (an error sent as if it were the file, "rate limit exceeded"), is dropped with its words, so
     * that the next attempt, or run, asks again. A file of another kind is kept: fetching it again would not
     * change it, and its import says what it is not. A download page (whatever its Content-Type said) is
     * confirmed, or its refusal said, as {@link #pageInstead} does: false when its form's URL is to be asked for now.
     */
    private boolean isAnArchive(String url, String name, long size, String answer) throws IOException {
        if (ArchiveFormat.numberedPart(name)) {
            return true;
        }
        Path part = files.part(url);
        try {
            ArchiveFormat.of(part);
            return true;
        } catch (BadInputException notAnArchive) {
            // what is it, then
        }
        byte[] start;
        try (InputStream in = Files.newInputStream(part)) {
            start = in.readNBytes(1 << 20);
        }
        if (!pageOrText(start, size)) {
            return true;
        }
        files.discard(url);
        return notTheArchive(url, name, start, size, answer);
    }

    /** Whether an answer that starts with {@code start} ({@code size} bytes in all; -1: more than 1 MiB) is a web page or short text. */
    private static boolean pageOrText(byte[] start, long size) {
        return looksLikeAPage(start) || textStart(start, size) != null;
    }

    /**
     * A web page or short text sent instead of the archive ({@code start}: its first MiB), said: a download page's
     * form is confirmed (false: its URL is asked for now, whatever the Content-Type said), its refusal (Drive's
     * quota) said in its words; any other page, or the text's first line, thrown as the failure it is.
     */
    private boolean notTheArchive(String url, String name, byte[] start, long size, String answer) {
        boolean page = looksLikeAPage(start);
        String title = null;
        if (page) {
            DownloadPage said = downloadPage(url, new java.io.ByteArrayInputStream(start));
            if (confirm(url, name, said)) {
                return false;
            }
            VideoFailure refusal = refusal(said, name, answer);
            if (refusal != null) {
                throw refusal;
            }
            title = said.title();
        }
        String text = page ? "" : textStart(start, size);
        String what = "what the link gave for " + name + " (" + (size < 0 ? "more than 1.0 MiB" : human(size)) + ") is "
                + (page ? "a web page" + (title == null ? "" : " (\"" + title + "\")")
                        : "text (\"" + Shown.plain(Redact.text(Redact.secrets(text), 160)) + "\")")
                + ", not a zip, tar, tar.gz, RAR or 7z archive; it is not kept";
        throw page || !PASSING.matcher(text).find()
                ? new VideoFailure.Permanent(what + (page ? " (" + pageAdvice(url, title) + ")" : ""), "")
                : new VideoFailure.Transient(what + ", and a later attempt asks again", "");
    }

    /**
     * A terminal's sequences, which are a text's decoration, not binary: its colours and cursor moves (ESC [ …
     * a letter), a window's title and the like (ESC ] …, ESC P …, ending in BEL or ESC \), and ESC with one
     * character more.
     */
    private static final Pattern TERMINAL = Pattern.compile(
            "\u001b[\\]P_^X][^\u0007\u001b]*(?:\u0007|\u001b\\\\)|\u001b\\[[0-?]*[ -/]*[@-~]|\u001b[ -/]*[0-~]");

    /** A text without a terminal's sequences (its colours, a window's title), as a line of ours shows it. */
    static String withoutTerminalCodes(String text) {
        return TERMINAL.matcher(text).replaceAll("");
    }

    /**
     * The first line of a file that is short text (at most 1 MiB), or null for anything else: text is what
     * starts with no archive's magic number, holds no NUL in its first 4 KiB, and nine characters of ten
     * of it printable once a terminal's sequences are set aside; bytes that are not UTF-8 are not printable.
     */
    static String textStart(Path file, long size) {
        if (size > (1 << 20) || size == 0) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return textStart(in.readNBytes(4096), size);
        } catch (IOException e) {
            return null;
        }
    }

    /** The same, of a file or an answer that starts with {@code start} and is {@code size} bytes long (-1: unknown). */
    static String textStart(byte[] start, long size) {
        if (size > (1 << 20) || size <= 0) {
            return null;
        }
        byte[] head = java.util.Arrays.copyOf(start, Math.min(start.length, 4096));
        if (ArchiveFormat.byMagic(head, head.length) != null) {
            return null;
        }
        // decoded as far as it came (a multi-byte character cut at 4 KiB is not what makes it binary), a byte that
        // is not UTF-8 (a stray one, another encoding's) as U+FFFD, which counts against it below
        java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(head.length);
        java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)
                .decode(java.nio.ByteBuffer.wrap(head), chars, head.length == size);
        String text = chars.flip().toString();
        if (text.indexOf('\0') >= 0) {
            return null;
        }
        // a terminal's colours and titles, or a stray bell, are still text; more than one character in ten that
        // is not printable (a control character, a byte that is not UTF-8) is not
        String bare = TERMINAL.matcher(text).replaceAll("");
        long odd = bare.chars().filter(c -> c == '\uFFFD' || Character.isISOControl(c) && c != '\t' && c != '\n'
                && c != '\r' && c != '\f' && c != 0x1b).count();
        if (odd * 10 > bare.length()) {
            return null;
        }
        return text.replace("\uFEFF", "").lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }

    /**
     * Whether the archive is asked for again now, in the same attempt: its link's download page was just confirmed
     * (its form's URL is asked for), or its host just gave a part of it, whole, short of its end (the next part is).
     */
    public boolean againNow(@Variable("archiveUrl") String url) {
        return url != null && (confirmNow.remove(url) || nextPart.contains(url));
    }

    /** Whether a file begins as a web page does: with a tag ({@code <!DOCTYPE}, {@code <html}, …) after blanks. */
    static boolean looksLikeAPage(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return looksLikeAPage(in.readNBytes(512));
        } catch (IOException e) {
            return false;
        }
    }

    /** The same, of the first bytes of a file or an answer. */
    static boolean looksLikeAPage(byte[] head) {
        String start = new String(head, 0, Math.min(head.length, 512), java.nio.charset.StandardCharsets.ISO_8859_1).stripLeading()
                .replaceFirst("^\u00EF\u00BB\u00BF", "");
        return start.startsWith("<");
    }

    private VideoFailure tooLarge(String name, String why) {
        return new VideoFailure.Permanent(name + " is larger than avqa.archive.max-size (" + human(maxBytes) + "): "
                + why + "; it is not taken, and what came is dropped", "");
    }

    /**
     * What becomes of the bytes that came when a download breaks off: a part resumes under the host's validator
     * (a strong ETag, or a Last-Modified date), or else under the whole length it announced; without either the
     * next attempt starts over.
     */
    private String resumeNote(String url) {
        JsonNode meta = files.meta(url);
        return ArchiveFiles.resumable(meta)
                ? "what came is kept, and a later attempt resumes there"
                : "the host gives no ETag, Last-Modified or length to resume under, so a later attempt fetches it whole again";
    }

    /**
     * The host announced no length, so a connection that closed early looks like the end of the file:
     * the archive must read to its end, and end as its format ends, before it counts as whole. A numbered
     * part of a split archive cannot be read on its own; its import reads the parts together.
     */
    private void unannouncedLength(String url, String name, long size, String resume) throws IOException {
        if (ArchiveFormat.numberedPart(name)) {
            LOG.warn("The host announced no length for {}, a part of a split archive, which cannot be read on its own: "
                    + "the {} that came are taken as the whole part, and its import reads the parts together", name,
                    human(size));
            return;
        }
        switch (listing.check(files.part(url))) {
            case WHOLE -> LOG.info("The host announced no length for {}; the {} that came read as a whole archive",
                    name, human(size));
            case DAMAGED -> throw new VideoFailure.Transient("the host announced no length for " + name + ", and the "
                    + human(size) + " that came do not read as a whole archive (cut short?); " + resume, "");
            case UNCHECKED -> LOG.warn("The host announced no length for {}, and it cannot be checked without bsdtar: "
                    + "the {} that came are taken as whole", name, human(size));
        }
    }

    /**
     * Whether the host's answer is another copy of the file than the one its record here was written for: another
     * length (whatever the validators say: a host was seen to keep its ETag for a whole file after a cut one), or
     * another validator (a strong ETag, else the Last-Modified date). An answer that gives nothing to compare is the
     * same copy: a file of gigabytes is not fetched again on a guess.
     */
    static boolean anotherCopy(JsonNode before, Message answer, long total) {
        if (before == null) {
            return true;
        }
        long length = before.path("length").asLong(-1);
        if (length >= 0 && total >= 0 && length != total) {
            // another length is another copy, whatever its validator says (a host that kept its ETag for a new file)
            return true;
        }
        String was = ArchiveFiles.validator(before);
        String now = validator(before, answer);
        return was != null && now != null && was.startsWith("\"") == now.startsWith("\"") && !was.equals(now);
    }

    /** "ETag "v1", 1.2 GiB": what tells a copy of an archive apart, as its record here says it. */
    private static String copyShown(JsonNode meta) {
        String validator = meta == null ? null : ArchiveFiles.validator(meta);
        long length = meta == null ? -1 : meta.path("length").asLong(-1);
        return copyShown(validator, length);
    }

    /** The same, as a host's answer says it. */
    private static String copyShown(Message answer, long total) {
        return copyShown(validator(answer), total);
    }

    /**
     * Whether an answer that gives a file whole in place of a resume has the same length and Last-Modified date as the
     * record here, and another strong ETag than the record's: its host's ETag changes from answer to answer.
     */
    static boolean etagPerAnswer(JsonNode before, Message answer) {
        if (before == null || before.path(ArchiveFiles.ETAG_PER_ANSWER).asBoolean(false)) {
            return false;
        }
        String etag = before.path("etag").asText(null);
        String date = before.path("last_modified").asText(null);
        long length = before.path("length").asLong(-1);
        String now = answer.getHeader("ETag", String.class);
        return etag != null && !etag.startsWith("W/") && now != null && !now.startsWith("W/") && !etag.equals(now)
                && date != null && date.equals(answer.getHeader("Last-Modified", String.class))
                && length >= 0 && length == longHeader(answer, "Content-Length");
    }

    /** An answer's validator as the record here is guarded: its Last-Modified date where the host's ETag changes per answer. */
    private static String validator(JsonNode before, Message answer) {
        return before != null && before.path(ArchiveFiles.ETAG_PER_ANSWER).asBoolean(false)
                ? answer.getHeader("Last-Modified", String.class) : validator(answer);
    }

    /** An answer's validator: its strong ETag, else its Last-Modified date; null when it gives neither. */
    private static String validator(Message answer) {
        String etag = answer.getHeader("ETag", String.class);
        return etag != null && !etag.startsWith("W/") ? etag : answer.getHeader("Last-Modified", String.class);
    }

    private static String copyShown(String validator, long length) {
        String shown = validator == null ? "" : (validator.startsWith("\"") ? "ETag " : "Last-Modified ")
                + Shown.plain(Redact.text(validator, 80));
        String size = length < 0 ? "" : human(length);
        return shown.isEmpty() && size.isEmpty() ? "no ETag, date or length to tell it apart"
                : shown.isEmpty() ? size : size.isEmpty() ? shown : shown + ", " + size;
    }

    /** The archive could not be fetched: one line, and the run goes on with what it has. */
    public void failed(Exchange exchange, @Variable("archiveUrl") String url) {
        progress.done();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // in our words, and the host's or the system's last words after them (a reset connection, a page's type)
        String why = Shown.of(cause);
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // (an HTTP status is in our words already)
            if (t instanceof VideoFailure f && !f.lastError().isBlank() && !f.lastError().startsWith("HTTP Error ")) {
                why += "; last error: " + Shown.plain(Redact.text(Redact.secrets(f.lastError()), 200));
                break;
            }
        }
        recheck.remove(url);
        failedThisRun.add(url);
        Path here = files.file(url);
        if (copyHere.remove(url) && Files.isRegularFile(here)) {
            LOG.warn("The archive at {} could not be fetched again ({}); the copy here, {}, is imported again as far as it "
                    + "can be read", Redact.url(url), why, here.getFileName());
            synchronized (this) {
                fetched.put(url, here);
            }
            return;
        }
        LOG.warn("The archive at {} could not be fetched ({}){}", Redact.url(url), why, isDatasetArchive(url)
                ? "; its clips come from the dataset's other source (YouTube) instead" : "; it is not imported");
        if (!isDatasetArchive(url)) {
            notFetched.add(url);
        }
    }

    /**
     * The archives given with --import-archive that this run could not fetch: the run exits 1, since its
     * videos, without another source, count as no-source, which alone would not fail it.
     */
    public List<String> notFetched() {
        List<String> out = new ArrayList<>();
        for (String url : notFetched) {
            Path standIn = standIn(url);
            if (standIn == null) {
                out.add(Redact.url(url));
            } else if (saidStandIn.add(url)) {
                LOG.info("The archive {} that {} gives was brought by another link too, kept as {}: that copy was read in "
                        + "its place", files.name(url), Redact.url(url), standIn.getFileName());
            }
        }
        return out;
    }

    private final java.util.Set<String> saidStandIn = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A whole copy of this URL's archive (not fetched), a later part or volume, that another link brought under its
     * hash and that the import read in its place ({@link ArchiveFiles#hashedCopyOf}); null when none.
     */
    private Path standIn(String url) {
        Path named = files.dir().resolve(files.name(url));
        return ArchiveFormat.laterPartByName(named.getFileName().toString()) ? ArchiveFiles.hashedCopyOf(named) : null;
    }

    /**
     * Whether a resume's answer comes from another file than the part here: its validator (a strong ETag,
     * else its Last-Modified) or its whole length differs from what the interrupted download was told.
     */
    static boolean changed(JsonNode before, Message answer, long total) {
        if (before == null) {
            return false;
        }
        String was = ArchiveFiles.validator(before);
        String now = validator(before, answer);
        if (was != null && now != null && was.startsWith("\"") == now.startsWith("\"") && !was.equals(now)) {
            return true;
        }
        long length = before.path("length").asLong(-1);
        if (was == null && length >= 0 && total != length) {
            // resumed under the length alone (no validator): an answer that does not name it guards nothing
            return true;
        }
        return length >= 0 && total >= 0 && length != total;
    }

    private void finish(String url, long size) throws IOException {
        copyHere.remove(url);
        Path same = files.sameFileHere(url, size);
        Path file = same == null ? files.finish(url, size) : files.keepOnce(url, size, same);
        if (same == null) {
            LOG.info("Fetched the archive {} ({})", file.getFileName(), human(size));
            fold(file);
        } else {
            // one file by two links: a second copy under another name would be read as another archive (a part of
            // one whose first part is missing, for a later part of a split archive)
            LOG.info("Fetched the archive {} ({}) from {}: the same bytes as the one here from another link, kept once",
                    file.getFileName(), human(size), Redact.url(url));
        }
        synchronized (this) {
            fetched.put(url, file);
        }
    }

    /** Copies of {@code file} another link brought with its bytes, under that link's hash, give way to it. */
    private void fold(Path file) throws IOException {
        List<Path> folded = files.foldCopiesInto(file);
        if (!folded.isEmpty()) {
            synchronized (this) {
                fetched.replaceAll((link, path) -> folded.contains(path) ? file : path);
            }
            LOG.info("Another link had brought the same bytes as {}, kept as {}: that copy gives way to it, kept once",
                    file.getFileName(), String.join(", ", folded.stream().map(p -> p.getFileName().toString()).toList()));
        }
    }

    private static long longHeader(Message in, String name) {
        String v = in.getHeader(name, String.class);
        try {
            return v == null ? -1 : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String size(Path file) {
        try {
            return human(Files.size(file));
        } catch (IOException e) {
            return "?";
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

}
