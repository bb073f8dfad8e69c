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

    ProxyTrouble(String message) {
        super(message);
    }
}
