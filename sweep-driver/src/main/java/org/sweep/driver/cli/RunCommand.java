package org.sweep.driver.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sweep run FILE}: runs the tasks of a sweep file that are not stored yet. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Run the tasks of a sweep file that are not stored yet.",
                "Ctrl-C loses at most the wave in flight; run again to resume."})
final class RunCommand implements Callable<Integer> {
    private final Main.Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    SetOptions set;

    @Option(names = "--no-pack", negatable = false,
            description = "one task per Spark partition instead of packs of tasks that share their data"
                    + " (same rows, bit for bit)")
    boolean noPack;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "the sweep file (YAML), e.g. conf/quickstart.yaml")
    List<String> files = new ArrayList<>();

    RunCommand(Main.Io io) {
        this.io = io;
    }

    /** The one sweep file of run and plan; a usage error otherwise. */
    static String oneFile(CommandSpec spec, List<String> files) {
        if (files.size() != 1) {
            throw new ParameterException(spec.commandLine(), spec.name() + " expects exactly one sweep file, got "
                    + files.size() + " arguments" + (files.isEmpty() ? "" : ": " + files));
        }
        return files.get(0);
    }

    /**
     * One line when dev.ludovic.netlib found no native BLAS/LAPACK (OpenBLAS) and the tasks of a local
     * master will use its pure-Java fallback: slower, and its rows differ in the last bits from rows
     * computed with OpenBLAS (the columns blas and lapack record which was used).
     */
    static void blasNotice(java.io.PrintStream err) {
        boolean nativeBlas = dev.ludovic.netlib.blas.BLAS.getInstance() instanceof dev.ludovic.netlib.blas.NativeBLAS;
        boolean nativeLapack = dev.ludovic.netlib.lapack.LAPACK.getInstance()
                instanceof dev.ludovic.netlib.lapack.NativeLAPACK;
        if (!nativeBlas || !nativeLapack) {
            err.println("sweep: note: no native " + (nativeBlas ? "LAPACK" : nativeLapack ? "BLAS" : "BLAS/LAPACK")
                    + " (OpenBLAS) found; using the pure-Java fallback, which is slower (Debian: apt-get install"
                    + " libopenblas0)");
        }
    }

    /**
     * With --set, one line saying how the overrides changed the task set against the file alone
     * (stored rows of the file's own tasks stay; a changed setting is a new task with its own id).
     */
    private void echoTaskSetChange(Path file, SweepPlan plan) {
        if (set.sets.isEmpty()) {
            return;
        }
        java.util.Set<String> base;
        try {
            base = new java.util.HashSet<>(SweepPlanner.plan(file, List.of(), Main.executorMemoryBytes(common)).tasks()
                    .stream().map(t -> t.taskId()).toList());
        } catch (Exception e) {
            return;
        }
        long kept = plan.tasks().stream().filter(t -> base.contains(t.taskId())).count();
        if (kept == base.size() && kept == plan.tasks().size()) {
            io.err().println("sweep: --set " + String.join(" --set ", set.sets) + " leaves the file's task set as it is");
        } else {
            io.err().println("sweep: --set " + String.join(" --set ", set.sets) + " changes the task set: "
                    + plan.tasks().size() + " tasks instead of the file's " + base.size() + " (" + kept
                    + " in common); the summary covers these " + plan.tasks().size());
        }
    }

    @Override
    public Integer call() throws Exception {
        Path file = Main.sweepFile(oneFile(spec, files));
        SweepPlan plan = SweepPlanner.plan(file, set.sets, Main.executorMemoryBytes(common));
        Main.checkMaster(common);
        ResultStore store = ResultStore.at(common.out);
        try {
            store.init();
        } catch (IOException e) {
            throw new Main.UsageException(e.getMessage());
        }
        // No shutdown hook releases the lock: on Ctrl-C or kill the main thread may still be moving a
        // wave's files while hooks run, so the lock stays until the process is gone and the next run
        // takes it over as stale (its pid is dead), then recovers under it.
        try (SweepJob job = open(store, plan.name())) {
            // Everything that can reject the input has run (bad input stays a single line); the
            // user sees that it began before the seconds of Spark's start.
            io.err().println("sweep: planned " + plan.name() + " from " + file + ": " + plan.tasks().size()
                    + " tasks; starting Spark (" + common.master + ") ...");
            Timing.mark(io.err(), "first line of run printed");
            echoTaskSetChange(file, plan);
            io.err().flush();
            if (Main.isLocal(common.master)) {
                blasNotice(io.err());
            }
            SparkSession spark = Main.session(common, "sweep run " + plan.name());
            TaskFunction fn = FileData.taskFunction(spark, plan, TaskFunction.WORKER);
            SweepRunner runner = job.runner(spark, fn, common.master, Progress.stderrIsTerminal())
                    .withPacking(!noPack, Math.max(plan.peakBytes(), SweepRunner.DEFAULT_PACK_MEMORY_BYTES));
            org.sweep.driver.run.Interruption stop = org.sweep.driver.run.Interruption.install(runner::storedTasks,
                    io.err());
            SweepRunner.Report report = runner.run(plan);
            stop.finish();
            store.registerViews(spark);
            Reports.printSummary(spark, report, store, plan, io.out());
            return Main.OK;
        }
    }

    /** Lock, recovery, check and repair (SweepJob); a refused directory is a usage error (exit 2). */
    private SweepJob open(ResultStore store, String sweep) throws Exception {
        try {
            return SweepJob.open(store, sweep, io.err());
        } catch (SweepJob.RefusedException e) {
            throw new Main.UsageException(e.getMessage());
        }
    }
}
