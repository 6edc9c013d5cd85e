package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Gram matrices of science.md section 2. All n x n matrices are dense, symmetric, stored in full
 * (both triangles), row-major (= column-major).
 */
final class Grams {
    private Grams() {
    }

    /** G = X X^T for X n x d row-major, by BLAS dsyrk (n^2 d flops), both triangles filled. */
    static double[] inputGram(BLAS blas, double[] x, int n, int d) {
        double[] g = new double[n * n];
        // Row-major X (n x d) is column-major X^T (d x n, lda = d): G = (X^T)^T X^T.
        blas.dsyrk("U", "T", n, d, 1.0, x, d, 0.0, g, n);
        symmetrizeFromUpper(g, n);
        return g;
    }

    /** Copies the upper triangle (column-major: entries (i, j) with i <= j at j*n + i) into the lower one. */
    static void symmetrizeFromUpper(double[] a, int n) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < j; i++) {
                a[i * n + j] = a[j * n + i];
            }
        }
    }

    /**
     * H_inf[i][j] = act.kernelInf(G[i][j], c_ij) with the angle cosine c_ij = G[i][j] / sqrt(G[i][i] G[j][j])
     * and c_ii = 1 exactly (closed form; cosines clamped into [-1, 1]).
     */
    static double[] hInf(double[] g, int n, Activation act) {
        double[] h = new double[n * n];
        double[] invNorm = new double[n];
        for (int i = 0; i < n; i++) {
            invNorm[i] = 1.0 / Math.sqrt(g[i * n + i]);
        }
        for (int i = 0; i < n; i++) {
            h[i * n + i] = act.kernelInf(g[i * n + i], 1.0);
            for (int j = i + 1; j < n; j++) {
                double v = act.kernelInf(g[i * n + j], g[i * n + j] * invNorm[i] * invNorm[j]);
                h[i * n + j] = v;
                h[j * n + i] = v;
            }
        }
        return h;
    }

    /** max_{i != j} |G[i][j]|: how close to parallel the two closest inputs are. */
    static double maxOffDiagonalAbs(double[] g, int n) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                max = Math.max(max, Math.abs(g[i * n + j]));
            }
        }
        return max;
    }

    /** 64-bit words per row of a bit-packed n x m pattern. */
    static int words(int m) {
        return (m + 63) >>> 6;
    }

    /**
     * Bit-packed activation pattern S[i][r] = 1{z[i*m + r] >= 0} (the ReLU derivative), rows of
     * {@link #words(int)} longs. NaN preactivations give 0. Writes into {@code bits}.
     */
    static void pattern(double[] z, int n, int m, long[] bits) {
        int words = words(m);
        for (int i = 0; i < n; i++) {
            int zo = i * m;
            int bo = i * words;
            for (int wd = 0; wd < words; wd++) {
                // Branch-free: the signs of preactivations are close to random, and a branch per entry
                // mispredicted about half the time (the checkpoints' largest cost at small d).
                int r0 = wd << 6;
                int len = Math.min(64, m - r0);
                long word = 0L;
                for (int b = 0; b < len; b++) {
                    word |= (z[zo + r0 + b] >= 0 ? 1L : 0L) << b;
                }
                bits[bo + wd] = word;
            }
        }
    }

    /** Number of (i, r) where two bit-packed patterns differ. */
    static long patternDifference(long[] a, long[] b, int n, int m) {
        long count = 0;
        int len = n * words(m);
        for (int k = 0; k < len; k++) {
            count += Long.bitCount(a[k] ^ b[k]);
        }
        return count;
    }

    /**
     * Finite-width Gram matrix for a 0/1 derivative: H[i][j] = G[i][j] * |S_i AND S_j| / m, from bit-packed
     * patterns (exact integer counts: n^2 m / 128 word operations instead of n^2 m flops). Writes into h.
     */
    static void hFromPattern(double[] g, long[] bits, int n, int m, double[] h) {
        int words = words(m);
        double invM = 1.0 / m;
        for (int i = 0; i < n; i++) {
            int bi = i * words;
            for (int j = i; j < n; j++) {
                int bj = j * words;
                long c = 0;
                for (int k = 0; k < words; k++) {
                    c += Long.bitCount(bits[bi + k] & bits[bj + k]);
                }
                double v = g[i * n + j] * (c * invM);
                h[i * n + j] = v;
                h[j * n + i] = v;
            }
        }
    }

    /**
     * Finite-width Gram matrix for any activation: H = G o (D D^T) / m, D[i][r] = sigma'(z[i*m + r]),
     * by BLAS dsyrk on D (n^2 m flops). {@code dbuf} (n*m) receives D. Writes into h.
     */
    static void hFromDerivatives(BLAS blas, double[] g, double[] z, int n, int m, Activation act,
                                 double[] dbuf, double[] h) {
        for (int k = 0; k < n * m; k++) {
            dbuf[k] = act.derivative(z[k]);
        }
        blas.dsyrk("U", "T", n, m, 1.0 / m, dbuf, m, 0.0, h, n);
        symmetrizeFromUpper(h, n);
        for (int k = 0; k < n * n; k++) {
            h[k] *= g[k];
        }
    }
}
