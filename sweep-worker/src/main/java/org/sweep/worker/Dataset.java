package org.sweep.worker;

import java.io.Serializable;
import java.util.Objects;

/**
 * A dataset supplied as arrays (the driver loads files; the worker does no I/O).
 * Rows are expected to have unit norm already; the worker checks and refuses otherwise.
 *
 * @param name identifier recorded with the run (path and selection)
 * @param n    rows
 * @param d    columns
 * @param x    row-major n x d inputs
 * @param y    n labels
 */
public record Dataset(String name, int n, int d, double[] x, double[] y) implements Serializable {
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (n < 1 || d < 1) {
            throw new IllegalArgumentException("dataset " + name + ": n = " + n + ", d = " + d + " must both be >= 1");
        }
        if (x.length != (long) n * d) {
            throw new IllegalArgumentException("dataset " + name + ": x has " + x.length + " values, expected n*d = " + (long) n * d);
        }
        if (y.length != n) {
            throw new IllegalArgumentException("dataset " + name + ": y has " + y.length + " values, expected n = " + n);
        }
    }
}
