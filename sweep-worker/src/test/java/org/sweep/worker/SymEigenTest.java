package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.JavaLAPACK;
import dev.ludovic.netlib.lapack.LAPACK;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SymEigenTest {
    /** Eigenvalues of a symmetric matrix are perturbed by at most its backward error, about n eps ||A||
     *  (Weyl); with n = 50 and ||A|| = 7 that is 1e-13, 1e-11 leaves margin for the construction of Q. */
    private static final double EIGEN_TOL = 1e-11;
    /** Two LAPACK implementations (native OpenBLAS, pure-Java F2J) on the same matrix: both backward
     *  stable, so they agree to a small multiple of n eps ||A||. */
    private static final double IMPLEMENTATIONS_TOL = 1e-11;

    /** A = Q diag(lambda) Q^T with Q a product of Householder reflections (orthogonal to rounding). */
    private static double[] withSpectrum(double[] lambda, long seed) {
        int n = lambda.length;
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            q[i * n + i] = 1;
        }
        Random rng = new Random(seed);
        double[] v = new double[n];
        for (int h = 0; h < 4; h++) {
            double nv = 0;
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextGaussian();
                nv += v[i] * v[i];
            }
            // Q <- Q (I - 2 v v^T / v.v)
            for (int r = 0; r < n; r++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += q[r * n + i] * v[i];
                }
                for (int i = 0; i < n; i++) {
                    q[r * n + i] -= 2 * s * v[i] / nv;
                }
            }
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i * n + k] * lambda[k] * q[j * n + k];
                }
                a[i * n + j] = s;
            }
        }
        return a;
    }

    private static double[] knownSpectrum(int n) {
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = -3 + 10.0 * i / (n - 1); // -3 .. 7, ascending
        }
        lambda[1] = lambda[2] = -2.5; // a repeated eigenvalue
        return lambda;
    }

    private static void checkKnownSpectrum(LAPACK lapack) {
        int n = 50;
        double[] lambda = knownSpectrum(n);
        double[] a = withSpectrum(lambda, 7);
        double[] copy = a.clone();
        SymEigen eig = new SymEigen(lapack);
        double[] work = new double[n * n];
        double[] vec = new double[n * n];
        double[] ev = eig.all(a, n, work, vec);
        for (int i = 0; i < n; i++) {
            assertEquals(lambda[i], ev[i], EIGEN_TOL, "eigenvalue " + i);
        }
        // A v = lambda v for each pair, and the input is not modified.
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += a[i * n + j] * vec[k * n + j];
                }
                assertEquals(ev[k] * vec[k * n + i], s, EIGEN_TOL);
            }
        }
        assertTrue(java.util.Arrays.equals(copy, a), "input unchanged");
        assertEquals(-3.0, eig.min(a, n, work), EIGEN_TOL);
        double[] mid = eig.range(a, n, 2, 4, work);
        assertEquals(3, mid.length);
        assertEquals(-2.5, mid[0], EIGEN_TOL);
        assertEquals(-2.5, mid[1], EIGEN_TOL);
        assertEquals(lambda[3], mid[2], EIGEN_TOL);
        assertEquals(7.0, eig.norm2(a, n, work), EIGEN_TOL);
        // ||A - B|| with B = 2 I: the spectrum shifts to -5 .. 5.
        double[] b = new double[n * n];
        for (int i = 0; i < n; i++) {
            b[i * n + i] = 2;
        }
        assertEquals(5.0, eig.normOfDifference(a, b, n, work), EIGEN_TOL);
    }

    @Test
    void nativeLapackRecoversAKnownSpectrum() {
        checkKnownSpectrum(LAPACK.getInstance());
    }

    @Test
    void pureJavaLapackRecoversAKnownSpectrum() {
        checkKnownSpectrum(JavaLAPACK.getInstance());
    }

    @Test
    void pureJavaAndDefaultLapackAgreeOnHInf() {
        int n = 80;
        int d = 5;
        double[] x = DataGen.sphere(TaskSpec.sphere(8, n, d, 21, 1))[0];
        double[] h = Grams.hInf(Grams.inputGram(BLAS.getInstance(), x, n, d), n, Activation.RELU);
        double[] work = new double[n * n];
        double[] a = new SymEigen(LAPACK.getInstance()).all(h, n, work, null);
        double[] b = new SymEigen(JavaLAPACK.getInstance()).all(h, n, work, null);
        for (int i = 0; i < n; i++) {
            assertEquals(a[i], b[i], IMPLEMENTATIONS_TOL * a[n - 1], "eigenvalue " + i);
        }
        assertTrue(new SymEigen(JavaLAPACK.getInstance()).implementation().startsWith("F2j"));
    }

    @Test
    void wholeTaskRunsOnPureJavaLapack() {
        TaskSpec spec = TaskSpec.sphere(64, 30, 4, 5, 6).withSteps(60);
        TaskResult nat = new Trainer(spec, BLAS.getInstance(), LAPACK.getInstance()).runGenerated();
        TaskResult f2j = new Trainer(spec, BLAS.getInstance(), JavaLAPACK.getInstance()).runGenerated();
        assertEquals(Status.OK, f2j.status(), f2j.message());
        assertTrue(f2j.cost().lapack().startsWith("F2jLAPACK"), f2j.cost().lapack());
        Summary a = nat.summary();
        Summary b = f2j.summary();
        assertEquals(a.lambda0(), b.lambda0(), IMPLEMENTATIONS_TOL);
        assertEquals(a.lambdaMaxInf(), b.lambdaMaxInf(), IMPLEMENTATIONS_TOL);
        assertEquals(a.lambdaMinH0(), b.lambdaMinH0(), IMPLEMENTATIONS_TOL);
        assertEquals(a.h0Dev(), b.h0Dev(), IMPLEMENTATIONS_TOL);
        assertEquals(a.lambdaMinHFinal(), b.lambdaMinHFinal(), IMPLEMENTATIONS_TOL);
        assertEquals(a.hDriftMax(), b.hDriftMax(), IMPLEMENTATIONS_TOL);
        // The step size depends on lambda_max(H_inf), so losses agree to the same relative order.
        assertEquals(a.lossFinal(), b.lossFinal(), 1e-8 * a.lossFinal());
    }
}
