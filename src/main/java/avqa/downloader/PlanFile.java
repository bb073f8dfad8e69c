package avqa.downloader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code plan.json}, written by {@code --dry-run}: every download the plan would make (the URL, and
 * the clips cut from it) and the size of each coverage group.
 */
public final class PlanFile {

    private final VideoPlanner planner;
    private final Path file;

    public PlanFile(VideoPlanner planner, Workspace workspace) {
        this.planner = planner;
        this.file = workspace.root().resolve("plan.json");
    }

    /** Writes it; returns its path. */
    public String write() throws IOException {
        List<Map<String, Object>> downloads = new ArrayList<>();
        for (VideoTask t : planner.lastPlan()) {
            if (t.state() != VideoTask.State.DOWNLOAD) {
                continue;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", t.id());
            d.put("url", Redact.url(t.url()));
            d.put("clips", t.clips().stream().map(c -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("start", c.start());
                m.put("duration", c.duration());
                m.put("flip", c.flip());
                return m;
            }).toList());
            downloads.add(d);
        }
        Map<String, Object> groups = new LinkedHashMap<>();
        planner.coverage().groups().forEach((g, ids) -> groups.put(g, ids.size()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("referenced", planner.coverage().referenced());
        out.put("coverage", groups);
        out.put("downloads", downloads);
        AtomicFiles.write(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
        return file.toString();
    }
}
