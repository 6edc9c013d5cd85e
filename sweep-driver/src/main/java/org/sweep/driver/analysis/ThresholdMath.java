package org.sweep.driver.analysis;

import java.util.Arrays;

/**
 * The numerical core of the width-threshold analysis, free of Spark so it can be tested against
 * closed forms.
 *
 * <p><b>Threshold.</b> For one group of runs (fixed n and other axes) with grid widths
 * w_1 &lt; ... &lt; w_K and pass fractions p_k over seeds, the empirical threshold is
 * <pre>  m* = min { w_k : p_j &gt;= 1 - delta for every j &gt;= k }</pre>
 * the smallest width from which on every larger width of the grid passes. This is robust to a
 * lucky small width (a pass below a failing width does not count) and equals the usual definition
 * when the pass fraction is monotone in width. m* does not exist when the largest width fails
 * ("none pass": the threshold lies above the grid); when the smallest width already passes
 * ("all pass") m* = w_1 is only an upper bound. In both cases the grid does not bracket the
 * threshold.
 */
public final class ThresholdMath {
    private ThresholdMath() {
    }

    /** Whether the grid brackets the threshold of a group. */
    public enum Bracket {
        /** The smallest width fails and the largest passes: m* is determined by the grid. */
        BRACKETED,
        /** Every width from the smallest on passes: the true threshold is at most w_1. */
        ALL_PASS,
        /** The largest width fails: the threshold is above the grid. */
        NONE_PASS;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Index of m* in {@code widths}, or -1 when the largest width fails. NaN fractions (no run at
     * that width) are skipped.
     *
     * @param passFraction pass fraction per width, same order as the ascending grid
     */
    public static int thresholdIndex(double[] passFraction, double delta) {
        int k = -1;
        for (int j = passFraction.length - 1; j >= 0; j--) {
            if (Double.isNaN(passFraction[j])) {
                continue;
            }
            if (passFraction[j] >= 1 - delta - FRACTION_EPS) {
                k = j;
            } else {
                break;
            }
        }
        return k;
    }

    /**
     * Fractions are counts over seeds (e.g. 9/10 against 1 - 0.1): this absorbs the rounding of
     * 1 - delta so that exactly 1 - delta passes.
     */
    static final double FRACTION_EPS = 1e-12;

    public static Bracket bracket(double[] passFraction, double delta) {
        int k = thresholdIndex(passFraction, delta);
        if (k < 0) {
            return Bracket.NONE_PASS;
        }
        for (int j = 0; j < k; j++) {
            if (!Double.isNaN(passFraction[j])) {
                return Bracket.BRACKETED;
            }
        }
        return Bracket.ALL_PASS;
    }

    /**
     * Pass fraction per width over a multiset of seeds.
     *
     * @param pass  pass[k][s]: 1 pass, 0 fail, -1 no run of seed s at width k
     * @param draw  seed indices (with repetitions in a bootstrap resample)
     */
    public static double[] passFractions(byte[][] pass, int[] draw) {
        double[] f = new double[pass.length];
        for (int k = 0; k < pass.length; k++) {
            int runs = 0;
            int ok = 0;
            for (int s : draw) {
                byte v = pass[k][s];
                if (v >= 0) {
                    runs++;
                    ok += v;
                }
            }
            f[k] = runs == 0 ? Double.NaN : ok / (double) runs;
        }
        return f;
    }

    /**
     * Ordinary least squares y = slope * x + intercept.
     *
     * @return {slope, intercept}
     */
    public static double[] leastSquares(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("least squares needs >= 2 points of (x, y); got " + x.length + ", " + y.length);
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= y.length;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("least squares needs at least two distinct x values");
        }
        double slope = sxy / sxx;
        return new double[] {slope, my - slope * mx};
    }

    /**
     * Percentile interval of bootstrap replicates: the order statistics at ranks
     * floor(q_lo (B - 1)) and ceil(q_hi (B - 1)) of the sorted replicates, q = (1 -+ level) / 2.
     * Rounding outwards keeps discrete values (grid widths) on the grid and the interval
     * conservative. Replicates may be +Infinity (no threshold in the grid).
     *
     * @return {lo, hi}
     */
    public static double[] percentileInterval(double[] replicates, double level) {
        if (replicates.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] s = replicates.clone();
        Arrays.sort(s);
        double qlo = (1 - level) / 2;
        double qhi = (1 + level) / 2;
        int lo = (int) Math.floor(qlo * (s.length - 1) + 1e-9);
        int hi = (int) Math.ceil(qhi * (s.length - 1) - 1e-9);
        return new double[] {s[lo], s[hi]};
    }

    /** Median of the finite values, NaN when there are none. */
    public static double median(double[] v) {
        double[] f = Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
        if (f.length == 0) {
            return Double.NaN;
        }
        int h = f.length / 2;
        return f.length % 2 == 1 ? f[h] : (f[h - 1] + f[h]) / 2;
    }

}
