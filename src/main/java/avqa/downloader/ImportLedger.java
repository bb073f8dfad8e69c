package avqa.downloader;

import java.util.Set;

/**
 * The ids an archive had an entry for in this run (imported, or found broken): the plan, made before
 * the archives were read, leaves those to the import instead of requesting them elsewhere.
 */
public final class ImportLedger {

    private final Set<String> handled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** An archive has an entry for this video in this run. */
    public void handled(String id) {
        handled.add(id);
    }

    /** An import this run is taken back (its archive's checksum failed): the video is left to its source now. */
    public void takenBack(String id) {
        handled.remove(id);
    }

    public boolean handledThisRun(String id) {
        return handled.contains(id);
    }

    /** A new run. */
    public void reset() {
        handled.clear();
    }
}
