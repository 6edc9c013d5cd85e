package org.sweep.worker;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Symmetric eigenvalue problems through LAPACK dsyevr (Dhillon-Parlett MRRR; Anderson et al., LAPACK
 * Users' Guide, 3rd ed., section 2.4.4). Inputs are full symmetric n x n matrices; only the upper triangle
 * is read. Every routine works on a copy passed in {@code work} (n*n), so the input is not modified.
 * Eigenvalues are ascending.
 */
final class SymEigen {
    /** abstol of dsyevr: twice the underflow threshold, LAPACK's advice for the most accurate eigenvalues. */
    private static final double ABSTOL = 2 * Double.MIN_NORMAL;

    private final LAPACK lapack;

    SymEigen(LAPACK lapack) {
        this.lapack = lapack;
    }

    /** Eigenvalues ascending and, if {@code vectors} is non-null (n*n), orthonormal eigenvectors as its columns
     *  (vector k at [k*n, (k+1)*n)). */
    double[] all(double[] a, int n, double[] work, double[] vectors) {
        double[] w = new double[n];
        run(a, n, work, vectors != null ? "V" : "N", "A", 0, 0, w, vectors);
        return w;
    }

    /** Eigenvalues il..iu (1-based, ascending), values only. */
    double[] range(double[] a, int n, int il, int iu, double[] work) {
        double[] w = new double[n];
        int found = run(a, n, work, "N", "I", il, iu, w, null);
        return java.util.Arrays.copyOf(w, found);
    }

    /** lambda_min by dsyevr with range 'I', il = iu = 1. */
    double min(double[] a, int n, double[] work) {
        return range(a, n, 1, 1, work)[0];
    }

    /** Operator norm of a symmetric matrix, max(|lambda_min|, |lambda_max|): one reduction to tridiagonal
     *  form, then all eigenvalues of the tridiagonal matrix (O(n^2)). */
    double norm2(double[] a, int n, double[] work) {
        double[] w = all(a, n, work, null);
        return Math.max(Math.abs(w[0]), Math.abs(w[n - 1]));
    }

    /** ||A - B||_2 for symmetric A, B; {@code work} receives the difference and is destroyed. */
    double normOfDifference(double[] a, double[] b, int n, double[] work) {
        double[] w = new double[n];
        for (int k = 0; k < n * n; k++) {
            work[k] = a[k] - b[k];
        }
        runInPlace(work, n, "N", "A", 0, 0, w, null);
        return Math.max(Math.abs(w[0]), Math.abs(w[n - 1]));
    }

    private int run(double[] a, int n, double[] work, String jobz, String range, int il, int iu, double[] w,
                    double[] z) {
        System.arraycopy(a, 0, work, 0, n * n);
        return runInPlace(work, n, jobz, range, il, iu, w, z);
    }

    /** dsyevr on {@code a} (destroyed); returns the number of eigenvalues found. */
    private int runInPlace(double[] a, int n, String jobz, String range, int il, int iu, double[] w, double[] z) {
        intW found = new intW(0);
        intW info = new intW(0);
        double[] zz = z != null ? z : new double[Math.max(1, n)]; // not referenced, but netlib checks n*ldz
        int ldz = z != null ? n : 1;
        int[] isuppz = new int[2 * Math.max(1, n)];
        double[] wq = new double[1];
        int[] iq = new int[1];
        lapack.dsyevr(jobz, range, "U", n, a, n, 0.0, 0.0, il, iu, ABSTOL, found, w, zz, ldz, isuppz,
                wq, -1, iq, -1, info);
        if (info.val != 0) {
            throw new ArithmeticException("dsyevr workspace query failed: info = " + info.val);
        }
        int lwork = Math.max(26 * n, (int) wq[0]);
        int liwork = Math.max(10 * n, iq[0]);
        lapack.dsyevr(jobz, range, "U", n, a, n, 0.0, 0.0, il, iu, ABSTOL, found, w, zz, ldz, isuppz,
                new double[lwork], lwork, new int[liwork], liwork, info);
        if (info.val != 0) {
            throw new ArithmeticException("dsyevr failed (n = " + n + ", range " + range + "): info = " + info.val);
        }
        return found.val;
    }

    /** Name of the LAPACK implementation, plus the OpenBLAS core type when the native one runs. */
    String implementation() {
        return implementationName(lapack);
    }

    static String implementationName(Object impl) {
        String name = impl.getClass().getSimpleName();
        if (name.startsWith("JNI")) {
            String core = System.getenv("OPENBLAS_CORETYPE");
            if (core != null && !core.isEmpty()) {
                return name + " (OPENBLAS_CORETYPE=" + core + ")";
            }
        }
        return name;
    }
}
