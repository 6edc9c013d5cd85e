package org.sweep.worker;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pure-Java (jdk.incubator.vector) engine of {@link GdKernel}: both products of a gradient step as
 * register-blocked kernels with the elementwise work fused into them.
 * <ol>
 *   <li>Z = X W^T in tiles of MR rows x 3 vectors of columns, stored into an L1 scratch tile. The
 *       tile epilogue writes P_ir = a_r 1{Z_ir >= 0} and adds sum_r P_ir Z_ir = sum_r a_r relu(Z_ir)
 *       into per-row lane accumulators of u (no pass over a stored Z). Z itself is written to
 *       memory only when asked for ({@link #fillZ}), by the same tiles.</li>
 *   <li>u, e = u - y, c_i = e_i / sqrt(m) from the lane accumulators (fixed order); the packed X is
 *       scaled by c_i (n d work).</li>
 *   <li>G^T = (diag(c) X)^T P in tiles of KR gradient rows x 3 vectors of columns, over blocks of
 *       IB samples (the block of P stays in L1 across the KR-row tiles): pure FMA.</li>
 * </ol>
 * Columns r are split into strips: strips of three vectors, then one-vector strips, then a scalar
 * tail of fewer than one vector. X is packed once (it never changes), W once per call.
 * All sums run in a fixed order with lane-wise vector operations (no lane reductions, whose order
 * the Vector API leaves unspecified), so results are bit-identical on every call, compiled or
 * interpreted. Hot loops keep vectors in local variables and call no helper with vector
 * arguments: on JDK 17 that would box the vectors once the JIT's inlining budget runs out.
 */
final class GdVectorKernel {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of Z per tile of the first product. */
    static final int MR = 4;
    /** Gradient rows (input coordinates k) per tile of the second product. */
    static final int KR = 5;
    /** Samples per block of the gradient product. */
    static final int IB = 96;
    /** Rows per block of the first product (a multiple of MR): packed X block of ZB d doubles. */
    static final int ZB = 256;
    /** Samples per outer block of the gradient product: scaled X block of GB d doubles. */
    static final int GB = 480;

    private final int n;
    private final int d;
    private final int m;
    private final double[] x;
    private final double[] a;
    private final double[] y;
    private final double invSqrtM;

    private final int fullEnd;   // columns [0, fullEnd) in strips of 3L
    private final int vecEnd;    // columns [fullEnd, vecEnd) in strips of L; [vecEnd, m) scalar
    private final int np;        // n rounded up to MR
    private final int dp;        // d rounded up to KR
    private final double[] xp;   // X packed for product 1: [(it*d + k)*MR + j] = x[it*MR + j][k]
    private final double[] xq;   // X packed for product 2: [(kt*n + i)*KR + j] = x[i][kt*KR + j]
    private final double[] wp;   // W packed per strip: [c0*d + k*width + j] = w[c0 + j][k]
    private final double[] gt;   // G^T per strip: [c0*dp + k*width + j]
    private final double[] uacc; // n x L lane accumulators of sum_r a_r relu(Z_ir)
    private final double[] utail; // n scalar-tail contributions
    private final double[] wtail; // rows vecEnd .. m-1 of the last W (scalar tail columns)
    private final double[] zt;    // MR x 3L scratch tile of Z
    private final double[] c;    // n, c_i = e_i / sqrt(m)
    // n x m, stride m, shared with the Z view: during compute() its vector columns hold
    // P_ir = a_r 1{Z_ir >= 0}; fillZ() overwrites them with Z once P is no longer needed.
    private final double[] p;
    private final double[] xs;   // xq scaled by c_i: [(kt*n + i)*KR + j] = c_i x[i][kt*KR + j]

    /** @param z the n x m array of the Z view; the engine also uses it for P (see {@link #fillZ}) */
    GdVectorKernel(int n, int d, int m, double[] x, double[] a, double[] y, double[] z) {
        this.n = n;
        this.d = d;
        this.m = m;
        this.x = x;
        this.a = a;
        this.y = y;
        this.invSqrtM = 1.0 / Math.sqrt(m);
        this.fullEnd = (m / (3 * L)) * 3 * L;
        this.vecEnd = fullEnd + ((m - fullEnd) / L) * L;
        this.np = (n + MR - 1) / MR * MR;
        this.dp = (d + KR - 1) / KR * KR;
        this.xp = new double[np * d];
        for (int i = 0; i < n; i++) {
            int it = i / MR;
            int j = i % MR;
            for (int k = 0; k < d; k++) {
                xp[(it * d + k) * MR + j] = x[i * d + k];
            }
        }
        this.xq = new double[dp * n];
        for (int kt = 0; kt < dp / KR; kt++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < KR; j++) {
                    int k = kt * KR + j;
                    xq[(kt * n + i) * KR + j] = k < d ? x[i * d + k] : 0.0;
                }
            }
        }
        this.wp = new double[vecEnd * d];
        this.gt = new double[vecEnd * dp];
        this.uacc = new double[n * L];
        this.utail = new double[n];
        this.wtail = new double[(m - vecEnd) * d];
        this.zt = new double[MR * 3 * L];
        this.c = new double[n];
        this.p = z;
        this.xs = new double[dp * n];
    }

    /** Bytes of the workspaces of this engine (besides the n x m Z / P array, u, e and the gradient buffer). */
    static long workspaceBytes(int n, int d, int m) {
        long np = (n + MR - 1) / MR * MR;
        long dp = (d + KR - 1) / KR * KR;
        return 8L * (np * d + 2 * dp * n + (long) m * d + (long) m * dp + (long) n * L + 2L * n + MR * 3L * L);
    }

    /**
     * Computes Z into z (n x m), u, e, and the gradient into out (m x d row-major); returns the loss.
     */
    double compute(double[] w, double[] out, double[] z, double[] u, double[] e) {
        packW(w);
        java.util.Arrays.fill(uacc, 0.0);
        // Product 1 into an L1 scratch tile, with the fused mask / prediction epilogue. Z itself is
        // written only on demand (fillZ): it is not needed for the gradient.
        // Blocks of ZB rows keep their packed X in L2 while all column strips pass over it.
        for (int ib = 0; ib < np; ib += ZB) {
            int itEnd = Math.min(np, ib + ZB) / MR;
            for (int c0 = 0; c0 < fullEnd; c0 += 3 * L) {
                for (int it = ib / MR; it < itEnd; it++) {
                    zTile3(it, c0, zt, 0, 3 * L);
                    reluEpilogue3(it * MR, c0);
                }
            }
            for (int c0 = fullEnd; c0 < vecEnd; c0 += L) {
                for (int it = ib / MR; it < itEnd; it++) {
                    zTile1(it, c0, zt, 0, L);
                    reluEpilogue1(it * MR, c0);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int r = vecEnd; r < m; r++) {
                double zr = 0.0;
                for (int k = 0; k < d; k++) {
                    zr += x[i * d + k] * wtail[(r - vecEnd) * d + k];
                }
                z[i * m + r] = zr;
                s += a[r] * Math.max(zr, 0.0);
            }
            utail[i] = s;
        }
        // Predictions, residuals, loss.
        double loss = 0.0;
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int l = 0; l < L; l++) {
                s += uacc[i * L + l];
            }
            s += utail[i];
            double ui = s * invSqrtM;
            double ei = ui - y[i];
            u[i] = ui;
            e[i] = ei;
            loss += ei * ei;
            c[i] = ei * invSqrtM;
        }
        for (int kt = 0; kt < dp / KR; kt++) {
            for (int i = 0; i < n; i++) {
                int o = (kt * n + i) * KR;
                double ci = c[i];
                for (int j = 0; j < KR; j++) {
                    xs[o + j] = ci * xq[o + j];
                }
            }
        }
        // Product 2: G^T = P^T Xs.
        // Blocks of GB samples keep their scaled X in L2 while all column strips pass over it; inside,
        // blocks of IB samples keep a block of P (IB x 3L) in L1 across all k tiles. Every entry of
        // G^T still sums over i in increasing order.
        for (int ob = 0; ob < n; ob += GB) {
            int obEnd = Math.min(n, ob + GB);
            for (int c0 = 0; c0 < fullEnd; c0 += 3 * L) {
                for (int i0 = ob; i0 < obEnd; i0 += IB) {
                    int i1 = Math.min(obEnd, i0 + IB);
                    for (int kt = 0; kt < dp / KR; kt++) {
                        gTile3(kt, c0, i0, i1);
                    }
                }
            }
            for (int c0 = fullEnd; c0 < vecEnd; c0 += L) {
                for (int i0 = ob; i0 < obEnd; i0 += IB) {
                    int i1 = Math.min(obEnd, i0 + IB);
                    for (int kt = 0; kt < dp / KR; kt++) {
                        gTile1(kt, c0, i0, i1);
                    }
                }
            }
        }
        unpackG(out);
        for (int r = vecEnd; r < m; r++) {
            for (int k = 0; k < d; k++) {
                double s = 0.0;
                for (int i = 0; i < n; i++) {
                    s += (z[i * m + r] >= 0.0 ? c[i] : 0.0) * x[i * d + k];
                }
                out[r * d + k] = a[r] * s;
            }
        }
        return 0.5 * loss;
    }

    /**
     * Writes the vector-strip columns of Z = X W^T for the W of the last {@link #compute} call into
     * z (the scalar tail columns are written by compute itself), with the same tiles, hence bit for
     * bit the values the gradient used. Overwrites P, which compute() no longer needs once it returned.
     */
    void fillZ(double[] z) {
        for (int c0 = 0; c0 < fullEnd; c0 += 3 * L) {
            for (int it = 0; it < np / MR; it++) {
                zTile3(it, c0, z, it * MR * m + c0, m);
            }
        }
        for (int c0 = fullEnd; c0 < vecEnd; c0 += L) {
            for (int it = 0; it < np / MR; it++) {
                zTile1(it, c0, z, it * MR * m + c0, m);
            }
        }
    }

    private void packW(double[] w) {
        System.arraycopy(w, vecEnd * d, wtail, 0, (m - vecEnd) * d);
        for (int c0 = 0; c0 < vecEnd; ) {
            int width = c0 < fullEnd ? 3 * L : L;
            int base = c0 * d;
            for (int j = 0; j < width; j++) {
                int wo = (c0 + j) * d;
                for (int k = 0; k < d; k++) {
                    wp[base + k * width + j] = w[wo + k];
                }
            }
            c0 += width;
        }
    }

    private void unpackG(double[] out) {
        for (int c0 = 0; c0 < vecEnd; ) {
            int width = c0 < fullEnd ? 3 * L : L;
            int base = c0 * dp;
            for (int j = 0; j < width; j++) {
                int oo = (c0 + j) * d;
                for (int k = 0; k < d; k++) {
                    out[oo + k] = gt[base + k * width + j];
                }
            }
            c0 += width;
        }
    }

    /** Z tile: rows it*MR .. it*MR+3 (those below n), columns c0 .. c0+3L-1, row j stored at dst[off + j*stride]. */
    private void zTile3(int it, int c0, double[] dst, int off, int stride) {
        final int width = 3 * L;
        final int wo = c0 * d;
        final int xo = it * d * MR;
        final DoubleVector zero = DoubleVector.zero(S);
        DoubleVector c0_0 = zero, c0_1 = zero, c0_2 = zero;
        DoubleVector c1_0 = zero, c1_1 = zero, c1_2 = zero;
        DoubleVector c2_0 = zero, c2_1 = zero, c2_2 = zero;
        DoubleVector c3_0 = zero, c3_1 = zero, c3_2 = zero;
        for (int k = 0; k < d; k++) {
            int wk = wo + k * width;
            DoubleVector b0 = DoubleVector.fromArray(S, wp, wk);
            DoubleVector b1 = DoubleVector.fromArray(S, wp, wk + L);
            DoubleVector b2 = DoubleVector.fromArray(S, wp, wk + 2 * L);
            int xk = xo + k * MR;
            DoubleVector xv = DoubleVector.broadcast(S, xp[xk]);
            c0_0 = xv.fma(b0, c0_0);
            c0_1 = xv.fma(b1, c0_1);
            c0_2 = xv.fma(b2, c0_2);
            xv = DoubleVector.broadcast(S, xp[xk + 1]);
            c1_0 = xv.fma(b0, c1_0);
            c1_1 = xv.fma(b1, c1_1);
            c1_2 = xv.fma(b2, c1_2);
            xv = DoubleVector.broadcast(S, xp[xk + 2]);
            c2_0 = xv.fma(b0, c2_0);
            c2_1 = xv.fma(b1, c2_1);
            c2_2 = xv.fma(b2, c2_2);
            xv = DoubleVector.broadcast(S, xp[xk + 3]);
            c3_0 = xv.fma(b0, c3_0);
            c3_1 = xv.fma(b1, c3_1);
            c3_2 = xv.fma(b2, c3_2);
        }
        // Stores only: vectors passed to helper methods defeat the JIT's inlining budget.
        int i0 = it * MR;
        int zo = off;
        c0_0.intoArray(dst, zo);
        c0_1.intoArray(dst, zo + L);
        c0_2.intoArray(dst, zo + 2 * L);
        if (i0 + 1 < n) {
            zo += stride;
            c1_0.intoArray(dst, zo);
            c1_1.intoArray(dst, zo + L);
            c1_2.intoArray(dst, zo + 2 * L);
        }
        if (i0 + 2 < n) {
            zo += stride;
            c2_0.intoArray(dst, zo);
            c2_1.intoArray(dst, zo + L);
            c2_2.intoArray(dst, zo + 2 * L);
        }
        if (i0 + 3 < n) {
            zo += stride;
            c3_0.intoArray(dst, zo);
            c3_1.intoArray(dst, zo + L);
            c3_2.intoArray(dst, zo + 2 * L);
        }
    }

    /**
     * Epilogue of a Z tile (rows i0 .. min(i0+MR, n)-1, columns c0 .. c0 + 3L - 1, just stored in
     * the scratch tile zt): P_ir = a_r 1{Z_ir >= 0}, and sum_r P_ir Z_ir = sum_r a_r relu(Z_ir) into the
     * lane accumulators of u.
     */
    private void reluEpilogue3(int i0, int c0) {
        final int iEnd = Math.min(i0 + MR, n);
        final int width = 3 * L;
        final DoubleVector zero = DoubleVector.zero(S);
        final DoubleVector a0 = DoubleVector.fromArray(S, a, c0);
        final DoubleVector a1 = DoubleVector.fromArray(S, a, c0 + L);
        final DoubleVector a2 = DoubleVector.fromArray(S, a, c0 + 2 * L);
        for (int i = i0; i < iEnd; i++) {
            int to = (i - i0) * width;
            int po = i * m + c0;
            DoubleVector z0 = DoubleVector.fromArray(S, zt, to);
            DoubleVector z1 = DoubleVector.fromArray(S, zt, to + L);
            DoubleVector z2 = DoubleVector.fromArray(S, zt, to + 2 * L);
            DoubleVector p0 = zero.blend(a0, z0.compare(VectorOperators.GE, 0.0));
            DoubleVector p1 = zero.blend(a1, z1.compare(VectorOperators.GE, 0.0));
            DoubleVector p2 = zero.blend(a2, z2.compare(VectorOperators.GE, 0.0));
            p0.intoArray(p, po);
            p1.intoArray(p, po + L);
            p2.intoArray(p, po + 2 * L);
            DoubleVector t = DoubleVector.fromArray(S, uacc, i * L);
            t = p0.fma(z0, t);
            t = p1.fma(z1, t);
            t = p2.fma(z2, t);
            t.intoArray(uacc, i * L);
        }
    }

    /** As {@link #reluEpilogue3} for a one-vector strip. */
    private void reluEpilogue1(int i0, int c0) {
        final int iEnd = Math.min(i0 + MR, n);
        final DoubleVector zero = DoubleVector.zero(S);
        final DoubleVector a0 = DoubleVector.fromArray(S, a, c0);
        for (int i = i0; i < iEnd; i++) {
            DoubleVector z0 = DoubleVector.fromArray(S, zt, (i - i0) * L);
            DoubleVector p0 = zero.blend(a0, z0.compare(VectorOperators.GE, 0.0));
            p0.intoArray(p, i * m + c0);
            p0.fma(z0, DoubleVector.fromArray(S, uacc, i * L)).intoArray(uacc, i * L);
        }
    }

    /** Z tile: rows it*MR .. it*MR+3 (those below n), columns c0 .. c0+L-1, row j stored at dst[off + j*stride]. */
    private void zTile1(int it, int c0, double[] dst, int off, int stride) {
        final int width = L;
        final int wo = c0 * d;
        final int xo = it * d * MR;
        final DoubleVector zero = DoubleVector.zero(S);
        DoubleVector c0_0 = zero;
        DoubleVector c1_0 = zero;
        DoubleVector c2_0 = zero;
        DoubleVector c3_0 = zero;
        for (int k = 0; k < d; k++) {
            int wk = wo + k * width;
            DoubleVector b0 = DoubleVector.fromArray(S, wp, wk);
            int xk = xo + k * MR;
            DoubleVector xv = DoubleVector.broadcast(S, xp[xk]);
            c0_0 = xv.fma(b0, c0_0);
            xv = DoubleVector.broadcast(S, xp[xk + 1]);
            c1_0 = xv.fma(b0, c1_0);
            xv = DoubleVector.broadcast(S, xp[xk + 2]);
            c2_0 = xv.fma(b0, c2_0);
            xv = DoubleVector.broadcast(S, xp[xk + 3]);
            c3_0 = xv.fma(b0, c3_0);
        }
        // Stores only: vectors passed to helper methods defeat the JIT's inlining budget.
        int i0 = it * MR;
        int zo = off;
        c0_0.intoArray(dst, zo);
        if (i0 + 1 < n) {
            zo += stride;
            c1_0.intoArray(dst, zo);
        }
        if (i0 + 2 < n) {
            zo += stride;
            c2_0.intoArray(dst, zo);
        }
        if (i0 + 3 < n) {
            zo += stride;
            c3_0.intoArray(dst, zo);
        }
    }

    /** G^T tile: rows kt*KR .. kt*KR+4, columns c0 .. c0+3L-1; sums over all i. */
    private void gTile3(int kt, int c0, int i0, int i1) {
        final int width = 3 * L;
        final int xo = kt * n * KR;
        final DoubleVector zero = DoubleVector.zero(S);
        final double[] p = this.p;
        final double[] xs = this.xs;
        int go = c0 * dp + kt * KR * width;
        final boolean first = i0 == 0;
        DoubleVector g0_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 0 * width), g0_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 0 * width + L), g0_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 0 * width + 2 * L);
        DoubleVector g1_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 1 * width), g1_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 1 * width + L), g1_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 1 * width + 2 * L);
        DoubleVector g2_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width), g2_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width + L), g2_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width + 2 * L);
        DoubleVector g3_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width), g3_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width + L), g3_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width + 2 * L);
        DoubleVector g4_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width), g4_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width + L), g4_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width + 2 * L);
        for (int i = i0; i < i1; i++) {
            int zo = i * m + c0;
            DoubleVector m0 = DoubleVector.fromArray(S, p, zo);
            DoubleVector m1 = DoubleVector.fromArray(S, p, zo + L);
            DoubleVector m2 = DoubleVector.fromArray(S, p, zo + 2 * L);
            int xi = xo + i * KR;
            DoubleVector xv = DoubleVector.broadcast(S, xs[xi]);
            g0_0 = xv.fma(m0, g0_0);
            g0_1 = xv.fma(m1, g0_1);
            g0_2 = xv.fma(m2, g0_2);
            xv = DoubleVector.broadcast(S, xs[xi + 1]);
            g1_0 = xv.fma(m0, g1_0);
            g1_1 = xv.fma(m1, g1_1);
            g1_2 = xv.fma(m2, g1_2);
            xv = DoubleVector.broadcast(S, xs[xi + 2]);
            g2_0 = xv.fma(m0, g2_0);
            g2_1 = xv.fma(m1, g2_1);
            g2_2 = xv.fma(m2, g2_2);
            xv = DoubleVector.broadcast(S, xs[xi + 3]);
            g3_0 = xv.fma(m0, g3_0);
            g3_1 = xv.fma(m1, g3_1);
            g3_2 = xv.fma(m2, g3_2);
            xv = DoubleVector.broadcast(S, xs[xi + 4]);
            g4_0 = xv.fma(m0, g4_0);
            g4_1 = xv.fma(m1, g4_1);
            g4_2 = xv.fma(m2, g4_2);
        }
        g0_0.intoArray(gt, go);
        g0_1.intoArray(gt, go + L);
        g0_2.intoArray(gt, go + 2 * L);
        go += width;
        g1_0.intoArray(gt, go);
        g1_1.intoArray(gt, go + L);
        g1_2.intoArray(gt, go + 2 * L);
        go += width;
        g2_0.intoArray(gt, go);
        g2_1.intoArray(gt, go + L);
        g2_2.intoArray(gt, go + 2 * L);
        go += width;
        g3_0.intoArray(gt, go);
        g3_1.intoArray(gt, go + L);
        g3_2.intoArray(gt, go + 2 * L);
        go += width;
        g4_0.intoArray(gt, go);
        g4_1.intoArray(gt, go + L);
        g4_2.intoArray(gt, go + 2 * L);
    }

    /** G^T tile: rows kt*KR .. kt*KR+4, columns c0 .. c0+L-1; sums over all i. */
    private void gTile1(int kt, int c0, int i0, int i1) {
        final int width = L;
        final int xo = kt * n * KR;
        final DoubleVector zero = DoubleVector.zero(S);
        final double[] p = this.p;
        final double[] xs = this.xs;
        int go = c0 * dp + kt * KR * width;
        final boolean first = i0 == 0;
        DoubleVector g0_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 0 * width);
        DoubleVector g1_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 1 * width);
        DoubleVector g2_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width);
        DoubleVector g3_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width);
        DoubleVector g4_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width);
        for (int i = i0; i < i1; i++) {
            int zo = i * m + c0;
            DoubleVector m0 = DoubleVector.fromArray(S, p, zo);
            int xi = xo + i * KR;
            DoubleVector xv = DoubleVector.broadcast(S, xs[xi]);
            g0_0 = xv.fma(m0, g0_0);
            xv = DoubleVector.broadcast(S, xs[xi + 1]);
            g1_0 = xv.fma(m0, g1_0);
            xv = DoubleVector.broadcast(S, xs[xi + 2]);
            g2_0 = xv.fma(m0, g2_0);
            xv = DoubleVector.broadcast(S, xs[xi + 3]);
            g3_0 = xv.fma(m0, g3_0);
            xv = DoubleVector.broadcast(S, xs[xi + 4]);
            g4_0 = xv.fma(m0, g4_0);
        }
        g0_0.intoArray(gt, go);
        go += width;
        g1_0.intoArray(gt, go);
        go += width;
        g2_0.intoArray(gt, go);
        go += width;
        g3_0.intoArray(gt, go);
        go += width;
        g4_0.intoArray(gt, go);
    }
}
