package org.sweep.driver.analysis;

import java.util.List;
import java.util.Locale;

/**
 * What it means for one run to "pass" in a width-threshold analysis. Every criterion also requires
 * {@code status = 'ok'} (a diverged run passes nothing); a null statistic counts as a failure.
 * Runs with {@code status = 'failed'} (an exception, not a property of the network) are left out
 * of the pass fractions and counted separately.
 */
public enum Criterion {
    /** Du et al.'s inequality L(k) &lt;= (1 - eta lambda_0 / 2)^k L(0) held at every checkpoint (science.md 3). */
    BOUND_HOLDS("bound_holds", List.of("bound_holds")),
    /** The key lemma's condition: lambda_min(H(k)) &gt;= lambda_0 / 2 at every spectrum checkpoint. */
    LEMMA("lemma", List.of("lambda_min_h_min", "lambda0")),
    /** The loss reached target_loss_ratio * L(0) within the step budget. */
    TARGET("target", List.of("steps_to_target")),
    /**
     * The run stayed in the kernel regime: max_k | ||u(k) - y|| - ||pred(k)|| | / ||u(0) - y|| &lt;= tolerance,
     * the deviation of the measured residual from the kernel-regime prediction relative to the initial
     * residual (science.md 4 and 8; shrinks like 1/sqrt(m)). Read from {@code kernel_dev_init}, which
     * {@link KernelDeviation} derives from the trajectories (the stored {@code kernel_dev}, relative to
     * the predicted residual itself, grows as the residual shrinks and is kept as it was).
     */
    KERNEL("kernel", List.of("kernel_dev_init"));

    private final String key;
    private final List<String> columns;

    Criterion(String key, List<String> columns) {
        this.key = key;
        this.columns = columns;
    }

    /** The spelling on the command line and in the tables. */
    public String key() {
        return key;
    }

    /** The runs columns the criterion reads. */
    public List<String> columns() {
        return columns;
    }

    /** The Spark SQL expression of "this run passes" (true/false, never null). */
    public String passExpression(double tolerance) {
        String body = switch (this) {
            case BOUND_HOLDS -> "coalesce(bound_holds, false)";
            case LEMMA -> "coalesce(lambda_min_h_min >= lambda0 / 2, false)";
            case TARGET -> "steps_to_target IS NOT NULL";
            case KERNEL -> "coalesce(kernel_dev_init <= " + String.format(Locale.ROOT, "%.17g", tolerance) + ", false)";
        };
        return "(status = 'ok' AND " + body + ")";
    }

    public static Criterion parse(String s) {
        for (Criterion c : values()) {
            if (c.key.equals(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("--criterion must be one of bound_holds, lemma, target, kernel; got '" + s + "'");
    }
}
