package avqa.downloader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * On a data directory whose file system does not tell letter case apart, two ids that differ only in
 * case would share one work directory and one final file, and overwrite each other on every run: the
 * first one planned keeps its name, the others are recorded as {@code case-conflict} naming it. The
 * download of a clip source gets a name no other source's can be mistaken for.
 */
final class CaseClashes {

    private final boolean active;
    private final Map<String, String> first = new HashMap<>();

    CaseClashes(boolean caseInsensitive) {
        this.active = caseInsensitive;
    }

    /** The id planned before this one that the file system takes for the same name, or null. */
    String clashWith(String id) {
        if (!active || id == null) {
            return null;
        }
        String earlier = first.putIfAbsent(id.toLowerCase(Locale.ROOT), id);
        return earlier == null || earlier.equals(id) ? null : earlier;
    }

    /** A clip source's download name, unique whatever the case: its hash is added where case is not told apart. */
    String sourceName(String key) {
        if (!active) {
            return key;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return key + "-" + HexFormat.of().formatHex(d, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String reason(String earlier) {
        return "differs from " + earlier + " only in letter case, and this data directory's file system does not tell "
                + "them apart: keep the dataset on a case-sensitive file system to have both";
    }
}
