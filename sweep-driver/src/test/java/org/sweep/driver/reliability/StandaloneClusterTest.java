package org.sweep.driver.reliability;

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
        if (Files.exists(work)) {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
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
                    .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).count();
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
}
