package org.sweep.driver.run;

import org.sweep.driver.cli.Main;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.Tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.worker.SweepWorker;

/**
 * conf/tiny.yaml with the real worker on {@code local-cluster[2,1,1024]} (two executor JVMs started
 * through Spark's launcher from SPARK_HOME = target, whose jars/ the build fills) gives the same
 * rows as on {@code local[1]}: every statistic bit-identical; only provenance and timing differ.
 */
class LocalClusterTest {
    /** Columns that describe where, when and how fast a task ran, not what it computed. */
    static final Set<String> PROVENANCE = Set.of("seconds_train", "seconds_spectra", "seconds_total", "gflops",
            "executor", "attempt", "code_version", "java_version", "os_arch", "blas", "lapack", "created_at");

    static Path location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Rows of a table as value lists (arrays as lists; doubles compare bitwise through Double.equals). */
    static List<List<Object>> rows(ResultStore store, SparkSession spark, String table, String order) {
        List<String> cols = new ArrayList<>();
        for (String c : Tables.schema(table).fieldNames()) {
            if (!PROVENANCE.contains(c)) {
                cols.add(c);
            }
        }
        List<List<Object>> out = new ArrayList<>();
        for (Row r : store.view(spark, table).selectExpr(cols.toArray(String[]::new)).orderBy(Arrays.stream(order.split(",")).map(org.apache.spark.sql.functions::col)
                        .toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList()) {
            List<Object> v = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
                Object o = r.get(i);
                v.add(o instanceof scala.collection.Seq<?> s ? new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(s)) : o);
            }
            out.add(v);
        }
        return out;
    }

    record Tables3(List<List<Object>> runs, List<List<Object>> trajectories, List<List<Object>> spectra,
                   Set<String> executors) {
    }

    static Tables3 runOn(String master, Map<String, String> extra, Path out, SweepPlan plan) throws Exception {
        Map<String, String> settings = SparkSessions.settings(master, false, null, extra);
        settings.put("spark.sql.shuffle.partitions", "2");
        SparkSession spark = SparkSessions.start(settings);
        try {
            SweepRunner.Report report = SparkTests.run(spark, out, plan, TaskFunction.WORKER);
            assertEquals(plan.tasks().size(), report.ok(), "all tasks ok on " + master);
            ResultStore store = new ResultStore(out);
            Set<String> executors = new HashSet<>();
            for (Row r : store.view(spark, Tables.RUNS).select("executor").collectAsList()) {
                executors.add(r.getString(0));
            }
            return new Tables3(rows(store, spark, Tables.RUNS, "task_id"),
                    rows(store, spark, Tables.TRAJECTORIES, "task_id,step"),
                    rows(store, spark, Tables.SPECTRA, "task_id,matrix"), executors);
        } finally {
            spark.stop();
        }
    }

    @Test
    void localClusterEqualsLocal(@TempDir Path dir) throws Exception {
        SweepPlan plan = SweepPlanner.plan(Path.of("..", "conf", "tiny.yaml"), List.of(), 512L << 20);
        assertTrue(plan.tasks().size() >= 4, "tiny sweep has tasks");
        Tables3 local = runOn("local[1]", Map.of(), dir.resolve("local"), plan);

        // Executors load the project's classes from the build folders (or jars) the test runs from.
        String classPath = String.join(File.pathSeparator, location(Main.class).toString(),
                location(SweepWorker.class).toString());
        Tables3 cluster = runOn("local-cluster[2,1,1024]", Map.of(
                "spark.executor.extraClassPath", classPath,
                "spark.executor.memory", "512m"), dir.resolve("cluster"), plan);

        assertEquals(Set.of("driver@127.0.0.1"), local.executors());
        assertTrue(cluster.executors().stream().noneMatch(e -> e.startsWith("driver@")),
                "tasks ran in executor JVMs: " + cluster.executors());
        assertEquals(plan.tasks().size(), cluster.runs().size());
        assertEquals(local.runs(), cluster.runs(), "runs rows, provenance aside");
        assertEquals(local.trajectories(), cluster.trajectories(), "trajectories rows");
        assertEquals(local.spectra(), cluster.spectra(), "spectra rows");
        assertTrue(Arrays.asList(1, 2).contains(cluster.executors().size()));
    }
}
