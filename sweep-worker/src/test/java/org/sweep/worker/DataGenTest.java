package org.sweep.worker;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataGenTest {
    /** Norm of a normalised row: one division and a sum of d squares, a few ulps. */
    private static final double NORM_TOL = 1e-14;

    @Test
    void splitMix64MatchesThePublishedSequenceForSeedZero() {
        // Reference outputs of SplitMix64 with state 0 (Vigna's splitmix64.c, also java.util.SplittableRandom's mixer).
        SplitMix64 r = new SplitMix64(0);
        assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
        assertEquals(0x06C45D188009454FL, r.nextLong());
    }

    @Test
    void gaussianStreamHasStandardMoments() {
        SplitMix64 r = new SplitMix64(42);
        int count = 200_000;
        double s = 0;
        double s2 = 0;
        double s4 = 0;
        for (int i = 0; i < count; i++) {
            double g = r.nextGaussian();
            s += g;
            s2 += g * g;
            s4 += g * g * g * g;
        }
        // Five standard errors: sd(mean) = 1/sqrt(N), sd(var) = sqrt(2/N), sd(4th moment) = sqrt(96/N).
        assertEquals(0.0, s / count, 5 / Math.sqrt(count));
        assertEquals(1.0, s2 / count, 5 * Math.sqrt(2.0 / count));
        assertEquals(3.0, s4 / count, 5 * Math.sqrt(96.0 / count));
    }

    @Test
    void nextIntIsUniformOverSmallRange() {
        SplitMix64 r = new SplitMix64(7);
        int[] counts = new int[3];
        int total = 30_000;
        for (int i = 0; i < total; i++) {
            counts[r.nextInt(3)]++;
        }
        for (int c : counts) {
            assertEquals(total / 3.0, c, 5 * Math.sqrt(total * (1 / 3.0) * (2 / 3.0)));
        }
    }

    @Test
    void sphereRowsHaveUnitNorm() {
        double[][] xy = DataGen.sphere(TaskSpec.sphere(8, 50, 7, 3, 1));
        for (int i = 0; i < 50; i++) {
            double s = 0;
            for (int j = 0; j < 7; j++) {
                s += xy[0][i * 7 + j] * xy[0][i * 7 + j];
            }
            assertEquals(1.0, Math.sqrt(s), NORM_TOL, "row " + i);
        }
    }

    @Test
    void smallDatasetIsAPrefixOfTheLargeOneForEveryLabelKind() {
        for (String labels : new String[] {"gaussian", "sign", "random-sign"}) {
            double[][] small = DataGen.sphere(TaskSpec.sphere(8, 100, 5, 11, 1).withLabels(labels));
            double[][] large = DataGen.sphere(TaskSpec.sphere(8, 1000, 5, 11, 1).withLabels(labels));
            assertArrayEquals(small[0], Arrays.copyOf(large[0], 500), labels);
            assertArrayEquals(small[1], Arrays.copyOf(large[1], 100), labels);
        }
    }

    @Test
    void inputsDoNotDependOnLabelKindAndSeedsMatter() {
        double[][] g = DataGen.sphere(TaskSpec.sphere(8, 30, 4, 5, 1));
        double[][] s = DataGen.sphere(TaskSpec.sphere(8, 30, 4, 5, 1).withLabels("sign"));
        double[][] other = DataGen.sphere(TaskSpec.sphere(8, 30, 4, 6, 1));
        assertArrayEquals(g[0], s[0]);
        assertFalse(Arrays.equals(g[0], other[0]));
    }

    @Test
    void signLabelsComeFromOneHyperplane() {
        int n = 400;
        int d = 3;
        double[][] xy = DataGen.sphere(TaskSpec.sphere(8, n, d, 9, 1).withLabels("sign"));
        int pos = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(xy[1][i] == 1.0 || xy[1][i] == -1.0);
            pos += xy[1][i] > 0 ? 1 : 0;
        }
        assertTrue(pos > 0 && pos < n, "both classes present");
        // Linearly separable through the origin: the perceptron finds a separating h in finitely many updates.
        double[] h = new double[d];
        boolean separated = false;
        for (int epoch = 0; epoch < 10_000 && !separated; epoch++) {
            separated = true;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += h[j] * xy[0][i * d + j];
                }
                if (s * xy[1][i] <= 0) {
                    separated = false;
                    for (int j = 0; j < d; j++) {
                        h[j] += xy[1][i] * xy[0][i * d + j];
                    }
                }
            }
        }
        assertTrue(separated, "sign labels are separable by a hyperplane through 0");
    }

    @Test
    void randomSignLabelsAreBalancedSigns() {
        int n = 4000;
        double[][] xy = DataGen.sphere(TaskSpec.sphere(8, n, 3, 9, 1).withLabels("random-sign"));
        double sum = 0;
        for (double v : xy[1]) {
            assertTrue(v == 1.0 || v == -1.0);
            sum += v;
        }
        assertEquals(0.0, sum / n, 5 / Math.sqrt(n));
    }

    @Test
    void narrowNetworkIsAPrefixOfTheWideOneAndAIsSigns() {
        double[][] small = DataGen.init(16, 3, 1.0, 4);
        double[][] large = DataGen.init(64, 3, 1.0, 4);
        assertArrayEquals(small[0], Arrays.copyOf(large[0], 16));
        assertArrayEquals(small[1], Arrays.copyOf(large[1], 48));
        for (double a : large[0]) {
            assertTrue(a == 1.0 || a == -1.0);
        }
        double[][] scaled = DataGen.init(16, 3, 2.5, 4);
        for (int k = 0; k < 48; k++) {
            assertEquals(2.5 * small[1][k], scaled[1][k], 0.0);
        }
    }

    @Test
    void permutedLabelsAreADeterministicPermutation() {
        int n = 40;
        double[][] xy = DataGen.sphere(TaskSpec.sphere(8, n, 3, 2, 1));
        TaskSpec spec = fileSpec(n, 3, "permuted");
        Dataset data = new Dataset("gen", n, 3, xy[0], xy[1]);
        double[] y1 = DataGen.supplied(spec, data)[1];
        double[] y2 = DataGen.supplied(spec, data)[1];
        assertArrayEquals(y1, y2);
        assertFalse(Arrays.equals(y1, xy[1]));
        double[] a = y1.clone();
        double[] b = xy[1].clone();
        Arrays.sort(a);
        Arrays.sort(b);
        assertArrayEquals(b, a);
        assertArrayEquals(xy[1], DataGen.supplied(fileSpec(n, 3, "true"), data)[1]);
    }

    @Test
    void suppliedDataIsCheckedWithMessagesNamingTheProblem() {
        double[] x = {1, 0, 0, 1, 0.6, 0.7};
        double[] y = {1, 2, 3};
        Dataset data = new Dataset("three.csv", 3, 2, x, y);
        TaskResult r = SweepWorker.run(fileSpec(3, 2, "true"), data);
        assertEquals(Status.FAILED, r.status());
        assertTrue(r.message().contains("three.csv") && r.message().contains("row 2"), r.message());

        x[5] = Double.NaN;
        r = SweepWorker.run(fileSpec(3, 2, "true"), data);
        assertTrue(r.message().contains("not finite"), r.message());

        r = SweepWorker.run(fileSpec(2, 3, "true"), new Dataset("d3", 2, 2, new double[] {1, 0, 0, 1}, new double[2]));
        assertEquals(Status.FAILED, r.status());
        assertTrue(r.message().contains("d = 2"), r.message());

        r = SweepWorker.run(fileSpec(5, 2, "true"), new Dataset("short", 2, 2, new double[] {1, 0, 0, 1}, new double[2]));
        assertTrue(r.message().contains("2 rows"), r.message());

        r = SweepWorker.run(fileSpec(2, 2, "gaussian"), new Dataset("lbl", 2, 2, new double[] {1, 0, 0, 1}, new double[2]));
        assertTrue(r.message().contains("labels = gaussian"), r.message());
    }

    static TaskSpec fileSpec(int n, int d, String labels) {
        return new TaskSpec(16, n, d, DataKind.CSV, "test", 3, labels, 1.0, 1, 0.5, EtaMode.STABILITY, 20, 0.0, 5, 2,
                Loss.SQUARE, Activation.RELU, 0, TrainLayers.FIRST);
    }
}
