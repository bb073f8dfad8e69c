package avqa.downloader;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A host name that could not be resolved (no network or DNS), for a service's look at the run it stopped
 * ({@link StopRecheck}): back once the name resolves again and, when the port the run asked for is known (a URL the
 * tool fetched itself, not through a proxy), that port takes a connection. Only the name is looked up and the
 * connection closed at once: nothing is sent.
 */
record NetworkBack(String host, int port) {

    private static final int CONNECT_MILLIS = 5000;

    /** What cleared the stop, in a few words; null while the name does not resolve or the port takes no connection. */
    String resolvesAgain() {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (IOException | SecurityException e) {
            return null;
        }
        String shown = Redact.text(host, 200);
        if (port <= 0) {
            return shown + " resolves again";
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), CONNECT_MILLIS);
        } catch (IOException e) {
            return null;
        }
        return shown + " resolves again and takes a connection on port " + port;
    }
}
