package org.sweep.worker;

import java.util.Locale;

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
public enum EtaMode {
    ABSOLUTE, STABILITY, THEORY;

    /** The lower-case name used in sweep files and tables. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the sweep-file spelling ({@code absolute}, {@code stability}, {@code theory}). */
    public static EtaMode parse(String s) {
        for (EtaMode m : values()) {
            if (m.key().equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("eta_mode must be one of absolute, stability, theory; got '" + s + "'");
    }
}
