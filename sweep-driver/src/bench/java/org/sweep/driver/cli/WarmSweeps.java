package org.sweep.driver.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.SweepPlanner;
import org.sweep.driver.run.FileData;
import org.sweep.driver.run.SweepJob;
import org.sweep.driver.run.SweepRunner;
import org.sweep.driver.run.TaskFunction;
import org.sweep.driver.store.ResultStore;

/**
 * Packed against one-task-per-partition execution inside one warm JVM and Spark session: the part of
 * {@code bin/bench-driver --packing} that leaves out what both modes pay alike (JVM start, Spark start,
 * the first compilation of Spark's and the kernels' code). Per sweep file it runs the sweep once in each
 * mode untimed (warm-up), then {@code rounds} times in each mode, alternating which goes first, each run into
 * a fresh output folder that is removed afterwards. The median of an even number of runs is the upper middle
 * one. A timed run is {@link SweepRunner#run}: planning the
 * waves, training, writing and committing every table, compaction. Prints per mode the median wall seconds,
 * the useful GFLOP/s per core (sum of 4 n m d steps_run over the runs table, / wall / cores) and the process
 * CPU load, and the speed-up median(--no-pack) / median(packed). It also prints where the wall time of those
 * median runs went: the tasks' training rate, sum(4 n m d steps_run) / sum(seconds_train) per core, and
 * the share of the cores' wall time spent inside tasks, sum(seconds_total) / (wall x cores); and it writes
 * {@code LABEL-shapes.tsv} into the work folder (per network shape n, d, m of the last packed run: its
 * useful flops and seconds_train; the two modes' training rates in comment lines), which
 * {@code org.sweep.worker.KernelMix} times on the bare kernel, so that the training rate inside runs can be
 * set against the kernel's at the sweep's own shapes.
 *
 * <p>Usage (bin/bench-driver --packing puts the bench jar on the class path):
 * {@code WarmSweeps --work DIR [--master local[2]] [--cores C] [--rounds R] FILE...}
 */
public final class WarmSweeps {
    private WarmSweeps() {
    }

    public static void main(String[] args) throws Exception {
        Path work = null;
        int rounds = 3;
        int cores = 0;
        CommonOptions common = new CommonOptions();
        common.master = "local[2]";
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--work" -> work = Path.of(args[++i]);
                case "--master" -> common.master = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--cores" -> cores = Integer.parseInt(args[++i]);
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new IllegalArgumentException("WarmSweeps: unknown option " + args[i]);
                    }
                    files.add(Path.of(args[i]));
                }
            }
        }
        if (work == null || files.isEmpty() || rounds < 1) {
            throw new IllegalArgumentException(
                    "usage: WarmSweeps --work DIR [--master URL] [--cores C] [--rounds R] FILE...");
        }
        if (cores <= 0) {
            cores = Main.isLocal(common.master) ? localCores(common.master) : 2;
        }
        Files.createDirectories(work);
        PrintStream stdout = System.out;
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        SparkSession spark = Main.session(common, "sweep warm packing benchmark");
        try {
            for (Path file : files) {
                SweepPlan plan = SweepPlanner.plan(file, List.of(), Main.executorMemoryBytes(common));
                String label = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                runOnce(spark, common.master, plan, work.resolve(label + "-warm-pack"), true, quiet, false);
                runOnce(spark, common.master, plan, work.resolve(label + "-warm-nopack"), false, quiet, false);
                String shapes = "";
                List<Run> packed = new ArrayList<>();
                List<Run> single = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    boolean packFirst = r % 2 == 0;
                    for (int k = 0; k < 2; k++) {
                        boolean pack = packFirst == (k == 0);
                        Path out = work.resolve(label + "-" + r + (pack ? "-pack" : "-nopack"));
                        Run run = runOnce(spark, common.master, plan, out, pack, quiet, pack && r == rounds - 1);
                        (pack ? packed : single).add(run);
                        if (!run.shapes.isEmpty()) {
                            shapes = run.shapes;
                        }
                    }
                }
                Run p = median(packed);
                Run s = median(single);
                stdout.printf(Locale.ROOT, "  %s, warm session (%d tasks; median of %d runs per mode after one"
                        + " untimed run of each):%n", label, plan.tasks().size(), rounds);
                stdout.printf(Locale.ROOT, "    packed %.2f s (%s), --no-pack %.2f s (%s): speed-up %.2fx%n",
                        p.seconds, list(packed), s.seconds, list(single), s.seconds / p.seconds);
                stdout.printf(Locale.ROOT, "    useful GFLOP/s per core: packed %.2f, --no-pack %.2f; process CPU load"
                        + " during the runs %.0f%% and %.0f%% of the machine's %d cores%n",
                        p.flops / p.seconds / cores / 1e9, s.flops / s.seconds / cores / 1e9, 100 * p.load,
                        100 * s.load, Runtime.getRuntime().availableProcessors());
                stdout.printf(Locale.ROOT, "    inside tasks: training at %.2f and %.2f GFLOP/s per core (useful /"
                        + " seconds_train); cores inside tasks %.0f%% and %.0f%% of the wall time%n",
                        p.flops / p.train / 1e9, s.flops / s.train / 1e9,
                        100 * p.inTasks / (p.seconds * cores), 100 * s.inTasks / (s.seconds * cores));
                Files.writeString(work.resolve(label + "-shapes.tsv"), "# inrun packed " + p.flops / p.train
                        + "\n# inrun nopack " + s.flops / s.train + "\n" + shapes);
                stdout.flush();
            }
        } finally {
            spark.stop();
        }
    }

    /**
     * One timed run: wall seconds, useful flops, process CPU load, over its runs rows the sums of
     * seconds_train and seconds_total, and its shape lines (empty unless asked for).
     */
    private record Run(double seconds, double flops, double load, double train, double inTasks, String shapes) {
    }

    private static int localCores(String master) {
        String inner = master.equals("local") ? "1" : master.substring("local[".length(), master.length() - 1);
        return inner.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(inner.split(",")[0]);
    }

    private static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Run::seconds));
        return sorted.get(sorted.size() / 2);
    }

    private static String list(List<Run> runs) {
        StringBuilder b = new StringBuilder();
        for (Run r : runs) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", r.seconds));
        }
        return b.toString();
    }

    /**
     * One run of the whole plan into a new folder: wall seconds, useful flops, process CPU load, the rows'
     * training and task seconds; removes it. With {@code withShapes}, also the useful flops and the training
     * seconds per network shape, one line {@code n d m flops seconds_train} each.
     */
    private static Run runOnce(SparkSession spark, String master, SweepPlan plan, Path out, boolean pack,
                               PrintStream quiet, boolean withShapes) throws Exception {
        deleteTree(out);
        ResultStore store = ResultStore.at(out.toString());
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = processCpuNanos(os);
        long t0 = System.nanoTime();
        double seconds;
        long cpu1;
        try (SweepJob job = SweepJob.open(store, plan.name(), quiet)) {
            TaskFunction fn = FileData.taskFunction(spark, plan, TaskFunction.WORKER);
            SweepRunner runner = job.runner(spark, fn, master, false)
                    .withPacking(pack, Math.max(plan.peakBytes(), SweepRunner.DEFAULT_PACK_MEMORY_BYTES));
            SweepRunner.Report report = runner.run(plan);
            seconds = (System.nanoTime() - t0) / 1e9;
            cpu1 = processCpuNanos(os);
            if (report.ran() != plan.tasks().size() || report.failed() > 0) {
                throw new IllegalStateException("a timed run ran " + report.ran() + " of " + plan.tasks().size()
                        + " tasks, " + report.failed() + " failed");
            }
        }
        store.registerViews(spark);
        Row r = spark.sql("SELECT sum(4.0 * n * width * d * steps_run), sum(seconds_train), sum(seconds_total)"
                + " FROM runs").first();
        double flops = ((Number) r.get(0)).doubleValue();
        StringBuilder b = new StringBuilder();
        if (withShapes) {
            b.append("# n d m useful_flops seconds_train\n");
            for (Row s : spark.sql("SELECT n, d, width, sum(4.0 * n * width * d * steps_run), sum(seconds_train)"
                    + " FROM runs GROUP BY n, d, width ORDER BY 4 DESC").collectAsList()) {
                b.append(s.getInt(0)).append(' ').append(s.getInt(1)).append(' ').append(s.getInt(2)).append(' ')
                        .append(((Number) s.get(3)).doubleValue()).append(' ').append(s.getDouble(4)).append('\n');
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        deleteTree(out);
        return new Run(seconds, flops, (cpu1 - cpu0) / 1e9 / seconds / cores, r.getDouble(1), r.getDouble(2),
                b.toString());
    }

    private static long processCpuNanos(OperatingSystemMXBean os) {
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0L;
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
