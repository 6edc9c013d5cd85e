package org.sweep.driver.store;

import org.sweep.driver.run.FakeWorker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sweep.driver.plan.TaskIds;
import org.sweep.worker.Checkpoint;
import org.sweep.worker.Spectrum;
import org.sweep.worker.Summary;
import org.sweep.worker.TaskSpec;

/**
 * The table schemas against the worker's records (an independent reference: field names in
 * snake_case, Java types mapped to Spark types) and the column lists of the issue.
 */
class TablesTest {
    static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }

    static DataType sparkType(Class<?> c) {
        if (c == int.class || c == Integer.class) {
            return DataTypes.IntegerType;
        }
        if (c == long.class || c == Long.class) {
            return DataTypes.LongType;
        }
        if (c == double.class || c == Double.class) {
            return DataTypes.DoubleType;
        }
        if (c == boolean.class || c == Boolean.class) {
            return DataTypes.BooleanType;
        }
        if (c == double[].class) {
            return DataTypes.createArrayType(DataTypes.DoubleType, false);
        }
        return DataTypes.StringType; // String and enums (stored by their lower-case key)
    }

    static List<String> fields(Class<? extends Record> r) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : r.getRecordComponents()) {
            out.add(snake(c.getName()));
        }
        return out;
    }

    static void assertField(StructType s, String name, DataType type) {
        StructField f = s.apply(name);
        assertEquals(type, f.dataType(), "type of " + name);
    }

    @Test
    void runsHasEverySpecAndSummaryFieldThenOutcomeAndProvenance() {
        List<String> expected = new ArrayList<>(List.of("sweep", "task_id"));
        for (String f : fields(TaskSpec.class)) {
            expected.add(f);
            if (f.equals("eta")) {
                expected.add("eta_factor");
            }
        }
        expected.addAll(fields(Summary.class));
        expected.addAll(List.of("status", "message", "seconds_train", "seconds_spectra", "seconds_total", "gflops",
                "executor", "attempt", "code_version", "java_version", "os_arch", "blas", "lapack", "created_at",
                "config_json", "data_fingerprint"));
        // Same columns; the spec's own order is kept except that eta/eta_factor/eta_mode sit together.
        List<String> actual = List.of(Tables.RUNS_SCHEMA.fieldNames());
        assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(actual));
        assertEquals(expected.size(), actual.size(), "no duplicate columns");

        for (RecordComponent c : TaskSpec.class.getRecordComponents()) {
            assertField(Tables.RUNS_SCHEMA, snake(c.getName()), sparkType(c.getType()));
        }
        for (RecordComponent c : Summary.class.getRecordComponents()) {
            assertField(Tables.RUNS_SCHEMA, snake(c.getName()), sparkType(c.getType()));
        }
        assertField(Tables.RUNS_SCHEMA, "created_at", DataTypes.TimestampType);
        assertField(Tables.RUNS_SCHEMA, "attempt", DataTypes.IntegerType);
        assertField(Tables.RUNS_SCHEMA, "eta_factor", DataTypes.DoubleType);
    }

    @Test
    void trajectoriesAndSpectraMirrorTheirRecords() {
        List<String> traj = new ArrayList<>(List.of("sweep", "task_id"));
        traj.addAll(fields(Checkpoint.class));
        assertEquals(traj, List.of(Tables.TRAJECTORIES_SCHEMA.fieldNames()));
        for (RecordComponent c : Checkpoint.class.getRecordComponents()) {
            assertField(Tables.TRAJECTORIES_SCHEMA, snake(c.getName()), sparkType(c.getType()));
        }
        List<String> spec = new ArrayList<>(List.of("sweep", "task_id"));
        spec.addAll(fields(Spectrum.class));
        assertEquals(spec, List.of(Tables.SPECTRA_SCHEMA.fieldNames()));
        for (RecordComponent c : Spectrum.class.getRecordComponents()) {
            assertField(Tables.SPECTRA_SCHEMA, snake(c.getName()), sparkType(c.getType()));
        }
        assertEquals(List.of("sweep", "config", "tasks", "started_at", "finished_at", "code_version", "master"),
                List.of(Tables.SWEEPS_SCHEMA.fieldNames()));
    }

    @Test
    void rowsMatchTheFileSchemas() {
        TaskSpec s = FakeWorker.spec(8, 4, 1, 0.5);
        TaskOutcome o = new TaskOutcome(TaskIds.taskId(s), TaskIds.canonicalJson(s), FakeWorker.run(s), 1.0, "1@host",
                0, 0L, "17", "Linux/amd64");
        assertRowFits(Tables.fileSchema(Tables.RUNS), Tables.runsRow(o, "abc"));
        for (Row r : Tables.trajectoryRows(o)) {
            assertRowFits(Tables.fileSchema(Tables.TRAJECTORIES), r);
        }
        for (Row r : Tables.spectraRows(o)) {
            assertRowFits(Tables.fileSchema(Tables.SPECTRA), r);
        }
        assertRowFits(Tables.fileSchema(Tables.SWEEPS), Tables.sweepsRow("x", 3, 0L, null, "abc", "local[1]"));
        Row run = Tables.runsRow(o, "abc");
        StructType fs = Tables.fileSchema(Tables.RUNS);
        assertEquals(8, run.getInt(fs.fieldIndex("width")));
        assertEquals("stability", run.get(fs.fieldIndex("eta_mode")));
        assertEquals(1.0 - 1.0 / 8, (Double) run.get(fs.fieldIndex("rate_empirical")), 0.0);
    }

    /** Each value is null (in a nullable column) or of the Java class Spark expects for the column type. */
    static void assertRowFits(StructType schema, Row row) {
        assertEquals(schema.size(), row.size(), "row width");
        for (int i = 0; i < schema.size(); i++) {
            StructField f = schema.fields()[i];
            Object v = row.get(i);
            if (v == null) {
                assertEquals(true, f.nullable(), "null in non-nullable column " + f.name());
                continue;
            }
            Class<?> want;
            DataType t = f.dataType();
            if (t.equals(DataTypes.IntegerType)) {
                want = Integer.class;
            } else if (t.equals(DataTypes.LongType)) {
                want = Long.class;
            } else if (t.equals(DataTypes.DoubleType)) {
                want = Double.class;
            } else if (t.equals(DataTypes.BooleanType)) {
                want = Boolean.class;
            } else if (t.equals(DataTypes.StringType)) {
                want = String.class;
            } else if (t.equals(DataTypes.TimestampType)) {
                want = java.sql.Timestamp.class;
            } else {
                want = double[].class;
            }
            assertEquals(want, v.getClass(), "class of " + f.name());
        }
    }
}
