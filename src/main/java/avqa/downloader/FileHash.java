package avqa.downloader;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The SHA-256 of a file. Java hashes it, in a loop the JIT's C2 compiler turns into the CPU's own SHA
 * instructions. A JVM started without C2 ({@code scripts/jvm.sh} starts it with
 * {@code -XX:TieredStopAtLevel=1}: on two cores C2's compiling costs a run of videos more than its
 * faster code saves) would hash at a tenth of that speed, so there the system's NSS library hashes in this
 * process ({@link Nss}: Debian's JDK depends on it; no process start per video), and where NSS cannot be set
 * up a file of {@value #NATIVE_FROM} bytes or more is hashed by {@code openssl dgst -sha256}, which reads it
 * on its standard input (no file name on its command line) - a video, a WAV; not a frame image, whose
 * process start would cost more than it spares. A video and its WAV are hashed by one openssl run
 * ({@link #sha256Both}). What openssl answers must be a hash; when it is missing, fails or is stopped, Java
 * hashes the file after all.
 */
final class FileHash {

    static final long NATIVE_FROM = 1 << 20;
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final boolean WITHOUT_C2 = withoutC2();
    private static volatile boolean opensslMissing;

    private FileHash() {
    }

    static String sha256(Path f) throws IOException {
        if (WITHOUT_C2 && Nss.PROVIDER != null) {
            try {
                return digest(f, Nss.PROVIDER);
            } catch (java.security.ProviderException nssFailed) {
                // the library's own failure: hashed the other way
            }
        }
        if (opensslTakes(f)) {
            try {
                String h = byOpenssl("openssl", f);
                if (h != null) {
                    return h;
                }
            } catch (IOException notThere) {
                opensslMissing = true;
            }
        }
        return inJava(f);
    }

    /**
     * The SHA-256 of two files (a video and its WAV), as {@link #sha256} gives each, but where openssl
     * hashes them, with one openssl run for both: its start is most of what it costs for a file of a few
     * megabytes. The two files' names go on its command line (each name it echoes is checked against
     * them), so a name with a line break or a backslash in it, which openssl would escape, is hashed alone.
     */
    static String[] sha256Both(Path a, Path b) throws IOException {
        if (WITHOUT_C2 && Nss.PROVIDER != null) {
            try {
                return new String[] {digest(a, Nss.PROVIDER), digest(b, Nss.PROVIDER)};
            } catch (java.security.ProviderException nssFailed) {
                // the library's own failure: hashed the other way
            }
        }
        if (opensslTakes(a) && opensslTakes(b) && plainName(a) && plainName(b)) {
            try {
                String[] h = byOpenssl("openssl", a, b);
                if (h != null) {
                    return h;
                }
            } catch (IOException notThere) {
                opensslMissing = true;
            }
        }
        return new String[] {sha256(a), sha256(b)};
    }

    /** Whether openssl hashes {@code f}: a JVM without C2, an openssl found so far, a file of {@value #NATIVE_FROM} bytes or more. */
    private static boolean opensslTakes(Path f) throws IOException {
        return WITHOUT_C2 && !opensslMissing && Files.size(f) >= NATIVE_FROM;
    }

    private static boolean plainName(Path f) {
        String name = f.toString();
        return f.isAbsolute() && name.indexOf('\n') < 0 && name.indexOf('\r') < 0 && name.indexOf('\\') < 0;
    }

    /**
     * The hashes {@code command} (an openssl) gives of two files named on its command line, or null when
     * it does not answer, within a minute, with a line for each naming it.
     *
     * @throws IOException the command cannot be started
     */
    static String[] byOpenssl(String command, Path a, Path b) throws IOException {
        // two lines, each a hash and a name the system took as a path: they fit the pipe
        String answer = answer(List.of(command, "dgst", "-sha256", "-r", a.toString(), b.toString()),
                ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        String[] lines = answer == null ? new String[0] : answer.split("\n", -1);
        if (lines.length != 3 || !lines[2].isEmpty()) {
            return null;
        }
        String ha = hashOf(lines[0], a);
        String hb = hashOf(lines[1], b);
        return ha == null || hb == null ? null : new String[] {ha, hb};
    }

    /** The hash of a line {@code <hash> *<file>} that names {@code f}, else null. */
    private static String hashOf(String line, Path f) {
        String h = line.length() < 64 ? "" : line.substring(0, 64);
        return HASH.matcher(h).matches() && line.substring(64).equals(" *" + f) ? h : null;
    }

    static String inJava(Path f) throws IOException {
        return digest(f, null);
    }

    /** The SHA-256 of {@code f} by {@code provider} (null: Java's own). */
    static String digest(Path f, java.security.Provider provider) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest d = provider == null ? MessageDigest.getInstance("SHA-256")
                    : MessageDigest.getInstance("SHA-256", provider);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The hash {@code command} (an openssl) gives of the file on its standard input, or null when it
     * gives none within a minute.
     *
     * @throws IOException the command cannot be started
     */
    static String byOpenssl(String command, Path f) throws IOException {
        // the answer is one short line: it fits the pipe
        String answer = answer(List.of(command, "dgst", "-sha256", "-r"), ProcessBuilder.Redirect.from(f.toFile()));
        String h = answer == null || answer.length() < 64 ? "" : answer.substring(0, 64);
        return HASH.matcher(h).matches() ? h : null;
    }

    /**
     * What {@code command} prints (its first 64 KiB) once it has ended well, or null when it fails or does
     * not end within a minute. Its answer must fit the pipe: it is waited for first, so that the minute
     * holds for a command that never ends.
     *
     * @throws IOException the command cannot be started
     */
    private static String answer(List<String> command, ProcessBuilder.Redirect input) throws IOException {
        Process p = new ProcessBuilder(command).redirectInput(input).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (InputStream out = p.getInputStream()) {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * SHA-256 by the system's NSS library through the JDK's PKCS#11 provider, in this process, at the CPU's speed
     * (its SHA instructions), with no process start. Set up at its first use: about 0.1 s of CPU, which a thread of
     * its own at start took from the start itself (the first request came later). Null where it cannot be set up (no
     * libsoftokn3 in the system's library folders, another JDK, a library that does not give the known hash of "abc").
     */
    static final class Nss {

        static final java.security.Provider PROVIDER = setUp();

        private static java.security.Provider setUp() {
            for (String dir : List.of("/usr/lib/" + System.getProperty("os.arch").replace("amd64", "x86_64") + "-linux-gnu",
                    "/usr/lib64", "/usr/lib")) {
                if (!Files.isRegularFile(Path.of(dir, "libsoftokn3.so"))) {
                    continue;
                }
                try {
                    java.security.Provider pkcs11 = java.security.Security.getProvider("SunPKCS11");
                    if (pkcs11 == null) {
                        return null;
                    }
                    java.security.Provider nss = pkcs11.configure("--name=avqa-nss\nnssLibraryDirectory=" + dir
                            + "\nnssDbMode=noDb\nattributes=compatibility\n");
                    byte[] abc = MessageDigest.getInstance("SHA-256", nss).digest("abc".getBytes(StandardCharsets.US_ASCII));
                    return HexFormat.of().formatHex(abc).equals(ABC) ? nss : null;
                } catch (RuntimeException | java.security.GeneralSecurityException | LinkageError notHere) {
                    return null;
                }
            }
            return null;
        }

        private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

        private Nss() {
        }
    }

    /** Whether this JVM runs without the C2 compiler (-XX:TieredStopAtLevel below 4). */
    private static boolean withoutC2() {
        try {
            String level = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("TieredStopAtLevel").getValue();
            return Integer.parseInt(level) < 4;
        } catch (RuntimeException | LinkageError notHotSpot) {
            // another JVM, or a runtime without jdk.management: Java hashes
            return false;
        }
    }

    /** For the tests: whether hashing takes openssl's way here. */
    static boolean withoutC2Here() {
        return WITHOUT_C2;
    }
}
