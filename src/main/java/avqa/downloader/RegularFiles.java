package avqa.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The names, less a suffix, of the regular files (or links to one) of one folder that end with that suffix,
 * listed by {@code find}. Linux's listing of a folder says of each entry whether it is a file, a folder or a link,
 * and find takes that, looking up only the links; Java's listing says nothing of the kind, so each name would
 * take a look-up of its own (a {@code stat}). For a rerun over 100,000 complete videos that was 200,000 look-ups,
 * 0.6 s of its 1.5 s. On a file system whose listing gives no types, find looks each name up itself and still
 * answers. Null when find cannot (it is not there, or not GNU find; the folder cannot be read; a link in it loops):
 * the caller then lists the folder itself, and says why it cannot.
 */
final class RegularFiles {

    private RegularFiles() {
    }

    /** The names in {@code dir} ending with {@code suffix} that are regular files or links to one, less the suffix; or null. */
    static Set<String> named(Path dir, String suffix) {
        if (suffix.isEmpty() || !suffix.chars().allMatch(c -> c < 0x80 && Character.isLetterOrDigit(c) || c == '.')) {
            return null; // a suffix that would be read as a pattern, or none: not asked for
        }
        // -H: the folder itself may be a link (videos/ on another disk); the names in it are not followed (-xtype looks)
        List<String> command = List.of("find", "-H", dir.toAbsolutePath().toString(), "-mindepth", "1", "-maxdepth", "1",
                "-name", "*" + suffix, "(", "-type", "f", "-o", "-xtype", "f", ")", "-printf", "%f\\0");
        ProcessBuilder find = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // a name's bytes matched as bytes, whatever the locale (a UTF-8 locale's * matches no byte that is not UTF-8)
        find.environment().put("LC_ALL", "C");
        byte[] out;
        Process p;
        try {
            p = find.start();
        } catch (IOException | RuntimeException cannot) {
            return null;
        }
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
            if (p.waitFor() != 0) {
                return null;
            }
        } catch (IOException e) {
            p.destroy();
            return null;
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            return null;
        }
        // file names are read as Java reads them: in the JVM's encoding for them
        Charset names = Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));
        Set<String> ids = new HashSet<>();
        int from = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                String name = new String(out, from, i - from, names);
                if (name.endsWith(suffix)) {
                    ids.add(name.substring(0, name.length() - suffix.length()));
                }
                from = i + 1;
            }
        }
        return ids;
    }
}
