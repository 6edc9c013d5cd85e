package org.sweep.driver.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sweep status}: per sweep, tasks stored and planned, ok, diverged, failed. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Per sweep: tasks stored / planned, ok, diverged, failed.")
final class StatusCommand implements Callable<Integer> {
    private final Main.Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(arity = "0..*", hidden = true)
    List<String> extra = new ArrayList<>();

    StatusCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (!extra.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "status takes no arguments, got " + extra);
        }
        ResultStore store = Main.existingStore(common, io.err());
        SparkSession spark = Main.session(common, "sweep status");
        store.registerViews(spark);
        Dataset<Row> df = Reports.status(spark);
        TextOutput.table(df.schema(), df.collectAsList().iterator(), io.out());
        return Main.OK;
    }
}
