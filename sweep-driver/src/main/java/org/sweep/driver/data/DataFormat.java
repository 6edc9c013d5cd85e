package org.sweep.driver.data;

import java.util.Locale;

/** File formats the dataset loader reads. */
public enum DataFormat {
    /** IDX (LeCun's MNIST format), plain or gzipped: an images file plus a labels file. */
    IDX,
    /** Comma-separated text with a header row: numeric feature columns plus a label column; plain or gzipped. */
    CSV,
    /** Parquet, read through Spark: numeric feature columns (or one array column) plus a label column. */
    PARQUET;

    /** The lower-case spelling used in sweep files and dataset identifiers. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code idx}, {@code csv} or {@code parquet}. */
    public static DataFormat parse(String s) {
        for (DataFormat f : values()) {
            if (f.key().equals(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("data kind must be one of idx, csv, parquet; got '" + s + "'");
    }
}
