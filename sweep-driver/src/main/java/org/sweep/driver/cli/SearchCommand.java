package org.sweep.driver.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.analysis.Search;
import org.sweep.driver.analysis.ThresholdOptions;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.driver.run.FileData;
import org.sweep.driver.run.Progress;
import org.sweep.driver.run.SweepJob;
import org.sweep.driver.run.SweepRunner;
import org.sweep.driver.run.TaskFunction;
import org.sweep.driver.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sweep search FILE}: runs the sweep file's grid, then refines widths and seeds around each
 * group's width threshold ({@link Search}); every added task runs through the same runner as
 * {@code sweep run}, under the same output lock.
 */
@Command(name = "search", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Adaptive width-threshold search: run the file's grid, then add geometric-midpoint widths and",
                "seeds inside each group's m* interval until every interval is within a factor 2 (or --rounds).",
                "Added runs are ordinary tasks of the sweep (stored once, resumable); writes the thresholds and",
                "exponents tables of 'analyze threshold' and prints the cost against the fixed grid."})
final class SearchCommand implements Callable<Integer> {
    private final Main.Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    SetOptions set;

    @Mixin
    AnalyzeCommand.EstimatorOptions estimator;

    @Option(names = "--rounds", paramLabel = "R", description = "most refinement rounds (default: ${DEFAULT-VALUE})")
    int rounds = Search.DEFAULT_ROUNDS;

    @Option(names = "--no-pack", negatable = false, description = "one task per Spark partition (as for run)")
    boolean noPack;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "the sweep file (YAML)")
    List<String> files = new ArrayList<>();

    SearchCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        Path file = Main.sweepFile(RunCommand.oneFile(spec, files));
        long memory = Main.executorMemoryBytes(common);
        SweepPlan coarse = SweepPlanner.plan(file, set.sets, memory);
        ThresholdOptions analysis = estimator.options(coarse.name());
        Search.Options o;
        try {
            o = new Search.Options(file, set.sets, analysis, rounds, memory);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        Main.checkMaster(common);
        ResultStore store = ResultStore.at(common.out);
        if (!store.isLocal()) {
            throw new Main.UsageException("--out " + common.out + ": search writes its analysis tables to a local"
                    + " directory only");
        }
        try {
            store.init();
        } catch (IOException e) {
            throw new Main.UsageException(e.getMessage());
        }
        SweepJob opened;
        try {
            opened = SweepJob.open(store, coarse.name(), io.err());
        } catch (SweepJob.RefusedException e) {
            throw new Main.UsageException(e.getMessage());
        }
        try (SweepJob job = opened) {
            SparkSession spark = Main.session(common, "sweep search " + coarse.name());
            Search.PlanRunner runner = plan -> {
                TaskFunction fn = FileData.taskFunction(spark, plan, TaskFunction.WORKER);
                return job.runner(spark, fn, common.master, Progress.stderrIsTerminal())
                        .withPacking(!noPack, Math.max(plan.peakBytes(), SweepRunner.DEFAULT_PACK_MEMORY_BYTES))
                        .run(plan);
            };
            Search.Outcome outcome;
            try {
                outcome = Search.search(spark, store.out(), o, runner, io.err());
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            Search.print(outcome, io.out());
            return Main.OK;
        }
    }
}
