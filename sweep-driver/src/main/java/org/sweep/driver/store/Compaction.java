package org.sweep.driver.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Merges the files of a sweep's small waves into one wave, so a sweep of 10^6 tasks in dozens of waves
 * keeps a bounded number of files per table. Runs when a sweep finishes, under the output lock.
 *
 * <p>Protocol (the store's commit protocol, plus one step): the chosen waves' committed files of the
 * three wave tables are read and written as a new wave C into {@code _staging/C} and committed
 * ({@link ResultStore#commitWave}) with a record that names the waves it replaces
 * ({@code replaces=w1,w2,...}). From that moment readers see C instead of the replaced waves
 * ({@link ResultStore#committedByWave} leaves every replaced wave out), so no row is ever seen twice.
 * Then the replaced waves' records and files are removed ({@link ResultStore#dropReplaced}). Killed
 * before C's record, C is an uncommitted wave that the next recovery quarantines and nothing changed;
 * killed after it, the next run's {@link #finishPending} completes the removal before it reads anything.
 * Rows are copied as they are: values, task ids and columns unchanged.
 */
public final class Compaction {
    /** A sweep partition is compacted when it holds more than this many small waves. */
    public static final int MAX_SMALL_WAVES = 8;
    /** Largest runs-table file of a wave counted as small. */
    public static final long SMALL_FILE_BYTES = 32L << 20;

    private final SparkSession spark;
    private final ResultStore store;
    private final int maxSmallWaves;

    public Compaction(SparkSession spark, ResultStore store) {
        this(spark, store, MAX_SMALL_WAVES);
    }

    /** @param maxSmallWaves compact when a sweep has more small waves than this */
    public Compaction(SparkSession spark, ResultStore store, int maxSmallWaves) {
        this.spark = spark;
        this.store = store;
        this.maxSmallWaves = maxSmallWaves;
    }

    /** The committed waves of a sweep whose files are all small, in wave order. */
    Set<String> smallWaves(String sweep) throws IOException {
        Set<String> waves = new TreeSet<>();
        Set<String> large = new TreeSet<>();
        for (Map.Entry<String, List<ResultStore.DataFile>> e : store.committedByWave().entrySet()) {
            for (ResultStore.DataFile f : e.getValue()) {
                if (!Tables.WAVE_TABLES.contains(f.table()) || !f.path().getParent().equals(
                        store.partitionDir(f.table(), sweep))) {
                    continue;
                }
                waves.add(e.getKey());
                if (store.size(f.path()) > SMALL_FILE_BYTES || !f.path().getName().endsWith("-00000.parquet")) {
                    large.add(e.getKey());
                }
            }
        }
        waves.removeAll(large);
        return waves;
    }

    /**
     * Compacts the sweep's small waves into one when there are more than the limit (default {@link #MAX_SMALL_WAVES}).
     *
     * @return the number of waves merged (0 when nothing was done)
     */
    public int compact(String sweep) throws IOException {
        Set<String> waves = smallWaves(sweep);
        if (waves.size() <= maxSmallWaves) {
            return 0;
        }
        String c = store.newWaveId();
        List<String> tables = new ArrayList<>();
        List<ConcurrentJobs.Action> writes = new ArrayList<>();
        Map<String, List<ResultStore.DataFile>> byWave = store.committedByWave();
        for (String table : Tables.WAVE_TABLES) {
            List<String> paths = new ArrayList<>();
            for (String w : waves) {
                for (ResultStore.DataFile f : byWave.getOrDefault(w, List.of())) {
                    if (f.table().equals(table)) {
                        paths.add(store.sparkPath(f.path()));
                    }
                }
            }
            if (paths.isEmpty()) {
                continue;
            }
            writes.add(() -> spark.read().schema(Tables.fileSchema(table)).parquet(paths.toArray(new String[0]))
                    .coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(store.staged(c, table)));
            tables.add(table);
        }
        // One file per table, each written by one task: the tables are written at the same time.
        ConcurrentJobs.all(spark.sparkContext(), c, "compaction " + c + " of sweep " + sweep, writes);
        store.commitWave(c, sweep, tables, Map.of("compaction", waves.size(),
                ResultStore.REPLACES, String.join(",", waves)), stage -> { });
        store.dropReplaced(waves);
        store.dropStaging(c);
        return waves.size();
    }

    /**
     * Completes compactions a killed run left half done: removes the records and files of waves that
     * a committed compaction replaces. Call under the lock, before recovery.
     *
     * @return the number of replaced waves found still committed
     */
    public static int finishPending(ResultStore store) throws IOException {
        Set<String> left = new TreeSet<>(store.replacedWaves());
        left.retainAll(store.committedWaves());
        store.dropReplaced(left);
        return left.size();
    }
}
