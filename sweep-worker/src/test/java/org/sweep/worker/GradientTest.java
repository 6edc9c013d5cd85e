package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel's loss and gradient against the definitions of science.md section 1 and the Gram identity. */
class GradientTest {
    /** Central-difference step: the loss is piecewise quadratic, so away from ReLU kinks the difference
     *  quotient is exact up to rounding, about eps L / H = 1e-16 * 10 / 1e-6 = 1e-9. */
    private static final double FD_STEP = 1e-6;
    private static final double FD_TOL = 1e-7;
    /** ||grad||^2 and e^T H e are the same sum in two orders: relative rounding about n m eps. */
    private static final double IDENTITY_TOL = 1e-12;

    private static Problem problem(int n, int d, int m, long seed) {
        TaskSpec spec = TaskSpec.sphere(m, n, d, seed, seed + 1);
        return DataGen.problem(spec, null);
    }

    @Test
    void lossAndPredictionsMatchTheDefinition() {
        Problem p = problem(7, 3, 11, 1);
        GdKernel k = new GdKernel(p.n(), p.d(), p.m(), p.x(), p.a(), p.y());
        double loss = k.evaluate(p.w0(), new double[p.m() * p.d()]);
        double expect = 0;
        for (int i = 0; i < p.n(); i++) {
            double u = 0;
            for (int r = 0; r < p.m(); r++) {
                double z = 0;
                for (int j = 0; j < p.d(); j++) {
                    z += p.w0()[r * p.d() + j] * p.x()[i * p.d() + j];
                }
                u += p.a()[r] * Math.max(z, 0) / Math.sqrt(p.m());
            }
            assertEquals(u, k.u()[i], 1e-13);
            assertEquals(u - p.y()[i], k.residual()[i], 1e-13);
            expect += 0.5 * (u - p.y()[i]) * (u - p.y()[i]);
        }
        assertEquals(expect, loss, 1e-13 * expect);
    }

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        Problem p = problem(6, 3, 10, 2);
        int md = p.m() * p.d();
        GdKernel k = new GdKernel(p.n(), p.d(), p.m(), p.x(), p.a(), p.y());
        double[] grad = new double[md];
        k.evaluate(p.w0(), grad);
        double[] scratch = new double[md];
        double norm = 0;
        for (int c = 0; c < md; c++) {
            double[] w = p.w0().clone();
            w[c] += FD_STEP;
            double plus = k.evaluate(w, scratch);
            w[c] -= 2 * FD_STEP;
            double minus = k.evaluate(w, scratch);
            double fd = (plus - minus) / (2 * FD_STEP);
            assertEquals(fd, grad[c], FD_TOL, "coordinate " + c);
            norm += grad[c] * grad[c];
        }
        assertTrue(norm > 1e-3, "a non-trivial gradient was checked");
        k.evaluate(p.w0(), grad);
        assertEquals(norm, k.gradNormSq(), IDENTITY_TOL * norm);
    }

    @Test
    void gradientNormEqualsResidualQuadraticFormOfFiniteWidthGram() {
        int n = 25;
        int d = 4;
        int m = 300;
        Problem p = problem(n, d, m, 3);
        GdKernel k = new GdKernel(n, d, m, p.x(), p.a(), p.y());
        double[] w = p.w0().clone();
        for (int step = 0; step < 5; step++) {
            k.step(w, 0.3); // also away from initialisation
        }
        k.evaluate(w, new double[m * d]);
        long[] bits = new long[n * Grams.words(m)];
        Grams.pattern(k.preactivations(), n, m, bits);
        double[] h = new double[n * n];
        Grams.hFromPattern(Grams.inputGram(BLAS.getInstance(), p.x(), n, d), bits, n, m, h);
        double[] e = k.residual();
        double q = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q += e[i] * h[i * n + j] * e[j];
            }
        }
        assertEquals(q, k.gradNormSq(), IDENTITY_TOL * q);
    }

    @Test
    void stepReturnsIncomingLossAndMovesAlongTheGradient() {
        Problem p = problem(9, 3, 20, 4);
        int md = p.m() * p.d();
        GdKernel k = new GdKernel(p.n(), p.d(), p.m(), p.x(), p.a(), p.y());
        double[] grad = new double[md];
        double l0 = k.evaluate(p.w0(), grad);
        double[] w = p.w0().clone();
        double eta = 0.05;
        assertEquals(l0, k.step(w, eta), IDENTITY_TOL * l0);
        for (int c = 0; c < md; c++) {
            assertEquals(p.w0()[c] - eta * grad[c], w[c], IDENTITY_TOL * (1 + Math.abs(w[c])));
        }
    }
}
