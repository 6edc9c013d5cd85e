package org.sweep.driver.analysis;

import java.util.Arrays;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.sweep.worker.SplitMix64;

/**
 * The width threshold m*_delta and the exponent alpha, estimated from pass counts with a logistic
 * pass curve in log m ({@link PassCurve}) and profile-likelihood intervals. Free of Spark, so it is
 * tested on simulated data with known answers ({@link Calibration}).
 *
 * <p><b>Why this model.</b> A run passes or not; over seeds the pass probability p(m) rises with the
 * width. A logistic link in x = log m, logit p = a + b x with b &gt;= 0, is monotone by construction,
 * has two parameters (so 10 seeds at a handful of widths pin it down), and makes the level set a
 * closed form: p(m*) = 1 - delta at log m* = (logit(1 - delta) - a) / b, a real number between (or
 * beyond) grid widths. Isotonic regression would also be monotone but can only place the level set
 * by linear interpolation between two grid widths and has no likelihood for intervals; it is kept as
 * a check ({@link #isotonic}). Probit and logit differ only in the tails, far from p = 0.9.
 *
 * <p><b>Intervals.</b> Profile penalized likelihood: theta = log m* is a parameter of the curve
 * (a = logit(1 - delta) - b theta), and the interval is the set of theta whose profile deviance
 * D(theta) = 2 (l*max - max_b l*(theta, b)) stays below the chi-squared(1) quantile of the level
 * (Venzon and Moolgavkar 1988; with Firth's penalty, Heinze and Schemper 2002). It needs no
 * resampling and no normal approximation of a ratio of estimates. Its coverage is checked on
 * simulated data by {@link Calibration} (table in the README).
 *
 * <p><b>Shared seeds.</b> The profile likelihood treats runs as independent given their design
 * point. They are not: a seed is reused at every width of a group (a narrower network's hidden
 * units are the first units of a wider one) and in every group (smaller n's data is a prefix of
 * larger n's), so the runs of one seed pass or fail together more often than chance. Given
 * {@link Cells} (which replicate each run belongs to), the interval is widened by the seeds' design
 * effect k, the ratio of the cluster-robust (sandwich) variance of the estimate to its model-based
 * one ({@link #designEffect}, {@link #critical}): the seed-resampling answer in closed form, each
 * seed with all its runs across widths and groups contributing one score. This is what a
 * seed-cluster bootstrap estimates, without its cost and without its failure on 10 clusters
 * that often show identical pass patterns.
 *
 * <p><b>Point estimate.</b> The level set of the Firth fit, log m^ = (logit(1 - delta) - a^) / b^, is
 * biased upwards with few seeds: the penalty flattens the curve, which moves its 90% point away from
 * the middle (+0.06 in log m with 10 seeds on a factor-2 grid, +0.15 on a factor-4 grid, in the
 * calibration). It is corrected by the parametric-bootstrap bias estimate ({@link #bootstrapBias});
 * after the correction the calibration's mean errors are within their standard errors. The interval
 * is the profile interval above, whose coverage needs no correction.
 *
 * <p><b>Censoring.</b> The curve is trusted only inside the grid [w_min, w_max]. Where the profile
 * deviance at an edge of the grid is still below the quantile, the interval reaches beyond the grid
 * and that end is null ({@code above_grid}: m*_hi unknown, the threshold may lie above the largest
 * width; {@code below_grid} likewise); where the estimate itself lies outside the grid, m* is null
 * too. A group with no increase of passes with width ({@code no_increase}: the constrained fit has
 * b = 0) has no threshold at all. Nothing is ever reported as a degenerate interval.
 *
 * <p><b>Exponent.</b> Across groups that differ in a scale variable s (log n, log n/d or log
 * n/lambda0), the joint model logit p = a + b (log m - alpha s) has one slope b and puts the
 * thresholds on the line log m*(s) = c + alpha s, c = (logit(1 - delta) - a) / b. alpha is fitted
 * from every run at once (groups whose threshold is beyond the grid still contribute their runs) and
 * gets its own profile interval; the fit's deviance against the saturated model and the likelihood
 * ratio against free per-group curves say how well one power law and one slope describe the data.
 */
public final class LevelSet {
    private LevelSet() {
    }

    /** Why an end of an interval is missing. */
    public static final String ABOVE_GRID = "above_grid";
    public static final String BELOW_GRID = "below_grid";
    public static final String WIDER_THAN_GRID = "wider_than_grid";
    public static final String NO_INCREASE = "no_increase";
    /** The exponent's interval reached the end of the searched range of alpha. */
    public static final String UNBOUNDED = "unbounded";

    /** The range of alpha searched; an interval that reaches an end is reported as unbounded there. */
    static final double ALPHA_MIN = -4;
    static final double ALPHA_MAX = 12;
    /** Step of the coarse scan of the alpha profile before the refinement. */
    static final double ALPHA_SCAN_STEP = 0.05;
    /** Bisection tolerance on log m and on alpha. */
    static final double ROOT_TOL = 1e-9;
    /** Parametric-bootstrap draws of the bias correction of log m* (200 give a bias error below 0.1 of its sd). */
    public static final int BIAS_DRAWS = 200;

    /**
     * One group's threshold.
     *
     * @param mStar    the width where the fitted pass probability is 1 - delta; null when outside the grid or no increase
     * @param lo       lower end of the interval; null when censored
     * @param hi       upper end; null when censored
     * @param censored null when lo and hi are both known, else {@link #ABOVE_GRID}, {@link #BELOW_GRID},
     *                 {@link #WIDER_THAN_GRID} or {@link #NO_INCREASE}
     * @param logMStar log m* even when outside the grid (NaN for no_increase); for tests and the search
     * @param slope    b, per unit of log m
     * @param designEffect the seed-cluster design effect k that widened the interval (NaN: not adjusted,
     *                 fewer than 2 clusters or no increase)
     * @param clusters replicates (clusters) behind the adjustment; 0 when not adjusted
     */
    public record Threshold(Double mStar, Double lo, Double hi, String censored, double logMStar, double slope,
                            double designEffect, int clusters) {
        public Threshold(Double mStar, Double lo, Double hi, String censored, double logMStar, double slope) {
            this(mStar, lo, hi, censored, logMStar, slope, Double.NaN, 0);
        }
    }

    /**
     * Which replicate each run of a design belongs to: one entry per (design row, replicate) cell,
     * with the cell's runs and passes. Runs that share a replicate (a seed, reused at every width
     * and in every group) may be correlated; the intervals are then widened by their design effect
     * ({@link #designEffect}).
     *
     * @param row     the design row of each cell (index into the design's arrays)
     * @param cluster the replicate of each cell, 0-based; equal ids across groups are the same replicate
     */
    public record Cells(int[] row, int[] cluster, double[] runs, double[] passes) {
        public Cells {
            int k = row.length;
            if (cluster.length != k || runs.length != k || passes.length != k) {
                throw new IllegalArgumentException("cell arrays differ in length");
            }
        }

        int clusters() {
            return (int) Arrays.stream(cluster).distinct().count();
        }

        /** Runs and passes per design row, summed over the cells: {runs, passes}, each of {@code rows} entries. */
        public double[][] totals(int rows) {
            double[] t = new double[rows];
            double[] s = new double[rows];
            for (int i = 0; i < row.length; i++) {
                t[row[i]] += runs[i];
                s[row[i]] += passes[i];
            }
            return new double[][] {t, s};
        }
    }

    /**
     * Threshold of one group.
     *
     * @param widths widths of the design points (any order, &gt; 0)
     * @param runs   runs per width
     * @param passes passing runs per width
     * @param delta  in (0, 1): m* is where p = 1 - delta
     * @param level  confidence level of the interval
     * @param biasDraws parametric-bootstrap draws for the bias correction of the point estimate (0: none)
     * @param seed   seed of the bias-correction stream
     */
    public static Threshold threshold(double[] widths, double[] runs, double[] passes, double delta, double level,
                                      int biasDraws, long seed) {
        return threshold(widths, runs, passes, delta, level, biasDraws, seed, null);
    }

    /**
     * Threshold of one group, its interval widened by the design effect of the replicates in
     * {@code cells} (null: runs independent, no adjustment).
     */
    public static Threshold threshold(double[] widths, double[] runs, double[] passes, double delta, double level,
                                      int biasDraws, long seed, Cells cells) {
        checkDelta(delta);
        double[] x = new double[widths.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = Math.log(widths[j]);
        }
        double xmin = Arrays.stream(x).min().orElseThrow();
        double xmax = Arrays.stream(x).max().orElseThrow();
        double lt = PassCurve.logit(1 - delta);
        PassCurve.Fit fit = PassCurve.fit(x, runs, passes);
        if (fit.atZero() || xmax - xmin < 1e-12) {
            return new Threshold(null, null, null, NO_INCREASE, Double.NaN, 0);
        }
        double thetaFit = (lt - fit.a()) / fit.b();
        double theta = thetaFit;
        if (biasDraws > 0) {
            double bias = bootstrapBias(x, runs, fit, lt, biasDraws, new SplitMix64(seed));
            if (Double.isFinite(bias)) {
                theta -= bias;
            }
        }
        // cluster-robust adjustment of the profile deviance of theta = log m* = (lt - a) / b
        double k = Double.NaN;
        int clusters = 0;
        if (cells != null) {
            double[][] feat = new double[x.length][];
            double[] p = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                feat[j] = new double[] {1, x[j]};
                p[j] = PassCurve.sigmoid(fit.a() + fit.b() * x[j]);
            }
            k = designEffect(feat, p, runs, cells, new double[] {-1 / fit.b(), -thetaFit / fit.b()});
            clusters = Double.isFinite(k) ? cells.clusters() : 0;
        }
        double crit = critical(level, k, clusters, true);
        java.util.function.DoubleUnaryOperator dev = th -> 2 * (fit.penalized() - PassCurve.profileAt(x, runs, passes, lt, th)[0]);
        double thc = Math.min(xmax, Math.max(xmin, theta));
        double dThc = dev.applyAsDouble(thc);
        double dMin = dev.applyAsDouble(xmin);
        double dMax = dev.applyAsDouble(xmax);
        Double lo = null;
        Double hi = null;
        if (dThc <= crit) {
            if (dMin > crit) {
                lo = Math.exp(root(dev, crit, xmin, thc));
            }
            if (dMax > crit) {
                hi = Math.exp(root(dev, crit, thc, xmax));
            }
        }
        String censored = null;
        if (lo == null && hi == null) {
            censored = dThc > crit ? (theta > xmax ? ABOVE_GRID : BELOW_GRID) : WIDER_THAN_GRID;
        } else if (hi == null) {
            censored = ABOVE_GRID;
        } else if (lo == null) {
            censored = BELOW_GRID;
        }
        Double m = theta >= xmin && theta <= xmax ? Math.exp(theta) : null;
        return new Threshold(m, lo, hi, censored, theta, fit.b(), k, clusters);
    }

    /**
     * The design effect of clustered runs on a scalar estimate psi = g(theta) of a logistic fit with
     * linear predictor eta_j = theta . f_j at design row j: the ratio of psi's cluster-robust
     * (sandwich) variance to its model-based one,
     * <pre>  k = (v' J v) / (v' H v),   v = H^-1 grad g,   H = sum_j t_j p_j (1 - p_j) f_j f_j',
     *   J = C/(C-1) sum_c (U_c - Ubar)(U_c - Ubar)',   U_c = sum_{cells of c} (s - t p_row) f_row</pre>
     * (Liang and Zeger 1986; the C/(C-1) small-sample factor of Cameron and Miller 2015). Only the
     * projection v' U_c, cluster c's influence on psi, is needed. Under independent runs E[J] = H and
     * k is near 1; runs of one seed that pass or fail together make k larger. The cluster scores are
     * centred because the penalized estimate does not zero the plain score. NaN when fewer than 2
     * clusters or H is singular.
     *
     * @param feat  f_j per design row (its gradient of eta)
     * @param p     fitted pass probability per design row
     * @param runs  runs per design row
     * @param grad  gradient of psi with respect to theta
     */
    static double designEffect(double[][] feat, double[] p, double[] runs, Cells cells, double[] grad) {
        int q = grad.length;
        double[][] h = new double[q][q];
        for (int j = 0; j < feat.length; j++) {
            double w = runs[j] * p[j] * (1 - p[j]);
            for (int u = 0; u < q; u++) {
                for (int v = 0; v < q; v++) {
                    h[u][v] += w * feat[j][u] * feat[j][v];
                }
            }
        }
        double[] v = solve(h, grad);
        if (v == null) {
            return Double.NaN;
        }
        double model = 0;
        for (int u = 0; u < q; u++) {
            model += v[u] * grad[u];
        }
        java.util.Map<Integer, Integer> index = new java.util.HashMap<>();
        for (int c : cells.cluster()) {
            index.putIfAbsent(c, index.size());
        }
        int clusters = index.size();
        if (clusters < 2 || !(model > 0)) {
            return Double.NaN;
        }
        double[] phi = new double[clusters];
        for (int i = 0; i < cells.row().length; i++) {
            int j = cells.row()[i];
            double r = cells.passes()[i] - cells.runs()[i] * p[j];
            double proj = 0;
            for (int u = 0; u < q; u++) {
                proj += v[u] * feat[j][u];
            }
            phi[index.get(cells.cluster()[i])] += r * proj;
        }
        double mean = Arrays.stream(phi).sum() / clusters;
        double ss = 0;
        for (double f : phi) {
            ss += (f - mean) * (f - mean);
        }
        return clusters / (clusters - 1.0) * ss / model;
    }

    /** Solves H v = g by Gaussian elimination with partial pivoting; null when H is singular. */
    private static double[] solve(double[][] hIn, double[] g) {
        int q = g.length;
        double[][] a = new double[q][q + 1];
        double scale = 0;
        for (int u = 0; u < q; u++) {
            System.arraycopy(hIn[u], 0, a[u], 0, q);
            a[u][q] = g[u];
            for (int v = 0; v < q; v++) {
                scale = Math.max(scale, Math.abs(hIn[u][v]));
            }
        }
        if (!(scale > 0)) {
            return null;
        }
        for (int col = 0; col < q; col++) {
            int piv = col;
            for (int r = col + 1; r < q; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
                    piv = r;
                }
            }
            if (Math.abs(a[piv][col]) <= 1e-14 * scale) {
                return null;
            }
            double[] t = a[piv];
            a[piv] = a[col];
            a[col] = t;
            for (int r = col + 1; r < q; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c <= q; c++) {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
        double[] v = new double[q];
        for (int r = q - 1; r >= 0; r--) {
            double s = a[r][q];
            for (int c = r + 1; c < q; c++) {
                s -= a[r][c] * v[c];
            }
            v[r] = s / a[r][r];
        }
        return v;
    }

    /**
     * The cut of the profile deviance. Without clusters: the chi-squared(1) quantile q of the level.
     * With C clusters and design effect k: k F, F the F(1, C - 1) quantile. Dividing the profile
     * deviance by k is the scalar adjustment of the profile likelihood for clustered data (Chandler
     * and Bate 2007, Biometrika 94:167); F, the square of Student's t with C - 1 degrees of freedom,
     * allows for k being estimated from only C clusters (Cameron and Miller 2015, J. Human Resources
     * 50:317).
     *
     * <p>With {@code floor}, the cut is max(q, k F): the interval is never narrower than the
     * model-based one. One group's m* needs it: with 10 seeds and a sharp transition every seed
     * often shows the same pass pattern, k is then near 0, and the unfloored cut gave degenerate
     * intervals (m* coverage 0.84 in the calibration). alpha, fitted from every group at once, does
     * not: there k below 1 is real (a seed that shifts every group's threshold alike leaves alpha
     * alone, so the groups' thresholds are compared more precisely than independent runs would
     * allow), and a floor made its intervals cover in up to 100% of the replications.
     *
     * <p>Calibration ({@link Calibration}, 200 replications per row, 10 and 30 seeds, grid factors 2
     * and 4; the README's table): with seed shifts of sd 3 on the logit, unadjusted intervals covered
     * alpha in 76-95% and m* in 85-95% of the replications.
     */
    static double critical(double level, double k, int clusters, boolean floor) {
        if (!Double.isFinite(k) || clusters < 2) {
            return quantile(level);
        }
        double cut = k * fQuantile(level, clusters - 1);
        return floor ? Math.max(quantile(level), cut) : cut;
    }

    /** F(1, df) quantile at the level: the square of Student's t, for a variance estimated from df clusters. */
    static double fQuantile(double level, int df) {
        return new org.apache.commons.math3.distribution.FDistribution(null, 1, df).inverseCumulativeProbability(level);
    }

    /**
     * Parametric-bootstrap estimate of the bias of log m^: the mean of log m^ over {@code draws}
     * data sets drawn from the fitted curve at the same design, minus log m^ (Efron and Tibshirani
     * 1993, ch. 10). Draws whose fit shows no increase are skipped; NaN when all are.
     */
    static double bootstrapBias(double[] x, double[] runs, PassCurve.Fit fit, double lt, int draws,
                                SplitMix64 rng) {
        double theta = (lt - fit.a()) / fit.b();
        double[] s = new double[x.length];
        double sum = 0;
        int used = 0;
        for (int r = 0; r < draws; r++) {
            for (int j = 0; j < x.length; j++) {
                double p = PassCurve.sigmoid(fit.a() + fit.b() * x[j]);
                int ok = 0;
                for (int q = 0; q < (int) runs[j]; q++) {
                    ok += uniform(rng) < p ? 1 : 0;
                }
                s[j] = ok;
            }
            PassCurve.Fit f = PassCurve.fit(x, runs, s);
            if (!f.atZero()) {
                sum += (lt - f.a()) / f.b();
                used++;
            }
        }
        return used == 0 ? Double.NaN : sum / used - theta;
    }

    /** Uniform double in [0, 1) from the top 53 bits. */
    static double uniform(SplitMix64 rng) {
        return (rng.nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * The joint power-law fit.
     *
     * @param alpha     the exponent; null when no increase or when the profile has no interior maximum in the searched range
     * @param lo        interval ends (null when unbounded within [{@value #ALPHA_MIN}, {@value #ALPHA_MAX}])
     * @param hi
     * @param censored  null, {@link #UNBOUNDED} or {@link #NO_INCREASE}
     * @param intercept c of log m*(s) = c + alpha s (natural logs)
     * @param slope     b, per unit of log m
     * @param deviance  G^2 of the fitted model against the saturated one (one free p per design point)
     * @param devianceDf design points - 3
     * @param devianceP upper tail of chi-squared(df) at the deviance (rough when counts are small)
     * @param lrGroups  2 (sum of the per-group curves' log-likelihoods - the joint one): how much
     *                  free per-group curves explain beyond one power law with one slope
     * @param lrGroupsDf 2 groups - 3
     * @param lrGroupsP upper tail of chi-squared(lrGroupsDf)
     * @param designEffect the seed-cluster design effect k of alpha (NaN: not adjusted)
     * @param clusters  replicates behind the adjustment (0: not adjusted)
     */
    public record Exponent(Double alpha, Double lo, Double hi, String censored, Double intercept, Double slope,
                           double deviance, int devianceDf, Double devianceP, Double lrGroups, int lrGroupsDf,
                           Double lrGroupsP, double designEffect, int clusters) {
    }

    /**
     * Design of a joint fit: one row per (group, width) with runs and passes.
     *
     * @param group  index of the group of each row (0 .. groups - 1)
     * @param scale  the group's scale variable s (log n, say), per row
     * @param width  the width, per row
     */
    public record Design(int[] group, double[] scale, double[] width, double[] runs, double[] passes) {
        public Design {
            int k = group.length;
            if (scale.length != k || width.length != k || runs.length != k || passes.length != k) {
                throw new IllegalArgumentException("design arrays differ in length");
            }
        }

        int groups() {
            return Arrays.stream(group).max().orElse(-1) + 1;
        }
    }

    /** Fits alpha of log m*(s) = c + alpha s on every row of the design at once. */
    public static Exponent exponent(Design d, double delta, double level) {
        return exponent(d, delta, level, null);
    }

    /**
     * Same, with the interval widened by the design effect of the replicates in {@code cells}
     * (rows index the design; equal cluster ids in different groups are the same seed).
     */
    public static Exponent exponent(Design d, double delta, double level, Cells cells) {
        checkDelta(delta);
        double lt = PassCurve.logit(1 - delta);
        int k = d.width().length;
        double[] logm = new double[k];
        for (int j = 0; j < k; j++) {
            logm[j] = Math.log(d.width()[j]);
        }
        double[] z = new double[k];
        java.util.function.DoubleFunction<PassCurve.Fit> at = al -> {
            for (int j = 0; j < k; j++) {
                z[j] = logm[j] - al * d.scale()[j];
            }
            return PassCurve.fit(z, d.runs(), d.passes());
        };
        // coarse scan, then golden-section refinement around the best scanned point
        int steps = (int) Math.round((ALPHA_MAX - ALPHA_MIN) / ALPHA_SCAN_STEP);
        double best = Double.NEGATIVE_INFINITY;
        double bestA = Double.NaN;
        for (int i = 0; i <= steps; i++) {
            double al = ALPHA_MIN + i * ALPHA_SCAN_STEP;
            double v = at.apply(al).penalized();
            if (v > best) {
                best = v;
                bestA = al;
            }
        }
        double lo = Math.max(ALPHA_MIN, bestA - ALPHA_SCAN_STEP);
        double hi = Math.min(ALPHA_MAX, bestA + ALPHA_SCAN_STEP);
        double gr = (Math.sqrt(5) - 1) / 2;
        double c1 = hi - gr * (hi - lo);
        double c2 = lo + gr * (hi - lo);
        double f1 = at.apply(c1).penalized();
        double f2 = at.apply(c2).penalized();
        while (hi - lo > ROOT_TOL) {
            if (f1 >= f2) {
                hi = c2;
                c2 = c1;
                f2 = f1;
                c1 = hi - gr * (hi - lo);
                f1 = at.apply(c1).penalized();
            } else {
                lo = c1;
                c1 = c2;
                f1 = f2;
                c2 = lo + gr * (hi - lo);
                f2 = at.apply(c2).penalized();
            }
        }
        double alpha = 0.5 * (lo + hi);
        PassCurve.Fit fit = at.apply(alpha);
        if (fit.penalized() < best) {
            alpha = bestA;
            fit = at.apply(alpha);
        }
        double[] gof = goodness(d, fit, alpha, logm);
        int groupsN = d.groups();
        int dfDev = k - 3;
        int dfLr = 2 * groupsN - 3;
        double lr = lrGroups(d, logm, fit.logLik());
        Double lrP = dfLr > 0 ? upperTail(Math.max(0, lr), dfLr) : null;
        Double devP = dfDev > 0 ? upperTail(gof[0], dfDev) : null;
        if (fit.atZero()) {
            return new Exponent(null, null, null, NO_INCREASE, null, 0.0, gof[0], dfDev, devP, lr, dfLr, lrP,
                    Double.NaN, 0);
        }
        double deff = Double.NaN;
        int clusters = 0;
        if (cells != null) {
            // eta_j = a + b (log m_j - alpha s_j): gradient (1, log m_j - alpha s_j, -b s_j); psi = alpha
            double[][] feat = new double[logm.length][];
            double[] p = new double[logm.length];
            for (int j = 0; j < logm.length; j++) {
                double zj = logm[j] - alpha * d.scale()[j];
                feat[j] = new double[] {1, zj, -fit.b() * d.scale()[j]};
                p[j] = PassCurve.sigmoid(fit.a() + fit.b() * zj);
            }
            deff = designEffect(feat, p, d.runs(), cells, new double[] {0, 0, 1});
            clusters = Double.isFinite(deff) ? cells.clusters() : 0;
        }
        double peak = fit.penalized();
        double crit = critical(level, deff, clusters, false);
        java.util.function.DoubleUnaryOperator dev = al -> 2 * (peak - at.apply(al).penalized());
        Double aLo = dev.applyAsDouble(ALPHA_MIN) > crit ? root(dev, crit, ALPHA_MIN, alpha) : null;
        Double aHi = dev.applyAsDouble(ALPHA_MAX) > crit ? root(dev, crit, alpha, ALPHA_MAX) : null;
        double c = (lt - fit.a()) / fit.b();
        return new Exponent(alpha, aLo, aHi, aLo == null || aHi == null ? UNBOUNDED : null, c, fit.b(), gof[0], dfDev,
                devP, lr, dfLr, lrP, deff, clusters);
    }

    /** {deviance} of the joint fit against the saturated model. */
    private static double[] goodness(Design d, PassCurve.Fit fit, double alpha, double[] logm) {
        double g2 = 0;
        for (int j = 0; j < logm.length; j++) {
            double p = PassCurve.sigmoid(fit.a() + fit.b() * (logm[j] - alpha * d.scale()[j]));
            double t = d.runs()[j];
            double s = d.passes()[j];
            if (s > 0) {
                g2 += 2 * s * Math.log(s / (t * p));
            }
            if (t - s > 0) {
                g2 += 2 * (t - s) * Math.log((t - s) / (t * (1 - p)));
            }
        }
        return new double[] {g2};
    }

    /** 2 (sum over groups of the free curve's log-likelihood - the joint one). */
    private static double lrGroups(Design d, double[] logm, double jointLogLik) {
        double sum = 0;
        for (int g = 0; g < d.groups(); g++) {
            int gg = g;
            int[] rows = java.util.stream.IntStream.range(0, logm.length).filter(j -> d.group()[j] == gg).toArray();
            if (rows.length == 0) {
                continue;
            }
            double[] x = new double[rows.length];
            double[] t = new double[rows.length];
            double[] s = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                x[i] = logm[rows[i]];
                t[i] = d.runs()[rows[i]];
                s[i] = d.passes()[rows[i]];
            }
            sum += PassCurve.fit(x, t, s).logLik();
        }
        return 2 * (sum - jointLogLik);
    }

    /**
     * Isotonic (pool-adjacent-violators) pass fractions over ascending widths and the width where
     * they reach 1 - delta, linearly interpolated in log m between the two grid widths around it;
     * NaN when the fitted fractions never reach it, the smallest width when they start above it.
     * A model-free check of the logistic estimate.
     */
    public static double isotonic(double[] widths, double[] runs, double[] passes, double delta) {
        Integer[] order = new Integer[widths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(widths[i], widths[j]));
        int n = widths.length;
        double[] val = new double[n];
        double[] wt = new double[n];
        int[] len = new int[n];
        int blocks = 0;
        for (int q = 0; q < n; q++) {
            int i = order[q];
            val[blocks] = passes[i] / runs[i];
            wt[blocks] = runs[i];
            len[blocks] = 1;
            blocks++;
            while (blocks > 1 && val[blocks - 2] > val[blocks - 1]) {
                double w = wt[blocks - 2] + wt[blocks - 1];
                val[blocks - 2] = (val[blocks - 2] * wt[blocks - 2] + val[blocks - 1] * wt[blocks - 1]) / w;
                wt[blocks - 2] = w;
                len[blocks - 2] += len[blocks - 1];
                blocks--;
            }
        }
        double[] fitted = new double[n];
        int q = 0;
        for (int b = 0; b < blocks; b++) {
            for (int r = 0; r < len[b]; r++) {
                fitted[q++] = val[b];
            }
        }
        double target = 1 - delta;
        for (int q2 = 0; q2 < n; q2++) {
            if (fitted[q2] >= target - 1e-12) {
                if (q2 == 0) {
                    return widths[order[0]];
                }
                double x0 = Math.log(widths[order[q2 - 1]]);
                double x1 = Math.log(widths[order[q2]]);
                double f0 = fitted[q2 - 1];
                double f1 = fitted[q2];
                return Math.exp(x0 + (target - f0) / (f1 - f0) * (x1 - x0));
            }
        }
        return Double.NaN;
    }

    /** chi-squared(1) quantile at the level: the profile-deviance cut of a two-sided interval. */
    static double quantile(double level) {
        return new ChiSquaredDistribution(null, 1).inverseCumulativeProbability(level);
    }

    private static double upperTail(double x, int df) {
        return 1 - new ChiSquaredDistribution(null, df).cumulativeProbability(x);
    }

    /** x in [a, b] with f(x) = c by bisection; f - c must change sign between a and b. */
    private static double root(java.util.function.DoubleUnaryOperator f, double c, double a, double b) {
        double fa = f.applyAsDouble(a) - c;
        for (int it = 0; it < 200 && b - a > ROOT_TOL; it++) {
            double m = 0.5 * (a + b);
            double fm = f.applyAsDouble(m) - c;
            if ((fm > 0) == (fa > 0)) {
                a = m;
                fa = fm;
            } else {
                b = m;
            }
        }
        return 0.5 * (a + b);
    }

    private static void checkDelta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("--delta " + delta + ": the fitted pass curve reaches 1 - delta only "
                    + "for delta in (0, 1)");
        }
    }
}
