package org.sweep.driver.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.driver.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sweep status}: per sweep, tasks stored and planned, ok, diverged, failed. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Per sweep: tasks stored, planned by its last run, ok, diverged, failed;",
                "with a sweep file also what that file plans now."})
final class StatusCommand implements Callable<Integer> {
    private final Main.Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    SetOptions set;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = {"a sweep file: also show, for its sweep, the tasks"
            + " it plans now (file_planned),", "how many of them are stored (file_stored) and how many stored tasks it"
            + " no longer plans (not_in_file)"})
    List<String> extra = new ArrayList<>();

    StatusCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (extra.size() > 1) {
            throw new ParameterException(spec.commandLine(), "status takes at most one sweep file, got " + extra);
        }
        SweepPlan plan = extra.isEmpty() ? null
                : SweepPlanner.plan(Main.sweepFile(extra.get(0)), set.sets, Main.executorMemoryBytes(common));
        ResultStore store = Main.existingStore(common, io.err());
        SparkSession spark = Main.session(Main.forQueries(common), "sweep status");
        store.registerViews(spark);
        if (plan != null) {
            Reports.registerPlan(spark, plan);
        }
        Dataset<Row> df = Reports.status(spark, plan != null);
        TextOutput.table(df.schema(), df.collectAsList().iterator(), io.out());
        return Main.OK;
    }
}
