package avqa.downloader;

/** A file given or kept as an archive that is none of the kinds this tool reads: nothing of it can be imported. */
public final class NotAnArchiveException extends BadInputException {

    public NotAnArchiveException(String message) {
        super(message);
    }
}
