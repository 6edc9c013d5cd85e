package org.sweep.driver.run;

import org.sweep.driver.store.TaskOutcome;

import org.sweep.driver.store.Compaction;
import org.sweep.driver.store.ConcurrentJobs;
import org.sweep.driver.store.Provenance;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.Tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.worker.Status;

/**
 * Runs the tasks of a plan that are not stored yet, in waves, and commits each wave through
 * {@link ResultStore}. The caller holds the output lock and has run {@link ResultStore#recover} (see {@link SweepJob}).
 *
 * <h2>One wave</h2>
 * <ol>
 *   <li>The wave's tasks (longest estimated first) are broadcast and cut into packs of tasks that
 *       share their data ({@link Packs}; one task per pack with packing off); an RDD with one pack of
 *       indices per partition runs them, so Spark runs one pack per core and starts the expensive ones
 *       first. A pack returns one outcome per task.</li>
 *   <li>The outcomes are persisted (MEMORY_AND_DISK, one list per pack, on the executors) and materialised by one
 *       small action that brings back only counts ({@link WaveStats}): the driver never holds
 *       trajectories or spectra.</li>
 *   <li>The three tables are written from the persisted outcomes (not recomputed) into
 *       {@code _staging/<wave>} by three concurrent jobs, coalesced to one file per table (more for very large trajectory or
 *       spectra waves: see {@link #TRAJECTORY_ROWS_PER_FILE}, {@link #SPECTRUM_VALUES_PER_FILE}). If an
 *       executor is lost in between, Spark recomputes its lost partitions; the worker is
 *       deterministic, so the rows are the same.</li>
 *   <li>The staged runs are checked: as many rows as tasks, each task_id once, none already stored
 *       (read again from the waves committed meanwhile: see {@link #refuseCommitted}).</li>
 *   <li>Part files are moved into the tables and the wave's commit record, with the files and row
 *       counts of every table, is written ({@link ResultStore#commitWave}).</li>
 * </ol>
 *
 * <h2>Why rows are never doubled</h2>
 * A wave never contains a task_id that is already stored (the stored ids are read at start and every
 * committed wave is added to them) nor one twice (the plan is deduplicated by task_id). Within a wave,
 * Spark may run a task more than once (retry after a lost executor, or speculation when enabled),
 * but output is written through Hadoop's FileOutputCommitter under Spark's OutputCommitCoordinator:
 * each attempt writes into its own temporary folder and only the one attempt per partition that the
 * coordinator authorises is committed into the job output; the others are discarded. Persisted
 * results are cached per partition, not per attempt. A wave's visibility is all-or-nothing through
 * the commit marker, so a driver killed mid-wave leaves nothing that a reader or the next run sees.
 */
public final class SweepRunner {
    /** Trajectory rows per Parquet file of one wave (rows are ~100 bytes). */
    public static final long TRAJECTORY_ROWS_PER_FILE = 2_000_000L;
    /** Eigenvalues (and label projections) per Parquet file of one wave. */
    public static final long SPECTRUM_VALUES_PER_FILE = 8_000_000L;

    /** Hook points of a wave commit; tests use them to simulate a driver killed at that moment. */
    interface CommitHook {
        void at(String stage, String waveId);

        CommitHook NONE = (stage, waveId) -> { };
    }

    /**
     * What a run did. {@code storedOutsidePlan}: task_ids of the sweep that were stored when the run began
     * but are not in its plan (a changed sweep file); when 0, every stored row of the sweep is a task of the plan.
     */
    public record Report(String sweep, int planned, int alreadyStored, int ran, long ok, long diverged, long failed,
                         int waves, double seconds, long storedOutsidePlan) {
    }

    /** Counts of one wave, combined on the executors: the only thing a wave returns to the driver. */
    record WaveStats(long tasks, long ok, long diverged, long failed, long trajectoryRows, long spectrumValues)
            implements Serializable {
        static WaveStats of(TaskOutcome o) {
            Status s = o.result().status();
            long values = 0;
            for (var sp : o.result().spectra()) {
                values += sp.eigenvalues().length * (sp.labelProj() == null ? 1L : 2L);
            }
            return new WaveStats(1, s == Status.OK ? 1 : 0, s == Status.DIVERGED ? 1 : 0, s == Status.FAILED ? 1 : 0,
                    o.result().trajectory().size(), values);
        }

        WaveStats plus(WaveStats b) {
            return new WaveStats(tasks + b.tasks, ok + b.ok, diverged + b.diverged, failed + b.failed,
                    trajectoryRows + b.trajectoryRows, spectrumValues + b.spectrumValues);
        }
    }

    private final SparkSession spark;
    private final ResultStore store;
    private final TaskFunction fn;
    private final String master;
    private final PrintStream err;
    private final boolean tty;
    private CommitHook hook = CommitHook.NONE;
    /** Committed task ids of the sweep being run, and the waves they were read from. */
    private final Set<String> stored = new HashSet<>();
    private final Set<String> knownWaves = new HashSet<>();
    private final Set<String> ownWaves = new HashSet<>();
    private boolean packing = true;
    private long packMemoryBytes = DEFAULT_PACK_MEMORY_BYTES;

    /** Memory bound of a pack when the caller gives none. */
    public static final long DEFAULT_PACK_MEMORY_BYTES = 256L << 20;

    public SweepRunner(SparkSession spark, ResultStore store, TaskFunction fn, String master, PrintStream err,
                       boolean tty) {
        this.spark = spark;
        this.store = store;
        this.fn = fn;
        this.master = master;
        this.err = err;
        this.tty = tty;
    }

    /**
     * Packing on (default) or off: on, a wave's tasks run in packs of one data identity ({@link Packs}), one
     * Spark task per pack, each pack bounded by {@code memoryBytes}; off, one Spark task per task. The rows are
     * the same either way.
     */
    public SweepRunner withPacking(boolean packing, long memoryBytes) {
        this.packing = packing;
        this.packMemoryBytes = memoryBytes;
        return this;
    }

    SweepRunner withHook(CommitHook hook) {
        this.hook = hook;
        return this;
    }

    /** task_ids stored (committed) for a sweep. */
    public Set<String> storedTaskIds(String sweep) {
        return taskIds(sweep, store.committedFiles(Tables.RUNS));
    }

    private Set<String> taskIds(String sweep, List<org.apache.hadoop.fs.Path> runsFiles) {
        Set<String> ids = new HashSet<>();
        if (runsFiles.isEmpty()) {
            return ids; // a new directory: no Spark query (the first one of a session costs seconds)
        }
        for (Row r : store.view(spark, Tables.RUNS, runsFiles).where(col("sweep").equalTo(lit(sweep)))
                .select("task_id").collectAsList()) {
            ids.add(r.getString(0));
        }
        return ids;
    }

    /**
     * The second line of defence against a task stored twice (the lock is the first): before a wave
     * is committed, the waves committed since this run read the stored task ids (by another writer,
     * which only a broken or bypassed lock allows) are read, and a wave holding any task id already
     * committed is refused; its staged files are dropped and the run stops.
     */
    private void refuseCommitted(String sweep, String waveId, List<String> ids) throws IOException {
        Set<String> now = store.committedWaves();
        now.removeAll(knownWaves);
        now.removeAll(ownWaves);
        if (!now.isEmpty()) {
            List<org.apache.hadoop.fs.Path> files = new ArrayList<>();
            for (var e : store.committedByWave().entrySet()) {
                if (now.contains(e.getKey())) {
                    e.getValue().stream().filter(f -> f.table().equals(Tables.RUNS)).forEach(f -> files.add(f.path()));
                }
            }
            stored.addAll(taskIds(sweep, files));
            knownWaves.addAll(now);
        }
        List<String> dup = ids.stream().filter(stored::contains).sorted().toList();
        if (!dup.isEmpty()) {
            store.dropStaging(waveId);
            throw new IllegalStateException("wave " + waveId + " of sweep " + sweep + " was not committed: " + dup.size()
                    + " of its task ids are already stored (e.g. " + dup.get(0) + "), committed meanwhile by another"
                    + " writer of " + store.location() + "; is a second run writing there without the lock?");
        }
    }

    /**
     * The plan's tasks minus those stored, each task_id once, longest estimated first (ties keep the
     * plan's order).
     */
    static List<PlannedTask> pending(List<PlannedTask> planned, Set<String> stored) {
        Map<String, PlannedTask> unique = new LinkedHashMap<>();
        for (PlannedTask t : planned) {
            if (!stored.contains(t.taskId())) {
                unique.putIfAbsent(t.taskId(), t);
            }
        }
        List<PlannedTask> list = new ArrayList<>(unique.values());
        list.sort(Comparator.comparingDouble(PlannedTask::estimatedFlops).reversed());
        return list;
    }

    /** Tasks of the sweep being run that are stored (committed) so far; read by an interrupt handler. */
    private volatile long storedSoFar;

    public long storedTasks() {
        return storedSoFar;
    }

    public Report run(SweepPlan plan) throws IOException {
        long t0 = System.nanoTime();
        String sweep = plan.name();
        String codeVersion = Provenance.codeVersion();
        int planned = (int) plan.tasks().stream().map(PlannedTask::taskId).distinct().count();
        knownWaves.addAll(store.committedWaves());
        stored.addAll(storedTaskIds(sweep));
        List<PlannedTask> todo = pending(plan.tasks(), stored);
        int already = planned - todo.size();
        long outsidePlan = stored.size() - already;
        storedSoFar = already;

        String recordId = store.newSweepRecordId();
        long startedAt = System.currentTimeMillis();
        writeSweepRecord(recordId, plan, planned, startedAt, null, codeVersion, true);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        WavePolicy policy = new WavePolicy(jsc.defaultParallelism());
        double todoFlops = todo.stream().mapToDouble(PlannedTask::estimatedFlops).sum();
        if (already > 0) {
            err.println("sweep " + sweep + ": " + already + " of " + planned + " tasks already stored in "
                    + store.location() + "; running the other " + todo.size());
        }
        long ok = 0;
        long diverged = 0;
        long failed = 0;
        int waves = 0;
        int next = 0;
        try (Progress progress = new Progress(spark.sparkContext(), todo.size(), todoFlops, err, tty)) {
            if (!todo.isEmpty()) {
                progress.startDrawing();
            }
            while (next < todo.size()) {
                int size = policy.nextSize(todo.size() - next);
                List<PlannedTask> wave = todo.subList(next, next + size);
                long w0 = System.nanoTime();
                WaveStats st = runWave(jsc, sweep, wave, progress, codeVersion);
                policy.record(size, (System.nanoTime() - w0) / 1e9);
                next += size;
                waves++;
                ok += st.ok();
                diverged += st.diverged();
                failed += st.failed();
                progress.waveCommitted(next);
                storedSoFar = already + next;
            }
        }
        if (waves > 0) {
            int merged = new Compaction(spark, store).compact(sweep);
            if (merged > 0) {
                err.println("sweep " + sweep + ": compacted the files of " + merged + " small waves into one");
            }
        }
        writeSweepRecord(recordId, plan, planned, startedAt, System.currentTimeMillis(), codeVersion, false);
        return new Report(sweep, planned, already, todo.size(), ok, diverged, failed, waves,
                (System.nanoTime() - t0) / 1e9, outsidePlan);
    }

    private WaveStats runWave(JavaSparkContext jsc, String sweep, List<PlannedTask> wave, Progress progress,
                              String codeVersion) throws IOException {
        String waveId = store.newWaveId();
        spark.sparkContext().setJobGroup(waveId, "sweep " + sweep + " wave " + waveId, false);
        Broadcast<List<PlannedTask>> tasks = jsc.broadcast(new ArrayList<>(wave));
        List<List<Integer>> packs = packing ? Packs.of(wave, packMemoryBytes, jsc.defaultParallelism())
                : Packs.singletons(wave.size());
        // One persisted element per pack (its list of outcomes), kept as objects: no serialization while
        // the executor's memory holds them, and Spark's size sampling walks one list per pack instead of
        // sampling after every task (serialized per task, that and Java deserialization in each of the
        // three writing passes had been most of a tiny task's cost).
        ExecuteTask exec = new ExecuteTask(fn, tasks, progress);
        JavaRDD<ArrayList<TaskOutcome>> perPack = jsc.parallelize(packs, packs.size()).map(exec::runAll)
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<TaskOutcome> outcomes = perPack.flatMap(List::iterator);
        try {
            WaveStats st = outcomes.map(WaveStats::of).reduce(WaveStats::plus);
            int trajFiles = (int) Math.max(1, Math.min(wave.size(),
                    (st.trajectoryRows() + TRAJECTORY_ROWS_PER_FILE - 1) / TRAJECTORY_ROWS_PER_FILE));
            int specFiles = (int) Math.max(1, Math.min(wave.size(),
                    (st.spectrumValues() + SPECTRUM_VALUES_PER_FILE - 1) / SPECTRUM_VALUES_PER_FILE));
            // The three tables are written by three concurrent Spark jobs: each is one coalesced task
            // (one file), so one after another they would keep a single core busy.
            ConcurrentJobs.all(spark.sparkContext(), waveId, "sweep " + sweep + " wave " + waveId, List.of(
                    () -> spark.createDataFrame(outcomes.map(o -> Tables.runsRow(o, codeVersion)).coalesce(1),
                                    Tables.fileSchema(Tables.RUNS))
                            .write().mode(SaveMode.ErrorIfExists).parquet(store.staged(waveId, Tables.RUNS)),
                    () -> spark.createDataFrame(outcomes.flatMap(o -> Tables.trajectoryRows(o).iterator())
                                    .coalesce(trajFiles), Tables.fileSchema(Tables.TRAJECTORIES))
                            .write().mode(SaveMode.ErrorIfExists).parquet(store.staged(waveId, Tables.TRAJECTORIES)),
                    () -> spark.createDataFrame(outcomes.flatMap(o -> Tables.spectraRows(o).iterator())
                                    .coalesce(specFiles), Tables.fileSchema(Tables.SPECTRA))
                            .write().mode(SaveMode.ErrorIfExists).parquet(store.staged(waveId, Tables.SPECTRA))));
            hook.at("staged", waveId);

            List<String> ids = new ArrayList<>();
            for (Row r : spark.read().schema(Tables.fileSchema(Tables.RUNS))
                    .parquet(store.staged(waveId, Tables.RUNS)).select("task_id").collectAsList()) {
                ids.add(r.getString(0));
            }
            if (ids.size() != wave.size() || new HashSet<>(ids).size() != wave.size()) {
                throw new IllegalStateException("wave " + waveId + " staged " + ids.size() + " runs rows with "
                        + new HashSet<>(ids).size() + " distinct task ids for " + wave.size() + " tasks; not committed");
            }
            refuseCommitted(sweep, waveId, ids);
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("tasks", st.tasks());
            counts.put("ok", st.ok());
            counts.put("diverged", st.diverged());
            counts.put("failed", st.failed());
            store.commitWave(waveId, sweep, Tables.WAVE_TABLES, counts, stage -> hook.at(stage, waveId));
            ownWaves.add(waveId);
            stored.addAll(ids);
            store.dropStaging(waveId);
            return st;
        } finally {
            perPack.unpersist(false);
            tasks.destroy();
            spark.sparkContext().clearJobGroup();
        }
    }

    private void writeSweepRecord(String recordId, SweepPlan plan, int tasks, long startedAt, Long finishedAt,
                                  String codeVersion, boolean first) throws IOException {
        StringBuilder config = new StringBuilder(plan.configText());
        if (!plan.overrides().isEmpty()) {
            if (config.length() > 0 && config.charAt(config.length() - 1) != '\n') {
                config.append('\n');
            }
            for (String o : plan.overrides()) {
                config.append("# --set ").append(o).append('\n');
            }
        }
        Row row = Tables.sweepsRow(config.toString(), tasks, startedAt, finishedAt, codeVersion, master);
        String stagingId = recordId + (first ? "" : "-end");
        spark.createDataFrame(List.of(row), Tables.fileSchema(Tables.SWEEPS)).coalesce(1)
                .write().mode(SaveMode.ErrorIfExists).parquet(store.staged(stagingId, Tables.SWEEPS));
        try {
            // The first record commits like a wave (sweeps/sweep=<name>/part-<id>-00000.parquet); the
            // finished record replaces that file atomically at the end.
            if (first) {
                store.commitWave(recordId, plan.name(), List.of(Tables.SWEEPS), Map.of("record", "sweeps"), st -> { });
            } else {
                store.replaceRecord(recordId, stagingId, plan.name());
            }
        } finally {
            store.dropStaging(stagingId);
        }
    }
}
