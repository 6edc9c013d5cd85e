package org.sweep.driver.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThresholdMathTest {
    /** Least squares on exact points: only the rounding of a few sums. */
    private static final double EXACT_FIT_TOL = 1e-12;
    private static final double DELTA = 0.1;

    @Test
    void thresholdIsTheSmallestWidthFromWhichOnEverythingPasses() {
        assertEquals(2, ThresholdMath.thresholdIndex(new double[] {0, 0.5, 0.9, 1, 1}, DELTA), "0.9 = 1 - delta passes");
        assertEquals(3, ThresholdMath.thresholdIndex(new double[] {0, 1, 0.5, 1, 1}, DELTA),
                "a lucky small width below a failing one does not count");
        assertEquals(0, ThresholdMath.thresholdIndex(new double[] {1, 1, 1}, DELTA));
        assertEquals(-1, ThresholdMath.thresholdIndex(new double[] {0, 1, 0.8}, DELTA), "largest width fails");
        assertEquals(1, ThresholdMath.thresholdIndex(new double[] {0, 0.95, Double.NaN, 1}, DELTA), "missing widths are skipped");
        assertEquals(2, ThresholdMath.thresholdIndex(new double[] {0.89, 0.9, 1.0 - 0.05}, 0.05), "1 - 0.05 rounds to pass");

        assertEquals(ThresholdMath.Bracket.BRACKETED, ThresholdMath.bracket(new double[] {0, 0.5, 1}, DELTA));
        assertEquals(ThresholdMath.Bracket.ALL_PASS, ThresholdMath.bracket(new double[] {1, 1, 1}, DELTA));
        assertEquals(ThresholdMath.Bracket.ALL_PASS, ThresholdMath.bracket(new double[] {Double.NaN, 1, 1}, DELTA));
        assertEquals(ThresholdMath.Bracket.NONE_PASS, ThresholdMath.bracket(new double[] {1, 1, 0.5}, DELTA));
    }

    @Test
    void passFractionsCountDrawnSeedsWithMultiplicity() {
        byte[][] pass = {{1, 0, -1}, {1, 1, 1}};
        assertArrayEquals(new double[] {0.5, 1.0}, ThresholdMath.passFractions(pass, new int[] {0, 1, 2}));
        assertArrayEquals(new double[] {2.0 / 3, 1.0}, ThresholdMath.passFractions(pass, new int[] {0, 0, 1}));
        double[] none = ThresholdMath.passFractions(pass, new int[] {2, 2});
        assertEquals(Double.NaN, none[0]);
        assertEquals(1.0, none[1]);
    }

    @Test
    void leastSquaresRecoversALineAndTheClosedFormOfANoisyOne() {
        double[] x = {Math.log(4), Math.log(8), Math.log(16), Math.log(32)};
        double[] y = new double[4];
        for (int i = 0; i < 4; i++) {
            y[i] = 2 * x[i] + Math.log(2);
        }
        double[] f = ThresholdMath.leastSquares(x, y);
        assertEquals(2, f[0], EXACT_FIT_TOL);
        assertEquals(Math.log(2), f[1], EXACT_FIT_TOL);
        // x = 0, 1, 2; y = 0, 2, 1: slope = sum (x - 1)(y - 1) / sum (x - 1)^2 = 1 / 2, intercept = 1 - 1/2
        double[] g = ThresholdMath.leastSquares(new double[] {0, 1, 2}, new double[] {0, 2, 1});
        assertEquals(0.5, g[0], EXACT_FIT_TOL);
        assertEquals(0.5, g[1], EXACT_FIT_TOL);
    }

    @Test
    void percentileIntervalUsesOutwardRanks() {
        double[] r = new double[100];
        for (int i = 0; i < 100; i++) {
            r[99 - i] = i + 1; // unsorted on purpose
        }
        // ranks floor(0.05 * 99) = 4 and ceil(0.95 * 99) = 95 of 1..100
        assertArrayEquals(new double[] {5, 96}, ThresholdMath.percentileInterval(r, 0.9));
        double[] withInf = {8, 16, Double.POSITIVE_INFINITY, 16, 16};
        assertArrayEquals(new double[] {8, Double.POSITIVE_INFINITY}, ThresholdMath.percentileInterval(withInf, 0.95));
        assertEquals(2.5, ThresholdMath.median(new double[] {4, 1, 2, 3, Double.NaN}));
    }
}
