package org.sweep.worker;

/**
 * Plain-loop gradient-descent kernel (temporary reference version; the optimised kernel replaces it).
 * Loss L = 1/2 ||u - y||^2, u_i = (1/sqrt m) sum_r a_r relu(w_r.x_i).
 */
final class GdKernel {
    private final int n;
    private final int d;
    private final int m;
    private final double[] x;
    private final double[] a;
    private final double[] y;
    private final double[] z;
    private final double[] u;
    private final double[] e;
    private final double[] grad;
    private double gradNormSq;

    GdKernel(int n, int d, int m, double[] x, double[] a, double[] y) {
        this.n = n;
        this.d = d;
        this.m = m;
        this.x = x;
        this.a = a;
        this.y = y;
        this.z = new double[n * m];
        this.u = new double[n];
        this.e = new double[n];
        this.grad = new double[m * d];
    }

    double evaluate(double[] w, double[] g) {
        double scale = 1.0 / Math.sqrt(m);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double ui = 0;
            for (int r = 0; r < m; r++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += x[i * d + j] * w[r * d + j];
                }
                z[i * m + r] = s;
                ui += a[r] * (s > 0 ? s : 0);
            }
            u[i] = ui * scale;
            e[i] = u[i] - y[i];
            loss += 0.5 * e[i] * e[i];
        }
        java.util.Arrays.fill(g, 0, m * d, 0.0);
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < m; r++) {
                if (z[i * m + r] >= 0) {
                    double c = scale * a[r] * e[i];
                    for (int j = 0; j < d; j++) {
                        g[r * d + j] += c * x[i * d + j];
                    }
                }
            }
        }
        double s = 0;
        for (int k = 0; k < m * d; k++) {
            s += g[k] * g[k];
        }
        gradNormSq = s;
        return loss;
    }

    double step(double[] w, double eta) {
        double loss = evaluate(w, grad);
        for (int k = 0; k < m * d; k++) {
            w[k] -= eta * grad[k];
        }
        return loss;
    }

    double gradNormSq() {
        return gradNormSq;
    }

    double[] u() {
        return u;
    }

    double[] residual() {
        return e;
    }

    double[] preactivations() {
        return z;
    }
}
