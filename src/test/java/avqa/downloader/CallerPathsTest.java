package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import avqa.downloader.settings.CallerPaths;
import avqa.downloader.settings.CommandLineOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The paths a user typed in another directory than the run's: taken from there, URLs and absolute paths as they are. */
class CallerPathsTest {

    private static final Path CALLER = Path.of("/home/lab/work");

    @Test
    void relativePathsOnTheCommandLineAreTakenFromWhereTheyWereTyped() {
        CommandLineOptions.Parsed cli = CallerPaths.resolve(CommandLineOptions.parse(new String[] {
            "--data-dir", "data", "--import-archive", "archives/v1.zip", "--import-archive", "https://host/x.zip?dl=1",
            "--import-archive", "/srv/v2.rar", "--manifest", "../clips.csv", "--cookies", "cookies.txt",
            "--metadata-url", "file:meta/", "--verify", "--against", "theirs/SHA256SUMS",
            "--source-url-template", "mirror/{id}.mp4", "--workers", "2"}), CALLER);
        assertEquals("/home/lab/work/data", cli.values().get("avqa.data-dir"));
        assertEquals("/home/lab/work/archives/v1.zip,https://host/x.zip?dl=1,/srv/v2.rar",
                cli.values().get("avqa.import-archives"));
        assertEquals("/home/lab/work/../clips.csv", cli.values().get("avqa.manifests"));
        assertEquals("/home/lab/work/cookies.txt", cli.values().get("avqa.cookies"));
        assertEquals("file:/home/lab/work/meta/", cli.values().get("avqa.metadata.base-url"));
        assertEquals("/home/lab/work/theirs/SHA256SUMS", cli.actionValue("--against"));
        // not a file: as typed
        assertEquals("mirror/{id}.mp4", cli.values().get("avqa.source.url-template"));
        assertEquals("2", cli.values().get("avqa.workers"));
    }

    @Test
    void urlsAndAbsolutePathsStayAsTyped() {
        CommandLineOptions.Parsed cli = CallerPaths.resolve(CommandLineOptions.parse(new String[] {
            "--data-dir", "/data/avqa", "--metadata-url", "https://raw.example.org/meta/", "--manifest", "file:/srv/m.csv"}),
                CALLER);
        assertEquals("/data/avqa", cli.values().get("avqa.data-dir"));
        assertEquals("https://raw.example.org/meta/", cli.values().get("avqa.metadata.base-url"));
        assertEquals("file:/srv/m.csv", cli.values().get("avqa.manifests"));
    }

    @Test
    void theEnvironmentsPathsToo() {
        Map<String, String> env = CallerPaths.resolveEnvironment(Map.of("AVQA_DATA_DIR", "data", "AVQA_WORKERS", "3",
                "HOME", "lab"), CALLER);
        assertEquals("/home/lab/work/data", env.get("AVQA_DATA_DIR"));
        assertEquals("3", env.get("AVQA_WORKERS"));
        assertEquals("lab", env.get("HOME"));
    }
}
