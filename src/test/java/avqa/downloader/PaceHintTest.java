package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import avqa.downloader.settings.CamelProperties;
import avqa.downloader.settings.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The line that says how long the downloads from hosts other than YouTube take at the run's pace. */
class PaceHintTest {

    private static List<VideoTask> plan(String template, int n) {
        List<VideoTask> plan = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("%08d", i);
            plan.add(VideoTask.download(id, template.replace("{id}", id)));
        }
        return plan;
    }

    /** With the defaults of the table (no application.properties, no environment) and these properties set. */
    private static PaceHint hint(String... properties) {
        Map<String, String> given = new java.util.HashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            given.put(properties[i], properties[i + 1]);
        }
        Settings s = Settings.resolve(given, java.nio.file.Path.of("no-such.properties"), new java.util.Properties(), Map.of());
        return new PaceHint(CamelProperties.throttleGapMillis(s), s.getInt("avqa.throttle.max-requests"),
                s.get("avqa.throttle.period"));
    }

    @Test
    void aMirrorAtYoutubesDefaultPaceIsSaidWithHowLongAndWhatToGive() {
        List<VideoTask> plan = plan("http://10.0.0.5/v/{id}.mp4", 9288);
        plan.addAll(plan("https://www.youtube.com/watch?v={id}", 5));
        plan.add(VideoTask.unavailable("internal1", "permanent", "no source"));

        assertEquals("The 9288 downloads from 10.0.0.5 are paced at one start every 15.8 s at most (--max-requests 4 "
                        + "per --period 60; the defaults are YouTube's pace): they take 40 h 39 min or more. A server that allows "
                        + "more (a mirror of your own) is fetched faster with --sleep 0 --jitter 0 --max-requests 1000 "
                        + "--period 1 (README, \"A mirror's web pages go in batches\")",
                hint().hint(plan));
    }

    @Test
    void nothingIsSaidForYoutubeAShortWaitOrAPaceTheUserChose() {
        assertNull(hint().hint(plan("https://www.youtube.com/watch?v={id}", 9288)), "YouTube's own pace");
        assertNull(hint().hint(plan("http://10.0.0.5/v/{id}.mp4", 38)), "38 starts: under 10 minutes");
        assertNull(hint("avqa.throttle.max-requests", "1000", "avqa.throttle.period", "1").hint(plan("http://10.0.0.5/v/{id}.mp4", 9288)));
        assertNull(hint().hint(List.of()));
        // slower than the defaults, chosen: the user's
        assertNull(hint("avqa.throttle.max-requests", "2").hint(plan("http://10.0.0.5/v/{id}.mp4", 9288)));
        assertNull(hint("avqa.throttle.period", "120").hint(plan("http://10.0.0.5/v/{id}.mp4", 9288)));
    }

    @Test
    void manyHostsAreCountedAndTheTimeIsInMinutesBelowAnHour() {
        List<VideoTask> plan = new ArrayList<>();
        for (String host : List.of("a.example", "b.example", "c.example", "d.example")) {
            plan.addAll(plan("http://" + host + "/{id}.mp4", 10));
        }
        String line = hint().hint(plan);
        assertEquals(true, line.startsWith("The 40 downloads from a.example, b.example and 2 other hosts are paced"), line);
        assertEquals(true, line.contains("they take 11 min or more"), line);
    }
}
