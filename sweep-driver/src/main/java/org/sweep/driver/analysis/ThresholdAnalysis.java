package org.sweep.driver.analysis;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code analyze threshold}: per group of grid axes, the width m*_delta where the fitted pass
 * probability reaches 1 - delta, with its profile-likelihood interval ({@link LevelSet}); across n,
 * the exponent alpha of m* ~ s^alpha fitted jointly from every run, for the scale variables s = n,
 * n/d and n/lambda0 (science.md 3 and 8: Du et al. need m ~ n^6 / lambda0^4, Song and Yang n^4, the
 * parameter-count picture m d ~ n).
 *
 * <p>Steps: (1) Spark SQL marks each run of the sweep as passing or not ({@link Criterion}) and
 * finds the grid axes: every task-parameter column that varies within the sweep, except width and
 * the replicate columns (default: seed). The step size enters as {@code eta_factor} for relative
 * eta modes and as {@code eta} for absolute ones, because the stored {@code eta} of a relative mode
 * is the resolved step size, which varies with the data. (2) Spark aggregates the runs to one row
 * per (group, width, replicate) with groupBy/agg. (3) On the driver, per group: runs and passes per
 * width, the logistic fit and its interval, the bias-corrected point estimate, the median m_du and
 * lambda0, and for comparison the grid threshold of {@link ThresholdMath} (smallest grid width from
 * which every larger one passes) and the isotonic estimate. (4) One joint fit per scale variable
 * and combination of the other axes (for n/d and n/lambda0 the other axes without d, so that
 * several d share one line).
 */
public final class ThresholdAnalysis {
    /** Du et al. (2019), Theorem 4.1: m = Omega(n^6 / (lambda_0^4 delta^3)). */
    public static final double THEORY_DU = 6;
    /** Song and Yang (2019): m = Omega(n^4 polylog / lambda_0^4). */
    public static final double THEORY_SONG_YANG = 4;

    /** Scale variables of the exponent fits, as written in the {@code scale} column. */
    public static final List<String> SCALES = List.of("n", "n/d", "n/lambda0");

    /** Task-parameter columns of {@code runs} that can be grid axes, in display order (n first). */
    static final List<String> CANDIDATE_AXES = List.of("n", "d", "eta_mode", "eta", "labels", "kappa", "data_kind",
            "dataset", "data_seed", "seed", "steps", "target_loss_ratio", "loss", "activation", "batch_size",
            "train_layers", "checkpoints", "spectrum_checkpoints");

    private ThresholdAnalysis() {
    }

    /**
     * One group's estimate.
     *
     * @param widths       the group's widths, ascending
     * @param runs         runs per width (failed runs left out)
     * @param passes       passing runs per width
     * @param passFraction passes / runs per width
     * @param seeds        replicates in the group
     * @param threshold    the fitted threshold and interval
     * @param mStarGrid    smallest grid width from which every width passes (null: none)
     * @param bracket      whether the grid's pass fractions bracket 1 - delta
     * @param isotonic     the isotonic estimate (NaN when never reached)
     * @param mDu          median n^6 / lambda0^4 over the group's runs
     * @param lambda0      median lambda0 over the group's runs
     * @param d            input dimension of the group's runs
     * @param cells        one entry per run: its width index and its replicate, numbered across every
     *                     group of the analysis (the same seed in two groups has the same number)
     */
    public record Group(List<Object> axes, int[] widths, double[] runs, double[] passes, double[] passFraction,
                        int seeds, LevelSet.Threshold threshold, Integer mStarGrid, ThresholdMath.Bracket bracket,
                        double isotonic, Double mDu, Double lambda0, Integer d, LevelSet.Cells cells) {
        public Double mStar() {
            return threshold.mStar();
        }

        public Double mStarLo() {
            return threshold.lo();
        }

        public Double mStarHi() {
            return threshold.hi();
        }

        public int n() {
            return ((Number) axes.get(0)).intValue();
        }

        int totalRuns() {
            double t = 0;
            for (double r : runs) {
                t += r;
            }
            return (int) t;
        }
    }

    /**
     * One exponent fit.
     *
     * @param scale     "n", "n/d" or "n/lambda0"
     * @param axes      values of the fit axes (null where the scale pools the axis, e.g. d for n/d)
     * @param exponent  the joint fit
     * @param points    groups in the fit
     */
    public record Fit(String scale, List<Object> axes, LevelSet.Exponent exponent, int points, Integer nMin,
                      Integer nMax) {
        public Double alpha() {
            return exponent == null ? null : exponent.alpha();
        }

        public Double alphaLo() {
            return exponent == null ? null : exponent.lo();
        }

        public Double alphaHi() {
            return exponent == null ? null : exponent.hi();
        }

        public Double intercept() {
            return exponent == null ? null : exponent.intercept();
        }
    }

    /**
     * Everything the analysis produced.
     *
     * @param axes        the group axes (n first), as fields of the runs schema
     * @param fitAxes     the axes of an exponent fit (the group axes without n)
     * @param failedRuns  runs with status 'failed', left out
     * @param warnings    censoring and fitting remarks, one line each
     */
    public record Result(ThresholdOptions options, List<StructField> axes, List<StructField> fitAxes,
                         List<Group> groups, List<Fit> fits, long runs, long failedRuns, List<String> warnings) {

        /** Schema of the {@code thresholds} table (sweep and criterion included). */
        public StructType thresholdsSchema() {
            List<StructField> f = new ArrayList<>();
            f.add(DataTypes.createStructField("sweep", DataTypes.StringType, false));
            f.add(DataTypes.createStructField("criterion", DataTypes.StringType, false));
            f.add(DataTypes.createStructField("delta", DataTypes.DoubleType, false));
            f.addAll(axes);
            f.addAll(List.of(AnalysisTables.THRESHOLD_COLUMNS.fields()));
            return DataTypes.createStructType(f);
        }

        /** Schema of the {@code exponents} table (sweep and criterion included; fit axes nullable). */
        public StructType exponentsSchema() {
            List<StructField> f = new ArrayList<>();
            f.add(DataTypes.createStructField("sweep", DataTypes.StringType, false));
            f.add(DataTypes.createStructField("criterion", DataTypes.StringType, false));
            f.add(DataTypes.createStructField("delta", DataTypes.DoubleType, false));
            f.add(DataTypes.createStructField("scale", DataTypes.StringType, false));
            for (StructField a : fitAxes) {
                f.add(DataTypes.createStructField(a.name(), a.dataType(), true));
            }
            f.addAll(List.of(AnalysisTables.EXPONENT_COLUMNS.fields()));
            return DataTypes.createStructType(f);
        }

        public List<Row> thresholdRows() {
            List<Row> rows = new ArrayList<>();
            ThresholdOptions o = options;
            for (Group g : groups) {
                List<Object> v = new ArrayList<>();
                v.add(o.sweep());
                v.add(o.criterion().key());
                v.add(o.delta());
                v.addAll(g.axes());
                LevelSet.Threshold t = g.threshold();
                v.add(t.mStar());
                v.add(t.lo());
                v.add(t.hi());
                v.add(t.censored());
                v.add(g.mStarGrid());
                v.add(Double.isNaN(g.isotonic()) ? null : g.isotonic());
                v.add(t.slope());
                v.add(g.seeds());
                v.add(g.totalRuns());
                v.add(g.widths().length);
                v.add(g.widths()[0]);
                v.add(g.widths()[g.widths().length - 1]);
                v.add(g.bracket() == ThresholdMath.Bracket.BRACKETED);
                v.add(g.bracket().key());
                v.add(g.mDu());
                v.add(t.mStar() == null || g.mDu() == null ? null : t.mStar() / g.mDu());
                v.add(g.lambda0());
                v.add(o.bootstrap());
                v.add(o.level());
                v.add(o.criterion() == Criterion.KERNEL ? o.tolerance() : null);
                v.add(Double.isNaN(t.designEffect()) ? null : t.designEffect());
                v.add(t.clusters() == 0 ? null : t.clusters());
                rows.add(RowFactory.create(v.toArray()));
            }
            return rows;
        }

        public List<Row> exponentRows() {
            List<Row> rows = new ArrayList<>();
            ThresholdOptions o = options;
            for (Fit fit : fits) {
                List<Object> v = new ArrayList<>();
                v.add(o.sweep());
                v.add(o.criterion().key());
                v.add(o.delta());
                v.add(fit.scale());
                v.addAll(fit.axes());
                LevelSet.Exponent e = fit.exponent();
                v.add(fit.alpha());
                v.add(fit.alphaLo());
                v.add(fit.alphaHi());
                v.add(e == null ? "too_few_groups" : e.censored());
                v.add(fit.intercept());
                v.add(e == null ? null : e.slope());
                v.add(fit.points());
                v.add(fit.nMin());
                v.add(fit.nMax());
                v.add(e == null ? null : e.deviance());
                v.add(e == null ? null : e.devianceDf());
                v.add(e == null ? null : e.devianceP());
                v.add(e == null ? null : e.lrGroups());
                v.add(e == null ? null : e.lrGroupsDf());
                v.add(e == null ? null : e.lrGroupsP());
                v.add(THEORY_DU);
                v.add(THEORY_SONG_YANG);
                v.add(e == null || Double.isNaN(e.designEffect()) ? null : e.designEffect());
                v.add(e == null || e.clusters() == 0 ? null : e.clusters());
                rows.add(RowFactory.create(v.toArray()));
            }
            return rows;
        }
    }

    /**
     * Runs the analysis on a {@code runs} DataFrame (any superset of the columns used; rows of
     * other sweeps are ignored when it has a {@code sweep} column). The kernel criterion reads
     * {@code kernel_dev_init}, which {@link KernelDeviation#withColumn} adds from the trajectories.
     */
    public static Result analyze(Dataset<Row> runsAll, ThresholdOptions o) {
        StructType schema = runsAll.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        Dataset<Row> runs = names.contains("sweep") ? runsAll.where(col("sweep").equalTo(lit(o.sweep()))) : runsAll;
        List<String> needed = new ArrayList<>(List.of("width", "n", "status"));
        needed.addAll(o.criterion().columns());
        needed.addAll(o.replicates());
        for (String c : needed) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException("runs table has no column '" + c + "' (needed by "
                        + (o.replicates().contains(c) ? "--replicates" : o.criterion().columns().contains(c)
                        ? "criterion " + o.criterion().key() : "the analysis") + ")");
            }
        }

        // (1) which candidate columns vary; how many runs failed; is the criterion measured at all
        List<String> candidates = new ArrayList<>();
        for (String c : CANDIDATE_AXES) {
            if (names.contains(c) && !o.replicates().contains(c)) {
                candidates.add(c);
            }
        }
        boolean hasFactor = names.contains("eta_factor");
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(lit(1)).as("runs"));
        aggs.add(expr("count_if(status = 'failed')").as("failed"));
        aggs.add(expr("count_if(status = 'ok' AND " + measuredExpression(o.criterion()) + ")").as("measured"));
        for (String c : candidates) {
            // size(collect_set(c)): distinct non-null values in one pass (count(DISTINCT) would expand the input per column)
            aggs.add(expr("cast(size(collect_set(" + quote(c) + ")) as long)").as("distinct_" + c));
            aggs.add(expr("count_if(" + quote(c) + " IS NULL)").as("nulls_" + c));
        }
        if (hasFactor) {
            aggs.add(expr("count_if(eta_factor IS NOT NULL)").as("with_factor"));
            aggs.add(expr("cast(size(collect_set(eta_factor)) as long)").as("distinct_eta_factor"));
        }
        Row stats = runs.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
        long total = stats.<Long>getAs("runs");
        if (total == 0) {
            throw new IllegalArgumentException("no runs of sweep '" + o.sweep() + "'");
        }
        long failed = stats.<Long>getAs("failed");
        if (stats.<Long>getAs("measured") == 0) {
            throw new IllegalArgumentException("criterion " + o.criterion().key() + " needs " + o.criterion().columns()
                    + ", which no successful run of sweep '" + o.sweep() + "' has"
                    + (o.criterion() == Criterion.LEMMA ? " (set spectrum_checkpoints > 0)" : ""));
        }
        long withFactor = hasFactor ? stats.<Long>getAs("with_factor") : 0;

        // group axes: n always; eta replaced by eta_factor or a coalesced setting (see class comment)
        Map<String, Column> axisExpr = new LinkedHashMap<>();
        Map<String, StructField> axisField = new LinkedHashMap<>();
        for (String c : candidates) {
            long distinct = stats.<Long>getAs("distinct_" + c);
            long nulls = stats.<Long>getAs("nulls_" + c);
            boolean varies = distinct + (nulls > 0 ? 1 : 0) > 1;
            if (c.equals("eta") && hasFactor && withFactor > 0) {
                long df = stats.<Long>getAs("distinct_eta_factor");
                String name = withFactor == total ? "eta_factor" : "eta_setting";
                Column e = withFactor == total ? col("eta_factor") : coalesce(col("eta_factor"), col("eta"));
                if (df + (withFactor < total ? 1 : 0) > 1) {
                    axisExpr.put(name, e);
                    axisField.put(name, DataTypes.createStructField(name, DataTypes.DoubleType, true));
                }
                continue;
            }
            if (c.equals("n") || varies) {
                axisExpr.put(c, col(quote(c)));
                axisField.put(c, schema.apply(c));
            }
        }
        List<String> axes = new ArrayList<>(axisExpr.keySet());

        // (2) one pass flag per (group, width, replicate), with the group's m_du, lambda0 and d
        List<Column> sel = new ArrayList<>();
        for (Map.Entry<String, Column> e : axisExpr.entrySet()) {
            sel.add(e.getValue().as(e.getKey()));
        }
        sel.add(col("width"));
        List<Column> rep = new ArrayList<>();
        for (String r : o.replicates()) {
            rep.add(col(quote(r)).cast(DataTypes.StringType));
        }
        sel.add(concat_ws("/", rep.toArray(new Column[0])).as("replicate"));
        sel.add(expr(o.criterion().passExpression(o.tolerance())).cast(DataTypes.IntegerType).as("pass"));
        sel.add(names.contains("m_du") ? col("m_du") : lit(null).cast(DataTypes.DoubleType).as("m_du"));
        sel.add(names.contains("lambda0") ? col("lambda0") : lit(null).cast(DataTypes.DoubleType).as("lambda0"));
        sel.add(names.contains("d") ? col("d").as("d_value") : lit(null).cast(DataTypes.IntegerType).as("d_value"));
        Dataset<Row> flags = runs.where(col("status").notEqual(lit("failed"))).select(sel.toArray(new Column[0]));
        List<Column> keys = new ArrayList<>();
        for (String a : axes) {
            keys.add(col(quote(a)));
        }
        keys.add(col("width"));
        keys.add(col("replicate"));
        List<Row> cells = flags.groupBy(keys.toArray(new Column[0]))
                .agg(count(lit(1)).as("k"), sum("pass").as("p"), max("m_du").as("m_du"), max("lambda0").as("lambda0"),
                        max("d_value").as("d_value"))
                .orderBy(keys.toArray(new Column[0])).collectAsList();

        // cells per group
        Map<List<Object>, List<Row>> byGroup = new TreeMap<>(ThresholdAnalysis::compareKeys);
        for (Row r : cells) {
            List<Object> key = new ArrayList<>(axes.size());
            for (String a : axes) {
                key.add(r.getAs(a));
            }
            long k = r.<Long>getAs("k");
            if (k > 1) {
                throw new IllegalArgumentException("sweep '" + o.sweep() + "' has " + k + " runs for "
                        + describe(axes, key) + " width=" + r.<Integer>getAs("width") + " replicate " + o.replicates() + "="
                        + r.<String>getAs("replicate") + ": name the column that tells them apart in --replicates");
            }
            byGroup.computeIfAbsent(key, x -> new ArrayList<>()).add(r);
        }

        // replicates numbered across groups: the same seed in two groups is one cluster of the joint fits
        Map<String, Integer> replicateId = new TreeMap<>();
        for (Row r : cells) {
            replicateId.putIfAbsent(r.<String>getAs("replicate"), 0);
        }
        int next = 0;
        for (Map.Entry<String, Integer> e : replicateId.entrySet()) {
            e.setValue(next++);
        }

        // (3) per group: fitted threshold, grid threshold, bracket
        List<Group> groups = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int gi = 0;
        for (Map.Entry<List<Object>, List<Row>> e : byGroup.entrySet()) {
            Group g = estimate(e.getKey(), e.getValue(), o, gi++, replicateId);
            groups.add(g);
            String where = describe(axes, g.axes());
            String c = g.threshold().censored();
            int wMax = g.widths()[g.widths().length - 1];
            if (LevelSet.NO_INCREASE.equals(c)) {
                warnings.add("NO THRESHOLD " + where + ": passes do not increase with width over " + g.widths()[0]
                        + ".." + wMax);
            } else if (LevelSet.ABOVE_GRID.equals(c) && g.mStar() == null) {
                warnings.add(String.format(Locale.ROOT, "CENSORED %s: the threshold lies above the largest width %d "
                        + "(fitted pass probability there %.2f): add larger widths", where, wMax, fitted(g, wMax, o.delta())));
            } else if (LevelSet.BELOW_GRID.equals(c) && g.mStar() == null) {
                warnings.add(String.format(Locale.ROOT, "CENSORED %s: the threshold lies below the smallest width %d: "
                        + "add smaller widths", where, g.widths()[0]));
            } else if (c != null) {
                warnings.add("CENSORED " + where + ": the interval reaches beyond the grid (" + c + "): add widths there");
            }
        }

        // (4) exponent fits, one per scale variable and combination of the other axes
        List<StructField> fitAxes = new ArrayList<>(axisField.values());
        fitAxes.remove(0); // n
        List<String> fitNames = axes.subList(1, axes.size());
        List<Fit> fits = new ArrayList<>();
        for (String scale : SCALES) {
            Map<List<Object>, List<Group>> byFit = new TreeMap<>(ThresholdAnalysis::compareKeys);
            for (Group g : groups) {
                List<Object> key = new ArrayList<>(g.axes().subList(1, g.axes().size()));
                if (!scale.equals("n")) {
                    int di = fitNames.indexOf("d");
                    if (di >= 0) {
                        key.set(di, null);
                    }
                }
                byFit.computeIfAbsent(key, k -> new ArrayList<>()).add(g);
            }
            for (Map.Entry<List<Object>, List<Group>> e : byFit.entrySet()) {
                fits.add(fit(scale, e.getKey(), e.getValue(), o, fitNames, warnings));
            }
        }
        return new Result(o, new ArrayList<>(axisField.values()), fitAxes, groups, fits, total, failed, warnings);
    }

    /** The fitted pass probability of a group at a width. */
    private static double fitted(Group g, int width, double delta) {
        LevelSet.Threshold t = g.threshold();
        return PassCurve.sigmoid(PassCurve.logit(1 - delta) + t.slope() * (Math.log(width) - t.logMStar()));
    }

    private static Group estimate(List<Object> axes, List<Row> cells, ThresholdOptions o, int groupIndex,
                                  Map<String, Integer> replicateId) {
        int[] widths = cells.stream().mapToInt(r -> r.<Integer>getAs("width")).distinct().sorted().toArray();
        String[] reps = cells.stream().map(r -> r.<String>getAs("replicate")).distinct().sorted().toArray(String[]::new);
        byte[][] pass = new byte[widths.length][reps.length];
        for (byte[] row : pass) {
            Arrays.fill(row, (byte) -1);
        }
        List<Double> mdu = new ArrayList<>();
        List<Double> l0 = new ArrayList<>();
        Integer d = null;
        int[] cellRow = new int[cells.size()];
        int[] cellCluster = new int[cells.size()];
        double[] cellPass = new double[cells.size()];
        double[] cellRuns = new double[cells.size()];
        int ci = 0;
        for (Row r : cells) {
            int k = Arrays.binarySearch(widths, r.<Integer>getAs("width"));
            int s = Arrays.binarySearch(reps, r.<String>getAs("replicate"));
            Long p = r.getAs("p");
            pass[k][s] = (byte) (p != null && p > 0 ? 1 : 0);
            cellRow[ci] = k;
            cellCluster[ci] = replicateId.get(r.<String>getAs("replicate"));
            cellPass[ci] = pass[k][s];
            cellRuns[ci] = 1;
            ci++;
            Double m = r.getAs("m_du");
            mdu.add(m == null ? Double.NaN : m);
            Double l = r.getAs("lambda0");
            l0.add(l == null ? Double.NaN : l);
            if (r.getAs("d_value") != null) {
                d = r.getAs("d_value");
            }
        }
        int[] all = new int[reps.length];
        for (int s = 0; s < all.length; s++) {
            all[s] = s;
        }
        double[] frac = ThresholdMath.passFractions(pass, all);
        int k = ThresholdMath.thresholdIndex(frac, o.delta());
        Integer mStarGrid = k < 0 ? null : widths[k];
        ThresholdMath.Bracket bracket = ThresholdMath.bracket(frac, o.delta());

        // runs and passes per width (every width comes from a cell, so each has at least one run)
        double[] w = Arrays.stream(widths).asDoubleStream().toArray();
        LevelSet.Cells groupCells = new LevelSet.Cells(cellRow, cellCluster, cellRuns, cellPass);
        double[][] totals = groupCells.totals(widths.length);
        double[] t = totals[0];
        double[] s = totals[1];
        LevelSet.Threshold th = LevelSet.threshold(w, t, s, o.delta(), o.level(), o.bootstrap(),
                o.seed() * 0x9E3779B97F4A7C15L + groupIndex, o.clustered() ? groupCells : null);
        double iso = LevelSet.isotonic(w, t, s, o.delta());
        double mduMedian = ThresholdMath.median(mdu.stream().mapToDouble(Double::doubleValue).toArray());
        double l0Median = ThresholdMath.median(l0.stream().mapToDouble(Double::doubleValue).toArray());
        return new Group(axes, widths, t, s, frac, reps.length, th, mStarGrid, bracket, iso,
                Double.isNaN(mduMedian) ? null : mduMedian, Double.isNaN(l0Median) ? null : l0Median, d, groupCells);
    }

    private static Fit fit(String scale, List<Object> fitKey, List<Group> groups, ThresholdOptions o,
                           List<String> fitAxisNames, List<String> warnings) {
        String where = " of " + scale + (fitAxisNames.isEmpty() ? "" : " (" + describe(fitAxisNames, fitKey) + ")");
        List<Group> usable = new ArrayList<>();
        for (Group g : groups) {
            if (scaleValue(scale, g) != null) {
                usable.add(g);
            }
        }
        long distinct = usable.stream().map(g -> scaleValue(scale, g)).distinct().count();
        Integer nMin = usable.stream().map(Group::n).min(Integer::compare).orElse(null);
        Integer nMax = usable.stream().map(Group::n).max(Integer::compare).orElse(null);
        if (distinct < 2) {
            if (scale.equals("n")) {
                warnings.add("no exponent fit" + where + ": " + distinct + " value(s) of " + scale + "; at least 2 needed");
            }
            return new Fit(scale, fitKey, null, usable.size(), nMin, nMax);
        }
        List<Integer> gIdx = new ArrayList<>();
        List<Double> sc = new ArrayList<>();
        List<Double> wd = new ArrayList<>();
        List<Double> rn = new ArrayList<>();
        List<Double> ps = new ArrayList<>();
        int cellCount = usable.stream().mapToInt(g -> g.cells().row().length).sum();
        int[] cellRow = new int[cellCount];
        int[] cellCluster = new int[cellCount];
        double[] cellRuns = new double[cellCount];
        double[] cellPass = new double[cellCount];
        int ci = 0;
        for (int i = 0; i < usable.size(); i++) {
            Group g = usable.get(i);
            double sv = Math.log(scaleValue(scale, g));
            int first = wd.size();
            for (int j = 0; j < g.runs().length; j++) {
                gIdx.add(i);
                sc.add(sv);
                wd.add((double) g.widths()[j]);
                rn.add(g.runs()[j]);
                ps.add(g.passes()[j]);
            }
            LevelSet.Cells gc = g.cells();
            for (int c = 0; c < gc.row().length; c++) {
                cellRow[ci] = first + gc.row()[c];
                cellCluster[ci] = gc.cluster()[c];
                cellRuns[ci] = gc.runs()[c];
                cellPass[ci] = gc.passes()[c];
                ci++;
            }
        }
        LevelSet.Design d = new LevelSet.Design(gIdx.stream().mapToInt(Integer::intValue).toArray(),
                sc.stream().mapToDouble(Double::doubleValue).toArray(), wd.stream().mapToDouble(Double::doubleValue).toArray(),
                rn.stream().mapToDouble(Double::doubleValue).toArray(), ps.stream().mapToDouble(Double::doubleValue).toArray());
        LevelSet.Exponent e = LevelSet.exponent(d, o.delta(), o.level(),
                o.clustered() ? new LevelSet.Cells(cellRow, cellCluster, cellRuns, cellPass) : null);
        if (e.censored() != null) {
            warnings.add("exponent" + where + ": " + (LevelSet.NO_INCREASE.equals(e.censored())
                    ? "passes do not increase with width" : "the interval reaches the end of the searched range ["
                    + LevelSet.ALPHA_MIN + ", " + LevelSet.ALPHA_MAX + "]"));
        }
        return new Fit(scale, fitKey, e, usable.size(), nMin, nMax);
    }

    /** The group's value of a scale variable, or null when unknown (no d or lambda0 stored). */
    static Double scaleValue(String scale, Group g) {
        return switch (scale) {
            case "n" -> (double) g.n();
            case "n/d" -> g.d() == null ? null : g.n() / (double) g.d();
            case "n/lambda0" -> g.lambda0() == null || !(g.lambda0() > 0) ? null : g.n() / g.lambda0();
            default -> throw new IllegalArgumentException("unknown scale " + scale);
        };
    }

    /** "SQL is true where the criterion's statistic was measured" (not null). */
    private static String measuredExpression(Criterion c) {
        return switch (c) {
            case BOUND_HOLDS -> "bound_holds IS NOT NULL";
            case LEMMA -> "lambda_min_h_min IS NOT NULL AND lambda0 IS NOT NULL";
            case TARGET -> "true"; // a missing steps_to_target is the measurement "not reached"
            case KERNEL -> "kernel_dev_init IS NOT NULL";
        };
    }

    static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    static String describe(List<String> axes, List<Object> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < axes.size(); i++) {
            sb.append(i == 0 ? "" : " ").append(axes.get(i)).append('=').append(values.get(i));
        }
        return sb.toString();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int c;
            if (x == null || y == null) {
                c = x == null ? (y == null ? 0 : -1) : 1;
            } else if (x instanceof Number nx && y instanceof Number ny) {
                c = Double.compare(nx.doubleValue(), ny.doubleValue());
            } else {
                c = ((Comparable) x).compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
