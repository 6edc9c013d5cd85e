package org.sweep.driver.reliability;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.Tables;

/**
 * The committed rows of an output directory (local or on a Hadoop file system) as plain Java
 * values, read through {@link ResultStore#view} (what bin/sweep sql sees), for comparisons between runs.
 */
final class StoredTables {
    /**
     * Columns of {@code runs} that describe where, when and how fast a task ran rather than what it
     * computed: they differ between two runs of the same task and are left out of comparisons.
     */
    static final Set<String> PROVENANCE = Set.of("seconds_train", "seconds_spectra", "seconds_total", "gflops",
            "executor", "attempt", "code_version", "java_version", "os_arch", "blas", "lapack", "created_at");

    /** Sort keys that make each table's row order canonical. */
    static final Map<String, String[]> KEYS = Map.of(
            Tables.RUNS, new String[] {"task_id"},
            Tables.TRAJECTORIES, new String[] {"task_id", "step"},
            Tables.SPECTRA, new String[] {"task_id", "matrix", "step"});

    /** Table name to its rows (each row a list of column values; arrays as lists), provenance aside. */
    final Map<String, List<List<Object>>> rows = new LinkedHashMap<>();
    /** Per table: row count, distinct keys, rows whose task_id is not in runs. */
    final Map<String, long[]> counts = new LinkedHashMap<>();
    /** task_id to created_at of runs (to show which rows a later run left untouched). */
    final Map<String, Object> createdAt = new LinkedHashMap<>();
    /** Distinct values of runs.executor. */
    final List<String> executors = new ArrayList<>();
    /**
     * Distinct "blas | lapack | java_version | os_arch" of runs: what computed the rows (engine and
     * BLAS class, LAPACK class, JVM, platform). Two runs on one machine that differ here round differently.
     */
    final List<String> implementations = new ArrayList<>();

    static StoredTables read(Path out, String sweep) {
        return read(new ResultStore(out), sweep);
    }

    /**
     * The committed rows of a store given as {@code --out} is: a plain path or a Hadoop file system
     * URI (e.g. {@code hdfs://127.0.0.1:PORT/...}, read with this JVM's default Hadoop settings).
     */
    static StoredTables read(String location, String sweep) {
        return read(ResultStore.at(location), sweep);
    }

    private static synchronized StoredTables read(ResultStore store, String sweep) {
        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .appName("stored-tables")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
                .getOrCreate();
        try {
            StoredTables t = new StoredTables();
            Dataset<Row> runs = store.view(spark, Tables.RUNS).where(col("sweep").equalTo(lit(sweep)));
            for (Row r : runs.select("task_id", "created_at").collectAsList()) {
                t.createdAt.put(r.getString(0), r.get(1));
            }
            for (Row r : runs.select("executor").distinct().orderBy("executor").collectAsList()) {
                t.executors.add(r.getString(0));
            }
            for (Row r : runs.select(org.apache.spark.sql.functions.concat_ws(" | ", col("blas"), col("lapack"),
                    col("java_version"), col("os_arch")).as("i")).distinct().orderBy("i").collectAsList()) {
                t.implementations.add(r.getString(0));
            }
            for (String table : List.of(Tables.RUNS, Tables.TRAJECTORIES, Tables.SPECTRA)) {
                Dataset<Row> d = store.view(spark, table).where(col("sweep").equalTo(lit(sweep)));
                if (table.equals(Tables.RUNS)) {
                    d = d.drop(PROVENANCE.toArray(new String[0]));
                }
                String[] keys = KEYS.get(table);
                long n = d.count();
                long distinct = d.select(keys[0], java.util.Arrays.copyOfRange(keys, 1, keys.length)).distinct().count();
                long orphans = d.join(runs.select("task_id"), d.col("task_id").equalTo(runs.col("task_id")), "left_anti")
                        .count();
                t.counts.put(table, new long[] {n, distinct, orphans});
                List<List<Object>> list = new ArrayList<>();
                for (Row r : d.orderBy(keys[0], java.util.Arrays.copyOfRange(keys, 1, keys.length)).collectAsList()) {
                    list.add(plain(r));
                }
                t.rows.put(table, list);
            }
            return t;
        } finally {
            spark.stop();
        }
    }

    /** A row's values with arrays as java.util.List (Double.equals compares bit patterns). */
    static List<Object> plain(Row r) {
        List<Object> l = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            Object v = r.get(i);
            if (v instanceof scala.collection.Seq<?>) {
                v = new ArrayList<>(r.getList(i));
            }
            l.add(v);
        }
        return l;
    }

    long rows(String table) {
        return counts.get(table)[0];
    }

    /** Fails unless every table has each key once and no row without its runs row. */
    void assertNoDuplicatesNoOrphans() {
        counts.forEach((table, c) -> {
            if (c[0] != c[1]) {
                throw new AssertionError(table + ": " + c[0] + " rows but " + c[1] + " distinct keys (duplicates)");
            }
            if (c[2] != 0) {
                throw new AssertionError(table + ": " + c[2] + " rows whose task_id is not in runs (orphans)");
            }
        });
    }
}
