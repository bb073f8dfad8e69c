package avqa.downloader;

import org.apache.hc.core5.http.HttpException;

/**
 * The proxy a request goes through, not the host it is for, failed it: the proxy refused to open the
 * tunnel to an https host (its login refused, the host forbidden or unreachable from it), or the environment
 * names one this tool cannot use. Its message is the line to show; a video it strikes fails as transient
 * (the proxy, not the video, is what is wrong).
 */
final class ProxyTrouble extends HttpException {

    private static final long serialVersionUID = 1L;

    private final boolean everyRequest;

    /**
     * {@code everyRequest}: every request through the proxy meets it (its login asked or refused), so all
     * workers pause; else it is this request's (a host the proxy cannot or will not reach), and fails its
     * video alone, as the same host's refusal without a proxy would.
     */
    ProxyTrouble(String message, boolean everyRequest) {
        super(message);
        this.everyRequest = everyRequest;
    }

    boolean everyRequest() {
        return everyRequest;
    }
}
