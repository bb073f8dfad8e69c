package avqa.downloader;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests that download from the loopback {@link MediaServer}, serving a generated 3-second clip. */
abstract class LoopbackServerTest {

    static MediaServer server;
    static Path clip;

    @BeforeAll
    static void startServer() throws Exception {
        clip = Fixture.clip("tone-3s", 3, true);
        server = new MediaServer();
    }

    /** Serves {@code n} videos named {@code prefix0 … prefix(n-1)}, each the test clip. */
    static java.util.List<String> serveClips(String prefix, int n) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
            server.serve(prefix + i, clip);
        }
        return ids;
    }

    /**
     * Annotations naming {@code ids} in {@code tmp/meta}, and the options of a fast local run into
     * {@code tmp/data} from the loopback server's {@code template}.
     */
    static List<String> localRun(Path tmp, List<String> ids, String template) throws java.io.IOException {
        Fixture.annotations(tmp.resolve("meta"), "test", ids);
        return Fixture.localArgs(tmp.resolve("data"), tmp.resolve("meta"), template);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
