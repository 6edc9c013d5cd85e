package org.sweep.worker;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
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
 *   <li>G^T = (diag(c) X)^T P in tiles of KR (or KR8, when d is a multiple of 8) gradient rows x 3
 *       vectors of columns, over blocks of IB samples (the block of P stays in L1 across the row
 *       tiles): pure FMA.</li>
 * </ol>
 * Columns r are split into strips: strips of three vectors, then one-vector strips, then a scalar
 * tail of fewer than one vector. X is packed once (it never changes), W once per call. P is stored
 * strip-major (the rows of one strip one after another), so the gradient product reads it
 * sequentially: row-major, consecutive samples of a strip lie m doubles apart (a page or more for wide
 * networks), and at n = 128, d = 16, m = 8192 the step ran at about half the rate of in-cache shapes.
 * All sums run in a fixed order with lane-wise vector operations (no lane reductions, whose order
 * the Vector API leaves unspecified), so results are bit-identical on every call, compiled or
 * interpreted. Hot loops keep vectors in local variables and call no helper with vector
 * arguments: on JDK 17 that would box the vectors once the JIT's inlining budget runs out.
 */
final class GdVectorKernel {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Long vectors of S's length, for the bit weights of {@link #pattern}. */
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, S.vectorShape());
    /** Lane j holds 1 << j. */
    private static final LongVector LANE_BITS = LongVector.fromArray(LS, laneBits(LS.length()), 0);
    private static final LongVector LANE_BITS_ZERO = LongVector.zero(LS);

    /** Rows of Z per tile of the first product. */
    static final int MR = 4;
    /** Gradient rows (input coordinates k) per tile of the second product. */
    static final int KR = 5;
    /** Gradient rows per tile when d is a multiple of 8 (no padded rows; see {@link #kr}). */
    static final int KR8 = 8;
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
    private final int kr;        // gradient rows per tile, kr(d)
    private final int dp;        // d rounded up to kr
    private final double[] xp;   // X packed for product 1: [(it*d + k)*MR + j] = x[it*MR + j][k]
    private final double[] xq;   // X packed for product 2: [(kt*n + i)*kr + j] = x[i][kt*kr + j]
    private final double[] wp;   // W packed per strip: [c0*d + k*width + j] = w[c0 + j][k]
    private final double[] gt;   // G^T per strip: [c0*dp + k*width + j]
    private final double[] uacc; // n x L lane accumulators of sum_r a_r relu(Z_ir)
    private final double[] utail; // n scalar-tail contributions
    private final double[] wtail; // rows vecEnd .. m-1 of the last W (scalar tail columns)
    private final double[] zt;    // MR x 3L scratch tile of Z
    private final double[] c;    // n, c_i = e_i / sqrt(m)
    // n x m, shared with the Z view: during compute() its first n * vecEnd doubles hold
    // P_ir = a_r 1{Z_ir >= 0} strip-major (column strip c0 of width w: row i at n*c0 + i*w); fillZ()
    // overwrites it with Z (row-major, stride m) once P is no longer needed.
    private final double[] p;
    private final double[] ztail; // Z of the scalar tail columns, row-major n x (m - vecEnd)
    private final double[] xs;   // xq scaled by c_i: [(kt*n + i)*kr + j] = c_i x[i][kt*kr + j]
    private final boolean patternFromP; // every a_r finite and nonzero: P_ir != 0 exactly when Z_ir >= 0

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
        this.kr = kr(d);
        this.dp = (d + kr - 1) / kr * kr;
        this.xp = new double[np * d];
        for (int i = 0; i < n; i++) {
            int it = i / MR;
            int j = i % MR;
            for (int k = 0; k < d; k++) {
                xp[(it * d + k) * MR + j] = x[i * d + k];
            }
        }
        this.xq = new double[dp * n];
        for (int kt = 0; kt < dp / kr; kt++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < kr; j++) {
                    int k = kt * kr + j;
                    xq[(kt * n + i) * kr + j] = k < d ? x[i * d + k] : 0.0;
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
        this.ztail = new double[n * (m - vecEnd)];
        this.xs = new double[dp * n];
        this.patternFromP = patternFromP(a, m);
    }

    /** True when P_ir = a_r 1{Z_ir >= 0} is nonzero exactly when Z_ir >= 0: every a_r finite and nonzero. */
    static boolean patternFromP(double[] a, int m) {
        for (int r = 0; r < m; r++) {
            if (!(a[r] != 0.0 && Double.isFinite(a[r]))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@link #pattern} may be used (the output weights allow reading the pattern from P). */
    boolean patternFromP() {
        return patternFromP;
    }

    /**
     * The activation pattern of the last {@link #compute}, read from P (valid until {@link #fillZ}
     * overwrites it); see {@link #pattern(double[], double[], int, int, int, int, long[])}.
     */
    void pattern(long[] bits) {
        pattern(p, ztail, n, m, fullEnd, vecEnd, bits);
    }

    /**
     * Bit-packed activation pattern, as {@link Grams#pattern} computes it from Z, of a network whose P
     * (strip-major, column strip c0 of width w: row i at n*c0 + i*w) and scalar-tail Z are given: bit (i, r)
     * is P_ir != 0 for the strip columns, which with finite nonzero a_r is exactly 1{Z_ir >= 0} (a NaN Z
     * gives P_ir = 0 and bit 0, as in Grams.pattern), and 1{Z_ir >= 0} for the tail. Static, so the pack's
     * kernel shares it.
     */
    static void pattern(double[] p, double[] ztail, int n, int m, int fullEnd, int vecEnd, long[] bits) {
        final int words = Grams.words(m);
        java.util.Arrays.fill(bits, 0, n * words, 0L);
        for (int c0 = 0; c0 < vecEnd; ) {
            final int width = c0 < fullEnd ? 3 * L : L;
            final int base = n * c0;
            final int wd = c0 >>> 6;
            final int sh = c0 & 63;
            for (int i = 0; i < n; i++) {
                final int po = base + i * width;
                // The strip's bits of row i in a register, one vector of P at a time (the lanes' bit
                // weights where P != 0, OR-reduced: exact in any order), then into the one or two words
                // they fall in.
                long v = 0L;
                for (int q = 0; q < width; q += L) {
                    VectorMask<Double> on = DoubleVector.fromArray(S, p, po + q).compare(VectorOperators.NE, 0.0);
                    v |= LANE_BITS_ZERO.blend(LANE_BITS, on.cast(LS)).reduceLanes(VectorOperators.OR) << q;
                }
                final int bo = i * words + wd;
                bits[bo] |= v << sh;
                if (sh + width > 64) {
                    bits[bo + 1] |= v >>> (64 - sh);
                }
            }
            c0 += width;
        }
        final int tw = m - vecEnd;
        for (int i = 0; i < n && tw > 0; i++) {
            final int bo = i * words;
            for (int r = vecEnd; r < m; r++) {
                // A long shift takes r mod 64: the bit of column r within its word.
                bits[bo + (r >>> 6)] |= (ztail[i * tw + r - vecEnd] >= 0 ? 1L : 0L) << r;
            }
        }
    }

    private static long[] laneBits(int lanes) {
        long[] b = new long[lanes];
        for (int j = 0; j < lanes; j++) {
            b[j] = 1L << j;
        }
        return b;
    }

    /** Gradient rows per tile for input dimension d: {@link #KR8} when d is a multiple of 8, else {@link #KR}. */
    static int kr(int d) {
        return d % KR8 == 0 ? KR8 : KR;
    }

    /** Bytes of the workspaces of this engine (besides the n x m Z / P array, u, e and the gradient buffer). */
    static long workspaceBytes(int n, int d, int m) {
        long np = (n + MR - 1) / MR * MR;
        long dp = (d + kr(d) - 1) / kr(d) * kr(d);
        long tail = m % L;
        return 8L * (np * d + 2 * dp * n + (long) m * d + (long) m * dp + (long) n * L + 2L * n + MR * 3L * L
                + n * tail);
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
                    zTile3(wp, xp, n, d, it, c0, zt, 0, 3 * L);
                    reluEpilogue3(it * MR, c0);
                }
            }
            for (int c0 = fullEnd; c0 < vecEnd; c0 += L) {
                for (int it = ib / MR; it < itEnd; it++) {
                    zTile1(wp, xp, n, d, it, c0, zt, 0, L);
                    reluEpilogue1(a, zt, p, uacc, n, it * MR, c0);
                }
            }
        }
        final int tw = m - vecEnd;
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int r = vecEnd; r < m; r++) {
                double zr = 0.0;
                for (int k = 0; k < d; k++) {
                    zr += x[i * d + k] * wtail[(r - vecEnd) * d + k];
                }
                ztail[i * tw + r - vecEnd] = zr;
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
        for (int kt = 0; kt < dp / kr; kt++) {
            for (int i = 0; i < n; i++) {
                int o = (kt * n + i) * kr;
                double ci = c[i];
                for (int j = 0; j < kr; j++) {
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
                    for (int kt = 0; kt < dp / kr; kt++) {
                        if (kr == KR8) {
                            gTile3x8(gt, p, xs, n, dp, kt, c0, i0, i1, null, null, 0, 0, 0, 0.0);
                        } else {
                            gTile3(gt, p, xs, n, dp, kt, c0, i0, i1, null, null, 0, 0, 0, 0.0);
                        }
                    }
                }
            }
            for (int c0 = fullEnd; c0 < vecEnd; c0 += L) {
                for (int i0 = ob; i0 < obEnd; i0 += IB) {
                    int i1 = Math.min(obEnd, i0 + IB);
                    for (int kt = 0; kt < dp / kr; kt++) {
                        if (kr == KR8) {
                            gTile1x8(gt, p, xs, n, dp, kt, c0, i0, i1, null, null, 0, 0, 0, 0.0);
                        } else {
                            gTile1(gt, p, xs, n, dp, kt, c0, i0, i1, null, null, 0, 0, 0, 0.0);
                        }
                    }
                }
            }
        }
        unpackG(out);
        for (int r = vecEnd; r < m; r++) {
            for (int k = 0; k < d; k++) {
                double s = 0.0;
                for (int i = 0; i < n; i++) {
                    s += (ztail[i * tw + r - vecEnd] >= 0.0 ? c[i] : 0.0) * x[i * d + k];
                }
                out[r * d + k] = a[r] * s;
            }
        }
        return 0.5 * loss;
    }

    /**
     * Writes Z = X W^T for the W of the last {@link #compute} call into z (row-major): the vector-strip
     * columns by the same tiles, hence bit for bit the values the gradient used, and the scalar tail
     * columns as compute() computed them. Overwrites P, which compute() no longer needs once it returned.
     */
    void fillZ(double[] z) {
        int tw = m - vecEnd;
        for (int i = 0; i < n && tw > 0; i++) {
            System.arraycopy(ztail, i * tw, z, i * m + vecEnd, tw);
        }
        for (int c0 = 0; c0 < fullEnd; c0 += 3 * L) {
            for (int it = 0; it < np / MR; it++) {
                zTile3(wp, xp, n, d, it, c0, z, it * MR * m + c0, m);
            }
        }
        for (int c0 = fullEnd; c0 < vecEnd; c0 += L) {
            for (int it = 0; it < np / MR; it++) {
                zTile1(wp, xp, n, d, it, c0, z, it * MR * m + c0, m);
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

    /**
     * Z tile: rows it*MR .. it*MR+3 (those below n), columns c0 .. c0+3L-1, row j stored at dst[off + j*stride];
     * wp is W packed per strip, xp X packed for product 1. Static, so the pack's kernel shares it.
     */
    static void zTile3(double[] wp, double[] xp, int n, int d, int it, int c0, double[] dst, int off, int stride) {
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
            int po = n * c0 + i * width;
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

    /**
     * As {@link #reluEpilogue3} for a one-vector strip: its Z tile in zt, P into p (strip-major), the sums
     * into the lane accumulators uacc. Static, so the pack's kernel shares it.
     */
    static void reluEpilogue1(double[] a, double[] zt, double[] p, double[] uacc, int n, int i0, int c0) {
        final int iEnd = Math.min(i0 + MR, n);
        final DoubleVector zero = DoubleVector.zero(S);
        final DoubleVector a0 = DoubleVector.fromArray(S, a, c0);
        for (int i = i0; i < iEnd; i++) {
            DoubleVector z0 = DoubleVector.fromArray(S, zt, (i - i0) * L);
            DoubleVector p0 = zero.blend(a0, z0.compare(VectorOperators.GE, 0.0));
            p0.intoArray(p, n * c0 + i * L);
            p0.fma(z0, DoubleVector.fromArray(S, uacc, i * L)).intoArray(uacc, i * L);
        }
    }

    /** As {@link #zTile3} for a one-vector strip (columns c0 .. c0+L-1). */
    static void zTile1(double[] wp, double[] xp, int n, int d, int it, int c0, double[] dst, int off, int stride) {
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

    /**
     * G^T tile of {@link #KR} rows (kt*KR ..) by three vectors of columns (c0 .. c0+3L-1), summed over the
     * samples i0 .. i1-1 onto the partial sums of the earlier samples (zero when i0 = 0): every entry is one
     * fma chain over i in increasing order. P is strip-major (row i of the strip at n*c0 + i*3L); xs holds
     * the scaled X of tile kt at [(kt*n + i)*KR + j]. Static, so the pack's kernel shares it.
     *
     * <p>In the shadow of the multiply-adds it also continues a serial sum of squares: elements e0 .. e1-1
     * of cg[cbase + cidx[e]], added one after another onto {@code acc} (in order; the new sum is returned).
     * The pack passes the previous strip's gradient here, so ||G||^2, a chain of additions bound by their
     * latency, overlaps the next strip's products instead of running after them; an empty range
     * (e0 = e1) adds nothing.
     */
    static double gTile3(double[] gt, double[] p, double[] xs, int n, int dp, int kt, int c0, int i0, int i1,
                         double[] cg, int[] cidx, int cbase, int e0, int e1, double acc) {
        final int width = 3 * L;
        final int xo = kt * n * KR;
        final DoubleVector zero = DoubleVector.zero(S);
        int go = c0 * dp + kt * KR * width;
        final boolean first = i0 == 0;
        final int quota = (e1 - e0 + (i1 - i0) - 1) / Math.max(1, i1 - i0);
        int e = e0;
        double sum = acc;
        DoubleVector g0_0 = first ? zero : DoubleVector.fromArray(S, gt, go);
        DoubleVector g0_1 = first ? zero : DoubleVector.fromArray(S, gt, go + L);
        DoubleVector g0_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * L);
        DoubleVector g1_0 = first ? zero : DoubleVector.fromArray(S, gt, go + width);
        DoubleVector g1_1 = first ? zero : DoubleVector.fromArray(S, gt, go + width + L);
        DoubleVector g1_2 = first ? zero : DoubleVector.fromArray(S, gt, go + width + 2 * L);
        DoubleVector g2_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width);
        DoubleVector g2_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width + L);
        DoubleVector g2_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width + 2 * L);
        DoubleVector g3_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width);
        DoubleVector g3_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width + L);
        DoubleVector g3_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width + 2 * L);
        DoubleVector g4_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width);
        DoubleVector g4_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width + L);
        DoubleVector g4_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width + 2 * L);
        for (int i = i0; i < i1; i++) {
            int zo = n * c0 + i * width;
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
            for (int q = 0; q < quota && e < e1; q++, e++) {
                double v = cg[cbase + cidx[e]];
                sum += v * v;
            }
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
        for (; e < e1; e++) {
            double v = cg[cbase + cidx[e]];
            sum += v * v;
        }
        return sum;
    }

    /**
     * As {@link #gTile3} for a one-vector strip (row i at n*c0 + i*L).
     */
    static double gTile1(double[] gt, double[] p, double[] xs, int n, int dp, int kt, int c0, int i0, int i1,
                         double[] cg, int[] cidx, int cbase, int e0, int e1, double acc) {
        final int width = L;
        final int xo = kt * n * KR;
        final DoubleVector zero = DoubleVector.zero(S);
        int go = c0 * dp + kt * KR * width;
        final boolean first = i0 == 0;
        final int quota = (e1 - e0 + (i1 - i0) - 1) / Math.max(1, i1 - i0);
        int e = e0;
        double sum = acc;
        DoubleVector g0_0 = first ? zero : DoubleVector.fromArray(S, gt, go);
        DoubleVector g1_0 = first ? zero : DoubleVector.fromArray(S, gt, go + width);
        DoubleVector g2_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width);
        DoubleVector g3_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width);
        DoubleVector g4_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width);
        for (int i = i0; i < i1; i++) {
            int zo = n * c0 + i * width;
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
            for (int q = 0; q < quota && e < e1; q++, e++) {
                double v = cg[cbase + cidx[e]];
                sum += v * v;
            }
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
        for (; e < e1; e++) {
            double v = cg[cbase + cidx[e]];
            sum += v * v;
        }
        return sum;
    }

    /**
     * As {@link #gTile3} with {@link #KR8} gradient rows per tile (d a multiple of 8): no padded rows, and
     * 24 multiply-adds per three loads of P instead of 15. The same chains, so the same values.
     */
    static double gTile3x8(double[] gt, double[] p, double[] xs, int n, int dp, int kt, int c0, int i0, int i1,
                         double[] cg, int[] cidx, int cbase, int e0, int e1, double acc) {
        final int width = 3 * L;
        final int xo = kt * n * KR8;
        final DoubleVector zero = DoubleVector.zero(S);
        int go = c0 * dp + kt * KR8 * width;
        final boolean first = i0 == 0;
        final int quota = (e1 - e0 + (i1 - i0) - 1) / Math.max(1, i1 - i0);
        int e = e0;
        double sum = acc;
        DoubleVector g0_0 = first ? zero : DoubleVector.fromArray(S, gt, go);
        DoubleVector g0_1 = first ? zero : DoubleVector.fromArray(S, gt, go + L);
        DoubleVector g0_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * L);
        DoubleVector g1_0 = first ? zero : DoubleVector.fromArray(S, gt, go + width);
        DoubleVector g1_1 = first ? zero : DoubleVector.fromArray(S, gt, go + width + L);
        DoubleVector g1_2 = first ? zero : DoubleVector.fromArray(S, gt, go + width + 2 * L);
        DoubleVector g2_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width);
        DoubleVector g2_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width + L);
        DoubleVector g2_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width + 2 * L);
        DoubleVector g3_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width);
        DoubleVector g3_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width + L);
        DoubleVector g3_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width + 2 * L);
        DoubleVector g4_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width);
        DoubleVector g4_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width + L);
        DoubleVector g4_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width + 2 * L);
        DoubleVector g5_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 5 * width);
        DoubleVector g5_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 5 * width + L);
        DoubleVector g5_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 5 * width + 2 * L);
        DoubleVector g6_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 6 * width);
        DoubleVector g6_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 6 * width + L);
        DoubleVector g6_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 6 * width + 2 * L);
        DoubleVector g7_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 7 * width);
        DoubleVector g7_1 = first ? zero : DoubleVector.fromArray(S, gt, go + 7 * width + L);
        DoubleVector g7_2 = first ? zero : DoubleVector.fromArray(S, gt, go + 7 * width + 2 * L);
        for (int i = i0; i < i1; i++) {
            int zo = n * c0 + i * width;
            DoubleVector m0 = DoubleVector.fromArray(S, p, zo);
            DoubleVector m1 = DoubleVector.fromArray(S, p, zo + L);
            DoubleVector m2 = DoubleVector.fromArray(S, p, zo + 2 * L);
            int xi = xo + i * KR8;
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
            xv = DoubleVector.broadcast(S, xs[xi + 5]);
            g5_0 = xv.fma(m0, g5_0);
            g5_1 = xv.fma(m1, g5_1);
            g5_2 = xv.fma(m2, g5_2);
            xv = DoubleVector.broadcast(S, xs[xi + 6]);
            g6_0 = xv.fma(m0, g6_0);
            g6_1 = xv.fma(m1, g6_1);
            g6_2 = xv.fma(m2, g6_2);
            xv = DoubleVector.broadcast(S, xs[xi + 7]);
            g7_0 = xv.fma(m0, g7_0);
            g7_1 = xv.fma(m1, g7_1);
            g7_2 = xv.fma(m2, g7_2);
            for (int q = 0; q < quota && e < e1; q++, e++) {
                double v = cg[cbase + cidx[e]];
                sum += v * v;
            }
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
        go += width;
        g5_0.intoArray(gt, go);
        g5_1.intoArray(gt, go + L);
        g5_2.intoArray(gt, go + 2 * L);
        go += width;
        g6_0.intoArray(gt, go);
        g6_1.intoArray(gt, go + L);
        g6_2.intoArray(gt, go + 2 * L);
        go += width;
        g7_0.intoArray(gt, go);
        g7_1.intoArray(gt, go + L);
        g7_2.intoArray(gt, go + 2 * L);
        for (; e < e1; e++) {
            double v = cg[cbase + cidx[e]];
            sum += v * v;
        }
        return sum;
    }

    /**
     * As {@link #gTile3x8} for a one-vector strip.
     */
    static double gTile1x8(double[] gt, double[] p, double[] xs, int n, int dp, int kt, int c0, int i0, int i1,
                         double[] cg, int[] cidx, int cbase, int e0, int e1, double acc) {
        final int width = L;
        final int xo = kt * n * KR8;
        final DoubleVector zero = DoubleVector.zero(S);
        int go = c0 * dp + kt * KR8 * width;
        final boolean first = i0 == 0;
        final int quota = (e1 - e0 + (i1 - i0) - 1) / Math.max(1, i1 - i0);
        int e = e0;
        double sum = acc;
        DoubleVector g0_0 = first ? zero : DoubleVector.fromArray(S, gt, go);
        DoubleVector g1_0 = first ? zero : DoubleVector.fromArray(S, gt, go + width);
        DoubleVector g2_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 2 * width);
        DoubleVector g3_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 3 * width);
        DoubleVector g4_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 4 * width);
        DoubleVector g5_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 5 * width);
        DoubleVector g6_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 6 * width);
        DoubleVector g7_0 = first ? zero : DoubleVector.fromArray(S, gt, go + 7 * width);
        for (int i = i0; i < i1; i++) {
            int zo = n * c0 + i * width;
            DoubleVector m0 = DoubleVector.fromArray(S, p, zo);
            int xi = xo + i * KR8;
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
            xv = DoubleVector.broadcast(S, xs[xi + 5]);
            g5_0 = xv.fma(m0, g5_0);
            xv = DoubleVector.broadcast(S, xs[xi + 6]);
            g6_0 = xv.fma(m0, g6_0);
            xv = DoubleVector.broadcast(S, xs[xi + 7]);
            g7_0 = xv.fma(m0, g7_0);
            for (int q = 0; q < quota && e < e1; q++, e++) {
                double v = cg[cbase + cidx[e]];
                sum += v * v;
            }
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
        go += width;
        g5_0.intoArray(gt, go);
        go += width;
        g6_0.intoArray(gt, go);
        go += width;
        g7_0.intoArray(gt, go);
        for (; e < e1; e++) {
            double v = cg[cbase + cidx[e]];
            sum += v * v;
        }
        return sum;
    }
}
