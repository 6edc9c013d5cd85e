package org.sweep.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GdKernel against an independent plain-loop implementation of science.md section 1, plus
 * finite differences, evaluate/step consistency and bit-identical repeats.
 */
class GdKernelTest {
    /** Every engine this JVM can run: the BLAS one always, the vector one when the module is present. */
    static List<GdKernel.Path> paths() {
        List<GdKernel.Path> p = new ArrayList<>();
        p.add(GdKernel.Path.BLAS);
        if (GdKernel.VECTOR_AVAILABLE) {
            p.add(GdKernel.Path.JAVA_VECTOR);
        }
        return p;
    }

    /**
     * Agreement with the plain-loop reference, relative to the scale of the compared quantity
     * (sum of absolute terms): the kernel sums in a different order (blocked GEMM, factored
     * residual scaling), so results differ by rounding only, a few ulps times the number of terms.
     */
    private static final double REF_REL_TOL = 1e-12;
    /**
     * Absolute agreement of Z and u with the reference for Gaussian W and unit x (|Z| of order 3,
     * |u| of order 10): summation order alone changes them by ~1e-14.
     */
    private static final double VIEW_TOL = 1e-10;
    /** Central-difference step for the finite-difference check of the gradient. */
    private static final double FD_STEP = 1e-6;
    /**
     * Central differences of a piecewise-quadratic loss: truncation error is zero away from kinks,
     * rounding error is about eps * L / h ~ 1e-10 * L; 1e-7 relative to max(1, |g|) leaves margin.
     */
    private static final double FD_TOL = 1e-7;

    /** Plain-loop reference: returns {loss}, fills z, u, e, grad. */
    static double reference(int n, int d, int m, double[] x, double[] a, double[] y, double[] w,
                            double[] z, double[] u, double[] e, double[] grad) {
        double scale = 1.0 / Math.sqrt(m);
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < m; r++) {
                double s = 0.0;
                for (int k = 0; k < d; k++) {
                    s += w[r * d + k] * x[i * d + k];
                }
                z[i * m + r] = s;
            }
        }
        double loss = 0.0;
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int r = 0; r < m; r++) {
                s += a[r] * Math.max(0.0, z[i * m + r]);
            }
            u[i] = scale * s;
            e[i] = u[i] - y[i];
            loss += 0.5 * e[i] * e[i];
        }
        for (int r = 0; r < m; r++) {
            for (int k = 0; k < d; k++) {
                double s = 0.0;
                for (int i = 0; i < n; i++) {
                    if (z[i * m + r] >= 0.0) {
                        s += e[i] * x[i * d + k];
                    }
                }
                grad[r * d + k] = scale * a[r] * s;
            }
        }
        return loss;
    }

    /**
     * A random problem from the worker's streams: the sphere generator's unit rows x and Gaussian
     * labels y, signs a and Gaussian weights W ~ N(0, I) of the initialisation.
     */
    record Problem(int n, int d, int m, double[] x, double[] a, double[] y, double[] w) {
        static Problem random(int n, int d, int m, long seed) {
            double[][] xy = DataGen.sphere(n, d, seed, "gaussian");
            double[][] aw = DataGen.init(m, d, 1.0, seed);
            return new Problem(n, d, m, xy[0], aw[0], xy[1], aw[1]);
        }

        GdKernel kernel(GdKernel.Path path) {
            return new GdKernel(n, d, m, x, a, y, path);
        }
    }

    static List<int[]> shapes() {
        List<int[]> s = new ArrayList<>();
        s.add(new int[] {1, 1, 1});
        s.add(new int[] {1, 3, 5});
        s.add(new int[] {4, 1, 7});
        s.add(new int[] {5, 6, 1});
        s.add(new int[] {3, 2, 2});
        s.add(new int[] {17, 9, 33});
        s.add(new int[] {40, 10, 200});
        s.add(new int[] {100, 10, 1000});
        s.add(new int[] {64, 37, 129});
        s.add(new int[] {31, 70, 45});
        // More samples than the vector engine's row and sample blocks (256, 480): block boundaries.
        s.add(new int[] {530, 7, 50});
        s.add(new int[] {301, 3, 27});
        // d a multiple of 8: eight-row gradient tiles (one and two per strip), with one-vector strips and a
        // scalar tail, and beyond the sample blocks.
        s.add(new int[] {30, 8, 1024});
        s.add(new int[] {128, 16, 203});
        s.add(new int[] {500, 24, 61});
        SplittableRandom rnd = new SplittableRandom(20190101L);
        for (int t = 0; t < 6; t++) {
            s.add(new int[] {1 + rnd.nextInt(60), 1 + rnd.nextInt(40), 1 + rnd.nextInt(300)});
        }
        return s;
    }

    static void assertClose(String what, double[] expected, double[] actual, double[] scale) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int j = 0; j < expected.length; j++) {
            double tol = REF_REL_TOL * Math.max(1.0, scale[j]);
            assertEquals(expected[j], actual[j], tol, what + "[" + j + "]");
        }
    }

    /** Checks evaluate() against the reference on problem p; returns nothing, asserts everything. */
    static void checkAgainstReference(Problem p, GdKernel.Path path, String label) {
        int n = p.n, d = p.d, m = p.m;
        double[] z = new double[n * m];
        double[] u = new double[n];
        double[] e = new double[n];
        double[] g = new double[m * d];
        double loss = reference(n, d, m, p.x, p.a, p.y, p.w, z, u, e, g);

        // Scales: sum of absolute terms of each quantity, bounding its rounding error.
        double[] zScale = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < m; r++) {
                double s = 0.0;
                for (int k = 0; k < d; k++) {
                    s += Math.abs(p.w[r * d + k] * p.x[i * d + k]);
                }
                zScale[i * m + r] = s;
            }
        }
        double[] uScale = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int r = 0; r < m; r++) {
                s += Math.abs(z[i * m + r]) + zScale[i * m + r];
            }
            uScale[i] = s / Math.sqrt(m) + Math.abs(p.y[i]);
        }
        double[] gScale = new double[m * d];
        for (int r = 0; r < m; r++) {
            for (int k = 0; k < d; k++) {
                double s = 0.0;
                for (int i = 0; i < n; i++) {
                    s += (uScale[i] + Math.abs(e[i])) * Math.abs(p.x[i * d + k]);
                }
                gScale[r * d + k] = s / Math.sqrt(m);
            }
        }
        double lossScale = 0.0;
        for (int i = 0; i < n; i++) {
            lossScale += Math.abs(e[i]) * uScale[i];
        }

        GdKernel k = p.kernel(path);
        assertEquals(path, k.path());
        double[] w0 = p.w.clone();
        double[] grad = new double[m * d];
        double got = k.evaluate(p.w, grad);
        assertArrayEquals(w0, p.w, label + ": evaluate must not modify w");
        assertEquals(loss, got, REF_REL_TOL * Math.max(1.0, lossScale), label + " loss");
        assertClose(label + " Z", z, k.preactivations(), zScale);
        assertClose(label + " u", u, k.u(), uScale);
        assertClose(label + " e", e, k.residual(), uScale);
        assertClose(label + " grad", g, grad, gScale);
        double gn = 0.0;
        double gnScale = 0.0;
        for (int j = 0; j < g.length; j++) {
            gn += g[j] * g[j];
            gnScale += Math.abs(g[j]) * gScale[j];
        }
        assertEquals(gn, k.gradNormSq(), REF_REL_TOL * Math.max(1.0, gnScale), label + " gradNormSq");
    }

    @Test
    void matchesPlainLoopReferenceOnRandomShapes() {
        for (GdKernel.Path path : paths()) {
            long seed = 11;
            for (int[] s : shapes()) {
                Problem p = Problem.random(s[0], s[1], s[2], seed++);
                checkAgainstReference(p, path, path + " shape " + s[0] + "," + s[1] + "," + s[2]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("paths")
    void exactZeroPreactivationsCountAsActive(GdKernel.Path path) {
        // Inputs on coordinate axes and weights with exact zeros make many Z_ir exactly +-0:
        // the convention relu'(0) = 1 puts them in the gradient, relu(0) = 0 keeps them out of u.
        int n = 6, d = 3, m = 8;
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            x[i * d + (i % d)] = (i < d) ? 1.0 : -1.0;
        }
        double[] a = {1, -1, 1, -1, 1, 1, -1, -1};
        double[] y = {0.3, -0.2, 1.1, 0.0, -0.7, 0.5};
        double[] w = new double[m * d];
        SplitMix64 rnd = new SplitMix64(7);
        for (int r = 0; r < m; r++) {
            for (int k = 0; k < d; k++) {
                w[r * d + k] = (r + k) % 2 == 0 ? 0.0 : rnd.nextGaussian();
            }
        }
        Problem p = new Problem(n, d, m, x, a, y, w);
        GdKernel k = p.kernel(path);
        double[] grad = new double[m * d];
        k.evaluate(w, grad);
        int zeros = 0;
        for (double v : k.preactivations()) {
            if (v == 0.0) {
                zeros++;
            }
        }
        assertTrue(zeros >= n * m / 3, "test setup must produce many exact zeros, got " + zeros);
        checkAgainstReference(p, path, path + " exact zeros");

        // All-zero weights: u = 0, e = -y, every unit active: G_r = a_r/sqrt(m) * sum_i (-y_i) x_i.
        double[] w0 = new double[m * d];
        double loss = k.evaluate(w0, grad);
        double half = 0.0;
        for (double v : y) {
            half += 0.5 * v * v;
        }
        assertEquals(half, loss, 1e-15, "loss at W = 0 is |y|^2/2");
        for (int r = 0; r < m; r++) {
            for (int kk = 0; kk < d; kk++) {
                double s = 0.0;
                for (int i = 0; i < n; i++) {
                    s += -y[i] * x[i * d + kk];
                }
                assertEquals(a[r] * s / Math.sqrt(m), grad[r * d + kk], 1e-15, "grad at W = 0, r=" + r + " k=" + kk);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("paths")
    void stepEqualsEvaluateThenUpdateBitForBit(GdKernel.Path path) {
        for (int[] s : new int[][] {{1, 1, 1}, {17, 9, 33}, {100, 10, 1000}, {50, 60, 70}}) {
            Problem p = Problem.random(s[0], s[1], s[2], 99 + s[0]);
            double eta = 0.37;
            GdKernel ke = p.kernel(path);
            double[] grad = new double[p.m * p.d];
            double le = ke.evaluate(p.w, grad);
            GdKernel ks = p.kernel(path);
            double[] w = p.w.clone();
            double ls = ks.step(w, eta);
            assertEquals(le, ls, 0.0, "loss");
            assertEquals(ke.gradNormSq(), ks.gradNormSq(), 0.0, "gradNormSq");
            assertArrayEquals(ke.u(), ks.u(), 0.0, "u");
            assertArrayEquals(ke.residual(), ks.residual(), 0.0, "residual");
            assertArrayEquals(ke.preactivations(), ks.preactivations(), 0.0, "Z");
            for (int j = 0; j < w.length; j++) {
                assertEquals(p.w[j] - eta * grad[j], w[j], 0.0, "w[" + j + "]");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("paths")
    void gradientMatchesCentralDifferences(GdKernel.Path path) {
        for (int[] s : new int[][] {{7, 4, 9}, {20, 5, 50}, {3, 1, 2}}) {
            Problem p = Problem.random(s[0], s[1], s[2], 5 + s[2]);
            GdKernel k = p.kernel(path);
            double[] grad = new double[p.m * p.d];
            k.evaluate(p.w, grad);
            double[] scratch = new double[p.m * p.d];
            double[] w = p.w.clone();
            for (int j = 0; j < w.length; j++) {
                double orig = w[j];
                w[j] = orig + FD_STEP;
                double lp = k.evaluate(w, scratch);
                w[j] = orig - FD_STEP;
                double lm = k.evaluate(w, scratch);
                w[j] = orig;
                double fd = (lp - lm) / (2 * FD_STEP);
                assertEquals(grad[j], fd, FD_TOL * Math.max(1.0, Math.abs(grad[j])),
                        "shape " + s[0] + "," + s[1] + "," + s[2] + " dL/dW[" + j + "]");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("paths")
    void gradNormEqualsResidualQuadraticFormOfFiniteWidthGram(GdKernel.Path path) {
        // ||grad L||^2 = e^T H e with H_ij = x_i.x_j (1/m) sum_r 1{Z_ir>=0} 1{Z_jr>=0} (science.md section 2).
        Problem p = Problem.random(30, 8, 120, 4242);
        GdKernel k = p.kernel(path);
        double[] grad = new double[p.m * p.d];
        k.evaluate(p.w, grad);
        double[] z = k.preactivations();
        double[] e = k.residual();
        double q = 0.0;
        double scale = 0.0;
        for (int i = 0; i < p.n; i++) {
            for (int j = 0; j < p.n; j++) {
                double xx = 0.0;
                for (int kk = 0; kk < p.d; kk++) {
                    xx += p.x[i * p.d + kk] * p.x[j * p.d + kk];
                }
                int both = 0;
                for (int r = 0; r < p.m; r++) {
                    if (z[i * p.m + r] >= 0 && z[j * p.m + r] >= 0) {
                        both++;
                    }
                }
                double term = e[i] * e[j] * xx * both / p.m;
                q += term;
                scale += Math.abs(term);
            }
        }
        assertEquals(q, k.gradNormSq(), REF_REL_TOL * Math.max(1.0, scale));
    }

    @ParameterizedTest
    @MethodSource("paths")
    void repeatedCallsAndOtherThreadsAreBitIdentical(GdKernel.Path path) throws Exception {
        Problem p = Problem.random(100, 10, 1000, 31337);
        GdKernel k = p.kernel(path);
        double[] w1 = p.w.clone();
        double[] l1 = new double[5];
        for (int t = 0; t < 5; t++) {
            l1[t] = k.step(w1, 0.05);
        }
        double[] z1 = k.preactivations().clone();
        double[] w2 = p.w.clone();
        double[] l2 = new double[5];
        Thread th = new Thread(() -> {
            GdKernel k2 = p.kernel(path);
            for (int t = 0; t < 5; t++) {
                l2[t] = k2.step(w2, 0.05);
            }
        });
        th.start();
        th.join();
        assertArrayEquals(l1, l2, 0.0, "losses");
        assertArrayEquals(w1, w2, 0.0, "weights");
        // Same kernel object, evaluating twice at the same point.
        double[] g1 = new double[p.m * p.d];
        double[] g2 = new double[p.m * p.d];
        double a1 = k.evaluate(w1, g1);
        double a2 = k.evaluate(w1, g2);
        assertEquals(a1, a2, 0.0);
        assertArrayEquals(g1, g2, 0.0);
        assertTrue(z1.length == p.n * p.m);
        // After many calls (the JIT has compiled the kernels) the first, interpreted result recurs.
        GdKernel k3 = p.kernel(path);
        double[] w3 = p.w.clone();
        double first = k3.evaluate(w3, g1);
        for (int t = 0; t < 300; t++) {
            k3.evaluate(w3, g2);
        }
        assertEquals(first, k3.evaluate(w3, g2), 0.0, "loss after warm-up");
        assertArrayEquals(g1, g2, 0.0, "gradient after warm-up");
    }

    @ParameterizedTest
    @MethodSource("paths")
    void viewsFollowTheLastCall(GdKernel.Path path) {
        // Z is produced on demand by the vector engine: it must belong to the last call, not an earlier one.
        Problem p = Problem.random(13, 7, 61, 77);
        Problem q = Problem.random(13, 7, 61, 78);
        GdKernel k = p.kernel(path);
        double[] grad = new double[p.m * p.d];
        k.evaluate(p.w, grad);
        k.preactivations();
        double[] w = q.w.clone();
        k.step(w, 0.1);
        k.evaluate(q.w, grad);
        double[] z = new double[p.n * p.m];
        double[] u = new double[p.n];
        double[] e = new double[p.n];
        double[] g = new double[p.m * p.d];
        reference(p.n, p.d, p.m, p.x, p.a, p.y, q.w, z, u, e, g);
        double[] zk = k.preactivations();
        for (int j = 0; j < z.length; j++) {
            assertEquals(z[j], zk[j], VIEW_TOL, "Z[" + j + "] after the last call");
        }
        assertArrayEquals(u, k.u(), VIEW_TOL, "u after the last call");
    }

    /**
     * The activation pattern read from P (vector engines, before Z is computed) equals the pattern of Z bit
     * for bit: widths with and without one-vector strips and scalar tails, words that straddle strips, exact
     * zeros (relu'(0) = 1) and NaN preactivations (bit 0), in the single kernel and in a pack's view, before
     * and after the Z view was filled; and with an output weight of 0, where P cannot tell, from Z. Only the
     * vector engine: the BLAS engine's pattern is Grams.pattern of its Z by definition.
     */
    @Test
    void patternEqualsPatternOfPreactivations() {
        Assumptions.assumeTrue(GdKernel.VECTOR_AVAILABLE, "the vector engine is not available in this JVM");
        GdKernel.Path path = GdKernel.Path.JAVA_VECTOR;
        long seed = 501;
        for (int m : new int[] {1, 7, 8, 23, 24, 25, 61, 64, 65, 130, 203, 1024}) {
            for (int n : new int[] {1, 5, 30, 131}) {
                Problem p = Problem.random(n, 8, m, seed++);
                // Exact zeros in some rows of W (Z_ir = 0 for those units) and a NaN in one unit's row.
                for (int r = 0; r < m; r += 5) {
                    java.util.Arrays.fill(p.w, r * p.d, (r + 1) * p.d, 0.0);
                }
                if (m > 3) {
                    p.w[3 * p.d] = Double.NaN;
                }
                String at = path + " n=" + n + " m=" + m;
                GdKernel k = p.kernel(path);
                double[] w = p.w.clone();
                k.step(w, 0.01);
                long[] fromKernel = new long[n * Grams.words(m)];
                k.pattern(fromKernel);
                long[] fromZ = new long[fromKernel.length];
                Grams.pattern(k.preactivations(), n, m, fromZ);
                assertArrayEquals(fromZ, fromKernel, at + ": pattern before the Z view");
                long[] again = new long[fromKernel.length];
                k.pattern(again);
                assertArrayEquals(fromZ, again, at + ": pattern after the Z view");
                GdVectorPack pack = new GdVectorPack(n, p.d, p.x, p.y);
                GdVectorPack.Net net = pack.add(m, p.a, p.w, 0.01);
                pack.step(true);
                long[] fromPack = new long[fromKernel.length];
                pack.view(net).pattern(fromPack);
                assertArrayEquals(fromZ, fromPack, at + ": pack view before its Z view");
                Grams.pattern(pack.view(net).preactivations(), n, m, again);
                assertArrayEquals(fromZ, again, at + ": pack's Z view");
            }
        }
        Problem p = Problem.random(9, 8, 40, 909);
        p.a[17] = 0.0;
        GdKernel k = p.kernel(path);
        double[] grad = new double[p.m * p.d];
        k.evaluate(p.w, grad);
        long[] fromKernel = new long[9 * Grams.words(40)];
        k.pattern(fromKernel);
        long[] fromZ = new long[fromKernel.length];
        Grams.pattern(k.preactivations(), 9, 40, fromZ);
        assertArrayEquals(fromZ, fromKernel, path + ": a_17 = 0, pattern from Z");
        int active = 0;
        for (int i = 0; i < 9; i++) {
            active += (int) ((fromZ[i] >>> 17) & 1L);
        }
        assertTrue(active > 0, "the unit with a_r = 0 must be active for some sample, else the case tests nothing");
    }
}
