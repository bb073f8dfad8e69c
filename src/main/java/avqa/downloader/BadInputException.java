package avqa.downloader;

/**
 * Input the run cannot work with (bad option, unreadable or malformed annotations). The command
 * line prints the message as one line and exits with status 2.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
