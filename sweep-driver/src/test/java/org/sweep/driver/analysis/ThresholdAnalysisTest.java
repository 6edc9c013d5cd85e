package org.sweep.driver.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.Tables;

/**
 * The threshold analysis on synthetic runs tables whose threshold is known by construction:
 * m*(n) = c n^2 on a geometric width grid, so the fitted exponent must be 2.
 */
class ThresholdAnalysisTest {
    /** m* values are exact powers of two: the fit is exact up to the rounding of a few logs. */
    private static final double EXACT_ALPHA_TOL = 1e-9;
    /** Noisy passes may move m* one grid step (factor 2) at one end of an 8x range of n: log 2 / log 8 = 0.33. */
    private static final double NOISY_ALPHA_TOL = 0.34;
    private static final double LAMBDA0 = 0.1;
    private static final int[] WIDTHS = {8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[1]").appName("threshold-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** The runs columns the analysis reads, with the types of the runs table. */
    private static final StructType RUNS = new StructType()
            .add("sweep", DataTypes.StringType).add("task_id", DataTypes.StringType)
            .add("width", DataTypes.IntegerType).add("n", DataTypes.IntegerType).add("d", DataTypes.IntegerType)
            .add("data_seed", DataTypes.LongType).add("labels", DataTypes.StringType).add("seed", DataTypes.LongType)
            .add("eta", DataTypes.DoubleType).add("eta_factor", DataTypes.DoubleType).add("eta_mode", DataTypes.StringType)
            .add("status", DataTypes.StringType).add("bound_holds", DataTypes.BooleanType)
            .add("lambda0", DataTypes.DoubleType).add("lambda_min_h_min", DataTypes.DoubleType)
            .add("steps_to_target", DataTypes.IntegerType).add("kernel_dev", DataTypes.DoubleType)
            .add("m_du", DataTypes.DoubleType);

    /** A run row whose every criterion agrees with {@code pass}. */
    private static Row run(String sweep, int width, int n, String labels, long seed, String status, boolean pass) {
        boolean failed = status.equals("failed");
        boolean ok = status.equals("ok");
        return RowFactory.create(sweep, sweep + "-" + width + "-" + n + "-" + labels + "-" + seed, width, n, 10, 0L, labels,
                seed, 0.5 / n /* resolved step size: varies with the data */, 0.5, "stability", status,
                failed ? null : (ok ? pass : null), failed ? null : LAMBDA0,
                failed ? null : LAMBDA0 * (pass ? 0.75 : 0.25),
                ok && pass ? 100 : null, failed ? null : (pass ? 0.05 : 0.3),
                failed ? null : Math.pow(n, 6) / Math.pow(LAMBDA0, 4));
    }

    private static Dataset<Row> table(List<Row> rows) {
        return spark.createDataFrame(rows, RUNS);
    }

    private static ThresholdOptions options(String sweep, Criterion c) {
        return new ThresholdOptions(sweep, c, 0.1, 0.1, 400, 7, 0.95, List.of("seed"));
    }

    /** n in {4, 8, 16, 32}; labels a: m* = 2 n^2, labels b: m* = 4 n^2; 10 seeds; one stray pass and one stray fail. */
    private static List<Row> exactSweep() {
        List<Row> rows = new ArrayList<>();
        for (String labels : new String[] {"a", "b"}) {
            for (int n : new int[] {4, 8, 16, 32}) {
                int mStar = (labels.equals("a") ? 2 : 4) * n * n;
                for (int w : WIDTHS) {
                    for (long s = 0; s < 10; s++) {
                        boolean pass = w >= mStar;
                        String status = "ok";
                        if (w == mStar / 4 && s == 3) {
                            pass = true; // 1 of 10 below the threshold: fraction 0.1
                        }
                        if (w == 2 * mStar && s == 5) {
                            pass = false; // 9 of 10 above: exactly 1 - delta, still passes
                        }
                        if (w == 8 && s == 6) {
                            status = "failed"; // left out
                        }
                        if (w == mStar / 2 && s == 2) {
                            status = "diverged"; // counts as a failure
                            pass = false;
                        }
                        rows.add(run("exact", w, n, labels, s, status, pass));
                    }
                }
            }
        }
        rows.add(run("other", 8, 4, "a", 0, "ok", true)); // another sweep: ignored
        return rows;
    }

    @Test
    void everyCriterionFindsTheKnownThresholdAndExponentTwo() {
        Dataset<Row> runs = table(exactSweep());
        for (Criterion c : Criterion.values()) {
            ThresholdAnalysis.Result r = ThresholdAnalysis.analyze(runs, options("exact", c));
            assertEquals(List.of("n", "labels"), r.axes().stream().map(f -> f.name()).toList(),
                    "eta is a relative setting (eta_factor constant), so only n and labels vary");
            assertEquals(8, r.groups().size());
            assertEquals(8, r.failedRuns());
            for (ThresholdAnalysis.Group g : r.groups()) {
                int n = (Integer) g.axes().get(0);
                int truth = (g.axes().get(1).equals("a") ? 2 : 4) * n * n;
                assertEquals(truth, g.mStar(), c + " " + g.axes());
                assertEquals(ThresholdMath.Bracket.BRACKETED, g.bracket());
                assertEquals(10, g.seeds());
                // a null upper end is an unbounded interval (some resamples have no threshold in the grid)
                assertTrue(g.mStarLo() <= truth && (g.mStarHi() == null || truth <= g.mStarHi()),
                        c + " CI [" + g.mStarLo() + ", " + g.mStarHi() + "]");
                assertEquals(Math.pow(n, 6) / Math.pow(LAMBDA0, 4), g.mDu(), 0.0);
            }
            assertEquals(2, r.fits().size());
            for (ThresholdAnalysis.Fit f : r.fits()) {
                assertEquals(2.0, f.alpha(), EXACT_ALPHA_TOL, c + " " + f.axes());
                assertEquals(Math.log(f.axes().get(0).equals("a") ? 2 : 4), f.intercept(), EXACT_ALPHA_TOL);
                assertEquals(4, f.points());
                assertTrue(f.alphaLo() <= 2.0 && 2.0 <= f.alphaHi(), "alpha CI [" + f.alphaLo() + ", " + f.alphaHi() + "]");
            }
            assertTrue(r.warnings().stream().noneMatch(w -> w.startsWith("NOT BRACKETED")), r.warnings().toString());
        }
    }

    @Test
    void unbracketedGroupsAreFlaggedAndLeftOutOfTheFit() {
        List<Row> rows = new ArrayList<>();
        for (int n : new int[] {2, 4, 8, 64}) { // m* = 2 n^2 = 8 (all pass), 32, 128, 8192 (none pass)
            for (int w : WIDTHS) {
                for (long s = 0; s < 10; s++) {
                    rows.add(run("edges", w, n, "a", s, "ok", w >= 2 * n * n));
                }
            }
        }
        ThresholdAnalysis.Result r = ThresholdAnalysis.analyze(table(rows), options("edges", Criterion.BOUND_HOLDS));
        assertEquals(List.of("n"), r.axes().stream().map(f -> f.name()).toList());
        ThresholdAnalysis.Group all = r.groups().get(0);
        ThresholdAnalysis.Group none = r.groups().get(3);
        assertEquals(ThresholdMath.Bracket.ALL_PASS, all.bracket());
        assertEquals(8, all.mStar());
        assertEquals(ThresholdMath.Bracket.NONE_PASS, none.bracket());
        assertNull(none.mStar());
        assertNull(none.mStarHi());
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("NOT BRACKETED n=2: every width passes")), r.warnings().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("NOT BRACKETED n=64: no width up to 4096")), r.warnings().toString());
        ThresholdAnalysis.Fit f = r.fits().get(0);
        assertEquals(2, f.points());
        assertEquals(2.0, f.alpha(), EXACT_ALPHA_TOL);
        assertEquals(4, f.nMin());
        assertEquals(8, f.nMax());
    }

    @Test
    void noisyPassesGiveIntervalsThatContainTheTruth() {
        // pass probability 0.99 from m* = 2 n^2 on, 0.5 one step below, 0.02 further below; 40 seeds
        SplittableRandom rnd = new SplittableRandom(2024);
        List<Row> rows = new ArrayList<>();
        BiPredicate<Integer, Integer> draw = (w, m) -> rnd.nextDouble() < (w >= m ? 0.99 : w * 2 == m ? 0.5 : 0.02);
        for (int n : new int[] {4, 8, 16, 32}) {
            for (int w : WIDTHS) {
                for (long s = 0; s < 40; s++) {
                    rows.add(run("noisy", w, n, "a", s, "ok", draw.test(w, 2 * n * n)));
                }
            }
        }
        ThresholdAnalysis.Result r = ThresholdAnalysis.analyze(table(rows), options("noisy", Criterion.TARGET));
        for (ThresholdAnalysis.Group g : r.groups()) {
            int n = (Integer) g.axes().get(0);
            int truth = 2 * n * n;
            assertTrue(g.mStarLo() <= truth && (g.mStarHi() == null || truth <= g.mStarHi()), "n=" + n + " CI [" + g.mStarLo() + ", " + g.mStarHi() + "]");
            assertTrue(g.mStar() >= truth / 2 && g.mStar() <= truth * 2, "n=" + n + " m*=" + g.mStar());
        }
        ThresholdAnalysis.Fit f = r.fits().get(0);
        assertEquals(2.0, f.alpha(), NOISY_ALPHA_TOL);
        assertTrue(f.alphaLo() <= 2.0 && 2.0 <= f.alphaHi(), "alpha CI [" + f.alphaLo() + ", " + f.alphaHi() + "]");
        // same seed, same answer
        ThresholdAnalysis.Result again = ThresholdAnalysis.analyze(table(rows), options("noisy", Criterion.TARGET));
        assertEquals(f.alphaLo(), again.fits().get(0).alphaLo());
        assertEquals(f.alphaHi(), again.fits().get(0).alphaHi());
    }

    @Test
    void commandWritesAndReplacesTheTablesAndPrintsTheWarnings() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int n : new int[] {4, 8, 16, 64}) {
            for (int w : WIDTHS) {
                for (long s = 0; s < 10; s++) {
                    rows.add(run("cli", w, n, "a", s, "ok", w >= 2 * n * n));
                }
            }
        }
        // committed as the driver commits a wave: staged, moved into OUT/runs/sweep=cli, recorded
        ResultStore store = new ResultStore(dir);
        store.init();
        String wave = store.newWaveId();
        table(rows).drop("sweep").coalesce(1).write().parquet(store.staged(wave, Tables.RUNS));
        store.commitWave(wave, "cli", List.of(Tables.RUNS), java.util.Map.of(), stage -> { });
        String[] args = {"threshold", "--out", dir.toString(), "--sweep", "cli", "--bootstrap", "200", "--seed", "3"};
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
        int rc = Analyze.run(args, spark, new PrintStream(buf, true, StandardCharsets.UTF_8),
                new PrintStream(errBuf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, errBuf.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("alpha = 2.00"), text);
        assertTrue(text.contains("theory: 6 (Du et al. 2019), 4 (Song & Yang 2019)"), text);
        assertTrue(text.contains("NOT BRACKETED n=64"), text);

        Dataset<Row> th = AnalysisTables.read(spark, dir, AnalysisTables.THRESHOLDS);
        List<Row> got = th.orderBy("n").collectAsList();
        assertEquals(List.of("sweep", "criterion", "delta", "n", "m_star"), List.of(th.columns()).subList(0, 5));
        assertEquals(4, got.size());
        assertEquals("cli", got.get(0).getAs("sweep"));
        assertEquals("bound_holds", got.get(0).getAs("criterion"));
        assertEquals(32, (int) got.get(0).getAs("m_star"));
        assertEquals(512, (int) got.get(2).getAs("m_star"));
        assertTrue((Boolean) got.get(2).getAs("bracketed"));
        assertNull(got.get(3).getAs("m_star"));
        assertFalse((Boolean) got.get(3).getAs("bracketed"));
        assertEquals("none_pass", got.get(3).getAs("bracket"));
        Row e = AnalysisTables.read(spark, dir, AnalysisTables.EXPONENTS).first();
        assertEquals(2.0, (double) e.getAs("alpha"), EXACT_ALPHA_TOL);
        assertEquals(3, (int) e.getAs("points"));

        // a second analysis of the same criterion replaces the first; another criterion adds rows
        assertEquals(0, Analyze.run(new String[] {"threshold", "--out", dir.toString(), "--sweep", "cli", "--delta", "0.2",
                "--bootstrap", "50"}, spark, new PrintStream(new ByteArrayOutputStream()), System.err));
        assertEquals(0, Analyze.run(new String[] {"threshold", "--out", dir.toString(), "--sweep", "cli", "--criterion",
                "kernel", "--tolerance", "0.1", "--bootstrap", "50"}, spark, new PrintStream(new ByteArrayOutputStream()), System.err));
        Dataset<Row> th2 = AnalysisTables.read(spark, dir, AnalysisTables.THRESHOLDS);
        assertEquals(4, th2.where("criterion = 'bound_holds' AND delta = 0.2").count());
        assertEquals(0, th2.where("criterion = 'bound_holds' AND delta = 0.1").count());
        assertEquals(4, th2.where("criterion = 'kernel' AND tolerance = 0.1").count());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Analyze.run(new String[] {"threshold", "--out", dir.toString(), "--sweep", "nope"}, spark,
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no runs of sweep 'nope'") && err.toString(StandardCharsets.UTF_8)
                .contains("sweeps there: cli"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, Analyze.run(new String[] {"threshold", "--out", dir.toString(), "--sweep", "cli", "--criterion", "x"},
                spark, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--criterion must be one of"), err.toString(StandardCharsets.UTF_8));
    }
}
