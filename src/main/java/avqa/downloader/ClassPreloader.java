package avqa.downloader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Loads the classes a run will need, on a thread of its own, while the main thread starts: the list
 * ({@value #LIST} in the jar, the classes a short training run loaded, in order; written by
 * {@code scripts/class-list.sh} when the jar is built) is read and each class is loaded (parsed and
 * defined, not initialised) ahead of the main thread, which then finds it ready. On two cores this
 * takes reading the jar's classes off the path to the first request. Only loaded: no class's static
 * code runs on this thread, so nothing changes order. A class the list names and the jar lacks (a list
 * of another build) is passed over; a jar without the list starts as before.
 */
final class ClassPreloader {

    static final String LIST = "avqa/downloader/preload-classes.txt";

    private ClassPreloader() {
    }

    /** Starts the loading thread, when the jar has the list. */
    static void start() {
        ClassLoader loader = ClassPreloader.class.getClassLoader();
        InputStream list = loader.getResourceAsStream(LIST);
        if (list == null) {
            return;
        }
        Thread t = new Thread(() -> load(list, loader), "avqa-preload");
        t.setDaemon(true);
        t.start();
    }

    private static void load(InputStream list, ClassLoader loader) {
        try (BufferedReader names = new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8))) {
            String name;
            while ((name = names.readLine()) != null) {
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError notHere) {
                    // not in this jar, or needs what is not: the run loads what it uses itself
                }
            }
        } catch (IOException unreadable) {
            // the list is a help only
        }
    }
}
