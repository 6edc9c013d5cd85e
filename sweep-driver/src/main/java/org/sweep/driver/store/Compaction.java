package org.sweep.driver.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Merges the files of a sweep's small waves into one wave, so a sweep of 10^6 tasks in dozens of waves
 * keeps a bounded number of files per table. Runs when a sweep finishes, under the output lock.
 *
 * <p>Protocol (the store's commit protocol, plus one step): the chosen waves' committed files of the
 * three wave tables are read and written as a new wave C into {@code _staging/C}, moved into the tables and
 * committed with a marker that names the waves it replaces ({@code replaces=w1,w2,...}); then those waves'
 * files and markers are deleted. Killed before C's marker, C is an uncommitted wave that the next
 * {@link ResultStore#recover()} deletes and nothing changed; killed after it, C and the replaced waves are
 * both committed (readers see those rows twice) until the next run's {@link #finishPending} completes the
 * deletion, before it reads anything. Rows are copied as they are: values, task ids and columns unchanged.
 */
public final class Compaction {
    /** A sweep partition is compacted when it holds more than this many small waves. */
    public static final int MAX_SMALL_WAVES = 8;
    /** Largest runs-table file of a wave counted as small. */
    public static final long SMALL_FILE_BYTES = 32L << 20;
    private static final String REPLACES = "replaces=";

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
        for (String table : Tables.WAVE_TABLES) {
            for (Path f : store.committedFiles(table)) {
                if (!f.getParent().equals(store.partitionDir(table, sweep))) {
                    continue;
                }
                String w = ResultStore.waveOf(f.getFileName().toString());
                waves.add(w);
                if (Files.size(f) > SMALL_FILE_BYTES || !f.getFileName().toString().endsWith("-00000.parquet")) {
                    large.add(w);
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
        Path staging = store.stagingDir(c);
        List<Path> old = new ArrayList<>();
        for (String table : Tables.WAVE_TABLES) {
            List<String> paths = new ArrayList<>();
            for (Path f : store.committedFiles(table)) {
                if (f.getParent().equals(store.partitionDir(table, sweep))
                        && waves.contains(ResultStore.waveOf(f.getFileName().toString()))) {
                    paths.add(f.toString());
                    old.add(f);
                }
            }
            if (paths.isEmpty()) {
                continue;
            }
            spark.read().schema(Tables.fileSchema(table)).parquet(paths.toArray(new String[0])).coalesce(1)
                    .write().mode(SaveMode.ErrorIfExists).parquet(staging.resolve(table).toString());
            store.moveStaged(c, table, sweep, false);
        }
        store.markCommitted(c, "sweep=" + sweep + "\ncompaction of " + waves.size() + " waves\n"
                + REPLACES + String.join(",", waves) + "\n");
        delete(waves, old);
        store.dropStaging(c);
        return waves.size();
    }

    private void delete(Set<String> waves, List<Path> files) throws IOException {
        // Markers first: each one makes its wave invisible at once; the files follow.
        for (String w : waves) {
            Files.deleteIfExists(store.commitsDir().resolve(w));
        }
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
    }

    /**
     * Completes compactions a killed run left half done: deletes the markers of waves that a committed
     * compaction replaces (their files then count as uncommitted, and {@link ResultStore#recover()}, run
     * next, deletes them). Call under the lock, before {@code recover()}.
     *
     * @return the number of replaced waves found still committed
     */
    public static int finishPending(ResultStore store) throws IOException {
        int n = 0;
        Set<String> committed = store.committedWaves();
        for (String w : committed) {
            Path marker = store.commitsDir().resolve(w);
            if (!Files.exists(marker)) {
                continue;   // a replaced wave whose marker this loop already deleted
            }
            for (String line : Files.readAllLines(marker)) {
                if (line.startsWith(REPLACES)) {
                    for (String old : line.substring(REPLACES.length()).split(",")) {
                        if (committed.contains(old) && Files.deleteIfExists(store.commitsDir().resolve(old))) {
                            n++;
                        }
                    }
                }
            }
        }
        return n;
    }
}
