package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The routes folder reads in the order a video travels: listed by name, the files are the stages in
 * order, and no route calls into a file numbered beyond the next stage, except the shared ones
 * (20-errors, 21-probe-media). A stage that only is entered and left again (the pacing, which each
 * download attempt passes through) may be stepped over by the call that leads to the stage entering
 * it. The run (00) calls the run's stages in their order. The files from 20 on are not on a video's
 * way (errors, ffprobe, timers, schedule, verify, cluster) and may be called from any stage.
 */
class RouteOrderTest {

    private static final Pattern FROM = Pattern.compile("(?m)^\\s+from:\\s*\n\\s+uri: \"?direct:([\\w-]+)\"?\\s*$");
    /** A call: {@code to:}, or the {@code uri:} of an EIP that sends (a wire tap), not a route's {@code from:}. */
    private static final Pattern CALL = Pattern.compile(
            "(?m)^(?!\\s+from:)(.*)\n\\s+uri: \"?direct:([\\w-]+)\"?\\s*$|^\\s+(?:- )?to: \"?direct:([\\w-]+)\"?\\s*$");
    private static final int FIRST_SHARED = 20;
    private static final int LAST_SHARED = 29;

    record Call(int from, String fromFile, int block, String target) {
    }

    @Test
    void everyRouteCallsOnlyTheNextStageOrASharedOne() throws Exception {
        Map<String, Integer> fileOf = new LinkedHashMap<>();
        Map<String, String> nameOf = new LinkedHashMap<>();
        List<Call> calls = new ArrayList<>();
        List<String> names;
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
        for (String name : names) {
            int number = Integer.parseInt(name.substring(0, 2));
            String yaml = Files.readString(Path.of("routes", name));
            Matcher from = FROM.matcher(yaml);
            while (from.find()) {
                assertTrue(fileOf.put(from.group(1), number) == null, "direct:" + from.group(1) + " is defined once");
                nameOf.put(from.group(1), name);
            }
            String[] blocks = yaml.split("(?m)^- ");
            for (int b = 0; b < blocks.length; b++) {
                Matcher call = CALL.matcher(blocks[b]);
                while (call.find()) {
                    calls.add(new Call(number, name, b, call.group(2) != null ? call.group(2) : call.group(3)));
                }
            }
        }
        assertTrue(calls.size() > 20, "the calls were found: " + calls);
        java.util.Set<Integer> callers = new java.util.HashSet<>();
        calls.forEach(c -> callers.add(c.from()));
        Map<Integer, List<Integer>> runOrder = new LinkedHashMap<>();
        for (Call c : calls) {
            Integer target = fileOf.get(c.target());
            assertTrue(target != null, c.fromFile() + " calls direct:" + c.target() + ", which no route file defines");
            boolean shared = target >= FIRST_SHARED && target <= LAST_SHARED;
            if (c.from() == 0) {
                runOrder.computeIfAbsent(c.block(), k -> new ArrayList<>()).add(target);
            } else if (c.from() < FIRST_SHARED) {
                boolean overALeaf = target == c.from() + 2 && fileOf.containsValue(c.from() + 1)
                        && !callers.contains(c.from() + 1);
                assertTrue(shared || target <= c.from() + 1 || overALeaf,
                        c.fromFile() + " calls direct:" + c.target() + " in " + nameOf.get(c.target())
                                + ", beyond the next stage");
            }
        }
        for (List<Integer> order : runOrder.values()) {
            List<Integer> sorted = new ArrayList<>(order);
            sorted.sort(null);
            assertEquals(sorted, order, "00-run calls the stages in the order of their files");
        }
    }
}
