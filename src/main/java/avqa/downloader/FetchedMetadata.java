package avqa.downloader;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.camel.Variable;

/**
 * An annotation file fetched over http(s) may take its name in {@code metadata/} only once it reads as one: a
 * web page (a GitHub page instead of its "Raw" file, a sign-in page) or JSON cut short (a host that closed
 * the connection early on a body of no announced length, which looks like its end), or one that names no video
 * (a host's placeholder, {@code []}), is refused, nothing is
 * kept, and the next run asks again. A file copied from a {@code file:} URL is the user's own, and is read
 * as it is.
 */
public final class FetchedMetadata {

    private final Path metadataDir;
    private final boolean overHttp;

    public FetchedMetadata(Path metadataDir, boolean overHttp) {
        this.metadataDir = metadataDir;
        this.overHttp = overHttp;
    }

    /**
     * Checks the file written under its temporary name; it takes its own once every file of the fetch has
     * ({@link MetadataSources#install}).
     */
    public void accept(@Variable("metadataFile") Dataset.MetadataFile file) throws IOException {
        Path fetching = metadataDir.resolve(".fetching-" + file.localName());
        String name = file.localName();
        if (overHttp) {
            if (ArchiveFetch.looksLikeAPage(fetching)) {
                throw new BadInputException("the host answered with a web page, not " + name
                        + " (a GitHub page's \"Raw\" link gives the file itself); nothing is kept");
            }
            if (name.endsWith(".json")) {
                java.util.List<String> ids;
                try {
                    ids = new AnnotationReader(false).uniqueVideoIds(fetching, name);
                } catch (BadInputException e) {
                    // said of the file by its name, not of the temporary one it was written under; "cut short?" only
                    // where the JSON ends too soon (a file whole but not annotations is not the host's cut)
                    String said = String.valueOf(e.getMessage()).replace(fetching.toString(), name)
                            .replace(fetching.getFileName().toString(), name);
                    boolean ended = said.contains("end-of-input") || said.contains("empty");
                    throw new BadInputException("what came does not read as " + (ended ? "a whole annotation file "
                            + "(cut short?)" : "an annotation file") + ": " + said + "; nothing is kept, and the next run asks again");
                }
                if (ids.isEmpty()) {
                    // a host's placeholder ([] for a file it has lost, say): a refresh would have replaced the dataset's
                    // questions with none, and the run planned nothing and ended well
                    throw new BadInputException("what came for " + name + " names no video (no questions in it): it is not the "
                            + "dataset's file; nothing is kept (a copy already here stays), and the next run asks again");
                }
            }
        }
    }
}
