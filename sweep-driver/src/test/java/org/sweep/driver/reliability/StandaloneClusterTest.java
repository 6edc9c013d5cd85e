package org.sweep.driver.reliability;

import org.sweep.driver.cli.Main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Spark standalone cluster (bin/cluster: one master, two workers with one core each) on
 * free loopback ports, used by every test in this class and stopped in {@link #stopCluster()}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    static StandaloneCluster cluster;
    static Path work;
    static List<Long> startedPids = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        work = Path.of("target", "cluster-test").toAbsolutePath();
        ReliabilitySweep.deleteTree(work);
        cluster = StandaloneCluster.start(work.resolve("state"));
        startedPids.addAll(cluster.pids.values());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
            for (long pid : startedPids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                        "process " + pid + " still alive after bin/cluster stop");
            }
        }
    }

    @Test
    @Order(1)
    void scriptRecordsMasterAndTwoWorkersAndStatusSeesThem() throws Exception {
        assertEquals(List.of("master", "worker1", "worker2"), new ArrayList<>(cluster.pids.keySet()));
        for (String name : cluster.pids.keySet()) {
            assertTrue(cluster.process(name).isPresent(), name + " not alive");
        }
        var status = StandaloneCluster.script(cluster.projectRoot, cluster.stateDir, Map.of(), 30, "status");
        assertEquals(0, status.rc(), status.output());
        assertTrue(status.output().contains("master URL " + cluster.masterUrl()), status.output());
        assertTrue(status.output().contains("workers registered: 2"), status.output());
        // A second start refuses while the first cluster runs.
        var again = StandaloneCluster.script(cluster.projectRoot, cluster.stateDir, Map.of(), 30, "start");
        assertEquals(1, again.rc(), again.output());
        assertTrue(again.output().contains("already running"), again.output());
    }

    /** Every listener of the master, the workers, their executors and this driver JVM is on loopback. */
    @Test
    @Order(2)
    void everyListenerBindsLoopbackOnly() throws Exception {
        Path jar = AppJar.build(work.resolve("app.jar"), StandaloneClusterTest.class);
        SparkSession spark = SparkSession.builder()
                .appName("cluster-smoke")
                .master(cluster.masterUrl())
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.jars", jar.toString())
                .config("spark.executor.memory", "512m")
                .config("spark.cores.max", "2")
                .getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<Integer> squares = jsc.parallelize(IntStream.range(0, 40).boxed().collect(Collectors.toList()), 8)
                    .map(i -> i * i).collect();
            assertEquals(IntStream.range(0, 40).map(i -> i * i).boxed().collect(Collectors.toList()), squares);
            List<ProcessHandle> procs = cluster.allProcesses();
            long executors = procs.stream()
                    .filter(h -> StandaloneCluster.commandLine(h).contains("CoarseGrainedExecutorBackend")).count();
            assertEquals(2, executors, "one executor per worker");
            procs.add(ProcessHandle.current());
            List<ListeningSockets.Listener> all = new ArrayList<>();
            for (ProcessHandle h : procs) {
                all.addAll(ListeningSockets.of(h.pid()));
            }
            // master RPC + UI, 2 x worker RPC + UI, executors' RPC/block manager, driver RPC/block manager
            assertTrue(all.size() >= 8, "listeners found: " + all);
            List<ListeningSockets.Listener> open = all.stream().filter(l -> !l.loopback()).collect(Collectors.toList());
            assertEquals(List.of(), open, "listeners not on loopback");
            assertTrue(all.stream().anyMatch(l -> l.port() == cluster.masterPort && l.pid() == cluster.pids.get("master")));
        } finally {
            spark.stop();
        }
    }

    static Path appJar() throws Exception {
        return AppJar.build(work.resolve("sweep-app.jar"), org.sweep.driver.cli.Main.class,
                org.sweep.worker.SweepWorker.class);
    }

    /** 48 tasks on two executors give the same rows as on local[1], bit for bit (provenance aside). */
    @Test
    @Order(3)
    void clusterSweepEqualsLocalOne() throws Exception {
        StoredTables ref = ReliabilitySweep.reference();
        Path dir = work.resolve("equal");
        Path file = ReliabilitySweep.writeFile(dir);
        Path out = dir.resolve("out");
        SweepCli.Result r = SweepCli.run(dir, appJar(), "run", file.toString(), "--out", out.toString(),
                "--master", cluster.masterUrl());
        assertEquals(0, r.rc(), r.output() + "\n" + cluster.logs());
        StoredTables got = StoredTables.read(out, ReliabilitySweep.NAME);
        got.assertNoDuplicatesNoOrphans();
        DriverFailureTest.assertSameAsReference(ref, got);
        assertEquals(2, got.executors.size(), "tasks ran on both executors: " + got.executors);
        assertFalse(got.executors.contains("driver"), got.executors.toString());
    }

    /** kill -9 of a worker and its executor while a sweep runs: the sweep completes, nothing lost or doubled. */
    @Test
    @Order(9)
    void workerKilledMidSweep() throws Exception {
        StoredTables ref = ReliabilitySweep.reference();
        Path dir = work.resolve("worker-kill");
        Path file = ReliabilitySweep.writeFile(dir);
        Path out = dir.resolve("out");
        Path log = dir.resolve("run.log");
        Process p = SweepCli.start(dir, log, appJar(), "run", file.toString(), "--out", out.toString(),
                "--master", cluster.masterUrl());
        try {
            assertTrue(DriverFailureTest.awaitFirstWave(p, out), "no wave committed:\n" + Files.readString(log));
            assertEquals(1, cluster.executors("worker1").size(), "worker1 runs an executor");
            cluster.killWorker("worker1");
            assertTrue(p.isAlive(), "the sweep was still running when the worker died");
            SweepCli.Result r = SweepCli.await(p, log);
            assertEquals(0, r.rc(), r.output() + "\n" + cluster.logs());
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        StoredTables got = StoredTables.read(out, ReliabilitySweep.NAME);
        got.assertNoDuplicatesNoOrphans();
        DriverFailureTest.assertSameAsReference(ref, got);
    }
}
