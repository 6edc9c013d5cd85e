package org.sweep.driver.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import scala.Option;

/**
 * Reader of Parquet files or folders through Spark. Features are either one array column of
 * numbers ({@code feature_column}, or the only array column when none is named) or every numeric
 * column except the label column, in schema order. Rows stream to the driver partition by
 * partition ({@code toLocalIterator}), so the whole table is never held twice. Row numbers in
 * messages count from 1 in Spark's read order.
 */
final class ParquetReader {
    private ParquetReader() {
    }

    /** The caller's Spark session, or null when there is none. */
    static SparkSession existingSession() {
        Option<SparkSession> active = SparkSession.getActiveSession();
        if (active.isDefined()) {
            return active.get();
        }
        Option<SparkSession> dflt = SparkSession.getDefaultSession();
        return dflt.isDefined() ? dflt.get() : null;
    }

    /** A small local session for reading a file when the caller has none (stopped after the read). */
    static SparkSession localSession() {
        return SparkSession.builder().master("local[1]").appName("sweep-data")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    static void read(DataSource src, RowCollector out) {
        String file = src.path();
        Path p = Path.of(file);
        if (!Files.exists(p)) {
            throw new DataException(file + ": Parquet file does not exist");
        }
        if (Files.isDirectory(p)) {
            try (var s = Files.list(p)) {
                if (s.noneMatch(f -> f.getFileName().toString().endsWith(".parquet")
                        || Files.isDirectory(f) && !f.getFileName().toString().startsWith("_")
                        && !f.getFileName().toString().startsWith("."))) {
                    throw new DataException(file + ": Parquet folder holds no .parquet files");
                }
            } catch (java.io.IOException e) {
                throw new DataException(file + ": cannot list Parquet folder: " + e.getMessage(), e);
            }
        } else {
            FileInput.requireFile(file, "Parquet file");
        }
        SparkSession existing = existingSession();
        SparkSession spark = existing != null ? existing : localSession();
        try {
            read(src, out, spark);
        } finally {
            if (existing == null) {
                spark.stop();
            }
        }
    }

    private static void read(DataSource src, RowCollector out, SparkSession spark) {
        String file = src.path();
        org.apache.spark.sql.Dataset<Row> df;
        try {
            df = spark.read().parquet(file);
        } catch (Exception e) { // Spark's SparkException is checked but undeclared
            String m = String.valueOf(e.getMessage());
            String why = m.contains("CANNOT_READ_FILE_FOOTER")
                    ? "not a Parquet file, or a corrupt one (its footer cannot be read)"
                    : m.lines().findFirst().orElse(m);
            throw new DataException(file + ": cannot read as Parquet: " + why, e);
        }
        StructType schema = df.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(src.labelColumn())) {
            throw new DataException(file + ": label column '" + src.labelColumn() + "' is not in the schema (columns: "
                    + String.join(", ", names) + ")");
        }
        List<String> features = new ArrayList<>();
        boolean array;
        if (src.featureColumn() != null) {
            if (!names.contains(src.featureColumn())) {
                throw new DataException(file + ": feature column '" + src.featureColumn() + "' is not in the schema (columns: "
                        + String.join(", ", names) + ")");
            }
            requireNumericArray(file, schema.apply(src.featureColumn()));
            features.add(src.featureColumn());
            array = true;
        } else {
            List<String> arrays = new ArrayList<>();
            for (StructField f : schema.fields()) {
                if (!f.name().equals(src.labelColumn()) && f.dataType() instanceof ArrayType) {
                    arrays.add(f.name());
                }
            }
            if (arrays.size() == 1) {
                requireNumericArray(file, schema.apply(arrays.get(0)));
                features.add(arrays.get(0));
                array = true;
            } else {
                for (StructField f : schema.fields()) {
                    if (f.name().equals(src.labelColumn())) {
                        continue;
                    }
                    if (!(f.dataType() instanceof NumericType)) {
                        throw new DataException(file + ": column '" + f.name() + "' has type " + f.dataType().simpleString()
                                + "; features must be numeric columns or one array column (name it with feature_column)");
                    }
                    features.add(f.name());
                }
                if (features.isEmpty()) {
                    throw new DataException(file + ": no feature columns besides the label column '" + src.labelColumn() + "'");
                }
                array = false;
            }
        }
        List<org.apache.spark.sql.Column> cols = new ArrayList<>();
        cols.add(org.apache.spark.sql.functions.col(src.labelColumn()));
        for (String f : features) {
            cols.add(org.apache.spark.sql.functions.col(f));
        }
        Iterator<Row> it = df.select(cols.toArray(new org.apache.spark.sql.Column[0])).toLocalIterator();
        long r = 0;
        while (it.hasNext()) {
            Row row = it.next();
            r++;
            String where = file + ": row " + r;
            Object lv = row.get(0);
            if (lv == null) {
                throw new DataException(where + ": label column '" + src.labelColumn() + "' is null");
            }
            Double label = out.label(labelKey(lv), where);
            if (label == null) {
                continue;
            }
            double[] x;
            if (array) {
                if (row.isNullAt(1)) {
                    throw new DataException(where + ": feature column '" + features.get(0) + "' is null");
                }
                List<Object> vals = row.getList(1);
                x = new double[vals.size()];
                for (int k = 0; k < x.length; k++) {
                    Object v = vals.get(k);
                    if (v == null) {
                        throw new DataException(where + ": feature column '" + features.get(0) + "' element " + k + " is null");
                    }
                    x[k] = ((Number) v).doubleValue();
                }
            } else {
                x = new double[features.size()];
                for (int k = 0; k < x.length; k++) {
                    if (row.isNullAt(k + 1)) {
                        throw new DataException(where + ": column '" + features.get(k) + "' is null");
                    }
                    x[k] = ((Number) row.get(k + 1)).doubleValue();
                }
            }
            out.keep(label, x, where);
        }
        if (r == 0) {
            throw new DataException(file + ": Parquet table has no rows");
        }
        out.finish();
    }

    private static void requireNumericArray(String file, StructField f) {
        DataType t = f.dataType();
        if (!(t instanceof ArrayType a) || !(a.elementType() instanceof NumericType)) {
            throw new DataException(file + ": feature column '" + f.name() + "' has type " + t.simpleString()
                    + "; expected an array of numbers");
        }
    }

    /** Label spelling: integral numbers without a fraction ({@code 6}, not {@code 6.0}). */
    static String labelKey(Object v) {
        if (v instanceof Number num) {
            double d = num.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return Double.toString(d);
        }
        return v.toString();
    }
}
