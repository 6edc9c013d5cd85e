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
 * The threshold analysis on synthetic runs tables whose pass probability is a known logistic curve
 * in log m with m*(n) = c n^2 (the width where it reaches 1 - delta), so the fitted exponent must be
 * close to 2 and every interval should contain the truth (fixed seeds; coverage over many data sets
 * is {@link CalibrationTest}'s business).
 */
class ThresholdAnalysisTest {
    /** 30 seeds on a factor-2 grid: the calibration's sd of log m^ is ~0.05, of alpha ~0.06; 4 sd. */
    private static final double LOG_M_TOL = 0.25;
    private static final double ALPHA_TOL = 0.25;
    /** Slope of the simulated pass curve per unit of log m. */
    private static final double SLOPE = 3;
    private static final double LAMBDA0 = 0.1;
    private static final int[] WIDTHS = {8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};

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
            .add("m_du", DataTypes.DoubleType).add("kernel_dev_init", DataTypes.DoubleType).add("loss0", DataTypes.DoubleType);

    /** A run row whose every criterion agrees with {@code pass}. */
    private static Row run(String sweep, int width, int n, String labels, long seed, String status, boolean pass) {
        boolean failed = status.equals("failed");
        boolean ok = status.equals("ok");
        return RowFactory.create(sweep, sweep + "-" + width + "-" + n + "-" + labels + "-" + seed, width, n, 10, 0L, labels,
                seed, 0.5 / n /* resolved step size: varies with the data */, 0.5, "stability", status,
                failed ? null : (ok ? pass : null), failed ? null : LAMBDA0,
                failed ? null : LAMBDA0 * (pass ? 0.75 : 0.25),
                ok && pass ? 100 : null, failed ? null : 0.5 /* the old statistic: never passes */,
                failed ? null : Math.pow(n, 6) / Math.pow(LAMBDA0, 4), failed ? null : (pass ? 0.05 : 0.3), 0.5);
    }

    private static Dataset<Row> table(List<Row> rows) {
        return spark.createDataFrame(rows, RUNS);
    }

    private static ThresholdOptions options(String sweep, Criterion c) {
        return new ThresholdOptions(sweep, c, 0.1, 0.1, 200, 7, 0.95, List.of("seed"));
    }

    /** Whether a run at width w passes when the curve reaches 0.9 at mStar. */
    private static boolean draw(SplittableRandom rnd, int w, double mStar) {
        double p = PassCurve.sigmoid(PassCurve.logit(0.9) + SLOPE * (Math.log(w) - Math.log(mStar)));
        return rnd.nextDouble() < p;
    }

    /** n in {4, 8, 16, 32}; labels a: m* = 2 n^2, labels b: m* = 4 n^2; 30 seeds; some failed and diverged runs. */
    private static List<Row> sweep(String name, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (String labels : new String[] {"a", "b"}) {
            for (int n : new int[] {4, 8, 16, 32}) {
                double mStar = (labels.equals("a") ? 2 : 4) * n * n;
                for (int w : WIDTHS) {
                    for (long s = 0; s < 30; s++) {
                        boolean pass = draw(rnd, w, mStar);
                        String status = "ok";
                        if (w == 8 && s == 6) {
                            status = "failed"; // left out
                        }
                        if (w == 16 && s == 2) {
                            status = "diverged"; // counts as a failure
                            pass = false;
                        }
                        rows.add(run(name, w, n, labels, s, status, pass));
                    }
                }
            }
        }
        rows.add(run("other", 8, 4, "a", 0, "ok", true)); // another sweep: ignored
        return rows;
    }

    @Test
    void everyCriterionFindsTheKnownThresholdAndExponentTwo() {
        Dataset<Row> runs = table(sweep("exact", 11)).cache();
        for (Criterion c : Criterion.values()) {
            ThresholdAnalysis.Result r = ThresholdAnalysis.analyze(runs, options("exact", c));
            assertEquals(List.of("n", "labels"), r.axes().stream().map(f -> f.name()).toList(),
                    "eta is a relative setting (eta_factor constant), so only n and labels vary");
            assertEquals(8, r.groups().size());
            assertEquals(8, r.failedRuns());
            for (ThresholdAnalysis.Group g : r.groups()) {
                int n = g.n();
                double truth = (g.axes().get(1).equals("a") ? 2 : 4) * n * n;
                assertNull(g.threshold().censored(), c + " " + g.axes());
                assertEquals(Math.log(truth), Math.log(g.mStar()), LOG_M_TOL, c + " " + g.axes());
                assertTrue(g.mStarLo() <= truth && truth <= g.mStarHi(),
                        c + " " + g.axes() + " CI [" + g.mStarLo() + ", " + g.mStarHi() + "]");
                assertEquals(30, g.seeds());
                assertEquals(Math.pow(n, 6) / Math.pow(LAMBDA0, 4), g.mDu(), 0.0);
                assertEquals(LAMBDA0, g.lambda0(), 0.0);
            }
            // per labels: scale n; n/d pools nothing here (d is fixed); n/lambda0 likewise
            assertEquals(6, r.fits().size());
            for (ThresholdAnalysis.Fit f : r.fits()) {
                assertEquals(2.0, f.alpha(), ALPHA_TOL, c + " " + f.scale() + " " + f.axes());
                assertTrue(f.alphaLo() <= 2.0 && 2.0 <= f.alphaHi(), c + " alpha CI [" + f.alphaLo() + ", " + f.alphaHi() + "]");
                assertEquals(4, f.points());
                // the fitted line at each group's scale value is that group's true threshold
                for (ThresholdAnalysis.Group g : r.groups()) {
                    if (!g.axes().get(1).equals(f.axes().get(0))) {
                        continue;
                    }
                    double truth = (g.axes().get(1).equals("a") ? 2 : 4) * g.n() * g.n();
                    double line = f.intercept() + f.alpha() * Math.log(ThresholdAnalysis.scaleValue(f.scale(), g));
                    assertEquals(Math.log(truth), line, 2 * LOG_M_TOL, c + " " + f.scale() + " n=" + g.n());
                }
            }
            assertTrue(r.warnings().stream().noneMatch(w -> w.startsWith("CENSORED")), r.warnings().toString());
        }
    }

    @Test
    void thresholdsBeyondTheGridAreCensoredAndStillInformTheExponent() {
        SplittableRandom rnd = new SplittableRandom(5);
        List<Row> rows = new ArrayList<>();
        for (int n : new int[] {1, 4, 8, 128}) { // m* = 2 n^2 = 2 (below the grid), 32, 128, 32768 (above)
            for (int w : WIDTHS) {
                for (long s = 0; s < 30; s++) {
                    rows.add(run("edges", w, n, "a", s, "ok", draw(rnd, w, 2.0 * n * n)));
                }
            }
        }
        ThresholdAnalysis.Result r = ThresholdAnalysis.analyze(table(rows), options("edges", Criterion.BOUND_HOLDS));
        assertEquals(List.of("n"), r.axes().stream().map(f -> f.name()).toList());
        ThresholdAnalysis.Group below = r.groups().get(0);
        ThresholdAnalysis.Group above = r.groups().get(3);
        // every width passes: the threshold is below the grid, or the data show no increase at all
        assertNull(below.mStarLo(), below.threshold().toString());
        assertNull(below.mStar(), below.threshold().toString());
        assertTrue(List.of(LevelSet.BELOW_GRID, LevelSet.NO_INCREASE).contains(below.threshold().censored()),
                below.threshold().toString());
        assertNull(above.mStar(), above.threshold().toString());
        assertNull(above.mStarHi());
        assertEquals(LevelSet.ABOVE_GRID, above.threshold().censored());
        assertEquals(ThresholdMath.Bracket.NONE_PASS, above.bracket());
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("CENSORED n=128: the threshold lies above the largest width 16384")),
                r.warnings().toString());
        ThresholdAnalysis.Fit f = r.fits().get(0);
        assertEquals("n", f.scale());
        assertEquals(4, f.points(), "censored groups keep their runs in the joint fit");
        assertEquals(2.0, f.alpha(), ALPHA_TOL);
        assertEquals(1, f.nMin());
        assertEquals(128, f.nMax());
    }

    /**
     * Runs whose seed shifts the logit by sd 3 at every width: {@code sharedAcrossN} gives a seed the
     * same shift in every n, otherwise each (seed, n) has its own.
     */
    private static List<Row> seedShifted(String name, boolean sharedAcrossN, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] ns = {4, 8, 16, 32};
        double[][] shift = new double[ns.length][30];
        for (int q = 0; q < 30; q++) {
            double common = rnd.nextGaussian();
            for (int i = 0; i < ns.length; i++) {
                shift[i][q] = 3 * (sharedAcrossN ? common : rnd.nextGaussian());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ns.length; i++) {
            int n = ns[i];
            for (int w : WIDTHS) {
                for (int q = 0; q < 30; q++) {
                    double p = PassCurve.sigmoid(PassCurve.logit(0.9) + SLOPE * (Math.log(w) - Math.log(2.0 * n * n))
                            + shift[i][q]);
                    rows.add(run(name, w, n, "a", q, "ok", rnd.nextDouble() < p));
                }
            }
        }
        return rows;
    }

    @Test
    void seedsSharedAcrossGroupsAreOneClusterAndWidenTheIntervals() {
        ThresholdAnalysis.Result own = ThresholdAnalysis.analyze(table(seedShifted("own", false, 21)),
                options("own", Criterion.BOUND_HOLDS));
        ThresholdOptions o = options("own", Criterion.BOUND_HOLDS);
        ThresholdAnalysis.Result raw = ThresholdAnalysis.analyze(table(seedShifted("own", false, 21)),
                new ThresholdOptions(o.sweep(), o.criterion(), o.delta(), o.tolerance(), o.bootstrap(), o.seed(), o.level(),
                        o.replicates(), false));
        LevelSet.Exponent e = own.fits().get(0).exponent();
        LevelSet.Exponent er = raw.fits().get(0).exponent();
        assertEquals(30, e.clusters());
        assertTrue(e.designEffect() > 1.5, "per-(seed, n) shifts make the groups' thresholds noisier: " + e);
        assertEquals(er.alpha(), e.alpha(), 0, "the adjustment leaves the estimate alone");
        assertTrue(e.lo() < er.lo() && e.hi() > er.hi(), e + " vs " + er);
        assertTrue(Double.isNaN(er.designEffect()) && er.clusters() == 0);
        for (ThresholdAnalysis.Group g : own.groups()) {
            assertEquals(30, g.threshold().clusters());
            assertTrue(Double.isFinite(g.threshold().designEffect()), g.threshold().toString());
        }
        // the tables carry the design effect and the cluster count
        Row t = own.thresholdRows().get(0);
        StructType ts = own.thresholdsSchema();
        assertEquals(own.groups().get(0).threshold().designEffect(), t.getDouble(ts.fieldIndex("design_effect")), 0);
        assertEquals(30, t.getInt(ts.fieldIndex("clusters")));
        Row x = own.exponentRows().get(0);
        assertEquals(e.designEffect(), x.getDouble(own.exponentsSchema().fieldIndex("design_effect")), 0);
        assertTrue(raw.exponentRows().get(0).isNullAt(raw.exponentsSchema().fieldIndex("design_effect")));

        // the same shift in every n moves every threshold alike, which alpha does not see: seed 7 of
        // n = 4 and seed 7 of n = 32 must be one cluster for the design effect to know that
        ThresholdAnalysis.Result shared = ThresholdAnalysis.analyze(table(seedShifted("shared", true, 21)),
                options("shared", Criterion.BOUND_HOLDS));
        LevelSet.Exponent es = shared.fits().get(0).exponent();
        assertTrue(es.designEffect() < 0.5 * e.designEffect(), "shared " + es + " vs own " + e);
    }

    @Test
    void sameSeedSameAnswer() {
        List<Row> rows = sweep("again", 3);
        ThresholdAnalysis.Result a = ThresholdAnalysis.analyze(table(rows), options("again", Criterion.TARGET));
        ThresholdAnalysis.Result b = ThresholdAnalysis.analyze(table(rows), options("again", Criterion.TARGET));
        for (int i = 0; i < a.groups().size(); i++) {
            assertEquals(a.groups().get(i).mStar(), b.groups().get(i).mStar());
            assertEquals(a.groups().get(i).mStarLo(), b.groups().get(i).mStarLo());
        }
        assertEquals(a.fits().get(0).alphaHi(), b.fits().get(0).alphaHi());
    }

    @Test
    void commandWritesAndReplacesTheTablesAndPrintsTheWarnings() throws Exception {
        SplittableRandom rnd = new SplittableRandom(9);
        List<Row> rows = new ArrayList<>();
        for (int n : new int[] {4, 8, 16, 128}) {
            for (int w : WIDTHS) {
                for (long s = 0; s < 30; s++) {
                    rows.add(run("cli", w, n, "a", s, "ok", draw(rnd, w, 2.0 * n * n)));
                }
            }
        }
        // committed as the driver commits a wave: staged, moved into OUT/runs/sweep=cli, recorded
        ResultStore store = new ResultStore(dir);
        store.init();
        String wave = store.newWaveId();
        table(rows).drop("sweep").coalesce(1).write().parquet(store.staged(wave, Tables.RUNS));
        // trajectories whose one checkpoint puts the residual 0.05 (pass) or 0.3 (fail) of ||u(0) - y|| = 1 off the
        // prediction: kernel_dev_init is derived from them and loss0 = 1/2
        List<Row> traj = new ArrayList<>();
        for (Row r : rows) {
            boolean pass = Boolean.TRUE.equals(r.get(RUNS.fieldIndex("bound_holds")));
            double dev = pass ? 0.05 : 0.3;
            String id = r.getString(RUNS.fieldIndex("task_id"));
            traj.add(RowFactory.create(id, 0, 0.5, 0.5));
            traj.add(RowFactory.create(id, 10, 0.125, (0.5 + dev) * (0.5 + dev) / 2));
        }
        StructType trajSchema = new StructType().add("task_id", DataTypes.StringType).add("step", DataTypes.IntegerType)
                .add("loss", DataTypes.DoubleType).add("loss_pred", DataTypes.DoubleType);
        spark.createDataFrame(traj, trajSchema).coalesce(1).write()
                .parquet(store.staged(wave, Tables.TRAJECTORIES));
        store.commitWave(wave, "cli", List.of(Tables.RUNS, Tables.TRAJECTORIES), java.util.Map.of(), stage -> { });
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Analyze.threshold(spark, dir, new ThresholdOptions("cli", Criterion.BOUND_HOLDS, 0.1, 0.1, 200, 3, 0.95,
                List.of("seed")), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("s = n: alpha = "), text);
        assertTrue(text.contains("theory: 6 (Du et al. 2019), 4 (Song & Yang 2019)"), text);
        assertTrue(text.contains("CENSORED n=128"), text);

        Dataset<Row> th = AnalysisTables.read(spark, dir, AnalysisTables.THRESHOLDS);
        List<Row> got = th.orderBy("n").collectAsList();
        assertEquals(List.of("sweep", "criterion", "delta", "n", "m_star"), List.of(th.columns()).subList(0, 5));
        assertEquals(4, got.size());
        assertEquals("cli", got.get(0).getAs("sweep"));
        assertEquals("bound_holds", got.get(0).getAs("criterion"));
        assertEquals(Math.log(32), Math.log(got.get(0).<Double>getAs("m_star")), LOG_M_TOL);
        assertEquals(Math.log(512), Math.log(got.get(2).<Double>getAs("m_star")), LOG_M_TOL);
        assertNull(got.get(3).getAs("m_star"));
        assertNull(got.get(3).getAs("m_star_hi"));
        assertEquals("above_grid", got.get(3).getAs("censored"));
        Row e = AnalysisTables.read(spark, dir, AnalysisTables.EXPONENTS).where("scale = 'n'").first();
        assertEquals(2.0, e.<Double>getAs("alpha"), ALPHA_TOL);
        assertEquals(4, (int) e.getAs("points"));

        // a table written before the logistic estimator (integer m_star, fewer columns) reads beside the new ones
        StructType old = new StructType().add("delta", DataTypes.DoubleType).add("n", DataTypes.IntegerType)
                .add("m_star", DataTypes.IntegerType).add("m_star_lo", DataTypes.IntegerType)
                .add("m_star_hi", DataTypes.IntegerType).add("seeds", DataTypes.IntegerType);
        spark.createDataFrame(List.of(RowFactory.create(0.1, 16, 512, 256, null, 10)), old).coalesce(1).write()
                .parquet(AnalysisTables.partition(dir, AnalysisTables.THRESHOLDS, "old", "lemma").toString());
        Dataset<Row> mixed = AnalysisTables.read(spark, dir, AnalysisTables.THRESHOLDS);
        Row o = mixed.where("sweep = 'old'").first();
        assertEquals(512.0, o.<Double>getAs("m_star"), 0.0);
        assertNull(o.getAs("censored"));
        assertEquals(5, mixed.count());

        // a second analysis of the same criterion replaces the first; another criterion adds rows
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Analyze.threshold(spark, dir, new ThresholdOptions("cli", Criterion.BOUND_HOLDS, 0.2, 0.1, 50, 0, 0.95,
                List.of("seed")), quiet);
        Analyze.threshold(spark, dir, new ThresholdOptions("cli", Criterion.KERNEL, 0.1, 0.1, 200, 3, 0.95,
                List.of("seed")), quiet);
        Dataset<Row> th2 = AnalysisTables.read(spark, dir, AnalysisTables.THRESHOLDS);
        assertEquals(4, th2.where("criterion = 'bound_holds' AND delta = 0.2").count());
        assertEquals(1, th2.where("sweep = 'old'").count());
        assertEquals(0, th2.where("criterion = 'bound_holds' AND delta = 0.1").count());
        assertEquals(4, th2.where("criterion = 'kernel' AND tolerance = 0.1").count());
        // the kernel criterion read kernel_dev_init from the trajectories: the same passes, the same thresholds
        List<Row> k = th2.where("criterion = 'kernel'").orderBy("n").collectAsList();
        assertEquals(got.get(1).<Double>getAs("m_star"), k.get(1).<Double>getAs("m_star"), 1e-9);

        IllegalArgumentException none = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Analyze.threshold(spark, dir, ThresholdOptions.defaults("nope", Criterion.LEMMA), quiet));
        assertTrue(none.getMessage().contains("no runs of sweep 'nope'") && none.getMessage().contains("sweeps there: cli"),
                none.getMessage());
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Criterion.parse("x"));
        assertTrue(bad.getMessage().contains("--criterion must be one of"), bad.getMessage());
    }
}
