package org.sweep.worker;

/**
 * The exact inputs of one training run: data (x, y) and initialisation (a, w(0)). Arrays are owned by
 * the problem and never modified after construction.
 *
 * @param n  points
 * @param d  input dimension
 * @param m  width
 * @param x  n x d row-major, unit rows
 * @param y  n labels
 * @param a  m output weights, each +-1
 * @param w0 m x d row-major initial first-layer weights
 */
record Problem(int n, int d, int m, double[] x, double[] y, double[] a, double[] w0) {
    Problem {
        if (x.length != (long) n * d || y.length != n || a.length != m || w0.length != (long) m * d) {
            throw new IllegalArgumentException("problem shapes: n=" + n + " d=" + d + " m=" + m + " but x has "
                    + x.length + ", y " + y.length + ", a " + a.length + ", w0 " + w0.length + " values");
        }
    }
}
