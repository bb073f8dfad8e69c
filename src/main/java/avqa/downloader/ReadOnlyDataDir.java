package avqa.downloader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A data directory on a read-only file system (an archived copy on a read-only NFS share or bind mount):
 * told by the file system, not by permission bits (root writes past those). {@code --verify} alone checks
 * such a copy and writes nothing there; a run, or {@code --verify --repair}, is refused in one line.
 */
final class ReadOnlyDataDir {

    private static final Pattern OCTAL = Pattern.compile("\\\\([0-7]{3})");

    private ReadOnlyDataDir() {
    }

    /**
     * Whether {@code dir} is there on a file system mounted read-only: on Linux by its mount's own flags in
     * {@code /proc/self/mountinfo} (Java's {@link FileStore} takes a bind mount for the file system
     * it binds from, and misses its read-only flag), elsewhere by its {@link FileStore}.
     */
    static boolean is(Path dir) {
        try {
            Path real = dir.toRealPath();
            if (!Files.isDirectory(real)) {
                return false;
            }
            Boolean mounted = mountedReadOnly(real, Path.of("/proc/self/mountinfo"));
            return mounted != null ? mounted : Files.getFileStore(real).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Where the data directory is on a read-only file system: itself, or a folder of it a run writes in (videos/
     * a read-only mount of its own, or a link to a read-only share, say); null when nowhere.
     */
    static Path where(Workspace workspace) {
        for (Path dir : workspace.layout()) {
            if (is(dir)) {
                return dir;
            }
        }
        return null;
    }

    /**
     * Whether the mount that holds {@code real} (a real path) is read-only, by {@code mountinfo}: its own options
     * or its file system's say {@code ro}. The mount that holds it is found as the kernel finds it, from the root
     * mount down through the mounts on it: a mount over the path's place (the last mounted there) hides the ones
     * below it, a mount on a folder above the path hides one mounted deeper before it. Null when {@code mountinfo}
     * cannot be read or names no mount above it.
     */
    static Boolean mountedReadOnly(Path real, Path mountinfo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        List<Mount> mounts = new java.util.ArrayList<>();
        for (String line : lines) {
            // id parent major:minor root mount-point options [optional fields] - type source super-options
            List<String> f = List.of(line.split(" "));
            int dash = f.indexOf("-");
            if (dash < 6 || f.size() < dash + 4) {
                continue;
            }
            mounts.add(new Mount(f.get(0), f.get(1), Path.of(unescape(f.get(4))),
                    List.of(f.get(5).split(",")).contains("ro") || List.of(f.get(dash + 3).split(",")).contains("ro")));
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        mounts.forEach(m -> ids.add(m.id()));
        // the root mount: its parent is not in the table (it is outside this process's root)
        Mount holder = nearest(real, mounts, m -> !ids.contains(m.parent()));
        for (int depth = 0; holder != null && depth < mounts.size(); depth++) {
            String id = holder.id();
            Mount next = nearest(real, mounts, m -> m.parent().equals(id) && !m.id().equals(id));
            if (next == null) {
                break;
            }
            holder = next;
        }
        return holder == null ? null : holder.readOnly();
    }

    /** Of the mounts {@code which} takes that are above {@code real}: the one nearest the root, the last mounted there. */
    private static Mount nearest(Path real, List<Mount> mounts, java.util.function.Predicate<Mount> which) {
        Mount found = null;
        for (Mount m : mounts) {
            if (which.test(m) && real.startsWith(m.point())
                    && (found == null || m.point().getNameCount() <= found.point().getNameCount())) {
                found = m;
            }
        }
        return found;
    }

    /** A line of mountinfo: the mount's id, its parent's, where it is mounted, whether it is read-only. */
    private record Mount(String id, String parent, Path point, boolean readOnly) {
    }

    /** A mount point as mountinfo writes it: a space, tab, line break or backslash as {@code \ooo} (octal). */
    private static String unescape(String field) {
        return OCTAL.matcher(field).replaceAll(m -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
    }

    /**
     * Whether a write failed because the file system is read-only (EROFS): how a share exported read-only but
     * mounted read-write tells it.
     */
    static boolean says(IOException e) {
        return e instanceof FileSystemException f && f.getReason() != null && DiskFull.saysReadOnly(f.getReason());
    }

    /** What a run on the read-only data directory {@code dir} is told (null: --verify alone, which goes on). */
    static String refusal(Path dir, boolean verify, boolean repair) {
        String shown = Redact.text(dir.toString(), 300);
        if (verify && !repair) {
            return null;
        }
        if (verify) {
            return "--repair cannot move files aside in " + shown + ": its file system is read-only; --verify alone "
                    + "checks it and writes nothing there";
        }
        return "cannot write to " + shown + ": its file system is read-only, and a run writes its files there; make "
                + "it writable or choose another --data-dir (--verify alone checks a read-only copy)";
    }

    /** The data directory's file system said it is read-only when the lock was taken. */
    static final class Found extends BadInputException {
        Found(Path dir, IOException e) {
            super("cannot write to " + Redact.text(dir.toString(), 300) + ": " + FileTrees.describe(e), e);
        }
    }
}
