package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The folders the run puts files in under their final names ({@code videos/}, {@code audio/}, {@code frames/})
 * stay the ones the process began with: each is remembered as first seen (which folder it is), and one that is gone,
 * no longer a directory, or another folder by now (moved aside and made again) is said in one line. A run
 * then stops rather than fetch every video left only to fail to put it in place.
 */
final class PublishedFolders {

    private final List<Path> folders;
    private final Map<Path, Object> seen = new LinkedHashMap<>();

    PublishedFolders(List<Path> folders) {
        this.folders = List.copyOf(folders);
    }

    /** What is wrong with a folder seen before; null when nothing is. */
    synchronized String problem() {
        for (Path folder : folders) {
            Object was = seen.get(folder);
            Object now = identity(folder);
            if (now != null && was == null) {
                seen.put(folder, now);
            } else if (was != null && !was.equals(now)) {
                return "the folder " + Redact.text(folder.toString(), 500) + " was removed or replaced while the run "
                        + "went: stopped; put it back where it was, or start the tool again to take the folder as it is now "
                        + "(a --schedule service runs again once it is back, or once restarted); complete videos are kept, "
                        + "and what is missing from it is made again";
            }
        }
        return null;
    }

    /** Which directory is at {@code folder} (its file key, or just that one is there); null when none is. */
    private static Object identity(Path folder) {
        try {
            // a link to a folder elsewhere (another disk) stands for that folder
            BasicFileAttributes a = Files.readAttributes(folder, BasicFileAttributes.class);
            return a.isDirectory() ? Objects.requireNonNullElse(a.fileKey(), Boolean.TRUE) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
