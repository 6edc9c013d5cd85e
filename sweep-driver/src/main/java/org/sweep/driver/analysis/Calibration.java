package org.sweep.driver.analysis;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.sweep.worker.SplitMix64;

/**
 * Coverage and bias of {@link LevelSet} on simulated pass/fail data with a known answer.
 *
 * <p>Truth: for each n, logit P(pass | m, n) = logit(1 - delta) + b (log m - log m*(n)) with
 * log m*(n) = log {@value #M_STAR_AT_N0} + alpha (log n - log {@value #N0}), so m*(n) is exactly
 * the (1 - delta)-level width and alpha the exponent. Each replication draws every (n, width,
 * seed) run as a Bernoulli from one SplitMix64 stream (seed, replication), fits every
 * group's threshold and the joint exponent (with the seeds as clusters), and records whether the
 * intervals contain the truth. With a seed sd, runs of one seed are correlated as in a real sweep:
 * seed q shifts the logit by u_{q,n} = sd (sqrt(shared) v_q + sqrt(1 - shared) e_{q,n}) with
 * standard normal v, e, the same at every width of an n; the truth is then the level set of the
 * pass probability averaged over the shifts ({@link Setup#marginalOffset}). A logistic curve fits that
 * average (a logistic-normal mixture) only approximately, so m^ is biased there by a few percent
 * (the table in the README). The row keeps the coverage (a censored end counts as open: [lo, inf)
 * contains every m* &gt;= lo) and the errors log m^ - log m* and alpha^ - alpha of the point
 * estimates. The grid runs geometrically with the given factor from
 * below m*(n_min) / 16 to above 16 m*(n_max), so the truth lies well inside it.
 */
public final class Calibration {
    private Calibration() {
    }

    static final int N0 = 16;
    static final double M_STAR_AT_N0 = 64;
    /** Margin of the grid around the true thresholds, as a factor on each side. */
    static final double GRID_MARGIN = 16;

    /**
     * One simulated set-up.
     *
     * @param alpha  true exponent
     * @param slope  true b of the pass curve, per unit of log m
     * @param seeds  runs per (n, width)
     * @param factor ratio of consecutive grid widths
     * @param ns     values of n
     * @param delta  m* is where P = 1 - delta
     * @param seedSd standard deviation of each seed's shift of the logit (0: independent runs)
     * @param shared fraction of that variance shared by the seed across every n (the rest is the
     *               seed's own in each n); within one n the shift is the same at every width
     */
    public record Setup(double alpha, double slope, int seeds, double factor, int[] ns, double delta, double seedSd,
                        double shared) {
        public Setup(double alpha, double slope, int seeds, double factor, int[] ns, double delta) {
            this(alpha, slope, seeds, factor, ns, delta, 0, 0);
        }

        public Setup {
            if (!(seedSd >= 0) || !(shared >= 0 && shared <= 1)) {
                throw new IllegalArgumentException("seed sd must be >= 0 and the shared fraction in [0, 1]");
            }
        }

        /**
         * log m*_0(n) = log 64 + alpha (log n - log 16), the centre of the seeds' curves. Without shifts it
         * is the true log m*(n); with them the pass probability averaged over the shifts is flatter and
         * reaches 1 - delta at log m*_0(n) + {@link #marginalOffset} z*, the same offset for every n, so
         * alpha is unchanged.
         */
        double logMStarCentre(int n) {
            return Math.log(M_STAR_AT_N0) + alpha * (Math.log(n) - Math.log(N0));
        }

        /** z* with E_u sigmoid(logit(1 - delta) + slope z* + seedSd u) = 1 - delta, u ~ N(0, 1); 0 without shifts. */
        double marginalOffset() {
            if (seedSd == 0) {
                return 0;
            }
            double lt = PassCurve.logit(1 - delta);
            double lo = -50 / slope;
            double hi = 50 / slope;
            for (int it = 0; it < 200; it++) {
                double mid = 0.5 * (lo + hi);
                if (averaged(lt + slope * mid) < 1 - delta) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return 0.5 * (lo + hi);
        }

        /** E_u sigmoid(eta + seedSd u) by the trapezoid rule on [-10, 10] in steps of 0.001. */
        private double averaged(double eta) {
            double sum = 0;
            double wsum = 0;
            for (int i = -10000; i <= 10000; i++) {
                double u = i * 1e-3;
                double w = Math.exp(-0.5 * u * u);
                sum += w * PassCurve.sigmoid(eta + seedSd * u);
                wsum += w;
            }
            return sum / wsum;
        }

        /** The grid around the true thresholds log m*_0(n) + offset (offset: {@link #marginalOffset}). */
        double[] widths(double offset) {
            double lo = Math.exp(logMStarCentre(ns[0]) + offset) / GRID_MARGIN;
            double hi = Math.exp(logMStarCentre(ns[ns.length - 1]) + offset) * GRID_MARGIN;
            if (lo > hi) {
                double t = lo;
                lo = hi;
                hi = t;
            }
            List<Double> w = new ArrayList<>();
            for (double m = lo; m <= hi * (1 + 1e-9); m *= factor) {
                w.add(m);
            }
            w.add(w.get(w.size() - 1) * factor);
            return w.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /**
     * Result of one set-up over the replications. Coverage is the fraction of intervals that contain
     * the truth; bias the mean error of the point estimates with its standard error (sd / sqrt(count)).
     */
    public record Row(Setup setup, int replications, int mStarIntervals, int mStarCovered, int mStarEstimates,
                      double mStarBias, double mStarBiasSe, double mStarSd, int mStarCensored, int alphaIntervals,
                      int alphaCovered, int alphaEstimates, double alphaBias, double alphaBiasSe, double alphaSd,
                      double meanLogWidth) {
        public double mStarCoverage() {
            return mStarCovered / (double) mStarIntervals;
        }

        public double alphaCoverage() {
            return alphaCovered / (double) alphaIntervals;
        }
    }

    /** Runs {@code replications} simulated studies of one set-up with the analysis' bias correction. */
    public static Row run(Setup s, int replications, long seed, double level) {
        return run(s, replications, seed, level, LevelSet.BIAS_DRAWS);
    }

    /** Same, with {@code biasDraws} draws of the bias correction. */
    public static Row run(Setup s, int replications, long seed, double level, int biasDraws) {
        return run(s, replications, seed, level, biasDraws, true);
    }

    /**
     * Same; {@code clustered} false fits as if every run were independent (no design effect), to
     * show what the adjustment is for.
     */
    public static Row run(Setup s, int replications, long seed, double level, int biasDraws, boolean clustered) {
        double offset = s.marginalOffset();
        double[] widths = s.widths(offset);
        int k = s.ns().length * widths.length;
        int mInt = 0;
        int mCov = 0;
        int mEst = 0;
        int mCens = 0;
        double mSum = 0;
        double mSq = 0;
        int aInt = 0;
        int aCov = 0;
        int aEst = 0;
        double aSum = 0;
        double aSq = 0;
        double logWidth = 0;
        int logWidthCount = 0;
        double lt = PassCurve.logit(1 - s.delta());
        int seeds = s.seeds();
        int groups = s.ns().length;
        for (int r = 0; r < replications; r++) {
            SplitMix64 rng = new SplitMix64(seed * 0x9E3779B97F4A7C15L + r);
            // each seed's shift of the logit in each n: a part shared across n and a part of its own
            double[][] shift = new double[groups][seeds];
            if (s.seedSd() > 0) {
                double[] common = new double[seeds];
                for (int q = 0; q < seeds; q++) {
                    common[q] = normal(rng);
                }
                for (int g = 0; g < groups; g++) {
                    for (int q = 0; q < seeds; q++) {
                        shift[g][q] = s.seedSd() * (Math.sqrt(s.shared()) * common[q]
                                + Math.sqrt(1 - s.shared()) * normal(rng));
                    }
                }
            }
            int[] group = new int[k];
            double[] scale = new double[k];
            double[] width = new double[k];
            double[] runs = new double[k];
            double[] passes = new double[k];
            int[] cellRow = new int[k * seeds];
            int[] cellSeed = new int[k * seeds];
            double[] cellPass = new double[k * seeds];
            double[] ones = new double[k * seeds];
            Arrays.fill(ones, 1);
            int row = 0;
            for (int g = 0; g < groups; g++) {
                int n = s.ns()[g];
                double centre = s.logMStarCentre(n);
                double truth = centre + offset;
                double[] t = new double[widths.length];
                double[] p = new double[widths.length];
                int[] gRow = new int[widths.length * seeds];
                int[] gSeed = new int[widths.length * seeds];
                double[] gPass = new double[widths.length * seeds];
                for (int j = 0; j < widths.length; j++) {
                    int ok = 0;
                    for (int q = 0; q < seeds; q++) {
                        double prob = PassCurve.sigmoid(lt + s.slope() * (Math.log(widths[j]) - centre) + shift[g][q]);
                        int y = LevelSet.uniform(rng) < prob ? 1 : 0;
                        ok += y;
                        int c = j * seeds + q;
                        gRow[c] = j;
                        gSeed[c] = q;
                        gPass[c] = y;
                        int cc = row * seeds + q;
                        cellRow[cc] = row;
                        cellSeed[cc] = q;
                        cellPass[cc] = y;
                    }
                    t[j] = seeds;
                    p[j] = ok;
                    group[row] = g;
                    scale[row] = Math.log(n);
                    width[row] = widths[j];
                    runs[row] = t[j];
                    passes[row] = ok;
                    row++;
                }
                LevelSet.Cells gCells = new LevelSet.Cells(gRow, gSeed, Arrays.copyOf(ones, gRow.length), gPass);
                LevelSet.Threshold th = LevelSet.threshold(widths, t, p, s.delta(), level, biasDraws,
                        seed * 0x9E3779B97F4A7C15L + 31L * r + g + 0x5DEECE66DL, clustered ? gCells : null);
                mInt++;
                double lo = th.lo() == null ? Double.NEGATIVE_INFINITY : Math.log(th.lo());
                double hi = th.hi() == null ? Double.POSITIVE_INFINITY : Math.log(th.hi());
                if (!LevelSet.NO_INCREASE.equals(th.censored()) && lo <= truth && truth <= hi) {
                    mCov++;
                }
                if (th.censored() != null) {
                    mCens++;
                } else {
                    logWidth += hi - lo;
                    logWidthCount++;
                }
                if (th.mStar() != null) {
                    double e = Math.log(th.mStar()) - truth;
                    mEst++;
                    mSum += e;
                    mSq += e * e;
                }
            }
            LevelSet.Exponent ex = LevelSet.exponent(new LevelSet.Design(group, scale, width, runs, passes), s.delta(),
                    level, clustered ? new LevelSet.Cells(cellRow, cellSeed, ones, cellPass) : null);
            aInt++;
            if (ex.alpha() != null) {
                double lo = ex.lo() == null ? Double.NEGATIVE_INFINITY : ex.lo();
                double hi = ex.hi() == null ? Double.POSITIVE_INFINITY : ex.hi();
                if (lo <= s.alpha() && s.alpha() <= hi) {
                    aCov++;
                }
                double e = ex.alpha() - s.alpha();
                aEst++;
                aSum += e;
                aSq += e * e;
            }
        }
        double mMean = mEst == 0 ? Double.NaN : mSum / mEst;
        double mSd = mEst < 2 ? Double.NaN : Math.sqrt(Math.max(0, (mSq - mEst * mMean * mMean) / (mEst - 1)));
        double aMean = aEst == 0 ? Double.NaN : aSum / aEst;
        double aSd = aEst < 2 ? Double.NaN : Math.sqrt(Math.max(0, (aSq - aEst * aMean * aMean) / (aEst - 1)));
        return new Row(s, replications, mInt, mCov, mEst, mMean, mSd / Math.sqrt(mEst), mSd, mCens, aInt, aCov, aEst,
                aMean, aSd / Math.sqrt(aEst), aSd, logWidthCount == 0 ? Double.NaN : logWidth / logWidthCount);
    }

    /** A standard normal variate (Box-Muller, one of the pair). */
    static double normal(SplitMix64 rng) {
        double u = 1 - LevelSet.uniform(rng);
        double v = LevelSet.uniform(rng);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The set-ups of the standard table: alphas x seed counts x grid factors, independent runs. */
    public static List<Setup> standard(double[] alphas, int[] seeds, double[] factors, int[] ns, double slope,
                                       double delta) {
        return standard(alphas, seeds, factors, ns, slope, delta, 0, 0);
    }

    /** Same, with seed shifts of the given sd and shared fraction. */
    public static List<Setup> standard(double[] alphas, int[] seeds, double[] factors, int[] ns, double slope,
                                       double delta, double seedSd, double shared) {
        List<Setup> out = new ArrayList<>();
        for (double a : alphas) {
            for (int sd : seeds) {
                for (double f : factors) {
                    out.add(new Setup(a, slope, sd, f, ns, delta, seedSd, shared));
                }
            }
        }
        return out;
    }

    static final String HEADER = "| alpha | seeds | grid factor | seed sd | shared | reps | m* coverage | m* bias (log) +- se "
            + "| alpha coverage | alpha bias +- se | alpha sd | censored m* |";

    /** A Markdown table of the rows, as printed by {@code analyze calibrate} and kept in the README. */
    public static void print(List<Row> rows, double level, PrintStream out) {
        out.println(HEADER);
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "| %.1f | %d | %.0f | %.1f | %.1f | %d | %.3f (%d/%d) | %+.3f +- %.3f | %.3f (%d/%d) "
                            + "| %+.3f +- %.3f | %.3f | %d |%n",
                    r.setup().alpha(), r.setup().seeds(), r.setup().factor(), r.setup().seedSd(), r.setup().shared(),
                    r.replications(), r.mStarCoverage(),
                    r.mStarCovered(), r.mStarIntervals(), r.mStarBias(), r.mStarBiasSe(), r.alphaCoverage(),
                    r.alphaCovered(), r.alphaIntervals(), r.alphaBias(), r.alphaBiasSe(), r.alphaSd(),
                    r.mStarCensored());
        }
    }
}
