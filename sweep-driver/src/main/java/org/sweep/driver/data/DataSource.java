package org.sweep.driver.data;

import java.io.Serializable;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a supplied dataset comes from and which of its rows are used: a file, its format, the
 * label source and an optional two-class filter. Together with a data seed and a size n it
 * determines the rows of a task exactly (see {@link DataLoader#load}).
 *
 * <p>Class filter: with {@code classes = [a, b]} only rows labelled a or b are kept, and the
 * label becomes <b>+1 for the first listed class a and -1 for the second class b</b>. Without a
 * filter the label values are used as they are (they must then be numeric regression targets).
 * A class matches a label when the two spellings are equal or both parse as the same number
 * ({@code 6} matches {@code 6.0}).
 *
 * @param format       file format
 * @param path         images file (IDX) or the table file/folder (CSV, Parquet)
 * @param labelsPath   labels file (IDX only, else null)
 * @param labelColumn  label column (CSV, Parquet; else null)
 * @param featureColumn array column holding the features (Parquet only, optional: null means every
 *                     column except the label column, or the single array column if there is one)
 * @param classes      empty (no filter) or exactly two distinct classes, +1 first
 * @param sha256       the content fingerprint ({@link DataFingerprint}) the rows must have, as 64 lower-case
 *                     hex digits; null for a source not yet fingerprinted (and in identifiers stored
 *                     before fingerprints existed). Loading checks it (see {@link DataLoader#load}).
 */
public record DataSource(DataFormat format, String path, String labelsPath, String labelColumn,
                         String featureColumn, List<String> classes, String sha256) implements Serializable {

    public DataSource {
        Objects.requireNonNull(format, "kind");
        Objects.requireNonNull(path, "path");
        classes = List.copyOf(classes);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path must not be empty");
        }
        if (format == DataFormat.IDX) {
            if (labelsPath == null || labelsPath.isEmpty()) {
                throw new IllegalArgumentException("labels_path is required for kind idx");
            }
            if (labelColumn != null || featureColumn != null) {
                throw new IllegalArgumentException("label_column and feature_column apply to csv and parquet, not idx");
            }
        } else {
            if (labelsPath != null) {
                throw new IllegalArgumentException("labels_path applies to kind idx only");
            }
            if (labelColumn == null || labelColumn.isEmpty()) {
                throw new IllegalArgumentException("label_column is required for kind " + format.key());
            }
            if (featureColumn != null && format != DataFormat.PARQUET) {
                throw new IllegalArgumentException("feature_column applies to kind parquet only");
            }
        }
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
        if (!classes.isEmpty() && (classes.size() != 2 || classes.get(0).equals(classes.get(1)))) {
            throw new IllegalArgumentException("classes must list exactly two distinct classes (first -> +1, second -> -1); got "
                    + classes);
        }
    }

    /** A source without a fingerprint. */
    public DataSource(DataFormat format, String path, String labelsPath, String labelColumn, String featureColumn,
                      List<String> classes) {
        this(format, path, labelsPath, labelColumn, featureColumn, classes, null);
    }

    /** The same source with the given fingerprint (null removes it). */
    public DataSource withSha256(String fingerprint) {
        return new DataSource(format, path, labelsPath, labelColumn, featureColumn, classes, fingerprint);
    }

    public static DataSource idx(String images, String labels, List<String> classes) {
        return new DataSource(DataFormat.IDX, images, labels, null, null, classes);
    }

    public static DataSource csv(String path, String labelColumn, List<String> classes) {
        return new DataSource(DataFormat.CSV, path, null, labelColumn, null, classes);
    }

    public static DataSource parquet(String path, String labelColumn, String featureColumn, List<String> classes) {
        return new DataSource(DataFormat.PARQUET, path, null, labelColumn, featureColumn, classes);
    }

    /**
     * The canonical identifier, stored as the task's {@code dataset} column and readable back by
     * {@link #parse}: {@code kind?key=value&...} with URL-encoded values, for example
     * {@code idx?path=%2Fdata%2Ftrain-images.gz&labels_path=%2Fdata%2Ftrain-labels.gz&classes=0%2C6&sha256=<64 hex>}
     * ({@code sha256} last, and only when the source has a fingerprint).
     */
    public String id() {
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("path", path);
        if (labelsPath != null) {
            kv.put("labels_path", labelsPath);
        }
        if (labelColumn != null) {
            kv.put("label_column", labelColumn);
        }
        if (featureColumn != null) {
            kv.put("feature_column", featureColumn);
        }
        if (!classes.isEmpty()) {
            kv.put("classes", String.join(",", classes));
        }
        if (sha256 != null) {
            kv.put("sha256", sha256);
        }
        StringBuilder sb = new StringBuilder(format.key()).append('?');
        boolean first = true;
        for (Map.Entry<String, String> e : kv.entrySet()) {
            if (!first) {
                sb.append('&');
            }
            first = false;
            sb.append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Reads an identifier written by {@link #id()}. */
    public static DataSource parse(String id) {
        int q = id.indexOf('?');
        if (q < 0) {
            throw new IllegalArgumentException("dataset identifier '" + id + "' is not of the form kind?key=value&...");
        }
        DataFormat format = DataFormat.parse(id.substring(0, q));
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : id.substring(q + 1).split("&")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("dataset identifier '" + id + "': '" + part + "' is not key=value");
            }
            kv.put(part.substring(0, eq), URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
        }
        List<String> classes = new ArrayList<>();
        String c = kv.remove("classes");
        if (c != null) {
            classes.addAll(List.of(c.split(",")));
        }
        String path = kv.remove("path");
        String labelsPath = kv.remove("labels_path");
        String labelColumn = kv.remove("label_column");
        String featureColumn = kv.remove("feature_column");
        String sha = kv.remove("sha256");
        if (!kv.isEmpty()) {
            throw new IllegalArgumentException("dataset identifier '" + id + "': unknown keys " + kv.keySet());
        }
        return new DataSource(format, path == null ? "" : path, labelsPath, labelColumn, featureColumn, classes,
                sha);
    }

    /** Label value of a class-filtered row: +1 for the first class, -1 for the second, null if filtered out. */
    Double classLabel(String labelKey) {
        if (classMatches(classes.get(0), labelKey)) {
            return 1.0;
        }
        if (classMatches(classes.get(1), labelKey)) {
            return -1.0;
        }
        return null;
    }

    static boolean classMatches(String cls, String label) {
        if (cls.equals(label)) {
            return true;
        }
        try {
            return Double.parseDouble(cls.trim()) == Double.parseDouble(label.trim());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
