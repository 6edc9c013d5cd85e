package org.sweep.driver.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Refuses an output directory whose committed Parquet files do not fit this version's table
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

    /** Checks every committed file of every table. */
    public static void check(ResultStore store) throws IncompatibleException {
        Configuration hadoop = new Configuration(false);
        ParquetToSparkSchemaConverter converter = new ParquetToSparkSchemaConverter(SQLConf.get());
        for (String table : Tables.ALL) {
            StructType expected = Tables.fileSchema(table);
            for (Path file : store.committedFiles(table)) {
                StructType actual;
                try (ParquetFileReader r = ParquetFileReader.open(
                        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), hadoop))) {
                    actual = converter.convert(r.getFooter().getFileMetaData().getSchema());
                } catch (IOException | RuntimeException e) {
                    throw new IncompatibleException(file + ": cannot read its Parquet footer (" + e.getMessage()
                            + "); the " + table + " table in " + store.out() + " is damaged");
                }
                String problem = problem(expected, actual);
                if (problem != null) {
                    throw new IncompatibleException(file + ": " + problem + "; the " + table + " table in "
                            + store.out() + " was written by an incompatible version of sweep: use a new --out"
                            + " directory (or move the old one away)");
                }
            }
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
