package avqa.downloader.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.Variable;
import avqa.downloader.Clip;
import avqa.downloader.RunControl;
import avqa.downloader.RunStoppedException;
import avqa.downloader.VideoTask;
import avqa.downloader.Workspace;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The cluster-wide record of complete videos: a PostgreSQL table behind Camel's
 * {@link JdbcMessageIdRepository}, one row per complete video (primary key: the queue's name and the
 * id). The workers' idempotent consumer reads and writes it; the planner, the status line and
 * {@code --verify} read it.
 */
public final class ClusterRecord {

    private final JdbcMessageIdRepository repository;
    private final JdbcTemplate jdbc;
    private final String processorName;
    private final Workspace workspace;
    private final RunControl run;
    private final DatabaseGate gate;

    public ClusterRecord(DataSource dataSource, String processorName, Workspace workspace, RunControl run,
                         DatabaseGate gate) {
        this.processorName = processorName;
        this.workspace = workspace;
        this.run = run;
        this.gate = gate;
        this.repository = new JdbcMessageIdRepository(dataSource, processorName);
        repository.setTableName(ClusterConnections.COMPLETE_TABLE);
        repository.setCreateTableIfNotExists(false);
        // started here, not by a route: --verify reads it without any cluster route loaded
        ServiceHelper.startService(repository);
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * The idempotent repository the workers' consumer route uses (bean {@code completeVideos}): the
     * JDBC one, each of its calls waiting while the database cannot be reached.
     */
    public IdempotentRepository repository() {
        return new Waiting();
    }

    public Set<String> completeIds() {
        return new HashSet<>(jdbc.queryForList("SELECT messageId FROM " + ClusterConnections.COMPLETE_TABLE
                + " WHERE processorName = ?", String.class, processorName));
    }

    /** Complete videos (rows of clip sources, {@code src-…}, are the sources' messages, not videos). */
    public long count() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM " + ClusterConnections.COMPLETE_TABLE
                + " WHERE processorName = ? AND messageId NOT LIKE 'src-%'", Long.class, processorName);
        return n == null ? 0 : n;
    }

    /** Records a complete video (a clip, or a whole video) at once, not waiting for its message's end. */
    public boolean add(String id) {
        return gate.waitFor("recording " + id + " complete", () -> {
            try {
                return repository.add(id);
            } catch (DuplicateKeyException alreadyThere) {
                // recorded at the same moment by another node: recorded is recorded
                return false;
            }
        });
    }

    /** Drops the record of a video whose files are gone, so that it is fetched again. */
    public boolean forget(String id) {
        return gate.waitFor("forgetting the record of " + id, () -> repository.remove(id));
    }

    /**
     * Called by a worker after a video's stages: the video (or every clip of its source) must now
     * have its files in place. If not, the run is stopping (the message goes back to the queue for
     * another worker) or the video failed (its failure record is written).
     */
    public void confirmComplete(@Variable("task") VideoTask task) {
        List<String> names = task.clips().isEmpty() ? List.of(task.id())
                : task.clips().stream().map(Clip::name).toList();
        for (String name : names) {
            if (!workspace.isComplete(name)) {
                if (run.isStopping()) {
                    throw new RunStoppedException("the worker is stopping; " + task.id() + " goes back to the queue");
                }
                throw new VideoNotComplete(task.id());
            }
        }
    }

    /** The record as the idempotent consumer sees it; while the database cannot be reached, each call waits. */
    private final class Waiting extends org.apache.camel.support.service.ServiceSupport implements IdempotentRepository {
        @Override
        public boolean add(String key) {
            return ClusterRecord.this.add(key);
        }

        @Override
        public boolean contains(String key) {
            return gate.waitFor("looking up " + key, () -> repository.contains(key));
        }

        @Override
        public boolean remove(String key) {
            return forget(key);
        }

        @Override
        public boolean confirm(String key) {
            return repository.confirm(key);
        }

        @Override
        public void clear() {
            repository.clear();
        }
    }

    /** A video the worker could not complete: its failure record says why; its message is done. */
    public static final class VideoNotComplete extends RuntimeException {
        VideoNotComplete(String id) {
            super(id + " was not completed (see failed/" + id + ".json)", null, false, false);
        }
    }
}
