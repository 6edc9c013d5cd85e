package org.sweep.worker;

import java.io.Serializable;
import java.util.Objects;

/**
 * A full symmetric spectrum. One row of the {@code spectra} table.
 *
 * @param matrix      {@code h_inf}, {@code h_0} or {@code h_final}
 * @param step        the step of the matrix (0 for h_inf and h_0)
 * @param eigenvalues ascending
 * @param labelProj   (v_i . y)^2 for the eigenvectors v_i in the same order, for h_inf; null otherwise
 */
public record Spectrum(String matrix, int step, double[] eigenvalues, double[] labelProj) implements Serializable {
    public Spectrum {
        Objects.requireNonNull(matrix, "matrix");
        Objects.requireNonNull(eigenvalues, "eigenvalues");
        if (labelProj != null && labelProj.length != eigenvalues.length) {
            throw new IllegalArgumentException("label_proj has " + labelProj.length + " values, eigenvalues "
                    + eigenvalues.length);
        }
    }
}
