package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The general kernel: gradients, the tangent-kernel identity, the logistic loss, mini-batch sampling. */
class GeneralKernelTest {
    /** Central differences with step h: truncation h^2 |f'''| / 6 ~ 1e-12 and rounding eps |L| / h ~ 1e-11 for
     *  these smooth (or, for relu kinks, locally linear) losses of size ~1: agreement to 1e-7 of the gradient's
     *  scale leaves a wide margin and still catches any missing factor (errors of 1e-2 and more). */
    private static final double FD_STEP = 1e-5;
    private static final double FD_TOL = 1e-7;
    /** ||grad||^2 and c^T H c are the same sums in two orders: relative rounding about n m eps. */
    private static final double IDENTITY_TOL = 1e-12;

    private static final BLAS BLAS_ = BLAS.getInstance();

    private static Problem problem(int n, int d, int m, long seed, String labels) {
        TaskSpec spec = TaskSpec.sphere(m, n, d, seed, seed + 1).withLabels(labels);
        return DataGen.problem(spec, null);
    }

    private static GeneralKernel kernel(Problem p, Activation act, Loss loss, boolean both, int batch) {
        return new GeneralKernel(p.n(), p.d(), p.m(), p.x(), p.y(), p.a(), act, loss, both, batch, 7, BLAS_);
    }

    /** The loss of the definitions, written out: u_i = (1/sqrt m) sum_r a_r sigma(w_r.x_i). */
    private static double referenceLoss(Problem p, double[] w, double[] a, Activation act, Loss loss) {
        double total = 0;
        for (int i = 0; i < p.n(); i++) {
            double u = 0;
            for (int r = 0; r < p.m(); r++) {
                double z = 0;
                for (int j = 0; j < p.d(); j++) {
                    z += w[r * p.d() + j] * p.x()[i * p.d() + j];
                }
                u += a[r] * act.value(z);
            }
            u /= Math.sqrt(p.m());
            double y = p.y()[i];
            total += loss == Loss.SQUARE ? 0.5 * (u - y) * (u - y) : Math.log1p(Math.exp(-y * u)) / p.n();
        }
        return total;
    }

    @Test
    void gradientMatchesCentralFiniteDifferencesForEveryActivationLossAndLayerSetting() {
        for (Activation act : Activation.values()) {
            for (Loss loss : Loss.values()) {
                for (boolean both : new boolean[] {false, true}) {
                    Problem p = problem(5, 3, 7, 3, "sign");
                    int md = p.m() * p.d();
                    GeneralKernel k = kernel(p, act, loss, both, 0);
                    double[] grad = new double[md];
                    double l0 = k.evaluate(p.w0(), grad);
                    double[] a = k.outputWeights();
                    String what = act + "/" + loss + "/" + (both ? "both" : "first");
                    assertEquals(referenceLoss(p, p.w0(), a, act, loss), l0, 1e-13 * Math.max(1, l0), what + " loss");
                    // The a gradient: dL/da = (1/sqrt m) S^T c, recovered from ||grad||^2 - ||G_W||^2 per unit below.
                    double[] gaFd = new double[p.m()];
                    double scale = 0;
                    double[] scratch = new double[md];
                    for (int c = 0; c < md; c++) {
                        double[] w = p.w0().clone();
                        w[c] += FD_STEP;
                        double plus = k.evaluate(w, scratch);
                        w[c] -= 2 * FD_STEP;
                        double minus = k.evaluate(w, scratch);
                        double fd = (plus - minus) / (2 * FD_STEP);
                        scale = Math.max(scale, Math.abs(fd));
                        assertEquals(fd, grad[c], FD_TOL * Math.max(1, Math.abs(fd)), what + " dL/dW[" + c + "]");
                    }
                    double gaNormSq = 0;
                    for (int r = 0; r < p.m(); r++) {
                        double keep = a[r];
                        a[r] = keep + FD_STEP;
                        double plus = k.evaluate(p.w0(), scratch);
                        a[r] = keep - FD_STEP;
                        double minus = k.evaluate(p.w0(), scratch);
                        a[r] = keep;
                        gaFd[r] = (plus - minus) / (2 * FD_STEP);
                        gaNormSq += gaFd[r] * gaFd[r];
                    }
                    k.evaluate(p.w0(), grad);
                    double wNormSq = 0;
                    for (double v : grad) {
                        wNormSq += v * v;
                    }
                    // ||grad||^2 covers W only for first, W and a for both: checks the a gradient's norm.
                    double expect = wNormSq + (both ? gaNormSq : 0.0);
                    assertEquals(expect, k.gradNormSq(), FD_TOL * Math.max(1, expect), what + " ||grad||^2");
                    // And the a gradient itself, entry by entry, by a step on a with eta = 1 and w fixed.
                    if (both) {
                        double[] before = a.clone();
                        double[] w = p.w0().clone();
                        k.step(w, 1.0);
                        for (int r = 0; r < p.m(); r++) {
                            assertEquals(gaFd[r], before[r] - a[r], FD_TOL * Math.max(1, Math.abs(gaFd[r])),
                                    what + " dL/da[" + r + "]");
                        }
                    }
                    assertTrue(scale > 1e-3, what + ": degenerate gradient");
                }
            }
        }
    }

    @Test
    void gradNormIsTheResidualQuadraticFormOfTheTangentKernel() {
        for (Activation act : Activation.values()) {
            for (boolean both : new boolean[] {false, true}) {
                for (Loss loss : Loss.values()) {
                    Problem p = problem(9, 4, 33, 5, "sign");
                    int n = p.n();
                    GeneralKernel k = kernel(p, act, loss, both, 0);
                    // Output weights away from +-1 (as after training both layers): H weights unit r by a_r^2.
                    double[] a = k.outputWeights();
                    for (int r = 0; r < p.m(); r++) {
                        a[r] *= 0.5 + (double) r / p.m();
                    }
                    k.evaluate(p.w0(), new double[p.m() * p.d()]);
                    double[] g = Grams.inputGram(BLAS_, p.x(), n, p.d());
                    double[] h = new double[n * n];
                    k.gram(g, h);
                    // c = dL/du: the residual for the square loss (the identity of science.md section 2).
                    double[] c = loss == Loss.SQUARE ? k.residual() : k.lossDerivative();
                    if (loss == Loss.SQUARE) {
                        assertArrayEquals(k.residual(), k.lossDerivative(), 0.0);
                    }
                    double quad = 0;
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            quad += c[i] * h[i * n + j] * c[j];
                        }
                    }
                    assertEquals(quad, k.gradNormSq(), IDENTITY_TOL * quad, act + " " + loss + " both=" + both);
                }
            }
        }
    }

    @Test
    void logisticLossIsStableForLargeMargins() {
        // Reference values: log(1 + e^-t) = log1p(e^-t) for moderate t, -t + log1p(e^t) for t << 0.
        for (double t : new double[] {-800, -40, -1, 0, 1e-8, 1, 40, 800}) {
            double l = Loss.logistic(t);
            assertTrue(Double.isFinite(l) && l >= 0, "l(" + t + ") = " + l);
            double ref = t > -30 ? Math.log1p(Math.exp(-t)) : -t + Math.log1p(Math.exp(t));
            assertEquals(ref, l, 1e-15 * Math.max(1, ref), "l(" + t + ")");
            double dl = Loss.logisticDerivative(t);
            assertTrue(Double.isFinite(dl) && dl <= 0 && dl >= -1, "l'(" + t + ") = " + dl);
            assertEquals(-1.0 / (1.0 + Math.exp(t)), dl, 1e-15, "l'(" + t + ")");
        }
        assertEquals(800.0, Loss.logistic(-800), 0.0);
        assertEquals(Math.exp(-800.0), Loss.logistic(800), 0.0); // 0 in doubles, no NaN
        assertEquals(Math.exp(-40.0), Loss.logistic(40), 1e-15 * Math.exp(-40.0));
        assertEquals(Math.log(2), Loss.logistic(0), 1e-16);
        // A network with huge outputs: loss and gradient stay finite.
        Problem p = problem(6, 3, 16, 9, "sign");
        double[] w = p.w0().clone();
        for (int j = 0; j < w.length; j++) {
            w[j] *= 1e4;
        }
        GeneralKernel k = kernel(p, Activation.RELU, Loss.LOGISTIC, false, 0);
        double[] grad = new double[w.length];
        double l = k.evaluate(w, grad);
        assertTrue(Double.isFinite(l) && Double.isFinite(k.gradNormSq()), "loss " + l);
    }

    @Test
    void batchesCoverEveryPointOncePerEpochAndAreDeterministic() {
        Problem p = problem(10, 2, 4, 1, "gaussian");
        GeneralKernel k1 = kernel(p, Activation.TANH, Loss.SQUARE, false, 3);
        GeneralKernel k2 = kernel(p, Activation.TANH, Loss.SQUARE, false, 3);
        List<String> epochs = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            Set<Integer> seen = new HashSet<>();
            StringBuilder order = new StringBuilder();
            int[] sizes = {3, 3, 3, 1};
            for (int size : sizes) {
                int cnt = k1.nextBatch();
                assertEquals(size, cnt);
                assertEquals(cnt, k2.nextBatch());
                for (int q = 0; q < cnt; q++) {
                    int i = k1.batchIndices()[q];
                    assertEquals(i, k2.batchIndices()[q]);
                    assertTrue(seen.add(i), "point " + i + " twice in epoch " + e);
                    if (q > 0) {
                        assertTrue(k1.batchIndices()[q - 1] < i, "batch sorted");
                    }
                    order.append(i).append(' ');
                }
            }
            assertEquals(10, seen.size());
            epochs.add(order.toString());
        }
        assertEquals(4, new HashSet<>(epochs).size(), "epochs are reshuffled: " + epochs);
    }

    @Test
    void sgdWithTheWholeBatchEqualsFullBatchGradientDescentBitForBit() {
        // batch_size = n: one sorted batch of all points per epoch, weight n / n = 1 (square) or 1 / n (logistic):
        // the same floating-point operations as the full-batch path of the general kernel.
        for (Loss loss : Loss.values()) {
            TaskSpec gd = new TaskSpec(24, 12, 4, DataKind.SPHERE, "", 3, "sign", 1.0, 4, 0.5, EtaMode.STABILITY, 60, 0.0,
                    8, 2, loss, Activation.TANH, 0, TrainLayers.BOTH);
            TaskSpec sgd = new TaskSpec(24, 12, 4, DataKind.SPHERE, "", 3, "sign", 1.0, 4, 0.5, EtaMode.STABILITY, 60, 0.0,
                    8, 2, loss, Activation.TANH, 12, TrainLayers.BOTH);
            TaskResult a = SweepWorker.run(gd);
            TaskResult b = SweepWorker.run(sgd);
            assertEquals(Status.OK, a.status(), a.message());
            assertEquals(Status.OK, b.status(), b.message());
            assertEquals(a.trajectory(), b.trajectory(), loss + ": trajectories differ");
        }
    }

    /** The fused relu kernel and the general kernel sum in different orders (BLAS blocking, P with a folded in):
     *  rounding differences of 1e-16 relative per step, amplified at most by the contraction factor over 200
     *  steps of a stable run: 1e-10 relative is a wide margin. */
    private static final double PATH_TOL = 1e-10;

    @Test
    void sgdWithTheWholeBatchFollowsTheFusedReluKernel() {
        TaskSpec gd = TaskSpec.sphere(40, 10, 5, 2, 3).withSteps(200).withCheckpoints(6, 2);
        TaskSpec sgd = new TaskSpec(gd.width(), gd.n(), gd.d(), gd.dataKind(), gd.dataset(), gd.dataSeed(), gd.labels(),
                gd.kappa(), gd.seed(), gd.eta(), gd.etaMode(), gd.steps(), gd.targetLossRatio(), gd.checkpoints(),
                gd.spectrumCheckpoints(), Loss.SQUARE, Activation.RELU, gd.n(), TrainLayers.FIRST);
        TaskResult a = SweepWorker.run(gd);
        TaskResult b = SweepWorker.run(sgd);
        assertEquals(a.trajectory().size(), b.trajectory().size());
        for (int i = 0; i < a.trajectory().size(); i++) {
            Checkpoint x = a.trajectory().get(i);
            Checkpoint y = b.trajectory().get(i);
            assertEquals(x.step(), y.step());
            assertEquals(x.loss(), y.loss(), PATH_TOL * x.loss(), "loss at " + x.step());
            assertEquals(x.gradNormSq(), y.gradNormSq(), PATH_TOL * x.gradNormSq(), "grad at " + x.step());
        }
        assertTrue(b.trajectory().get(b.trajectory().size() - 1).loss() < 1e-2 * b.summary().loss0());
    }

    @Test
    void sgdRunsAreDeterministicAndDependOnTheSeed() {
        TaskSpec s1 = new TaskSpec(32, 20, 5, DataKind.SPHERE, "", 1, "gaussian", 1.0, 5, 0.3, EtaMode.STABILITY, 300, 0.0,
                6, 1, Loss.SQUARE, Activation.SOFTPLUS, 4, TrainLayers.FIRST);
        TaskSpec s2 = new TaskSpec(32, 20, 5, DataKind.SPHERE, "", 1, "gaussian", 1.0, 6, 0.3, EtaMode.STABILITY, 300, 0.0,
                6, 1, Loss.SQUARE, Activation.SOFTPLUS, 4, TrainLayers.FIRST);
        TaskResult a = SweepWorker.run(s1);
        TaskResult b = SweepWorker.run(s1);
        assertEquals(Status.OK, a.status(), a.message());
        assertEquals(a.trajectory(), b.trajectory());
        assertEquals(a.summary(), b.summary());
        assertNotEquals(a.trajectory().get(5).loss(), SweepWorker.run(s2).trajectory().get(5).loss());
        // SGD at a moderate step still decreases the full-data loss substantially.
        assertTrue(a.summary().lossFinal() < 0.2 * a.summary().loss0(),
                "loss " + a.summary().loss0() + " -> " + a.summary().lossFinal());
    }
}
