package avqa.downloader;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The logs of the nodes of a cluster, {@code avqa_download-<host>-<pid>.log} and their rolled-over {@code .1},
 * {@code .2}...: each process writes its own, so every start of a worker begins one more. A node that starts
 * deletes those of nodes gone (no lock of theirs in {@code .partial/}, once {@link DataDirLock#deadNodes} has
 * cleared the dead ones'), but for the {@code avqa.log.keep} most recent, so that restarts do not pile them up.
 */
final class NodeLogs {

    private static final Pattern NAME = Pattern.compile("avqa_download-([A-Za-z0-9-]{1,80})\\.log(\\.\\d{1,4})?");

    private NodeLogs() {
    }

    /** Deletes the logs of nodes gone but the {@code keep} most recent nodes'; returns how many nodes' logs went. */
    static int prune(Path root, String self, int keep) {
        Set<String> live = new HashSet<>();
        live.add(self);
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(root.resolve(".partial"), "*.lock")) {
            for (Path f : locks) {
                String name = f.getFileName().toString();
                live.add(name.substring(0, name.length() - ".lock".length()));
            }
        } catch (IOException noFolder) {
            // no locks: only this node is known to be alive
        }
        Map<String, List<Path>> logs = new HashMap<>();
        Map<String, Long> newest = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root, "avqa_download-*")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (!m.matches() || live.contains(m.group(1)) || !Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                logs.computeIfAbsent(m.group(1), n -> new ArrayList<>()).add(f);
                newest.merge(m.group(1), Files.getLastModifiedTime(f).toMillis(), Math::max);
            }
        } catch (IOException unreadable) {
            return 0;
        }
        List<String> gone = new ArrayList<>(logs.keySet());
        gone.sort(Comparator.comparing((String n) -> newest.get(n)).reversed());
        int deleted = 0;
        for (String node : gone.subList(Math.min(keep, gone.size()), gone.size())) {
            boolean all = true;
            for (Path f : logs.get(node)) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException kept) {
                    all = false;
                }
            }
            deleted += all ? 1 : 0;
        }
        return deleted;
    }
}
