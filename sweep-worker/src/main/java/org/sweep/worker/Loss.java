package org.sweep.worker;

/**
 * Training losses (science.md sections 1 and 6), as functions of the predictions u and labels y:
 * <ul>
 *   <li>{@link #SQUARE}: L = 1/2 sum_i (u_i - y_i)^2 (a sum, Du et al.); dL/du_i = u_i - y_i.</li>
 *   <li>{@link #LOGISTIC}: L = (1/n) sum_i l(y_i u_i), l(t) = log(1 + exp(-t)), labels +-1;
 *       dL/du_i = (1/n) y_i l'(y_i u_i), l'(t) = -1 / (1 + exp(t)).</li>
 * </ul>
 * Mini-batch estimates on a batch B of size b reweight so that a batch gradient is unbiased and a batch of all n
 * points is exactly the full gradient: the square loss's per-point weight becomes n / b, the logistic loss's
 * 1 / n becomes 1 / b (see {@link #batchWeight}).
 */
public enum Loss implements Keyed {
    SQUARE,
    LOGISTIC;

    /** The spelling in sweep files, specs and tables: {@code square}, {@code logistic}. */
    @Override
    public String key() {
        return Keys.of(this);
    }

    /** Parses {@code square} or {@code logistic}; anything else is an error naming the value. */
    public static Loss parse(String s) {
        return Keys.parse(values(), "loss", s);
    }

    /** Per-point weight w of a batch of {@code b} of {@code n} points: L_B = w sum_{i in B} l_i with l_i = (u_i - y_i)^2 / 2 or l(y_i u_i). */
    double batchWeight(int n, int b) {
        return this == SQUARE ? (double) n / b : 1.0 / b;
    }

    /** The loss term l_i of one point (unweighted): (u - y)^2 / 2 or l(y u). */
    double term(double u, double y) {
        if (this == SQUARE) {
            double e = u - y;
            return 0.5 * e * e;
        }
        return logistic(y * u);
    }

    /** d l_i / d u (unweighted): u - y or y l'(y u). */
    double termDerivative(double u, double y) {
        return this == SQUARE ? u - y : y * logisticDerivative(y * u);
    }

    /**
     * l(t) = log(1 + exp(-t)), stable for every finite t: log1p(exp(-t)) for t >= 0, -t + log1p(exp(t)) for
     * t &lt; 0 (no overflow; relative accuracy of log1p for large t where l(t) ~ exp(-t)).
     */
    static double logistic(double t) {
        return t >= 0 ? StrictMath.log1p(StrictMath.exp(-t)) : -t + StrictMath.log1p(StrictMath.exp(t));
    }

    /** l'(t) = -1 / (1 + exp(t)) = -sigmoid(-t), stable for every finite t. */
    static double logisticDerivative(double t) {
        if (t >= 0) {
            double q = StrictMath.exp(-t);
            return -q / (1.0 + q);
        }
        return -1.0 / (1.0 + StrictMath.exp(t));
    }

    /** Checks that the loss can use these labels: logistic needs every y_i in {-1, +1}. */
    void checkLabels(double[] y, String labels) {
        if (this != LOGISTIC) {
            return;
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] != 1.0 && y[i] != -1.0) {
                throw new IllegalArgumentException("loss = logistic needs labels +-1, but labels = " + labels
                        + " gives y_" + i + " = " + y[i] + " (use labels sign or random-sign, or +-1 labels in the file)");
            }
        }
    }

    /**
     * Classification statistics of predictions u for labels +-1 (science.md section 6; Frei and Gu's proxy):
     * {train error = fraction of i with y_i u_i &lt;= 0, margin = min_i y_i u_i, g = (1/n) sum_i -l'(y_i u_i)}.
     */
    static double[] classification(double[] u, double[] y, int n) {
        int errors = 0;
        double margin = Double.POSITIVE_INFINITY;
        double g = 0;
        for (int i = 0; i < n; i++) {
            double t = y[i] * u[i];
            if (!(t > 0)) {
                errors++;
            }
            margin = Math.min(margin, t);
            g -= logisticDerivative(t);
        }
        return new double[] {(double) errors / n, margin, g / n};
    }
}
