package org.sweep.driver.analysis;

import java.util.List;

/**
 * Settings of {@code analyze threshold}.
 *
 * @param sweep      sweep name
 * @param criterion  what a passing run is
 * @param delta      m* is the width where the fitted pass probability is 1 - delta, in (0, 1)
 * @param tolerance  kernel criterion: largest kernel_dev_init that passes
 * @param bootstrap  parametric-bootstrap draws of the bias correction of m* (0: no correction)
 * @param seed       seed of the bias-correction streams
 * @param level      confidence level of the profile-likelihood intervals
 * @param replicates runs columns whose values are replicates rather than grid axes; runs with equal
 *                   replicate values (the same seed, at any width and in any group) form one cluster
 * @param clustered  widen the intervals by the replicates' design effect (cluster-robust); false treats
 *                   every run as independent given its group and width
 */
public record ThresholdOptions(String sweep, Criterion criterion, double delta, double tolerance, int bootstrap,
                               long seed, double level, List<String> replicates, boolean clustered) {
    public ThresholdOptions(String sweep, Criterion criterion, double delta, double tolerance, int bootstrap, long seed,
                            double level, List<String> replicates) {
        this(sweep, criterion, delta, tolerance, bootstrap, seed, level, replicates, true);
    }

    /** Most bootstrap draws accepted: bounds the memory and time of one analysis up front. */
    public static final int MAX_BOOTSTRAP = 100_000;

    public static final double DEFAULT_DELTA = 0.1;
    /** kernel_dev_init is a deviation relative to the initial residual: 10% is "close to the kernel regime". */
    public static final double DEFAULT_TOLERANCE = 0.1;
    public static final int DEFAULT_BOOTSTRAP = LevelSet.BIAS_DRAWS;
    public static final double DEFAULT_LEVEL = 0.95;

    public ThresholdOptions {
        if (sweep == null || sweep.isEmpty()) {
            throw new IllegalArgumentException("--sweep NAME is required");
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("--delta " + delta + ": must be in (0, 1) (a fitted pass curve reaches 1 only at infinite width)");
        }
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("--tolerance " + tolerance + ": must be finite and > 0");
        }
        if (bootstrap < 0) {
            throw new IllegalArgumentException("--bootstrap " + bootstrap + ": must be >= 0");
        }
        if (bootstrap > MAX_BOOTSTRAP) {
            throw new IllegalArgumentException("--bootstrap " + bootstrap + ": at most " + MAX_BOOTSTRAP + " resamples");
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("--level " + level + ": must be in (0, 1)");
        }
        replicates = List.copyOf(replicates);
        if (replicates.isEmpty()) {
            throw new IllegalArgumentException("--replicates must name at least one column (default: seed)");
        }
    }

    public static ThresholdOptions defaults(String sweep, Criterion criterion) {
        return new ThresholdOptions(sweep, criterion, DEFAULT_DELTA, DEFAULT_TOLERANCE, DEFAULT_BOOTSTRAP, 0L,
                DEFAULT_LEVEL, List.of("seed"));
    }
}
