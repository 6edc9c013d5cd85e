package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GramsTest {
    /** diag(H_inf): x_i.x_i is 1 within a few ulps and the kernel is flat in t = 1 after clamping. */
    private static final double DIAG_TOL = 1e-14;
    /** Smallest eigenvalue of a PSD matrix computed by dsyevr: backward error about n eps ||H||. */
    private static final double PSD_TOL = 1e-12;
    /** Two summation orders of the same sum of products over m terms. */
    private static final double ROUNDING_TOL = 1e-13;

    private static final SymEigen EIG = new SymEigen(LAPACK.getInstance());

    private static double[][] data(int n, int d, long seed) {
        return DataGen.sphere(TaskSpec.sphere(8, n, d, seed, 1));
    }

    private static double[] hInf(double[] x, int n, int d) {
        return Grams.hInf(Grams.inputGram(BLAS.getInstance(), x, n, d), n, Activation.RELU);
    }

    @Test
    void diagonalOfHInfIsOneHalf() {
        int n = 40;
        double[] h = hInf(data(n, 6, 1)[0], n, 6);
        for (int i = 0; i < n; i++) {
            assertEquals(0.5, h[i * n + i], DIAG_TOL);
        }
    }

    @Test
    void hInfIsSymmetricPositiveDefiniteOnTheSphere() {
        int n = 60;
        int d = 4;
        double[] h = hInf(data(n, d, 2)[0], n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(h[i * n + j], h[j * n + i], 0.0);
            }
        }
        double[] ev = EIG.all(h, n, new double[n * n], null);
        assertTrue(ev[0] > PSD_TOL, "lambda_min = " + ev[0] + " (no two points parallel)");
        // The trace is n/2 (every diagonal entry 1/2).
        double trace = 0;
        for (double v : ev) {
            trace += v;
        }
        assertEquals(n / 2.0, trace, 1e-10 * n);
    }

    @Test
    void kernelClampsInnerProductsOutsideTheUnitInterval() {
        assertEquals(0.5, Activation.RELU.kernelInf(1.0, 1 + 1e-15), 0.0);
        assertEquals(0.0, Activation.RELU.kernelInf(-1.0, -1 - 1e-15), 0.0);
        // t = 0: orthogonal inputs give 0; t = 1/2: (1/2)(pi - pi/3)/(2 pi) = 1/6.
        assertEquals(0.0, Activation.RELU.kernelInf(0.0, 0.0), 0.0);
        assertEquals(1.0 / 6.0, Activation.RELU.kernelInf(0.5, 0.5), 1e-15);
    }

    @Test
    void hInfAgreesWithMonteCarloExpectation() {
        int n = 6;
        int d = 4;
        double[] x = data(n, d, 3)[0];
        double[] h = hInf(x, n, d);
        int samples = 200_000;
        double[] sum = new double[n * n];
        Random rng = new Random(12345); // a stream independent of the worker's generator
        double[] w = new double[d];
        boolean[] on = new boolean[n];
        for (int s = 0; s < samples; s++) {
            for (int j = 0; j < d; j++) {
                w[j] = rng.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                double z = 0;
                for (int j = 0; j < d; j++) {
                    z += w[j] * x[i * d + j];
                }
                on[i] = z >= 0;
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    if (on[i] && on[k]) {
                        sum[i * n + k] += 1;
                    }
                }
            }
        }
        // Each estimate is x_i.x_j times a Bernoulli mean: standard error <= 0.5 / sqrt(samples); allow 5.
        double tol = 5 * 0.5 / Math.sqrt(samples);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += x[i * d + j] * x[k * d + j];
                }
                assertEquals(h[i * n + k], dot * sum[i * n + k] / samples, tol, "entry " + i + "," + k);
            }
        }
    }

    /** H(0) from a freshly initialised network of width m, via the kernel's preactivations. */
    private static double[] h0(double[] x, int n, int d, int m, long seed) {
        double[][] aw = DataGen.init(m, d, 1.0, seed);
        GdKernel k = new GdKernel(n, d, m, x, aw[0], new double[n]);
        k.evaluate(aw[1], new double[m * d]);
        long[] bits = new long[n * Grams.words(m)];
        Grams.pattern(k.preactivations(), n, m, bits);
        double[] h = new double[n * n];
        Grams.hFromPattern(Grams.inputGram(BLAS.getInstance(), x, n, d), bits, n, m, h);
        return h;
    }

    @Test
    void finiteWidthGramConcentratesAroundHInfAtRateOneOverSqrtM() {
        int n = 20;
        int d = 5;
        double[] x = data(n, d, 4)[0];
        double[] hinf = hInf(x, n, d);
        int[] widths = {100, 400, 1600, 6400};
        int seeds = 8;
        double[] mean = new double[widths.length];
        double[] work = new double[n * n];
        for (int wi = 0; wi < widths.length; wi++) {
            for (int s = 0; s < seeds; s++) {
                mean[wi] += EIG.normOfDifference(h0(x, n, d, widths[wi], 100 + s), hinf, n, work) / seeds;
            }
        }
        // Quadrupling m should halve the deviation (1/sqrt(m)); with 8 seeds the ratio's noise is about 15%.
        for (int wi = 0; wi + 1 < widths.length; wi++) {
            double ratio = mean[wi] / mean[wi + 1];
            assertTrue(ratio > 1.5 && ratio < 2.7, "||H(0)-H_inf|| ratio m=" + widths[wi] + " -> "
                    + widths[wi + 1] + ": " + ratio);
        }
    }

    @Test
    void patternAndDerivativePathsGiveTheSameGram() {
        int n = 15;
        int d = 4;
        int m = 200;
        double[] x = data(n, d, 5)[0];
        double[][] aw = DataGen.init(m, d, 1.0, 6);
        GdKernel k = new GdKernel(n, d, m, x, aw[0], new double[n]);
        k.evaluate(aw[1], new double[m * d]);
        double[] g = Grams.inputGram(BLAS.getInstance(), x, n, d);
        long[] bits = new long[n * Grams.words(m)];
        Grams.pattern(k.preactivations(), n, m, bits);
        double[] h1 = new double[n * n];
        double[] h2 = new double[n * n];
        Grams.hFromPattern(g, bits, n, m, h1);
        Grams.hFromDerivatives(BLAS.getInstance(), g, k.preactivations(), n, m, Activation.RELU, new double[n * m], h2);
        for (int i = 0; i < n * n; i++) {
            assertEquals(h1[i], h2[i], ROUNDING_TOL);
        }
        // Brute-force definition for one entry.
        double c = 0;
        for (int r = 0; r < m; r++) {
            double[] z = k.preactivations();
            c += (z[2 * m + r] >= 0 ? 1 : 0) * (z[7 * m + r] >= 0 ? 1 : 0);
        }
        assertEquals(g[2 * n + 7] * c / m, h1[2 * n + 7], ROUNDING_TOL);
    }

    @Test
    void patternDifferenceCountsSignChanges() {
        int n = 3;
        int m = 70; // crosses a 64-bit word boundary
        double[] z1 = new double[n * m];
        double[] z2 = new double[n * m];
        java.util.Arrays.fill(z1, 1.0);
        java.util.Arrays.fill(z2, 1.0);
        z2[5] = -1;
        z2[m + 65] = -0.5;
        z2[2 * m + 69] = Double.NaN;
        z2[2 * m] = 0.0; // sigma'(0) = 1: no change
        long[] b1 = new long[n * Grams.words(m)];
        long[] b2 = new long[n * Grams.words(m)];
        Grams.pattern(z1, n, m, b1);
        Grams.pattern(z2, n, m, b2);
        assertEquals(3, Grams.patternDifference(b1, b2, n, m));
    }

    @Test
    void patternSetsExactlyTheBitsOfNonNegativeEntries() {
        // Widths around word boundaries; entries negative, positive, +-0 (1{z >= 0} is 1 for both zeros), NaN (0),
        // on a buffer that held other bits before.
        Random rnd = new Random(5);
        double[] specials = {0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -1e-300};
        for (int m : new int[] {1, 63, 64, 65, 130, 1024}) {
            int n = 3;
            double[] z = new double[n * m];
            for (int k = 0; k < z.length; k++) {
                z[k] = rnd.nextInt(8) == 0 ? specials[rnd.nextInt(specials.length)] : rnd.nextGaussian();
            }
            int words = Grams.words(m);
            long[] bits = new long[n * words];
            java.util.Arrays.fill(bits, -1L);
            Grams.pattern(z, n, m, bits);
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < words * 64; r++) {
                    boolean set = (bits[i * words + (r >>> 6)] >>> (r & 63) & 1L) != 0;
                    boolean want = r < m && z[i * m + r] >= 0;
                    assertEquals(want, set, "m=" + m + " i=" + i + " r=" + r);
                }
            }
        }
    }

    @Test
    void maxCosIsTheLargestOffDiagonalInnerProduct() {
        double[] x = {1, 0, 0.6, 0.8, -0.8, 0.6};
        double[] g = Grams.inputGram(BLAS.getInstance(), x, 3, 2);
        assertEquals(0.8, Grams.maxOffDiagonalAbs(g, 3), 1e-15);
    }
}
