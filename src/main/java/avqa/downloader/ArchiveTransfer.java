package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One answer of an archive's host written into its {@code .part}: the line that says it starts (or
 * resumes), the bytes copied with the status line's progress, and a copy that breaks off kept for the
 * next attempt (a full disk stops the run).
 */
final class ArchiveTransfer {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.archive");

    /**
     * The slowest a download may go, as curl's --speed-limit and --speed-time: fewer than {@code bytesPerSecond}
     * a second over any {@code seconds} gives it up for now (avqa.archive.speed-limit, avqa.archive.speed-time).
     */
    record SpeedFloor(long bytesPerSecond, double seconds) {
        long nanos() {
            return (long) (seconds * 1e9);
        }

        /** A watch of one download against this floor, from now. */
        Watch watch() {
            return new Watch(this);
        }

        /**
         * Watches a download from the deadlines' thread, four times a second, not from its reads (a read may
         * wait for ever inside the HTTP client: a chunk's size line or trailer trickled a byte at a time):
         * once the bytes read so far fall under this floor, or {@code stopping} says the run stops,
         * {@code drop} runs (it drops the connection, which ends a read that waits).
         */
        Guard guard(java.util.function.LongSupplier bytes, java.util.function.BooleanSupplier stopping, Runnable drop) {
            return new Guard(watch(), bytes, stopping, drop);
        }

        /** The words for a download given up under this floor after {@code slow}. */
        String slower(java.time.Duration slow) {
            return "slower than avqa.archive.speed-limit (" + ArchiveFetch.human(bytesPerSecond) + "/s) for "
                    + StatusLine.human(slow);
        }
    }

    /** A {@link Watch} kept from the deadlines' thread ({@link SpeedFloor#guard}); closed when the download ends. */
    static final class Guard implements AutoCloseable {
        private volatile java.time.Duration slow;
        private volatile boolean stopped;
        private final Deadline poll;

        private Guard(Watch watch, java.util.function.LongSupplier bytes, java.util.function.BooleanSupplier stopping,
                      Runnable drop) {
            this.poll = Deadline.when(250, () -> {
                if (stopping.getAsBoolean()) {
                    stopped = true;
                    return true;
                }
                slow = watch.tooSlow(bytes.getAsLong());
                return slow != null;
            }, drop);
        }

        /** How long the window was that came under the floor, once one did (the connection is dropped); else null. */
        java.time.Duration slow() {
            return slow;
        }

        /** Whether the run's stop dropped the connection. */
        boolean stopped() {
            return stopped;
        }

        @Override
        public void close() {
            poll.close();
        }
    }

    /** One download against a {@link SpeedFloor}: windows of the floor's time, each of which must bring enough. */
    static final class Watch {
        private final SpeedFloor floor;
        private long since = System.nanoTime();
        private long bytesThen;

        private Watch(SpeedFloor floor) {
            this.floor = floor;
        }

        /** Told the bytes come so far: the length of a window that ended with too few, else null. */
        java.time.Duration tooSlow(long bytes) {
            long now = System.nanoTime();
            if (now - since < floor.nanos()) {
                return null;
            }
            boolean slow = bytes - bytesThen < floor.bytesPerSecond() * floor.seconds();
            java.time.Duration window = java.time.Duration.ofNanos(now - since);
            since = now;
            bytesThen = bytes;
            return slow ? window : null;
        }
    }

    private final DiskFull diskFull;
    private final RunControl run;
    private final ArchiveProgress progress;
    private final SpeedFloor floor;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    /** The archives whose host sent more than a 206 named, said once each. */
    private final Set<String> overran = ConcurrentHashMap.newKeySet();

    ArchiveTransfer(DiskFull diskFull, RunControl run, ArchiveProgress progress, SpeedFloor floor) {
        this.diskFull = diskFull;
        this.run = run;
        this.progress = progress;
        this.floor = floor;
    }

    /** A new run: each archive may be warned about again (a --schedule process runs many). */
    void newRun() {
        warned.clear();
        overran.clear();
    }

    private void announce(String name, String url, Path part, long start, long total, boolean goesOn) {
        String size = total < 0 ? "size not announced" : ArchiveFetch.human(total);
        if (goesOn) {
            // the next part of a file its host gives a part at a time: the download goes on, said once
            LOG.debug("The next part of the archive {} ({}) from {}", name, ArchiveFetch.human(start), Redact.url(url));
        } else if (start > 0) {
            LOG.info("Resuming the archive {} ({}) at {} from {}", name, size, ArchiveFetch.human(start), Redact.url(url));
        } else {
            LOG.info("Fetching the archive {} ({}) from {}", name, size, Redact.url(url));
        }
        warnIfShort(name, part, total < 0 ? -1 : total - start);
        progress.start(name, start, total, goesOn);
    }

    /**
     * One warning (an archive's first attempt this run that finds it so) when the disk has less room than
     * what is still to come of the archive: the download goes on all the same.
     */
    private void warnIfShort(String name, Path part, long toCome) {
        if (toCome <= 0 || warned.contains(name)) {
            return;
        }
        try {
            long free = Files.getFileStore(part.getParent()).getUsableSpace();
            if (free < toCome && warned.add(name)) {
                LOG.warn("Only {} free on the disk holding {}, less than the {} still to come of the archive {}: the "
                        + "download stops when the disk is full (what came is kept, and the download resumes there later); free "
                        + "some space or choose another --data-dir", ArchiveFetch.human(free), part.getParent(),
                        ArchiveFetch.human(toCome), name);
            }
        } catch (IOException e) {
            // the free space is not known: the copy goes on, and a full disk is said when it happens
        }
    }

    /** The first bytes of an answer looked at to tell a web page, once that many have come. */
    static final int PAGE_LOOK = 1 << 20;

    /**
     * An answer from the file's start whose first MiB is a web page, as {@code page} judges it: no more of it is
     * read (a page that never ends filled the disk, sent as application/octet-stream, before it was looked at).
     */
    static final class PageInstead extends RuntimeException {
        PageInstead() {
            super("a web page", null, false, false);
        }
    }

    /**
     * Writes the answer's body into the part from {@code start} (what was there after it is cut off), no
     * further than the announced length, or {@code max} when there is none, and never past {@code promisedEnd} (a
     * 206's Content-Range's end, after its last byte; -1: none): what a host sends beyond the part it named is left
     * unread, its connection dropped. Returns how many bytes came. {@code resume} says what becomes of
     * them if it breaks off. {@code raw}: the answer's body as the client gives it (under {@code body}'s decoding,
     * when the host compressed it), whose connection a guard drops without reading the rest. {@code goesOn}: the
     * next part of a file its host gives a part at a time, not said again. An answer from the file's start whose
     * first MiB {@code page} finds a web page is stopped there, with {@link PageInstead}. {@code resumable}: whether
     * the part can be resumed ({@link ArchiveFiles#resumable}); one that cannot is deleted when the disk fills as it
     * comes ({@link #fullDisk}).
     */
    long copy(InputStream body, InputStream raw, Path part, long start, long total, long promisedEnd, long max, String name,
              String url, String resume, boolean resumable, boolean goesOn, java.util.function.Predicate<Path> page)
            throws IOException {
        announce(name, url, part, start, total, goesOn);
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             Guard guard = floor.guard(written::get, run::isStopping, () -> HttpBodies.drop(raw))) {
            out.truncate(start);
            out.position(start);
            byte[] buf = new byte[1 << 16];
            int n;
            try {
                while ((n = body.read(buf)) > 0) {
                    run.checkRunning();
                    boolean beyond = promisedEnd >= 0 && start + written.get() + n > promisedEnd;
                    if (beyond) {
                        n = (int) Math.max(0, promisedEnd - start - written.get());
                    }
                    out.write(ByteBuffer.wrap(buf, 0, n));
                    long now = written.addAndGet(n);
                    progress.advance(n);
                    if (start == 0 && now >= PAGE_LOOK && now - n < PAGE_LOOK && page.test(part)) {
                        HttpBodies.drop(raw);
                        throw new PageInstead();
                    }
                    if (beyond) {
                        // bytes its Content-Range did not name are not this part's (zeros, another file's): the next
                        // part is asked for with a Range of its own
                        HttpBodies.drop(raw);
                        if (overran.add(url)) {
                            LOG.info("The host of {} sends more than the part its answer names (this one ended at {}): "
                                    + "the rest of such an answer is left unread", name, ArchiveFetch.human(promisedEnd));
                        }
                        break;
                    }
                    if (promisedEnd >= 0 && start + now >= promisedEnd) {
                        // all of the part it named is here: nothing more is waited for (a host that stalls after it, its
                        // Content-Length naming more, would be given up under the speed floor as a download broken off)
                        break;
                    }
                    if (total >= 0 && start + now > total || start + now > max) {
                        break;
                    }
                    slower(guard, name, start + now, total, resume);
                }
            } catch (IOException e) {
                slower(guard, name, start + written.get(), total, resume);
                if (total >= 0 || !HttpTrouble.lastChunkMissing(e)) {
                    throw e;
                }
                // no length announced, and the chunks stopped at a chunk's end: the end of the answer, as a closed
                // connection is; whether all of the archive came is then told by reading it (ArchiveFetch)
                LOG.debug("The answer for {} ended without its last chunk, after {}", name, ArchiveFetch.human(start + written.get()));
            }
        } catch (IOException e) {
            if (!resumable) {
                fullDisk(e, part, name, url);
            }
            throw brokeOff(e, name, "after " + ArchiveFetch.human(start + written.get()) + of(total), resume);
        }
        return written.get();
    }

    /**
     * The disk filled as a part that cannot be resumed came (its host gave no validator, and no length: a body that
     * never ends fills any disk): the part is deleted at once, as no later attempt would use it, and the run stops
     * saying so, and how else to have the archive. It stayed before, the whole disk, and held the next run's start.
     */
    private void fullDisk(IOException e, Path part, String name, String url) {
        String message = String.valueOf(e.getMessage());
        if (!DiskFull.says(message) || DiskFull.saysReadOnly(message)) {
            return;
        }
        long size = ArchiveFiles.sizeOf(part);
        String deleted;
        try {
            ArchiveFiles.dropPart(part);
            deleted = "and the " + ArchiveFetch.human(size) + " that came were deleted";
        } catch (IOException notDeleted) {
            deleted = "and the " + ArchiveFetch.human(size) + " that came could not be deleted (" + notDeleted.getMessage()
                    + "): delete " + part;
        }
        String host;
        try {
            host = java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException odd) {
            host = null;
        }
        throw diskFull.stopAs(message, "the archive " + name + (host == null ? "" : " from " + Redact.text(host, 200))
                + " sent more than the disk holds without saying its size (nothing to resume it under), " + deleted
                + ": free some space and run again, or download it elsewhere (a browser, curl) and give the file to "
                + "--import-archive; complete videos are kept");
    }

    /**
     * The first {@code n} bytes of an answer (at most: fewer when it ends before), read as {@link #copy} reads:
     * under the speed floor, ended by a stop of the run, a break said in the same words ({@code had}: the
     * bytes here). A resume's answer starts with bytes already here, to be compared before anything is joined.
     * {@code got} is told how many came, whether they all did or not.
     */
    byte[] firstBytes(InputStream body, InputStream raw, int n, String name, long had, long total, String resume,
                      java.util.function.IntConsumer got) {
        byte[] into = new byte[n];
        java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        try (Guard guard = floor.guard(read::get, run::isStopping, () -> HttpBodies.drop(raw))) {
            try {
                int r;
                while (read.get() < n && (r = body.read(into, (int) read.get(), n - (int) read.get())) > 0) {
                    run.checkRunning();
                    read.addAndGet(r);
                    slower(guard, name, had, total, resume);
                }
            } catch (IOException e) {
                slower(guard, name, had, total, resume);
                throw e;
            } finally {
                got.accept((int) read.get());
            }
        } catch (IOException e) {
            throw brokeOff(e, name, "as it resumed, before a byte not here already came (" + ArchiveFetch.human(had)
                    + of(total) + " are here)", resume);
        }
        return java.util.Arrays.copyOf(into, (int) read.get());
    }

    private static String of(long total) {
        return total >= 0 ? " of " + ArchiveFetch.human(total) : "";
    }

    /** A download that broke off ({@code where}: "after 1.0 MiB of 2.0 MiB"), in our words (a full disk, or a stop, says so instead). */
    private VideoFailure brokeOff(IOException e, String name, String where, String resume) {
        diskFull.check(e);
        run.checkRunning();
        return new VideoFailure.Transient("the download of " + name + " broke off " + where + "; " + resume,
                HttpTrouble.wordsOrMessage(e));
    }

    /** Gives the download up when its guard found it under the speed floor (and dropped its connection). */
    private void slower(Guard guard, String name, long had, long total, String resume) {
        java.time.Duration slow = guard.slow();
        if (slow != null) {
            throw new VideoFailure.Transient("the download of " + name + " went " + floor.slower(slow)
                    + ", and was given up after " + ArchiveFetch.human(had) + of(total) + "; " + resume, "");
        }
    }
}
