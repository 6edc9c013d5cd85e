package org.sweep.driver.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Receives the rows of a file in file order, checks them, applies the class filter and keeps the
 * surviving rows (features, label and location) for the seeded selection.
 *
 * <p>Checks, each naming the row's location: features finite (no NaN or Inf), features not all
 * zero (a zero vector cannot be normalized to unit norm), label numeric when there is no class
 * filter. After the last row, {@link #finish} checks that every listed class occurred.
 */
final class RowCollector {
    /** How many distinct label values an "unknown class" message lists at most. */
    private static final int LABELS_LISTED = 20;

    private final DataSource src;
    private final String file;
    private final boolean keepFeatures;
    private final List<double[]> x = new ArrayList<>();
    private final List<String> where = new ArrayList<>();
    private double[] y = new double[64];
    private final Set<String> labelsSeen = new TreeSet<>(RowCollector::compareLabels);
    private final int[] perClass = new int[2];
    private int d = -1;
    private long fileRows;

    RowCollector(DataSource src, String file, boolean keepFeatures) {
        this.src = src;
        this.file = file;
        this.keepFeatures = keepFeatures;
    }

    /**
     * Label of a row, or null when the class filter drops it. Checks the label and counts classes.
     *
     * @param where location for messages, e.g. {@code "file.csv:17"} or {@code "images.gz: item 5"}
     */
    Double label(String labelKey, String where) {
        fileRows++;
        if (labelsSeen.size() < 1000) {
            labelsSeen.add(labelKey);
        }
        if (src.classes().isEmpty()) {
            double v;
            try {
                v = CsvReader.number(labelKey.trim());
            } catch (NumberFormatException e) {
                throw new DataException(where + ": label '" + labelKey + "' is not a number (without a "
                        + "classes filter labels are used as numeric targets)");
            }
            if (!Double.isFinite(v)) {
                throw new DataException(where + ": label " + labelKey + " is not finite");
            }
            if (Math.abs(v) > MAX_ABS_LABEL) {
                throw new DataException(where + ": label " + labelKey.trim() + " is too large; |label| must be at most "
                        + MAX_ABS_LABEL + " so that the squared loss stays finite");
            }
            return v;
        }
        Double v = src.classLabel(labelKey);
        if (v != null) {
            perClass[v > 0 ? 0 : 1]++;
        }
        return v;
    }

    /** Checks the features of a kept row and stores it (features only when this collector keeps them). */
    void keep(double label, double[] features, String where) {
        if (d < 0) {
            d = features.length;
        } else if (features.length != d) {
            throw new DataException(where + ": " + features.length + " features, earlier rows have " + d);
        }
        checkFeatures(features, where);
        int k = this.where.size();
        if (k == y.length) {
            y = java.util.Arrays.copyOf(y, 2 * k);
        }
        y[k] = label;
        this.where.add(where);
        if (keepFeatures) {
            x.add(features);
        }
    }

    /**
     * Largest |label| of numeric targets: the squared loss sums (y - u)^2 / 2 over up to millions of
     * rows, which must stay far from the double range (about 1.8e308).
     */
    static final double MAX_ABS_LABEL = 1e100;

    /**
     * Finite, not all zero, and with a finite sum of squares (features are normalized to unit norm;
     * {@code 1e200, 1e200} would overflow to infinity and normalize to zeros), else a
     * {@link DataException} naming the row.
     */
    static void checkFeatures(double[] features, String where) {
        double sq = 0;
        for (int k = 0; k < features.length; k++) {
            double v = features[k];
            if (!Double.isFinite(v)) {
                throw new DataException(where + ": feature " + k + " is " + v + " (features must be finite)");
            }
            sq += v * v;
        }
        if (!Double.isFinite(sq)) {
            throw new DataException(where + ": the sum of squares of the features overflows a double (a feature of"
                    + " magnitude above about 1e154); features are normalized to unit norm, scale the row down");
        }
        if (sq == 0) {
            throw new DataException(where + ": all features are zero; a zero vector cannot be normalized to unit norm");
        }
    }

    /** Checks that both listed classes occurred. */
    void finish() {
        for (int c = 0; c < perClass.length && !src.classes().isEmpty(); c++) {
            if (perClass[c] == 0) {
                List<String> seen = new ArrayList<>(labelsSeen);
                String listed = seen.size() > LABELS_LISTED
                        ? String.join(", ", seen.subList(0, LABELS_LISTED)) + ", ..."
                        : String.join(", ", seen);
                throw new DataException(file + ": unknown class '" + src.classes().get(c) + "': no row has this label "
                        + "(labels present: " + listed + ")");
            }
        }
    }

    int size() {
        return where.size();
    }

    int d() {
        return d;
    }

    long fileRows() {
        return fileRows;
    }

    double y(int k) {
        return y[k];
    }

    double[] x(int k) {
        return x.get(k);
    }

    String where(int k) {
        return where.get(k);
    }

    /** Numeric order where both parse as numbers, else text order. */
    private static int compareLabels(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b)) != 0
                    ? Double.compare(Double.parseDouble(a), Double.parseDouble(b)) : a.compareTo(b);
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }
}
