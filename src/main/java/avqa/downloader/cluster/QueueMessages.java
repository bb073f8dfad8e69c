package avqa.downloader.cluster;

import org.apache.camel.Variable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import avqa.downloader.BadInputException;
import avqa.downloader.Clip;
import avqa.downloader.VideoIdRules;
import avqa.downloader.VideoTask;
import avqa.downloader.Workspace;

/**
 * The per-video message of the multi-host mode: a {@link VideoTask} as JSON. The planner writes
 * it; a worker reads it back and checks it as strictly as the planner checked the annotations (a
 * safe id, safe clip names, an http(s) URL), because a queue is input like any other: a message
 * that fails is set aside in the dead-letter queue with the reason, never run. What is on disk
 * decides: a video whose files are in place is not fetched again, one whose files are not is
 * fetched, whatever an older record says.
 */
public final class QueueMessages {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Workspace workspace;
    private final ClusterRecord record;
    private final AllowedSources sources;
    private final int maxDeliveries;

    /** {@code record}: the cluster's record of complete videos (null where there is none, as in tests). */
    public QueueMessages(Workspace workspace, ClusterRecord record, AllowedSources sources) {
        this(workspace, record, sources, 20);
    }

    public QueueMessages(Workspace workspace, ClusterRecord record, AllowedSources sources, int maxDeliveries) {
        this.sources = sources;
        this.maxDeliveries = maxDeliveries;
        this.workspace = workspace;
        this.record = record;
    }

    /** Whether a planned video needs a worker (a download, its audio, its frames), rather than a record. */
    public boolean needsWorker(@Variable("task") VideoTask task) {
        return task.state() == VideoTask.State.DOWNLOAD || task.state() == VideoTask.State.EXTRACT_AUDIO
                || task.state() == VideoTask.State.EXTRACT_FRAMES || task.state() == VideoTask.State.DERIVE;
    }

    /**
     * A message handed out more than avqa.broker.max-deliveries times without being dealt with (it went
     * back to the queue each time) is set aside rather than going round for ever.
     */
    public void checkDeliveries(@org.apache.camel.Body jakarta.jms.Message message) throws jakarta.jms.JMSException {
        int deliveries = message.propertyExists("JMSXDeliveryCount") ? message.getIntProperty("JMSXDeliveryCount") : 1;
        if (deliveries > maxDeliveries) {
            throw new BadInputException("it was handed out " + deliveries + " times without being dealt with "
                    + "(avqa.broker.max-deliveries is " + maxDeliveries + ")");
        }
    }

    /**
     * What goes to the dead-letter queue for a message set aside: its text if it has one (a body that
     * cannot even be read gets a line saying so), and the reason in the header avqaRejectedBecause.
     */
    public void rejected(org.apache.camel.Exchange exchange) {
        org.apache.camel.Message in = exchange.getIn();
        String reason = avqa.downloader.Shown.of(exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT,
                Throwable.class));
        String text = null;
        try {
            Object body = in.getBody();
            if (body instanceof jakarta.jms.TextMessage t) {
                text = t.getText();
            } else if (body instanceof String s) {
                text = s;
            }
        } catch (jakarta.jms.JMSException | RuntimeException unreadable) {
            text = null;
        }
        in.setBody(text != null ? text : "(a message that is not text, left unread)");
        in.setHeader("avqaRejectedBecause", reason);
    }

    public String toJson(@Variable("task") VideoTask task) throws JsonProcessingException {
        return JSON.writeValueAsString(task);
    }

    /**
     * A message back into a task, checked. A video whose files are already all in place (another
     * worker finished it, or a worker died between putting them there and acknowledging) becomes
     * COMPLETE: nothing is requested again.
     */
    /** The message a worker took from the queue: only a text message is read; any other is refused unread. */
    public VideoTask read(@org.apache.camel.Body Object message) throws jakarta.jms.JMSException {
        if (message instanceof jakarta.jms.TextMessage t) {
            return toTask(t.getText());
        }
        if (message instanceof String s) {
            return toTask(s);
        }
        throw new BadInputException("not a video message: a " + (message instanceof jakarta.jms.Message
                ? message.getClass().getSimpleName().replace("ActiveMQ", "") : "message") + ", not text; left unread");
    }

    /** A message's text back into a task, checked. */
    public VideoTask toTask(String json) {
        if (json == null) {
            throw new BadInputException("not a video message: it has no text");
        }
        VideoTask task;
        try {
            task = JSON.readValue(json, VideoTask.class);
        } catch (JsonProcessingException e) {
            throw new BadInputException("not a video message: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("not a video message: " + e.getMessage());
        }
        if (task == null || task.id() == null || !VideoIdRules.isSafe(task.id())) {
            throw new BadInputException("a video message without a safe id");
        }
        if (!needsWorker(task)) {
            throw new BadInputException("a video message for " + task.id() + " with nothing for a worker to do ("
                    + task.state() + ")");
        }
        List<Clip> clips = task.clips() == null ? List.of() : task.clips();
        for (Clip c : clips) {
            if (c == null || !VideoIdRules.isSafe(c.name()) || !Double.isFinite(c.start()) || c.start() < 0
                    || (c.duration() != null && (!Double.isFinite(c.duration()) || c.duration() <= 0))) {
                throw new BadInputException("a video message for " + task.id() + " with a bad clip");
            }
        }
        if (task.state() == VideoTask.State.DOWNLOAD) {
            try {
                VideoIdRules.checkSourceUrl(task.url());
            } catch (IllegalArgumentException e) {
                throw new BadInputException("a video message for " + task.id() + ": " + e.getMessage());
            }
            if (sources != null && !sources.allows(task.url())) {
                throw new BadInputException("a video message for " + task.id() + " names a source this worker does not "
                        + "fetch from (" + avqa.downloader.Redact.url(task.url()) + "): only the hosts of its own "
                        + "source templates and manifests, and avqa.worker.allowed-hosts");
            }
        }
        if (task.state() == VideoTask.State.DERIVE && clips.stream().anyMatch(c -> !c.flip() || !c.name().endsWith("_flip"))) {
            throw new BadInputException("a video message for " + task.id() + " that mirrors what is not a _flip clip");
        }
        // a complete file is never replaced because a message asks: its clips already complete are left out
        List<Clip> left = clips.stream().filter(c -> !workspace.isComplete(c.name())).toList();
        boolean done = task.state() == VideoTask.State.EXTRACT_FRAMES ? workspace.hasFrames(task.id())
                : clips.isEmpty() ? workspace.isComplete(task.id()) : left.isEmpty();
        task = new VideoTask(task.id(), task.url(), task.state(), null, null, clips.isEmpty() ? clips : left);
        if (done) {
            return new VideoTask(task.id(), task.url(), VideoTask.State.COMPLETE, null, null, clips);
        }
        if (record != null) {
            // recorded once, but its files are not all here now (set aside by --repair, deleted, or a
            // clip added to a source done before): the old record must not make the worker skip it
            record.forget(task.id());
        }
        return task;
    }
}
