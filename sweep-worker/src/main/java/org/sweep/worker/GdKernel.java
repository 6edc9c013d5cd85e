package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

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
 * <p>Two engines ({@link Path}), chosen by {@link #choosePath} from the shape and the machine:
 * {@link GdVectorKernel} (register-blocked jdk.incubator.vector kernels, the pass over Z fused into
 * the first product's tiles) and two dgemm calls of dev.ludovic.netlib with that pass in plain Java
 * (native OpenBLAS wins for large d; also the fallback without the vector module). The engines
 * round differently; one task always runs on one engine. {@link #implementation()} names it.
 *
 * <p>Conventions: relu'(0) = 1 (indicator 1{z >= 0}). All workspaces are allocated once in the
 * constructor; {@link #evaluate} and {@link #step} allocate nothing. Results are deterministic:
 * the BLAS is called single-threaded (OPENBLAS_NUM_THREADS=1) and every reduction runs in a fixed
 * order, so the same inputs give bit-identical outputs on every call. Not thread-safe (one kernel
 * per training run).
 */
final class GdKernel implements StepKernel {
    private final int n;
    private final int d;
    private final int m;
    private final double[] x;
    private final double[] a;
    private final double[] y;
    private final double invSqrtM;

    private final double[] z;      // n x m preactivations, row-major
    private final double[] u;      // n predictions
    private final double[] e;      // n residuals
    private final double[] g;      // m x d gradient workspace of step()
    private double gradNormSq;
    private boolean zStale;        // vector engine: Z not yet written for the last call

    // Exactly one engine is set.
    private final GdVectorKernel vector;
    private final BLAS blas;
    private final double[] p;      // BLAS engine: n x m, a_r 1{Z_ir >= 0}
    private final double[] xs;     // BLAS engine: n x d, c_i x_i

    /**
     * @param x n x d row-major inputs (unit rows)
     * @param a m output weights, entries +-1
     * @param y n labels
     *          Arrays are not copied; the kernel never mutates them.
     */
    GdKernel(int n, int d, int m, double[] x, double[] a, double[] y) {
        this(n, d, m, x, a, y, choosePath(n, d, m));
    }

    /** The engines a kernel can run on. */
    enum Path {
        /** Register-blocked jdk.incubator.vector kernels with the elementwise work fused in ({@link GdVectorKernel}). */
        JAVA_VECTOR,
        /** Two dgemm calls of dev.ludovic.netlib ({@link BLAS#getInstance()}: native OpenBLAS via JNI, else Java). */
        BLAS
    }

    /** True when the vector incubator module is present and gives vectors of at least 4 doubles. */
    static final boolean VECTOR_AVAILABLE = vectorAvailable();

    private static boolean vectorAvailable() {
        try {
            return GdVectorKernel.L >= 4;
        } catch (LinkageError ex) {
            return false;
        }
    }

    /** True when dev.ludovic.netlib resolved a native BLAS (JNIBLAS: OpenBLAS through JNI). */
    static final boolean NATIVE_BLAS = BLAS.getInstance() instanceof NativeBLAS;

    /**
     * Input dimension from which native BLAS beats the fused vector engine. Measured on one core of
     * the development machine (AMD EPYC, AVX-512, OpenBLAS 0.3.21 with its Cooperlake kernel):
     * d = 1000: native 46 GFLOP/s vs vector 41; d = 300: native 38 vs vector 41; d = 100: native
     * about 30 vs vector 39 (the element-wise passes of the BLAS engine cost more at small d).
     */
    static final int NATIVE_MIN_D = 512;

    /**
     * The engine for a shape: a fixed function of the shape and the machine (vector module present,
     * native BLAS present), so the same task always takes the same path on the same machine.
     */
    static Path choosePath(int n, int d, int m) {
        if (!VECTOR_AVAILABLE || (NATIVE_BLAS && d >= NATIVE_MIN_D)) {
            return Path.BLAS;
        }
        return Path.JAVA_VECTOR;
    }

    GdKernel(int n, int d, int m, double[] x, double[] a, double[] y, Path path) {
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
        this.u = new double[n];
        this.e = new double[n];
        this.g = new double[m * d];
        if (path == Path.JAVA_VECTOR) {
            if (!VECTOR_AVAILABLE) {
                throw new IllegalStateException("GdKernel: path JAVA_VECTOR needs --add-modules jdk.incubator.vector");
            }
            this.vector = new GdVectorKernel(n, d, m, x, a, y, z);
            this.blas = null;
            this.p = null;
            this.xs = null;
        } else {
            this.vector = null;
            this.blas = BLAS.getInstance();
            this.p = new double[n * m];
            this.xs = new double[n * d];
        }
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
    @Override
    public double evaluate(double[] w, double[] grad) {
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
    @Override
    public double step(double[] w, double eta) {
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
        if (vector != null) {
            zStale = true;
            return vector.compute(w, out, z, u, e);
        }
        // Z (column-major m x n) = W (col-major d x m)^T * X (col-major d x n)
        blas.dgemm("T", "N", m, n, d, 1.0, w, d, x, d, 0.0, z, m);
        double loss = 0.0;
        for (int i = 0; i < n; i++) {
            int off = i * m;
            double s = 0.0;
            for (int r = 0; r < m; r++) {
                // Branch-free P_ir = a_r 1{Z_ir >= 0} (random signs would defeat branch prediction):
                // Z + 0.0 turns -0.0 into +0.0, so its sign bit is set exactly when Z < 0 (or for a
                // NaN with the sign bit set); the arithmetic shift spreads it into a clearing mask.
                double zr = z[off + r];
                long inactive = Double.doubleToRawLongBits(zr + 0.0) >> 63;
                double pr = Double.longBitsToDouble(Double.doubleToRawLongBits(a[r]) & ~inactive);
                s += pr * zr;
                p[off + r] = pr;
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
    @Override
    public double gradNormSq() {
        return gradNormSq;
    }

    /** View of the n predictions of the last call. */
    @Override
    public double[] u() {
        return u;
    }

    /** View of the n residuals u - y of the last call. */
    @Override
    public double[] residual() {
        return e;
    }

    /**
     * View of Z (row-major n x m, index i*m + r) of the last call. The vector engine does not need Z
     * for the gradient and writes it here on the first call after each evaluate/step (2 n m d flops,
     * no allocation), with the same kernels, so the values are those the gradient used.
     */
    @Override
    public double[] preactivations() {
        if (zStale) {
            vector.fillZ(z);
            zStale = false;
        }
        return z;
    }

    /**
     * The activation pattern of the last call. The vector engine reads it from P while P is still there
     * (before {@link #preactivations()} overwrote it with Z), which saves the 2 n m d flops of Z and its
     * n m doubles of stores and loads at every checkpoint; otherwise it comes from Z.
     */
    @Override
    public void pattern(long[] bits) {
        if (vector != null && zStale && vector.patternFromP()) {
            vector.pattern(bits);
        } else {
            Grams.pattern(preactivations(), n, m, bits);
        }
    }

    /** Bytes of the workspaces a kernel of this shape allocates on the path it takes. */
    static long workspaceBytes(int n, int d, int m) {
        long common = 8L * ((long) n * m + (long) m * d + 2L * n);
        if (choosePath(n, d, m) == Path.JAVA_VECTOR) {
            return common + GdVectorKernel.workspaceBytes(n, d, m);
        }
        return common + 8L * ((long) n * m + (long) n * d);
    }

    /** The engine this kernel runs on. */
    Path path() {
        return vector != null ? Path.JAVA_VECTOR : Path.BLAS;
    }

    /**
     * What runs the products, for cost records: {@code java-vector-<bits>} or the simple name of the
     * BLAS class, e.g. {@code JNIBLAS} (native) or {@code VectorBLAS} (pure Java).
     */
    String implementation() {
        return vector != null ? "java-vector-" + GdVectorKernel.S.vectorBitSize() : blas.getClass().getSimpleName();
    }
}
