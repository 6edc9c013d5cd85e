package org.sweep.driver.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster (one master, two workers) started through {@code bin/cluster} on free
 * loopback ports, with its own state folder. {@link #close()} runs {@code bin/cluster stop} and then
 * makes sure every process recorded at start (and every executor seen under a worker) is gone,
 * ending only those, by PID.
 */
final class StandaloneCluster implements AutoCloseable {
    /** Bound on start-up: master about 3 s, workers about 7 s on an idle machine; shared CI cores are slower. */
    private static final long START_TIMEOUT_SECONDS = 150;

    final Path projectRoot;
    final Path stateDir;
    final int masterPort;
    final int masterUiPort;
    /** name (master, worker1, worker2) to PID, as recorded by bin/cluster. */
    final Map<String, Long> pids;
    private final List<ProcessHandle> seenExecutors = new ArrayList<>();

    private StandaloneCluster(Path projectRoot, Path stateDir, int masterPort, int masterUiPort, Map<String, Long> pids) {
        this.projectRoot = projectRoot;
        this.stateDir = stateDir;
        this.masterPort = masterPort;
        this.masterUiPort = masterUiPort;
        this.pids = pids;
    }

    /** The project root: the folder holding bin/cluster (the test runs in sweep-driver/). */
    static Path projectRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/cluster")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("bin/cluster not found above " + here);
    }

    /** A port nobody listens on right now (the kernel's choice for an ephemeral bind on loopback). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dependency jars of this test JVM, handed to bin/cluster as the cluster's SPARK_HOME/jars. */
    static String dependencyJars() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(cp.split(java.io.File.pathSeparator)).stream()
                .filter(e -> e.endsWith(".jar"))
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    static StandaloneCluster start(Path stateDir) throws IOException, InterruptedException {
        Path root = projectRoot();
        int port = freePort();
        int ui = freePort();
        while (ui == port) {
            ui = freePort();
        }
        Files.createDirectories(stateDir);
        Map<String, String> env = Map.of(
                "SWEEP_CLUSTER_DIR", stateDir.toString(),
                "SWEEP_MASTER_PORT", Integer.toString(port),
                "SWEEP_MASTER_UI_PORT", Integer.toString(ui),
                "SWEEP_WORKER_PORT_BASE", "0",
                "SWEEP_CLUSTER_TIMEOUT", Long.toString(START_TIMEOUT_SECONDS - 30),
                "SWEEP_SPARK_JARS", dependencyJars());
        Result r = script(root, stateDir, env, START_TIMEOUT_SECONDS, "start");
        Map<String, Long> pids = readPids(stateDir);
        StandaloneCluster c = new StandaloneCluster(root, stateDir, port, ui, pids);
        // Last resort if the test JVM ends without close(): SIGKILL exactly the processes started here.
        List<ProcessHandle> started = pids.values().stream().map(ProcessHandle::of).flatMap(Optional::stream)
                .collect(Collectors.toList());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.stream().flatMap(h -> h.isAlive() ? Stream.concat(h.children(), Stream.of(h)) : Stream.empty())
                    .forEach(ProcessHandle::destroyForcibly);
        }, "standalone-cluster-reaper"));
        if (r.rc != 0) {
            c.close();
            throw new IllegalStateException("bin/cluster start failed (rc " + r.rc + "):\n" + r.output
                    + "\n" + c.logs());
        }
        return c;
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    record Result(int rc, String output) {
    }

    static Result script(Path root, Path stateDir, Map<String, String> env, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("bin/cluster").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("SWEEP_CLUSTER_DIR", stateDir.toString());
        Path out = Files.createTempFile(stateDir, "script-", ".log");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Result(124, Files.readString(out) + "\n(timed out after " + timeoutSeconds + " s)");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    static Map<String, Long> readPids(Path stateDir) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        Path f = stateDir.resolve("pids");
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 2) {
                    m.put(w[0], Long.parseLong(w[1]));
                }
            }
        }
        return m;
    }

    Optional<ProcessHandle> process(String name) {
        Long pid = pids.get(name);
        return pid == null ? Optional.empty() : ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    /** Executor JVMs running under a worker right now. */
    List<ProcessHandle> executors(String worker) {
        List<ProcessHandle> l = process(worker).stream().flatMap(ProcessHandle::children)
                .filter(h -> commandLine(h).contains("CoarseGrainedExecutorBackend"))
                .collect(Collectors.toList());
        synchronized (seenExecutors) {
            seenExecutors.addAll(l);
        }
        return l;
    }

    /**
     * A process's full command line from /proc (ProcessHandle.Info may leave it out for the long
     * class paths of executor JVMs); "" when the process is gone.
     */
    static String commandLine(ProcessHandle h) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** Every live process of the cluster: master, workers and their executors. */
    List<ProcessHandle> allProcesses() {
        List<ProcessHandle> l = new ArrayList<>();
        for (String name : pids.keySet()) {
            process(name).ifPresent(l::add);
            if (name.startsWith("worker")) {
                l.addAll(executors(name));
            }
        }
        return l;
    }

    /** kill -9 of a worker and of its executor JVMs (SIGKILL: no shutdown hooks run). */
    void killWorker(String worker) throws InterruptedException {
        List<ProcessHandle> victims = new ArrayList<>(executors(worker));
        process(worker).ifPresent(victims::add);
        for (ProcessHandle h : victims) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : victims) {
            h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    String logs() {
        StringBuilder b = new StringBuilder();
        try (var s = Files.list(stateDir.resolve("logs"))) {
            for (Path p : s.sorted().collect(Collectors.toList())) {
                List<String> lines = Files.readAllLines(p);
                b.append("---- ").append(p.getFileName()).append(" (last 30 lines)\n");
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> b.append(l).append('\n'));
            }
        } catch (IOException e) {
            b.append("(no logs: ").append(e.getMessage()).append(")\n");
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String w : pids.keySet()) {
            if (w.startsWith("worker")) {
                executors(w);
            }
        }
        Result r = script(projectRoot, stateDir, Map.of(), 90, "stop");
        // Whatever bin/cluster stop could not end: the exact PIDs we started (and their executors).
        List<ProcessHandle> left = new ArrayList<>();
        for (String name : pids.keySet()) {
            process(name).ifPresent(left::add);
        }
        synchronized (seenExecutors) {
            seenExecutors.stream().filter(ProcessHandle::isAlive).forEach(left::add);
        }
        for (ProcessHandle h : left) {
            h.destroyForcibly();
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException("bin/cluster stop left processes " + left + ":\n" + r.output);
        }
    }
}
