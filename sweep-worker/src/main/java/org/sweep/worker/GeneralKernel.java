package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;

import java.util.Arrays;

/**
 * Gradient kernel of the two-layer network for any activation, loss, batch size and trained layers
 * (science.md sections 1 and 6). For a set B of b points (all n, or a mini-batch):
 * <pre>
 *   Z = X_B W^T                      (b x m, 2 b m d flops)
 *   S = sigma(Z),  P_ir = a_r sigma'(Z_ir)
 *   u_i = (1/sqrt m) sum_r a_r S_ir,     L_B = w_B sum_{i in B} l(u_i, y_i)     ({@link Loss})
 *   c_i = w_B dl/du_i
 *   dL/dW = P^T diag(c / sqrt m) X_B    (m x d, 2 b m d flops, one dgemm as in {@link GdKernel})
 *   dL/da = (1/sqrt m) S^T c            (train_layers = both; 2 b m flops, one dgemv)
 * </pre>
 * The step moves W and, when both layers are trained, the kernel's own copy of a (the problem's a stays the
 * initial one). Conventions: sigma'(0) of relu is 1, as in {@link GdKernel}.
 *
 * <p>Mini-batch SGD ({@link #sgdStep}): batches are drawn without replacement within an epoch. Epoch e starts
 * from the identity permutation of 0..n-1 and shuffles it by Fisher-Yates (i from n-1 down to 1, j = nextIntUnsigned(i+1))
 * with the stream {@code SplitMix64.of(seed, -1)} of the task's initialisation seed (hidden units use the
 * indices 0..m-1, so this stream is independent of them); the epoch's batches are its consecutive chunks of
 * b points (the last one smaller when b does not divide n), and each batch is sorted ascending before use, so a
 * batch of all n points is processed exactly like the full batch. The batch buffers are separate from the
 * full-evaluation buffers: {@link #u()}, {@link #residual()} and {@link #preactivations()} always refer to the last
 * full-data evaluation.
 *
 * <p>All workspaces are allocated in the constructor; evaluate, step, sgdStep and gram allocate nothing.
 * Deterministic (single-threaded BLAS, fixed reduction orders, StrictMath activations). Not thread-safe.
 */
final class GeneralKernel implements StepKernel {
    /** Stream index of the SGD sampler under the task's seed (hidden units use 0..m-1). */
    static final long SGD_STREAM_INDEX = -1;

    private final int n;
    private final int d;
    private final int m;
    private final double[] x;
    private final double[] y;
    private final Activation act;
    private final Loss loss;
    private final boolean both;
    private final double[] a;
    private final double invSqrtM;
    private final BLAS blas;

    // Full-data evaluation.
    private final double[] z;
    private final double[] s;
    private final double[] p;
    private final double[] xs;
    private final double[] u;
    private final double[] e;
    private final double[] c;
    private final double[] g;
    private final double[] ga;
    private double gradNormSq;

    // Mini-batch workspace (null for full batch).
    private final int batch;
    private final int[] perm;
    private final int[] idx;
    private final double[] xb;
    private final double[] yb;
    private final double[] zb;
    private final double[] sb;
    private final double[] pb;
    private final double[] xsb;
    private final double[] ub;
    private final double[] eb;
    private final double[] cb;
    private final SplitMix64 sampler;
    private int pos;

    /**
     * @param a0    initial output weights (copied: the kernel trains its copy when {@code both})
     * @param batch 0 for full batch only, else the mini-batch size of {@link #sgdStep}
     * @param seed  the task's initialisation seed (SGD stream)
     */
    GeneralKernel(int n, int d, int m, double[] x, double[] y, double[] a0, Activation act, Loss loss,
                  boolean both, int batch, long seed, BLAS blas) {
        if ((long) n * m > Trainer.MAX_ARRAY || (long) m * d > Trainer.MAX_ARRAY) {
            throw new IllegalArgumentException("GeneralKernel: n*m and m*d must fit in an array, got n=" + n
                    + " d=" + d + " m=" + m);
        }
        if (batch < 0 || batch > n) {
            throw new IllegalArgumentException("batch_size = " + batch + ": must be in [0, n = " + n + "]");
        }
        this.n = n;
        this.d = d;
        this.m = m;
        this.x = x;
        this.y = y;
        this.act = act;
        this.loss = loss;
        this.both = both;
        this.a = a0.clone();
        this.invSqrtM = 1.0 / Math.sqrt(m);
        this.blas = blas;
        this.z = new double[n * m];
        this.s = new double[n * m];
        this.p = new double[n * m];
        this.xs = new double[n * d];
        this.u = new double[n];
        this.e = new double[n];
        this.c = new double[n];
        this.g = new double[m * d];
        this.ga = new double[m];
        this.batch = batch;
        if (batch > 0) {
            perm = new int[n];
            idx = new int[batch];
            xb = new double[batch * d];
            yb = new double[batch];
            zb = new double[batch * m];
            sb = new double[batch * m];
            pb = new double[batch * m];
            xsb = new double[batch * d];
            ub = new double[batch];
            eb = new double[batch];
            cb = new double[batch];
            sampler = SplitMix64.of(seed, SGD_STREAM_INDEX);
            pos = n; // the first sgdStep starts epoch 0
        } else {
            perm = idx = null;
            xb = yb = zb = sb = pb = xsb = ub = eb = cb = null;
            sampler = null;
        }
    }

    @Override
    public double evaluate(double[] w, double[] grad) {
        double l = forwardBackward(w, x, y, n, loss.batchWeight(n, n), z, s, p, xs, u, e, c, grad, ga);
        gradNormSq = normSq(grad, m * d) + (both ? normSq(ga, m) : 0.0);
        return l;
    }

    @Override
    public double step(double[] w, double eta) {
        double l = evaluate(w, g);
        update(w, eta);
        return l;
    }

    /**
     * One SGD step on the next mini-batch (see the class comment): W -= eta dL_B/dW (and a when both).
     * Returns the batch loss L_B at the incoming weights. The full-evaluation views are not touched.
     */
    double sgdStep(double[] w, double eta) {
        int cnt = nextBatch();
        for (int k = 0; k < cnt; k++) {
            int i = idx[k];
            System.arraycopy(x, i * d, xb, k * d, d);
            yb[k] = y[i];
        }
        double l = forwardBackward(w, xb, yb, cnt, loss.batchWeight(n, cnt), zb, sb, pb, xsb, ub, eb, cb, g, ga);
        update(w, eta);
        return l;
    }

    /**
     * Draws the next mini-batch into {@link #batchIndices()} (sorted ascending) and returns its size: a new epoch
     * (identity permutation shuffled by Fisher-Yates) starts when the previous one is used up.
     */
    int nextBatch() {
        if (pos >= n) {
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = sampler.nextIntUnsigned(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            pos = 0;
        }
        int cnt = Math.min(batch, n - pos);
        System.arraycopy(perm, pos, idx, 0, cnt);
        pos += cnt;
        Arrays.sort(idx, 0, cnt);
        return cnt;
    }

    /** View of the indices of the last batch drawn by {@link #nextBatch()} (the first cnt entries). */
    int[] batchIndices() {
        return idx;
    }

    private void update(double[] w, double eta) {
        for (int j = 0; j < m * d; j++) {
            w[j] -= eta * g[j];
        }
        if (both) {
            for (int r = 0; r < m; r++) {
                a[r] -= eta * ga[r];
            }
        }
    }

    /**
     * Forward and backward pass over cnt rows xin (cnt x d) with labels yin and batch weight wt: fills the
     * cnt x m buffers zz, ss, pp, the predictions uu, residuals ee (u - y), loss derivatives cc, the W gradient
     * gout (m x d) and, when both, the a gradient gaout. Returns the weighted loss.
     */
    private double forwardBackward(double[] w, double[] xin, double[] yin, int cnt, double wt,
                                   double[] zz, double[] ss, double[] pp, double[] xss,
                                   double[] uu, double[] ee, double[] cc, double[] gout, double[] gaout) {
        // Z (column-major m x cnt) = W (col-major d x m)^T * X (col-major d x cnt)
        blas.dgemm("T", "N", m, cnt, d, 1.0, w, d, xin, d, 0.0, zz, m);
        act.eval(zz, 0, cnt * m, ss, pp);
        double total = 0;
        for (int i = 0; i < cnt; i++) {
            int off = i * m;
            double sum = 0;
            for (int r = 0; r < m; r++) {
                sum += a[r] * ss[off + r];
                pp[off + r] *= a[r];
            }
            double ui = sum * invSqrtM;
            uu[i] = ui;
            ee[i] = ui - yin[i];
            total += loss.term(ui, yin[i]);
            double ci = wt * loss.termDerivative(ui, yin[i]);
            cc[i] = ci;
            double sc = ci * invSqrtM;
            int xo = i * d;
            for (int k = 0; k < d; k++) {
                xss[xo + k] = sc * xin[xo + k];
            }
        }
        // G (col-major d x m) = Xs (col-major d x cnt) * P (col-major m x cnt)^T
        blas.dgemm("N", "T", d, m, cnt, 1.0, xss, d, pp, m, 0.0, gout, d);
        if (both) {
            // ga = (1/sqrt m) S (col-major m x cnt) c
            blas.dgemv("N", m, cnt, invSqrtM, ss, m, cc, 1, 0.0, gaout, 1);
        }
        return wt * total;
    }

    private static double normSq(double[] v, int len) {
        double t = 0;
        for (int j = 0; j < len; j++) {
            t += v[j] * v[j];
        }
        return t;
    }

    /**
     * The finite-width tangent kernel at the last full evaluation, H = G o (P P^T) / m (+ S S^T / m when both),
     * with G = X X^T, P_ir = a_r sigma'(Z_ir), S = sigma(Z): H = J J^T for the Jacobian J of u with respect to
     * the trained parameters, so ||grad L||^2 = c^T H c with c = dL/du. 2 n^2 m flops (4 n^2 m when both),
     * by BLAS dsyrk. Writes into h (n x n, full storage).
     */
    void gram(double[] gIn, double[] h) {
        blas.dsyrk("U", "T", n, m, 1.0 / m, p, m, 0.0, h, n);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= j; i++) {
                h[j * n + i] *= gIn[j * n + i];
            }
        }
        if (both) {
            blas.dsyrk("U", "T", n, m, 1.0 / m, s, m, 1.0, h, n);
        }
        Grams.symmetrizeFromUpper(h, n);
    }

    /** Flops of one full evaluation or step: 4 n m d (+ 2 n m for the a gradient). */
    double flopsFull() {
        return 4.0 * n * m * d + (both ? 2.0 * n * m : 0.0);
    }

    /** Flops of one SGD step of the given size (the last batch of an epoch may be smaller; this uses b). */
    double flopsBatch() {
        return 4.0 * batch * m * d + (both ? 2.0 * batch * m : 0.0);
    }

    /** The current output weights (the kernel's copy). */
    double[] outputWeights() {
        return a;
    }

    /** dL/du of the last full evaluation. */
    double[] lossDerivative() {
        return c;
    }

    @Override
    public double gradNormSq() {
        return gradNormSq;
    }

    @Override
    public double[] u() {
        return u;
    }

    @Override
    public double[] residual() {
        return e;
    }

    @Override
    public double[] preactivations() {
        return z;
    }

    @Override
    public void pattern(long[] bits) {
        Grams.pattern(z, n, m, bits);
    }
}
