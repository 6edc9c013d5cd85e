package org.sweep.driver.analysis;

import org.sweep.worker.SplitMix64;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

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
 * {@code analyze threshold}: the empirical width threshold m* per group of grid axes, its bootstrap
 * interval over seeds, and the scaling exponent alpha of log m* = alpha log n + c (science.md 3:
 * Du et al. need m ~ n^6, Song and Yang n^4).
 *
 * <p>Steps: (1) Spark SQL marks each run of the sweep as passing or not ({@link Criterion}) and
 * finds the grid axes: every task-parameter column that varies within the sweep, except width and
 * the replicate columns (default: seed). The step size enters as {@code eta_factor} for relative
 * eta modes and as {@code eta} for absolute ones, because the stored {@code eta} of a relative mode
 * is the resolved step size, which varies with the data. (2) Spark aggregates runs to one pass
 * flag per (group, width, replicate). (3) On the driver, per group: the median m_du over its runs,
 * m* ({@link ThresholdMath}), the percentile bootstrap interval from B resamples of the group's
 * seeds (each resample draws as many seeds as the group has, with replacement, and recomputes the
 * pass fraction of every width over the drawn seeds), and across n the least-squares slope alpha
 * with its interval from the same resamples. Only bracketed groups enter the fit.
 */
public final class ThresholdAnalysis {
    /** Du et al. (2019), Theorem 4.1: m = Omega(n^6 / (lambda_0^4 delta^3)). */
    public static final double THEORY_DU = 6;
    /** Song and Yang (2019): m = Omega(n^4 polylog / lambda_0^4). */
    public static final double THEORY_SONG_YANG = 4;

    /** Task-parameter columns of {@code runs} that can be grid axes, in display order (n first). */
    static final List<String> CANDIDATE_AXES = List.of("n", "d", "eta_mode", "eta", "labels", "kappa", "data_kind",
            "dataset", "data_seed", "seed", "steps", "target_loss_ratio", "loss", "activation", "batch_size",
            "train_layers", "checkpoints", "spectrum_checkpoints");

    private ThresholdAnalysis() {
    }

    /** One group's estimate. */
    public record Group(List<Object> axes, int[] widths, double[] passFraction, int seeds, Integer mStar,
                        Integer mStarLo, Integer mStarHi, ThresholdMath.Bracket bracket, Double mDu,
                        double[] bootstrapMStar) {
    }

    /** One exponent fit over n. */
    public record Fit(List<Object> axes, Double alpha, Double alphaLo, Double alphaHi, Double intercept, int points,
                      Integer nMin, Integer nMax, int bootstrapUsed) {
    }

    /**
     * Everything the analysis produced.
     *
     * @param axes        the group axes (n first), as fields of the runs schema
     * @param fitAxes     the axes of an exponent fit (the group axes without n)
     * @param failedRuns  runs with status 'failed', left out
     * @param warnings    bracketing and fitting remarks, one line each
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

        /** Schema of the {@code exponents} table (sweep and criterion included). */
        public StructType exponentsSchema() {
            List<StructField> f = new ArrayList<>();
            f.add(DataTypes.createStructField("sweep", DataTypes.StringType, false));
            f.add(DataTypes.createStructField("criterion", DataTypes.StringType, false));
            f.add(DataTypes.createStructField("delta", DataTypes.DoubleType, false));
            f.addAll(fitAxes);
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
                v.add(g.mStar());
                v.add(g.mStarLo());
                v.add(g.mStarHi());
                v.add(g.seeds());
                v.add(g.widths().length);
                v.add(g.widths()[0]);
                v.add(g.widths()[g.widths().length - 1]);
                v.add(g.bracket() == ThresholdMath.Bracket.BRACKETED);
                v.add(g.bracket().key());
                v.add(g.mDu());
                v.add(g.mStar() == null || g.mDu() == null ? null : g.mStar() / g.mDu());
                v.add(o.bootstrap());
                v.add(o.level());
                v.add(o.criterion() == Criterion.KERNEL ? o.tolerance() : null);
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
                v.addAll(fit.axes());
                v.add(fit.alpha());
                v.add(fit.alphaLo());
                v.add(fit.alphaHi());
                v.add(fit.intercept());
                v.add(fit.points());
                v.add(fit.nMin());
                v.add(fit.nMax());
                v.add(fit.bootstrapUsed());
                v.add(THEORY_DU);
                v.add(THEORY_SONG_YANG);
                rows.add(RowFactory.create(v.toArray()));
            }
            return rows;
        }
    }

    /**
     * Runs the analysis on a {@code runs} DataFrame (any superset of the columns used; rows of
     * other sweeps are ignored when it has a {@code sweep} column).
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
        long total = stats.getLong(stats.fieldIndex("runs"));
        if (total == 0) {
            throw new IllegalArgumentException("no runs of sweep '" + o.sweep() + "'");
        }
        long failed = stats.getLong(stats.fieldIndex("failed"));
        if (stats.getLong(stats.fieldIndex("measured")) == 0) {
            throw new IllegalArgumentException("criterion " + o.criterion().key() + " needs " + o.criterion().columns()
                    + ", which no successful run of sweep '" + o.sweep() + "' has"
                    + (o.criterion() == Criterion.LEMMA ? " (set spectrum_checkpoints > 0)" : ""));
        }
        long withFactor = hasFactor ? stats.getLong(stats.fieldIndex("with_factor")) : 0;

        // group axes: n always; eta replaced by eta_factor or a coalesced setting (see class comment)
        Map<String, String> axisExpr = new LinkedHashMap<>();
        Map<String, StructField> axisField = new LinkedHashMap<>();
        for (String c : candidates) {
            long distinct = stats.getLong(stats.fieldIndex("distinct_" + c));
            long nulls = stats.getLong(stats.fieldIndex("nulls_" + c));
            boolean varies = distinct + (nulls > 0 ? 1 : 0) > 1;
            if (c.equals("eta") && hasFactor && withFactor > 0) {
                long df = stats.getLong(stats.fieldIndex("distinct_eta_factor"));
                String name = withFactor == total ? "eta_factor" : "eta_setting";
                String e = withFactor == total ? "eta_factor" : "coalesce(eta_factor, eta)";
                if (df + (withFactor < total ? 1 : 0) > 1) {
                    axisExpr.put(name, e);
                    axisField.put(name, DataTypes.createStructField(name, DataTypes.DoubleType, true));
                }
                continue;
            }
            if (c.equals("n") || varies) {
                axisExpr.put(c, quote(c));
                axisField.put(c, schema.apply(c));
            }
        }
        List<String> axes = new ArrayList<>(axisExpr.keySet());

        // (2) one pass flag and m_du per (group, width, replicate); the median m_du per group follows on the driver
        List<Column> sel = new ArrayList<>();
        for (Map.Entry<String, String> e : axisExpr.entrySet()) {
            sel.add(expr(e.getValue()).as(e.getKey()));
        }
        sel.add(col("width"));
        StringBuilder rep = new StringBuilder("concat_ws('/'");
        for (String r : o.replicates()) {
            rep.append(", cast(").append(quote(r)).append(" as string)");
        }
        sel.add(expr(rep.append(")").toString()).as("replicate"));
        sel.add(expr("cast(" + o.criterion().passExpression(o.tolerance()) + " as int)").as("pass"));
        sel.add(names.contains("m_du") ? col("m_du") : lit(null).cast(DataTypes.DoubleType).as("m_du"));
        Dataset<Row> flags = runs.where(expr("status <> 'failed'")).select(sel.toArray(new Column[0]));
        flags.createOrReplaceTempView("threshold_flags");
        String axisList = String.join(", ", axes.stream().map(ThresholdAnalysis::quote).toList());
        List<Row> cells = flags.sparkSession().sql("SELECT " + axisList + ", width, replicate, count(*) AS k, sum(pass) AS p, "
                + "max(m_du) AS m_du FROM threshold_flags GROUP BY " + axisList + ", width, replicate ORDER BY " + axisList
                + ", width, replicate").collectAsList();

        int na = axes.size();
        // cells per group
        Map<List<Object>, List<Row>> byGroup = new TreeMap<>(ThresholdAnalysis::compareKeys);
        for (Row r : cells) {
            if (r.getLong(na + 2) > 1) {
                throw new IllegalArgumentException("sweep '" + o.sweep() + "' has " + r.getLong(na + 2) + " runs for "
                        + describe(axes, key(r, 0, na)) + " width=" + r.getInt(na) + " replicate " + o.replicates() + "="
                        + r.getString(na + 1) + ": name the column that tells them apart in --replicates");
            }
            byGroup.computeIfAbsent(key(r, 0, na), k -> new ArrayList<>()).add(r);
        }

        // (3) per group: m*, bracket, bootstrap
        List<Group> groups = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int gi = 0;
        for (Map.Entry<List<Object>, List<Row>> e : byGroup.entrySet()) {
            double[] mdu = e.getValue().stream().mapToDouble(r -> r.isNullAt(na + 4) ? Double.NaN : r.getDouble(na + 4)).toArray();
            double mduMedian = ThresholdMath.median(mdu);
            Group g = estimate(e.getKey(), e.getValue(), na, Double.isNaN(mduMedian) ? null : mduMedian, o, gi++);
            groups.add(g);
            String where = describe(axes, g.axes());
            if (g.bracket() == ThresholdMath.Bracket.NONE_PASS) {
                warnings.add(String.format(Locale.ROOT, "NOT BRACKETED %s: no width up to %d reaches pass fraction %.2f "
                                + "(largest width: %.2f); the threshold lies above the grid: add larger widths",
                        where, g.widths()[g.widths().length - 1], 1 - o.delta(), lastFinite(g.passFraction())));
            } else if (g.bracket() == ThresholdMath.Bracket.ALL_PASS) {
                warnings.add(String.format(Locale.ROOT, "NOT BRACKETED %s: every width passes, from the smallest (%d) on; "
                        + "m* <= %d is only an upper bound: add smaller widths", where, g.widths()[0], g.widths()[0]));
            }
        }

        // (4) exponent fits across n, one per combination of the other axes
        List<StructField> fitAxes = new ArrayList<>(axisField.values());
        fitAxes.remove(0); // n
        Map<List<Object>, List<Group>> byFit = new TreeMap<>(ThresholdAnalysis::compareKeys);
        for (Group g : groups) {
            byFit.computeIfAbsent(g.axes().subList(1, na), k -> new ArrayList<>()).add(g);
        }
        List<Fit> fits = new ArrayList<>();
        for (Map.Entry<List<Object>, List<Group>> e : byFit.entrySet()) {
            fits.add(fit(e.getKey(), e.getValue(), o, axes.subList(1, na), warnings));
        }
        return new Result(o, new ArrayList<>(axisField.values()), fitAxes, groups, fits, total, failed, warnings);
    }

    private static Group estimate(List<Object> axes, List<Row> cells, int na, Double mDu, ThresholdOptions o, int groupIndex) {
        int[] widths = cells.stream().mapToInt(r -> r.getInt(na)).distinct().sorted().toArray();
        String[] reps = cells.stream().map(r -> r.getString(na + 1)).distinct().sorted().toArray(String[]::new);
        byte[][] pass = new byte[widths.length][reps.length];
        for (byte[] row : pass) {
            Arrays.fill(row, (byte) -1);
        }
        for (Row r : cells) {
            int k = Arrays.binarySearch(widths, r.getInt(na));
            int s = Arrays.binarySearch(reps, r.getString(na + 1));
            pass[k][s] = (byte) (r.getLong(na + 3) > 0 ? 1 : 0);
        }
        int[] all = new int[reps.length];
        for (int s = 0; s < all.length; s++) {
            all[s] = s;
        }
        double[] frac = ThresholdMath.passFractions(pass, all);
        int k = ThresholdMath.thresholdIndex(frac, o.delta());
        Integer mStar = k < 0 ? null : widths[k];
        ThresholdMath.Bracket bracket = ThresholdMath.bracket(frac, o.delta());

        double[] boot = new double[o.bootstrap()];
        SplitMix64 rng = new SplitMix64(o.seed() * 0x9E3779B97F4A7C15L + groupIndex);
        int[] draw = new int[reps.length];
        for (int b = 0; b < boot.length; b++) {
            for (int s = 0; s < draw.length; s++) {
                draw[s] = rng.nextInt(reps.length);
            }
            int kb = ThresholdMath.thresholdIndex(ThresholdMath.passFractions(pass, draw), o.delta());
            boot[b] = kb < 0 ? Double.POSITIVE_INFINITY : widths[kb];
        }
        Integer lo = null;
        Integer hi = null;
        if (boot.length > 0) {
            double[] ci = ThresholdMath.percentileInterval(boot, o.level());
            lo = Double.isFinite(ci[0]) ? (int) ci[0] : null;
            hi = Double.isFinite(ci[1]) ? (int) ci[1] : null;
        }
        return new Group(axes, widths, frac, reps.length, mStar, lo, hi, bracket, mDu, boot);
    }

    private static Fit fit(List<Object> fitKey, List<Group> groups, ThresholdOptions o, List<String> fitAxisNames,
                           List<String> warnings) {
        List<Group> pts = groups.stream().filter(g -> g.bracket() == ThresholdMath.Bracket.BRACKETED).toList();
        String where = fitAxisNames.isEmpty() ? "" : " (" + describe(fitAxisNames, fitKey) + ")";
        List<Group> left = groups.stream().filter(g -> g.bracket() != ThresholdMath.Bracket.BRACKETED).toList();
        if (!left.isEmpty()) {
            warnings.add("exponent fit" + where + " leaves out the unbracketed n = "
                    + left.stream().map(g -> String.valueOf(g.axes().get(0))).toList());
        }
        long distinctN = pts.stream().map(g -> ((Number) g.axes().get(0)).intValue()).distinct().count();
        Integer nMin = pts.stream().map(g -> ((Number) g.axes().get(0)).intValue()).min(Integer::compare).orElse(null);
        Integer nMax = pts.stream().map(g -> ((Number) g.axes().get(0)).intValue()).max(Integer::compare).orElse(null);
        if (distinctN < 2) {
            warnings.add("no exponent fit" + where + ": " + distinctN + " bracketed value(s) of n; at least 2 needed");
            return new Fit(fitKey, null, null, null, null, pts.size(), nMin, nMax, 0);
        }
        double[] x = new double[pts.size()];
        double[] y = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.log(((Number) pts.get(i).axes().get(0)).doubleValue());
            y[i] = Math.log(pts.get(i).mStar());
        }
        double[] ls = ThresholdMath.leastSquares(x, y);
        List<Double> slopes = new ArrayList<>();
        for (int b = 0; b < o.bootstrap(); b++) {
            double[] yb = new double[x.length];
            boolean ok = true;
            for (int i = 0; i < x.length && ok; i++) {
                double m = pts.get(i).bootstrapMStar()[b];
                ok = Double.isFinite(m);
                yb[i] = Math.log(m);
            }
            if (ok) {
                slopes.add(ThresholdMath.leastSquares(x, yb)[0]);
            }
        }
        Double lo = null;
        Double hi = null;
        if (!slopes.isEmpty()) {
            double[] ci = ThresholdMath.percentileInterval(slopes.stream().mapToDouble(Double::doubleValue).toArray(), o.level());
            lo = ci[0];
            hi = ci[1];
        }
        if (o.bootstrap() > 0 && slopes.size() < o.bootstrap()) {
            warnings.add(String.format(Locale.ROOT, "exponent interval%s uses %d of %d resamples (the others had no "
                    + "threshold in the grid at some n)", where, slopes.size(), o.bootstrap()));
        }
        return new Fit(fitKey, ls[0], lo, hi, ls[1], pts.size(), nMin, nMax, slopes.size());
    }

    /** "SQL is true where the criterion's statistic was measured" (not null). */
    private static String measuredExpression(Criterion c) {
        return switch (c) {
            case BOUND_HOLDS -> "bound_holds IS NOT NULL";
            case LEMMA -> "lambda_min_h_min IS NOT NULL AND lambda0 IS NOT NULL";
            case TARGET -> "true"; // a missing steps_to_target is the measurement "not reached"
            case KERNEL -> "kernel_dev IS NOT NULL";
        };
    }

    static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    private static List<Object> key(Row r, int from, int len) {
        List<Object> k = new ArrayList<>(len);
        for (int i = from; i < from + len; i++) {
            k.add(r.get(i));
        }
        return k;
    }

    static String describe(List<String> axes, List<Object> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < axes.size(); i++) {
            sb.append(i == 0 ? "" : " ").append(axes.get(i)).append('=').append(values.get(i));
        }
        return sb.toString();
    }

    private static double lastFinite(double[] v) {
        for (int i = v.length - 1; i >= 0; i--) {
            if (!Double.isNaN(v[i])) {
                return v[i];
            }
        }
        return Double.NaN;
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
