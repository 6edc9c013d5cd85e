package org.sweep.worker;

/**
 * How the task's {@code eta} number is turned into a step size.
 *
 * <ul>
 *   <li>{@link #ABSOLUTE}: eta is the step size itself.</li>
 *   <li>{@link #STABILITY}: step = eta * 2 / lambda_max(H_inf), so eta = 1 is the edge of
 *       stability of the kernel-regime dynamics (science.md section 3).</li>
 *   <li>{@link #THEORY}: step = eta * lambda_0 / n^2, the scale of Du et al. Theorem 4.1.</li>
 * </ul>
 */
public enum EtaMode implements Keyed {
    ABSOLUTE, STABILITY, THEORY;

    /** The spelling in sweep files, specs and tables: {@code absolute}, {@code stability}, {@code theory}. */
    @Override
    public String key() {
        return Keys.of(this);
    }

    /** Parses the sweep-file spelling ({@code absolute}, {@code stability}, {@code theory}). */
    public static EtaMode parse(String s) {
        return Keys.parse(values(), "eta_mode", s);
    }
}
