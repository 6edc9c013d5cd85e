package org.sweep.driver.analysis;

/**
 * Logistic regression of binomial pass counts on one covariate, fitted by Firth's penalized maximum
 * likelihood, with the slope constrained to b &gt;= 0 (the pass probability never falls as the
 * covariate grows).
 *
 * <p>Model: at design point j with covariate x_j, s_j of t_j runs pass, s_j ~ Binomial(t_j, p_j),
 * logit p_j = a + b x_j. The log-likelihood is
 * <pre>  l(a, b) = sum_j s_j eta_j - t_j log(1 + exp(eta_j)),   eta_j = a + b x_j</pre>
 * and Firth's penalized log-likelihood adds half the log-determinant of the Fisher information
 * <pre>  l*(a, b) = l(a, b) + 1/2 log det I(a, b),   I = sum_j w_j [1 x_j; x_j x_j^2],  w_j = t_j p_j (1 - p_j).</pre>
 * (Firth 1993, Biometrika 80:27; Heinze and Schemper 2002, Stat. Med. 21:2409.) The penalty is a
 * Jeffreys prior: it removes the O(1/N) bias of the maximum-likelihood estimate and keeps the
 * estimate finite under separation, which is the common case here (with 10 seeds the widths
 * below the transition often all fail and those above all pass, where plain maximum likelihood
 * sends b to infinity). Its gradient is the modified score
 * <pre>  U*(a, b) = sum_j (s_j - t_j p_j + h_j (1/2 - p_j)) [1, x_j],   h_j = w_j [1 x_j] I^-1 [1 x_j]^T</pre>
 * (the diagonal of the weighted hat matrix), solved here by Newton steps with the Fisher
 * information and step halving on l*. Profile penalized likelihood gives the intervals (Heinze and
 * Schemper 2002 found their coverage close to nominal where Wald intervals fail).
 *
 * <p>All methods are pure functions of their arrays; nothing is kept between calls.
 */
final class PassCurve {
    private PassCurve() {
    }

    /** Newton iterations stop when the step is below this (in units of a and b). */
    static final double STEP_TOL = 1e-10;
    /** Largest Newton step length: keeps a step from a flat start from overshooting into overflow. */
    static final double MAX_STEP = 5;
    static final int MAX_ITER = 200;
    /** Upper end of the slope search in a profile (per unit of the covariate; exp(500) is a step function). */
    static final double B_MAX = 500;

    /**
     * A fitted curve.
     *
     * @param a            intercept
     * @param b            slope (&gt;= 0)
     * @param penalized    l*(a, b)
     * @param logLik       l(a, b), without the penalty
     * @param atZero       whether the constraint b &gt;= 0 is active (no increase in the data)
     */
    record Fit(double a, double b, double penalized, double logLik, boolean atZero) {
    }

    /**
     * Firth fit of logit p = a + b x with b &gt;= 0.
     *
     * @param x covariate per design point
     * @param t runs per design point (&gt; 0)
     * @param s passing runs per design point (0 &lt;= s &lt;= t)
     */
    static Fit fit(double[] x, double[] t, double[] s) {
        check(x, t, s);
        // centre x so that the Newton steps are well conditioned; the penalty is unchanged by the shift
        double tot = 0;
        double mean = 0;
        for (int j = 0; j < x.length; j++) {
            tot += t[j];
            mean += t[j] * x[j];
        }
        mean /= tot;
        double[] xc = new double[x.length];
        boolean spread = false;
        for (int j = 0; j < x.length; j++) {
            xc[j] = x[j] - mean;
            spread |= Math.abs(xc[j]) > 1e-12;
        }
        double a = 0;
        double b = 0;
        boolean atZero = false;
        if (spread) {
            double cur = penalized(xc, t, s, a, b);
            for (int it = 0; it < MAX_ITER; it++) {
                double[] g = score(xc, t, s, a, b);
                double[] info = info(xc, t, a, b);
                double det = info[0] * info[2] - info[1] * info[1];
                double da = (info[2] * g[0] - info[1] * g[1]) / det;
                double db = (info[0] * g[1] - info[1] * g[0]) / det;
                double len = Math.hypot(da, db);
                if (len > MAX_STEP) {
                    da *= MAX_STEP / len;
                    db *= MAX_STEP / len;
                }
                double na = a + da;
                double nb = b + db;
                double next = nb >= 0 ? penalized(xc, t, s, na, nb) : Double.NEGATIVE_INFINITY;
                int halvings = 0;
                while (!(next >= cur - 1e-12) && halvings < 60) {
                    da /= 2;
                    db /= 2;
                    na = a + da;
                    nb = b + db;
                    next = nb >= 0 ? penalized(xc, t, s, na, nb) : Double.NEGATIVE_INFINITY;
                    halvings++;
                }
                if (!(next >= cur - 1e-12)) {
                    break;
                }
                a = na;
                b = nb;
                cur = next;
                if (Math.hypot(da, db) < STEP_TOL) {
                    break;
                }
            }
        }
        if (!spread || b <= 1e-9) {
            // the constrained maximum lies on b = 0 when the unconstrained one has b < 0 (or x does
            // not vary): there l* = S a - T log(1 + e^a) + log p(1 - p) + const, maximal at
            // p = (S + 1) / (T + 2)
            double ss = 0;
            for (int j = 0; j < x.length; j++) {
                ss += s[j];
            }
            double p = (ss + 1) / (tot + 2);
            double a0 = Math.log(p / (1 - p));
            if (!spread || penalized(xc, t, s, a0, 0) >= penalized(xc, t, s, a, b)) {
                a = a0;
                b = 0;
                atZero = true;
            }
        }
        double aRaw = a - b * mean;
        return new Fit(aRaw, b, penalized(x, t, s, aRaw, b), logLik(x, t, s, aRaw, b), atZero);
    }

    /**
     * Profile of l* along the level set "p = target at x = theta": the maximum over b &gt;= 0 of
     * l*(lt - b theta, b), where lt = logit(target). Returns {profile value, maximizing b}.
     */
    static double[] profileAt(double[] x, double[] t, double[] s, double lt, double theta) {
        // l* along a = lt - b theta is a function of b only; its derivative is the modified score
        // projected on the direction (-theta, 1): g(b) = sum_j (s_j - t_j p_j + h_j (1/2 - p_j)) (x_j - theta)
        double lo = 0;
        double glo = lineGradient(x, t, s, lt, theta, lo);
        if (!(glo > 0)) {
            return new double[] {penalized(x, t, s, lt, 0), 0};
        }
        double hi = 1;
        double ghi = lineGradient(x, t, s, lt, theta, hi);
        while (ghi > 0 && hi < B_MAX) {
            lo = hi;
            hi = Math.min(B_MAX, hi * 2);
            ghi = lineGradient(x, t, s, lt, theta, hi);
        }
        if (ghi > 0) {
            return new double[] {penalized(x, t, s, lt - hi * theta, hi), hi};
        }
        // bisection on the sign of g, then a few secant refinements: g is smooth and single-signed on each side
        for (int it = 0; it < 200 && hi - lo > 1e-10 * Math.max(1, hi); it++) {
            double mid = 0.5 * (lo + hi);
            if (lineGradient(x, t, s, lt, theta, mid) > 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double b = 0.5 * (lo + hi);
        return new double[] {penalized(x, t, s, lt - b * theta, b), b};
    }

    private static double lineGradient(double[] x, double[] t, double[] s, double lt, double theta, double b) {
        double a = lt - b * theta;
        double[] g = score(x, t, s, a, b);
        return -theta * g[0] + g[1];
    }

    /** l(a, b): the binomial log-likelihood (without the binomial coefficients). */
    static double logLik(double[] x, double[] t, double[] s, double a, double b) {
        double l = 0;
        for (int j = 0; j < x.length; j++) {
            double eta = a + b * x[j];
            l += s[j] * eta - t[j] * log1pExp(eta);
        }
        return l;
    }

    /** l*(a, b) = l + 1/2 log det I. */
    static double penalized(double[] x, double[] t, double[] s, double a, double b) {
        double[] info = info(x, t, a, b);
        double det = info[0] * info[2] - info[1] * info[1];
        return logLik(x, t, s, a, b) + 0.5 * Math.log(Math.max(det, Double.MIN_NORMAL));
    }

    /** Fisher information {I_aa, I_ab, I_bb}. */
    static double[] info(double[] x, double[] t, double a, double b) {
        double i00 = 0;
        double i01 = 0;
        double i11 = 0;
        for (int j = 0; j < x.length; j++) {
            double p = sigmoid(a + b * x[j]);
            double w = t[j] * p * (1 - p);
            i00 += w;
            i01 += w * x[j];
            i11 += w * x[j] * x[j];
        }
        return new double[] {i00, i01, i11};
    }

    /** Firth's modified score (the gradient of l*). */
    static double[] score(double[] x, double[] t, double[] s, double a, double b) {
        double[] info = info(x, t, a, b);
        double det = info[0] * info[2] - info[1] * info[1];
        double inv00 = info[2] / det;
        double inv01 = -info[1] / det;
        double inv11 = info[0] / det;
        double g0 = 0;
        double g1 = 0;
        for (int j = 0; j < x.length; j++) {
            double p = sigmoid(a + b * x[j]);
            double w = t[j] * p * (1 - p);
            double h = det > 0 ? w * (inv00 + 2 * inv01 * x[j] + inv11 * x[j] * x[j]) : 0;
            double r = s[j] - t[j] * p + h * (0.5 - p);
            g0 += r;
            g1 += r * x[j];
        }
        return new double[] {g0, g1};
    }

    static double sigmoid(double eta) {
        return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
    }

    static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    /** log(1 + e^eta) without overflow. */
    static double log1pExp(double eta) {
        return eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
    }

    private static void check(double[] x, double[] t, double[] s) {
        if (x.length != t.length || x.length != s.length || x.length == 0) {
            throw new IllegalArgumentException("pass curve needs equal, non-empty x, t, s; got " + x.length + ", "
                    + t.length + ", " + s.length);
        }
        for (int j = 0; j < x.length; j++) {
            if (!(t[j] > 0) || !(s[j] >= 0) || s[j] > t[j] || !Double.isFinite(x[j])) {
                throw new IllegalArgumentException("pass curve: bad design point " + j + ": x=" + x[j] + " t=" + t[j]
                        + " s=" + s[j]);
            }
        }
    }
}
