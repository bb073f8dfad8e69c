package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Left running as a service: the Quartz schedule, live route reloading, status lines. */
@Alone // the management port 9876, start rates timed
class ServiceTest extends LoopbackServerTest {


    @Test
    void theScheduleResumesSkipsCompleteVideosRetriesTransientOnesNeverOverlapsAndStopsWithStatus0(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("sched", 4);
        server.failAlways("sched3", MediaServer.Fault.SERVER_ERROR);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        // the first run takes longer than the 3 s between triggers
        args.addAll(List.of("--schedule", "--cron", "*/3 * * * * ?", "--workers", "1", "--rate-limit", "120K",
                "--retry-attempts", "1"));
        Path log = tmp.resolve("service.log");
        Process service = Fixture.startJvm(args, Map.of(), log);
        try {
            Fixture.await("the first run to end", 60_000, () -> read(log).contains("Run finished"));
            assertTrue(Files.isRegularFile(data.resolve("audio/sched2.wav")));
            assertEquals("transient", Fixture.readJson(data.resolve("failed/sched3.json")).get("category").asText());
            assertTrue(read(log).contains("Skipping this trigger: the previous run is still going"), read(log));
            int sched0Hits = server.hits("sched0").size();

            server.failAlways("sched3", null);
            Fixture.await("a later trigger to complete the failed video", 30_000,
                    () -> Files.isRegularFile(data.resolve("audio/sched3.wav")));
            Fixture.await("that run to end", 30_000, () -> count(read(log), "Run finished") >= 2);
            assertEquals(sched0Hits, server.hits("sched0").size(), "complete videos are not requested again");
            assertTrue(read(log).contains("Scheduled resume"), read(log));
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), read(log));
        assertEquals(List.of(), Fixture.processesUsing(data));
    }

    @Test
    void editingTheThrottleOfARunningProcessChangesTheStartRateWithoutRepeatingAVideo(@TempDir Path tmp)
            throws Exception {
        Path routes = ReadableErrorsTest.copyOfRoutes(tmp);
        List<String> ids = serveClips("reload", 8);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--max-requests", "1", "--period", "4", "--workers", "2"));
        Path log = tmp.resolve("run.log");
        // the last video is answered only once the broken edit below was reported: the run is still going
        // then, however fast the faster pace lets it go
        server.holdUntil(ids.get(ids.size() - 1), () -> brokenEditReported(read(log)), 25_000);
        int before = server.hits().size();
        Process run = Fixture.startJvm(args, Map.of("AVQA_ROUTES_DIR", routes.toString()), log);
        try {
            Fixture.await("two downloads at the slow pace", 60_000, () -> starts(before).size() >= 2);
            Path pace = routes.resolve("06-pace-requests.yaml");
            String yaml = Files.readString(pace);
            // one start every 50 ms instead of every 4.2 s
            String faster = yaml.replace("timePeriodMillis: \"{{avqa.throttle.gap-millis}}\"", "timePeriodMillis: 50");
            assertTrue(!faster.equals(yaml), "the throttle is where the README says");
            Files.writeString(pace, faster);
            long edited = server.now();
            Fixture.await("the faster pace", 30_000, () -> starts(before).size() >= 4);
            // an edit that breaks the file is reported, and the routes already loaded keep running
            Files.writeString(pace, faster.replace("- route:", "- route: [unclosed"));
            Fixture.await("the broken edit to be reported", 15_000, () -> brokenEditReported(read(log)));
            assertTrue(run.isAlive(), "reported by the running process");

            assertTrue(run.waitFor(90, TimeUnit.SECONDS), "the run finished");
            assertEquals(0, run.exitValue(), read(log));
            List<Long> starts = starts(before);
            assertEquals(8, starts.size());
            long afterEdit = starts.stream().filter(t -> t > edited).count();
            long lastStart = starts.get(starts.size() - 1);
            // at the old pace (1 start per 4 s) the videos left would need 4 s each
            assertTrue(lastStart - edited < (afterEdit - 1) * 4000 - 2000,
                    "after the edit " + afterEdit + " starts took " + (lastStart - edited) + " ms: " + starts);
            assertTrue(read(log).toLowerCase().contains("reload"), "the log says the routes were reloaded");
            for (String id : ids) {
                // one attempt is two requests: yt-dlp looks at the URL, then downloads it
                assertEquals(2, server.hits(id).size(), id + " was fetched once: " + server.hits(id));
            }
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void editingTheDownloadRoutesDuringARunIsTakenAtTheNextStartAndTheRunGoesOnUntouched(@TempDir Path tmp)
            throws Exception {
        Path routes = ReadableErrorsTest.copyOfRoutes(tmp);
        List<String> ids = serveClips("edit07", 4);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--workers", "2"));
        Path log = tmp.resolve("run.log");
        // a download in hand while the file is edited: answered once the edit was said to wait
        server.holdUntil(ids.get(1), () -> deferredEditReported(read(log), "07-download-video.yaml"), 20_000);
        Process run = Fixture.startJvm(args, Map.of("AVQA_ROUTES_DIR", routes.toString()), log);
        try {
            Fixture.await("the held video to be asked for", 60_000, () -> !server.hits(ids.get(1)).isEmpty());
            Path download = routes.resolve("07-download-video.yaml");
            Files.writeString(download, Files.readString(download) + "\n# edited while a run goes\n");
            Fixture.await("the edit to be said to wait for the next start", 15_000,
                    () -> deferredEditReported(read(log), "07-download-video.yaml"));
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the run finished");
            assertEquals(0, run.exitValue(), read(log));
            assertTrue(!server.heldInVain(ids.get(1)), read(log));
            assertTrue(read(log).contains("is taken at the next start"), read(log));
            assertTrue(!read(log).contains("Routes reloaded"), "nothing of 07 was replaced under the run: " + read(log));
            for (String id : ids) {
                assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
                // one attempt is two requests: yt-dlp looks at the URL, then downloads it
                assertEquals(2, server.hits(id).size(), id + " was fetched once: " + server.hits(id));
            }
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void aServiceTakesAnEditOfItsRoutesOnceTheScheduledRunGoingEnds(@TempDir Path tmp) throws Exception {
        Path routes = ReadableErrorsTest.copyOfRoutes(tmp);
        List<String> ids = serveClips("edit11", 3);
        List<String> args = serviceWhoseLastVideoFails(tmp, ids);
        Path log = tmp.resolve("service.log");
        server.holdUntil(ids.get(1), () -> deferredEditReported(read(log), "11-record.yaml"), 20_000);
        // one video per yt-dlp start: the failing video fails alone
        Process service = Fixture.startJvm(args, Map.of("AVQA_ROUTES_DIR", routes.toString(), "AVQA_DOWNLOAD_BATCH", "1"), log);
        try {
            Fixture.await("the held video to be asked for", 60_000, () -> !server.hits(ids.get(1)).isEmpty());
            Path record = routes.resolve("11-record.yaml");
            String yaml = Files.readString(record);
            String edited = yaml.replace("message: \"Complete: ${variable.job.id()}\"",
                    "message: \"Complete (edited): ${variable.job.id()}\"");
            assertTrue(!edited.equals(yaml), "the line the test edits is there");
            Files.writeString(record, edited);
            Fixture.await("the edit to be said to wait for the run", 15_000,
                    () -> deferredEditReported(read(log), "11-record.yaml"));
            Fixture.await("the first run to end", 60_000, () -> read(log).contains("Run finished"));
            // the run going when the file was edited kept its routes to the end
            assertTrue(read(log).contains("Complete: " + ids.get(1)), read(log));
            assertTrue(read(log).contains("is taken once this run ends"), read(log));
            Fixture.await("the edit to be taken after the run", 20_000, () -> read(log).contains("Routes reloaded"));
            // a route file this process does not load (the cluster's) is not loaded by an edit either
            Path cluster = routes.resolve("60-cluster.yaml");
            Files.writeString(cluster, Files.readString(cluster) + "\n# edited\n");
            Fixture.await("the edit of an unused file to be left", 15_000,
                    () -> read(log).contains("60-cluster.yaml was edited; this process does not use it"));

            server.failAlways(ids.get(2), null);
            Fixture.await("a later run to complete the failed video with the edited routes", 30_000,
                    () -> read(log).contains("Complete (edited): " + ids.get(2)));
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), read(log));
        assertTrue(!server.heldInVain(ids.get(1)), read(log));
        assertEquals(1, count(read(log), "Routes reloaded summary"), read(log));
        for (String id : ids.subList(0, 2)) {
            assertEquals(2, server.hits(id).size(), id + " was fetched once: " + server.hits(id));
        }
    }

    @Test
    void aBrokenEditRefusedBetweenRunsIsNotTakenUnderARunWithTheNextEditOfThePacing(@TempDir Path tmp) throws Exception {
        Path routes = ReadableErrorsTest.copyOfRoutes(tmp);
        List<String> ids = serveClips("replay", 2);
        List<String> args = serviceWhoseLastVideoFails(tmp, ids);
        Path log = tmp.resolve("service.log");
        Process service = Fixture.startJvm(args, Map.of("AVQA_ROUTES_DIR", routes.toString(), "AVQA_DOWNLOAD_BATCH", "1"), log);
        try {
            Fixture.await("the first run to end", 60_000, () -> read(log).contains("Run finished"));
            Path record = routes.resolve("11-record.yaml");
            String yaml = Files.readString(record);
            // between runs an edit is taken at once: this one cannot be
            Files.writeString(record, yaml + "\n- route: [broken\n");
            Fixture.await("the broken edit to be refused", 30_000, () -> read(log).lines()
                    .anyMatch(l -> l.contains("11-record.yaml") && l.contains("The edit was not taken")));
            // a later run: the failed video answers now, held at the server until the edits below are made
            java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
            int before = server.hits(ids.get(1)).size();
            server.holdUntil(ids.get(1), release::get, 30_000);
            server.failAlways(ids.get(1), null);
            Fixture.await("the held video to be asked for", 60_000, () -> server.hits(ids.get(1)).size() > before);
            Files.writeString(record, yaml.replace("message: \"Complete: ${variable.job.id()}\"",
                    "message: \"Complete (edited): ${variable.job.id()}\""));
            Fixture.await("the mended edit to wait for the run", 15_000, () -> deferredEditReported(read(log), "11-record.yaml"));
            int reloads = count(read(log), "Routes reloaded summary");
            Path pace = routes.resolve("06-pace-requests.yaml");
            Files.writeString(pace, Files.readString(pace) + "\n# edited while a run goes\n");
            Fixture.await("the pacing to be replaced", 20_000, () -> count(read(log), "Routes reloaded summary") > reloads);
            release.set(true);
            Fixture.await("the held video to be recorded", 30_000, () -> read(log).contains("Complete: " + ids.get(1)) || read(log).contains("Complete (edited): " + ids.get(1)));
            // the record routes the run began with recorded it: the mended file waited for the run's end
            assertTrue(read(log).contains("Complete: " + ids.get(1)), read(log));
            assertTrue(!read(log).contains("Complete (edited): " + ids.get(1)), read(log));
        } finally {
            service.destroy();
            assertTrue(service.waitFor(40, TimeUnit.SECONDS), "stopped on SIGTERM");
        }
        assertEquals(0, service.exitValue(), read(log));
    }

    /** A service's arguments, a run every 2 s, one worker; its last video fails (transient) until the test says. */
    static List<String> serviceWhoseLastVideoFails(Path tmp, List<String> ids) throws Exception {
        server.failAlways(ids.get(ids.size() - 1), MediaServer.Fault.SERVER_ERROR);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(tmp.resolve("data"), meta, server.urlTemplate());
        args.addAll(List.of("--schedule", "--cron", "*/2 * * * * ?", "--workers", "1", "--retry-attempts", "1"));
        return args;
    }

    /** The one line that says an edit of {@code file} waits until no run goes. */
    static boolean deferredEditReported(String log, String file) {
        return log.lines().anyMatch(l -> l.contains("WARN") && l.contains("Route file ") && l.contains(file)
                && l.contains("was edited while a run goes"));
    }

    /** The one line that says an edit of the pacing file could not be taken. */
    static boolean brokenEditReported(String log) {
        return log.lines().anyMatch(l -> l.contains("Route file ") && l.contains("06-pace-requests.yaml")
                && l.contains("The edit was not taken"));
    }

    @Test
    void statusLinesAppearInARedirectedLogAtTheIntervalAndTheirCountsMatchTheFiles(@TempDir Path tmp)
            throws Exception {
        List<String> ids = serveClips("status", 4);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, server.urlTemplate());
        args.addAll(List.of("--status-interval", "1", "--workers", "1", "--rate-limit", "100K"));
        Path out = tmp.resolve("nohup.out");
        Process run = Fixture.startJvm(args, Map.of(), out);
        assertTrue(run.waitFor(90, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue());

        List<String> lines = Files.readAllLines(out);
        Pattern status = Pattern.compile("^(\\S+ \\S+) INFO  Status: (\\d+)/4 complete");
        List<Long> times = new ArrayList<>();
        int completesLogged = 0;
        for (String line : lines) {
            if (line.contains("INFO  Complete: ")) {
                completesLogged++;
            }
            Matcher m = status.matcher(line);
            if (m.find()) {
                int complete = Integer.parseInt(m.group(2));
                assertTrue(complete >= completesLogged && complete <= completesLogged + 1,
                        "status says " + complete + " complete after " + completesLogged + " completions: " + line);
                times.add(java.time.LocalDateTime.parse(m.group(1).replace(' ', 'T'))
                        .toEpochSecond(java.time.ZoneOffset.UTC));
            }
        }
        assertTrue(times.size() >= 3, "status lines every second: " + lines);
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            assertTrue(gap >= 0 && gap <= 2, "status lines " + gap + " s apart");
        }
        assertEquals(4, PipelineTest.listNames(data.resolve("audio")).size());
    }

    static List<Long> starts(int fromHit) {
        List<MediaServer.Hit> hits = server.hits();
        List<Long> starts = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (MediaServer.Hit h : hits.subList(fromHit, hits.size())) {
            if (seen.add(h.id())) {
                starts.add(h.atMillis());
            }
        }
        return starts;
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }
}
