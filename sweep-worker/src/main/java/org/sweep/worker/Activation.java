package org.sweep.worker;

import java.util.Locale;

/**
 * Hidden-unit activations sigma. Everything the Gram matrices need is here, so the infinite- and
 * finite-width kernels are written once for all activations:
 * <ul>
 *   <li>H(k)[i][j] = x_i.x_j (1/m) sum_r sigma'(w_r.x_i) sigma'(w_r.x_j)  (science.md section 2);</li>
 *   <li>H_inf[i][j] = x_i.x_j E_{w ~ N(0, I)}[sigma'(w.x_i) sigma'(w.x_j)], given by
 *       {@link #kernelInf(double, double)} from the inner product and the cosine of the angle.</li>
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
         * dot (pi - arccos c) / (2 pi): the degree-0 arc-cosine kernel (Cho and Saul 2009) times x_i.x_j,
         * since P(w.x_i >= 0, w.x_j >= 0) = (pi - arccos c) / (2 pi) for the angle's cosine c (clamped into
         * [-1, 1]). For unit inputs dot = c and this is science.md's t (pi - arccos t) / (2 pi).
         */
        @Override
        double kernelInf(double dot, double cos) {
            double c = Math.max(-1.0, Math.min(1.0, cos));
            return dot * (Math.PI - StrictMath.acos(c)) / (2.0 * Math.PI);
        }
    };

    abstract double value(double z);

    abstract double derivative(double z);

    /** True when sigma' takes only the values 0 and 1: H(k) can then be built from bit-packed patterns. */
    abstract boolean derivativeIsIndicator();

    /**
     * Entry of H_inf for inputs with inner product {@code dot} and angle cosine {@code cos}. The kernel's
     * expectation depends on the angle only; passing the cosine separately keeps the diagonal exact
     * (cos = 1) although x_i.x_i of a unit row is 1 only to a few ulps, where arccos has an infinite slope.
     */
    abstract double kernelInf(double dot, double cos);

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
