package org.sweep.worker;

/**
 * The infinite-width Gram matrix H_inf for any activation and trained layers (science.md sections 2 and 6):
 * <pre>
 *   H_inf[i][j] = x_i.x_j E[sigma'(w.x_i) sigma'(w.x_j)]  (+ E[sigma(w.x_i) sigma(w.x_j)] for train_layers = both)
 * </pre>
 * with w ~ N(0, kappa^2 I_d), the limit of H(0) as m grows.
 *
 * <p>Methods (recorded in the {@code h_inf_method} column):
 * <ul>
 *   <li>{@link #CLOSED_FORM} for relu and leaky_relu: degree-0 arc-cosine kernel for the first layer, degree-1
 *       (Cho and Saul 2009) times kappa^2 ||x_i|| ||x_j|| for the second layer.</li>
 *   <li>{@link #QUADRATURE} for softplus, tanh and gelu: for unit inputs the expectation is a function of the
 *       cosine c = x_i.x_j alone, k(c) = E[f(kappa g1) f(kappa (c g1 + sqrt(1 - c^2) g2))] with g1, g2 independent
 *       standard normals. It is computed by a {@value #QUAD_NODES} x {@value #QUAD_NODES} Gauss-Hermite product
 *       rule on {@value #GRID} + 1 equally spaced cosines in [-1, 1] and interpolated by the cubic through the
 *       four nearest grid points. Deterministic (no seed); for kappa = 1 it agrees with a 2^20-sample Monte Carlo
 *       estimate within its sampling error and with a 96-node rule to about 1e-10 (NtkInfTest). Exact at
 *       c = 1 (a grid point), so the diagonal carries no interpolation error.</li>
 * </ul>
 * Smooth activations depend on the input norms beyond the cosine; the quadrature assumes unit rows, which the
 * data layer guarantees (generated data exactly, supplied data within {@link DataGen#UNIT_NORM_TOL}).
 */
final class NtkInf {
    static final String CLOSED_FORM = "closed_form";
    /** Gauss-Hermite nodes per dimension of the product rule. */
    static final int QUAD_NODES = 48;
    /** Number of intervals of the cosine grid. */
    static final int GRID = 512;
    static final String QUADRATURE = "gauss_hermite_" + QUAD_NODES + "x" + QUAD_NODES + "_grid_" + GRID;

    private NtkInf() {
    }

    /** The value of the {@code h_inf_method} column for an activation. */
    static String method(Activation act) {
        return act.closedForm() ? CLOSED_FORM : QUADRATURE;
    }

    /**
     * H_inf (n x n, full storage) from the input Gram matrix G = X X^T. For relu with only the first layer this
     * is exactly {@link Grams#hInf}. Flops: O(n^2) plus, for quadrature, 2 (GRID + 1) QUAD_NODES^2 activation
     * evaluations.
     */
    static double[] hInf(double[] g, int n, Activation act, double kappa, boolean both) {
        if (act.closedForm()) {
            double[] h = Grams.hInf(g, n, act);
            if (both) {
                double k2 = kappa * kappa;
                for (int i = 0; i < n; i++) {
                    double ni = Math.sqrt(g[i * n + i]);
                    h[i * n + i] += k2 * g[i * n + i] * act.kernelInf2(1.0);
                    for (int j = i + 1; j < n; j++) {
                        double nj = Math.sqrt(g[j * n + j]);
                        double v = k2 * ni * nj * act.kernelInf2(g[i * n + j] / (ni * nj));
                        h[i * n + j] += v;
                        h[j * n + i] += v;
                    }
                }
            }
            return h;
        }
        double[][] gh = gaussHermite(QUAD_NODES);
        double[] first = table(act, kappa, gh, true);
        double[] second = both ? table(act, kappa, gh, false) : null;
        double[] h = new double[n * n];
        double[] invNorm = new double[n];
        for (int i = 0; i < n; i++) {
            invNorm[i] = 1.0 / Math.sqrt(g[i * n + i]);
        }
        for (int i = 0; i < n; i++) {
            double dii = g[i * n + i];
            h[i * n + i] = dii * first[GRID] + (both ? second[GRID] : 0.0);
            for (int j = i + 1; j < n; j++) {
                double dot = g[i * n + j];
                double c = dot * invNorm[i] * invNorm[j];
                double v = dot * interpolate(first, c) + (both ? interpolate(second, c) : 0.0);
                h[i * n + j] = v;
                h[j * n + i] = v;
            }
        }
        return h;
    }

    /**
     * k(c_t) for c_t = -1 + 2 t / GRID, t = 0..GRID, with f = sigma' ({@code derivative}) or sigma, by the product
     * Gauss-Hermite rule: sum_a sum_b p_a p_b f(kappa x_a) f(kappa (c x_a + s x_b)), s = sqrt(1 - c^2).
     */
    static double[] table(Activation act, double kappa, double[][] gh, boolean derivative) {
        double[] x = gh[0];
        double[] p = gh[1];
        int q = x.length;
        double[] fa = new double[q];
        double[] z = new double[q];
        double[] val = new double[q];
        double[] der = new double[q];
        for (int a = 0; a < q; a++) {
            z[a] = kappa * x[a];
        }
        act.eval(z, 0, q, val, der);
        System.arraycopy(derivative ? der : val, 0, fa, 0, q);
        double[] out = new double[GRID + 1];
        for (int t = 0; t <= GRID; t++) {
            double c = t == GRID ? 1.0 : -1.0 + 2.0 * t / GRID;
            double s = Math.sqrt(Math.max(0.0, 1.0 - c * c));
            double sum = 0;
            for (int a = 0; a < q; a++) {
                for (int b = 0; b < q; b++) {
                    z[b] = kappa * (c * x[a] + s * x[b]);
                }
                act.eval(z, 0, q, val, der);
                double[] fb = derivative ? der : val;
                double inner = 0;
                for (int b = 0; b < q; b++) {
                    inner += p[b] * fb[b];
                }
                sum += p[a] * fa[a] * inner;
            }
            out[t] = sum;
        }
        return out;
    }

    /** Cubic Lagrange interpolation of a cosine table through the four grid points nearest to c (clamped into [-1, 1]). */
    static double interpolate(double[] table, double c) {
        double cc = Math.max(-1.0, Math.min(1.0, c));
        double pos = (cc + 1.0) * 0.5 * GRID;
        int i0 = (int) Math.floor(pos) - 1;
        i0 = Math.max(0, Math.min(GRID - 3, i0));
        double t = pos - i0; // in [0, 3] except at the clamped ends
        double f0 = table[i0];
        double f1 = table[i0 + 1];
        double f2 = table[i0 + 2];
        double f3 = table[i0 + 3];
        return f0 * (t - 1) * (t - 2) * (t - 3) / -6.0
                + f1 * t * (t - 2) * (t - 3) / 2.0
                + f2 * t * (t - 1) * (t - 3) / -2.0
                + f3 * t * (t - 1) * (t - 2) / 6.0;
    }

    /**
     * Gauss-Hermite rule for the standard normal: nodes x_k and probabilities p_k (sum 1) such that
     * E[f(g)] ~= sum_k p_k f(x_k), exact for polynomials of degree &lt; 2q. Nodes of the physicists' Hermite
     * polynomial H_q by Newton's method on the orthonormal recurrence (Press et al., Numerical Recipes, 3rd ed.,
     * section 4.6, gauher), then x = sqrt(2) t and p = w / sqrt(pi). Returns {x, p}, x ascending.
     */
    static double[][] gaussHermite(int q) {
        final double pim4 = 0.7511255444649425; // pi^(-1/4)
        double[] t = new double[q];
        double[] w = new double[q];
        int half = (q + 1) / 2;
        double z = 0;
        for (int i = 0; i < half; i++) {
            if (i == 0) {
                z = Math.sqrt(2.0 * q + 1) - 1.85575 * StrictMath.pow(2.0 * q + 1, -0.16667);
            } else if (i == 1) {
                z -= 1.14 * StrictMath.pow(q, 0.426) / z;
            } else if (i == 2) {
                z = 1.86 * z - 0.86 * t[0];
            } else if (i == 3) {
                z = 1.91 * z - 0.91 * t[1];
            } else {
                z = 2.0 * z - t[i - 2];
            }
            double pp = 0;
            for (int iter = 0; iter < 100; iter++) {
                double p1 = pim4;
                double p2 = 0;
                for (int j = 0; j < q; j++) {
                    double p3 = p2;
                    p2 = p1;
                    p1 = z * Math.sqrt(2.0 / (j + 1)) * p2 - Math.sqrt((double) j / (j + 1)) * p3;
                }
                pp = Math.sqrt(2.0 * q) * p2;
                double z1 = z;
                z = z1 - p1 / pp;
                if (Math.abs(z - z1) <= 1e-15 * Math.max(1.0, Math.abs(z))) {
                    break;
                }
            }
            t[i] = z;
            t[q - 1 - i] = -z;
            w[i] = 2.0 / (pp * pp);
            w[q - 1 - i] = w[i];
        }
        double[] x = new double[q];
        double[] p = new double[q];
        double sq2 = Math.sqrt(2.0);
        double sqpi = Math.sqrt(Math.PI);
        for (int k = 0; k < q; k++) {
            // t is descending; store ascending
            x[k] = sq2 * t[q - 1 - k];
            p[k] = w[q - 1 - k] / sqpi;
        }
        return new double[][] {x, p};
    }
}
