package avqa.downloader;

import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.ZipException;

/**
 * An archive that cannot be read on, said in this tool's words: what the archive readers throw says it in
 * theirs ("Invalid byte 122 at offset 0 in 'zzzzzzzz' len=8" for a damaged tar header, nothing at all for
 * a gzip cut short), and the bytes it quotes are the archive's own.
 */
final class DamagedArchiveException extends IOException {

    private final boolean earlierEntriesSuspect;

    private DamagedArchiveException(String message, Throwable cause, boolean earlierEntriesSuspect) {
        super(message, cause);
        this.earlierEntriesSuspect = earlierEntriesSuspect;
    }

    /**
     * Whether the damage was found by a checksum over the whole archive, read at its end (a gzip's CRC-32):
     * the entries read before it may be damaged too, though each passed its own checks.
     */
    boolean earlierEntriesSuspect() {
        return earlierEntriesSuspect;
    }

    /** {@code e} in words; an exception that is already in ours (bsdtar's line, a stop) is given back as it is. */
    static IOException of(Exception e) {
        if (e instanceof DamagedArchiveException d) {
            return d;
        }
        if (e instanceof IOException io && (e instanceof BsdtarStream.Stopped
                || String.valueOf(e.getMessage()).startsWith("bsdtar could not read"))) {
            return io;
        }
        String words = words(e);
        return new DamagedArchiveException(words, e, words.startsWith(WHOLE_CHECKSUM + " (") && words.endsWith(SUSPECT));
    }

    /**
     * {@code e} in words, thrown as a tar's first header was read: a header that cannot be read there says the file
     * is no tar at all as likely as it says a damaged one (a {@code .gz} of a video, say).
     */
    static IOException atFirstTarHeader(Exception e) {
        IOException io = of(e);
        return io.getMessage().equals(DAMAGED_HEADER) ? new DamagedArchiveException("it holds no tar: its first "
                + "header is not a tar header (another kind of file, or a tar whose start is damaged)", e, false) : io;
    }

    private static final String DAMAGED_HEADER = "a tar header in it is damaged";
    private static final String WHOLE_CHECKSUM = "its compressed data is damaged";
    private static final String SUSPECT = "the videos imported from it may be damaged too";

    /** Thrown while a gzip was read (a tar.gz's), whose one checksum covers the whole archive. */
    private static boolean fromGzip(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().equals("java.util.zip.GZIPInputStream")) {
                return true;
            }
        }
        return false;
    }

    private static String words(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof EOFException || m.contains("truncated") || m.contains("unexpected end")
                    || m.contains("premature end")) {
                return "it ends before its end (cut short, or a part of it missing)";
            }
            if (m.contains("parsing the header") || m.contains("invalid byte")) {
                return DAMAGED_HEADER;
            }
            if (t instanceof ZipException && fromGzip(t)) {
                // a gzip's checksum is read at its end: the videos taken from it before may be damaged too
                return WHOLE_CHECKSUM + " (" + Redact.text(t.getMessage(), 120) + "); " + SUSPECT;
            }
            if (t instanceof ZipException) {
                return "its compressed data is damaged (" + Redact.text(t.getMessage(), 120) + ")";
            }
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "it cannot be read further"
                : "it cannot be read further (" + Redact.text(m.replaceAll("[^\\p{Print}]", "?"), 160) + ")";
    }
}
