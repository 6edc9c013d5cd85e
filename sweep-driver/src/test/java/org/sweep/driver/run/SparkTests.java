package org.sweep.driver.run;

import org.sweep.driver.cli.Main;
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

    /** Takes the lock, recovers, checks, repairs, runs the plan with {@code fn}: what {@code bin/sweep run} does. */
    public static SweepRunner.Report run(SparkSession spark, Path out, SweepPlan plan, TaskFunction fn,
                                  SweepRunner.CommitHook hook) throws Exception {
        return run(spark, new ResultStore(out), plan, fn, hook);
    }

    /** The same on any store (e.g. one opened by URI through the Hadoop file system API). */
    public static SweepRunner.Report run(SparkSession spark, ResultStore store, SweepPlan plan, TaskFunction fn,
                                  SweepRunner.CommitHook hook) throws Exception {
        try (SweepJob job = SweepJob.open(store, plan.name(), QUIET)) {
            return job.run(spark, plan, fn, spark.sparkContext().master(), false, hook);
        }
    }

    public static SweepRunner.Report run(SparkSession spark, Path out, SweepPlan plan, TaskFunction fn) throws Exception {
        return run(spark, out, plan, fn, SweepRunner.CommitHook.NONE);
    }

    static void ignore(IOException e) {
    }
}
