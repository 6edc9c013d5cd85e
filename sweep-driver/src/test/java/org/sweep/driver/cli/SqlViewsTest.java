package org.sweep.driver.cli;

import org.sweep.driver.run.FakeWorker;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.run.SparkTests;
import org.sweep.driver.store.Tables;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bin/sweep sql} and {@code status} through {@link Main#execute}: views, formats, read-only refusals. */
class SqlViewsTest {
    private static SparkSession spark;
    private static final long RUNS = 6;
    @TempDir
    static Path out;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTests.start("local[2]");
        SparkTests.run(spark, out, FakeWorker.plan("views", new int[] {8, 16, 32}, 2, 0.5), FakeWorker::run);
    }

    @AfterAll
    static void stop() {
        // Nothing any statement of this class did changed the stored rows.
        assertEquals(RUNS, new ResultStore(out).view(spark, Tables.RUNS).count());
        spark.stop();
    }

    record Result(int code, String out, String err) {
    }

    static Result sweep(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void csvOverTheRunsView() {
        Result r = sweep("sql", "--out", out.toString(), "--format", "csv",
                "SELECT width, count(*) AS tasks, min(rate_empirical) AS rate FROM runs GROUP BY width ORDER BY width");
        assertEquals(Main.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("width,tasks,rate", "8,2," + (1 - 1.0 / 8), "16,2," + (1 - 1.0 / 16),
                "32,2," + (1 - 1.0 / 32)), lines);
    }

    @Test
    void jsonAndTableFormatsAndJoinsAcrossViews() {
        Result json = sweep("sql", "--out", out.toString(), "--format", "json",
                "SELECT r.width, count(*) AS k FROM runs r JOIN trajectories t ON r.task_id = t.task_id"
                        + " WHERE r.sweep = 'views' GROUP BY r.width ORDER BY r.width");
        assertEquals(Main.OK, json.code(), json.err());
        assertEquals(List.of("{\"width\":8,\"k\":8}", "{\"width\":16,\"k\":8}", "{\"width\":32,\"k\":8}"),
                json.out().lines().toList(), "2 tasks x 4 checkpoints per width");
        Result table = sweep("sql", "--out", out.toString(), "SELECT matrix, count(*) AS n FROM spectra"
                + " GROUP BY matrix ORDER BY matrix");
        assertEquals(Main.OK, table.code(), table.err());
        List<String> lines = table.out().lines().toList();
        assertEquals("matrix   n", lines.get(0));
        assertEquals("h_0      6", lines.get(2));
        assertEquals("(3 rows)", lines.get(5));
        Result sweeps = sweep("sql", "--out", out.toString(), "--format", "csv", "SELECT sweep, tasks FROM sweeps");
        assertEquals(List.of("sweep,tasks", "views,6"), sweeps.out().lines().toList());
    }

    @Test
    void inspectionStatementsAreAllowed() {
        for (String sql : List.of("SHOW TABLES", "DESCRIBE runs", "DESCRIBE QUERY SELECT 1", "EXPLAIN SELECT * FROM runs",
                "WITH w AS (SELECT width FROM runs) SELECT count(*) FROM w", "VALUES (1, 2)")) {
            Result r = sweep("sql", "--out", out.toString(), "--format", "csv", sql);
            assertEquals(Main.OK, r.code(), sql + ": " + r.err());
        }
        Result show = sweep("sql", "--out", out.toString(), "--format", "csv", "SHOW TABLES");
        for (String view : Tables.ALL) {
            assertTrue(show.out().contains("," + view + ","), "view " + view + " in " + show.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO runs SELECT * FROM runs",
        "INSERT OVERWRITE DIRECTORY '/tmp/sweep-x' USING parquet SELECT * FROM runs",
        "WITH x AS (SELECT * FROM runs) INSERT INTO runs SELECT * FROM x",
        "CREATE TABLE t (a INT) USING parquet",
        "CREATE TABLE t USING parquet AS SELECT * FROM runs",
        "CREATE VIEW v AS SELECT 1",
        "CREATE TEMPORARY VIEW v AS SELECT 1",
        "CREATE FUNCTION f AS 'org.example.F'",
        "DROP TABLE runs",
        "DROP VIEW runs",
        "ALTER TABLE runs ADD COLUMNS (x INT)",
        "ALTER VIEW runs AS SELECT 1",
        "CACHE TABLE runs",
        "CACHE TABLE c AS SELECT * FROM runs",
        "UNCACHE TABLE runs",
        "CLEAR CACHE",
        "SET spark.sql.runSQLOnFiles=true",
        "RESET",
        "ADD JAR /tmp/x.jar",
        "ADD FILE /tmp/x.txt",
        "USE default",
        "REFRESH TABLE runs",
        "TRUNCATE TABLE runs",
        "LOAD DATA LOCAL INPATH '/tmp/x' INTO TABLE runs",
        "DELETE FROM runs WHERE width = 8",
        "UPDATE runs SET width = 1",
        "MERGE INTO runs USING runs s ON runs.task_id = s.task_id WHEN MATCHED THEN DELETE",
        "ANALYZE TABLE runs COMPUTE STATISTICS",
        "MSCK REPAIR TABLE runs",
        "DECLARE VARIABLE v INT DEFAULT 1",
        "EXPLAIN INSERT INTO runs SELECT * FROM runs",
        "SELECT reflect('java.lang.System', 'exit', '0')",
        "SELECT java_method('java.lang.System', 'getenv', 'HOME')",
        "SELECT * FROM runs WHERE width = (SELECT try_reflect('java.lang.System', 'exit', '0'))",
        "EXECUTE IMMEDIATE 'DROP TABLE runs'",
        "BEGIN DROP VIEW runs; END",
        "CALL system.refresh()",
    })
    void writesAndCodeExecutionAreRefused(String sql) {
        Result r = sweep("sql", "--out", out.toString(), sql);
        assertEquals(Main.USAGE, r.code(), sql + " -> " + r.out() + r.err());
        assertTrue(r.err().contains("refused"), r.err());
        assertThrows(SqlGuard.RefusedException.class, () -> SqlGuard.check(spark, sql));
        assertTrue(Files.notExists(Path.of("/tmp/sweep-x")));
    }

    @Test
    void filesByPathAndSyntaxErrorsAreRejected() throws Exception {
        Result r = sweep("sql", "--out", out.toString(), "SELECT * FROM parquet.`" + out.resolve("runs") + "`");
        assertEquals(Main.USAGE, r.code(), "reading files by path is off: " + r.out());
        assertEquals(1, r.err().lines().count(), "Spark's one-line message, no plan: " + r.err());
        Result bad = sweep("sql", "--out", out.toString(), "SELEC 1");
        assertEquals(Main.USAGE, bad.code());
        assertTrue(bad.err().contains("syntax error"), bad.err());
        assertDoesNotThrow(() -> SqlGuard.check(spark, "/* comment */ SELECT 1"));
    }

    @Test
    void statusCountsStoredAndPlannedTasks() throws Exception {
        Result r = sweep("status", "--out", out.toString());
        assertEquals(Main.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("sweep  done  total  ok  diverged  failed"), lines.get(0));
        assertTrue(lines.get(2).matches("views\\s+6\\s+6\\s+6\\s+0\\s+0\\s+.*"), lines.get(2));
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().equals("_lock")), "sql/status take no lock");
        }
    }
}
