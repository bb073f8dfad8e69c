package avqa.downloader;

import org.apache.camel.Variable;

/**
 * Where each annotation file is asked for under {@code --metadata-url}: the file's path goes into the URL's
 * path, before its query ({@code https://host/data?token=…} gives {@code https://host/data/avqa-test.json?token=…});
 * a fragment ({@code #…}) is never sent; the user name and password are not in the request (the host's
 * challenge is answered with them: {@link HostCredentials}).
 */
public final class MetadataUrls {

    private final String base;

    public MetadataUrls(String base) {
        this.base = base;
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
