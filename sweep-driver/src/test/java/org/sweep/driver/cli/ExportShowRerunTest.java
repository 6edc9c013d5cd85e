package org.sweep.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.Tables;

/** {@code export}, {@code show} and {@code rerun} over a small sweep run by the real worker. */
class ExportShowRerunTest {
    @TempDir
    static Path dir;
    static Path out;

    @BeforeAll
    static void runTinySweep() throws Exception {
        out = dir.resolve("out");
        Path file = Files.writeString(dir.resolve("tiny.yaml"), MainTest.TINY);
        SqlViewsTest.Result r = MainTest.sweep("run", file.toString(), "--out", out.toString(), "--master", "local[1]");
        assertEquals(Main.OK, r.code(), r.err());
    }

    @AfterAll
    static void stop() {
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
    }

    static Map<String, Row> storedRuns() {
        SparkSession spark = SparkSession.getActiveSession().get();
        Map<String, Row> byId = new HashMap<>();
        for (Row r : new ResultStore(out).view(spark, Tables.RUNS).collectAsList()) {
            byId.put(r.getAs("task_id"), r);
        }
        return byId;
    }

    /** The text of one field of a flat JSON line (numbers as written; strings unescaped). */
    static String field(String line, String name) {
        int i = line.indexOf("\"" + name + "\":") + name.length() + 3;
        if (line.charAt(i) == '"') {
            StringBuilder b = new StringBuilder();
            for (int j = i + 1; line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                b.append(c == '\\' ? line.charAt(++j) : c);
            }
            return b.toString();
        }
        int j = i;
        while (j < line.length() && line.charAt(j) != ',' && line.charAt(j) != '}') {
            j++;
        }
        return line.substring(i, j);
    }

    @Test
    void jsonlExportRoundTripsEveryDoubleExactly() throws Exception {
        Path file = dir.resolve("runs.jsonl");
        SqlViewsTest.Result r = MainTest.sweep("export", "--out", out.toString(), "--table", "runs", "--format", "jsonl",
                file.toString());
        assertEquals(Main.OK, r.code(), r.err());
        Map<String, Row> stored = storedRuns();
        List<String> lines = Files.readAllLines(file);
        assertEquals(stored.size(), lines.size());
        int doubles = 0;
        for (String line : lines) {
            Row row = stored.get(field(line, "task_id"));
            for (var f : Tables.RUNS_SCHEMA.fields()) {
                if (f.dataType().equals(DataTypes.DoubleType) && row.getAs(f.name()) != null) {
                    double back = Double.parseDouble(field(line, f.name()));
                    assertEquals(Double.doubleToRawLongBits(row.<Double>getAs(f.name())), Double.doubleToRawLongBits(back),
                            f.name() + " of " + row.getAs("task_id"));
                    doubles++;
                }
            }
            assertEquals(row.<String>getAs("config_json"), field(line, "config_json"), "strings as JSON strings");
        }
        assertTrue(doubles > 40, "compared " + doubles + " doubles");
    }

    @Test
    void csvExportWithWhereAndArraysAsJsonArrays() throws Exception {
        Path file = dir.resolve("spectra.csv");
        SqlViewsTest.Result r = MainTest.sweep("export", "--out", out.toString(), "--table", "spectra", "--where",
                "matrix = 'h_inf' AND width = 16", "--format", "csv", file.toString());
        // spectra has no width column: Spark's message, exit 2, nothing written
        assertEquals(Main.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("width"), r.err());
        assertTrue(Files.notExists(file));
        r = MainTest.sweep("export", "--out", out.toString(), "--table", "spectra", "--where", "matrix = 'h_inf'",
                file.toString());
        assertEquals(Main.OK, r.code(), r.err());
        List<String> lines = Files.readAllLines(file);
        assertEquals("sweep,task_id,matrix,step,eigenvalues,label_proj", lines.get(0));
        assertEquals(3, lines.size(), "one h_inf spectrum per task (2 tasks) after the header");
        SparkSession spark = SparkSession.getActiveSession().get();
        Map<String, List<Double>> stored = new HashMap<>();
        for (Row s : new ResultStore(out).view(spark, Tables.SPECTRA).where("matrix = 'h_inf'").collectAsList()) {
            stored.put(s.getAs("task_id"), s.getList(s.fieldIndex("eigenvalues")));
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] parts = line.split(",", 5);
            String array = parts[4].substring(1, parts[4].indexOf(']') + 1);
            assertTrue(array.startsWith("[") && array.endsWith("]"), array);
            List<Double> back = new ArrayList<>();
            for (String x : array.substring(1, array.length() - 1).split(",")) {
                back.add(Double.parseDouble(x));
            }
            assertEquals(stored.get(parts[1]), back, "eigenvalues of " + parts[1]);
        }
        SqlViewsTest.Result write = MainTest.sweep("export", "--out", out.toString(), "--table", "runs", "--where",
                "1 = 1) UNION ALL (SELECT reflect('java.lang.System', 'exit', '0')", file.toString());
        assertEquals(Main.USAGE, write.code(), write.err());
    }

    @Test
    void showPrintsTheStoredConfigAndRerunIsBitIdentical() {
        Row row = storedRuns().values().iterator().next();
        String id = row.getAs("task_id");
        SqlViewsTest.Result show = MainTest.sweep("show", "--out", out.toString(), id.substring(0, 8));
        assertEquals(Main.OK, show.code(), show.err());
        assertTrue(show.out().contains("\n  " + row.getAs("config_json") + "\n"), show.out());
        assertTrue(show.out().contains("  loss_final: " + Values.number(row.getAs("loss_final")) + "\n"), show.out());
        assertTrue(show.out().contains("  blas: "), show.out());
        SqlViewsTest.Result rerun = MainTest.sweep("rerun", "--out", out.toString(), id);
        assertEquals(Main.OK, rerun.code(), rerun.out() + rerun.err());
        assertTrue(rerun.out().contains("bit-identical: all "), rerun.out());
        SqlViewsTest.Result missing = MainTest.sweep("show", "--out", out.toString(), "ffffffffffffffff");
        assertEquals(Main.USAGE, missing.code());
        assertTrue(missing.err().contains("no stored task ffffffffffffffff"), missing.err());
    }

    @Test
    void compareFindsAOneUlpDifferenceAndNamesTheEnvironment() {
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("loss_final",
                DataTypes.DoubleType, true), DataTypes.createStructField("status", DataTypes.StringType, true),
                DataTypes.createStructField("blas", DataTypes.StringType, true)));
        Row stored = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
                new Object[] {0.1, "ok", "JavaBLAS"}, schema);
        Row now = RowFactory.create(Math.nextUp(0.1), "ok", "OpenBLAS");
        List<RerunCommand.Difference> d = RerunCommand.compare(stored, now, schema);
        assertEquals(1, d.size());
        assertEquals("loss_final", d.get(0).column());
        assertEquals(List.of(), RerunCommand.compare(stored, RowFactory.create(0.1, "ok", "x"), schema),
                "blas is provenance, not compared");
    }

    @Test
    void numbersAreTheShortestTextThatReadsBack() {
        assertEquals("0.1", Values.number(0.1));
        assertEquals("-0.0", Values.number(-0.0));
        assertEquals("NaN", Values.number(Double.NaN));
        assertEquals("-Infinity", Values.number(Double.NEGATIVE_INFINITY));
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            double x = Double.longBitsToDouble(rnd.nextLong());
            if (!Double.isFinite(x)) {
                continue;
            }
            String s = Values.number(x);
            assertEquals(Double.doubleToRawLongBits(x), Double.doubleToRawLongBits(Double.parseDouble(s)), s);
            // shortest: one significant digit fewer (rounded either way) no longer reads back
            java.math.BigDecimal exact = new java.math.BigDecimal(s);
            int digits = exact.stripTrailingZeros().precision();
            if (digits > 1) {
                for (java.math.RoundingMode m : List.of(java.math.RoundingMode.FLOOR, java.math.RoundingMode.CEILING)) {
                    double shorter = exact.round(new java.math.MathContext(digits - 1, m)).doubleValue();
                    assertTrue(shorter != x, s + " has a shorter form " + shorter);
                }
            }
        }
    }
}
