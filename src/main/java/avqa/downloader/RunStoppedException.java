package avqa.downloader;

/**
 * The run is stopping (a signal, a persistent bot check, a full disk): the video in hand is left
 * pending, not recorded as failed, and is taken up again by the next run.
 */
public class RunStoppedException extends RuntimeException {
    public RunStoppedException(String reason) {
        super(reason, null, false, false);
    }
}
