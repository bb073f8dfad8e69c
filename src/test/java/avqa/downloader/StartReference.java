package avqa.downloader;

import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's reference for the start-up: the least a Camel 4 application of YAML routes does before its first
 * request. A bare Camel Main with one YAML route (a timer firing once, an HTTP GET of the URL given) on the tool's
 * own libraries, ended after that one message. The benchmark times it beside the tool, interleaved, with the same
 * JVM options and a class-data archive of its own, so that the tool's start can be judged against what Camel itself
 * takes on the machine that day.
 * <p>{@code StartReference <url> <folder for its route file>}
 */
public final class StartReference {

    private StartReference() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[1]));
        Path route = dir.resolve("reference.yaml");
        // the URL comes from the benchmark itself (its nginx on 127.0.0.1)
        Files.writeString(route, "- route:\n    id: reference\n    from:\n      uri: timer:reference?repeatCount=1&delay=0\n"
                + "      steps:\n        - to: \"" + args[0] + "\"\n");
        Main main = new Main();
        main.configure().withRoutesIncludePattern("file:" + route).withDurationMaxMessages(1).withName("reference");
        main.run();
    }
}
