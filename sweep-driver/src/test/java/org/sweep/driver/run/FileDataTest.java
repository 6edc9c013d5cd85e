package org.sweep.driver.run;

import org.sweep.driver.data.DataLoader;
import org.sweep.driver.data.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.store.ResultStore;

import org.sweep.driver.store.Tables;
import org.sweep.driver.data.DataException;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.TaskIds;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * A sweep on a CSV file run through Spark (rows loaded once on the driver and broadcast) stores the
 * same results as the worker run directly on the loaded rows: the same spec gives bit-identical results.
 */
class FileDataTest {
    @TempDir
    Path dir;

    @Test
    void broadcastRowsGiveTheSameResultsAsADirectRun() throws Exception {
        StringBuilder csv = new StringBuilder("a,b,c,cls\n");
        for (int i = 0; i < 40; i++) {
            csv.append(Math.sin(i + 1)).append(',').append(Math.cos(3 * i)).append(',').append(1 + i % 5)
                    .append(',').append(i % 3 == 0 ? "x" : "o").append('\n');
        }
        Path file = dir.resolve("pts.csv");
        Files.writeString(file, csv);
        String yaml = String.join("\n", "name: filedata",
                "grid: {labels: [true, permuted], n: [12, 20]}",
                "data: {kind: csv, path: '" + file + "', label_column: cls, classes: [x, o], seed: 4}",
                "network: {width: 16}",
                "train: {steps: 50, eta_mode: stability, eta: 0.5, checkpoints: 5, spectrum_checkpoints: 2}", "");
        SweepPlan plan = SweepPlanner.plan("filedata.yaml", yaml, List.of(), Long.MAX_VALUE);
        assertEquals(4, plan.tasks().size());

        Map<String, String> settings = SparkSessions.settings("local[2]", false, null, Map.of());
        settings.put("spark.sql.shuffle.partitions", "2");
        SparkSession spark = SparkSessions.start(settings);
        try {
            ResultStore store = new ResultStore(dir.resolve("out"));
            store.init();
            TaskFunction fn = FileData.taskFunction(spark, plan, TaskFunction.WORKER);
            new SweepRunner(spark, store, fn, "local[2]", new PrintStream(new ByteArrayOutputStream()), false).run(plan);
            Map<String, Row> stored = new HashMap<>();
            for (Row r : store.view(spark, Tables.RUNS).collectAsList()) {
                stored.put(r.getAs("task_id"), r);
            }
            assertEquals(4, stored.size());
            for (PlannedTask t : plan.tasks()) {
                // n = 20 rows loaded once; n = 12 is their prefix
                TaskResult direct = SweepWorker.run(t.spec(), DataLoader.load(DataSource.parse(t.spec().dataset()), 4, 20));
                Row r = stored.get(t.taskId());
                assertEquals("ok", r.getAs("status"), String.valueOf((Object) r.getAs("message")));
                assertEquals(direct.summary().lossFinal(), (Double) r.getAs("loss_final"), 0.0, "bit-identical loss");
                assertEquals(direct.summary().yHinvY(), (Double) r.getAs("y_hinv_y"), 0.0);
                assertEquals("csv", r.getAs("data_kind"));
            }
        } finally {
            spark.stop();
        }
    }

    /** A CSV of 30 two-class rows; {@code shift} changes every feature value (same row count, same classes). */
    private static String points(double shift) {
        StringBuilder csv = new StringBuilder("a,b,c,cls\n");
        for (int i = 0; i < 30; i++) {
            csv.append(Math.sin(i + 1 + shift)).append(',').append(Math.cos(3 * i - shift)).append(',')
                    .append(1 + i % 5).append(',').append(i % 3 == 0 ? "x" : "o").append('\n');
        }
        return csv.toString();
    }

    /** SHA-256 of a file's bytes in one call, as a reference independent of the streaming fingerprint. */
    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static Map<String, Row> runsById(SparkSession spark, ResultStore store) {
        Map<String, Row> byId = new HashMap<>();
        for (Row r : store.view(spark, Tables.RUNS).collectAsList()) {
            byId.put(r.getAs("task_id"), r);
        }
        return byId;
    }

    /** The plan as it was planned before fingerprints existed: the identifier without sha256, ids from it. */
    private static SweepPlan withoutFingerprints(SweepPlan plan) {
        List<PlannedTask> tasks = new ArrayList<>();
        for (PlannedTask t : plan.tasks()) {
            TaskSpec s = t.spec();
            TaskSpec old = new TaskSpec(s.width(), s.n(), s.d(), s.dataKind(),
                    DataSource.parse(s.dataset()).withSha256(null).id(), s.dataSeed(), s.labels(), s.kappa(), s.seed(),
                    s.eta(), s.etaMode(), s.steps(), s.targetLossRatio(), s.checkpoints(), s.spectrumCheckpoints(),
                    s.loss(), s.activation(), s.batchSize(), s.trainLayers());
            tasks.add(new PlannedTask(TaskIds.taskId(old), old, t.estimatedBytes(), t.estimatedFlops()));
        }
        return new SweepPlan(plan.name(), plan.source(), plan.configText(), plan.overrides(), tasks);
    }

    /**
     * Editing a CSV at the same path makes a rerun train the new rows under new task ids, beside the old
     * rows (told apart by data_fingerprint, the SHA-256 of the bytes each was trained on); a plan made
     * before the edit refuses to load the edited file; rows stored before fingerprints existed keep their
     * ids and a null data_fingerprint, and their tasks run once more. The relative path is resolved
     * against the sweep file's folder, not the working directory.
     */
    @Test
    void anEditedFileRunsAgainUnderNewIdsAndOldRowsStayApart() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path file = data.resolve("pts.csv");
        Files.writeString(file, points(0));
        String fp1 = sha256(file);
        Path sweepFile = data.resolve("edit.yaml");
        Files.writeString(sweepFile, String.join("\n", "name: edit",
                "grid: {labels: [true, permuted]}",
                "data: {kind: csv, path: pts.csv, label_column: cls, classes: [x, o], seed: 4, n: 12}",
                "network: {width: 16}",
                "train: {steps: 30, eta_mode: stability, eta: 0.5, checkpoints: 5, spectrum_checkpoints: 2}", ""));
        SweepPlan first = SweepPlanner.plan(sweepFile, List.of(), Long.MAX_VALUE);
        assertEquals(2, first.tasks().size());
        for (PlannedTask t : first.tasks()) {
            DataSource src = DataSource.parse(t.spec().dataset());
            assertEquals(file.toAbsolutePath().toString(), src.path(), "resolved against the sweep file's folder");
            assertEquals(fp1, src.sha256());
        }
        SweepPlan legacy = withoutFingerprints(first);

        Path out = dir.resolve("out");
        SparkSession spark = SparkTests.start("local[2]");
        try {
            ResultStore store = new ResultStore(out);
            // rows as stored before fingerprints existed: dataset without sha256, other ids
            assertEquals(2, SparkTests.run(spark, out, legacy, FileData.taskFunction(spark, legacy, TaskFunction.WORKER))
                    .ran());
            // the fingerprinted plan of the same bytes does not count them as stored: it runs once more
            assertEquals(2, SparkTests.run(spark, out, first, FileData.taskFunction(spark, first, TaskFunction.WORKER))
                    .ran());
            Map<String, Row> stored = runsById(spark, store);
            assertEquals(4, stored.size());
            for (PlannedTask t : legacy.tasks()) {
                assertNull(stored.get(t.taskId()).getAs("data_fingerprint"), "legacy rows have no fingerprint");
            }
            for (int k = 0; k < first.tasks().size(); k++) {
                Row r = stored.get(first.tasks().get(k).taskId());
                assertEquals(fp1, r.getAs("data_fingerprint"));
                // same bytes, same spec otherwise: the legacy row and the new row hold the same values
                Row old = stored.get(legacy.tasks().get(k).taskId());
                assertEquals((Double) old.getAs("loss_final"), (Double) r.getAs("loss_final"), 0.0);
            }

            // the file is edited in place: same path, same rows and classes, other values
            Files.writeString(file, points(0.25));
            String fp2 = sha256(file);
            assertNotEquals(fp1, fp2);
            DataException stale = assertThrows(DataException.class,
                    () -> FileData.taskFunction(spark, first, TaskFunction.WORKER));
            assertTrue(stale.getMessage().startsWith(file.toAbsolutePath() + ": content changed since the sweep was planned"),
                    stale.getMessage());

            SweepPlan second = SweepPlanner.plan(sweepFile, List.of(), Long.MAX_VALUE);
            Set<String> firstIds = first.tasks().stream().map(PlannedTask::taskId).collect(Collectors.toSet());
            for (PlannedTask t : second.tasks()) {
                assertTrue(!firstIds.contains(t.taskId()), "an edited file gives new task ids");
            }
            assertEquals(2, SparkTests.run(spark, out, second,
                    FileData.taskFunction(spark, second, TaskFunction.WORKER)).ran(), "every task runs on the new data");
            stored = runsById(spark, store);
            assertEquals(6, stored.size(), "old rows are kept beside the new ones");
            Set<Object> fingerprints = new HashSet<>();
            stored.values().forEach(r -> fingerprints.add(r.getAs("data_fingerprint")));
            assertEquals(new HashSet<>(java.util.Arrays.asList(null, fp1, fp2)), fingerprints);
            for (int k = 0; k < second.tasks().size(); k++) {
                PlannedTask t = second.tasks().get(k);
                Row r = stored.get(t.taskId());
                assertEquals(fp2, r.getAs("data_fingerprint"));
                TaskResult direct = SweepWorker.run(t.spec(), DataLoader.load(DataSource.parse(t.spec().dataset()), 4, 12));
                assertEquals(direct.summary().lossFinal(), (Double) r.getAs("loss_final"), 0.0, "trained on the new rows");
                Row before = stored.get(first.tasks().get(k).taskId());
                assertNotEquals((Double) before.getAs("loss_final"), (Double) r.getAs("loss_final"),
                        "the edited rows train differently");
            }
            // running the edited plan again stores nothing twice
            assertEquals(0, SparkTests.run(spark, out, second,
                    FileData.taskFunction(spark, second, TaskFunction.WORKER)).ran());
        } finally {
            spark.stop();
        }
    }
}
