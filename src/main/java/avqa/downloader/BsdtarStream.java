package avqa.downloader;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An archive libarchive reads (RAR v4/v5, a single 7z, …) as a tar stream: {@code bsdtar -c -f -
 * --format pax @ARCHIVE} rewrites its entries, one after the other, to its standard output, which
 * {@link StreamedEntries} then reads entry by entry; nothing is unpacked to disk. A split archive is
 * fed to bsdtar's standard input part after part. When bsdtar fails (a damaged archive), the end of
 * the stream says so with its last error line.
 *
 * <p>Started with ProcessBuilder rather than camel-exec because camel-exec keeps a process's whole
 * output in memory until it ends, and an archive's output is gigabytes.
 */
final class BsdtarStream extends FilterInputStream {

    private static final Logger LOG = LoggerFactory.getLogger(BsdtarStream.class);

    private final String bsdtar;
    private final List<Path> parts;
    private final boolean piped;
    private final String archive;
    /** The run, whose stop ends a second read's passing over what was given already. */
    private final RunControl run;
    private Process process;
    /**
     * bsdtar's standard error: a file whose name is gone once bsdtar has it open (an import killed outright left it in
     * /tmp), read through this stream; its words kept once read.
     */
    private InputStream stderr;
    private String said;
    /** Whether bsdtar writes its tar in blocks of 512 bytes (-b 1), each as soon as it is made. */
    private boolean smallBlocks;
    /** The bytes given to the reader so far. */
    private long given;

    private BsdtarStream(String bsdtar, List<Path> parts, boolean piped, boolean smallBlocks, RunControl run)
            throws IOException {
        super(null);
        this.run = run;
        this.bsdtar = bsdtar;
        this.parts = parts;
        this.piped = piped;
        this.smallBlocks = smallBlocks;
        this.archive = Redact.text(parts.get(0).getFileName().toString(), 200);
        start();
    }

    /**
     * bsdtar's process, in a UTF-8 locale whatever this process's is: in the C or POSIX locale (cron, systemd, a
     * slim container) it cannot write a name that is not ASCII, and stopped on a 7z with one ("Pathname cannot be
     * converted from UTF-16LE to current locale") or crashed on such a RAR (signal 11), a clean archive said to be
     * damaged. Its names come out as UTF-8 either way.
     */
    static ProcessBuilder process(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C.UTF-8");
        return pb;
    }

    /**
     * The archive's entries as a tar stream; the archive fed through a pipe even when it is one file when {@code piped} (a RAR: libarchive
     * given a RAR's file, or a file as its input, may seek to its end, find there the end of a zip the RAR
     * stores as its last file, and read that zip instead of the RAR; from a pipe it reads the RAR). A 7z cannot
     * be read from a pipe (it seeks). {@code cut}: the archive is known to end before its format's end (cut
     * short, a volume or part missing), so bsdtar will fail in it, and writes its tar in small blocks from the
     * start (see {@link #read(byte[], int, int)}).
     */
    static InputStream open(String bsdtar, List<Path> parts, boolean piped, boolean cut, RunControl run)
            throws IOException {
        return new BsdtarStream(bsdtar, parts, piped, cut, run);
    }

    private void start() throws IOException {
        boolean fromFile = parts.size() == 1 && !piped;
        List<String> cmd = new ArrayList<>(List.of(bsdtar, "-c", "-f", "-", "--format", "pax"));
        if (smallBlocks) {
            cmd.addAll(List.of("-b", "1"));
        }
        cmd.add("@" + (fromFile ? parts.get(0).toAbsolutePath().toString() : "-"));
        ProcessBuilder pb = process(cmd);
        if (fromFile) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Path errors = Files.createTempFile("avqa-bsdtar", ".err");
        InputStream words = null;
        Process p;
        try {
            words = Files.newInputStream(errors);
            p = pb.redirectError(errors.toFile()).start();
        } catch (IOException e) {
            if (words == null) {
                throw e;
            }
            words.close();
            throw new BadInputException(bsdtar + " was not found; install it (Debian/Ubuntu: sudo apt-get install "
                    + "libarchive-tools) or set avqa.tools.bsdtar to its path");
        } finally {
            Files.deleteIfExists(errors);
        }
        if (!fromFile) {
            feed(p, parts);
        }
        process = p;
        stderr = words;
        said = null;
        in = p.getInputStream();
    }

    /** Writes the parts, in order, to bsdtar's standard input. */
    private static void feed(Process p, List<Path> parts) {
        Thread t = new Thread(() -> {
            List<InputStream> streams = new ArrayList<>();
            try {
                for (Path part : parts) {
                    streams.add(Files.newInputStream(part));
                }
                try (InputStream in = new SequenceInputStream(Collections.enumeration(streams));
                     OutputStream out = p.getOutputStream()) {
                    in.transferTo(out);
                }
            } catch (IOException e) {
                // bsdtar stopped reading (it failed, or the import stopped): its exit says why
            }
        }, "avqa-archive-parts");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * bsdtar writes its tar in blocks of 10 KiB, and when it fails in an entry (the archive cut short, its data
     * damaged) it dies with its last block unwritten: the end of the entry before, whole in the archive, was lost
     * with it. So when it failed, it reads the archive again in blocks of 512 bytes, each written as soon as it
     * is made (-b 1: slower, by 2.6 ms of CPU a MB, so only then), the bytes given already are passed over (its
     * tar of an archive is the same each time), and the rest is given: the entry before the damage whole, then
     * what the damage left of the next.
     */
    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        while (n < 0 && again()) {
            n = super.read(buf, off, len);
        }
        if (n > 0) {
            given += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // through read, so that the bytes passed over are counted too
        byte[] buf = new byte[(int) Math.min(Math.max(n, 1), 1 << 16)];
        int got = read(buf, 0, (int) Math.min(n, buf.length));
        return Math.max(got, 0);
    }

    /**
     * At the end of bsdtar's output: whether it is read again in small blocks, ready to give the bytes after
     * those given. False when it ended well; its failure is thrown when it was read in small blocks already.
     */
    private boolean again() throws IOException {
        IOException failed = failure();
        if (failed == null) {
            return false;
        }
        if (smallBlocks || failed instanceof Stopped) {
            throw failed;
        }
        in.close();
        process.destroy();
        stderr.close();
        smallBlocks = true;
        LOG.info("bsdtar could not read {} to its end; it reads it again up to there ({}), so that the video before "
                + "the damage is whole", archive, ArchiveFetch.human(given));
        start();
        byte[] buf = new byte[1 << 16];
        for (long passed = 0; passed < given; ) {
            if (run.isStopping()) {
                throw new RunStoppedException(run.stopReason());
            }
            int n = in.read(buf, 0, (int) Math.min(buf.length, given - passed));
            if (n < 0) {
                // read again, it gave no more than before (or bsdtar was stopped): the first failure stands
                IOException second = failure();
                throw second instanceof Stopped ? second : failed;
            }
            passed += n;
        }
        return true;
    }

    /** Why bsdtar, whose output is at its end, failed; null when it ended well. */
    private IOException failure() throws IOException {
        try {
            int exit = process.waitFor();
            if (exit > 128) {
                // a signal ended it (a stop of the run, the OOM killer): not the archive's fault
                return new Stopped("bsdtar was stopped (signal " + (exit - 128) + ") while it read " + archive);
            }
            if (exit == 0) {
                return null;
            }
            // its closing "Error exit delayed from previous errors." says nothing: the line before it does
            if (said == null) {
                said = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
            }
            String last = said.lines()
                    .filter(l -> !l.isBlank() && !l.contains("Error exit delayed from previous errors"))
                    .reduce((x, y) -> y).map(l -> Redact.text(l.replaceFirst("^bsdtar: ", ""), 300))
                    .orElse("(null)");
            if (last.endsWith("(null)")) {
                // libarchive gave no words of its own
                last = "bsdtar gives no reason (a part or volume missing, the archive damaged, or encrypted with a "
                        + "password)";
            }
            return new IOException("bsdtar could not read " + archive + ": " + last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new IOException("interrupted while reading " + archive);
        }
    }

    /** bsdtar was ended by a signal, not by what it read. */
    static final class Stopped extends IOException {
        Stopped(String message) {
            super(message);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            process.destroy();
            stderr.close();
        }
    }
}
