package avqa.downloader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A host on 127.0.0.1 that answers each request with the bytes it is given for the request's path, as they
 * are (a malformed head, a header with escape sequences, fewer bytes than announced), and then closes the
 * connection without saying so: what an HTTP server library will not send.
 */
final class RawHost implements AutoCloseable {

    private final ServerSocket server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    /** {@code answer}: the bytes sent for a request's path (its request line's second word). */
    RawHost(Function<String, byte[]> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    String first = in.readLine();
                    for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                        // the request's headers
                    }
                    requests.add(first);
                    String[] words = first == null ? new String[0] : first.split(" ");
                    s.getOutputStream().write(answer.apply(words.length > 1 ? words[1] : ""));
                    s.getOutputStream().flush();
                } catch (IOException closed) {
                    // the test ended
                }
            }
        }, "raw-host");
        t.setDaemon(true);
        t.start();
    }

    /** An answer given as text (its bytes ISO-8859-1, as a head's are). */
    static byte[] text(String answer) {
        return answer.getBytes(StandardCharsets.ISO_8859_1);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The request lines received, in order. */
    List<String> requests() {
        return new ArrayList<>(requests);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
