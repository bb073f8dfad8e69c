package avqa.downloader;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    /**
     * Writes it, one download at a time to the file (a plan of a million downloads is never held as
     * JSON in memory); returns its path.
     */
    public String write() throws IOException {
        Map<String, Object> groups = new LinkedHashMap<>();
        planner.coverage().groups().forEach((g, ids) -> groups.put(g, ids.size()));
        ObjectMapper mapper = new ObjectMapper();
        AtomicFiles.write(file, out -> {
            try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
                json.useDefaultPrettyPrinter();
                json.writeStartObject();
                json.writeNumberField("referenced", planner.coverage().referenced());
                json.writeObjectField("coverage", groups);
                json.writeArrayFieldStart("downloads");
                for (VideoTask t : planner.lastPlan()) {
                    if (t.state() == VideoTask.State.DOWNLOAD) {
                        writeDownload(json, t);
                    }
                }
                json.writeEndArray();
                json.writeEndObject();
            }
        });
        return file.toString();
    }

    private static void writeDownload(JsonGenerator json, VideoTask t) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", t.id());
        json.writeStringField("url", Redact.url(t.url()));
        json.writeArrayFieldStart("clips");
        for (Clip c : t.clips()) {
            json.writeStartObject();
            json.writeStringField("name", c.name());
            json.writeNumberField("start", c.start());
            if (c.duration() == null) {
                json.writeNullField("duration");
            } else {
                json.writeNumberField("duration", c.duration());
            }
            json.writeBooleanField("flip", c.flip());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }
}
