package org.sweep.worker;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;

/**
 * Several full-batch gradient-descent networks on the same data, stepped together: the multi-network
 * form of {@link GdVectorKernel}. The hidden units of all networks form one wide W (M = sum of widths);
 * one call computes Z = X W^T over the shared packed X, the fused mask / prediction epilogue per network,
 * and the gradient (diag(c_s) X)^T P with each network's own residual scaling c_s,i = e_s,i / sqrt(m_s).
 *
 * <p><b>Bit for bit the single-network kernel.</b> Every entry of Z is one fma chain over k = 0..d-1
 * and every entry of the gradient one fma chain over i = 0..n-1, whatever the tile or the width around it
 * (no blocking of an inner dimension changes with the width). Column strips never straddle two networks,
 * so each network keeps its own strips (3-vector strips, 1-vector strips, scalar tail exactly as alone),
 * its own lane accumulators of u (lane l sums its columns r = l mod L in increasing order) and its own
 * scaled X. ||G||^2 is summed in row-major (r, k) order and the update w - eta g is elementwise, as in
 * {@link GdKernel#step}. Hence a network's loss, gradient, u, Z and weights after every step equal, bit
 * for bit, those of {@link GdKernel} on the vector path; PackTest checks it over random compositions.
 *
 * <p>P is stored strip-major (each column strip's rows one after another), not row-major as the single
 * kernel stores it: the gradient product then reads it sequentially. Row-major, consecutive samples of a
 * strip lie m doubles apart, a page or more for wide networks, and at n = 128, d = 16, m = 8192 the step ran
 * at half the rate of in-cache shapes. Only the addresses differ, not the values or their order.
 *
 * <p>Differences in bookkeeping only: W stays in the packed layout between steps (double-buffered, so the
 * weights a step started from stay readable for checkpoints without a copy per step), and networks leave
 * the pack ({@link #drop}) when they stop early or diverge. Not thread-safe.
 */
final class GdVectorPack {
    static final VectorSpecies<Double> S = GdVectorKernel.S;
    static final int L = GdVectorKernel.L;
    static final int MR = GdVectorKernel.MR;
    static final int IB = GdVectorKernel.IB;
    static final int ZB = GdVectorKernel.ZB;
    static final int GB = GdVectorKernel.GB;

    /** One network of the pack: its width, output weights, packed weights, gradient and views. */
    static final class Net {
        final int m;
        final double[] a;
        final double eta;
        final double invSqrtM;
        final int fullEnd;
        final int vecEnd;
        double[] wpEval;            // packed W of the last compute (columns < vecEnd)
        double[] wpNext;
        double[] wtailEval;         // row-major rows vecEnd .. m-1 of that W
        double[] wtailNext;
        final double[] gt;          // packed G^T
        final double[] gtail;       // row-major gradient rows vecEnd .. m-1
        final double[] uacc;
        final double[] utail;
        final double[] u;
        final double[] e;
        final double[] c;
        final double[] xs;
        // P during a step, strip-major: the strip of columns c0 .. c0+w-1 (w = 3L or L) holds row i at
        // n*c0 + i*w, so both products walk it contiguously; Z (row-major, stride m) after preactivations.
        final double[] pz;
        final double[] ztail;       // Z of the scalar tail columns vecEnd .. m-1, row-major (stride m - vecEnd)
        final double[] wRow;        // row-major W of the last compute, filled on demand
        double loss;
        double gradNormSq;
        boolean active = true;
        private boolean zStale;
        final boolean patternFromP; // P_ir != 0 exactly when Z_ir >= 0 (GdVectorKernel.patternFromP)

        Net(int n, int d, int dp, int m, double[] a, double[] w0, double eta) {
            this.m = m;
            this.a = a;
            this.eta = eta;
            this.invSqrtM = 1.0 / Math.sqrt(m);
            this.fullEnd = (m / (3 * L)) * 3 * L;
            this.vecEnd = fullEnd + ((m - fullEnd) / L) * L;
            this.wpEval = new double[vecEnd * d];
            this.wpNext = new double[vecEnd * d];
            this.wtailEval = new double[(m - vecEnd) * d];
            this.wtailNext = new double[(m - vecEnd) * d];
            this.gt = new double[vecEnd * dp];
            this.gtail = new double[(m - vecEnd) * d];
            this.uacc = new double[n * L];
            this.utail = new double[n];
            this.u = new double[n];
            this.e = new double[n];
            this.c = new double[n];
            this.xs = new double[dp * n];
            this.pz = new double[n * m];
            this.ztail = new double[n * (m - vecEnd)];
            this.wRow = new double[m * d];
            this.patternFromP = GdVectorKernel.patternFromP(a, m);
            // Packs w0 as GdVectorKernel.packW does.
            System.arraycopy(w0, vecEnd * d, wtailEval, 0, (m - vecEnd) * d);
            for (int c0 = 0; c0 < vecEnd; ) {
                int width = c0 < fullEnd ? 3 * L : L;
                int base = c0 * d;
                for (int j = 0; j < width; j++) {
                    int wo = (c0 + j) * d;
                    for (int k = 0; k < d; k++) {
                        wpEval[base + k * width + j] = w0[wo + k];
                    }
                }
                c0 += width;
            }
        }
    }

    private final int n;
    private final int d;
    private final double[] x;
    private final double[] y;
    private final int np;
    private final int kr;           // gradient rows per tile (GdVectorKernel.kr)
    private final int dp;
    private final double[] xp;
    private final double[] xq;
    private final double[] zt;
    // Positions, within a column strip of G^T (width 3L or L), of its entries in row-major (r, k) order:
    // the order in which ||G||^2 adds them.
    private final int[] chain3;
    private final int[] chain1;
    private final List<Net> nets = new ArrayList<>();

    /** @param x n x d row-major inputs (unit rows), shared by every network; y the n labels */
    GdVectorPack(int n, int d, double[] x, double[] y) {
        this.n = n;
        this.d = d;
        this.x = x;
        this.y = y;
        this.np = (n + MR - 1) / MR * MR;
        this.kr = GdVectorKernel.kr(d);
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
        this.zt = new double[MR * 3 * L];
        this.chain3 = chainOrder(3 * L, d);
        this.chain1 = chainOrder(L, d);
    }

    /** Entry e = j d + k (column j of the strip, coordinate k) sits at k * width + j of the strip. */
    private static int[] chainOrder(int width, int d) {
        int[] idx = new int[width * d];
        for (int e = 0; e < idx.length; e++) {
            idx[e] = (e % d) * width + e / d;
        }
        return idx;
    }

    /** Adds a network (output weights a, initial weights w0 m x d row-major, step size eta); returns it. */
    Net add(int m, double[] a, double[] w0, double eta) {
        Net s = new Net(n, d, dp, m, a, w0, eta);
        nets.add(s);
        return s;
    }

    /** Takes a network out of the pack: later steps skip it; its views keep the last values. */
    void drop(Net s) {
        s.active = false;
    }

    /** Bytes one network of width m holds in a pack (besides its trainer's buffers). */
    static long netBytes(int n, int d, int m) {
        int kr = GdVectorKernel.kr(d);
        long dp = (d + kr - 1) / kr * kr;
        return 8L * (4L * m * d + m * dp + (long) n * L + 5L * n + dp * n + (long) n * m + (long) n * (m % L));
    }

    /**
     * One evaluation of every active network at its current weights: loss, gradient, ||G||^2, u, e; with
     * {@code move}, each then steps to w - eta G (the views still refer to the weights evaluated).
     *
     * <p>Networks are processed one after another (both products, then the update), so a network's P and
     * gradient are still in the core's cache when they are read back: stepping product 1 of all networks
     * before any gradient streams every P through memory once more, which made the fused step memory-bound
     * at small d. ||G||^2 is a serial chain of m d additions per network (its order is fixed by the single
     * run); it runs inside the gradient product (see {@link #residualsAndGradient}), where its add latency
     * hides behind the multiply-adds.
     */
    void step(boolean move) {
        for (Net s : nets) {
            if (!s.active) {
                continue;
            }
            evaluate(s);
            if (n <= GB) {
                if (move) {
                    update(s);
                }
            } else {
                s.gradNormSq = gradNormSq(s, move);
            }
        }
    }

    /** Product 1 with the fused epilogue, the residuals and the gradient of one network. */
    private void evaluate(Net s) {
        java.util.Arrays.fill(s.uacc, 0.0);
        s.zStale = true;
        for (int ib = 0; ib < np; ib += ZB) {
            int itEnd = Math.min(np, ib + ZB) / MR;
            for (int c0 = 0; c0 < s.fullEnd; c0 += 3 * L) {
                for (int it = ib / MR; it < itEnd; it++) {
                    zTileRelu3(s, it, c0);
                }
            }
            for (int c0 = s.fullEnd; c0 < s.vecEnd; c0 += L) {
                for (int it = ib / MR; it < itEnd; it++) {
                    GdVectorKernel.zTile1(s.wpEval, xp, n, d, it, c0, zt, 0, L);
                    GdVectorKernel.reluEpilogue1(s.a, zt, s.pz, s.uacc, n, it * MR, c0);
                }
            }
        }
        residualsAndGradient(s);
    }

    /** Scalar tail, u, e, loss, scaled X and the gradient product of one network (as GdVectorKernel.compute). */
    private void residualsAndGradient(Net s) {
        final int m = s.m;
        final int vecEnd = s.vecEnd;
        final double[] z = s.ztail;
        final int tw = m - vecEnd;
        final double[] a = s.a;
        for (int i = 0; i < n; i++) {
            double acc = 0.0;
            for (int r = vecEnd; r < m; r++) {
                double zr = 0.0;
                for (int k = 0; k < d; k++) {
                    zr += x[i * d + k] * s.wtailEval[(r - vecEnd) * d + k];
                }
                z[i * tw + r - vecEnd] = zr;
                acc += a[r] * Math.max(zr, 0.0);
            }
            s.utail[i] = acc;
        }
        double loss = 0.0;
        for (int i = 0; i < n; i++) {
            double acc = 0.0;
            for (int l = 0; l < L; l++) {
                acc += s.uacc[i * L + l];
            }
            acc += s.utail[i];
            double ui = acc * s.invSqrtM;
            double ei = ui - y[i];
            s.u[i] = ui;
            s.e[i] = ei;
            loss += ei * ei;
            s.c[i] = ei * s.invSqrtM;
        }
        s.loss = 0.5 * loss;
        for (int kt = 0; kt < dp / kr; kt++) {
            for (int i = 0; i < n; i++) {
                int o = (kt * n + i) * kr;
                double ci = s.c[i];
                for (int j = 0; j < kr; j++) {
                    s.xs[o + j] = ci * xq[o + j];
                }
            }
        }
        // Product 2, strip by strip. With one block of samples (n <= GB) each strip is final once its tiles
        // ran, and its share of ||G||^2 (row-major (r, k) order, one running sum) is added inside the next
        // strip's tiles; the last vector strip and the scalar tail follow below. Above GB, step() sums
        // ||G||^2 in a pass of its own.
        final boolean chained = n <= GB;
        double norm = 0.0;
        int[] prevIdx = null;
        int prevBase = 0;
        int prevLen = 0;
        for (int ob = 0; ob < n; ob += GB) {
            int obEnd = Math.min(n, ob + GB);
            int calls = (obEnd - ob + IB - 1) / IB * (dp / kr);
            for (int c0 = 0; c0 < vecEnd; ) {
                boolean wide = c0 < s.fullEnd;
                int call = 0;
                int e = 0;
                for (int i0 = ob; i0 < obEnd; i0 += IB) {
                    int i1 = Math.min(obEnd, i0 + IB);
                    for (int kt = 0; kt < dp / kr; kt++) {
                        int e1 = chained ? (int) ((long) prevLen * ++call / calls) : 0;
                        if (wide && kr == GdVectorKernel.KR8) {
                            norm = GdVectorKernel.gTile3x8(s.gt, s.pz, s.xs, n, dp, kt, c0, i0, i1,
                                    s.gt, prevIdx, prevBase, e, e1, norm);
                        } else if (wide) {
                            norm = GdVectorKernel.gTile3(s.gt, s.pz, s.xs, n, dp, kt, c0, i0, i1,
                                    s.gt, prevIdx, prevBase, e, e1, norm);
                        } else if (kr == GdVectorKernel.KR8) {
                            norm = GdVectorKernel.gTile1x8(s.gt, s.pz, s.xs, n, dp, kt, c0, i0, i1,
                                    s.gt, prevIdx, prevBase, e, e1, norm);
                        } else {
                            norm = GdVectorKernel.gTile1(s.gt, s.pz, s.xs, n, dp, kt, c0, i0, i1,
                                    s.gt, prevIdx, prevBase, e, e1, norm);
                        }
                        e = e1;
                    }
                }
                if (chained) {
                    prevIdx = wide ? chain3 : chain1;
                    prevBase = c0 * dp;
                    prevLen = (wide ? 3 * L : L) * d;
                }
                c0 += wide ? 3 * L : L;
            }
        }
        for (int r = vecEnd; r < m; r++) {
            for (int k = 0; k < d; k++) {
                double acc = 0.0;
                for (int i = 0; i < n; i++) {
                    acc += (z[i * tw + r - vecEnd] >= 0.0 ? s.c[i] : 0.0) * x[i * d + k];
                }
                s.gtail[(r - vecEnd) * d + k] = a[r] * acc;
            }
        }
        if (chained) {
            for (int e = 0; e < prevLen; e++) {
                double v = s.gt[prevBase + prevIdx[e]];
                norm += v * v;
            }
            for (double v : s.gtail) {
                norm += v * v;
            }
            s.gradNormSq = norm;
        }
    }

    /**
     * ||G||^2 summed in row-major (r, k) order, exactly as GdKernel sums its unpacked gradient; with
     * {@code move} also the update w - eta g into the other weight buffer (as {@link #update}). The sum is a
     * serial chain bound by the add latency; the update's independent loads, multiplies and stores run in
     * its shadow instead of in a pass of their own.
     */
    private double gradNormSq(Net s, boolean move) {
        double acc = 0.0;
        final double[] gt = s.gt;
        final double[] w = s.wpEval;
        final double[] wn = s.wpNext;
        final double eta = s.eta;
        for (int c0 = 0; c0 < s.vecEnd; ) {
            int width = c0 < s.fullEnd ? 3 * L : L;
            int base = c0 * dp;
            int wb = c0 * d;
            if (move) {
                for (int j = 0; j < width; j++) {
                    for (int k = 0; k < d; k++) {
                        int t = k * width + j;
                        double v = gt[base + t];
                        acc += v * v;
                        wn[wb + t] = w[wb + t] - eta * v;
                    }
                }
            } else {
                for (int j = 0; j < width; j++) {
                    for (int k = 0; k < d; k++) {
                        double v = gt[base + k * width + j];
                        acc += v * v;
                    }
                }
            }
            c0 += width;
        }
        final double[] gtail = s.gtail;
        final double[] wt = s.wtailEval;
        final double[] wtn = s.wtailNext;
        for (int j = 0; j < gtail.length; j++) {
            double v = gtail[j];
            acc += v * v;
            if (move) {
                wtn[j] = wt[j] - eta * v;
            }
        }
        return acc;
    }

    /** w - eta g into the other weight buffer, elementwise with the single run's rounding. */
    private void update(Net s) {
        final double[] gt = s.gt;
        final double[] gtail = s.gtail;
        final double eta = s.eta;
        final double[] w = s.wpEval;
        final double[] wn = s.wpNext;
        for (int c0 = 0; c0 < s.vecEnd; ) {
            int width = c0 < s.fullEnd ? 3 * L : L;
            int wb = c0 * d;
            int gb = c0 * dp;
            for (int t = 0; t < d * width; t++) {
                wn[wb + t] = w[wb + t] - eta * gt[gb + t];
            }
            c0 += width;
        }
        for (int j = 0; j < gtail.length; j++) {
            s.wtailNext[j] = s.wtailEval[j] - eta * gtail[j];
        }
    }

    /**
     * Makes the weights of the last step's update current: the buffers swap, so the weights that step
     * evaluated stay readable through {@link #weights} until the next {@link #step}. Call after the
     * checkpoints of a moving step were taken.
     */
    void advance() {
        for (Net s : nets) {
            if (s.active) {
                double[] t = s.wpEval;
                s.wpEval = s.wpNext;
                s.wpNext = t;
                t = s.wtailEval;
                s.wtailEval = s.wtailNext;
                s.wtailNext = t;
            }
        }
    }

    /** Row-major m x d weights the last step evaluated. */
    double[] weights(Net s) {
        int m = s.m;
        System.arraycopy(s.wtailEval, 0, s.wRow, s.vecEnd * d, (m - s.vecEnd) * d);
        for (int c0 = 0; c0 < s.vecEnd; ) {
            int width = c0 < s.fullEnd ? 3 * L : L;
            int base = c0 * d;
            for (int j = 0; j < width; j++) {
                int wo = (c0 + j) * d;
                for (int k = 0; k < d; k++) {
                    s.wRow[wo + k] = s.wpEval[base + k * width + j];
                }
            }
            c0 += width;
        }
        return s.wRow;
    }

    /** Z (row-major n x m) of the weights the last step evaluated, by the same tiles (see GdVectorKernel.fillZ). */
    double[] preactivations(Net s) {
        if (s.zStale) {
            for (int c0 = 0; c0 < s.fullEnd; c0 += 3 * L) {
                for (int it = 0; it < np / MR; it++) {
                    GdVectorKernel.zTile3(s.wpEval, xp, n, d, it, c0, s.pz, it * MR * s.m + c0, s.m);
                }
            }
            for (int c0 = s.fullEnd; c0 < s.vecEnd; c0 += L) {
                for (int it = 0; it < np / MR; it++) {
                    GdVectorKernel.zTile1(s.wpEval, xp, n, d, it, c0, s.pz, it * MR * s.m + c0, s.m);
                }
            }
            int tw = s.m - s.vecEnd;
            for (int i = 0; i < n && tw > 0; i++) {
                System.arraycopy(s.ztail, i * tw, s.pz, i * s.m + s.vecEnd, tw);
            }
            s.zStale = false;
        }
        return s.pz;
    }

    /**
     * The activation pattern of the weights the last step evaluated: from P while the network's buffer still
     * holds it (as GdVectorKernel.pattern), else from Z.
     */
    void pattern(Net s, long[] bits) {
        if (s.zStale && s.patternFromP) {
            GdVectorKernel.pattern(s.pz, s.ztail, n, s.m, s.fullEnd, s.vecEnd, bits);
        } else {
            Grams.pattern(preactivations(s), n, s.m, bits);
        }
    }

    /** A network's views as a {@link StepKernel} for the trainer's checkpoints; it cannot step on its own. */
    StepKernel view(Net s) {
        return new StepKernel() {
            @Override
            public double evaluate(double[] w, double[] grad) {
                throw new UnsupportedOperationException("a packed network steps with its pack");
            }

            @Override
            public double step(double[] w, double eta) {
                throw new UnsupportedOperationException("a packed network steps with its pack");
            }

            @Override
            public double gradNormSq() {
                return s.gradNormSq;
            }

            @Override
            public double[] u() {
                return s.u;
            }

            @Override
            public double[] residual() {
                return s.e;
            }

            @Override
            public double[] preactivations() {
                return GdVectorPack.this.preactivations(s);
            }

            @Override
            public void pattern(long[] bits) {
                GdVectorPack.this.pattern(s, bits);
            }
        };
    }

    /**
     * Z tile (rows it*MR .. it*MR+3, columns c0 .. c0+3L-1) with the relu epilogue applied in registers:
     * P_ir = a_r 1{Z_ir >= 0} stored, sum_r P_ir Z_ir added into the lane accumulators of u. The same
     * operations, in the same order per element and per accumulator, as GdVectorKernel's zTile3 followed by
     * its reluEpilogue3, without the round trip through the scratch tile.
     */
    private void zTileRelu3(Net s, int it, int c0) {
        final double[] wp = s.wpEval;
        final double[] p = s.pz;
        final double[] uacc = s.uacc;
        final int m = s.m;
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
        final DoubleVector a0 = DoubleVector.fromArray(S, s.a, c0);
        final DoubleVector a1 = DoubleVector.fromArray(S, s.a, c0 + L);
        final DoubleVector a2 = DoubleVector.fromArray(S, s.a, c0 + 2 * L);
        int i = it * MR;
        // Row 0 always exists (tiles start below n); rows 1..3 only below n.
        DoubleVector p0 = zero.blend(a0, c0_0.compare(VectorOperators.GE, 0.0));
        DoubleVector p1 = zero.blend(a1, c0_1.compare(VectorOperators.GE, 0.0));
        DoubleVector p2 = zero.blend(a2, c0_2.compare(VectorOperators.GE, 0.0));
        int po = n * c0 + i * width;
        p0.intoArray(p, po);
        p1.intoArray(p, po + L);
        p2.intoArray(p, po + 2 * L);
        DoubleVector t = DoubleVector.fromArray(S, uacc, i * L);
        t = p0.fma(c0_0, t);
        t = p1.fma(c0_1, t);
        t = p2.fma(c0_2, t);
        t.intoArray(uacc, i * L);
        if (i + 1 < n) {
            p0 = zero.blend(a0, c1_0.compare(VectorOperators.GE, 0.0));
            p1 = zero.blend(a1, c1_1.compare(VectorOperators.GE, 0.0));
            p2 = zero.blend(a2, c1_2.compare(VectorOperators.GE, 0.0));
            po += width;
            p0.intoArray(p, po);
            p1.intoArray(p, po + L);
            p2.intoArray(p, po + 2 * L);
            t = DoubleVector.fromArray(S, uacc, (i + 1) * L);
            t = p0.fma(c1_0, t);
            t = p1.fma(c1_1, t);
            t = p2.fma(c1_2, t);
            t.intoArray(uacc, (i + 1) * L);
        }
        if (i + 2 < n) {
            p0 = zero.blend(a0, c2_0.compare(VectorOperators.GE, 0.0));
            p1 = zero.blend(a1, c2_1.compare(VectorOperators.GE, 0.0));
            p2 = zero.blend(a2, c2_2.compare(VectorOperators.GE, 0.0));
            po += width;
            p0.intoArray(p, po);
            p1.intoArray(p, po + L);
            p2.intoArray(p, po + 2 * L);
            t = DoubleVector.fromArray(S, uacc, (i + 2) * L);
            t = p0.fma(c2_0, t);
            t = p1.fma(c2_1, t);
            t = p2.fma(c2_2, t);
            t.intoArray(uacc, (i + 2) * L);
        }
        if (i + 3 < n) {
            p0 = zero.blend(a0, c3_0.compare(VectorOperators.GE, 0.0));
            p1 = zero.blend(a1, c3_1.compare(VectorOperators.GE, 0.0));
            p2 = zero.blend(a2, c3_2.compare(VectorOperators.GE, 0.0));
            po += width;
            p0.intoArray(p, po);
            p1.intoArray(p, po + L);
            p2.intoArray(p, po + 2 * L);
            t = DoubleVector.fromArray(S, uacc, (i + 3) * L);
            t = p0.fma(c3_0, t);
            t = p1.fma(c3_1, t);
            t = p2.fma(c3_2, t);
            t.intoArray(uacc, (i + 3) * L);
        }
    }
}
