package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each annotation file is asked for under {@code --metadata-url}: the file's path goes into the URL's
 * path, before its query ({@code https://host/data?token=…} gives {@code https://host/data/avqa-test.json?token=…});
 * a fragment ({@code #…}) is never sent; the user name and password are not in the request (the host's
 * challenge is answered with them: {@link HostCredentials}). In a local folder ({@code file:}) a file not at
 * its path in the dataset's repository ({@code balance_full_set/test_balance.json}) is taken from the
 * folder's top ({@code test_balance.json}), where files downloaded one by one land.
 */
public final class MetadataUrls {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.fetch");

    private final String base;
    private final String folder;

    /** {@code folder}: the local folder a {@code file:} base names; empty for http(s). */
    public MetadataUrls(String base, String folder) {
        this.base = base;
        this.folder = folder;
    }

    /**
     * The folder under the local folder where this file is read: its folder in the dataset's repository
     * when it is there, else the top when the file is there, else (to be named missing) its repository folder.
     */
    public String folder(@Variable("metadataFile") Dataset.MetadataFile file) {
        Path found = local(Path.of(folder), file.remotePath());
        if (found != null && !file.remoteDir().isEmpty() && found.getParent().equals(Path.of(folder))) {
            LOG.info("{} is not in {}; taking {}", file.remotePath(), Redact.text(folder, 500),
                    Redact.text(found.toString(), 500));
            return "";
        }
        return file.remoteDir();
    }

    /** {@code path} under the local folder {@code dir}, else its last segment at the top; null when neither is a file. */
    static Path local(Path dir, String path) {
        Path nested = dir.resolve(path);
        if (Files.isRegularFile(nested)) {
            return nested;
        }
        Path top = dir.resolve(nested.getFileName());
        return Files.isRegularFile(top) ? top : null;
    }

    /**
     * Why a file of the local folder came to nothing: a folder, or a link to nothing, in its place (the file
     * component passes them over), else no such file.
     */
    public void missing(@Variable("metadataFolder") String sub, @Variable("metadataFile") Dataset.MetadataFile file)
            throws IOException {
        if (!folder.isEmpty()) {
            Path p = Path.of(folder).resolve(sub == null ? "" : sub).resolve(file.localName());
            if (Files.isDirectory(p)) {
                throw new IOException("it is not a file but a folder, which is not read");
            }
            if (Files.isSymbolicLink(p)) {
                throw new IOException("it is not a file but " + FileTrees.special(p) + ", which is not read");
            }
        }
        throw new java.io.FileNotFoundException("no such file");
    }

    /** The URL one metadata file is requested from. */
    public String request(@Variable("metadataFile") Dataset.MetadataFile file) {
        return file(HostCredentials.withoutUserInfo(base), file.remotePath());
    }

    /** {@code path} under the http(s) URL {@code base}, its query kept and its fragment dropped. */
    static String file(String base, String path) {
        String url = HostCredentials.withoutFragment(base);
        int q = url.indexOf('?');
        String query = q < 0 ? "" : url.substring(q);
        String dir = q < 0 ? url : url.substring(0, q);
        return (dir.endsWith("/") ? dir : dir + "/") + path + query;
    }
}
