package org.sweep.driver.run;

import org.sweep.driver.data.DataLoader;
import org.sweep.driver.data.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.store.ResultStore;

import org.sweep.driver.store.Tables;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskResult;

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
}
