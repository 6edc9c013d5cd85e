package org.sweep.worker;

/**
 * Hidden-unit activations sigma. Everything the Gram matrices need is here, so the infinite- and
 * finite-width kernels are written once for all activations:
 * <ul>
 *   <li>H(k)[i][j] = x_i.x_j (1/m) sum_r a_r^2 sigma'(w_r.x_i) sigma'(w_r.x_j)  (science.md section 2;
 *       a_r^2 = 1 while the output layer is fixed), plus (1/m) sum_r sigma(w_r.x_i) sigma(w_r.x_j) when both
 *       layers are trained;</li>
 *   <li>H_inf[i][j] = x_i.x_j E_{w ~ N(0, kappa^2 I)}[sigma'(w.x_i) sigma'(w.x_j)] (plus
 *       E[sigma(w.x_i) sigma(w.x_j)] for both layers): closed forms for {@link #RELU} and {@link #LEAKY_RELU}
 *       ({@link #kernelInf}, {@link #kernelInf2}); Gauss-Hermite quadrature for the smooth ones
 *       ({@link NtkInf}).</li>
 * </ul>
 *
 * <p>Fixed activation parameters (not task fields; part of the code version):
 * {@link #LEAKY_SLOPE} = 0.2 and softplus sharpness {@link #SOFTPLUS_BETA} = 1. Transcendental functions use
 * {@link StrictMath} so results are identical in every JVM.
 */
public enum Activation implements Keyed {
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
        void eval(double[] z, int from, int to, double[] value, double[] deriv) {
            for (int k = from; k < to; k++) {
                double v = z[k];
                value[k] = v > 0 ? v : 0.0;
                deriv[k] = v >= 0 ? 1.0 : 0.0;
            }
        }

        @Override
        boolean derivativeIsIndicator() {
            return true;
        }

        @Override
        boolean closedForm() {
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

        /** The degree-1 arc-cosine kernel (Cho and Saul 2009): (sin t + (pi - t) cos t) / (2 pi), t = arccos c. */
        @Override
        double kernelInf2(double cos) {
            return arcCos1(cos);
        }
    },

    /** Softplus with sharpness beta: sigma(z) = log(1 + exp(beta z)) / beta, sigma'(z) = 1 / (1 + exp(-beta z)). */
    SOFTPLUS {
        @Override
        double value(double z) {
            double t = SOFTPLUS_BETA * z;
            return (t > 0 ? t + StrictMath.log1p(StrictMath.exp(-t)) : StrictMath.log1p(StrictMath.exp(t)))
                    / SOFTPLUS_BETA;
        }

        @Override
        double derivative(double z) {
            double t = SOFTPLUS_BETA * z;
            if (t >= 0) {
                return 1.0 / (1.0 + StrictMath.exp(-t));
            }
            double q = StrictMath.exp(t);
            return q / (1.0 + q);
        }

        @Override
        void eval(double[] z, int from, int to, double[] value, double[] deriv) {
            for (int k = from; k < to; k++) {
                double t = SOFTPLUS_BETA * z[k];
                // q = exp(-|t|) in (0, 1]: both the value and the logistic sigmoid from one exponential.
                double q = StrictMath.exp(-Math.abs(t));
                double l = StrictMath.log1p(q);
                value[k] = (t > 0 ? t + l : l) / SOFTPLUS_BETA;
                deriv[k] = t >= 0 ? 1.0 / (1.0 + q) : q / (1.0 + q);
            }
        }
    },

    /** sigma(z) = tanh z, sigma'(z) = 1 - tanh^2 z. */
    TANH {
        @Override
        double value(double z) {
            return StrictMath.tanh(z);
        }

        @Override
        double derivative(double z) {
            double t = StrictMath.tanh(z);
            return 1.0 - t * t;
        }

        @Override
        void eval(double[] z, int from, int to, double[] value, double[] deriv) {
            for (int k = from; k < to; k++) {
                double t = StrictMath.tanh(z[k]);
                value[k] = t;
                deriv[k] = 1.0 - t * t;
            }
        }
    },

    /**
     * GELU in its tanh form (Hendrycks and Gimpel 2016, the form used by BERT and GPT-2):
     * sigma(z) = z (1 + tanh(v)) / 2 with v = sqrt(2/pi) (z + 0.044715 z^3);
     * sigma'(z) = (1 + tanh v) / 2 + z (1 - tanh^2 v) sqrt(2/pi) (1 + 3 * 0.044715 z^2) / 2.
     */
    GELU {
        @Override
        double value(double z) {
            return 0.5 * z * (1.0 + StrictMath.tanh(GELU_K * (z + GELU_C * z * z * z)));
        }

        @Override
        double derivative(double z) {
            double t = StrictMath.tanh(GELU_K * (z + GELU_C * z * z * z));
            return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_K * (1.0 + 3.0 * GELU_C * z * z);
        }

        @Override
        void eval(double[] z, int from, int to, double[] value, double[] deriv) {
            for (int k = from; k < to; k++) {
                double v = z[k];
                double t = StrictMath.tanh(GELU_K * (v + GELU_C * v * v * v));
                value[k] = 0.5 * v * (1.0 + t);
                deriv[k] = 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * GELU_K * (1.0 + 3.0 * GELU_C * v * v);
            }
        }
    },

    /**
     * sigma(z) = z for z >= 0, {@link #LEAKY_SLOPE} z otherwise; sigma'(z) = 1 for z >= 0, else the slope.
     */
    LEAKY_RELU {
        @Override
        double value(double z) {
            return z >= 0 ? z : LEAKY_SLOPE * z;
        }

        @Override
        double derivative(double z) {
            return z >= 0 ? 1.0 : LEAKY_SLOPE;
        }

        @Override
        void eval(double[] z, int from, int to, double[] value, double[] deriv) {
            for (int k = from; k < to; k++) {
                double v = z[k];
                boolean on = v >= 0;
                value[k] = on ? v : LEAKY_SLOPE * v;
                deriv[k] = on ? 1.0 : LEAKY_SLOPE;
            }
        }

        @Override
        boolean closedForm() {
            return true;
        }

        /**
         * With p = (pi - arccos c) / (2 pi) = P(both preactivations >= 0) = P(both < 0) and 1 - 2p the
         * probability of mixed signs: E[sigma'(u) sigma'(v)] = p (1 + s^2) + (1 - 2p) s, s the slope. Times
         * x_i.x_j. Independent of kappa (sigma' is scale invariant).
         */
        @Override
        double kernelInf(double dot, double cos) {
            double c = Math.max(-1.0, Math.min(1.0, cos));
            double p = (Math.PI - StrictMath.acos(c)) / (2.0 * Math.PI);
            double s = LEAKY_SLOPE;
            return dot * (p * (1 + s * s) + (1 - 2 * p) * s);
        }

        /**
         * sigma(z) = relu(z) - s relu(-z), so E[sigma(u) sigma(v)] = (1 + s^2) k1(c) - 2 s k1(-c) with k1 the
         * degree-1 arc-cosine kernel of {@link #RELU}.
         */
        @Override
        double kernelInf2(double cos) {
            double s = LEAKY_SLOPE;
            return (1 + s * s) * arcCos1(cos) - 2 * s * arcCos1(-cos);
        }
    };

    /** Negative-side slope of {@link #LEAKY_RELU} (the default of TensorFlow's tf.nn.leaky_relu). */
    static final double LEAKY_SLOPE = 0.2;
    /** Sharpness beta of {@link #SOFTPLUS} (PyTorch's default; beta -> infinity gives ReLU). */
    static final double SOFTPLUS_BETA = 1.0;
    private static final double GELU_K = 0.7978845608028654; // sqrt(2 / pi)
    private static final double GELU_C = 0.044715;

    abstract double value(double z);

    abstract double derivative(double z);

    /**
     * value[k] = sigma(z[k]) and deriv[k] = sigma'(z[k]) for k in [from, to); the same numbers as
     * {@link #value} and {@link #derivative} up to rounding, computed with one transcendental call where
     * possible. {@code value} or {@code deriv} may not alias {@code z}.
     */
    abstract void eval(double[] z, int from, int to, double[] value, double[] deriv);

    /** True when sigma' takes only the values 0 and 1: H(k) can then be built from bit-packed patterns. */
    boolean derivativeIsIndicator() {
        return false;
    }

    /** True when H_inf has a closed form ({@link #kernelInf}, {@link #kernelInf2}). */
    boolean closedForm() {
        return false;
    }

    /**
     * Entry of the first-layer H_inf for inputs with inner product {@code dot} and angle cosine {@code cos}
     * (w ~ N(0, I); sigma' of the closed-form activations is scale invariant, so kappa does not enter). The
     * expectation depends on the angle only; passing the cosine separately keeps the diagonal exact
     * (cos = 1) although x_i.x_i of a unit row is 1 only to a few ulps, where arccos has an infinite slope.
     * Only for {@link #closedForm()} activations.
     */
    double kernelInf(double dot, double cos) {
        throw new UnsupportedOperationException("no closed-form H_inf for activation " + key());
    }

    /**
     * E[sigma(u) sigma(v)] for (u, v) standard normal with correlation {@code cos} (unit inputs, kappa = 1):
     * the second-layer term of H_inf. Positively homogeneous activations scale it by kappa^2 ||x_i|| ||x_j||.
     * Only for {@link #closedForm()} activations.
     */
    double kernelInf2(double cos) {
        throw new UnsupportedOperationException("no closed-form H_inf for activation " + key());
    }

    /** Degree-1 arc-cosine kernel at unit norms: (sin t + (pi - t) cos t) / (2 pi), t = arccos c (clamped). */
    static double arcCos1(double cos) {
        double c = Math.max(-1.0, Math.min(1.0, cos));
        double t = StrictMath.acos(c);
        return (Math.sqrt(Math.max(0.0, 1.0 - c * c)) + (Math.PI - t) * c) / (2.0 * Math.PI);
    }

    /** The spelling in sweep files, specs and tables, e.g. {@code relu}, {@code leaky_relu}. */
    @Override
    public String key() {
        return Keys.of(this);
    }

    /** Parses an activation's key; unknown names raise an error naming the value and the accepted ones. */
    public static Activation parse(String s) {
        return Keys.parse(values(), "activation", s);
    }
}
