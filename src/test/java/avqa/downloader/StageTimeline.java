package avqa.downloader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a fast-path video's time goes, stage by stage, read from a trace of the run's system calls
 * ({@code strace -f -ttt}, only the calls named in {@link #STRACE}): for each video a worker made, the
 * download (its work file created, to the ffmpeg pass's start), the pass, the time until openssl starts and
 * its hashing (where NSS cannot hash in the JVM), or else the time from the pass to the video's fsync, the fsync before each rename and the journal's lines. Nothing in the tool is changed to
 * take it; the trace's own cost is small (seccomp filters the calls it does not follow).
 */
final class StageTimeline {

    static final List<String> STRACE = List.of("strace", "-f", "--seccomp-bpf", "-ttt", "-e",
            "trace=exit_group,fsync,fdatasync,rename,renameat,renameat2,openat", "-e", "signal=none", "-o");

    private static final Pattern LINE = Pattern.compile("(\\d+)\\s+(\\d+\\.\\d+) (.*)");
    private static final Pattern PROC_STAT = Pattern.compile("\"/proc/(\\d+)/stat\"");

    /** The stages in the order a video goes through them: a label, and the marks it runs between. */
    private static final String[][] STAGES = {
            {"download (Java), to the pass's start", "download", "pass"},
            {"the ffmpeg pass (WAV, every packet)", "pass", "passDone"},
            {"pass done, to openssl's start", "passDone", "hash"},
            {"openssl: SHA-256 of video and WAV", "hash", "hashDone"},
            {"pass done, to the video's fsync (the WAV's check; SHA-256 of both by NSS, in the JVM)", "passDone", "fsyncVideo"},
            {"fsync of the video", "fsyncVideo", "fsyncVideoDone"},
            {"its rename and lines, to the WAV's fsync", "fsyncVideoDone", "fsyncWav"},
            {"fsync of the WAV", "fsyncWav", "fsyncWavDone"},
            {"rename, provenance and journal lines", "fsyncWavDone", "done"},
            {"to the worker's next video", "done", "next"},
            {"the whole video, on its worker", "download", "next"},
    };

    private StageTimeline() {
    }

    /** The table of stage times (median, mean, 90th percentile, in ms) over every video in the trace. */
    static String report(Path trace) throws IOException {
        List<String> lines = Files.readAllLines(trace);
        Map<String, Double> exits = new HashMap<>();
        Map<String, List<Object[]>> byThread = new LinkedHashMap<>();
        Map<String, Object[]> unfinished = new HashMap<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String tid = m.group(1);
            double t = Double.parseDouble(m.group(2));
            String call = m.group(3);
            if (call.startsWith("exit_group")) {
                exits.put(tid, t);
                continue;
            }
            if (call.startsWith("<... ")) {
                // the end of a call another thread's line interrupted: its start and end
                Object[] started = unfinished.remove(tid);
                if (started != null) {
                    byThread.computeIfAbsent(tid, k -> new ArrayList<>()).add(new Object[] {started[0], t, started[1]});
                }
                continue;
            }
            if (call.endsWith("<unfinished ...>")) {
                unfinished.put(tid, new Object[] {t, call});
            } else {
                byThread.computeIfAbsent(tid, k -> new ArrayList<>()).add(new Object[] {t, t, call});
            }
        }
        List<Map<String, Double>> videos = new ArrayList<>();
        for (List<Object[]> calls : byThread.values()) {
            calls.sort((a, b) -> Double.compare((double) a[0], (double) b[0]));
            Map<String, Double> video = null;
            for (Object[] c : calls) {
                double start = (double) c[0];
                double end = (double) c[1];
                String call = (String) c[2];
                if (call.contains("/video.mp4\", O_WRONLY|O_CREAT")) {
                    if (video != null && video.containsKey("done")) {
                        video.put("next", start);
                        videos.add(video);
                    }
                    video = new HashMap<>();
                    video.put("download", start);
                    continue;
                }
                if (video == null) {
                    continue;
                }
                Matcher proc = PROC_STAT.matcher(call);
                if (proc.find()) {
                    // each child's start: the worker reads its /proc/<pid>/stat for its CPU time
                    String mark = !video.containsKey("pass") ? "pass" : !video.containsKey("hash") ? "hash" : null;
                    if (mark != null) {
                        video.put(mark, start);
                        video.put(mark + "Done", exits.getOrDefault(proc.group(1), start));
                    }
                } else if (call.startsWith("fsync(")) {
                    String mark = !video.containsKey("fsyncVideo") ? "fsyncVideo" : "fsyncWav";
                    video.put(mark, start);
                    video.put(mark + "Done", end);
                } else if (call.startsWith("fdatasync(") && video.containsKey("fsyncWavDone")) {
                    video.put("done", end);
                }
            }
        }
        StringBuilder out = new StringBuilder(String.format("%d videos traced%n", videos.size()));
        out.append(String.format("| stage | median ms | mean ms | p90 ms |%n| --- | --- | --- | --- |%n"));
        for (String[] stage : STAGES) {
            List<Double> ms = new ArrayList<>();
            for (Map<String, Double> v : videos) {
                if (v.containsKey(stage[1]) && v.containsKey(stage[2])) {
                    ms.add(1000 * (v.get(stage[2]) - v.get(stage[1])));
                }
            }
            if (ms.isEmpty()) {
                continue;
            }
            ms.sort(null);
            double mean = ms.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            out.append(String.format("| %s | %.1f | %.1f | %.1f |%n", stage[0], ms.get(ms.size() / 2), mean,
                    ms.get((int) (0.9 * (ms.size() - 1)))));
        }
        return out.toString();
    }
}
