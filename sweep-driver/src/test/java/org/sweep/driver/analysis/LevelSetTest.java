package org.sweep.driver.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The estimator on data with known answers: expected counts of a known logistic curve (where the
 * fit must return the curve), separated and one-sided data (where it must stay finite and say what
 * is censored), and closed forms of the score and the isotonic fit.
 */
class LevelSetTest {
    private static final double DELTA = 0.1;
    private static final double LEVEL = 0.95;
    /** With 10^6 runs per width the Firth penalty and the sampling noise are O(1e-6) of the estimates. */
    private static final double LARGE_SAMPLE_TOL = 1e-3;
    /** Finite-difference check of the modified score: central differences with step 1e-5. */
    private static final double GRADIENT_TOL = 1e-5;
    private static final double[] WIDTHS = {8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

    /** Expected pass counts (t p, not rounded) of logit p = logit(1 - delta) + b (log m - log mStar). */
    private static double[] expected(double[] widths, double t, double mStar, double b) {
        double[] s = new double[widths.length];
        for (int j = 0; j < widths.length; j++) {
            s[j] = t * PassCurve.sigmoid(PassCurve.logit(1 - DELTA) + b * (Math.log(widths[j]) - Math.log(mStar)));
        }
        return s;
    }

    private static double[] fill(int k, double v) {
        double[] a = new double[k];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void expectedCountsOfAKnownCurveGiveItsThresholdAndANarrowIntervalAroundIt() {
        double truth = 300; // between grid widths
        double[] t = fill(WIDTHS.length, 1e6);
        LevelSet.Threshold th = LevelSet.threshold(WIDTHS, t, expected(WIDTHS, 1e6, truth, 2.5), DELTA, LEVEL, 0, 0);
        assertNull(th.censored());
        assertEquals(Math.log(truth), Math.log(th.mStar()), LARGE_SAMPLE_TOL);
        assertEquals(2.5, th.slope(), LARGE_SAMPLE_TOL);
        assertTrue(th.lo() < truth && truth < th.hi(), th.toString());
        assertTrue(th.hi() / th.lo() < 1.01, "10^6 runs per width pin m* to a per cent: " + th);
    }

    @Test
    void modifiedScoreIsTheGradientOfThePenalizedLikelihoodAndVanishesAtTheFit() {
        double[] x = {0, 0.7, 1.4, 2.1, 2.8};
        double[] t = {10, 10, 12, 10, 10};
        double[] s = {0, 2, 7, 9, 10};
        double a = -1.3;
        double b = 1.7;
        double h = 1e-5;
        double[] g = PassCurve.score(x, t, s, a, b);
        double da = (PassCurve.penalized(x, t, s, a + h, b) - PassCurve.penalized(x, t, s, a - h, b)) / (2 * h);
        double db = (PassCurve.penalized(x, t, s, a, b + h) - PassCurve.penalized(x, t, s, a, b - h)) / (2 * h);
        assertEquals(da, g[0], GRADIENT_TOL);
        assertEquals(db, g[1], GRADIENT_TOL);
        PassCurve.Fit f = PassCurve.fit(x, t, s);
        double[] g0 = PassCurve.score(x, t, s, f.a(), f.b());
        assertEquals(0, g0[0], 1e-8);
        assertEquals(0, g0[1], 1e-8);
        // the profile along the level set through the fit's own threshold reaches the maximum
        double lt = PassCurve.logit(1 - DELTA);
        double theta = (lt - f.a()) / f.b();
        assertEquals(f.penalized(), PassCurve.profileAt(x, t, s, lt, theta)[0], 1e-9);
        assertTrue(PassCurve.profileAt(x, t, s, lt, theta + 0.5)[0] < f.penalized());
    }

    @Test
    void separatedSeedsGiveAFiniteThresholdBetweenTheLastFailAndTheFirstPass() {
        // 10 seeds: every width below 64 fails, every width from 64 on passes (plain maximum likelihood diverges)
        double[] t = fill(WIDTHS.length, 10);
        double[] s = new double[WIDTHS.length];
        for (int j = 0; j < WIDTHS.length; j++) {
            s[j] = WIDTHS[j] >= 64 ? 10 : 0;
        }
        LevelSet.Threshold th = LevelSet.threshold(WIDTHS, t, s, DELTA, LEVEL, 200, 1);
        assertNull(th.censored(), th.toString());
        assertTrue(th.mStar() > 32 && th.mStar() < 128, th.toString());
        assertTrue(th.lo() >= 8 && th.lo() < 64 && th.hi() > 32 && th.hi() <= 4096, th.toString());
        assertTrue(th.lo() < th.hi());
    }

    @Test
    void aThresholdAboveTheGridIsCensoredNeverADegenerateInterval() {
        double[] t = fill(WIDTHS.length, 10);
        // the curve reaches 0.9 at 4 times the largest width: 0.1 of the seeds pass at 4096, none below 512
        double[] s = expected(WIDTHS, 10, 4 * 4096, 2.5);
        for (int j = 0; j < s.length; j++) {
            s[j] = Math.round(s[j]);
        }
        LevelSet.Threshold th = LevelSet.threshold(WIDTHS, t, s, DELTA, LEVEL, 200, 1);
        assertNull(th.mStar(), th.toString());
        assertNull(th.hi(), th.toString());
        assertEquals(LevelSet.ABOVE_GRID, th.censored());
        assertTrue(th.logMStar() > Math.log(4096));

        // nothing passes anywhere: no width reaches the level; never an interval [w, w]
        LevelSet.Threshold none = LevelSet.threshold(WIDTHS, t, new double[WIDTHS.length], DELTA, LEVEL, 200, 1);
        assertNull(none.mStar());
        assertNull(none.hi());
        assertTrue(LevelSet.ABOVE_GRID.equals(none.censored()) || LevelSet.NO_INCREASE.equals(none.censored()),
                none.toString());

        // everything passes: the threshold is below the grid
        LevelSet.Threshold all = LevelSet.threshold(WIDTHS, t, t.clone(), DELTA, LEVEL, 200, 1);
        assertNull(all.mStar());
        assertNull(all.lo());
        assertTrue(LevelSet.BELOW_GRID.equals(all.censored()) || LevelSet.NO_INCREASE.equals(all.censored()),
                all.toString());

        // passes that fall with width: no threshold
        double[] falling = new double[WIDTHS.length];
        for (int j = 0; j < WIDTHS.length; j++) {
            falling[j] = 10 - j;
        }
        LevelSet.Threshold fall = LevelSet.threshold(WIDTHS, t, falling, DELTA, LEVEL, 0, 0);
        assertEquals(LevelSet.NO_INCREASE, fall.censored());
        assertNull(fall.mStar());
    }

    @Test
    void isotonicPoolsViolatorsAndInterpolatesInLogWidth() {
        double[] w = {16, 32, 64, 128};
        double[] t = {10, 10, 10, 10};
        // 0.2, 0.6, 0.4, 1.0: the violators 0.6, 0.4 pool to 0.5; 0.9 lies between 0.5 (64) and 1.0 (128)
        double got = LevelSet.isotonic(w, t, new double[] {2, 6, 4, 10}, DELTA);
        double want = Math.exp(Math.log(64) + (0.9 - 0.5) / (1.0 - 0.5) * Math.log(2));
        assertEquals(want, got, 1e-9);
        assertTrue(Double.isNaN(LevelSet.isotonic(w, t, new double[] {0, 1, 2, 3}, DELTA)));
        assertEquals(16, LevelSet.isotonic(w, t, new double[] {10, 10, 10, 10}, DELTA), 0);
    }

    @Test
    void jointFitRecoversTheExponentOfExpectedCountsForEveryScale() {
        int[] ns = {16, 32, 64, 128};
        double alpha = 1.5;
        int k = ns.length * WIDTHS.length;
        int[] g = new int[k];
        double[] sc = new double[k];
        double[] w = new double[k];
        double[] t = new double[k];
        double[] s = new double[k];
        int row = 0;
        for (int i = 0; i < ns.length; i++) {
            double truth = 20 * Math.pow(ns[i] / 16.0, alpha);
            double[] e = expected(WIDTHS, 1e6, truth, 3);
            for (int j = 0; j < WIDTHS.length; j++) {
                g[row] = i;
                sc[row] = Math.log(ns[i]);
                w[row] = WIDTHS[j];
                t[row] = 1e6;
                s[row] = e[j];
                row++;
            }
        }
        LevelSet.Exponent ex = LevelSet.exponent(new LevelSet.Design(g, sc, w, t, s), DELTA, LEVEL);
        assertNotNull(ex.alpha());
        assertEquals(alpha, ex.alpha(), LARGE_SAMPLE_TOL);
        assertEquals(Math.log(20) - alpha * Math.log(16), ex.intercept(), LARGE_SAMPLE_TOL * 10);
        assertEquals(3, ex.slope(), LARGE_SAMPLE_TOL);
        assertTrue(ex.lo() < alpha && alpha < ex.hi() && ex.hi() - ex.lo() < 0.01, ex.toString());
        // the data are the model: deviance and the likelihood ratio against free curves are ~0
        assertTrue(ex.deviance() < 1e-3 && ex.lrGroups() < 1e-3, ex.toString());
        assertEquals(k - 3, ex.devianceDf());
        assertEquals(2 * ns.length - 3, ex.lrGroupsDf());
    }

    @Test
    void jointFitRejectsOneSlopeWhenTheGroupsDifferInSharpness() {
        // same thresholds on a power law, but slopes 1 and 6 alternate: the LR test against free curves must see it
        int[] ns = {16, 32, 64, 128};
        int k = ns.length * WIDTHS.length;
        int[] g = new int[k];
        double[] sc = new double[k];
        double[] w = new double[k];
        double[] t = new double[k];
        double[] s = new double[k];
        int row = 0;
        for (int i = 0; i < ns.length; i++) {
            double[] e = expected(WIDTHS, 1000, 20 * ns[i] / 16.0, i % 2 == 0 ? 1 : 6);
            for (int j = 0; j < WIDTHS.length; j++) {
                g[row] = i;
                sc[row] = Math.log(ns[i]);
                w[row] = WIDTHS[j];
                t[row] = 1000;
                s[row] = e[j];
                row++;
            }
        }
        LevelSet.Exponent ex = LevelSet.exponent(new LevelSet.Design(g, sc, w, t, s), DELTA, LEVEL);
        assertTrue(ex.lrGroupsP() < 1e-6, ex.toString());
    }

    /** Simulated pass/fail cells: seeds x widths, each seed's logit shifted by sd u_q at every width. */
    private static LevelSet.Cells simulatedCells(int seeds, double sd, double mStar, double b, long seed, int copies) {
        org.sweep.worker.SplitMix64 rng = new org.sweep.worker.SplitMix64(seed);
        int k = seeds * WIDTHS.length;
        int[] row = new int[k];
        int[] cluster = new int[k];
        double[] runs = new double[k];
        double[] passes = new double[k];
        int c = 0;
        for (int q = 0; q < seeds; q++) {
            double shift = sd * Calibration.normal(rng);
            for (int j = 0; j < WIDTHS.length; j++) {
                double p = PassCurve.sigmoid(PassCurve.logit(1 - DELTA) + b * (Math.log(WIDTHS[j]) - Math.log(mStar)) + shift);
                row[c] = j;
                cluster[c] = q;
                runs[c] = copies;
                passes[c] = LevelSet.uniform(rng) < p ? copies : 0;
                c++;
            }
        }
        return new LevelSet.Cells(row, cluster, runs, passes);
    }

    @Test
    void designEffectOfRunsCopiedWithinTheirSeedIsTheNumberOfCopies() {
        // every run repeated r times inside its own seed adds no information: the model-based variance
        // shrinks r-fold, the cluster-robust one does not, so k grows exactly r-fold (H -> r H, U_c -> r U_c)
        double[][] feat = new double[WIDTHS.length][];
        double[] p = new double[WIDTHS.length];
        for (int j = 0; j < WIDTHS.length; j++) {
            feat[j] = new double[] {1, Math.log(WIDTHS[j])};
            p[j] = PassCurve.sigmoid(-6 + 1.5 * Math.log(WIDTHS[j]));
        }
        double[] grad = {-1 / 1.5, -(PassCurve.logit(1 - DELTA) + 6) / (1.5 * 1.5)};
        LevelSet.Cells one = simulatedCells(30, 0, 100, 1.5, 11, 1);
        LevelSet.Cells five = simulatedCells(30, 0, 100, 1.5, 11, 5);
        double k1 = LevelSet.designEffect(feat, p, one.totals(WIDTHS.length)[0], one, grad);
        double k5 = LevelSet.designEffect(feat, p, five.totals(WIDTHS.length)[0], five, grad);
        assertEquals(5 * k1, k5, 1e-9 * k5);
        assertTrue(Double.isNaN(LevelSet.designEffect(feat, p, one.totals(WIDTHS.length)[0],
                new LevelSet.Cells(one.row(), new int[one.row().length], one.runs(), one.passes()), grad)),
                "one cluster: no design effect");
    }

    /** Design-effect tolerance: with 400 seeds, k's sampling sd is about sqrt(2/399) = 0.07; 0.25 is 3.5 sd. */
    private static final double DEFF_TOL = 0.25;

    @Test
    void designEffectIsNearOneForIndependentRunsAndLargeForSeedsThatPassOrFailTogether() {
        LevelSet.Cells free = simulatedCells(400, 0, 100, 1.5, 5, 1);
        double[][] tf = free.totals(WIDTHS.length);
        LevelSet.Threshold ind = LevelSet.threshold(WIDTHS, tf[0], tf[1], DELTA, LEVEL, 0, 0, free);
        assertEquals(1, ind.designEffect(), DEFF_TOL, ind.toString());
        assertEquals(400, ind.clusters());

        // sd 3 on the logit, the same at every width of a seed: passes cluster by seed
        LevelSet.Cells tied = simulatedCells(400, 3, 100, 1.5, 5, 1);
        double[][] tt = tied.totals(WIDTHS.length);
        LevelSet.Threshold adj = LevelSet.threshold(WIDTHS, tt[0], tt[1], DELTA, LEVEL, 0, 0, tied);
        LevelSet.Threshold raw = LevelSet.threshold(WIDTHS, tt[0], tt[1], DELTA, LEVEL, 0, 0);
        assertTrue(adj.designEffect() > 1.5, adj.toString());
        assertTrue(Double.isNaN(raw.designEffect()) && raw.clusters() == 0, raw.toString());
        // the same point estimate; the interval widened around it, by about sqrt(k) in log m
        assertEquals(raw.logMStar(), adj.logMStar(), 0);
        assertTrue(adj.lo() < raw.lo() && adj.hi() > raw.hi(), adj + " vs " + raw);
        double ratio = Math.log(adj.hi() / adj.lo()) / Math.log(raw.hi() / raw.lo());
        double expect = Math.sqrt(adj.designEffect() * LevelSet.fQuantile(LEVEL, 399) / LevelSet.quantile(LEVEL));
        assertEquals(expect, ratio, 0.1 * expect, "width ratio against sqrt(k F/chi2) (near-quadratic profile)");
    }
}
