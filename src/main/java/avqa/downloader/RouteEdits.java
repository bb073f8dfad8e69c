package avqa.downloader;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * A route file that cannot be loaded, said in one line naming the file and the YAML line: at start (the
 * run stops) and when an edit is saved while the process runs (one WARN line; Camel keeps the routes it
 * had, as before the edit, and its own report with a stack trace is left to {@code --debug}).
 */
final class RouteEdits {

    private static final Logger LOG = LoggerFactory.getLogger("avqa.routes");

    private RouteEdits() {
    }

    /** The file whose routes only pace (they hold no download), the one the README says to edit while a run goes. */
    static final String PACING_FILE = "06-pace-requests.yaml";
    /** The schedule's routes (the Quartz trigger and the guarded run). */
    static final String SCHEDULE_FILE = "40-schedule.yaml";

    /**
     * From now on an edited pacing file replaces its routes within {@link ReloadShutdown#RELOAD_WAIT_MILLIS},
     * and an edit that cannot be loaded is one WARN line of ours. Every other route file holds the videos in
     * hand (a download, the run's split, its record), and replacing its routes under them would stop them
     * mid-way: Camel waits 45 s for them, callers meanwhile find no route, and then it stops them by force.
     * So such an edit is taken only when no run goes: in a service ({@code service}), as soon as the
     * scheduled run going ends (at once between runs); in a run of its own, at its next start. The log says
     * so, once per file. A file this process did not load ({@code excluded}: the schedule's in a run of its
     * own, the cluster's on one host) is left alone: its routes have no place here.
     */
    static void watch(CamelContext camel, RunControl run, boolean service, String excluded) {
        RouteWatcherReloadStrategy watcher = camel.hasService(RouteWatcherReloadStrategy.class);
        if (watcher == null || watcher.getResourceReload() == null) {
            return;
        }
        ResourceReload camelReload = watcher.getResourceReload();
        ResourceReload reload = (name, resource) -> onReload(watcher, camelReload, name, resource);
        boolean shortWait = camel.getShutdownStrategy() instanceof ReloadShutdown;
        Deferred deferred = new Deferred(reload, run, service);
        if (service) {
            run.onRunEnded(deferred::takeWhenIdle);
        }
        java.util.List<String> notLoaded = excluded == null || excluded.isBlank() ? java.util.List.of()
                : java.util.Arrays.stream(excluded.split(",")).map(p -> p.substring(p.lastIndexOf('/') + 1)).toList();
        java.util.Set<String> saidUnused = java.util.concurrent.ConcurrentHashMap.newKeySet();
        watcher.setResourceReload((name, resource) -> {
            if (name == null) {
                reload.onReload(name, resource);
            } else if (notLoaded.stream().anyMatch(n -> name.equals(n) || name.endsWith("/" + n))) {
                if (saidUnused.add(name)) {
                    LOG.info("Route file {} was edited; this process does not use it, so it is left as it is", shown(name));
                }
            } else if (name.endsWith(PACING_FILE)) {
                if (shortWait) {
                    ReloadShutdown.duringReload(() -> reload.onReload(name, resource));
                } else {
                    reload.onReload(name, resource);
                }
            } else {
                deferred.edited(name, resource);
            }
        });
    }

    /** The edits of route files other than the pacing file, kept until no run goes. */
    private static final class Deferred {

        private final ResourceReload reload;
        private final RunControl run;
        private final boolean service;
        /** By file, the last edit of each: its resource reads the file as it is when it is taken. */
        private final java.util.Map<String, org.apache.camel.spi.Resource> waiting = new java.util.LinkedHashMap<>();
        /** The files whose edit the log has said waits, until it is taken. */
        private final java.util.Set<String> said = new java.util.HashSet<>();

        Deferred(ResourceReload reload, RunControl run, boolean service) {
            this.reload = reload;
            this.run = run;
            this.service = service;
        }

        void edited(String name, org.apache.camel.spi.Resource resource) {
            synchronized (waiting) {
                // kept first, then taken if no run goes: a run that ends meanwhile finds it kept
                waiting.put(name, resource);
            }
            if (service && takeNow()) {
                return;
            }
            boolean first;
            synchronized (waiting) {
                first = waiting.containsKey(name) && said.add(name);
            }
            if (first) {
                LOG.warn("Route file {} was edited while a run goes: its routes hold the videos in hand, so the edit "
                        + "is taken {}; only {} is replaced while a run goes", shown(name),
                        service ? "once this run ends" : "at the next start (stop with Ctrl-C and start again to take "
                                + "it now: what is complete stays complete)", PACING_FILE);
            }
        }

        /** After a service's run: the edits kept meanwhile, on a thread of their own (the run's own exchange is ending). */
        void takeWhenIdle() {
            synchronized (waiting) {
                if (waiting.isEmpty()) {
                    return;
                }
            }
            Thread t = new Thread(this::takeNow, "avqa-route-edits");
            t.setDaemon(true);
            t.start();
        }

        /** Takes the edits kept, if no run goes (and none starts meanwhile); false if a run goes. */
        private static void notTaken(String file, String why) {
            LOG.warn("Route file {}. The edit was not taken ({}): the routes loaded before keep running; fix the file "
                    + "and save it again", shown(file), why);
        }

        private boolean takeNow() {
            boolean schedule;
            synchronized (waiting) {
                schedule = waiting.keySet().stream().anyMatch(f -> f.endsWith(SCHEDULE_FILE));
            }
            // a trigger waits for the edits being taken, unless the schedule's own routes are among them: their
            // reload would wait for that trigger in turn (it then skips, as one during a run does)
            if (!run.tryStartTakingEdits(!schedule)) {
                // a run goes (or the service stops): its end takes them
                return false;
            }
            try {
                java.util.Map<String, org.apache.camel.spi.Resource> edits;
                synchronized (waiting) {
                    edits = new java.util.LinkedHashMap<>(waiting);
                    waiting.clear();
                    said.clear();
                }
                java.util.Iterator<java.util.Map.Entry<String, org.apache.camel.spi.Resource>> left = edits.entrySet().iterator();
                while (left.hasNext()) {
                    java.util.Map.Entry<String, org.apache.camel.spi.Resource> e = left.next();
                    left.remove();
                    if (!java.nio.file.Files.exists(java.nio.file.Path.of(e.getKey()))) {
                        LOG.warn("Route file {} was removed; the routes it held keep running until the process ends",
                                shown(e.getKey()));
                        continue;
                    }
                    LOG.info("Route file {}: taking the edit", shown(e.getKey()));
                    try {
                        reload.onReload(e.getKey(), e.getValue());
                    } catch (Exception notTaken) {
                        // said by onReload in one line; the routes loaded before keep running
                    } catch (StackOverflowError notTaken) {
                        notTaken(e.getKey(), "it is nested too deeply to read");
                    } catch (VirtualMachineError fatal) {
                        // out of memory, say: the edits not taken yet stay kept (the error ends the process in one
                        // line, by FatalErrorExit, unless it passes)
                        synchronized (waiting) {
                            edits.forEach(waiting::putIfAbsent);
                        }
                        throw fatal;
                    } catch (Error notTaken) {
                        // an edit Camel cannot load otherwise (a class it names that cannot be loaded, say): the
                        // routes loaded before keep running, the other edits are still taken; this one is not
                        // tried again until the file is saved again
                        notTaken(e.getKey(), Shown.of(notTaken));
                    }
                }
                return true;
            } finally {
                run.editsTaken();
            }
        }
    }

    private static void onReload(RouteWatcherReloadStrategy watcher, ResourceReload reload, String name,
                                 org.apache.camel.spi.Resource resource) throws Exception {
        try {
            reload.onReload(name, resource);
        } catch (Exception e) {
            String problem = problem(e);
            LOG.warn("Route file {}. The edit was not taken: the routes loaded before keep running; fix the file and "
                    + "save it again", problem == null ? shown(name) + ": " + Shown.of(e) : problem);
            forgetFailed(watcher);
            // Camel counts the failed reload and keeps the routes it had
            throw e;
        }
    }

    /**
     * Camel keeps the files of a reload that failed and loads them again with the next edit of any file:
     * a broken edit of the download routes, mended while a run goes (and so kept for later), would then
     * be taken with the next edit of the pacing file, under the run. Forgotten here: the file's own next
     * save (or its mended edit, kept until no run goes) loads it. Camel has no call for this; its list is
     * cleared where it is, and a Camel without it is left as it is.
     */
    private static void forgetFailed(RouteWatcherReloadStrategy watcher) {
        try {
            java.lang.reflect.Field f = RouteWatcherReloadStrategy.class.getDeclaredField("previousSources");
            f.setAccessible(true);
            if (f.get(watcher) instanceof java.util.Collection<?> failed) {
                failed.clear();
            }
        } catch (ReflectiveOperationException | RuntimeException notThere) {
            // another Camel: its own way
        }
    }

    /**
     * What is wrong with a route file, if that is what {@code e} is about: the file, the YAML line and
     * the parser's words ({@code routes/06-pace-requests.yaml, line 14: while parsing a flow sequence:
     * expected ',' or ']', but got ':' (line 15)}); null for any other failure.
     */
    static String problem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MarkedYamlEngineException y) {
                Optional<Mark> where = y.getContextMark().isPresent() ? y.getContextMark() : y.getProblemMark();
                String file = where.map(Mark::getName).orElse("a route file");
                StringBuilder s = new StringBuilder(shown(file));
                where.ifPresent(m -> s.append(", line ").append(m.getLine() + 1));
                s.append(": ");
                if (y.getContext() != null && !y.getContext().isBlank()) {
                    s.append(y.getContext().strip()).append(": ");
                }
                s.append(y.getProblem() == null ? "cannot be read" : y.getProblem().strip());
                y.getProblemMark().filter(p -> y.getContextMark().isPresent() && p.getLine() != y.getContextMark().get().getLine())
                        .ifPresent(p -> s.append(" (line ").append(p.getLine() + 1).append(')'));
                return Redact.text(s.toString().replaceAll("\\s*\\n\\s*", " "), 500);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.camel.FailedToCreateRouteException f) {
                // valid YAML that makes no route: a bean, an endpoint or an expression it names is wrong
                String missing = missingMethod(e);
                missing = missing != null ? missing : missingClass(e);
                return "the route " + f.getRouteId() + " cannot be made from its file: "
                        + (missing != null ? missing : Shown.of(e));
            }
        }
        return null;
    }

    /**
     * A method the route names that its bean lacks, said with the two ways that happens: a slip in the
     * file, or route files newer than the jar (a {@code git pull} run with a plain {@code java -jar} and
     * no {@code mvn package}; {@code scripts/avqa.sh} rebuilds the jar by itself); null for any other
     * failure.
     */
    private static String missingMethod(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.camel.component.bean.MethodNotFoundException m) {
                Object bean = m.getBean();
                String of = bean == null ? "its bean" : "its bean (" + (bean instanceof Class<?> c ? c : bean.getClass()).getSimpleName() + ")";
                return Redact.text("the method " + m.getMethodName() + " is not one of " + of + "'s: a slip in the "
                        + "file, or a jar older than the route files (rebuild it: mvn -B package -DskipTests; "
                        + "scripts/avqa.sh does that by itself)", 500);
            }
        }
        return null;
    }

    /**
     * A class the route names (an exception a {@code doCatch} takes, say) that does not exist, said with the
     * two ways that happens, as {@link #missingMethod}; null for any other failure.
     */
    private static String missingClass(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClassNotFoundException c) {
                // its own name (NewerThanTheJar), as the file has it at the end of its full one
                String name = String.valueOf(c.getMessage()).replaceAll("^.*[.$]", "");
                return Redact.text("the class " + Redact.text(name, 200) + " it names does not exist: "
                        + "a slip in the file, or a jar older than the route files (rebuild it: mvn -B package "
                        + "-DskipTests; scripts/avqa.sh does that by itself)", 500);
            }
        }
        return null;
    }

    /** A route file's name as a person knows it: relative to the working directory when inside it. */
    static String shown(String name) {
        String path = name.startsWith("file:") ? name.substring(5) : name;
        try {
            Path p = Path.of(path).toAbsolutePath().normalize();
            Path here = Path.of("").toAbsolutePath();
            return Redact.text(p.startsWith(here) ? here.relativize(p).toString() : p.toString(), 300);
        } catch (RuntimeException notAPath) {
            return Redact.text(path, 300);
        }
    }
}
