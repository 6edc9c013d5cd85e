package org.sweep.driver.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.driver.run.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sweep plan FILE}: validates a sweep file and prints its size, estimated work and peak task memory. */
@Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Validate a sweep file; print its task count, estimated work and peak task memory."
                + " Runs nothing.")
final class PlanCommand implements Callable<Integer> {
    private final Main.Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    SetOptions set;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "the sweep file (YAML)")
    List<String> files = new ArrayList<>();

    PlanCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        Path file = Main.sweepFile(RunCommand.oneFile(spec, files));
        SweepPlan plan = SweepPlanner.plan(file, set.sets, Main.executorMemoryBytes(common));
        PrintStream out = io.out();
        int cores = Runtime.getRuntime().availableProcessors();
        double flops = plan.totalFlops();
        double coreSeconds = flops / (Main.ASSUMED_GFLOPS_PER_CORE * 1e9);
        out.printf(Locale.ROOT, "sweep %s (%s): %d tasks%n", plan.name(), file, plan.tasks().size());
        out.printf(Locale.ROOT, "  estimated work: %.3g GFLOP = %s of one core at an assumed %.0f GFLOP/s;"
                + " about %s on %d cores (local[*])%n", flops / 1e9, Progress.clock(coreSeconds),
                Main.ASSUMED_GFLOPS_PER_CORE, Progress.clock(coreSeconds / cores), cores);
        out.printf(Locale.ROOT, "  peak task memory: %s (memory per executor: %s)%n", Main.bytes(plan.peakBytes()),
                Main.bytes(Main.executorMemoryBytes(common)));
        out.println("  nothing was run; start it with: bin/sweep run " + file
                + set.sets.stream().map(s -> " --set " + s).reduce("", String::concat));
        return Main.OK;
    }
}
