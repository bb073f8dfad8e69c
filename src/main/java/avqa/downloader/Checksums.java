package avqa.downloader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Variable;

/**
 * {@code SHA256SUMS} in the data directory, in {@code sha256sum -c} form (relative paths): one line is
 * appended for every file a video makes complete, hashed once, right before it takes its final name
 * (never by reading the dataset again at every run). When a file was made anew (fetched again after
 * a repair) or set aside, its old line is dropped at the end of the run, so the file lists each file
 * in place once.
 */
public final class Checksums {

    private final Path root;
    private final Path file;
    private FileChannel out;
    private Set<String> listed;
    private boolean stale;

    public Checksums(Path dataDir) {
        this.root = dataDir;
        this.file = dataDir.resolve("SHA256SUMS");
    }

    public Path file() {
        return file;
    }

    /** The SHA-256 of a file, in hex, read once ({@link FileHash}). */
    public static String sha256(Path f) throws IOException {
        return FileHash.sha256(f);
    }

    /** Appends the lines of the files the job just put in place (hashed as they were), once. */
    public void record(@Variable("job") VideoJob job) {
        if (!job.hashes().isEmpty()) {
            add(job.hashes());
            job.hashes().clear();
        }
    }

    /** Whether SHA256SUMS has a line for this file. */
    public synchronized boolean lists(Path path) {
        if (listed == null) {
            listed = paths();
        }
        return listed.contains(root.relativize(path).toString());
    }

    /** A file was set aside or removed: its line goes at the end of the run. */
    public synchronized void forget() {
        stale = true;
    }

    /** Appends the lines of files now complete: path (relative to the data directory) → hash. */
    public synchronized void add(Map<Path, String> hashes) {
        try {
            if (listed == null) {
                listed = paths();
            }
            if (out == null) {
                out = AppendOnlyLines.open(file);
            }
            StringBuilder lines = new StringBuilder();
            hashes.forEach((path, sha) -> {
                String rel = root.relativize(path).toString();
                stale |= !listed.add(rel);
                lines.append(sha).append("  ").append(rel).append('\n');
            });
            out.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
            out.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * At the end of a run in which a file was made again or set aside: a path listed twice keeps only
     * its last line, and a file no longer in place loses its line.
     */
    public synchronized void compact() {
        if (!stale) {
            return;
        }
        Map<String, String> last = read(file);
        StringBuilder text = new StringBuilder();
        last.forEach((path, sha) -> {
            // a line that names no file of this data directory is left as it is, its path never looked at
            if (!ownFile(path) || Files.isRegularFile(root.resolve(path))) {
                text.append(sha).append("  ").append(path).append('\n');
            }
        });
        // a damaged line is kept as it is, for --verify to name until it is mended (dropped, its file would be
        // listed anew by the next --checksums, its bytes vouched for by nothing)
        malformed(file).forEach(m -> text.append(m.raw()).append('\n'));
        try {
            if (out != null) {
                out.close();
                out = null;
            }
            AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        stale = false;
        listed = null;
    }

    /**
     * Whether a path SHA256SUMS lists names a file this tool publishes: {@code videos/<name>}, {@code audio/<name>}
     * or {@code frames/<id>/<name>}, relative, without {@code .} or {@code ..} parts. Any other (an absolute path,
     * one that climbs out, a folder this tool never hashes) is never opened, never rewritten and never added back.
     */
    public static boolean ownFile(String path) {
        String[] parts = path.split("/", -1);
        int depth = switch (parts[0]) {
            case "videos", "audio" -> 2;
            case "frames" -> 3;
            default -> 0;
        };
        if (parts.length != depth) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
                return false;
            }
        }
        return true;
    }

    private Set<String> paths() {
        return new HashSet<>(read(file).keySet());
    }

    /** A SHA256SUMS file as path → hash (the last line of a path holds); lines that are not such are skipped. */
    public static Map<String, String> read(Path sums) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(sums)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(sums, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.length() > 66 && line.charAt(64) == ' ' && line.substring(0, 64).matches("[0-9a-f]{64}")) {
                    String path = line.substring(66);
                    out.remove(path);
                    out.put(path, line.substring(0, 64));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sums, e);
        }
        return out;
    }

    /** A line of SHA256SUMS that is not one this tool writes: its number, its text (escaped), and the path it seems to name. */
    record Malformed(int line, String shown, String path, String raw) {
    }

    /**
     * The lines of SHA256SUMS that {@link #read} passes over, being no {@code <64 hex>  <path>} line (a hash cut
     * short, a bit flipped into a capital): each is reported, and the file it seems to name is not hashed anew into
     * the list as if it had never been listed.
     */
    public static List<Malformed> malformed(Path sums) {
        List<Malformed> out = new java.util.ArrayList<>();
        if (!Files.isRegularFile(sums)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(sums, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isEmpty() || line.length() > 66 && line.charAt(64) == ' ' && line.substring(0, 64).matches("[0-9a-f]{64}")) {
                    continue;
                }
                int gap = line.indexOf("  ");
                out.add(new Malformed(n, Redact.text(line, 120), gap < 0 ? null : line.substring(gap + 2), line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sums, e);
        }
        return out;
    }

    private static final java.util.regex.Pattern GNU = java.util.regex.Pattern.compile(
            "\\s*(\\\\?)([0-9a-fA-F]{64})(?: [ *]|[ \\t])(.+)");
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile(
            "\\s*(\\\\?)SHA256 ?\\((.+)\\) ?= ?([0-9a-fA-F]{64})");

    /**
     * Another lab's list ({@code --against}), in any form {@code sha256sum -c} reads: {@code <hash>  <path>} or
     * {@code <hash> *<path>}, a hash in capitals, BSD's {@code SHA256 (<path>) = <hash>} ({@code --tag}), a name
     * escaped with a leading backslash; paths as {@code find .} writes them ({@code ./audio/…}) are taken without
     * their {@code ./}. Empty lines and {@code #} comments are passed over; any other line is refused with its number.
     */
    public static Map<String, String> readList(Path sums) {
        Map<String, String> out = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(sums, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (n == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                java.util.regex.Matcher gnu = GNU.matcher(line);
                java.util.regex.Matcher tag = TAG.matcher(line);
                String hash;
                String path;
                boolean escaped;
                if (gnu.matches()) {
                    escaped = !gnu.group(1).isEmpty();
                    hash = gnu.group(2);
                    path = gnu.group(3);
                } else if (tag.matches()) {
                    escaped = !tag.group(1).isEmpty();
                    path = tag.group(2);
                    hash = tag.group(3);
                } else {
                    throw new BadInputException("--against: " + sums + " line " + n + " is not a sha256sum line (\""
                            + Redact.text(line, 80) + "\"): expected <hash>  <path>, as sha256sum writes it");
                }
                if (escaped) {
                    path = unescape(path);
                }
                while (path.startsWith("./")) {
                    path = path.substring(2);
                }
                out.remove(path);
                out.put(path, hash.toLowerCase(java.util.Locale.ROOT));
            }
        } catch (java.nio.charset.CharacterCodingException | UncheckedIOException e) {
            // (UTF-16, as some editors save a list, is not UTF-8 either)
            throw new BadInputException("--against: " + sums + " is not UTF-8 text");
        } catch (IOException e) {
            throw new BadInputException("--against: cannot read " + sums + ": " + FileTrees.describe(e));
        }
        return out;
    }

    /** A name as sha256sum escapes it (the line begins with a backslash): a backslash doubled, a newline as backslash-n. */
    private static String unescape(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length()) {
                char next = path.charAt(++i);
                b.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
