package org.sweep.driver.store;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks the committed waves of an output directory against their commit records (row counts from
 * the footers; see {@link ResultStore} for what damage means), and refuses an output directory
 * whose committed Parquet files do not fit this version's table
 * schemas ({@link Tables#fileSchema}), before anything runs or is read. Columns may be added over
 * versions (readers see null in old files, the nullable columns of {@link Tables}); a column whose
 * type changed, or a non-nullable column an old file lacks, would make Spark fail half-way through a
 * run or a query with a type-mismatch error deep inside a task. Only the files' footers are read.
 */
public final class TableCheck {
    private TableCheck() {
    }

    /** Thrown with the message the user sees. */
    public static final class IncompatibleException extends Exception {
        IncompatibleException(String message) {
            super(message);
        }
    }

    /**
     * Checks every committed file of every table: its schema (an incompatible one stops everything)
     * and, per committed wave, the rows in its files against the wave's commit record. A wave with
     * an unreadable file or other row counts is recorded as damaged in the store (readers leave it
     * out from then on).
     *
     * @return every damaged wave (also those with missing files)
     */
    public static List<ResultStore.Damage> check(ResultStore store) throws IncompatibleException {
        Configuration hadoop = store.hadoopConf();
        ParquetToSparkSchemaConverter converter = new ParquetToSparkSchemaConverter(SQLConf.get());
        for (Map.Entry<String, List<ResultStore.DataFile>> wave : store.committedByWave().entrySet()) {
            Marker marker = store.marker(wave.getKey());
            Map<String, Long> rows = new HashMap<>();
            String damage = null;
            for (ResultStore.DataFile f : wave.getValue()) {
                Path file = f.path();
                StructType actual;
                long count;
                try (ParquetFileReader r = ParquetFileReader.open(
                        HadoopInputFile.fromPath(file, hadoop))) {
                    actual = converter.convert(r.getFooter().getFileMetaData().getSchema());
                    count = r.getRecordCount();
                } catch (IOException | RuntimeException e) {
                    damage = store.relative(file) + " cannot be read as Parquet (" + e.getMessage() + ")";
                    break;
                }
                String problem = problem(Tables.fileSchema(f.table()), actual);
                if (problem != null) {
                    throw new IncompatibleException(file + ": " + problem + "; the " + f.table() + " table in "
                            + store.location() + " was written by an incompatible version of sweep: use a new --out"
                            + " directory (or move the old one away)");
                }
                rows.merge(f.table(), count, Long::sum);
            }
            if (damage == null) {
                for (String table : Tables.ALL) {
                    long expected = marker.rows(table);
                    long have = rows.getOrDefault(table, 0L);
                    if (expected >= 0 && expected != have) {
                        damage = table + " holds " + have + " rows of it, its commit record says " + expected;
                        break;
                    }
                }
            }
            if (damage != null) {
                store.markDamaged(wave.getKey(), damage);
            }
        }
        return store.damage();
    }

    /** Rows in a Parquet file, from its footer. */
    public static long rowCount(Path file, Configuration conf) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            return r.getRecordCount();
        }
    }

    /** The first difference that makes a file unreadable under the expected schema, or null. */
    static String problem(StructType expected, StructType actual) {
        Map<String, DataType> have = new HashMap<>();
        for (StructField f : actual.fields()) {
            have.put(f.name(), f.dataType());
        }
        for (StructField f : expected.fields()) {
            DataType t = have.get(f.name());
            if (t == null) {
                if (!f.nullable()) {
                    return "column " + f.name() + " is missing";
                }
            } else if (!DataType.equalsIgnoreNullability(t, f.dataType())) {
                return "column " + f.name() + " is " + t.simpleString() + ", this version expects "
                        + f.dataType().simpleString();
            }
        }
        return null;
    }
}
