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
 *   <li>{@link #HERMITE} for softplus, tanh and gelu. For unit inputs the expectation depends on the cosine
 *       c = x_i.x_j alone: k(c) = E[f(kappa U) f(kappa V)] for standard normals U, V with correlation c. Mehler's
 *       formula gives k(c) = sum_j alpha_j^2 c^j with the Hermite coefficients alpha_j = E[f(kappa g) He_j(g)] /
 *       sqrt(j!) (O'Donnell, Analysis of Boolean Functions, ch. 11; Daniely, Frostig and Singer 2016 for the
 *       dual-activation view). The alpha_j come from the trapezoidal rule on [-{@value #HALF_WIDTH},
 *       {@value #HALF_WIDTH}] with step {@value #STEP} (spectrally accurate for these analytic integrands) and the
 *       series stops once the neglected mass E[f^2] - sum alpha_j^2 is below {@value #TAIL_TOL} E[f^2] (at most
 *       {@value #MAX_TERMS} terms). k is tabulated on {@value #GRID} + 1 equally spaced cosines and interpolated
 *       by the cubic through the four nearest points. Deterministic (no seed); agrees with Monte Carlo and with
 *       a direct two-dimensional quadrature in NtkInfTest. The diagonal (c = 1, a grid point) is E[f^2].</li>
 * </ul>
 * Smooth activations depend on the input norms beyond the cosine; the series assumes unit rows, which the data
 * layer guarantees (generated data exactly, supplied data within {@link DataGen#UNIT_NORM_TOL}).
 */
final class NtkInf {
    static final String CLOSED_FORM = "closed_form";
    static final String HERMITE = "hermite_series";
    /** Half-width and step of the trapezoidal rule for the Hermite coefficients. */
    static final double HALF_WIDTH = 50.0;
    static final double STEP = 0.02;
    /** Relative neglected mass at which the Mehler series stops, and its largest length. */
    static final double TAIL_TOL = 1e-13;
    static final int MAX_TERMS = 600;
    /** Number of intervals of the cosine grid. */
    static final int GRID = 4096;

    private NtkInf() {
    }

    /** The value of the {@code h_inf_method} column for an activation. */
    static String method(Activation act) {
        return act.closedForm() ? CLOSED_FORM : HERMITE;
    }

    /**
     * H_inf (n x n, full storage) from the input Gram matrix G = X X^T. For relu with only the first layer this
     * is exactly {@link Grams#hInf}.
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
        double[] first = table(act, kappa, true);
        double[] second = both ? table(act, kappa, false) : null;
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
     * Squared normalised Hermite coefficients alpha_j^2 of f(kappa g), f = sigma' ({@code derivative}) or sigma,
     * for j = 0..J-1 with J chosen by the tail rule of the class comment; the last entry of the returned array
     * (index J) holds E[f(kappa g)^2]. Hermite functions psi_j(x) = He_j(x) / sqrt(j!) * phi(x)^(1/2) by their
     * stable three-term recurrence, so alpha_j = integral f(kappa x) psi_j(x) phi(x)^(1/2) dx.
     */
    static double[] squaredCoefficients(Activation act, double kappa, boolean derivative) {
        int q = (int) Math.round(2 * HALF_WIDTH / STEP) + 1;
        double[] xs = new double[q];
        double[] z = new double[q];
        double[] val = new double[q];
        double[] der = new double[q];
        for (int k = 0; k < q; k++) {
            xs[k] = -HALF_WIDTH + k * STEP;
            z[k] = kappa * xs[k];
        }
        act.eval(z, 0, q, val, der);
        double[] f = derivative ? der : val;
        double[] root = new double[q];  // phi(x)^(1/2) = (2 pi)^(-1/4) exp(-x^2 / 4)
        double[] prev = new double[q];  // psi_{j-1}
        double[] cur = new double[q];   // psi_j
        double norm = StrictMath.pow(2 * Math.PI, -0.25);
        double energy = 0;
        for (int k = 0; k < q; k++) {
            root[k] = norm * StrictMath.exp(-0.25 * xs[k] * xs[k]);
            cur[k] = root[k];
            energy += f[k] * f[k] * root[k] * root[k];
        }
        energy *= STEP;
        double[] coef = new double[MAX_TERMS + 1];
        double mass = 0;
        int terms = 0;
        for (int j = 0; j < MAX_TERMS; j++) {
            double a = 0;
            for (int k = 0; k < q; k++) {
                a += f[k] * cur[k] * root[k];
            }
            a *= STEP;
            coef[j] = a * a;
            mass += a * a;
            terms = j + 1;
            if (energy - mass <= TAIL_TOL * energy) {
                break;
            }
            double s1 = Math.sqrt(j + 1.0);
            double s0 = Math.sqrt(j);
            for (int k = 0; k < q; k++) {
                double next = (xs[k] * cur[k] - s0 * prev[k]) / s1;
                prev[k] = cur[k];
                cur[k] = next;
            }
        }
        double[] out = java.util.Arrays.copyOf(coef, terms + 1);
        out[terms] = energy;
        return out;
    }

    /** Sum_j alpha_j^2 c^j (Horner) for the coefficients of {@link #squaredCoefficients} (last entry excluded). */
    static double series(double[] sq, double c) {
        double v = 0;
        for (int j = sq.length - 2; j >= 0; j--) {
            v = v * c + sq[j];
        }
        return v;
    }

    /** k(c_t) for c_t = -1 + 2 t / GRID, t = 0..GRID, with k(1) = E[f^2] exactly as computed. */
    static double[] table(Activation act, double kappa, boolean derivative) {
        double[] sq = squaredCoefficients(act, kappa, derivative);
        double[] out = new double[GRID + 1];
        for (int t = 0; t < GRID; t++) {
            out[t] = series(sq, -1.0 + 2.0 * t / GRID);
        }
        out[GRID] = sq[sq.length - 1];
        return out;
    }

    /** Cubic Lagrange interpolation of a cosine table through the four grid points nearest to c (clamped into [-1, 1]). */
    static double interpolate(double[] table, double c) {
        double cc = Math.max(-1.0, Math.min(1.0, c));
        double pos = (cc + 1.0) * 0.5 * GRID;
        int i0 = (int) Math.floor(pos) - 1;
        i0 = Math.max(0, Math.min(GRID - 3, i0));
        double t = pos - i0; // in [0, 3]
        double f0 = table[i0];
        double f1 = table[i0 + 1];
        double f2 = table[i0 + 2];
        double f3 = table[i0 + 3];
        return f0 * (t - 1) * (t - 2) * (t - 3) / -6.0
                + f1 * t * (t - 2) * (t - 3) / 2.0
                + f2 * t * (t - 1) * (t - 3) / -2.0
                + f3 * t * (t - 1) * (t - 2) / 6.0;
    }
}
