package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * H_inf for every activation: closed forms (relu, leaky_relu; first- and second-layer terms) against Monte Carlo,
 * the Gauss-Hermite quadrature against Monte Carlo and a finer rule, and the whole matrix against H(0) of a wide
 * network.
 */
class NtkInfTest {
    /** Monte Carlo pairs for the scalar kernels: standard error at most about 0.5 / sqrt(2^20) = 5e-4 for the
     *  derivative terms (products in [0, 1]). */
    private static final int MC_SAMPLES = 1 << 20;
    /** Six standard errors of the largest-variance kernel (products bounded by 1 in absolute value for the
     *  derivative terms, by about 4 for the second-layer terms at |u|, |v| &lt;= 2): false alarms ~1e-9. */
    private static final double MC_TOL = 6 * 1.0 / Math.sqrt(MC_SAMPLES);
    /** Series (tail below 1e-13), cubic interpolation on the 4096-interval grid (about 1e-14 times the fourth
     *  derivative) and the 2-D reference rule (sums of 180000 terms) each contribute well below this. */
    private static final double QUAD_TOL = 1e-9;
    private static final double[] COSINES = {-0.999, -0.3, 0.0, 0.55, 0.9999};
    private static final double[] MC_COSINES = {-0.7, 0.0, 0.55, 0.9999};

    @Test
    void mehlerSeriesConvergesAndItsMassIsTheSecondMoment() {
        for (Activation act : new Activation[] {Activation.SOFTPLUS, Activation.TANH, Activation.GELU}) {
            for (double kappa : new double[] {0.5, 1.0, 2.0}) {
                for (boolean derivative : new boolean[] {true, false}) {
                    double[] sq = NtkInf.squaredCoefficients(act, kappa, derivative);
                    int terms = sq.length - 1;
                    assertTrue(terms < NtkInf.MAX_TERMS, act + " kappa " + kappa + ": series did not converge");
                    // E[f^2] by an independent rule (the 2-D reference at c = 1).
                    double energy = direct(act, 1.0, kappa, derivative);
                    assertEquals(energy, sq[terms], QUAD_TOL, act + " E[f^2]");
                    assertEquals(energy, NtkInf.series(sq, 1.0), QUAD_TOL, act + " sum of alpha_j^2");
                }
            }
        }
    }

    /** MC estimates {E[sigma'(u) sigma'(v)], E[sigma(u) sigma(v)]}, u = kappa g1, v = kappa (c g1 + s g2). */
    private static double[] monteCarlo(Activation act, double c, double kappa, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        double s = Math.sqrt(Math.max(0, 1 - c * c));
        double sumD = 0;
        double sumV = 0;
        for (int k = 0; k < MC_SAMPLES; k++) {
            double g1 = rng.nextGaussian();
            double g2 = rng.nextGaussian();
            double u = kappa * g1;
            double v = kappa * (c * g1 + s * g2);
            sumD += act.derivative(u) * act.derivative(v);
            sumV += act.value(u) * act.value(v);
        }
        return new double[] {sumD / MC_SAMPLES, sumV / MC_SAMPLES};
    }

    @Test
    void closedFormsAgreeWithMonteCarlo() {
        for (Activation act : new Activation[] {Activation.RELU, Activation.LEAKY_RELU}) {
            for (double c : MC_COSINES) {
                double[] mc = monteCarlo(act, c, 1.0, 11);
                // kernelInf(dot = 1, c) is the expectation itself
                assertEquals(mc[0], act.kernelInf(1.0, c), MC_TOL, act + " first layer, c = " + c);
                assertEquals(mc[1], act.kernelInf2(c), 4 * MC_TOL, act + " second layer, c = " + c);
            }
        }
    }

    @Test
    void hermiteSeriesAgreesWithMonteCarloAndADirectQuadrature() {
        for (Activation act : new Activation[] {Activation.SOFTPLUS, Activation.TANH, Activation.GELU}) {
            for (double kappa : new double[] {1.0, 0.5}) {
                double[] first = NtkInf.table(act, kappa, true);
                double[] second = NtkInf.table(act, kappa, false);
                for (double c : COSINES) {
                    double q1 = NtkInf.interpolate(first, c);
                    double q2 = NtkInf.interpolate(second, c);
                    assertEquals(direct(act, c, kappa, true), q1, QUAD_TOL, act + " sigma', c = " + c);
                    assertEquals(direct(act, c, kappa, false), q2, QUAD_TOL, act + " sigma, c = " + c);
                    if (kappa == 1.0 && c == -0.3) {
                        double[] mc = monteCarlo(act, c, kappa, 21);
                        assertEquals(mc[0], q1, MC_TOL, act + " MC sigma', c = " + c);
                        assertEquals(mc[1], q2, 4 * MC_TOL, act + " MC sigma, c = " + c);
                    }
                }
            }
        }
    }

    /** Reference: E[f(kappa U) f(kappa V)] by the two-dimensional trapezoidal rule on [-8.5, 8.5]^2 with step 0.04
     *  in (g1, g2) (Gaussian tails beyond 8.5 are below 1e-16; exponential convergence for analytic integrands). */
    private static double direct(Activation act, double c, double kappa, boolean derivative) {
        double h = 0.04;
        int q = (int) Math.round(17 / h) + 1;
        double s = Math.sqrt(Math.max(0, 1 - c * c));
        double[] x = new double[q];
        double[] w = new double[q];
        for (int k = 0; k < q; k++) {
            x[k] = -8.5 + k * h;
            w[k] = h * Math.exp(-0.5 * x[k] * x[k]) / Math.sqrt(2 * Math.PI);
        }
        double sum = 0;
        for (int a = 0; a < q; a++) {
            double u = kappa * x[a];
            double fu = derivative ? act.derivative(u) : act.value(u);
            double inner = 0;
            for (int b = 0; b < q; b++) {
                double v = kappa * (c * x[a] + s * x[b]);
                inner += w[b] * (derivative ? act.derivative(v) : act.value(v));
            }
            sum += w[a] * fu * inner;
        }
        return sum;
    }

    /** Entry deviation of H(0) from H_inf at width 2^15: about 1/sqrt(m) = 0.0055 per unit of entry spread
     *  (sigma' products lie in [0, 1], sigma products in about [-3, 3] for kappa = 1); 6 sigma. */
    private static final int WIDE = 1 << 15;
    private static final double WIDE_TOL = 6 * 1.0 / Math.sqrt(WIDE);

    @Test
    void wideNetworkKernelApproachesHInfForEveryActivationAndBothLayerSettings() {
        int n = 6;
        int d = 4;
        BLAS blas = BLAS.getInstance();
        for (Activation act : Activation.values()) {
            for (boolean both : new boolean[] {false, true}) {
                double kappa = both ? 0.7 : 1.0;
                TaskSpec spec = TaskSpec.sphere(WIDE, n, d, 5, 6).withKappa(kappa);
                Problem p = DataGen.problem(spec, null);
                double[] g = Grams.inputGram(blas, p.x(), n, d);
                double[] hInf = NtkInf.hInf(g, n, act, kappa, both);
                GeneralKernel k = new GeneralKernel(n, d, WIDE, p.x(), p.y(), p.a(), act, Loss.SQUARE, both, 0, 1, blas);
                k.evaluate(p.w0(), new double[WIDE * d]);
                double[] h0 = new double[n * n];
                k.gram(g, h0);
                double maxDev = 0;
                for (int i = 0; i < n * n; i++) {
                    maxDev = Math.max(maxDev, Math.abs(h0[i] - hInf[i]));
                    assertEquals(hInf[i], hInf[(i % n) * n + i / n], 0.0, "symmetric");
                }
                assertTrue(maxDev < WIDE_TOL, act + " both=" + both + ": max |H(0) - H_inf| = " + maxDev);
            }
        }
    }

    @Test
    void reluFirstLayerIsExactlyTheDuEtAlMatrixAndDiagonalsAreExact() {
        int n = 5;
        BLAS blas = BLAS.getInstance();
        Problem p = DataGen.problem(TaskSpec.sphere(4, n, 3, 2, 2), null);
        double[] g = Grams.inputGram(blas, p.x(), n, 3);
        double[] du = Grams.hInf(g, n, Activation.RELU);
        double[] h = NtkInf.hInf(g, n, Activation.RELU, 3.0, false);
        for (int i = 0; i < n * n; i++) {
            assertEquals(du[i], h[i], 0.0);
        }
        // Second-layer relu term on the diagonal: kappa^2 E[relu(g)^2] = kappa^2 / 2, so 1/2 + 9/2.
        double[] hb = NtkInf.hInf(g, n, Activation.RELU, 3.0, true);
        for (int i = 0; i < n; i++) {
            assertEquals(0.5 + 4.5, hb[i * n + i], 1e-14);
        }
        // leaky_relu: E[sigma'^2] = (1 + s^2) / 2 and E[sigma^2] = (1 + s^2) / 2.
        double s = Activation.LEAKY_SLOPE;
        double[] hl = NtkInf.hInf(g, n, Activation.LEAKY_RELU, 1.0, true);
        for (int i = 0; i < n; i++) {
            assertEquals((1 + s * s), hl[i * n + i], 1e-14);
        }
    }
}
