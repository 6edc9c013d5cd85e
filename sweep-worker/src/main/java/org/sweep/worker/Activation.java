package org.sweep.worker;

import java.util.Locale;

/**
 * Hidden-unit activations sigma. Everything the Gram matrices need is here, so the infinite- and
 * finite-width kernels are written once for all activations:
 * <ul>
 *   <li>H(k)[i][j] = x_i.x_j (1/m) sum_r sigma'(w_r.x_i) sigma'(w_r.x_j)  (science.md section 2);</li>
 *   <li>H_inf[i][j] = x_i.x_j E_{w ~ N(0, I)}[sigma'(w.x_i) sigma'(w.x_j)] for unit x_i, x_j,
 *       given by {@link #kernelInf(double)} as a function of t = x_i.x_j.</li>
 * </ul>
 * Only ReLU (Du et al. 2019) is implemented; smooth activations are planned (issue 6).
 */
enum Activation {
    /** sigma(z) = max(z, 0); sigma'(z) = 1{z >= 0} (the convention of Du et al. at z = 0). */
    RELU {
        @Override
        double value(double z) {
            return z > 0 ? z : 0.0;
        }

        @Override
        double derivative(double z) {
            return z >= 0 ? 1.0 : 0.0;
        }

        @Override
        boolean derivativeIsIndicator() {
            return true;
        }

        /**
         * t (pi - arccos t) / (2 pi): the degree-0 arc-cosine kernel (Cho and Saul 2009) times t,
         * since P(w.x_i >= 0, w.x_j >= 0) = (pi - arccos t) / (2 pi). t is clamped into [-1, 1].
         */
        @Override
        double kernelInf(double t) {
            double c = Math.max(-1.0, Math.min(1.0, t));
            return c * (Math.PI - StrictMath.acos(c)) / (2.0 * Math.PI);
        }
    };

    abstract double value(double z);

    abstract double derivative(double z);

    /** True when sigma' takes only the values 0 and 1: H(k) can then be built from bit-packed patterns. */
    abstract boolean derivativeIsIndicator();

    /** Entry of H_inf as a function of the inner product t of two unit vectors. */
    abstract double kernelInf(double t);

    /** The spec's name, e.g. {@code relu}. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a spec's activation; unknown or not yet supported names raise an error naming the value. */
    static Activation parse(String s) {
        for (Activation a : values()) {
            if (a.key().equals(s)) {
                return a;
            }
        }
        throw new UnsupportedOperationException("not supported yet: activation=" + s + " (supported: relu)");
    }
}
