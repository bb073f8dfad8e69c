package avqa.downloader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Separate hosts on one machine: a bridge in the root namespace with the address {@code 10.A.B.1}
 * (where this lab's broker and database listen) and network namespaces joined to it by veth pairs,
 * each with its own address {@code 10.A.B.n}. There is no default route in a namespace, so its
 * traffic goes only to the lab. The names carry this JVM's pid, so concurrent runs never share
 * one, and a later run removes what a dead run left behind. Needs root and {@code ip netns}.
 */
final class NetLab implements AutoCloseable {

    private static final AtomicInteger LABS = new AtomicInteger();
    private static final long PID = ProcessHandle.current().pid();

    /** One host of the lab: its namespace, its address, and the bridge end of its link. */
    record Host(String namespace, String address, String link) {
        /** {@code command} run inside this host's namespace. */
        List<String> command(List<String> command) {
            List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            out.addAll(command);
            return out;
        }

        /** The cable pulled: the bridge end of the host's link goes down (the host sees no carrier). */
        void linkDown() {
            run("ip", "link", "set", link, "down");
        }

        void linkUp() {
            run("ip", "link", "set", link, "up");
        }
    }

    private final String tag;
    private final String prefix;
    private final String bridge;
    private final List<Host> hosts = new ArrayList<>();
    private final Thread cleanUp = new Thread(this::remove, "netlab-cleanup");

    NetLab() {
        removeLeftovers();
        tag = PID + "-" + LABS.incrementAndGet();
        bridge = "avb" + PID + "x" + tag.substring(tag.indexOf('-') + 1);
        prefix = freeSubnet();
        Runtime.getRuntime().addShutdownHook(cleanUp);
        run("ip", "link", "add", bridge, "type", "bridge");
        run("ip", "addr", "add", prefix + "1/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
    }

    /** Why this machine cannot make a lab (not root, no {@code ip netns}), or null when it can. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root (network namespaces need root)";
        }
        String ns = "avqa-probe-" + PID;
        try {
            if (!quiet("ip", "netns", "add", ns)) {
                return "`ip netns add` does not work here (iproute2 missing, or no permission)";
            }
            return null;
        } finally {
            quiet("ip", "netns", "del", ns);
        }
    }

    /** Skips the calling test with the reason, or fails it when AVQA_NETNS_TESTS=required (as in CI). */
    static void requireOrSkip(String test, String missing) {
        if (missing == null) {
            return;
        }
        String why = test + " skipped: " + missing;
        if ("required".equals(System.getenv("AVQA_NETNS_TESTS"))) {
            throw new AssertionError(why.replace("skipped", "cannot run"));
        }
        System.err.println(why);
        org.junit.jupiter.api.Assumptions.abort(why);
    }

    /** The address of the root namespace on the bridge: where the lab's broker and database listen. */
    String hostAddress() {
        return prefix + "1";
    }

    /** The lab's subnet, as PostgreSQL's pg_hba.conf writes it. */
    String subnet() {
        return prefix + "0/24";
    }

    /** A new host with its own namespace and address. */
    synchronized Host host() {
        int n = hosts.size() + 2;
        String ns = "avqa-" + tag + "-" + n;
        String link = "avv" + Long.toString(PID, 36) + "x" + tag.substring(tag.indexOf('-') + 1) + "h" + n;
        run("ip", "netns", "add", ns);
        run("ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "link", "set", link, "master", bridge, "up");
        run("ip", "-n", ns, "addr", "add", prefix + n + "/24", "dev", "eth0");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        run("ip", "-n", ns, "link", "set", "lo", "up");
        Host h = new Host(ns, prefix + n, link);
        hosts.add(h);
        return h;
    }

    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs now
        }
    }

    private synchronized void remove() {
        for (Host h : hosts) {
            killAll(h.namespace());
            quiet("ip", "netns", "del", h.namespace());
        }
        hosts.clear();
        quiet("ip", "link", "del", bridge);
    }

    /** Kills what still runs in a namespace (a worker's yt-dlp or ffmpeg, nginx's workers). */
    private static void killAll(String namespace) {
        for (String pid : output("ip", "netns", "pids", namespace).split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Namespaces and bridges of labs whose JVM is gone. */
    private static void removeLeftovers() {
        Matcher ns = Pattern.compile("^(avqa-(\\d+)-\\d+-\\d+)", Pattern.MULTILINE).matcher(output("ip", "netns", "list"));
        while (ns.find()) {
            if (ProcessHandle.of(Long.parseLong(ns.group(2))).isEmpty()) {
                killAll(ns.group(1));
                quiet("ip", "netns", "del", ns.group(1));
            }
        }
        Matcher br = Pattern.compile("\\d+: (avb(\\d+)x\\d+)[:@]").matcher(output("ip", "-o", "link", "show"));
        while (br.find()) {
            if (ProcessHandle.of(Long.parseLong(br.group(2))).isEmpty()) {
                quiet("ip", "link", "del", br.group(1));
            }
        }
    }

    /** A /24 in 10.200-249.x.0 that no route of this machine covers yet. */
    private static String freeSubnet() {
        String routes = output("ip", "-4", "route", "show", "table", "all") + output("ip", "-4", "-o", "addr", "show");
        for (int i = 0; i < 12800; i++) {
            long k = (PID * 7 + LABS.get() * 131 + i) % 12800;
            String p = "10." + (200 + k / 256) + "." + (k % 256) + ".";
            if (!routes.contains(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free 10.x.y.0/24 for the lab");
    }

    static void run(String... command) {
        String out = output(command);
        if (out == null || out.startsWith("FAILED")) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
    }

    private static boolean quiet(String... command) {
        return !output(command).startsWith("FAILED");
    }

    /** The command's output; "FAILED ..." when it exits non-zero. */
    static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "FAILED (timed out) " + out;
            }
            return p.exitValue() == 0 ? out : "FAILED (" + p.exitValue() + ") " + out;
        } catch (IOException e) {
            return "FAILED " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "FAILED (interrupted)";
        }
    }
}
