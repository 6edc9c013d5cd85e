package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A packed run equals the same task run alone, bit for bit, over random pack compositions: widths with and
 * without a scalar tail, seeds, step sizes, early stopping, divergence, other step budgets, other data, and
 * tasks that cannot fuse (SGD, smooth activations, both layers, the native BLAS engine at large d).
 */
class PackTest {
    private static TaskSpec random(Random rnd, int n, int d, long dataSeed) {
        int[] widths = {1, 5, 8, 13, 16, 24, 37, 64, 100, 129};
        int m = widths[rnd.nextInt(widths.length)];
        double eta = rnd.nextInt(8) == 0 ? 4.0 : 0.2 + rnd.nextDouble();   // some diverge
        int steps = rnd.nextBoolean() ? 120 : 80;
        double target = rnd.nextBoolean() ? 1e-2 : 0.0;                     // some stop early
        return TaskSpec.sphere(m, n, d, dataSeed, rnd.nextInt(1000)).withSteps(steps).withCheckpoints(8, 3)
                .withEta(eta, EtaMode.STABILITY).withTargetLossRatio(target);
    }

    private static void assertPackMatchesSingles(List<TaskSpec> specs) {
        List<TaskResult> packed = SweepWorker.runPack(specs);
        assertEquals(specs.size(), packed.size());
        for (int i = 0; i < specs.size(); i++) {
            assertEquals(specs.get(i), packed.get(i).spec());
            SweepWorkerTest.assertIdentical(SweepWorker.run(specs.get(i)), packed.get(i));
        }
    }

    @Test
    void randomCompositionsOfFusedNetworksEqualSingleRuns() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 6; trial++) {
            int n = 6 + rnd.nextInt(40);
            int d = 1 + rnd.nextInt(20);
            List<TaskSpec> specs = new ArrayList<>();
            int size = 2 + rnd.nextInt(9);
            for (int i = 0; i < size; i++) {
                specs.add(random(rnd, n, d, rnd.nextInt(3) == 0 ? 2 : 1));
            }
            assertPackMatchesSingles(specs);
        }
    }

    @Test
    void packsShowFusionActuallyHappened() {
        // Networks of one data set and budget, one diverging at once: all enter one fused kernel
        // (the implementation name is the vector engine's), and each equals its single run.
        TaskSpec base = TaskSpec.sphere(24, 20, 5, 1, 2).withSteps(150).withCheckpoints(10, 4);
        List<TaskSpec> specs = List.of(base, base.withEta(0.3, EtaMode.STABILITY).withTargetLossRatio(0.05),
                base.withEta(6.0, EtaMode.STABILITY), base.withKappa(1.0).withTargetLossRatio(0.2),
                TaskSpec.sphere(24, 20, 5, 1, 7).withSteps(150).withCheckpoints(10, 4),
                TaskSpec.sphere(24, 20, 5, 1, 8).withSteps(150).withCheckpoints(10, 4));   // 6 of one width:
                                                                     // ||G||^2 of four side by side, two alone
        assertTrue(Pack.fusable(base) || !GdKernel.VECTOR_AVAILABLE);
        assertPackMatchesSingles(specs);
        assertEquals(Status.DIVERGED, SweepWorker.run(specs.get(2)).status());
    }

    @Test
    void eachFusedNetworkIsChargedItsOwnCheckpointsSoNoTimeIsNegative() {
        // Narrow networks beside a wider one in one chunk, n = 160, spectra at every checkpoint: a share
        // of the fused steps by width is tiny, their own eigendecompositions are not. Training time
        // = total - spectra must stay >= 0 (charging the checkpoints by width made it negative).
        TaskSpec narrow = TaskSpec.sphere(4, 160, 8, 1, 1).withSteps(40).withCheckpoints(20, 20).withTargetLossRatio(0);
        TaskSpec wide = TaskSpec.sphere(256, 160, 8, 1, 2).withSteps(40).withCheckpoints(20, 20).withTargetLossRatio(0);
        assertTrue(Pack.fusable(narrow) || !GdKernel.VECTOR_AVAILABLE);
        for (TaskResult r : SweepWorker.runPack(List.of(narrow, wide,
                TaskSpec.sphere(4, 160, 8, 1, 3).withSteps(40).withCheckpoints(20, 20).withTargetLossRatio(0)))) {
            assertTrue(r.cost().secondsTrain() >= 0, "seconds_train " + r.cost().secondsTrain() + " of width " + r.spec().width());
            assertTrue(r.cost().secondsSpectra() > 0, "spectra timed");
        }
    }

    @Test
    void groupsCutIntoSeveralChunksEqualSingleRuns() {
        // Wide networks overflow Pack.CHUNK_BYTES: the group runs as several fused kernels, one after another,
        // with early stopping and divergence in different chunks; every network still equals its single run.
        TaskSpec base = TaskSpec.sphere(1024, 30, 8, 0, 1).withSteps(60).withCheckpoints(6, 3);
        List<TaskSpec> specs = List.of(base, base.withTargetLossRatio(0.05),
                TaskSpec.sphere(512, 30, 8, 0, 2).withSteps(60).withCheckpoints(6, 3).withEta(6.0, EtaMode.STABILITY),
                TaskSpec.sphere(300, 30, 8, 0, 3).withSteps(60).withCheckpoints(6, 3),
                TaskSpec.sphere(16, 30, 8, 0, 4).withSteps(60).withCheckpoints(6, 3),
                TaskSpec.sphere(16, 30, 8, 0, 5).withSteps(60).withCheckpoints(6, 3),
                TaskSpec.sphere(16, 30, 8, 0, 6).withSteps(60).withCheckpoints(6, 3),
                TaskSpec.sphere(16, 30, 8, 0, 7).withSteps(60).withCheckpoints(6, 3),
                TaskSpec.sphere(37, 30, 8, 0, 8).withSteps(60).withCheckpoints(6, 3));
        long bytes = 0;
        for (TaskSpec s : specs) {
            bytes += GdVectorPack.netBytes(s.n(), s.d(), s.width());
        }
        assertTrue(bytes > 2 * Pack.CHUNK_BYTES, "the group must need at least three chunks: " + bytes + " bytes");
        assertPackMatchesSingles(specs);
        assertEquals(Status.DIVERGED, SweepWorker.run(specs.get(2)).status());
    }

    @Test
    void manySamplesAndScalarTailsInTheStripMajorLayoutEqualSingleRuns() {
        // The pack stores P strip by strip (GdVectorPack), the single kernel row by row. n = 500 spans several
        // sample blocks of both products (ZB, IB, GB); widths with three-vector strips only, with one-vector
        // strips and a scalar tail (whose Z the pack keeps apart); one network diverges, one stops early.
        int n = 500;
        int d = 5;
        TaskSpec base = TaskSpec.sphere(216, n, d, 0, 1).withSteps(12).withCheckpoints(4, 2).withTargetLossRatio(0);
        List<TaskSpec> specs = List.of(base,
                TaskSpec.sphere(205, n, d, 0, 2).withSteps(12).withCheckpoints(4, 2).withTargetLossRatio(0),
                TaskSpec.sphere(205, n, d, 0, 3).withSteps(12).withCheckpoints(4, 2).withEta(8.0, EtaMode.STABILITY),
                TaskSpec.sphere(211, n, d, 0, 4).withSteps(12).withCheckpoints(4, 2).withTargetLossRatio(0.9),
                TaskSpec.sphere(7, n, d, 0, 5).withSteps(12).withCheckpoints(4, 2).withTargetLossRatio(0));
        assertTrue(Pack.fusable(base) || !GdKernel.VECTOR_AVAILABLE);
        assertPackMatchesSingles(specs);
        assertEquals(Status.DIVERGED, SweepWorker.run(specs.get(2)).status());
        TaskResult early = SweepWorker.run(specs.get(3));
        assertEquals(Status.OK, early.status());
        assertTrue(early.summary().stepsRun() < 12, "stops early at step " + early.summary().stepsRun());
    }

    @Test
    void eightRowGradientTilesEqualSingleRuns() {
        // d a multiple of 8 takes the eight-row gradient tiles (GdVectorKernel.KR8): one tile per strip at
        // d = 8, three at d = 24; the sum of squares then runs inside them. Widths with one-vector strips
        // and scalar tails, one network that stops early.
        for (int d : new int[] {8, 24}) {
            assertEquals(GdVectorKernel.KR8, GdVectorKernel.kr(d));
            TaskSpec base = TaskSpec.sphere(61, 40, d, 2, 1).withSteps(40).withCheckpoints(5, 2).withTargetLossRatio(0);
            assertPackMatchesSingles(List.of(base,
                    TaskSpec.sphere(61, 40, d, 2, 2).withSteps(40).withCheckpoints(5, 2).withTargetLossRatio(0.5),
                    TaskSpec.sphere(24, 40, d, 2, 3).withSteps(40).withCheckpoints(5, 2).withTargetLossRatio(0),
                    TaskSpec.sphere(203, 40, d, 2, 4).withSteps(40).withCheckpoints(5, 2).withTargetLossRatio(0),
                    TaskSpec.sphere(3, 40, d, 2, 5).withSteps(40).withCheckpoints(5, 2).withTargetLossRatio(0)));
        }
    }

    @Test
    void mixedPacksWithTasksThatRunOneAfterAnotherEqualSingleRuns() {
        TaskSpec base = TaskSpec.sphere(32, 16, 6, 3, 4).withSteps(60).withCheckpoints(6, 3);
        List<TaskSpec> specs = new ArrayList<>(List.of(
                base,
                base.withSteps(40),
                new TaskSpec(20, 16, 6, DataKind.SPHERE, "", 3, "gaussian", 1.0, 5, 0.5, EtaMode.STABILITY, 60, 0, 6, 3,
                        Loss.SQUARE, Activation.RELU, 4, TrainLayers.FIRST),                            // SGD: same data, own loop
                new TaskSpec(20, 16, 6, DataKind.SPHERE, "", 3, "gaussian", 1.0, 5, 0.5, EtaMode.STABILITY, 60, 0, 6, 3,
                        Loss.SQUARE, Activation.RELU, 0, TrainLayers.BOTH),                              // other H_inf: other data group
                new TaskSpec(20, 16, 6, DataKind.SPHERE, "", 3, "gaussian", 1.0, 5, 0.5, EtaMode.STABILITY, 60, 0, 6, 3,
                        Loss.SQUARE, Activation.TANH, 0, TrainLayers.FIRST),
                new TaskSpec(20, 16, 6, DataKind.SPHERE, "", 3, "gaussian", 1.0, 5, 0.5, EtaMode.STABILITY, 60, 0, 6, 3,
                        Loss.LOGISTIC, Activation.RELU, 0, TrainLayers.FIRST),                           // fails: gaussian labels
                TaskSpec.sphere(12, 10, 600, 3, 4).withSteps(20).withCheckpoints(4, 2),  // native BLAS engine
                TaskSpec.sphere(12, 10, 600, 3, 5).withSteps(20).withCheckpoints(4, 2),
                base.withKappa(0.5)));
        Collections.shuffle(specs, new Random(5));
        assertPackMatchesSingles(specs);
    }

    /**
     * Why the BLAS engine does not fuse. Its gradient is one dgemm G = Xs^T P with the residual scaling folded
     * into X (Xs_i = c_i x_i, rounded once). Networks of one product must share the left matrix, so a fused
     * product would fold each network's scaling into P instead (P'_ir = c_s,i P_ir) and dgemm would form
     * x_ik * (c_i P_ir) inside its fma instead of (c_i x_ik) * P_ir: another rounding, other bits. The test
     * shows the bits differ (while the values agree to rounding). The forward product X W^T alone could be
     * fused; whether dgemm keeps a column's bits when W gains rows is library behaviour (blocking, small-matrix
     * kernels) with no guarantee, and this test prints what this machine's BLAS does.
     */
    @Test
    void theBlasEngineCannotFuseTheGradientProductBitForBit() {
        BLAS blas = BLAS.getInstance();
        Random rnd = new Random(3);
        int n = 50;
        int d = 600;
        int m = 64;
        double[] x = new double[n * d];
        double[] c = new double[n];
        double[] p = new double[n * m];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            c[i] = rnd.nextGaussian() / 8;
            for (int r = 0; r < m; r++) {
                p[i * m + r] = rnd.nextBoolean() ? (rnd.nextBoolean() ? 1.0 : -1.0) : 0.0;
            }
        }
        double[] xs = new double[n * d];
        double[] ps = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                xs[i * d + k] = c[i] * x[i * d + k];
            }
            for (int r = 0; r < m; r++) {
                ps[i * m + r] = c[i] * p[i * m + r];
            }
        }
        double[] g1 = new double[d * m];
        double[] g2 = new double[d * m];
        blas.dgemm("N", "T", d, m, n, 1.0, xs, d, p, m, 0.0, g1, d);   // the single network's product
        blas.dgemm("N", "T", d, m, n, 1.0, x, d, ps, m, 0.0, g2, d);   // scaling moved into P
        int differing = 0;
        for (int j = 0; j < g1.length; j++) {
            assertEquals(g1[j], g2[j], 1e-12 * (1 + Math.abs(g1[j])));
            if (Double.doubleToLongBits(g1[j]) != Double.doubleToLongBits(g2[j])) {
                differing++;
            }
        }
        assertTrue(differing > 0, "moving the residual scaling into P changed no bits");

        int changed = 0;
        int tried = 0;
        for (int dd : new int[] {8, 100, 600, 1000}) {
            for (int m1 : new int[] {3, 16, 100}) {
                int m2 = 1 + rnd.nextInt(300);
                double[] xx = new double[n * dd];
                double[] w = new double[(m1 + m2) * dd];
                for (int i = 0; i < xx.length; i++) {
                    xx[i] = rnd.nextGaussian();
                }
                for (int i = 0; i < w.length; i++) {
                    w[i] = rnd.nextGaussian();
                }
                double[] z1 = new double[m1 * n];
                double[] z2 = new double[(m1 + m2) * n];
                blas.dgemm("T", "N", m1, n, dd, 1.0, w, dd, xx, dd, 0.0, z1, m1);
                blas.dgemm("T", "N", m1 + m2, n, dd, 1.0, w, dd, xx, dd, 0.0, z2, m1 + m2);
                tried++;
                search:
                for (int i = 0; i < n; i++) {
                    for (int r = 0; r < m1; r++) {
                        if (Double.doubleToLongBits(z1[i * m1 + r]) != Double.doubleToLongBits(z2[i * (m1 + m2) + r])) {
                            changed++;
                            break search;
                        }
                    }
                }
            }
        }
        System.out.println("PackTest: " + blas.getClass().getSimpleName() + ": moving the residual scaling into P"
                + " changed " + differing + " of " + g1.length + " gradient entries; widening W changed the"
                + " preactivation bits of the original units in " + changed + " of " + tried + " shapes");
    }
}
