package org.sweep.worker;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pure-Java (jdk.incubator.vector) engine of {@link GdKernel}: both products of a gradient step as
 * register-blocked kernels with the elementwise work fused into them.
 * <ol>
 *   <li>Z = X W^T in tiles of MR rows x 3 vectors of columns; the tile epilogue stores Z and adds
 *       a_r relu(Z_ir) into per-row lane accumulators of u (no separate pass over Z).</li>
 *   <li>u, e = u - y, c_i = e_i / sqrt(m) from the lane accumulators (fixed order).</li>
 *   <li>G^T = X^T M with M_ir = c_i 1{Z_ir >= 0} built in registers from Z (never stored), in tiles
 *       of KR gradient rows x 3 vectors of columns; G_r = a_r (G^T)_r.</li>
 * </ol>
 * Columns r are split into strips: strips of three vectors, then one-vector strips, then a scalar
 * tail of fewer than one vector. X is packed once (it never changes), W once per call.
 * All sums run in a fixed order with lane-wise vector operations (no lane reductions, whose order
 * the Vector API leaves unspecified), so results are bit-identical on every call, compiled or
 * interpreted.
 */
final class GdVectorKernel {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, S.vectorShape());
    /** Rows of Z per tile of the first product. */
    static final int MR = 4;
    /** Gradient rows (input coordinates k) per tile of the second product. */
    static final int KR = 6;

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
    private final double[] c;    // n, c_i = e_i / sqrt(m)

    GdVectorKernel(int n, int d, int m, double[] x, double[] a, double[] y) {
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
        this.c = new double[n];
    }

    /** Bytes of the workspaces of this engine (besides Z, u, e and the gradient buffer). */
    static long workspaceBytes(int n, int d, int m) {
        long np = (n + MR - 1) / MR * MR;
        long dp = (d + KR - 1) / KR * KR;
        return 8L * (np * d + dp * n + (long) m * d + (long) m * dp + (long) n * L + 2L * n);
    }

    /**
     * Computes Z into z (n x m), u, e, and the gradient into out (m x d row-major); returns the loss.
     */
    double compute(double[] w, double[] out, double[] z, double[] u, double[] e) {
        packW(w);
        java.util.Arrays.fill(uacc, 0.0);
        // Product 1 with the fused relu / prediction epilogue.
        for (int c0 = 0; c0 < fullEnd; c0 += 3 * L) {
            for (int it = 0; it < np / MR; it++) {
                zTile3(it, c0, z);
                reluEpilogue(it * MR, c0, 3, z);
            }
        }
        for (int c0 = fullEnd; c0 < vecEnd; c0 += L) {
            for (int it = 0; it < np / MR; it++) {
                zTile1(it, c0, z);
                reluEpilogue(it * MR, c0, 1, z);
            }
        }
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int r = vecEnd; r < m; r++) {
                double zr = 0.0;
                for (int k = 0; k < d; k++) {
                    zr += x[i * d + k] * w[r * d + k];
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
        // Product 2: G^T = X^T M, M built from Z in registers.
        for (int c0 = 0; c0 < fullEnd; c0 += 3 * L) {
            for (int kt = 0; kt < dp / KR; kt++) {
                gTile3(kt, c0, z);
            }
        }
        for (int c0 = fullEnd; c0 < vecEnd; c0 += L) {
            for (int kt = 0; kt < dp / KR; kt++) {
                gTile1(kt, c0, z);
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

    private void packW(double[] w) {
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
                int r = c0 + j;
                double ar = a[r];
                int oo = r * d;
                for (int k = 0; k < d; k++) {
                    out[oo + k] = ar * gt[base + k * width + j];
                }
            }
            c0 += width;
        }
    }

    /** Z tile: rows it*MR .. it*MR+3, columns c0 .. c0+3L-1. */
    private void zTile3(int it, int c0, double[] z) {
        final int width = 3 * L;
        final int wo = c0 * d;
        final int xo = it * d * MR;
        DoubleVector c00 = DoubleVector.zero(S), c01 = c00, c02 = c00;
        DoubleVector c10 = c00, c11 = c00, c12 = c00;
        DoubleVector c20 = c00, c21 = c00, c22 = c00;
        DoubleVector c30 = c00, c31 = c00, c32 = c00;
        for (int k = 0; k < d; k++) {
            int wk = wo + k * width;
            DoubleVector b0 = DoubleVector.fromArray(S, wp, wk);
            DoubleVector b1 = DoubleVector.fromArray(S, wp, wk + L);
            DoubleVector b2 = DoubleVector.fromArray(S, wp, wk + 2 * L);
            int xk = xo + k * MR;
            DoubleVector xv = DoubleVector.broadcast(S, xp[xk]);
            c00 = xv.fma(b0, c00);
            c01 = xv.fma(b1, c01);
            c02 = xv.fma(b2, c02);
            xv = DoubleVector.broadcast(S, xp[xk + 1]);
            c10 = xv.fma(b0, c10);
            c11 = xv.fma(b1, c11);
            c12 = xv.fma(b2, c12);
            xv = DoubleVector.broadcast(S, xp[xk + 2]);
            c20 = xv.fma(b0, c20);
            c21 = xv.fma(b1, c21);
            c22 = xv.fma(b2, c22);
            xv = DoubleVector.broadcast(S, xp[xk + 3]);
            c30 = xv.fma(b0, c30);
            c31 = xv.fma(b1, c31);
            c32 = xv.fma(b2, c32);
        }
        // Stores only: vectors passed to helper methods defeat the JIT's inlining budget.
        int i0 = it * MR;
        int zo = i0 * m + c0;
        c00.intoArray(z, zo);
        c01.intoArray(z, zo + L);
        c02.intoArray(z, zo + 2 * L);
        if (i0 + 1 < n) {
            zo += m;
            c10.intoArray(z, zo);
            c11.intoArray(z, zo + L);
            c12.intoArray(z, zo + 2 * L);
        }
        if (i0 + 2 < n) {
            zo += m;
            c20.intoArray(z, zo);
            c21.intoArray(z, zo + L);
            c22.intoArray(z, zo + 2 * L);
        }
        if (i0 + 3 < n) {
            zo += m;
            c30.intoArray(z, zo);
            c31.intoArray(z, zo + L);
            c32.intoArray(z, zo + 2 * L);
        }
    }

    /**
     * Adds sum over the strip of a_r relu(Z_ir) to the lane accumulators of rows i0 .. min(i0+MR, n)-1,
     * columns c0 .. c0 + nv L - 1, reading back the Z tile just stored (it is in L1).
     */
    private void reluEpilogue(int i0, int c0, int nv, double[] z) {
        int iEnd = Math.min(i0 + MR, n);
        for (int i = i0; i < iEnd; i++) {
            int zo = i * m + c0;
            DoubleVector t = DoubleVector.fromArray(S, z, zo).max(0.0).mul(DoubleVector.fromArray(S, a, c0));
            for (int v = 1; v < nv; v++) {
                t = DoubleVector.fromArray(S, z, zo + v * L).max(0.0).fma(DoubleVector.fromArray(S, a, c0 + v * L), t);
            }
            DoubleVector.fromArray(S, uacc, i * L).add(t).intoArray(uacc, i * L);
        }
    }

    /** Z tile: rows it*MR .. it*MR+3, columns c0 .. c0+L-1. */
    private void zTile1(int it, int c0, double[] z) {
        final int wo = c0 * d;
        final int xo = it * d * MR;
        DoubleVector c0v = DoubleVector.zero(S), c1v = c0v, c2v = c0v, c3v = c0v;
        for (int k = 0; k < d; k++) {
            DoubleVector b0 = DoubleVector.fromArray(S, wp, wo + k * L);
            int xk = xo + k * MR;
            c0v = DoubleVector.broadcast(S, xp[xk]).fma(b0, c0v);
            c1v = DoubleVector.broadcast(S, xp[xk + 1]).fma(b0, c1v);
            c2v = DoubleVector.broadcast(S, xp[xk + 2]).fma(b0, c2v);
            c3v = DoubleVector.broadcast(S, xp[xk + 3]).fma(b0, c3v);
        }
        int i0 = it * MR;
        c0v.intoArray(z, i0 * m + c0);
        if (i0 + 1 < n) {
            c1v.intoArray(z, (i0 + 1) * m + c0);
        }
        if (i0 + 2 < n) {
            c2v.intoArray(z, (i0 + 2) * m + c0);
        }
        if (i0 + 3 < n) {
            c3v.intoArray(z, (i0 + 3) * m + c0);
        }
    }

    /**
     * Lane-wise c 1{z >= 0} without vector masks (slow on this JDK): z + 0.0 turns -0.0 into +0.0,
     * so its sign bit is set exactly when z < 0 (or z is a NaN with the sign bit set); an arithmetic
     * shift spreads the sign bit over the lane and AND-NOT clears c there.
     */
    private static DoubleVector activeTimes(LongVector cBits, DoubleVector z) {
        LongVector neg = z.add(0.0).viewAsIntegralLanes().lanewise(VectorOperators.ASHR, 63);
        return cBits.lanewise(VectorOperators.AND_NOT, neg).viewAsFloatingLanes();
    }

    /** G^T tile: rows kt*KR .. kt*KR+5, columns c0 .. c0+3L-1; sums over all i. */
    private void gTile3(int kt, int c0, double[] z) {
        final int width = 3 * L;
        final int xo = kt * n * KR;
        final DoubleVector zero = DoubleVector.zero(S);
        DoubleVector g00 = zero, g01 = zero, g02 = zero;
        DoubleVector g10 = zero, g11 = zero, g12 = zero;
        DoubleVector g20 = zero, g21 = zero, g22 = zero;
        DoubleVector g30 = zero, g31 = zero, g32 = zero;
        DoubleVector g40 = zero, g41 = zero, g42 = zero;
        DoubleVector g50 = zero, g51 = zero, g52 = zero;
        for (int i = 0; i < n; i++) {
            int zo = i * m + c0;
            LongVector ci = LongVector.broadcast(LS, Double.doubleToRawLongBits(c[i]));
            DoubleVector m0 = activeTimes(ci, DoubleVector.fromArray(S, z, zo));
            DoubleVector m1 = activeTimes(ci, DoubleVector.fromArray(S, z, zo + L));
            DoubleVector m2 = activeTimes(ci, DoubleVector.fromArray(S, z, zo + 2 * L));
            int xi = xo + i * KR;
            DoubleVector xv = DoubleVector.broadcast(S, xq[xi]);
            g00 = xv.fma(m0, g00);
            g01 = xv.fma(m1, g01);
            g02 = xv.fma(m2, g02);
            xv = DoubleVector.broadcast(S, xq[xi + 1]);
            g10 = xv.fma(m0, g10);
            g11 = xv.fma(m1, g11);
            g12 = xv.fma(m2, g12);
            xv = DoubleVector.broadcast(S, xq[xi + 2]);
            g20 = xv.fma(m0, g20);
            g21 = xv.fma(m1, g21);
            g22 = xv.fma(m2, g22);
            xv = DoubleVector.broadcast(S, xq[xi + 3]);
            g30 = xv.fma(m0, g30);
            g31 = xv.fma(m1, g31);
            g32 = xv.fma(m2, g32);
            xv = DoubleVector.broadcast(S, xq[xi + 4]);
            g40 = xv.fma(m0, g40);
            g41 = xv.fma(m1, g41);
            g42 = xv.fma(m2, g42);
            xv = DoubleVector.broadcast(S, xq[xi + 5]);
            g50 = xv.fma(m0, g50);
            g51 = xv.fma(m1, g51);
            g52 = xv.fma(m2, g52);
        }
        int go = c0 * dp + kt * KR * width;
        g00.intoArray(gt, go);
        g01.intoArray(gt, go + L);
        g02.intoArray(gt, go + 2 * L);
        go += width;
        g10.intoArray(gt, go);
        g11.intoArray(gt, go + L);
        g12.intoArray(gt, go + 2 * L);
        go += width;
        g20.intoArray(gt, go);
        g21.intoArray(gt, go + L);
        g22.intoArray(gt, go + 2 * L);
        go += width;
        g30.intoArray(gt, go);
        g31.intoArray(gt, go + L);
        g32.intoArray(gt, go + 2 * L);
        go += width;
        g40.intoArray(gt, go);
        g41.intoArray(gt, go + L);
        g42.intoArray(gt, go + 2 * L);
        go += width;
        g50.intoArray(gt, go);
        g51.intoArray(gt, go + L);
        g52.intoArray(gt, go + 2 * L);
    }

    /** G^T tile: rows kt*KR .. kt*KR+5, columns c0 .. c0+L-1; sums over all i. */
    private void gTile1(int kt, int c0, double[] z) {
        final int xo = kt * n * KR;
        final DoubleVector zero = DoubleVector.zero(S);
        DoubleVector g0 = zero, g1 = zero, g2 = zero, g3 = zero, g4 = zero, g5 = zero;
        for (int i = 0; i < n; i++) {
            DoubleVector m0 = activeTimes(LongVector.broadcast(LS, Double.doubleToRawLongBits(c[i])),
                    DoubleVector.fromArray(S, z, i * m + c0));
            int xi = xo + i * KR;
            g0 = DoubleVector.broadcast(S, xq[xi]).fma(m0, g0);
            g1 = DoubleVector.broadcast(S, xq[xi + 1]).fma(m0, g1);
            g2 = DoubleVector.broadcast(S, xq[xi + 2]).fma(m0, g2);
            g3 = DoubleVector.broadcast(S, xq[xi + 3]).fma(m0, g3);
            g4 = DoubleVector.broadcast(S, xq[xi + 4]).fma(m0, g4);
            g5 = DoubleVector.broadcast(S, xq[xi + 5]).fma(m0, g5);
        }
        int go = c0 * dp + kt * KR * L;
        g0.intoArray(gt, go);
        g1.intoArray(gt, go + L);
        g2.intoArray(gt, go + 2 * L);
        g3.intoArray(gt, go + 3 * L);
        g4.intoArray(gt, go + 4 * L);
        g5.intoArray(gt, go + 5 * L);
    }
}
