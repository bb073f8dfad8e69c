package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Objects;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --import-archive}, and the archives fetched by URL: which archives to read, which of their
 * entries are videos of the plan (matched by file name, wherever they sit in the archive: {@code
 * <id>.<video-format>}; nothing is guessed), and the writing of an entry into the video's work
 * directory, at most {@code avqa.archive.max-entry-size} bytes of it. Entries of videos already
 * complete are skipped, so an interrupted import resumes; entries that match nothing planned are
 * counted and named in one line, and so are archives inside the archive, which are not opened.
 */
public final class ArchiveImport {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.import");

    private final List<Path> local;
    private final ArchiveFetch fetched;
    private final VideoPlanner planner;
    private final ImportLedger ledger;
    private final ImportsInFlight inFlight;
    private final DiskFull diskFull;
    private final String videoExt;
    private final long maxEntryBytes;
    private final RunControl run;
    private final AtomicInteger matched = new AtomicInteger();
    private final AtomicInteger alreadyComplete = new AtomicInteger();
    /** Entries of videos the plan found here, needing only their audio or frames. */
    private final AtomicInteger videoHere = new AtomicInteger();
    private final EntryExamples unmatched = new EntryExamples(120);
    /** Entries named as planned videos, in another container than --video-format's. */
    private final EntryExamples otherFormat = new EntryExamples(120);
    private final EntryExamples repeated = new EntryExamples(120);
    private final EntryExamples notFiles = new EntryExamples(160);
    /** The entries of the archive being read that are archives themselves (not opened). */
    private final EntryExamples archivesInside = new EntryExamples(200);
    /** The videos an entry of this archive was taken as and found larger than avqa.archive.max-entry-size. */
    private final java.util.Set<String> pastTheCap = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The later entries of such a video's name, not read. */
    private final EntryExamples afterPastTheCap = new EntryExamples(120);
    /** The videos this archive's entries were taken as, in this run. */
    private final List<String> taken = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The archives of this run that could not be read to their end (damaged, or none of the kinds read). */
    private final List<String> unreadable = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The split archives of this run that lacked a part or a volume. */
    private final List<String> lackingParts = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The archives of this run that hold files encrypted with a password (or whose list of files is). */
    private final List<String> encrypted = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What reads the archives' entries: whether a split archive lacks a part (null in tests of this bean alone). */
    private volatile ArchiveEntries entries;
    /** The archives of this run with an entry whose bytes failed the archive's own check (its CRC-32, say). */
    private final List<String> damaged = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The later parts of split archives given whose first part is not here: this run could read nothing of them. */
    private final List<String> notReadAlone = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The zips spanned by zip -s met in a folder or fetched (their last volumes' names): not read. */
    private final List<String> spanned = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ArchiveImport(List<Path> local, ArchiveFetch fetched, VideoPlanner planner, ImportLedger ledger,
                         ImportsInFlight inFlight, DiskFull diskFull, String videoExt, long maxEntryBytes, RunControl run) {
        this.run = run;
        this.local = local;
        this.fetched = fetched;
        this.planner = planner;
        this.ledger = ledger;
        this.inFlight = inFlight;
        this.diskFull = diskFull;
        this.videoExt = videoExt;
        this.maxEntryBytes = maxEntryBytes;
    }

    /**
     * The archives to import: those given as files and those fetched; none when the plan has nothing
     * left that an archive could provide (a rerun over a complete dataset reads no archive).
     */
    public List<String> list(@Variable("laterPass") Boolean pass) {
        boolean laterPass = Boolean.TRUE.equals(pass);
        if (!laterPass) {
            // a new run (a service's nightly one): what an earlier run could not read is said by that run alone
            unreadable.clear();
            notReadAlone.clear();
            spanned.clear();
            lackingParts.clear();
            encrypted.clear();
            damaged.clear();
        }
        List<String> out = new ArrayList<>();
        if (planner.plannedVideos() == planner.completeCount()) {
            return out;
        }
        // the later pass: the dataset's own archive, fetched after the archives given here were imported
        for (Path p : laterPass ? List.<Path>of() : local) {
            out.add(p.toString());
            if (Files.isDirectory(p)) {
                // a folder of archives (gdown --folder's): each is imported as if given on its own
                out.addAll(archivesIn(p));
            }
        }
        for (Path p : fetched.fetchedThisPass(laterPass)) {
            // the later pass's archive given as a file too (the tool's own earlier download, archives/x.rar): read once
            if (!laterPass || local.stream().noneMatch(given -> sameFile(given, p))) {
                out.add(p.toString());
            }
        }
        // an archive given on its own and found in a folder given too (or a folder given twice) is read once
        List<String> once = new ArrayList<>(new java.util.LinkedHashSet<>(out));
        out.clear();
        out.addAll(once);
        // a zip spanned by zip -s, in a folder given or fetched by URL, is read by neither reader: said once for its
        // volumes here, none of which is read (given as a file, it is refused before the run starts)
        java.util.Set<Path> spannedHere = new java.util.HashSet<>();
        out.removeIf(p -> {
            Path last = Files.isDirectory(Path.of(p)) ? null : ArchiveFormat.spannedZip(Path.of(p));
            if (last != null && spannedHere.add(last.toAbsolutePath().normalize())) {
                LOG.error("Nothing of {} was imported: {}", Redact.text(last.getFileName().toString(), 200),
                        ArchiveFormat.spannedZipSaid(Path.of(p), last));
                spanned.add(Redact.text(last.getFileName().toString(), 200));
            }
            return last != null;
        });
        // the later parts of a split archive are read with its first part: not again, alone, as an archive
        java.util.Set<String> later = new java.util.HashSet<>();
        for (String first : out) {
            if (Files.isDirectory(Path.of(first))) {
                continue;
            }
            List<Path> parts = ArchiveFormat.parts(Path.of(first));
            parts.stream().skip(1).forEach(p -> later.add(p.toString()));
        }
        out.removeIf(later::contains);
        // nor is a later part whose first part is not here (its download failed, say): alone it is no archive;
        // one whose first part is here comes after a part that is missing, which that first part's import names
        java.util.Set<Path> firsts = new java.util.HashSet<>();
        out.forEach(p -> firsts.add(Path.of(p).toAbsolutePath().normalize()));
        out.removeIf(p -> {
            String name = Path.of(p).getFileName().toString();
            boolean laterPart = !Files.isDirectory(Path.of(p)) && ArchiveFormat.laterPart(Path.of(p));
            Path first = laterPart ? ArchiveFormat.firstPart(Path.of(p)) : null;
            boolean afterAGap = first != null && firsts.contains(first.toAbsolutePath().normalize());
            boolean orphan = laterPart && !afterAGap;
            Path copied = orphan ? ArchiveFiles.copyOf(Path.of(p)) : null;
            if (copied != null && (later.contains(copied.toString()) || out.contains(copied.toString()))) {
                // a second link's copy of a part here, kept apart under its hash: its bytes are not the part's
                LOG.warn("{} is another link's copy of {}, kept apart as its bytes are not those of the one here: it is "
                        + "not read (the one here is); if the archive cannot be read, the two links give different "
                        + "files", Redact.text(name, 200), Redact.text(copied.getFileName().toString(), 200));
                // (one with the same bytes gave way to it when the fetch found it here: ArchiveFetch.fold)
            } else if (orphan) {
                LOG.warn("{} is a later part of a split archive whose first part is not here: it is not read alone",
                        Redact.text(name, 200));
                // nothing of it is imported: the run's exit status says so
                notReadAlone.add(Redact.text(name, 200));
            }
            return laterPart;
        });
        return out;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The archives under a folder, in name order: files of any name but a video's that start as an archive. */
    private List<String> archivesIn(Path folder) {
        List<String> found = new ArrayList<>();
        try {
            // a folder under it that cannot be read is said once, by its import (FolderEntries), which follows
            for (Path f : FileTrees.filesUnder(folder, unreadable -> { }, entries == null ? null : entries.dataDir())) {
                String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.endsWith(".mp4") || name.endsWith(".mkv") || name.startsWith(".")) {
                    continue;
                }
                try {
                    if (ArchiveFormat.of(f) != ArchiveFormat.TAR_GZ || ArchiveFormat.holdsATar(f)) {
                        found.add(f.toString());
                    }
                } catch (BadInputException notAnArchive) {
                    // a later part of a split archive is read with its first; any other file is none
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("The folder {} cannot be searched for archives ({})", Redact.text(folder.toString(), 300),
                    e instanceof IOException io ? FileTrees.describe(io) : Shown.of(e));
        }
        if (!found.isEmpty()) {
            LOG.info("The folder {} holds {} archive files, read after it (a split archive's later parts with its first): {}", Redact.text(folder.getFileName().toString(), 200),
                    found.size(), found.stream().limit(10).map(f -> Redact.text(folder.relativize(Path.of(f)).toString(), 200)).toList());
        }
        return found;
    }

    /**
     * The archive could not be read to its end: the run's exit status says so. One that lacks a part or a volume
     * is no damaged copy: the next run does not ask for another copy of the parts here (what is missing is said).
     */
    public void unreadable(@Variable("archive") String archive) {
        if (entries != null && entries.lacksAPart(archive)) {
            partMissing(archive);
            return;
        }
        if (entries != null && entries.isEncrypted(archive)) {
            encrypted(archive);
            return;
        }
        unreadable.add(Redact.text(Path.of(archive).getFileName().toString(), 200));
        fetched.foundUnreadable(Path.of(archive));
    }

    /**
     * The split archive had a part missing between those here: the run's exit status says it could not be read
     * whole; the parts here are kept as they are (what is missing is the part, not a better copy of these).
     */
    public void partMissing(@Variable("archive") String archive) {
        String name = Redact.text(Path.of(archive).getFileName().toString(), 200);
        if (!lackingParts.contains(name)) {
            lackingParts.add(name);
            unreadable.add(name);
        }
    }

    /**
     * The archive holds files encrypted with a password (said as it was opened): the run's exit status says it could
     * not be read whole; no other copy is asked for (it would be as encrypted), and their videos come from their sources.
     */
    public void encrypted(@Variable("archive") String archive) {
        String name = Redact.text(Path.of(archive).getFileName().toString(), 200);
        if (!encrypted.contains(name)) {
            encrypted.add(name);
            unreadable.add(name);
        }
    }

    /** The archives of this run that hold files encrypted with a password (among {@link #unreadable}). */
    public List<String> encryptedArchives() {
        return List.copyOf(encrypted);
    }

    /** The split archives of this run that lacked a part or a volume (among {@link #unreadable}). */
    public List<String> lackingParts() {
        return List.copyOf(lackingParts);
    }

    /**
     * An entry of the archive could not be read whole or failed its check: the run's end says which archive, and the
     * next run asks its host (when it was fetched by URL) whether it has another copy, as for an archive not readable to
     * its end. A copy damaged here, or a split archive whose parts came from two uploads, is otherwise imported again
     * as it is at every run, its videos failing each time.
     */
    private void damaged(String archive) {
        String name = Redact.text(Path.of(archive).getFileName().toString(), 200);
        synchronized (damaged) {
            if (damaged.contains(name)) {
                return;
            }
            damaged.add(name);
        }
        fetched.foundUnreadable(Path.of(archive));
    }

    /** The archives of this run with an entry that could not be read whole or failed its check. */
    public List<String> damaged() {
        return List.copyOf(damaged);
    }

    /** What reads the archives' entries, which knows the split archives that lack a part. */
    public void readBy(ArchiveEntries entries) {
        this.entries = entries;
    }

    /** The later parts of split archives of this run whose first part is not here, not read at all. */
    public List<String> notReadAlone() {
        return List.copyOf(notReadAlone);
    }

    /** The zips spanned by zip -s of this run, not read: to be joined first (their last volumes' names). */
    public List<String> spanned() {
        return List.copyOf(spanned);
    }

    /** The archives of this run that could not be read to their end. */
    public List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    /**
     * What the archive being read gave before it could not be read further (a part missing, a file encrypted): what
     * could be read, or nothing (a split 7z, whose list of files is at its end, gives none; it was said imported).
     */
    public String takenBefore() {
        return matched.get() + alreadyComplete.get() + videoHere.get() == 0 ? "no video of it could be read before it"
                : "what could be read before it was imported";
    }

    /** An archive starts: its counts start at zero. */
    public void begin() {
        matched.set(0);
        alreadyComplete.set(0);
        videoHere.set(0);
        unmatched.clear();
        otherFormat.clear();
        repeated.clear();
        notFiles.clear();
        archivesInside.clear();
        taken.clear();
        pastTheCap.clear();
        afterPastTheCap.clear();
    }

    /** The videos the archive being read had entries taken as, in this run (imported, or under way, or failed). */
    public List<String> takenFromThisArchive() {
        synchronized (taken) {
            return List.copyOf(taken);
        }
    }

    /**
     * What to do with an entry: import it as the planned video its file name names; null (skip) for
     * a folder, a file of another kind, a name that is not a planned video, a video already complete, or
     * a video an earlier entry of the same name (in this archive or the one before) was imported as, or a
     * video an earlier entry of this archive was larger than avqa.archive.max-entry-size for (each such
     * entry would be written out up to the cap again: many of them, a few bytes each when packed, would fill
     * the disk over and over).
     */
    public VideoTask task(@Header("CamelFileName") String entry, @Header(StreamedEntries.KIND) String notAFile,
                          @Variable("archive") String archive) {
        if (entry == null || entry.endsWith("/") || entry.endsWith("\\")) {
            return null;
        }
        // a zip made on Windows may separate its folders with \ (as libarchive reads it too)
        String name = entry.substring(Math.max(entry.lastIndexOf('/'), entry.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || name.startsWith("._")) {
            return null;
        }
        String id = name.substring(0, dot);
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (notAFile != null) {
            // a link named as a video is no video: the entry that is one (before or after it) takes the slot
            if (CONTAINERS.contains(ext)) {
                notFiles.add(entry + " (" + notAFile + ")");
            }
            return null;
        }
        if (ArchiveFormat.namedAsArchive(name) && !Files.isDirectory(Path.of(archive))) {
            // an archive inside the archive is not opened (a folder's archives are read on their own, after it)
            archivesInside.add(entry);
            return null;
        }
        // a planned video's name in either container a video is kept in: one in the other is put into --video-format's
        if (!CONTAINERS.contains(ext) || !VideoIdRules.isSafe(id) || !planner.isPlanned(id)) {
            if (List.of("mp4", "mkv", "webm", "mov", "avi").contains(ext)) {
                // a planned video's name in a container no video is kept in (.webm, .avi): said, not taken
                if (CONTAINERS.contains(ext) || !VideoIdRules.isSafe(id) || !planner.isPlanned(id)) {
                    unmatched.add(entry);
                } else if (!planner.isComplete(id)) {
                    otherFormat.add(entry);
                }
            }
            return null;
        }
        if (planner.isComplete(id)) {
            alreadyComplete.incrementAndGet();
            return null;
        }
        if (planner.needsOnlyOutputs(id)) {
            // its video is here: its audio or frames are made from it, as the plan said
            videoHere.incrementAndGet();
            return null;
        }
        if (pastTheCap.contains(id)) {
            afterPastTheCap.add(entry);
            return null;
        }
        if (inFlight.contains(id)) {
            // an earlier entry of the same name is still being imported: the first one is the video, unless
            // it fails (damaged), when this one is tried; the reading waits for its outcome (seconds)
            try {
                inFlight.awaitDealtWith(id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (planner.isComplete(id) || run.isStopping()) {
                repeated.add(entry);
                return null;
            }
        }
        matched.incrementAndGet();
        taken.add(id);
        ledger.handled(id);
        return VideoTask.imported(id, Path.of(archive).getFileName().toString());
    }

    /** The archive is read: what it held, in one line. */
    public void end(@Variable("archive") String archive) {
        if (entries != null && entries.isEncrypted(archive)) {
            // a zip's encrypted files are left out with no failure of the reading: counted here
            encrypted(archive);
        }
        String name = Path.of(archive).getFileName().toString();
        LOG.info("Read {}: {} entries taken as planned videos, {} of videos already complete{}", name, matched.get(),
                alreadyComplete.get(), videoHere.get() == 0 ? "" : ", " + videoHere.get() + " of videos here already "
                        + "(their audio or frames are made from them)");
        if (!repeated.isEmpty()) {
            List<String> shown = repeated.first();
            LOG.warn("{} entries of {} name a video an earlier entry of the same name was imported as, and were "
                    + "left alone (for example {})", repeated.count(), name, shown);
        }
        if (!afterPastTheCap.isEmpty()) {
            List<String> shown = afterPastTheCap.first();
            LOG.warn("{} entries of {} name a video whose earlier entry there was larger than avqa.archive.max-entry-size ({}), "
                    + "and were not read (for example {})", afterPastTheCap.count(), name, ArchiveFetch.human(maxEntryBytes), shown);
        }
        if (!notFiles.isEmpty()) {
            List<String> shown = notFiles.first();
            LOG.warn("{} entries of {} are named as videos but are links, sparse files or special files, not videos of their own, "
                    + "and were left alone (for example {})", notFiles.count(), name, shown);
        }
        if (!otherFormat.isEmpty()) {
            List<String> shown = otherFormat.first();
            boolean one = otherFormat.count() == 1;
            LOG.warn("{} of {} {} named as {} but {} not {}.{} or .{} {} (--video-format {}), and {} not imported (for example "
                    + "{}): remux {} (ffmpeg -i IN -c copy OUT.{}) into a folder and give it to --import-archive; the videos "
                    + "still missing are fetched from their sources", Shown.count(otherFormat.count(), "video entry",
                            "video entries"), name, one ? "is" : "are", one ? "a planned video" : "planned videos",
                    one ? "is" : "are", one ? "a " : "", CONTAINERS.get(0), CONTAINERS.get(1), one ? "file" : "files",
                    videoExt,
                    one ? "was" : "were", shown, one ? "it" : "them", videoExt);
        }
        if (!unmatched.isEmpty()) {
            List<String> shown = unmatched.first();
            LOG.warn("{} video entries of {} match no planned video by name and were left alone (for example {}); the "
                    + "names a run plans are in metadata/video_ids.json", unmatched.count(), name, shown);
        }
        if (!archivesInside.isEmpty()) {
            long n = archivesInside.count();
            String shownName = Redact.text(name, 200);
            LOG.warn("{} holds {} {} of its own (the first: {}), not opened: an archive inside an archive is not imported. "
                    + "Unpack {} and give the inner archive, or the folder it is unpacked into, to --import-archive",
                    shownName, n, n == 1 ? "archive" : "archives", archivesInside.first().get(0), shownName);
        }
    }

    /** The containers a video is kept in (--video-format): an entry in either is taken. */
    static final List<String> CONTAINERS = List.of("mp4", "mkv");

    /** Whether the entry written out is in the other container than --video-format's, to be put into it. */
    public boolean needsRemux(@Variable("job") VideoJob job) {
        return job.video() != null && !job.video().getFileName().toString().endsWith("." + videoExt);
    }

    /** Streams the entry, at most avqa.archive.max-entry-size bytes of it, into the job's work directory. */
    public void save(@Variable("job") VideoJob job, @Variable("archive") String archive,
                     @Header("CamelFileName") String entry, @Body InputStream in) throws IOException {
        job.fetched().fromArchive(Path.of(archive).getFileName().toString(), entry);
        // as it came: one in the other container is put into --video-format's next (needsRemux)
        String given = entry.substring(entry.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        Path target = job.workDir().resolve("video." + (CONTAINERS.contains(given) ? given : videoExt));
        long written = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                // a stop ends the entry here: it stays pending (the work area is emptied)
                run.checkRunning();
                written += n;
                if (written > maxEntryBytes) {
                    pastTheCap.add(job.id());
                    throw new VideoFailure.InvalidOutput("the archive entry is larger than avqa.archive.max-entry-size ("
                            + ArchiveFetch.human(maxEntryBytes) + "); it was not read further", Redact.text(entry, 200));
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // a stop of the run stops bsdtar too: the entry stays pending, it is not damaged
            run.checkRunning();
            if (e instanceof StreamedEntries.TooLargeToHold tooLarge) {
                pastTheCap.add(job.id());
                throw new VideoFailure.InvalidOutput(tooLarge.getMessage(), Redact.text(entry, 200));
            }
            IOException other = diskFull.check(e);
            if (other instanceof BsdtarStream.Stopped stopped) {
                throw new VideoFailure.Transient(stopped.getMessage(), "");
            }
            if (entries != null && entries.lacksAPart(archive)) {
                throw new VideoFailure.InvalidOutput("the archive entry cannot be read whole: a part or volume of the "
                        + "archive is missing (the run's log names it); put it beside the others and run again",
                        Objects.requireNonNullElse(other.getMessage(), ""));
            }
            damaged(archive);
            throw new VideoFailure.InvalidOutput("the archive entry cannot be read (damaged archive?)",
                    Objects.requireNonNullElse(other.getMessage(), ""));
        } finally {
            FolderEntries.closeIfOwn(in);
        }
        job.video(target);
    }
}
