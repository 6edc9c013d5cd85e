package org.sweep.driver.analysis;

import java.util.List;

/**
 * Settings of {@code analyze threshold}.
 *
 * @param sweep      sweep name
 * @param criterion  what a passing run is
 * @param delta      a width passes when at least 1 - delta of its seeds pass
 * @param tolerance  kernel criterion: largest kernel_dev that passes
 * @param bootstrap  bootstrap resamples of the seeds (0: no intervals)
 * @param seed       seed of the bootstrap stream
 * @param level      confidence level of the percentile intervals
 * @param replicates runs columns whose values are replicates (resampled by the bootstrap) rather than grid axes
 */
public record ThresholdOptions(String sweep, Criterion criterion, double delta, double tolerance, int bootstrap,
                               long seed, double level, List<String> replicates) {
    public static final double DEFAULT_DELTA = 0.1;
    /** kernel_dev is a relative deviation of residual norms: 10% is "close to the kernel regime". */
    public static final double DEFAULT_TOLERANCE = 0.1;
    public static final int DEFAULT_BOOTSTRAP = 1000;
    public static final double DEFAULT_LEVEL = 0.95;

    public ThresholdOptions {
        if (sweep == null || sweep.isEmpty()) {
            throw new IllegalArgumentException("--sweep NAME is required");
        }
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("--delta " + delta + ": must be in [0, 1)");
        }
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("--tolerance " + tolerance + ": must be finite and > 0");
        }
        if (bootstrap < 0) {
            throw new IllegalArgumentException("--bootstrap " + bootstrap + ": must be >= 0");
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
