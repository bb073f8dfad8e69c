package avqa.downloader;

import avqa.downloader.settings.SettingsTable;
import avqa.downloader.settings.Settings;
import avqa.downloader.settings.CamelProperties;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void precedenceIsCommandLineThenSystemThenEnvironmentThenFile(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path file = tmp.resolve("application.properties");
        Files.writeString(file, "avqa.workers = 3\navqa.sleep = 7\navqa.jitter = 1\navqa.rate-limit = 1M\n");
        Properties system = new Properties();
        system.setProperty("avqa.sleep", "6");
        system.setProperty("avqa.jitter", "0.5");
        Map<String, String> env = Map.of("AVQA_SLEEP", "5", "AVQA_JITTER", "0.25", "AVQA_RATE_LIMIT", "2M");

        Settings s = Settings.resolve(Map.of("avqa.sleep", "4"), file, system, env);

        assertEquals("4", s.get("avqa.sleep"));
        assertEquals("0.5", s.get("avqa.jitter"));
        assertEquals("2M", s.get("avqa.rate-limit"));
        assertEquals("3", s.get("avqa.workers"));
        assertEquals("5", s.get("avqa.retry-attempts"));
        assertEquals("4", CamelProperties.of(s).getProperty("avqa.retry.max-redeliveries"));
        // the throttle's gap: 60 s / 4 starts, and a twentieth of it as a margin
        assertEquals("15750", CamelProperties.of(s).getProperty("avqa.throttle.gap-millis"));
    }

    /** A split named twice is fetched and read once (it was fetched twice, and the run stopped: "cannot write"). */
    @Test
    void aSplitNamedTwiceIsOneSplit(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Settings s = Settings.resolve(Map.of("avqa.metadata.splits", "test, train,test"), tmp.resolve("none.properties"),
                new Properties(), Map.of());
        assertEquals(java.util.List.of("test", "train"), s.splits());
    }

    @Test
    void passwordsAreNotWrittenDownInTheRunSummary(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Settings s = Settings.resolve(Map.of(), tmp.resolve("none.properties"), new Properties(),
                Map.of("AVQA_DB_PASSWORD", "s3cret", "AVQA_BROKER_PASSWORD", "hunter2"));
        assertEquals("(set)", s.asMap().get("avqa.db.password"));
        assertEquals("(set)", s.asMap().get("avqa.broker.password"));
        assertEquals("", s.asMap().get("avqa.db.user"));
        assertEquals("s3cret", s.get("avqa.db.password"));
    }

    @Test
    void anAnnotationUrlWhosePasswordHoldsAnAtIsRefusedWithoutShowingIt(@org.junit.jupiter.api.io.TempDir Path tmp) {
        BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> Settings.resolve(
                Map.of("avqa.metadata.base-url", "http://bob:se@cret99@127.0.0.1:8801/ok"), tmp.resolve("none.properties"),
                new Properties(), Map.of()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("%40"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains("cret99"), e.getMessage());
        // a host name with an underscore (a compose service's) is a host all the same; a port past 65535 is none
        Settings.resolve(Map.of("avqa.metadata.base-url", "http://avqa_meta:8080/data"), tmp.resolve("none.properties"),
                new Properties(), Map.of());
        org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> Settings.resolve(
                Map.of("avqa.metadata.base-url", "http://127.0.0.1:99999/data"), tmp.resolve("none.properties"),
                new Properties(), Map.of()));
    }

    /** "--splits ," (or spaces between commas) names no split: refused as any other list of no split, not a run of nothing. */
    @Test
    void splitsThatNameNoneAreRefused(@org.junit.jupiter.api.io.TempDir Path tmp) {
        for (String none : List.of(",", " , ", ",,")) {
            BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> Settings.resolve(
                    Map.of("avqa.metadata.splits", none), tmp.resolve("none.properties"), new Properties(), Map.of()), none);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("--splits"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("a comma-separated list of"), e.getMessage());
        }
    }
}
