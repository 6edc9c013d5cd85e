package org.sweep.driver.reliability;

import org.sweep.driver.run.SweepRunnerTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.cli.Main;

/**
 * Bad input that only shows while running: diverging step sizes, degenerate data (lambda0 = 0),
 * and an output directory written by an incompatible version. Runs in-process on local[1]. (A task
 * that throws becomes a failed row: SweepRunnerTest injects a throwing task function, which a
 * sweep file cannot.)
 */
class RunTimeBadInputTest {
    @AfterAll
    static void stopSpark() {
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
    }

    static BadInputCatalogTest.Outcome sweep(String... args) {
        return BadInputCatalogTest.sweep(args);
    }

    static List<Row> sql(Path out, String query) {
        BadInputCatalogTest.Outcome r = sweep("sql", "--out", out.toString(), "--format", "csv", query);
        assertEquals(0, r.code(), r.err());
        return r.out().lines().skip(1).map(l -> RowFactory.create((Object[]) l.split(",", -1))).toList();
    }

    @Test
    void divergingStepSizesGiveDivergedRowsAndAWarning(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("s.yaml"), BadInputCatalogTest.BASE
                .replace("eta: 0.5, eta_mode: stability", "eta: 50, eta_mode: stability"));
        Path out = dir.resolve("out");
        BadInputCatalogTest.Outcome r = sweep("run", file.toString(), "--out", out.toString(), "--master", "local[1]");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stored for bad: 0 ok, 4 diverged, 0 failed\n"), r.out());
        assertTrue(r.out().contains("WARNING: 4 task(s) diverged and 0 failed; see: bin/sweep sql --out " + out
                + " \"SELECT task_id, width, n, eta, status, message FROM runs WHERE sweep = 'bad' AND status <> 'ok'\""),
                r.out());
        List<Row> rows = sql(out, "SELECT status, count(*), count(message) FROM runs GROUP BY status");
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(List.of("diverged", "4", "4"), List.of(rows.get(0).getString(0), rows.get(0).getString(1),
                rows.get(0).getString(2)), "4 diverged rows, each with its reason");
    }

    @Test
    void theSummaryCountsOnlyThePlansTasksWhenTheSweepAlsoHoldsOthers(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path first = Files.writeString(dir.resolve("a.yaml"), BadInputCatalogTest.BASE);
        BadInputCatalogTest.Outcome a = sweep("run", first.toString(), "--out", out.toString(), "--master", "local[1]");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("stored for bad: 4 ok, 0 diverged, 0 failed\n"), a.out());
        assertTrue(!a.out().contains("other configurations"), a.out());
        // Same sweep name, one width changed: 2 of its 4 tasks are stored, 2 stored tasks are not in it.
        Path second = Files.writeString(dir.resolve("b.yaml"), BadInputCatalogTest.BASE
                .replace("width: [16, 32]", "width: [16, 64]"));
        BadInputCatalogTest.Outcome b = sweep("run", second.toString(), "--out", out.toString(), "--master", "local[1]");
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("4 tasks planned, 2 already stored, 2 run"), b.out());
        assertTrue(b.out().contains("stored for bad: 4 ok, 0 diverged, 0 failed\n"), b.out());
        assertTrue(b.out().contains("(sweep bad also holds 2 stored task(s) of other configurations"), b.out());
        List<String> widths = b.out().lines().filter(l -> l.matches("(16|32|64) +2 .*")).map(l -> l.split(" +")[0])
                .toList();
        assertEquals(List.of("16", "64"), widths, "the table covers the file's widths only:\n" + b.out());
    }

    @Test
    void duplicateInputsGiveLambdaZeroWithoutACrash(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("dup.csv"), "x1,x2,label\n1,0,1\n1,0,-1\n0.6,0.8,1\n0,1,-1\n");
        Path file = Files.writeString(dir.resolve("s.yaml"), BadInputCatalogTest.BASE
                .replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                        "kind: csv, path: " + dir.resolve("dup.csv") + ", n: 4, labels: true"));
        Path out = dir.resolve("out");
        BadInputCatalogTest.Outcome r = sweep("run", file.toString(), "--out", out.toString(), "--master", "local[1]");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("WARNING: 4 task(s) have lambda0 = lambda_min(H_inf) <= 1e-12 lambda_max(H_inf):"
                + " duplicate or parallel inputs make H_inf singular"), r.out());
        List<Row> rows = sql(out, "SELECT status, lambda0, lambda_max_inf FROM runs");
        assertEquals(4, rows.size());
        for (Row row : rows) {
            assertEquals("ok", row.getString(0), "recorded, not failed");
            double lambda0 = Double.parseDouble(row.getString(1));
            double lambdaMax = Double.parseDouble(row.getString(2));
            // rows 1 and 2 coincide: H_inf is singular, lambda0 is zero up to rounding
            assertTrue(Math.abs(lambda0) <= 1e-12 * lambdaMax, "lambda0 = " + lambda0);
        }
    }

    @Test
    void tablesOfAnIncompatibleOlderSchema(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        String wave = "w20240101T000000_0000abcd_0001";
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        StructType old = DataTypes.createStructType(List.of(
                DataTypes.createStructField("task_id", DataTypes.StringType, false),
                DataTypes.createStructField("width", DataTypes.StringType, false),
                DataTypes.createStructField("loss_final", DataTypes.StringType, true)));
        Path tmp = dir.resolve("tmp");
        spark.createDataFrame(List.of(RowFactory.create("abc", "16", "0.1")), old).coalesce(1).write().parquet(tmp.toString());
        Path part;
        try (var s = Files.list(tmp)) {
            part = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Path dest = Files.createDirectories(out.resolve("runs").resolve("sweep=bad"));
        Files.move(part, dest.resolve("part-" + wave + "-00000.parquet"));
        Files.createDirectories(out.resolve("_commits"));
        Files.writeString(out.resolve("_commits").resolve(wave), "old\n");
        Path file = Files.writeString(dir.resolve("s.yaml"), BadInputCatalogTest.BASE);
        List<Path> before = listing(out);
        String expected = "sweep: " + dest.resolve("part-" + wave + "-00000.parquet") + ": column width is string,"
                + " this version expects int; the runs table in " + out + " was written by an incompatible version"
                + " of sweep: use a new --out directory (or move the old one away)\n";
        BadInputCatalogTest.Outcome r = sweep("run", file.toString(), "--out", out.toString(), "--master", "local[1]");
        assertEquals(expected, r.err());
        assertEquals(Main.USAGE, r.code());
        assertEquals(before, listing(out), "nothing written");
        BadInputCatalogTest.Outcome q = sweep("sql", "--out", out.toString(), "SELECT count(*) FROM runs");
        assertEquals(expected, q.err());
        assertEquals(Main.USAGE, q.code());
    }

    static List<Path> listing(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            return s.sorted().toList();
        }
    }
}
