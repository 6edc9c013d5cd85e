package org.sweep.worker;

/**
 * Data and initialisation streams (science.md section 1). Every number derives from the spec's seeds
 * through {@link SplitMix64}, in this documented order:
 * <ul>
 *   <li>Point i uses the stream {@code SplitMix64.of(dataSeed, i)}: first d standard normals, normalised
 *       to the unit sphere (x_i = g / ||g||), then the label draw: one normal for {@code gaussian}, one
 *       sign (top bit) for {@code random-sign}. Point i depends only on (dataSeed, i), so the data of size
 *       n is a prefix of the data of any larger n with the same data seed.</li>
 *   <li>{@code sign} labels: y_i = +1 if h.x_i >= 0 else -1, with h the d standard normals of the stream
 *       {@code SplitMix64.of(dataSeed, -1)} (depends on the data seed and d only).</li>
 *   <li>{@code permuted} labels of supplied data: Fisher-Yates shuffle of the first n labels driven by
 *       {@code SplitMix64.of(dataSeed, -2)}.</li>
 *   <li>Hidden unit r uses the stream {@code SplitMix64.of(seed, r)}: first a_r (top bit: +-1), then the d
 *       entries of w_r(0) as kappa times standard normals. The network of width m is therefore a prefix
 *       of any wider network with the same seed.</li>
 * </ul>
 */
final class DataGen {
    /** Largest accepted | ||x_i|| - 1 | for supplied rows: loose enough for float32 files, tight enough
     *  that H_inf's diagonal stays within 1e-6 of 1/2. */
    static final double UNIT_NORM_TOL = 1e-6;

    private static final long HYPERPLANE_INDEX = -1;
    private static final long PERMUTATION_INDEX = -2;

    private DataGen() {
    }

    /** Inputs and labels of the {@code sphere} generator for the spec's n, d, data seed and label kind. */
    static double[][] sphere(TaskSpec spec) {
        return sphere(spec.n(), spec.d(), spec.dataSeed(), spec.labels());
    }

    /** Inputs {x (n x d row-major, unit rows), y} of the {@code sphere} generator (any n >= 1). */
    static double[][] sphere(int n, int d, long dataSeed, String labels) {
        if (!labels.equals("gaussian") && !labels.equals("sign") && !labels.equals("random-sign")) {
            throw new IllegalArgumentException("labels = " + labels
                    + ": generated data supports gaussian, sign, random-sign");
        }
        double[] x = new double[n * d];
        double[] y = new double[n];
        double[] g = new double[d];
        for (int i = 0; i < n; i++) {
            SplitMix64 rng = SplitMix64.of(dataSeed, i);
            double norm2 = 0;
            for (int j = 0; j < d; j++) {
                g[j] = rng.nextGaussian();
                norm2 += g[j] * g[j];
            }
            double inv = 1.0 / Math.sqrt(norm2);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = g[j] * inv;
            }
            if (labels.equals("gaussian")) {
                y[i] = rng.nextGaussian();
            } else if (labels.equals("random-sign")) {
                y[i] = rng.nextSign();
            }
        }
        if (labels.equals("sign")) {
            SplitMix64 rng = SplitMix64.of(dataSeed, HYPERPLANE_INDEX);
            double[] h = new double[d];
            for (int j = 0; j < d; j++) {
                h[j] = rng.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += h[j] * x[i * d + j];
                }
                y[i] = s >= 0 ? 1.0 : -1.0;
            }
        }
        return new double[][] {x, y};
    }

    /**
     * The first {@code spec.n()} rows of a supplied dataset, checked: d must match, every value finite,
     * every row of unit norm within {@link #UNIT_NORM_TOL}. Labels {@code true} are used as given,
     * {@code permuted} are shuffled by the data seed. Errors name the dataset, row and value.
     */
    static double[][] supplied(TaskSpec spec, Dataset data) {
        int n = spec.n();
        int d = spec.d();
        if (data.d() != d) {
            throw new IllegalArgumentException("dataset " + data.name() + " has d = " + data.d() + ", task d = " + d);
        }
        if (data.n() < n) {
            throw new IllegalArgumentException("dataset " + data.name() + " has " + data.n() + " rows, task n = " + n);
        }
        if (!spec.labels().equals("true") && !spec.labels().equals("permuted")) {
            throw new IllegalArgumentException("labels = " + spec.labels() + ": supplied data supports true, permuted");
        }
        double[] x = java.util.Arrays.copyOf(data.x(), n * d);
        double[] y = java.util.Arrays.copyOf(data.y(), n);
        for (int i = 0; i < n; i++) {
            double norm2 = 0;
            for (int j = 0; j < d; j++) {
                double v = x[i * d + j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("dataset " + data.name() + " row " + i + " column " + j
                            + ": value " + v + " is not finite");
                }
                norm2 += v * v;
            }
            double norm = Math.sqrt(norm2);
            if (!(Math.abs(norm - 1.0) <= UNIT_NORM_TOL)) {
                throw new IllegalArgumentException("dataset " + data.name() + " row " + i + ": norm " + norm
                        + " differs from 1 by more than " + UNIT_NORM_TOL);
            }
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException("dataset " + data.name() + " row " + i + ": label " + y[i]
                        + " is not finite");
            }
        }
        if (spec.labels().equals("permuted")) {
            SplitMix64 rng = SplitMix64.of(spec.dataSeed(), PERMUTATION_INDEX);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                double t = y[i];
                y[i] = y[j];
                y[j] = t;
            }
        }
        return new double[][] {x, y};
    }

    /** Output weights a (m signs) and initial weights w(0) (m x d, row-major), per-unit streams. */
    static double[][] init(int m, int d, double kappa, long seed) {
        double[] a = new double[m];
        double[] w0 = new double[m * d];
        for (int r = 0; r < m; r++) {
            SplitMix64 rng = SplitMix64.of(seed, r);
            a[r] = rng.nextSign();
            for (int j = 0; j < d; j++) {
                w0[r * d + j] = kappa * rng.nextGaussian();
            }
        }
        return new double[][] {a, w0};
    }

    /** The full problem of a spec: generated ({@code data == null}) or supplied data, plus initialisation. */
    static Problem problem(TaskSpec spec, Dataset data) {
        double[][] xy = data == null ? sphere(spec) : supplied(spec, data);
        double[][] aw = init(spec.width(), spec.d(), spec.kappa(), spec.seed());
        return new Problem(spec.n(), spec.d(), spec.width(), xy[0], xy[1], aw[0], aw[1]);
    }
}
