package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares a full training run with the trajectory that {@code reference/make_reference.py} (plain NumPy,
 * independent of this code) computed from the same inputs {@code reference/small_input.txt}.
 */
class ReferenceTrajectoryTest {
    /** Two float64 implementations of the same 50 steps: rounding differences grow slowly along a
     *  contracting trajectory; 1e-10 relative is far above them and far below any modelling error. */
    private static final double REL_TOL = 1e-10;

    private static List<String[]> lines(String resource) throws IOException {
        try (InputStream in = ReferenceTrajectoryTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            List<String[]> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!l.isBlank()) {
                    out.add(l.trim().split("\\s+"));
                }
            }
            return out;
        }
    }

    private static double[] numbers(List<String[]> rows, int from, int count) {
        return rows.subList(from, from + count).stream().flatMap(Arrays::stream).mapToDouble(Double::parseDouble)
                .toArray();
    }

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, REL_TOL * Math.max(1e-300, Math.abs(expected)), what);
    }

    @Test
    void trainingMatchesTheIndependentNumPyTrajectory() throws IOException {
        List<String[]> in = lines("/reference/small_input.txt");
        int n = Integer.parseInt(in.get(0)[0]);
        int d = Integer.parseInt(in.get(0)[1]);
        int m = Integer.parseInt(in.get(0)[2]);
        int steps = Integer.parseInt(in.get(0)[3]);
        double eta = Double.parseDouble(in.get(0)[4]);
        double[] x = numbers(in, 1, n);
        double[] y = numbers(in, 1 + n, 1);
        double[] a = numbers(in, 2 + n, 1);
        double[] w0 = numbers(in, 3 + n, m);
        Problem p = new Problem(n, d, m, x, y, a, w0);
        TaskSpec spec = new TaskSpec(m, n, d, DataKind.CSV, "reference/small_input.txt", 0, "true", 1.0, 0, eta,
                EtaMode.ABSOLUTE, steps, 0.0, steps + 1, 2, Loss.SQUARE, Activation.RELU, 0, TrainLayers.FIRST);
        TaskResult r = new Trainer(spec, BLAS.getInstance(), LAPACK.getInstance()).runProblem(p);
        assertEquals(Status.OK, r.status(), r.message());

        List<String[]> ex = lines("/reference/small_expected.txt");
        String[] last = ex.get(steps + 1);
        close(Double.parseDouble(last[1]), r.summary().lambda0(), "lambda0");
        close(Double.parseDouble(last[3]), r.summary().lambdaMinH0(), "lambda_min(H(0))");
        close(Double.parseDouble(last[5]), r.summary().lambdaMaxInf(), "lambda_max_inf");

        assertTrue(r.trajectory().size() > 10, "checkpoints " + r.trajectory().size());
        for (Checkpoint c : r.trajectory()) {
            String[] row = ex.get(c.step());
            assertEquals(c.step(), Integer.parseInt(row[0]));
            close(Double.parseDouble(row[1]), c.loss(), "loss at " + c.step());
            close(Double.parseDouble(row[2]), c.gradNormSq(), "grad_norm_sq at " + c.step());
            close(Double.parseDouble(row[3]), c.maxDist(), "max_dist at " + c.step());
            assertEquals(Double.parseDouble(row[4]), c.patternChange(), 0.0, "pattern_change at " + c.step());
            close(Double.parseDouble(row[5]), c.lossPred(), "loss_pred at " + c.step());
        }
        assertEquals(steps, r.trajectory().get(r.trajectory().size() - 1).step());
        // pl_min is over every step: compare with the minimum of the reference's per-step ratios.
        double plMin = Double.POSITIVE_INFINITY;
        for (int k = 0; k <= steps; k++) {
            plMin = Math.min(plMin, Double.parseDouble(ex.get(k)[2]) / (2 * Double.parseDouble(ex.get(k)[1])));
        }
        close(plMin, r.summary().plMin(), "pl_min");
    }
}
