package avqa.downloader;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data directory stays this run's: still there, still locked by this process (its {@code .lock} in
 * place) and writable. Looked at as a run starts and every second while it goes (30-status.yaml); when it
 * is not, the run stops in one line instead of failing every video on (a directory removed under a run is
 * made again by the next write, with no lock, and a second run could start on it). So do its published
 * folders ({@link PublishedFolders}): one removed or replaced stops the run, its records kept, and a
 * scheduled run does not start until it is put back.
 */
public final class DataDirWatch {

    private final Path root;
    private final DataDirLock lock;
    private final RunControl run;
    private final PublishedFolders folders;

    public DataDirWatch(Path root, DataDirLock lock, RunControl run) {
        this(root, lock, run, null);
    }

    public DataDirWatch(Path root, DataDirLock lock, RunControl run, PublishedFolders folders) {
        this.root = root;
        this.lock = lock;
        this.run = run;
        this.folders = folders;
    }

    /** What stops a run whose data directory can no longer be written (DiskFull says it too, whichever sees it first). */
    static String notWritable(Path root) {
        return "the data directory " + root + " can no longer be written (made read-only?): stopped; make it "
                + "writable and run again; complete videos are kept";
    }

    /** What is wrong with the data directory; null when nothing is. */
    String problem() {
        if (lock == null) {
            return null;
        }
        if (!Files.isDirectory(root) || !lock.held()) {
            return "the data directory " + root + " was removed or replaced while the run went (its lock file "
                    + root.resolve(".lock") + " is gone): stopped; put it back, or start again to begin a new one";
        }
        if (!Files.isWritable(root)) {
            return notWritable(root);
        }
        return null;
    }

    /** While a run goes: stops it when the data directory is no longer its own; nothing more is written in it. */
    public void check() {
        String problem = problem();
        if (problem != null) {
            run.dataDirGone(problem);
        } else if ((problem = folderProblem()) != null) {
            run.stop(problem);
        }
    }

    /** A published folder removed or replaced since the process first saw it; null when none is (or no lock is held). */
    private String folderProblem() {
        return folders == null || lock == null ? null : folders.problem();
    }

    /** As a run starts (a scheduled one, after the directory went): it does not start. */
    public void checkBeforeRun() {
        String problem = problem();
        if (problem != null) {
            run.dataDirGone(problem);
            throw new RunStoppedException(problem);
        }
        String moved = folderProblem();
        if (moved != null) {
            run.stop(moved);
            throw new RunStoppedException(moved);
        }
    }
}
