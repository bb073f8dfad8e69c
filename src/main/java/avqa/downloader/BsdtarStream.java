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

    private final Process process;
    private final Path stderr;
    private final String archive;

    private BsdtarStream(Process process, Path stderr, String archive) {
        super(process.getInputStream());
        this.process = process;
        this.stderr = stderr;
        this.archive = archive;
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

    static InputStream open(String bsdtar, List<Path> parts) throws IOException {
        return open(bsdtar, parts, false);
    }

    /**
     * The same, the archive fed through a pipe even when it is one file when {@code piped} (a RAR: libarchive
     * given a RAR's file, or a file as its input, may seek to its end, find there the end of a zip the RAR
     * stores as its last file, and read that zip instead of the RAR; from a pipe it reads the RAR). A 7z cannot
     * be read from a pipe (it seeks).
     */
    static InputStream open(String bsdtar, List<Path> parts, boolean piped) throws IOException {
        Path errors = Files.createTempFile("avqa-bsdtar", ".err");
        boolean fromFile = parts.size() == 1 && !piped;
        List<String> cmd = List.of(bsdtar, "-c", "-f", "-", "--format", "pax",
                "@" + (fromFile ? parts.get(0).toAbsolutePath().toString() : "-"));
        ProcessBuilder pb = process(cmd).redirectError(errors.toFile());
        if (fromFile) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Files.deleteIfExists(errors);
            throw new BadInputException(bsdtar + " was not found; install it (Debian/Ubuntu: sudo apt-get install "
                    + "libarchive-tools) or set avqa.tools.bsdtar to its path");
        }
        if (!fromFile) {
            feed(p, parts);
        }
        return new BsdtarStream(p, errors, parts.get(0).getFileName().toString());
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
        int b = super.read();
        if (b < 0) {
            checkExit();
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) {
            checkExit();
        }
        return n;
    }

    private void checkExit() throws IOException {
        try {
            int exit = process.waitFor();
            if (exit > 128) {
                // a signal ended it (a stop of the run, the OOM killer): not the archive's fault
                throw new Stopped("bsdtar was stopped (signal " + (exit - 128) + ") while it read " + archive);
            }
            if (exit != 0) {
                // its closing "Error exit delayed from previous errors." says nothing: the line before it does
                String last = Files.readAllLines(stderr, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank() && !l.contains("Error exit delayed from previous errors"))
                        .reduce((a, b) -> b).map(l -> Redact.text(l.replaceFirst("^bsdtar: ", ""), 300))
                        .orElse("(null)");
                if (last.endsWith("(null)")) {
                    // libarchive gave no words of its own
                    last = "bsdtar gives no reason (a part or volume missing, the archive damaged, or encrypted with a "
                            + "password)";
                }
                throw new IOException("bsdtar could not read " + archive + ": " + last);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + archive);
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
            Files.deleteIfExists(stderr);
        }
    }
}
