package org.sweep.driver.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.Tables;

/**
 * The analyses behind {@code sweep analyze ...} (the command line is parsed in the cli package):
 * {@code threshold} turns a sweep's runs into the thresholds and exponents tables;
 * {@code calibrate} checks the estimator on simulated data with a known answer.
 */
public final class Analyze {
    private Analyze() {
    }

    /**
     * {@code analyze threshold}: analyses the runs of {@code o.sweep()} under {@code out}, writes the
     * tables and prints the report.
     *
     * @throws IllegalArgumentException for input that cannot be analysed (no such sweep, missing columns)
     */
    public static ThresholdAnalysis.Result threshold(SparkSession spark, Path out, ThresholdOptions o, PrintStream print)
            throws IOException {
        requireSweep(out, o.sweep());
        ThresholdAnalysis.Result r = ThresholdAnalysis.analyze(runs(spark, out, o), o);
        AnalysisTables.write(spark, out, r);
        ThresholdReport.print(r, print);
        print.println();
        print.println("tables: " + AnalysisTables.partition(out, AnalysisTables.THRESHOLDS, o.sweep(), o.criterion().key())
                + ", " + AnalysisTables.partition(out, AnalysisTables.EXPONENTS, o.sweep(), o.criterion().key()));
        return r;
    }

    /** A clear error when {@code out} holds no runs of the sweep, naming the sweeps it does hold. */
    public static void requireSweep(Path out, String sweep) {
        Path runsDir = out.resolve("runs").resolve("sweep=" + sweep);
        if (!Files.isDirectory(runsDir)) {
            throw new IllegalArgumentException("no runs of sweep '" + sweep + "' under " + out.resolve("runs")
                    + " (sweeps there: " + sweepsIn(out.resolve("runs")) + ")");
        }
    }

    /**
     * {@code analyze calibrate}: coverage and bias of the estimator on simulated data, one row per
     * (seed sd, alpha, seeds, grid factor), printed as the Markdown table kept in the README.
     */
    public static List<Calibration.Row> calibrate(double[] alphas, int[] seeds, double[] factors, int[] ns, double slope,
                                                  double delta, double level, int replications, long seed,
                                                  double[] seedSds, double shared, PrintStream print) {
        List<Calibration.Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        for (double sd : seedSds) {
            for (Calibration.Setup s : Calibration.standard(alphas, seeds, factors, ns, slope, delta, sd, sd == 0 ? 0 : shared)) {
                rows.add(Calibration.run(s, replications, seed, level));
            }
        }
        print.printf(Locale.ROOT, "calibration: logit P = logit(%.2f) + %.1f (log m - log m*(n)) + seed shift, m*(n) = %.0f "
                        + "(n/%d)^alpha, n in %s, grid from m*(n_min)/%.0f to %.0f m*(n_max); %d replications per row, "
                        + "seed %d, %s intervals, seeds as clusters%n%n", 1 - delta, slope, Calibration.M_STAR_AT_N0,
                Calibration.N0, java.util.Arrays.toString(ns), Calibration.GRID_MARGIN, Calibration.GRID_MARGIN, replications,
                seed, ThresholdReport.num(level));
        Calibration.print(rows, level, print);
        print.printf(Locale.ROOT, "%n%.1f s%n", (System.nanoTime() - t0) / 1e9);
        return rows;
    }

    /**
     * The committed runs of one sweep (files of waves still in flight are never read), with
     * {@code kernel_dev_init} from the trajectories when the criterion is kernel.
     */
    public static Dataset<Row> runs(SparkSession spark, Path out, ThresholdOptions o) {
        ResultStore store = new ResultStore(out);
        Column mine = org.apache.spark.sql.functions.col("sweep").equalTo(org.apache.spark.sql.functions.lit(o.sweep()));
        Dataset<Row> runs = store.view(spark, Tables.RUNS).where(mine);
        if (o.criterion() == Criterion.KERNEL && !java.util.Arrays.asList(runs.columns()).contains(KernelDeviation.COLUMN)) {
            runs = KernelDeviation.withColumn(runs, store.view(spark, Tables.TRAJECTORIES).where(mine));
        }
        return runs;
    }

    private static String sweepsIn(Path runs) {
        if (!Files.isDirectory(runs)) {
            return "none";
        }
        try (Stream<Path> s = Files.list(runs)) {
            List<String> names = new ArrayList<>(s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("sweep=")).map(n -> n.substring(6)).sorted().toList());
            return names.isEmpty() ? "none" : String.join(", ", names);
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
