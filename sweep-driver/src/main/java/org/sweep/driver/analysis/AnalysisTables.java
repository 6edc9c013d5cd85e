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
     * Per-group columns of {@code thresholds}: m_star (width where the fitted logistic pass curve in
     * log m reaches 1 - delta, bias-corrected; a real number; null when outside the grid or when
     * passes do not increase), m_star_lo / m_star_hi (profile-likelihood interval at the given
     * level; null where it reaches beyond the grid), censored (null, above_grid, below_grid,
     * wider_than_grid or no_increase: why an end is null), m_star_grid (the smallest grid width from
     * which every larger width has pass fraction &gt;= 1 - delta; null when none), m_star_isotonic
     * (isotonic pass fractions interpolated in log m: a model-free check), slope (of the logit per
     * unit of log m), seeds (replicates), runs, widths / width_min / width_max (the grid), bracketed
     * and bracket (whether the grid's pass fractions bracket 1 - delta: bracketed, all_pass,
     * none_pass), m_du (median over the group's runs of n^6 / lambda_0^4) and m_star_over_m_du,
     * lambda0 (median), bootstrap (parametric draws of the bias correction), level, tolerance
     * (kernel only), design_effect (k: the cluster-robust variance of log m* over the model-based
     * one, runs of one seed forming a cluster; the interval's deviance cut is max(q, k F) (LevelSet.critical);
     * null: runs treated as independent, or fewer than 2 seeds) and clusters (the
     * replicates behind it). Tables written before the logistic estimator have integer m_star
     * columns and no censored..lambda0, and tables written before the cluster adjustment have no
     * design_effect and clusters; they are read with these types (missing columns null).
     */
    public static final StructType THRESHOLD_COLUMNS = DataTypes.createStructType(new StructField[] {
        f("m_star", DataTypes.DoubleType, true), f("m_star_lo", DataTypes.DoubleType, true),
        f("m_star_hi", DataTypes.DoubleType, true), f("censored", DataTypes.StringType, true),
        f("m_star_grid", DataTypes.IntegerType, true), f("m_star_isotonic", DataTypes.DoubleType, true),
        f("slope", DataTypes.DoubleType, true), f("seeds", DataTypes.IntegerType, false),
        f("runs", DataTypes.IntegerType, true),
        f("widths", DataTypes.IntegerType, false), f("width_min", DataTypes.IntegerType, false),
        f("width_max", DataTypes.IntegerType, false), f("bracketed", DataTypes.BooleanType, false),
        f("bracket", DataTypes.StringType, false), f("m_du", DataTypes.DoubleType, true),
        f("m_star_over_m_du", DataTypes.DoubleType, true), f("lambda0", DataTypes.DoubleType, true),
        f("bootstrap", DataTypes.IntegerType, false),
        f("level", DataTypes.DoubleType, false), f("tolerance", DataTypes.DoubleType, true),
        f("design_effect", DataTypes.DoubleType, true), f("clusters", DataTypes.IntegerType, true),
    });

    /**
     * Per-fit columns of {@code exponents} (after sweep, criterion, delta, scale and the fit axes):
     * scale is the variable s of log m*(s) = intercept + alpha log s (n, n/d or n/lambda0; natural
     * logs), fitted jointly from every run as logit P = a + slope (log m - alpha log s); alpha_lo /
     * alpha_hi its profile-likelihood interval, alpha_censored (null, unbounded, no_increase,
     * too_few_groups), points (groups), n_min / n_max, deviance / deviance_df / deviance_p (G^2
     * against the saturated model), lr_groups / lr_groups_df / lr_groups_p (likelihood ratio of free
     * per-group curves against the joint fit: small p = one power law with one slope does not
     * describe the groups), theory_du = 6 and theory_song_yang = 4 for comparison, design_effect and
     * clusters (as in thresholds: the seeds shared by the fit's groups are one cluster each).
     */
    public static final StructType EXPONENT_COLUMNS = DataTypes.createStructType(new StructField[] {
        f("alpha", DataTypes.DoubleType, true), f("alpha_lo", DataTypes.DoubleType, true),
        f("alpha_hi", DataTypes.DoubleType, true), f("alpha_censored", DataTypes.StringType, true),
        f("intercept", DataTypes.DoubleType, true), f("slope", DataTypes.DoubleType, true),
        f("points", DataTypes.IntegerType, false), f("n_min", DataTypes.IntegerType, true),
        f("n_max", DataTypes.IntegerType, true), f("deviance", DataTypes.DoubleType, true),
        f("deviance_df", DataTypes.IntegerType, true), f("deviance_p", DataTypes.DoubleType, true),
        f("lr_groups", DataTypes.DoubleType, true), f("lr_groups_df", DataTypes.IntegerType, true),
        f("lr_groups_p", DataTypes.DoubleType, true),
        f("theory_du", DataTypes.DoubleType, false), f("theory_song_yang", DataTypes.DoubleType, false),
        f("design_effect", DataTypes.DoubleType, true), f("clusters", DataTypes.IntegerType, true),
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
     * when nothing was written yet. Each (sweep, criterion) folder is read on its own and its known
     * columns cast to the current types, so that folders written by older versions (integer m_star,
     * fewer columns) read beside new ones; a column a folder lacks is null there.
     */
    public static Dataset<Row> read(SparkSession spark, Path out, String table) {
        Path root = out.resolve(table);
        if (!Files.isDirectory(root)) {
            return null;
        }
        List<Path> parts;
        try (Stream<Path> s = Files.walk(root, 2)) {
            parts = s.filter(p -> root.relativize(p).getNameCount() == 2 && Files.isDirectory(p)
                    && p.getFileName().toString().startsWith("criterion=")
                    && p.getParent().getFileName().toString().startsWith("sweep=")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + root + ": " + e.getMessage(), e);
        }
        StructType current = table.equals(THRESHOLDS) ? THRESHOLD_COLUMNS : EXPONENT_COLUMNS;
        Dataset<Row> all = null;
        for (Path p : parts) {
            boolean hasFiles;
            try (Stream<Path> s = Files.list(p)) {
                hasFiles = s.anyMatch(f -> f.getFileName().toString().endsWith(".parquet"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + p + ": " + e.getMessage(), e);
            }
            if (!hasFiles) {
                continue;
            }
            Dataset<Row> df = spark.read().parquet(p.toUri().toString());
            List<org.apache.spark.sql.Column> cols = new ArrayList<>();
            cols.add(org.apache.spark.sql.functions.lit(p.getParent().getFileName().toString().substring(6)).as("sweep"));
            cols.add(org.apache.spark.sql.functions.lit(p.getFileName().toString().substring(10)).as("criterion"));
            List<String> names = java.util.Arrays.asList(df.columns());
            for (String c : names) {
                org.apache.spark.sql.Column col = org.apache.spark.sql.functions.col(ThresholdAnalysis.quote(c));
                if (java.util.Arrays.asList(current.fieldNames()).contains(c)) {
                    col = col.cast(current.apply(c).dataType());
                }
                cols.add(col.as(c));
            }
            df = df.select(cols.toArray(new org.apache.spark.sql.Column[0]));
            all = all == null ? df : all.unionByName(df, true);
        }
        return all;
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
