package org.sweep.driver.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.sweep.driver.cli.ClusterSubmit;
import org.sweep.driver.cli.Main;

/**
 * The reliability sweep on a real YARN cluster (MiniYARNCluster + MiniDFSCluster through
 * {@code bin/cluster start yarn}, one for the class), driven as bin/sweep drives it: the Hadoop
 * configuration folder on the class path, SPARK_CONF_DIR pointing at the cluster's
 * spark-defaults.conf (read by the driver: spark.yarn.jars, the containers' loopback settings).
 * Every run must equal the uninterrupted local[1] run bit for bit (provenance aside), with every
 * task stored once. Output goes to a local folder, which the containers on this machine share,
 * or to the cluster's HDFS ({@code --out hdfs://127.0.0.1:PORT/...}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnClusterTest {
    private static final Path WORK = ReliabilitySweep.base().resolve("yarn");
    private static YarnCluster cluster;
    private static Path appJar;

    @BeforeAll
    static void startCluster() throws Exception {
        ReliabilitySweep.deleteTree(WORK);
        Files.createDirectories(WORK);
        cluster = YarnCluster.start(WORK.resolve("cluster"));
        appJar = AppJar.build(WORK.resolve("sweep-app.jar"), Main.class, org.sweep.worker.SweepWorker.class);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            long pid = cluster.pid;
            cluster.close();
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "minicluster still alive");
        }
    }

    private static List<String> runArgs(Path file, Object out, String... more) {
        List<String> a = new ArrayList<>(List.of("run", file.toString(), "--out", out.toString(), "--master", "yarn",
                "--conf", "spark.executor.instances=2", "--conf", "spark.executor.cores=1"));
        a.addAll(List.of(more));
        return a;
    }

    private static Process start(Path dir, Path log, List<String> args, String mainClass) throws Exception {
        Files.createDirectories(dir);
        return SweepCli.builder(dir, log, appJar, args, mainClass, cluster.confDir(), cluster.env()).start();
    }

    /**
     * Client mode: while the sweep runs, every listener of the cluster JVM, its containers and the
     * driver is on 127.0.0.1; then kill -9 of one executor container after the first wave; YARN
     * starts another, the sweep completes, and the rows equal local[1]'s, each task once.
     */
    @Test
    @Order(1)
    void clientModeSurvivesAKilledExecutorAndEqualsLocalOne() throws Exception {
        StoredTables ref = ReliabilitySweep.reference();
        Path dir = WORK.resolve("client");
        Path file = ReliabilitySweep.writeFile(dir);
        Path out = dir.resolve("out");
        Path log = dir.resolve("run.log");
        Process p = start(dir, log, runArgs(file, out), Main.class.getName());
        try {
            assertTrue(DriverFailureTest.awaitFirstWave(p, out), "no wave committed:\n" + Files.readString(log)
                    + "\n" + cluster.log());
            List<ProcessHandle> executors = cluster.executors();
            assertTrue(!executors.isEmpty(), "executor containers running: " + cluster.containers());
            // What the rows' last bits depend on besides the code: OpenBLAS's thread count (with more
            // than one thread, dsyevr's results differ in the last bits) and the JVM options of the
            // vector engine and of every sweep JVM (bin/jvm.options).
            for (ProcessHandle h : executors) {
                assertEquals("1", YarnCluster.environment(h).get("OPENBLAS_NUM_THREADS"), "executor " + h.pid());
                String cmd = StandaloneCluster.commandLine(h);
                for (String opt : List.of("--add-modules=jdk.incubator.vector", "-Xss4m",
                        "-Djdk.reflect.useDirectMethodHandle=false")) {
                    assertTrue(cmd.contains(opt), "executor " + h.pid() + " without " + opt + ": " + cmd);
                }
            }

            List<ListeningSockets.Listener> all = new ArrayList<>(ListeningSockets.of(cluster.pid));
            all.addAll(ListeningSockets.of(p.pid()));
            for (ProcessHandle h : cluster.containers()) {
                if (h.isAlive()) {
                    all.addAll(ListeningSockets.of(h.pid()));
                }
            }
            List<ListeningSockets.Listener> open = all.stream().filter(l -> !l.loopback()).collect(Collectors.toList());
            assertTrue(all.size() >= 10, "listeners found: " + all);
            assertEquals(List.of(), open, "listeners not on loopback");

            ProcessHandle victim = executors.get(0);
            victim.destroyForcibly(); // SIGKILL of the container's JVM
            victim.onExit().get(30, TimeUnit.SECONDS);
            assertTrue(p.isAlive(), "the sweep was still running when the executor died");
            SweepCli.Result r = SweepCli.await(p, log);
            assertEquals(0, r.rc(), r.output() + "\n" + cluster.log());
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        StoredTables got = StoredTables.read(out, ReliabilitySweep.NAME);
        got.assertNoDuplicatesNoOrphans();
        assertFalse(got.executors.stream().anyMatch(e -> e.startsWith("driver")), "tasks ran in YARN containers: "
                + got.executors);
        assertEquals(ref.implementations, got.implementations, "the containers compute as the local driver does");
        DriverFailureTest.assertSameAsReference(ref, got);
    }

    /** Committed waves (commit records {@code _commits/w...}) of a store on the cluster's HDFS. */
    private static long committedWavesOnHdfs(org.apache.hadoop.fs.Path out) throws Exception {
        org.apache.hadoop.fs.Path commits = new org.apache.hadoop.fs.Path(out, "_commits");
        if (!cluster.dfs().exists(commits)) {
            return 0;
        }
        return java.util.Arrays.stream(cluster.dfs().listStatus(commits)).map(st -> st.getPath().getName())
                .filter(n -> n.startsWith("w") && !n.endsWith(".tmp") && !n.endsWith(".pending")).count();
    }

    /** As {@link DriverFailureTest#awaitFirstWave}, for a store on the cluster's HDFS. */
    private static boolean awaitFirstWaveOnHdfs(Process p, org.apache.hadoop.fs.Path out) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            if (committedWavesOnHdfs(out) > 0) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static String readHdfs(org.apache.hadoop.fs.Path file) throws Exception {
        try (var in = cluster.dfs().open(file)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** bin/sweep COMMAND --out URI ... with a local master, as a shell after {@code eval "$(bin/cluster env yarn)"}. */
    private static SweepCli.Result query(Path dir, String name, String... args) throws Exception {
        Path log = dir.resolve(name + ".log");
        // bin/sweep puts HADOOP_CONF_DIR on the class path for yarn and k8s masters only: the hdfs://
        // URI with its NameNode address is all a local master has to go on.
        return SweepCli.await(SweepCli.builder(dir, log, null, List.of(args), Main.class.getName(), null,
                cluster.env()).start(), log);
    }

    /**
     * The output on the cluster's HDFS ({@code --out hdfs://127.0.0.1:PORT/...}), client mode: kill -9
     * of the driver after its first committed wave leaves its lock (and whatever was staged) on HDFS;
     * a second run takes the lock over (same host, dead pid), recovers, runs only the missing tasks,
     * and the rows read back from HDFS equal local[1]'s bit for bit, each task once, those committed
     * before the kill untouched. Then bin/sweep status and sql (local master) read the same URI.
     */
    @Test
    @Order(2)
    void killedDriverResumesWithTheOutputOnHdfs() throws Exception {
        StoredTables ref = ReliabilitySweep.reference();
        Path dir = WORK.resolve("hdfs");
        Path file = ReliabilitySweep.writeFile(dir);
        String out = cluster.fs + "/results/reliability";
        org.apache.hadoop.fs.Path outPath = new org.apache.hadoop.fs.Path(out);
        assertFalse(cluster.dfs().exists(outPath), "a fresh output directory");
        Path log = dir.resolve("killed.log");
        Process p = start(dir, log, runArgs(file, out), Main.class.getName());
        try {
            assertTrue(awaitFirstWaveOnHdfs(p, outPath), "no wave committed:\n" + Files.readString(log)
                    + "\n" + cluster.log());
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        assertEquals(137, p.exitValue(), "the driver was killed by SIGKILL");
        org.apache.hadoop.fs.Path lockFile = new org.apache.hadoop.fs.Path(outPath, "_lock");
        String lock = readHdfs(lockFile);
        assertTrue(lock.startsWith("pid=" + p.pid() + "\nhost=" + org.sweep.driver.store.OutputLock.localHost()
                + "\n"), "the killed driver's lock is left on HDFS: " + lock);
        StoredTables before = StoredTables.read(out, ReliabilitySweep.NAME);
        before.assertNoDuplicatesNoOrphans();
        long stored = before.rows(org.sweep.driver.store.Tables.RUNS);
        assertTrue(stored > 0 && stored < ReliabilitySweep.TASKS, "killed mid-sweep: " + stored + " runs committed");

        Path log2 = dir.resolve("resumed.log");
        SweepCli.Result r = SweepCli.await(start(dir, log2, runArgs(file, out), Main.class.getName()), log2);
        assertEquals(0, r.rc(), r.output() + "\n" + cluster.log());
        assertTrue(r.output().contains("sweep: took over the stale lock " + lockFile + " (process " + p.pid()
                + " is gone)"), r.output());
        assertTrue(r.output().contains("sweep " + ReliabilitySweep.NAME + ": " + stored + " of "
                + ReliabilitySweep.TASKS + " tasks already stored in " + out + "; running the other "
                + (ReliabilitySweep.TASKS - stored)), r.output());
        StoredTables got = StoredTables.read(out, ReliabilitySweep.NAME);
        got.assertNoDuplicatesNoOrphans();
        assertFalse(got.executors.stream().anyMatch(e -> e.startsWith("driver")), "tasks ran in YARN containers: "
                + got.executors);
        assertEquals(ref.implementations, got.implementations, "the containers compute as the local driver does");
        DriverFailureTest.assertSameAsReference(ref, got);
        // Rows committed before the kill were kept, not recomputed: same creation times.
        before.createdAt.forEach((id, t) -> assertEquals(t, got.createdAt.get(id), "runs row " + id + " rewritten"));
        assertFalse(cluster.dfs().exists(lockFile), "lock released after the run");
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(outPath, "_staging");
        assertTrue(!cluster.dfs().exists(staging) || cluster.dfs().listStatus(staging).length == 0,
                "staging folders left behind");

        SweepCli.Result status = query(dir, "status", "status", "--out", out);
        assertEquals(0, status.rc(), status.output());
        String row = ReliabilitySweep.NAME + "\\s+48\\s+48\\s+\\d+\\s+\\d+\\s+0\\s+.*"; // stored, planned, ok, diverged, failed
        assertTrue(status.output().lines().anyMatch(l -> l.matches(row)),
                "status: 48 stored of 48 planned, none failed:\n" + status.output());
        SweepCli.Result sql = query(dir, "sql", "sql", "--out", out, "SELECT count(*) FROM runs");
        assertEquals(0, sql.rc(), sql.output());
        List<String> lines = sql.output().lines().map(String::strip).collect(Collectors.toList());
        int header = lines.indexOf("count(1)");
        assertTrue(header >= 0 && lines.size() > header + 2 && lines.get(header + 2).equals("48"),
                "sql: 48 runs rows:\n" + sql.output());
        assertFalse(cluster.dfs().exists(lockFile), "status and sql take no lock");
    }

    /**
     * Cluster deploy mode: bin/sweep's ClusterSubmit validates the file, then spark-submit runs the
     * driver in the ApplicationMaster's container with the sweep file shipped in --files; the
     * application ends SUCCEEDED (Main returns there instead of calling System.exit) and the submit
     * exits 0.
     */
    @Test
    @Order(4)
    void clusterModeShipsTheSweepFileAndEqualsLocalOne() throws Exception {
        StoredTables ref = ReliabilitySweep.reference();
        Path dir = WORK.resolve("cluster-mode");
        Path file = ReliabilitySweep.writeFile(dir);
        Path out = dir.resolve("out");
        Path log = dir.resolve("submit.log");
        // The driver runs in a container: no path to the sweep file exists there but the shipped copy.
        Process p = start(dir, log, runArgs(file, out, "--deploy-mode", "cluster"), ClusterSubmit.class.getName());
        SweepCli.Result r = SweepCli.await(p, log);
        assertEquals(0, r.rc(), r.output() + "\n" + cluster.log());
        assertTrue(r.output().contains("sweep: the application finished with final status SUCCEEDED"), r.output());
        StoredTables got = StoredTables.read(out, ReliabilitySweep.NAME);
        got.assertNoDuplicatesNoOrphans();
        assertEquals(ref.implementations, got.implementations, "the containers compute as the local driver does");
        DriverFailureTest.assertSameAsReference(ref, got);
    }

    /**
     * A driver that fails inside the ApplicationMaster (here: the output directory is locked by a run
     * on another host, exit code 3 of a local run) ends the application FAILED with its exit code in
     * YARN's diagnostics, and the submit exits 1.
     */
    @Test
    @Order(5)
    void clusterModeDriverFailureMarksTheApplicationFailed() throws Exception {
        Path dir = WORK.resolve("cluster-mode-locked");
        Path file = ReliabilitySweep.writeFile(dir);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        String lock = "pid=1\nhost=some-other-host.invalid\nstarted=2020-01-01T00:00:00Z\n";
        Files.writeString(out.resolve("_lock"), lock);
        Path log = dir.resolve("submit.log");
        Process p = start(dir, log, runArgs(file, out, "--deploy-mode", "cluster"), ClusterSubmit.class.getName());
        SweepCli.Result r = SweepCli.await(p, log);
        assertEquals(1, r.rc(), r.output() + "\n" + cluster.log());
        assertTrue(r.output().contains("finished with failed status"), r.output());
        assertTrue(r.output().contains("sweep ended with exit code 3 (output directory locked by another run)"),
                r.output());
        assertEquals(lock, Files.readString(out.resolve("_lock")), "the foreign lock is left as it was");
        try (var s = Files.walk(out)) {
            assertEquals(List.of(), s.filter(q -> q.toString().endsWith(".parquet")).collect(Collectors.toList()),
                    "no rows written");
        }
    }

    /** A bad sweep file is refused before anything is submitted (exit 2, no application, no output). */
    @Test
    @Order(6)
    void clusterModeRefusesABadFileBeforeSubmitting() throws Exception {
        Path dir = WORK.resolve("cluster-bad");
        Files.createDirectories(dir);
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, ReliabilitySweep.YAML.replace("steps: 300", "stepz: 300"));
        Path out = dir.resolve("out");
        Path log = dir.resolve("submit.log");
        SweepCli.Result r = SweepCli.await(start(dir, log, runArgs(file, out, "--deploy-mode", "cluster"),
                ClusterSubmit.class.getName()), log);
        assertEquals(2, r.rc(), r.output());
        assertTrue(r.output().contains("stepz"), r.output());
        assertFalse(Files.exists(out), "nothing written");
    }
}
