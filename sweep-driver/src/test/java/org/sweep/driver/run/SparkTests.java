package org.sweep.driver.run;

import org.sweep.driver.cli.Main;
import org.sweep.driver.store.OutputLock;
import org.sweep.driver.store.Compaction;
import org.sweep.driver.store.ResultStore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.plan.SweepPlan;

/** Shared helpers of the Spark tests: one session per test class, runs with a lock and recovery like Main. */
public final class SparkTests {
    private SparkTests() {
    }

    public static SparkSession start(String master) {
        Map<String, String> settings = SparkSessions.settings(master, false, null, Map.of());
        // Small test sweeps: no need for 200 shuffle partitions.
        settings.put("spark.sql.shuffle.partitions", "2");
        return SparkSessions.start(settings);
    }

    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    /** Takes the lock, recovers, runs the plan with {@code fn}: what {@code bin/sweep run} does. */
    public static SweepRunner.Report run(SparkSession spark, Path out, SweepPlan plan, TaskFunction fn,
                                  SweepRunner.CommitHook hook) throws Exception {
        ResultStore store = new ResultStore(out);
        store.init();
        try (OutputLock lock = OutputLock.acquire(store.out())) {
            Compaction.finishPending(store);
            store.recover();
            return new SweepRunner(spark, store, fn, spark.sparkContext().master(), QUIET, false).withHook(hook)
                    .run(plan);
        }
    }

    public static SweepRunner.Report run(SparkSession spark, Path out, SweepPlan plan, TaskFunction fn) throws Exception {
        return run(spark, out, plan, fn, SweepRunner.CommitHook.NONE);
    }

    static void ignore(IOException e) {
    }
}
