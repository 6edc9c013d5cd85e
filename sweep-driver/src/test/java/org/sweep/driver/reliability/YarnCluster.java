package org.sweep.driver.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The loopback YARN + HDFS cluster of {@code bin/cluster start yarn} (one JVM: ResourceManager,
 * one NodeManager, NameNode, DataNode), with its own state folder. Its containers take Spark from
 * this build's target/jars and target/cluster-lib in place. {@link #close()} runs
 * {@code bin/cluster stop yarn} and then ends, by PID, whatever it started that is still alive.
 */
final class YarnCluster implements AutoCloseable {
    /** Bound on start-up: some 15 s on an idle machine; HDFS formatting and web apps are slow on shared cores. */
    private static final long START_TIMEOUT_SECONDS = 240;

    final Path root;
    final Path state;
    final long pid;
    final String fs;
    private final List<ProcessHandle> seen = new ArrayList<>();
    /** This JVM's own client of the cluster's HDFS (opened on first use, closed with the cluster). */
    private org.apache.hadoop.fs.FileSystem dfs;

    private YarnCluster(Path root, Path state, long pid, String fs) {
        this.root = root;
        this.state = state;
        this.pid = pid;
        this.fs = fs;
    }

    static YarnCluster start(Path stateBase) throws IOException, InterruptedException {
        Path root = StandaloneCluster.projectRoot();
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(stateBase);
        Map<String, String> env = Map.of(
                "SWEEP_CLUSTER_TIMEOUT", Long.toString(START_TIMEOUT_SECONDS - 30),
                "SWEEP_YARN_JARS", "local:" + target.resolve("jars") + "/*,local:" + target.resolve("cluster-lib") + "/*",
                "SWEEP_NM_MEMORY_MB", "4096");
        StandaloneCluster.Result r = StandaloneCluster.script(root, stateBase, env, START_TIMEOUT_SECONDS, "start", "yarn");
        Path state = stateBase.resolve("yarn");
        long pid = -1;
        Path pids = state.resolve("pids");
        if (Files.exists(pids)) {
            pid = Long.parseLong(Files.readString(pids).trim().split("\\s+")[1]);
        }
        if (r.rc() != 0) {
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            throw new IllegalStateException("bin/cluster start yarn failed (rc " + r.rc() + "):\n" + r.output());
        }
        Map<String, String> ready = new LinkedHashMap<>();
        for (String line : Files.readAllLines(state.resolve("ready"))) {
            int eq = line.indexOf('=');
            ready.put(line.substring(0, eq), line.substring(eq + 1));
        }
        YarnCluster c = new YarnCluster(root, stateBase, pid, ready.get("fs"));
        long p = pid;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.of(p).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }), "yarn-cluster-reaper"));
        return c;
    }

    Path confDir() {
        return state.resolve("yarn").resolve("conf");
    }

    /** What bin/cluster env yarn exports, for a driver process. */
    Map<String, String> env() {
        return Map.of("HADOOP_CONF_DIR", confDir().toString(), "YARN_CONF_DIR", confDir().toString(),
                "SPARK_CONF_DIR", confDir().toString());
    }

    /**
     * A client of the cluster's HDFS ({@link #fs}) for this JVM: its own instance, not the cached one
     * Spark and the result store share, so that closing it closes nothing of theirs.
     */
    synchronized org.apache.hadoop.fs.FileSystem dfs() throws IOException {
        if (dfs == null) {
            org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
            conf.set("dfs.replication", "1"); // one DataNode
            dfs = org.apache.hadoop.fs.FileSystem.newInstance(java.net.URI.create(fs), conf);
        }
        return dfs;
    }

    Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    /** The container processes under the NodeManager right now (launch scripts and JVMs). */
    List<ProcessHandle> containers() {
        List<ProcessHandle> l = process().stream().flatMap(ProcessHandle::descendants).collect(Collectors.toList());
        synchronized (seen) {
            seen.addAll(l);
        }
        return l;
    }

    /** The executor JVMs of running applications. */
    List<ProcessHandle> executors() {
        return containers().stream()
                .filter(h -> StandaloneCluster.commandLine(h).contains("YarnCoarseGrainedExecutorBackend"))
                .collect(Collectors.toList());
    }

    /** The environment of a process (/proc/PID/environ), name to value; empty when it cannot be read. */
    static Map<String, String> environment(ProcessHandle h) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            String all = new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "environ")),
                    java.nio.charset.StandardCharsets.UTF_8);
            for (String kv : all.split("\0")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            // gone meanwhile
        }
        return env;
    }

    String log() {
        try {
            List<String> l = Files.readAllLines(state.resolve("yarn/logs/minicluster.out"));
            return String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        synchronized (this) {
            if (dfs != null) {
                dfs.close();
                dfs = null;
            }
        }
        containers();
        StandaloneCluster.Result r = StandaloneCluster.script(root, state, Map.of(), 90, "stop", "yarn");
        List<ProcessHandle> left = new ArrayList<>();
        process().ifPresent(left::add);
        synchronized (seen) {
            seen.stream().filter(ProcessHandle::isAlive).forEach(left::add);
        }
        for (ProcessHandle h : left) {
            h.destroyForcibly();
            h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException("bin/cluster stop yarn left processes " + left + ":\n" + r.output());
        }
    }
}
