package avqa.downloader;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A port on a loopback address that takes no connection, as a host behind a firewall that drops what comes: nothing
 * accepts there, and once its queue is full the system drops every new connection's request (no refusal), so a
 * client's connect waits until its own timeout.
 */
final class HostTakingNoConnection implements AutoCloseable {

    private final ServerSocket full;
    private final List<Socket> queued = new ArrayList<>();

    /** On {@code address} (127.0.0.1, 127.0.0.2, ...), at {@code port} (0: any free one). */
    HostTakingNoConnection(InetAddress address, int port) throws IOException {
        full = new ServerSocket();
        try {
            full.bind(new InetSocketAddress(address, port), 1);
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket();
                queued.add(s);
                try {
                    s.connect(new InetSocketAddress(address, full.getLocalPort()), 500);
                } catch (SocketTimeoutException queueFull) {
                    return;
                }
            }
            throw new IllegalStateException("the queue of " + address + ":" + full.getLocalPort() + " took every connection");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    HostTakingNoConnection() throws IOException {
        this(InetAddress.getLoopbackAddress(), 0);
    }

    int port() {
        return full.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : queued) {
            s.close();
        }
        full.close();
    }
}
