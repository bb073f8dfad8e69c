package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kind of archive a file is, told from its first bytes (a URL's name need not say), and the
 * byte-parts it was split into ({@code name.zip.00}, {@code .01}, … or {@code .001}, {@code .002}, …, or split's
 * letters {@code name.zip.aa}, {@code .ab}, …),
 * or the volumes of a RAR ({@code name.part1.rar}, {@code .part2.rar}, …, or the old way {@code name.rar},
 * {@code name.r00}, {@code .r01}, …), read as one archive when the first is given.
 */
public enum ArchiveFormat {
    ZIP, TAR, TAR_GZ, RAR, SEVEN_ZIP;

    private static final Pattern PART = Pattern.compile("(.*)\\.(0*)([01])$");
    /**
     * Suffixes that name a file of their own, not split's letters: archives, copies, signatures and the like
     * ({@code MUSIC-AVQA.tar.zip}, {@code videos.zip.bak}, {@code videos.zip.sig}). Three letters or more: split's own
     * two letters are all parts ({@code .br} is the 44th, {@code .bz} the 52nd).
     */
    private static final String NOT_LETTERS = "zip|rar|tar|tgz|bak|old|tmp|new|orig|sig|asc|txt|md5|sha|sfv|par|log|dat|bin"
            + "|iso|img|pdf|csv";
    /** What a tar's compression is named by ({@code videos.tar.gz}, {@code .tar.br}): never a lettered part of a tar. */
    private static final String COMPRESSED = "gz|bz|xz|lz|br|sz|zst|lzo|lz4|zlib";
    /**
     * A byte-part named by GNU split's default letters ({@code split -b 50M videos.zip videos.zip.}): {@code .aa},
     * {@code .ab}, … {@code .az}, {@code .ba}, … {@code .yz}, then as split widens them {@code .zaaa}, … {@code .zyzz},
     * {@code .zzaaaa}, … ({@code .aaa}, … {@code .zzz} with {@code -a 3}). Only after an archive's name, so that a
     * {@code clip.aa} is no part; in small letters, as split writes them; never one of {@link #NOT_LETTERS}, nor after
     * {@code .tar} a compression's name ({@link #COMPRESSED}), nor a browser's {@code .part}.
     */
    static final String SPLIT_LETTERS = "(?!(?:" + NOT_LETTERS + ")$)(?-i:[a-z]{2,3}|z[a-y][a-z]{2}|zz[a-y][a-z]{3})";
    private static final Pattern LETTER_PART = Pattern.compile("(.+\\.(?:(?i:zip|tgz|tar\\.gz|rar|7z)\\.|(?i:tar)\\.(?!(?:"
            + COMPRESSED + ")$)))(" + SPLIT_LETTERS + ")");
    /** A RAR volume set: {@code name.part1.rar} (or {@code part01}, {@code part001}), {@code name.part2.rar}, … */
    private static final Pattern RAR_VOLUME = Pattern.compile("(?i)(.*\\.part)(0*)1(\\.rar)$");
    /**
     * A RAR volume named the old way ({@code rar -vn}): the first {@code name.rar}, then {@code name.r00} …
     * {@code name.r99}, {@code name.s00}, …; the case of its letters as the first's.
     */
    private static final Pattern OLD_RAR_VOLUME = Pattern.compile("(?i)(.+)\\.(rar|[r-y]\\d{2})$");

    /** A volume of a zip spanned by {@code zip -s}: {@code name.z01}, {@code name.z02}, …, the last {@code name.zip}. */
    private static final Pattern SPANNED_VOLUME = Pattern.compile("(?i)(.+)\\.(zip|z0[1-9]|z[1-9]\\d)");

    /**
     * The last volume ({@code name.zip}) of the zip spanned by {@code zip -s} that {@code file} is a volume of
     * ({@code name.z01}, …, or that {@code name.zip} with {@code name.z01} beside it); null when it is none. Its
     * volumes are no byte-parts, read one after the other: each one's offsets count from its own start, and neither
     * reader here follows them (commons-compress: "Unsupported feature splitting used in archive").
     */
    public static Path spannedZip(Path file) {
        Matcher m = SPANNED_VOLUME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        boolean upper = Character.isUpperCase(m.group(2).charAt(0));
        if (m.group(2).equalsIgnoreCase("zip")) {
            return Files.isRegularFile(file.resolveSibling(m.group(1) + (upper ? ".Z01" : ".z01"))) ? file : null;
        }
        return file.resolveSibling(m.group(1) + (upper ? ".ZIP" : ".zip"));
    }

    /**
     * What is said of {@code file}, a volume of the spanned zip whose last volume is {@code last}: in one line, that it
     * is not read, and the command that joins its volumes into a zip that is.
     */
    public static String spannedZipSaid(Path file, Path last) {
        String name = last.getFileName().toString();
        String stem = name.substring(0, name.length() - ".zip".length());
        // beside the volumes' folder, not in it: that folder given again would meet the volumes and this line again
        Path dir = last.toAbsolutePath().getParent();
        Path whole = (dir.getParent() != null ? dir.getParent() : dir).resolve(stem + "-whole.zip");
        return Redact.text(file.toString(), 300) + " is one volume of a zip spanned by zip -s (" + Redact.text(stem, 200)
                + ".z01 … " + Redact.text(name, 200) + "), whose volumes are not read as they are: join them first with `zip -s 0 "
                + shellWord(last) + " --out " + shellWord(whole) + "` and import that";
    }

    /** A path as one word of a shell's command line: as it is when it needs no quotes, else in single quotes. */
    private static String shellWord(Path path) {
        String p = Redact.text(path.toString(), 300);
        return p.matches("[\\w./+,:@%=-]+") ? p : "'" + p.replace("'", "'\\''") + "'";
    }

    /** The kind of the archive whose first part is {@code file}; throws BadInputException when it is none we read. */
    public static ArchiveFormat of(Path file) {
        byte[] head = new byte[HEAD];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new BadInputException("cannot read the archive " + file + ": " + FileTrees.describe(e));
        }
        ArchiveFormat format = byMagic(head, n);
        if (format == null) {
            throw new NotAnArchiveException(file + " is not a zip, tar, tar.gz, RAR or 7z archive (nor the first part of one)");
        }
        return format;
    }

    /** How many first bytes tell an archive's kind ({@link #byMagic}): a tar's mark lies at 257. */
    static final int HEAD = 512;

    /** The kind of archive that starts with {@code head}'s first {@code n} bytes; null when none we read. */
    static ArchiveFormat byMagic(byte[] head, int n) {
        if (startsWith(head, n, 'P', 'K', 3, 4) || startsWith(head, n, 'P', 'K', 5, 6) || startsWith(head, n, 'P', 'K', 7, 8)) {
            return ZIP;
        }
        if (startsWith(head, n, 'R', 'a', 'r', '!', 0x1a, 7)) {
            return RAR;
        }
        if (startsWith(head, n, '7', 'z', 0xbc, 0xaf, 0x27, 0x1c)) {
            return SEVEN_ZIP;
        }
        if (startsWith(head, n, 0x1f, 0x8b)) {
            return TAR_GZ;
        }
        if (n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
            return TAR;
        }
        return null;
    }

    /** The kind in a message's words: zip, tar, gzip (a tar.gz until read), RAR, 7z. */
    String shown() {
        return switch (this) {
            case ZIP -> "zip";
            case TAR -> "tar";
            case TAR_GZ -> "gzip";
            case RAR -> "RAR";
            case SEVEN_ZIP -> "7z";
        };
    }

    /**
     * Whether a gzip holds one file that is no tar (a video compressed on its own, say): its start inflates, and is not
     * a tar's first header. False when it does not inflate (damaged: said as such where it is read).
     */
    public static boolean gzipOfOneFile(Path gz) {
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            byte[] head = in.readNBytes(512);
            return head.length > 0 && !tarHeader(head);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether 512 bytes are a tar's header: a POSIX (ustar) one by its magic, an old (v7) one, which has none, by its
     * checksum (the sum of its bytes, the checksum's own eight counted as blanks, written in octal at byte 148).
     */
    static boolean tarHeader(byte[] head) {
        if (head.length < 512) {
            return head.length >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
        }
        if (new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
            return true;
        }
        String stored = new String(head, 148, 8, java.nio.charset.StandardCharsets.US_ASCII).replace('\0', ' ').strip();
        if (!stored.matches("[0-7]{1,7}")) {
            return false;
        }
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : head[i] & 0xff;
        }
        return sum == Long.parseLong(stored, 8);
    }

    /** Whether a gzip holds a tar (and not, say, a compressed JSON file lying beside the videos). */
    static boolean holdsATar(Path gz) {
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            byte[] head = in.readNBytes(512);
            return head.length >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The names archives of the kinds read go by, and the parts of one split into parts ({@code .zip.001},
     * {@code .7z.002}, {@code .zip.ab}).
     */
    private static final Pattern ARCHIVE_NAME = Pattern.compile("(?is).+\\.(zip|tar|tgz|tar\\.gz|rar|7z)(\\.\\d{1,4})?");

    /**
     * Whether a file of this name is named as an archive (or a part of one): how an archive's entry is told to be
     * one, without opening it.
     */
    static boolean namedAsArchive(String name) {
        return ARCHIVE_NAME.matcher(name).matches() || LETTER_PART.matcher(name).matches();
    }

    /**
     * Whether a file of this name may be a later byte-part of a split archive ({@code a.zip.002}, {@code a.7z.003},
     * {@code a.z01}, {@code a.zip.ab}; {@code a.zip.01} too, in a split numbered from {@code .00}), which starts
     * mid-archive and has no archive's first bytes.
     */
    public static boolean numberedPart(String name) {
        return name.matches("(?i).+\\.(\\d{1,4}|z\\d{2})") || LETTER_PART.matcher(name).matches() || laterRarVolume(name);
    }

    /**
     * Whether {@code file} is a later part of a split archive or a RAR volume set (a byte-part numbered 2 or
     * more that does not itself start as an archive, or {@code name.part2.rar}, … that does not start as an
     * archive of another kind): it is read with its first.
     */
    static boolean laterPart(Path file) {
        String name = file.getFileName().toString();
        if (laterRarVolume(name)) {
            // named as one, but what it is decides: a file that starts as another kind of archive (a whole zip
            // saved as videos.part2.rar) is that archive
            try {
                return of(file) == RAR;
            } catch (BadInputException noArchive) {
                return true;
            }
        }
        if (!laterBytePart(name)) {
            return false;
        }
        try {
            of(file);
            return false;
        } catch (BadInputException notAnArchiveAlone) {
            return true;
        }
    }

    /** Whether a name is a later RAR volume's or a byte-part's numbered 2 or more: never the first of its set. */
    static boolean laterPartByName(String name) {
        return laterRarVolume(name) || laterBytePart(name);
    }

    /** Whether a name is a byte-part's numbered 2 or more, or lettered after the first ({@code .ab}, not {@code .aa}). */
    private static boolean laterBytePart(String name) {
        Matcher letters = LETTER_PART.matcher(name);
        return name.matches("(?i).+\\.0*([2-9]|[1-9]\\d+)$") || letters.matches() && !letters.group(2).matches("a+");
    }

    /**
     * Whether a file of this name is a RAR volume after the first ({@code name.part2.rar}, …, or the old way
     * {@code name.r00}, …), unreadable alone.
     */
    static boolean laterRarVolume(String name) {
        return name.matches("(?i).+\\.(part0*([2-9]|[1-9]\\d+)\\.rar|[r-y]\\d{2})");
    }

    /**
     * The first volume of the RAR volume set whose later volume {@code file} is, beside it ({@code name.part3.rar}:
     * {@code name.part1.rar}; {@code name.part03.rar}: {@code name.part01.rar}; {@code name.r00}: {@code name.rar});
     * null when {@code file} is no later volume.
     */
    public static Path firstRarVolume(Path file) {
        String name = file.getFileName().toString();
        if (!laterRarVolume(name)) {
            return null;
        }
        Matcher m = NUMBERED_VOLUME.matcher(name);
        if (m.matches()) {
            return file.resolveSibling(m.group(1) + pad(1, m.group(2).length()) + m.group(3));
        }
        Matcher old = OLD_RAR_VOLUME.matcher(name);
        return old.matches() ? file.resolveSibling(old.group(1) + (Character.isUpperCase(old.group(2).charAt(0)) ? ".RAR" : ".rar"))
                : null;
    }

    /**
     * The first part of the split archive or RAR volume set that {@code file} is a later part or volume of, as
     * its name says, beside it: its first RAR volume ({@link #firstRarVolume}), or for a byte-part numbered 1 or
     * more ({@code a.zip.002}) the part numbered 0 ({@code a.zip.000}) when it is here, else the part numbered 1;
     * null when {@code file} is itself a first (or no part), or the byte-part that would be its first is not here.
     */
    public static Path firstPart(Path file) {
        Path volume = firstRarVolume(file);
        if (volume != null) {
            return volume;
        }
        Matcher letters = LETTER_PART.matcher(file.getFileName().toString());
        if (letters.matches()) {
            // all a's, as wide as this one's letters, or narrower by the two a widened suffix adds (zaaa's first is aa)
            for (int width = letters.group(2).length(); width >= 2 && laterBytePart(letters.group()); width -= 2) {
                Path part = file.resolveSibling(letters.group(1) + "a".repeat(width));
                if (Files.isRegularFile(part)) {
                    return part;
                }
            }
            return null;
        }
        Matcher m = NUMBERED_PART.matcher(file.getFileName().toString());
        if (!m.matches() || m.group(2).length() > 4 || Integer.parseInt(m.group(2)) == 0) {
            return null;
        }
        int number = Integer.parseInt(m.group(2));
        int width = m.group(2).length();
        for (int first = 0; first <= Math.min(1, number - 1); first++) {
            Path part = file.resolveSibling(m.group(1) + pad(first, width));
            if (Files.isRegularFile(part)) {
                return part;
            }
        }
        return null;
    }

    /**
     * The RAR volume after the first numbered {@code i} in the set named the old way whose first volume is
     * {@code first} ({@code name.rar}): {@code name.r00} for 0, … {@code name.r99} for 99, then {@code name.s00},
     * …; its letters in the case of the first's extension. Null past {@code name.y99}.
     */
    private static Path oldRarVolume(Path first, int i) {
        String name = first.getFileName().toString();
        String stem = name.substring(0, name.length() - 4);
        char r = name.charAt(name.length() - 3);
        if (i >= 800) {
            return null;
        }
        return first.resolveSibling(stem + "." + (char) ((Character.isUpperCase(r) ? 'R' : 'r') + i / 100) + pad(i % 100, 2));
    }

    private static boolean startsWith(byte[] head, int n, int... magic) {
        if (n < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The parts of a split archive in order, when {@code first} is the first part of one
     * ({@code .0}, {@code .00}, {@code .000} or {@code .001} and its siblings); else just {@code first}.
     */
    public static List<Path> parts(Path first) {
        Matcher volume = RAR_VOLUME.matcher(first.getFileName().toString());
        if (volume.matches()) {
            // bsdtar reads a RAR's volumes one after the other on its standard input, as one archive
            int width = volume.group(2).length() + 1;
            List<Path> volumes = new ArrayList<>();
            for (int i = 1; ; i++) {
                Path v = here(first.resolveSibling(volume.group(1) + pad(i, width) + volume.group(3)));
                if (v == null) {
                    break;
                }
                volumes.add(v);
            }
            return volumes.size() > 1 ? volumes : List.of(first);
        }
        if (first.getFileName().toString().matches("(?i).+\\.rar")) {
            // the old way: name.rar, then name.r00, name.r01, …, fed to bsdtar as the new way's volumes are
            List<Path> volumes = new ArrayList<>(List.of(first));
            for (int i = 0; ; i++) {
                Path v = here(oldRarVolume(first, i));
                if (v == null) {
                    break;
                }
                volumes.add(v);
            }
            return volumes;
        }
        Matcher letters = LETTER_PART.matcher(first.getFileName().toString());
        if (letters.matches() && letters.group(2).matches("a+")) {
            List<Path> parts = new ArrayList<>();
            for (String s = letters.group(2); s != null; s = nextLetters(first, letters.group(1), s)) {
                Path part = here(first.resolveSibling(letters.group(1) + s));
                if (part == null) {
                    break;
                }
                parts.add(part);
            }
            return parts.size() > 1 ? parts : List.of(first);
        }
        Matcher m = PART.matcher(first.getFileName().toString());
        if (!m.matches()) {
            return List.of(first);
        }
        String base = m.group(1);
        int width = m.group(2).length() + 1;
        int start = Integer.parseInt(m.group(3));
        List<Path> parts = new ArrayList<>();
        for (int i = start; ; i++) {
            Path part = here(first.resolveSibling(base + "." + pad(i, width)));
            if (part == null) {
                break;
            }
            parts.add(part);
        }
        return parts.size() > 1 ? parts : List.of(first);
    }

    /**
     * The part or volume {@code named}, as a file here: itself, else a copy of it another link brought under that
     * link's hash ({@code videos-<hash>.part2.rar}, kept so while the link that names it was still coming, or failed:
     * a mirror's); null when neither is here.
     */
    private static Path here(Path named) {
        if (named == null || Files.isRegularFile(named)) {
            return named;
        }
        return ArchiveFiles.hashedCopyOf(named);
    }

    /**
     * The part of a split archive (or RAR volume) missing between those here: the one after {@code parts}'
     * last, when one of the next few after it is here (x.zip.00 and x.zip.02 without x.zip.01); null when
     * the parts here follow on without a gap (a missing last part is told by the archive's end).
     */
    private static final Pattern NUMBERED_VOLUME = Pattern.compile("(?i)(.*\\.part)(\\d+)(\\.rar)$");
    private static final Pattern NUMBERED_PART = Pattern.compile("(.*\\.)(\\d+)$");

    public static String missingPart(List<Path> parts) {
        Path last = parts.get(parts.size() - 1);
        String name = last.getFileName().toString();
        Matcher volume = NUMBERED_VOLUME.matcher(name);
        Matcher old = OLD_RAR_VOLUME.matcher(name);
        if (!volume.matches() && old.matches()) {
            // the old way: name.rar is -1, name.r00 0, …, name.s00 100, …
            String n = old.group(2).toLowerCase(java.util.Locale.ROOT);
            int number = n.equals("rar") ? -1 : (n.charAt(0) - 'r') * 100 + Integer.parseInt(n.substring(1));
            Path first = java.util.Objects.requireNonNullElse(firstRarVolume(last), last);
            for (int later = number + 2; later <= number + 20; later++) {
                Path v = oldRarVolume(first, later);
                if (v != null && Files.isRegularFile(v)) {
                    return oldRarVolume(first, number + 1).getFileName().toString();
                }
            }
            return null;
        }
        Matcher letters = LETTER_PART.matcher(name);
        if (letters.matches()) {
            String next = nextLetters(last, letters.group(1), letters.group(2));
            String later = next;
            for (int i = 0; i < 19 && later != null; i++) {
                later = nextLetters(last, letters.group(1), later);
                if (later != null && Files.isRegularFile(last.resolveSibling(letters.group(1) + later))) {
                    return letters.group(1) + next;
                }
            }
            return null;
        }
        Matcher part = NUMBERED_PART.matcher(name);
        Matcher m = volume.matches() ? volume : part.matches() ? part : null;
        if (m == null) {
            return null;
        }
        int width = m.group(2).length();
        if (width > 6) {
            // a number that long (a time stamp) numbers no parts
            return null;
        }
        int number = Integer.parseInt(m.group(2));
        String suffix = m == volume ? m.group(3) : "";
        for (int later = number + 2; later <= number + 20; later++) {
            if (Files.isRegularFile(last.resolveSibling(m.group(1) + pad(later, width) + suffix))) {
                return m.group(1) + pad(number + 1, width) + suffix;
            }
        }
        return null;
    }

    /**
     * The letters of the byte-part after the one named {@code stem} and {@code s}, beside {@code part}, as split
     * names them: {@code ab} after {@code aa}, {@code ba} after {@code az}; null after {@code zz}. Not given a suffix
     * length ({@code -a}), split widens it by two after {@code yz} ({@code zaaa}, … {@code zyzz}, {@code zzaaaa}): that
     * one when it is here and the narrower is not.
     */
    private static String nextLetters(Path part, String stem, String s) {
        char[] c = s.toCharArray();
        int i = c.length - 1;
        for (; i >= 0 && c[i] == 'z'; i--) {
            c[i] = 'a';
        }
        if (i < 0) {
            return null;
        }
        c[i]++;
        String next = new String(c);
        String widened = next + "aa";
        boolean mayWiden = next.startsWith("z".repeat(next.length() / 2));
        return mayWiden && !Files.isRegularFile(part.resolveSibling(stem + next))
                && Files.isRegularFile(part.resolveSibling(stem + widened)) ? widened : next;
    }

    private static String pad(int i, int width) {
        char[] zeros = new char[Math.max(0, width - String.valueOf(i).length())];
        Arrays.fill(zeros, '0');
        return new String(zeros) + i;
    }
}
