package avqa.downloader;

import java.nio.file.Path;
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

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
