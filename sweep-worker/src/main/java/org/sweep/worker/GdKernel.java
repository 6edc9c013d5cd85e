package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;

/**
 * One full-batch gradient-descent step of the two-layer ReLU network of Du et al. (ICLR 2019,
 * science.md section 1) with fixed output weights a and NTK scaling 1/sqrt(m):
 * <pre>
 *   Z = X W^T                                   (n x m, 2 n m d flops)
 *   u_i = (1/sqrt m) sum_r a_r relu(Z_ir),   e = u - y,   L = 1/2 ||e||^2
 *   G_r = dL/dw_r = (1/sqrt m) a_r sum_i e_i 1{Z_ir >= 0} x_i     (m x d, 2 n m d flops)
 * </pre>
 * The gradient is computed as G = P^T (diag(c) X) with P_ir = a_r 1{Z_ir >= 0} and
 * c_i = e_i / sqrt(m): P does not depend on the residual, so the activation mask, the prediction u
 * and P are produced in a single pass over Z, and the residual scaling touches only the n x d matrix X.
 * The step update w -= eta G and ||G||^2 are fused into one pass over the m x d gradient.
 *
 * <p>Conventions: relu'(0) = 1 (indicator 1{z >= 0}). All workspaces are allocated once in the
 * constructor; {@link #evaluate} and {@link #step} allocate nothing. Results are deterministic:
 * the BLAS is called single-threaded (OPENBLAS_NUM_THREADS=1) and every reduction runs in a fixed
 * order, so the same inputs give bit-identical outputs on every call. Not thread-safe (one kernel
 * per training run).
 */
final class GdKernel {
    private final int n;
    private final int d;
    private final int m;
    private final double[] x;
    private final double[] a;
    private final double[] y;
    private final double invSqrtM;

    private final double[] z;      // n x m preactivations, row-major
    private final double[] p;      // n x m, a_r 1{Z_ir >= 0}
    private final double[] xs;     // n x d, c_i x_i
    private final double[] u;      // n predictions
    private final double[] e;      // n residuals
    private final double[] g;      // m x d gradient workspace of step()
    private double gradNormSq;

    private final BLAS blas;

    /**
     * @param x n x d row-major inputs (unit rows)
     * @param a m output weights, entries +-1
     * @param y n labels
     *          Arrays are not copied; the kernel never mutates them.
     */
    GdKernel(int n, int d, int m, double[] x, double[] a, double[] y) {
        if (n < 1 || d < 1 || m < 1) {
            throw new IllegalArgumentException("GdKernel: n, d, m must be >= 1, got n=" + n + " d=" + d + " m=" + m);
        }
        if ((long) n * m > Integer.MAX_VALUE || (long) m * d > Integer.MAX_VALUE || (long) n * d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("GdKernel: n*m, m*d and n*d must fit in an int array, got n=" + n
                    + " d=" + d + " m=" + m);
        }
        checkLength("x", x, (long) n * d);
        checkLength("a", a, m);
        checkLength("y", y, n);
        this.n = n;
        this.d = d;
        this.m = m;
        this.x = x;
        this.a = a;
        this.y = y;
        this.invSqrtM = 1.0 / Math.sqrt(m);
        this.z = new double[n * m];
        this.p = new double[n * m];
        this.xs = new double[n * d];
        this.u = new double[n];
        this.e = new double[n];
        this.g = new double[m * d];
        this.blas = BLAS.getInstance();
    }

    private static void checkLength(String name, double[] v, long expected) {
        if (v == null) {
            throw new IllegalArgumentException("GdKernel: array " + name + " is null");
        }
        if (v.length != expected) {
            throw new IllegalArgumentException("GdKernel: array " + name + " has length " + v.length
                    + ", expected " + expected);
        }
    }

    /**
     * At weights w (m x d row-major) computes Z, u, the residual, the gradient into {@code grad}
     * (m x d row-major) and returns L(w). Does not modify w.
     */
    double evaluate(double[] w, double[] grad) {
        checkLength("w", w, (long) m * d);
        checkLength("grad", grad, (long) m * d);
        double loss = forwardBackward(w, grad);
        double s = 0.0;
        for (int j = 0; j < grad.length; j++) {
            double v = grad[j];
            s += v * v;
        }
        gradNormSq = s;
        return loss;
    }

    /**
     * Fused gradient step: returns L(w) at the incoming w and sets w to w - eta grad L(w) in place.
     * {@link #gradNormSq()}, {@link #u()}, {@link #residual()} and {@link #preactivations()} refer to
     * the incoming w.
     */
    double step(double[] w, double eta) {
        checkLength("w", w, (long) m * d);
        double loss = forwardBackward(w, g);
        double s = 0.0;
        for (int j = 0; j < g.length; j++) {
            double v = g[j];
            s += v * v;
            w[j] -= eta * v;
        }
        gradNormSq = s;
        return loss;
    }

    /** Computes Z, u, e and the gradient into out; returns the loss. */
    private double forwardBackward(double[] w, double[] out) {
        // Z (column-major m x n) = W (col-major d x m)^T * X (col-major d x n)
        blas.dgemm("T", "N", m, n, d, 1.0, w, d, x, d, 0.0, z, m);
        double loss = 0.0;
        for (int i = 0; i < n; i++) {
            int off = i * m;
            double s = 0.0;
            for (int r = 0; r < m; r++) {
                double zr = z[off + r];
                boolean on = zr >= 0.0;
                s += on ? a[r] * zr : 0.0;
                p[off + r] = on ? a[r] : 0.0;
            }
            double ui = s * invSqrtM;
            double ei = ui - y[i];
            u[i] = ui;
            e[i] = ei;
            loss += ei * ei;
            double ci = ei * invSqrtM;
            int xo = i * d;
            for (int k = 0; k < d; k++) {
                xs[xo + k] = ci * x[xo + k];
            }
        }
        // G (col-major d x m) = Xs (col-major d x n) * P (col-major m x n)^T
        blas.dgemm("N", "T", d, m, n, 1.0, xs, d, p, m, 0.0, out, d);
        return 0.5 * loss;
    }

    /** ||grad L||_F^2 of the last evaluate/step. */
    double gradNormSq() {
        return gradNormSq;
    }

    /** View of the n predictions of the last call. */
    double[] u() {
        return u;
    }

    /** View of the n residuals u - y of the last call. */
    double[] residual() {
        return e;
    }

    /** View of Z (row-major n x m, index i*m + r) of the last call. */
    double[] preactivations() {
        return z;
    }

    /** Simple name of the BLAS implementation this kernel calls, e.g. JNIBLAS. */
    String implementation() {
        return blas.getClass().getSimpleName();
    }
}
