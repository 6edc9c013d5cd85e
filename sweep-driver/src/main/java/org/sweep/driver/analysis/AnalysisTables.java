package org.sweep.driver.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sweep.driver.store.ResultStore;

/**
 * The analysis tables {@code thresholds} and {@code exponents}, stored beside the result tables as
 * {@code OUT/<table>/sweep=<name>/criterion=<criterion>/*.parquet}. Each analysis replaces the
 * folder of its (sweep, criterion): the table holds the latest analysis per criterion.
 *
 * <p>Schema of {@code thresholds}: sweep, criterion, delta, then the group's axis columns (n
 * first, with the types of the {@code runs} columns they come from; they differ between sweeps and
 * are merged by name when the table is read), then {@link #THRESHOLD_COLUMNS}. Schema of
 * {@code exponents}: sweep, criterion, delta, the fit's axis columns (the group axes without n),
 * then {@link #EXPONENT_COLUMNS}.
 */
public final class AnalysisTables {
    private AnalysisTables() {
    }

    public static final String THRESHOLDS = "thresholds";
    public static final String EXPONENTS = "exponents";
    public static final List<String> ALL = List.of(THRESHOLDS, EXPONENTS);

    private static StructField f(String name, org.apache.spark.sql.types.DataType t, boolean nullable) {
        return DataTypes.createStructField(name, t, nullable);
    }

    /**
     * Per-group columns of {@code thresholds}: m_star (smallest grid width from which on every width
     * has pass fraction >= 1 - delta; null when none), m_star_lo / m_star_hi (percentile bootstrap
     * interval over seeds at the given level; null hi = some resamples have no threshold in the grid),
     * seeds (replicates in the group), widths / width_min / width_max (the grid), bracketed and
     * bracket (bracketed, all_pass, none_pass), m_du (median over the group's runs of
     * n^6 / lambda_0^4) and m_star_over_m_du, bootstrap (resamples), level, tolerance (kernel only).
     */
    public static final StructType THRESHOLD_COLUMNS = DataTypes.createStructType(new StructField[] {
        f("m_star", DataTypes.IntegerType, true), f("m_star_lo", DataTypes.IntegerType, true),
        f("m_star_hi", DataTypes.IntegerType, true), f("seeds", DataTypes.IntegerType, false),
        f("widths", DataTypes.IntegerType, false), f("width_min", DataTypes.IntegerType, false),
        f("width_max", DataTypes.IntegerType, false), f("bracketed", DataTypes.BooleanType, false),
        f("bracket", DataTypes.StringType, false), f("m_du", DataTypes.DoubleType, true),
        f("m_star_over_m_du", DataTypes.DoubleType, true), f("bootstrap", DataTypes.IntegerType, false),
        f("level", DataTypes.DoubleType, false), f("tolerance", DataTypes.DoubleType, true),
    });

    /**
     * Per-fit columns of {@code exponents}: alpha and intercept of log m* = alpha log n + c (natural
     * logs, least squares over the bracketed groups), alpha_lo / alpha_hi (percentile bootstrap
     * interval), points (groups in the fit), n_min / n_max, bootstrap_used (resamples with a
     * threshold at every n), theory_du = 6 and theory_song_yang = 4 for comparison.
     */
    public static final StructType EXPONENT_COLUMNS = DataTypes.createStructType(new StructField[] {
        f("alpha", DataTypes.DoubleType, true), f("alpha_lo", DataTypes.DoubleType, true),
        f("alpha_hi", DataTypes.DoubleType, true), f("intercept", DataTypes.DoubleType, true),
        f("points", DataTypes.IntegerType, false), f("n_min", DataTypes.IntegerType, true),
        f("n_max", DataTypes.IntegerType, true), f("bootstrap_used", DataTypes.IntegerType, false),
        f("theory_du", DataTypes.DoubleType, false), f("theory_song_yang", DataTypes.DoubleType, false),
    });

    /** Writes both tables of one analysis, replacing the earlier analysis of the same (sweep, criterion). */
    public static void write(SparkSession spark, Path out, ThresholdAnalysis.Result r) throws IOException {
        String sweep = r.options().sweep();
        String criterion = r.options().criterion().key();
        replace(spark, out, THRESHOLDS, sweep, criterion, r.thresholdsSchema(), r.thresholdRows());
        replace(spark, out, EXPONENTS, sweep, criterion, r.exponentsSchema(), r.exponentRows());
    }

    /** Folder of one (table, sweep, criterion). */
    public static Path partition(Path out, String table, String sweep, String criterion) {
        return out.resolve(table).resolve("sweep=" + sweep).resolve("criterion=" + criterion);
    }

    private static void replace(SparkSession spark, Path out, String table, String sweep, String criterion,
                                StructType schema, List<Row> rows) throws IOException {
        // the partition columns live in the folder names, not in the files
        List<StructField> fileFields = new ArrayList<>();
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < schema.fields().length; i++) {
            String name = schema.fields()[i].name();
            if (!name.equals("sweep") && !name.equals("criterion")) {
                fileFields.add(schema.fields()[i]);
                keep.add(i);
            }
        }
        List<Row> fileRows = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Object[] v = new Object[keep.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = row.get(keep.get(j));
            }
            fileRows.add(org.apache.spark.sql.RowFactory.create(v));
        }
        Path target = partition(out, table, sweep, criterion);
        Path staging = out.resolve(table).resolve(".staging-" + sweep + "-" + criterion);
        ResultStore.deleteTree(staging);
        spark.createDataFrame(fileRows, DataTypes.createStructType(fileFields)).coalesce(1)
                .write().mode(SaveMode.Overwrite).parquet(staging.toUri().toString());
        Files.createDirectories(target.getParent());
        Path old = out.resolve(table).resolve(".old-" + sweep + "-" + criterion);
        ResultStore.deleteTree(old);
        if (Files.exists(target)) {
            ResultStore.moveAtomic(target, old);
        }
        ResultStore.moveAtomic(staging, target);
        ResultStore.deleteTree(old);
    }

    /**
     * The table as a DataFrame over every sweep and criterion (columns merged by name), or null
     * when nothing was written yet.
     */
    public static Dataset<Row> read(SparkSession spark, Path out, String table) {
        Path root = out.resolve(table);
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> s = Files.walk(root)) {
            if (s.noneMatch(p -> p.getFileName().toString().endsWith(".parquet") && !p.toString().contains("/."))) {
                return null;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + root + ": " + e.getMessage(), e);
        }
        Dataset<Row> df = spark.read().option("mergeSchema", "true").option("basePath", root.toUri().toString())
                .parquet(root.toUri().toString());
        List<org.apache.spark.sql.Column> cols = new ArrayList<>();
        cols.add(org.apache.spark.sql.functions.col("sweep"));
        cols.add(org.apache.spark.sql.functions.col("criterion"));
        for (String c : df.columns()) {
            if (!c.equals("sweep") && !c.equals("criterion")) {
                cols.add(org.apache.spark.sql.functions.col(ThresholdAnalysis.quote(c)));
            }
        }
        return df.select(cols.toArray(new org.apache.spark.sql.Column[0]));
    }

    /** Registers {@code thresholds} and {@code exponents} as SQL views where they exist. */
    public static void registerViews(SparkSession spark, Path out) {
        for (String t : ALL) {
            Dataset<Row> df = read(spark, out, t);
            if (df != null) {
                df.createOrReplaceTempView(t);
            }
        }
    }
}
