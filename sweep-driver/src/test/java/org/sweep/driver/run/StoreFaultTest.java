package org.sweep.driver.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.cli.Reports;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.TableCheck;
import org.sweep.driver.store.Tables;

/**
 * File faults in an output directory: a second writer that bypasses the lock, a lost {@code _commits}
 * folder, an interrupted wave, deleted or swapped committed part files. After each, the tables must
 * hold exactly the rows of an uninterrupted run (timing and provenance columns aside), every task_id
 * once, and nothing the store could not place may have been deleted.
 */
public class StoreFaultTest {
    private static SparkSession spark;
    /** 24 tasks on local[2]: a first wave of 8 tasks, a second of 16. */
    private static final SweepPlan PLAN = FakeWorker.plan("faults", new int[] {8, 16, 32, 64}, 6, 0.5);
    /** Columns that differ between two runs of the same task (time, place, code). */
    private static final List<String> VARYING = List.of("seconds_train", "seconds_spectra", "seconds_total", "gflops",
            "executor", "attempt", "code_version", "java_version", "os_arch", "created_at");
    private static Map<String, List<String>> reference;

    @BeforeAll
    static void start(@TempDir Path ref) throws Exception {
        spark = SparkTests.start("local[2]");
        SparkTests.run(spark, ref, PLAN, FakeWorker::run);
        reference = content(new ResultStore(ref));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Per wave table: its rows (without the varying columns) as sorted text. */
    static Map<String, List<String>> content(ResultStore store) {
        Map<String, List<String>> c = new TreeMap<>();
        for (String table : Tables.WAVE_TABLES) {
            String[] cols = Arrays.stream(Tables.schema(table).fieldNames()).filter(n -> !VARYING.contains(n))
                    .toArray(String[]::new);
            List<String> rows = new ArrayList<>();
            for (Row r : store.view(spark, table).selectExpr(cols).collectAsList()) {
                rows.add(r.toString());
            }
            rows.sort(null);
            c.put(table, rows);
        }
        return c;
    }

    /** Every planned task_id exactly once, and every table equal to the uninterrupted reference run. */
    static void assertExact(Path out) {
        ResultStore store = new ResultStore(out);
        List<String> ids = store.view(spark, Tables.RUNS).select("task_id").collectAsList().stream()
                .map(r -> r.getString(0)).sorted().toList();
        List<String> expected = PLAN.tasks().stream().map(PlannedTask::taskId).sorted().toList();
        assertEquals(expected, ids, "every task_id exactly once");
        assertEquals(reference, content(store), "rows as in an uninterrupted run");
    }

    static List<Path> files(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The committed part files of a table, by wave order (the first wave's first). */
    static List<Path> parts(Path out, String table) throws Exception {
        return files(out.resolve(table)).stream().filter(p -> ResultStore.waveOf(p.getFileName().toString()) != null)
                .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
    }

    @Test
    void aSecondWriterWithoutTheLockCannotStoreATaskTwice(@TempDir Path out) throws Exception {
        // While this run has staged its first wave, another writer (no lock, no recovery: as if the
        // lock had been broken) runs and commits the whole sweep.
        boolean[] once = {false};
        SweepRunner.CommitHook intruder = (stage, wave) -> {
            if (stage.equals("staged") && !once[0]) {
                once[0] = true;
                try {
                    ResultStore other = new ResultStore(out);
                    new SweepRunner(spark, other, FakeWorker::run, "local[2]", SparkTests.QUIET, false).run(PLAN);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SparkTests.run(spark, out, PLAN, FakeWorker::run, intruder));
        assertTrue(e.getMessage().contains("already stored"), e.getMessage());
        assertExact(out);
        // A later run finds everything stored and changes nothing.
        FakeWorker.CALLS.set(0);
        assertEquals(0, SparkTests.run(spark, out, PLAN, FakeWorker::run).ran());
        assertEquals(0, FakeWorker.CALLS.get());
        assertExact(out);
    }

    @Test
    void lostCommitRecordsRefuseTheRunAndChangeNothing(@TempDir Path out) throws Exception {
        SparkTests.run(spark, out, PLAN, FakeWorker::run);
        ResultStore.deleteTree(out.resolve("_commits"));
        List<Path> before = files(out);
        SweepJob.RefusedException e = assertThrows(SweepJob.RefusedException.class,
                () -> SparkTests.run(spark, out, PLAN, FakeWorker::run));
        assertTrue(e.getMessage().contains("no commit record accounts for"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        List<Path> after = files(out);
        after = after.stream().filter(p -> !p.getFileName().toString().equals("_lock")).toList();
        assertEquals(before, after, "no file deleted or moved");
        assertFalse(Files.exists(out.resolve("_quarantine")));
    }

    @Test
    void anInterruptedWaveIsQuarantinedAndItsTasksRunOnce(@TempDir Path out) throws Exception {
        int[] waves = {0};
        SweepRunner.CommitHook dieInSecondWave = (stage, wave) -> {
            if (stage.equals("staged")) {
                waves[0]++;
            }
            if (waves[0] == 2 && stage.equals("moved:" + Tables.TRAJECTORIES)) {
                throw new IllegalStateException("simulated driver death");
            }
        };
        assertThrows(IllegalStateException.class, () -> SparkTests.run(spark, out, PLAN, FakeWorker::run,
                dieInSecondWave));
        List<Path> moved = new ArrayList<>(parts(out, Tables.RUNS));
        moved.addAll(parts(out, Tables.TRAJECTORIES));
        FakeWorker.CALLS.set(0);
        SweepRunner.Report r = SparkTests.run(spark, out, PLAN, FakeWorker::run);
        assertEquals(16, r.ran());
        assertEquals(16, FakeWorker.CALLS.get(), "the 16 tasks of the interrupted wave, once each");
        assertExact(out);
        // The interrupted wave's runs and trajectories files are in the quarantine, not deleted.
        List<Path> quarantined = files(out.resolve("_quarantine")).stream()
                .filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
        assertEquals(2, quarantined.size(), "quarantined " + quarantined);
        for (Path q : quarantined) {
            String wave = ResultStore.waveOf(q.getFileName().toString());
            assertTrue(moved.stream().anyMatch(p -> p.getFileName().toString().equals(q.getFileName().toString())),
                    "quarantined file was one of the moved ones: " + q);
            assertFalse(new ResultStore(out).committedWaves().contains(wave));
        }
    }

    @Test
    void aDeletedRunsFileIsDetectedAndExactlyItsTasksRunAgain(@TempDir Path out) throws Exception {
        SparkTests.run(spark, out, PLAN, FakeWorker::run);
        List<Path> runs = parts(out, Tables.RUNS);
        assertEquals(2, runs.size());
        Files.delete(runs.get(1)); // the second wave's 16 tasks
        ResultStore store = new ResultStore(out);
        List<ResultStore.Damage> damage = TableCheck.check(store);
        assertEquals(1, damage.size(), damage.toString());
        assertEquals(ResultStore.waveOf(runs.get(1).getFileName().toString()), damage.get(0).wave());
        assertTrue(damage.get(0).problem().contains("missing"), damage.get(0).problem());
        // Readers leave the whole wave out: no trajectories without their runs row.
        assertEquals(8, store.view(spark, Tables.RUNS).count());
        assertEquals(8L * 4, store.view(spark, Tables.TRAJECTORIES).count());

        FakeWorker.CALLS.set(0);
        SweepRunner.Report r = SparkTests.run(spark, out, PLAN, FakeWorker::run);
        assertEquals(16, r.ran());
        assertEquals(16, FakeWorker.CALLS.get(), "exactly the damaged wave's tasks");
        assertExact(out);
        assertEquals(List.of(), TableCheck.check(new ResultStore(out)));
    }

    @Test
    void aDeletedTrajectoriesFileIsReportedAsDamageNotComplete(@TempDir Path out) throws Exception {
        SparkTests.run(spark, out, PLAN, FakeWorker::run);
        List<Path> traj = parts(out, Tables.TRAJECTORIES);
        Files.delete(traj.get(0)); // the first wave's 8 tasks
        ResultStore store = new ResultStore(out);
        List<ResultStore.Damage> damage = TableCheck.check(store);
        assertEquals(1, damage.size(), damage.toString());
        assertTrue(damage.get(0).line().contains("trajectories/sweep=faults/"), damage.get(0).line());
        store.registerViews(spark);
        Row status = Reports.status(spark, false).first();
        assertEquals(16, status.getLong(status.fieldIndex("stored")), "status counts only intact waves");
        assertEquals(24, status.getInt(status.fieldIndex("last_planned")));

        FakeWorker.CALLS.set(0);
        assertEquals(8, SparkTests.run(spark, out, PLAN, FakeWorker::run).ran());
        assertEquals(8, FakeWorker.CALLS.get());
        assertExact(out);
    }

    /**
     * The same protocol through the Hadoop FileSystem API ({@code file://} URI): an interrupted wave,
     * a deleted committed file and lost commit records; the files are the same as a plain path's.
     */
    @Test
    void throughTheHadoopFileSystemApiFaultsAreRecoveredAlike(@TempDir Path out) throws Exception {
        String uri = out.toUri().toString();
        assertTrue(uri.startsWith("file:"), uri);
        int[] waves = {0};
        SweepRunner.CommitHook dieInSecondWave = (stage, wave) -> {
            if (stage.equals("staged")) {
                waves[0]++;
            }
            if (waves[0] == 2 && stage.equals("moved:" + Tables.RUNS)) {
                throw new IllegalStateException("simulated driver death");
            }
        };
        assertThrows(IllegalStateException.class, () -> SparkTests.run(spark, ResultStore.at(uri), PLAN,
                FakeWorker::run, dieInSecondWave));
        FakeWorker.CALLS.set(0);
        assertEquals(16, SparkTests.run(spark, ResultStore.at(uri), PLAN, FakeWorker::run,
                SweepRunner.CommitHook.NONE).ran());
        assertEquals(16, FakeWorker.CALLS.get());
        assertExact(out);
        assertEquals(1, files(out.resolve("_quarantine")).stream()
                .filter(p -> p.getFileName().toString().endsWith(".parquet")).count(), "the moved runs file");

        List<Path> runs = parts(out, Tables.RUNS);
        Files.delete(runs.get(0));
        assertEquals(1, TableCheck.check(ResultStore.at(uri)).size());
        FakeWorker.CALLS.set(0);
        assertEquals(8, SparkTests.run(spark, ResultStore.at(uri), PLAN, FakeWorker::run,
                SweepRunner.CommitHook.NONE).ran());
        assertEquals(8, FakeWorker.CALLS.get());
        assertExact(out);

        ResultStore.deleteTree(out.resolve("_commits"));
        List<Path> before = files(out);
        assertThrows(SweepJob.RefusedException.class, () -> SparkTests.run(spark, ResultStore.at(uri), PLAN,
                FakeWorker::run, SweepRunner.CommitHook.NONE));
        assertEquals(before, files(out).stream().filter(p -> !p.getFileName().toString().equals("_lock")).toList());
    }

    @Test
    void aFileWithOtherRowCountsThanItsRecordIsDamage(@TempDir Path out) throws Exception {
        SparkTests.run(spark, out, PLAN, FakeWorker::run);
        List<Path> spectra = parts(out, Tables.SPECTRA);
        // The second wave's spectra file (48 rows) put in place of the first wave's (24 rows).
        Files.copy(spectra.get(1), spectra.get(0), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ResultStore store = new ResultStore(out);
        List<ResultStore.Damage> damage = TableCheck.check(store);
        assertEquals(1, damage.size(), damage.toString());
        assertTrue(damage.get(0).problem().contains("spectra holds 48 rows of it, its commit record says 24"),
                damage.get(0).problem());
        assertEquals(16, store.view(spark, Tables.RUNS).count());

        FakeWorker.CALLS.set(0);
        assertEquals(8, SparkTests.run(spark, out, PLAN, FakeWorker::run).ran());
        assertEquals(8, FakeWorker.CALLS.get());
        assertExact(out);
    }
}
