package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The kernel statistics of one data set (science.md section 2): X X^T, H_inf, its eigenpairs and the
 * label projections. They depend on the data (x, y), the activation, kappa and the trained layers, not
 * on the width, the initialisation seed or the step size, so every network of a pack on the same data
 * shares one instance. Read-only once built; the trainer that built a private instance may reuse its
 * H_inf and eigenvector storage after step 0 ({@link #owned}).
 */
final class DataStats {
    final int n;
    final int d;
    final double[] x;
    final double[] y;
    /** X X^T, n x n. */
    final double[] g;
    final double maxCos;
    /** H_inf, n x n. */
    final double[] hInf;
    final String hInfMethod;
    /** Eigenvalues of H_inf, ascending. */
    final double[] evInf;
    /** Eigenvectors of H_inf as columns (vector i at [i n, (i + 1) n)). */
    final double[] vecs;
    /** (v_i . y)^2. */
    final double[] projY;
    /** y^T H_inf^-1 y. */
    final double yHinvY;
    /** Nanoseconds spent building these statistics. */
    final long nanos;
    /** True when one trainer owns the instance and may reuse the storage of hInf and vecs. */
    final boolean owned;

    private DataStats(int n, int d, double[] x, double[] y, double[] g, double maxCos, double[] hInf,
                      String hInfMethod, double[] evInf, double[] vecs, double[] projY, double yHinvY, long nanos,
                      boolean owned) {
        this.n = n;
        this.d = d;
        this.x = x;
        this.y = y;
        this.g = g;
        this.maxCos = maxCos;
        this.hInf = hInf;
        this.hInfMethod = hInfMethod;
        this.evInf = evInf;
        this.vecs = vecs;
        this.projY = projY;
        this.yHinvY = yHinvY;
        this.nanos = nanos;
        this.owned = owned;
    }

    /** Builds the statistics of inputs x (n x d, unit rows) and labels y. */
    static DataStats of(BLAS blas, SymEigen eig, double[] x, double[] y, int n, int d, Activation act, double kappa,
                        boolean both, boolean owned) {
        long t = System.nanoTime();
        double[] g = Grams.inputGram(blas, x, n, d);
        double maxCos = Grams.maxOffDiagonalAbs(g, n);
        double[] hInf = NtkInf.hInf(g, n, act, kappa, both);
        String method = NtkInf.method(act);
        double[] work = new double[n * n];
        double[] vecs = new double[n * n];
        double[] evInf = eig.all(hInf, n, work, vecs);
        double[] projY = new double[n];
        double hinv = 0;
        for (int i = 0; i < n; i++) {
            double c = Trainer.dot(vecs, i * n, y, n);
            projY[i] = c * c;
            hinv += projY[i] / evInf[i];
        }
        return new DataStats(n, d, x, y, g, maxCos, hInf, method, evInf, vecs, projY, hinv, System.nanoTime() - t,
                owned);
    }

    /** Bytes held: four n x n matrices, three n-vectors, x and y. */
    static long bytes(long n, long d) {
        return 8 * (3 * n * n + 3 * n + n * d + n);
    }
}
