package org.sweep.driver.run;

import org.sweep.driver.store.Compaction;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.Tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.SweepPlan;

/**
 * Resume, wave commits after a simulated driver death, failure rows and the stored values, on
 * local[2] with the synthetic {@link FakeWorker} (values are closed forms of the spec).
 */
public class SweepRunnerTest {
    private static SparkSession spark;

    /** Checkpoints, spectra per task of {@link FakeWorker#spec}. */
    private static final int CHECKPOINTS = 4;
    private static final int SPECTRA = 3;

    @BeforeAll
    static void start() {
        spark = SparkTests.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<Row> sorted(ResultStore store, String table, String... cols) {
        return store.view(spark, table).selectExpr(cols).orderBy(cols[0], cols.length > 1 ? cols[1] : cols[0])
                .collectAsList();
    }

    private static void assertExactlyOnce(ResultStore store, SweepPlan plan) {
        Set<String> expected = plan.tasks().stream().map(PlannedTask::taskId).collect(Collectors.toSet());
        List<String> ids = store.view(spark, Tables.RUNS).select("task_id").collectAsList().stream()
                .map(r -> r.getString(0)).toList();
        assertEquals(expected.size(), ids.size(), "runs rows");
        assertEquals(expected, new HashSet<>(ids), "runs task ids");
        // Every task has exactly its checkpoints and spectra, and nothing belongs to an unknown task.
        for (Row r : store.view(spark, Tables.TRAJECTORIES).groupBy("task_id").count().collectAsList()) {
            assertTrue(expected.contains(r.getString(0)), "orphan trajectory rows " + r);
            assertEquals(CHECKPOINTS, r.getLong(1), "trajectory rows of " + r.getString(0));
        }
        for (Row r : store.view(spark, Tables.SPECTRA).groupBy("task_id").count().collectAsList()) {
            assertTrue(expected.contains(r.getString(0)), "orphan spectra rows " + r);
            assertEquals(SPECTRA, r.getLong(1), "spectra rows of " + r.getString(0));
        }
        assertEquals(expected.size() * (long) CHECKPOINTS, store.view(spark, Tables.TRAJECTORIES).count());
        assertEquals(expected.size() * (long) SPECTRA, store.view(spark, Tables.SPECTRA).count());
    }

    @Test
    void resumeSkipsStoredTasksAndRunsOnlyNewGridPoints(@TempDir Path out) throws Exception {
        SweepPlan first = FakeWorker.plan("resume", new int[] {8, 16}, 3, 0.5);
        SweepRunner.Report r1 = SparkTests.run(spark, out, first, FakeWorker::run);
        assertEquals(6, r1.ran());
        ResultStore store = new ResultStore(out);
        assertExactlyOnce(store, first);
        List<Row> before = sorted(store, Tables.RUNS, "task_id", "width", "seed", "rate_empirical", "created_at");

        SweepRunner.Report r2 = SparkTests.run(spark, out, first, FakeWorker::run);
        assertEquals(0, r2.ran(), "second run of the same sweep runs nothing");
        assertEquals(6, r2.alreadyStored());
        assertEquals(before, sorted(store, Tables.RUNS, "task_id", "width", "seed", "rate_empirical", "created_at"),
                "rows unchanged by a second run");

        SweepPlan grown = FakeWorker.plan("resume", new int[] {8, 16, 32}, 4, 0.5);
        FakeWorker.CALLS.set(0);
        SweepRunner.Report r3 = SparkTests.run(spark, out, grown, FakeWorker::run);
        assertEquals(12 - 6, r3.ran(), "only the new grid points run");
        assertEquals(6, FakeWorker.CALLS.get(), "task function calls");
        assertExactlyOnce(store, grown);
        List<Row> after = sorted(store, Tables.RUNS, "task_id", "width", "seed", "rate_empirical", "created_at");
        assertTrue(after.containsAll(before), "old rows kept as they were");

        // sweeps: one record per run, the last one with the grown task count, all finished.
        List<Row> sweeps = store.view(spark, Tables.SWEEPS).orderBy("started_at").collectAsList();
        assertEquals(3, sweeps.size());
        assertEquals(12, sweeps.get(2).getInt(sweeps.get(2).fieldIndex("tasks")));
        for (Row s : sweeps) {
            assertFalse(s.isNullAt(s.fieldIndex("finished_at")), "finished_at of " + s);
        }
    }

    @Test
    void storedValuesFollowTheTaskSpecAndResult(@TempDir Path out) throws Exception {
        SweepPlan plan = FakeWorker.plan("values", new int[] {8, 64}, 2, 0.5);
        SparkTests.run(spark, out, plan, FakeWorker::run);
        ResultStore store = new ResultStore(out);
        for (Row r : store.view(spark, Tables.RUNS).collectAsList()) {
            int width = r.getInt(r.fieldIndex("width"));
            assertEquals("values", r.getString(r.fieldIndex("sweep")));
            assertEquals(1.0 - 1.0 / width, r.getDouble(r.fieldIndex("rate_empirical")), 0.0);
            assertEquals(1.0, r.getDouble(r.fieldIndex("eta")), 0.0, "eta column = step size used (2 * 0.5)");
            assertEquals(0.5, r.getDouble(r.fieldIndex("eta_factor")), 0.0);
            assertEquals("stability", r.getString(r.fieldIndex("eta_mode")));
            assertEquals("ok", r.getString(r.fieldIndex("status")));
            // 1.5e9 flop in 0.75 s of train + spectra
            assertEquals(2.0, r.getDouble(r.fieldIndex("gflops")), 1e-12);
            assertEquals("FakeBLAS", r.getString(r.fieldIndex("blas")));
            assertTrue(r.getString(r.fieldIndex("config_json")).contains("\"width\""));
            assertEquals(System.getProperty("os.name") + "/" + System.getProperty("os.arch"),
                    r.getString(r.fieldIndex("os_arch")));
        }
        Row spec = store.view(spark, Tables.SPECTRA).where("matrix = 'h_inf'").first();
        List<Double> eig = spec.getList(spec.fieldIndex("eigenvalues"));
        assertEquals(List.of(0.25, 0.5, 0.75, 1.0), eig, "ascending eigenvalues of the synthetic h_inf");
        assertEquals(4, spec.getList(spec.fieldIndex("label_proj")).size());
        Row h0 = store.view(spark, Tables.SPECTRA).where("matrix = 'h_0'").first();
        assertTrue(h0.isNullAt(h0.fieldIndex("label_proj")), "label_proj only for h_inf");
        long withLambda = store.view(spark, Tables.TRAJECTORIES).where("lambda_min_h IS NOT NULL").count();
        assertEquals(plan.tasks().size(), withLambda, "lambda_min_h only at the last synthetic checkpoint");
    }

    @Test
    void failingAndDivergingTasksBecomeRows(@TempDir Path out) throws Exception {
        List<PlannedTask> tasks = new ArrayList<>(FakeWorker.plan("bad", new int[] {8}, 2, 0.5).tasks());
        tasks.add(FakeWorker.planned(FakeWorker.spec(8, 4, 7, 2.5)));
        tasks.add(FakeWorker.planned(FakeWorker.spec(8, 4, 8, 3.5)));
        SweepPlan plan = new SweepPlan("bad", Path.of("bad.yaml"), "", List.of(), tasks);
        SweepRunner.Report r = SparkTests.run(spark, out, plan, FakeWorker::run);
        assertEquals(2, r.ok());
        assertEquals(1, r.diverged());
        assertEquals(1, r.failed());
        ResultStore store = new ResultStore(out);
        Row failed = store.view(spark, Tables.RUNS).where("status = 'failed'").first();
        assertTrue(failed.getString(failed.fieldIndex("message")).contains("synthetic failure for eta 3.5"));
        assertTrue(failed.isNullAt(failed.fieldIndex("lambda0")));
        assertEquals(1, store.view(spark, Tables.RUNS).where("status = 'diverged'").count());
    }

    private static Stream<Path> dataFiles(Path out) throws Exception {
        return Files.walk(out).filter(p -> p.getFileName().toString().endsWith(".parquet")
                && !p.toString().contains("_staging") && !p.toString().contains("_quarantine"));
    }

    @Test
    void waveLeftUncommittedByADeadDriverIsDiscardedAndRerun(@TempDir Path out) throws Exception {
        // 24 tasks on 2 cores: the first wave has 8 tasks, the second the other 16.
        SweepPlan plan = FakeWorker.plan("crash", new int[] {8, 16, 32, 64}, 6, 0.5);
        // Driver "dies" in the second wave after runs and trajectories files were moved, before the marker.
        int[] waves = {0};
        SweepRunner.CommitHook dieInSecondWave = (stage, wave) -> {
            if (stage.equals("staged")) {
                waves[0]++;
            }
            if (waves[0] == 2 && stage.equals("moved:" + Tables.TRAJECTORIES)) {
                throw new IllegalStateException("simulated driver death");
            }
        };
        assertThrows(IllegalStateException.class, () -> SparkTests.run(spark, out, plan, FakeWorker::run,
                dieInSecondWave));
        ResultStore store = new ResultStore(out);
        // Readers see only the committed first wave, although files of the second are in place.
        assertEquals(8, store.view(spark, Tables.RUNS).count());
        assertEquals(8L * CHECKPOINTS, store.view(spark, Tables.TRAJECTORIES).count());
        long filesBefore;
        try (Stream<Path> s = dataFiles(out.resolve(Tables.RUNS))) {
            filesBefore = s.count();
        }
        assertEquals(2, filesBefore, "runs files of the committed and of the uncommitted wave");

        // A staged-only wave of a second dead driver, too.
        SweepRunner.CommitHook dieAfterStaging = (stage, wave) -> {
            if (stage.equals("staged")) {
                throw new IllegalStateException("simulated driver death");
            }
        };
        FakeWorker.CALLS.set(0);
        assertThrows(IllegalStateException.class, () -> SparkTests.run(spark, out, plan, FakeWorker::run,
                dieAfterStaging));
        // That run first recovered (quarantining the moved files of the dead wave), then died after staging its
        // first wave: 8 of the 16 missing tasks (a first wave has WavePolicy.FIRST_ROUNDS tasks per core).
        assertEquals(WavePolicy.FIRST_ROUNDS * 2, FakeWorker.CALLS.get());
        assertTrue(Files.isDirectory(out.resolve("_staging")), "staged wave left behind");
        assertEquals(8, store.view(spark, Tables.RUNS).count());

        FakeWorker.CALLS.set(0);
        SweepRunner.Report done = SparkTests.run(spark, out, plan, FakeWorker::run);
        assertEquals(16, done.ran());
        assertEquals(16, FakeWorker.CALLS.get());
        assertExactlyOnce(store, plan);
        try (Stream<Path> s = Files.walk(out)) {
            assertFalse(s.anyMatch(p -> p.toString().contains("_staging" + java.io.File.separator + "w")),
                    "staging cleaned");
        }
        // The dead wave's two moved files were quarantined, not deleted.
        try (Stream<Path> s = Files.walk(out.resolve("_quarantine"))) {
            assertEquals(2, s.filter(p -> p.getFileName().toString().endsWith(".parquet")).count());
        }
        // Every data file in the tables belongs to a committed wave.
        Set<String> committed = store.committedWaves();
        try (Stream<Path> s = dataFiles(out)) {
            s.forEach(p -> assertTrue(committed.contains(ResultStore.waveOf(p.getFileName().toString())),
                    "uncommitted file " + p));
        }
    }

    @Test
    void recoverQuarantinesMovedFilesWithoutMarker(@TempDir Path out) throws Exception {
        SweepPlan plan = FakeWorker.plan("orphans", new int[] {8}, 2, 0.5);
        SparkTests.run(spark, out, plan, FakeWorker::run);
        ResultStore store = new ResultStore(out);
        // A file of a wave that never committed, as a driver killed between move and marker leaves it.
        Path committedFile;
        try (Stream<Path> s = dataFiles(out.resolve(Tables.RUNS))) {
            committedFile = s.findFirst().orElseThrow();
        }
        String orphanName = committedFile.getFileName().toString().replaceFirst("_\\d{4}-", "_9999-");
        Path orphan = committedFile.resolveSibling(orphanName);
        Files.copy(committedFile, orphan);
        assertEquals(2, store.view(spark, Tables.RUNS).count(), "orphan file not visible to readers");
        // Its run committed other waves here, so it provably is an interrupted wave: quarantined.
        ResultStore.Recovery rec = store.recover("orphans");
        assertEquals(1, rec.quarantinedFiles());
        assertFalse(Files.exists(orphan));
        assertTrue(Files.exists(Path.of(store.quarantineDir().toUri().getPath()).resolve(out.relativize(orphan))),
                "moved, not deleted");
        assertTrue(Files.exists(committedFile));
        assertEquals(2, store.view(spark, Tables.RUNS).count());
    }

    @Test
    void emptyStoreGivesEmptyViewsWithTheSchemas(@TempDir Path out) throws Exception {
        ResultStore store = new ResultStore(out);
        store.init();
        for (String table : Tables.ALL) {
            var df = store.view(spark, table);
            assertEquals(0, df.count());
            assertEquals(List.of(Tables.schema(table).fieldNames()), List.of(df.schema().fieldNames()));
        }
    }

    @Test
    void compactionMergesSmallWavesIntoOneFilePerTableWithTheSameRows(@TempDir Path out) throws Exception {
        // 24 tasks on 2 cores: waves of 8 and 16 tasks, i.e. two files per wave table before compaction.
        SweepPlan plan = FakeWorker.plan("compact", new int[] {8, 16, 32}, 8, 0.5);
        SparkTests.run(spark, out, plan, FakeWorker::run);
        ResultStore store = new ResultStore(out);
        String[] cols = {"task_id", "width", "seed", "rate_empirical", "created_at", "seconds_total"};
        List<Row> runs = sorted(store, Tables.RUNS, cols);
        List<Row> traj = sorted(store, Tables.TRAJECTORIES, "task_id", "step", "loss");
        List<Row> spectra = sorted(store, Tables.SPECTRA, "task_id", "matrix", "eigenvalues");
        int wavesBefore = store.committedWaves().size();
        assertEquals(2, store.committedFiles(Tables.RUNS).size());

        assertEquals(2, new Compaction(spark, store, 1).compact("compact"));
        for (String t : Tables.WAVE_TABLES) {
            assertEquals(1, store.committedFiles(t).size(), "files of " + t);
        }
        assertEquals(wavesBefore - 1, store.committedWaves().size(), "two wave markers replaced by one");
        assertEquals(runs, sorted(store, Tables.RUNS, cols));
        assertEquals(traj, sorted(store, Tables.TRAJECTORIES, "task_id", "step", "loss"));
        assertEquals(spectra, sorted(store, Tables.SPECTRA, "task_id", "matrix", "eigenvalues"));
        assertExactlyOnce(store, plan);
        assertEquals(0, new Compaction(spark, store, 1).compact("compact"), "one wave: nothing to merge");
        assertEquals(0, Compaction.finishPending(store), "nothing half done");
        assertEquals(0, dataFiles(out).filter(p -> p.toString().contains("_staging")).count());
    }

    @Test
    void aCompactionKilledAfterItsMarkerIsCompletedByTheNextRun(@TempDir Path out) throws Exception {
        SweepPlan plan = FakeWorker.plan("halfcompact", new int[] {8, 16, 32}, 8, 0.5);
        SparkTests.run(spark, out, plan, FakeWorker::run);
        ResultStore store = new ResultStore(out);
        // Keep copies of the old waves' markers and files, compact, then put them back: the state of a
        // compaction killed right after its record (old and new waves both committed).
        Path saved = Files.createDirectories(out.resolve("saved"));
        List<Path> old = new java.util.ArrayList<>();
        for (String t : Tables.WAVE_TABLES) {
            store.committedFiles(t).forEach(f -> old.add(Path.of(f.toUri().getPath())));
        }
        Set<String> oldWaves = new HashSet<>();
        for (Path f : old) {
            oldWaves.add(ResultStore.waveOf(f.getFileName().toString()));
            Files.copy(f, saved.resolve(f.getParent().getParent().getFileName() + "-" + f.getFileName()));
        }
        for (String w : oldWaves) {
            Files.copy(out.resolve("_commits").resolve(w), saved.resolve("marker-" + w));
        }
        new Compaction(spark, store, 1).compact("halfcompact");
        for (Path f : old) {
            Files.copy(saved.resolve(f.getParent().getParent().getFileName() + "-" + f.getFileName()), f);
        }
        for (String w : oldWaves) {
            Files.copy(saved.resolve("marker-" + w), out.resolve("_commits").resolve(w));
        }
        assertEquals(plan.tasks().size(), new ResultStore(out).view(spark, Tables.RUNS).count(),
                "the replaced waves are invisible while the compaction is half done: no row twice");
        SparkTests.run(spark, out, plan, FakeWorker::run);   // lock, finishPending, recover, nothing to run
        assertExactlyOnce(store, plan);
    }
}
