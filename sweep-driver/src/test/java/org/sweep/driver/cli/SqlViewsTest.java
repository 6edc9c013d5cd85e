package org.sweep.driver.cli;

import org.sweep.driver.analysis.AnalysisTables;

import org.sweep.driver.run.FakeWorker;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.run.SparkTests;
import org.sweep.driver.store.Tables;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        "SELECT TRANSFORM(width) USING 'touch /tmp/sweep-x' AS (x STRING) FROM runs",
        "WITH t AS (SELECT TRANSFORM(width) USING 'touch /tmp/sweep-x' AS (x STRING) FROM runs) SELECT * FROM t",
        "SELECT * FROM runs WHERE width IN (SELECT TRANSFORM(width) USING 'touch /tmp/sweep-x' AS (x INT) FROM runs)",
        "SELECT (SELECT max(x) FROM (SELECT TRANSFORM(width) USING 'touch /tmp/sweep-x' AS (x STRING) FROM runs))",
        "SELECT TRANSFORM(*) USING 'touch /tmp/sweep-x' FROM runs",
        "FROM runs SELECT TRANSFORM(width) USING 'touch /tmp/sweep-x'",
        "EXPLAIN SELECT TRANSFORM(width) USING 'touch /tmp/sweep-x' FROM runs",
        "SELECT IDENTIFIER('java_method')('java.lang.System', 'getenv', 'HOME')",
        "SELECT IDENTIFIER('refl' || 'ect')('java.lang.System', 'exit', '0')",
        "SELECT IDENTIFIER('try_' || 'reflect')('java.lang.System', 'exit', '0')",
        "SELECT try_reflect('java.lang.System', 'exit', '0')",
        "SELECT REFLECT('java.lang.System', 'exit', '0')",
        "SELECT `reflect`('java.lang.System', 'exit', '0')",
        "SELECT system.builtin.reflect('java.lang.System', 'exit', '0')",
        "SELECT builtin.java_method('java.lang.System', 'exit', '0')",
        "SELECT max(width) FILTER (WHERE reflect('java.lang.System', 'exit', '0') IS NULL) FROM runs",
        "SELECT transform(array(1), x -> java_method('java.lang.System', 'exit', '0'))",
        "SELECT * FROM parquet.`/etc`",
        "SELECT * FROM json.`/etc/passwd`",
        "SELECT * FROM IDENTIFIER('parquet.`/etc`')",
        "SELECT xpath_string('<x>a</x>', '/x')",
        "SELECT from_xml('<x><a>1</a></x>', 'a INT')",
        "SELECT * FROM python_worker_logs()",
        "BEGIN SELECT 1; END",
        "EXECUTE IMMEDIATE 'SELECT 1'",
        "DESCRIBE QUERY SELECT TRANSFORM(width) USING 'touch /tmp/sweep-x' FROM runs",
    })
    void writesAndCodeExecutionAreRefused(String sql) {
        Result r = sweep("sql", "--out", out.toString(), sql);
        assertEquals(Main.USAGE, r.code(), sql + " -> " + r.out() + r.err());
        assertTrue(r.err().startsWith("sweep: "), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertEquals("", r.out());
        assertThrows(SqlGuard.RefusedException.class, () -> SqlGuard.check(guarded(), sql));
        assertTrue(Files.notExists(Path.of("/tmp/sweep-x")));
    }

    private static String nullColumns(org.apache.spark.sql.types.StructType columns) {
        StringBuilder b = new StringBuilder();
        for (org.apache.spark.sql.types.StructField f : columns.fields()) {
            b.append(", CAST(NULL AS ").append(f.dataType().sql()).append(") AS ").append(f.name());
        }
        return b.toString();
    }

    /** A session as {@code sql} makes it: pruned functions, the result views and analysis views. */
    static SparkSession guarded() {
        SparkSession g = SqlGuard.readOnlySession(spark);
        new ResultStore(out).registerViews(g);
        // Stand-ins with the analysis tables' columns (values null): documented queries resolve as on real tables.
        g.sql("SELECT sweep, 'lemma' AS criterion, 0.1 AS delta, n, d" + nullColumns(AnalysisTables.THRESHOLD_COLUMNS)
                + " FROM runs").createOrReplaceTempView("thresholds");
        g.sql("SELECT sweep, 'lemma' AS criterion, 0.1 AS delta, 'n' AS scale"
                + nullColumns(AnalysisTables.EXPONENT_COLUMNS) + " FROM sweeps").createOrReplaceTempView("exponents");
        return g;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT TRANSFORM(width) USING 'id' AS (x STRING) FROM runs|refused operator ScriptTransformation",
        "WITH t AS (SELECT TRANSFORM(width) USING 'id' AS (x STRING) FROM runs) SELECT * FROM t"
                + "|refused operator ScriptTransformation",
        "SELECT IDENTIFIER('refl' || 'ect')('java.lang.System', 'exit', '0')|[UNRESOLVED_ROUTINE]",
        "SELECT try_reflect('java.lang.System', 'exit', '0')|[UNRESOLVED_ROUTINE]",
        "SELECT * FROM parquet.`/etc`|[TABLE_OR_VIEW_NOT_FOUND]",
        "INSERT INTO runs SELECT * FROM runs|refused operator InsertIntoStatement",
        "EXECUTE IMMEDIATE 'SELECT 1'|refused operator UnresolvedExecuteImmediate",
        "BEGIN SELECT 1; END|refused operator CompoundBody",
    })
    void refusalsNameTheConstruct(String probe) {
        String sql = probe.substring(0, probe.lastIndexOf('|'));
        String message = probe.substring(probe.lastIndexOf('|') + 1);
        SqlGuard.RefusedException e = assertThrows(SqlGuard.RefusedException.class, () -> SqlGuard.check(guarded(), sql));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void confCannotSwitchTheGuardOff() {
        for (String conf : List.of("spark.sql.runSQLOnFiles=true", "spark.sql.extensions=x.Y",
                "spark.sql.catalog.x=x.Y", "spark.jars=/tmp/x.jar")) {
            Result r = sweep("sql", "--out", out.toString(), "--conf", conf, "SELECT * FROM parquet.`" + out.resolve("runs") + "`");
            assertEquals(Main.USAGE, r.code(), conf + ": " + r.out() + r.err());
            assertEquals("sweep: --conf " + conf.substring(0, conf.indexOf('=')) + " is refused for sql: it would let SQL"
                    + " reach beyond the result views", r.err().lines().findFirst().orElseThrow());
        }
        // Set on the shared session by someone else, the setting still does not reach the sql session.
        spark.conf().set("spark.sql.runSQLOnFiles", "true");
        try {
            Result r = sweep("sql", "--out", out.toString(), "SELECT count(*) FROM parquet.`" + out.resolve("runs") + "`");
            assertEquals(Main.USAGE, r.code(), r.out());
            assertTrue(r.err().startsWith("sweep: [TABLE_OR_VIEW_NOT_FOUND]"), r.err());
        } finally {
            spark.conf().set("spark.sql.runSQLOnFiles", "false");
        }
        // And were files by path readable in the sql session, the scan is still no project view.
        SparkSession g = guarded();
        g.conf().set("spark.sql.runSQLOnFiles", "true");
        SqlGuard.RefusedException e = assertThrows(SqlGuard.RefusedException.class,
                () -> SqlGuard.check(g, "SELECT count(*) FROM parquet.`" + out.resolve("runs") + "`"));
        assertTrue(e.getMessage().startsWith("refused operator LogicalRelation"), e.getMessage());
    }

    @Test
    void deepNestingIsOneLineError() {
        String deep = "SELECT " + "(".repeat(3000) + "1" + ")".repeat(3000);
        Result r = sweep("sql", "--out", out.toString(), deep);
        assertEquals(Main.USAGE, r.code());
        assertEquals("sweep: SQL statement nested 3000 brackets deep; at most " + SqlGuard.MAX_NESTING,
                r.err().lines().findFirst().orElseThrow());
        String ok = "SELECT " + "(".repeat(SqlGuard.MAX_NESTING) + "1" + ")".repeat(SqlGuard.MAX_NESTING);
        assertDoesNotThrow(() -> SqlGuard.check(guarded(), ok));
        assertEquals(3, SqlGuard.nesting("SELECT ((a[1])) -- ((((\n, ')))(((' "));
    }

    /** The queries of README.md and notebooks/ pass the guard (the notebooks' placeholders filled in). */
    @Test
    void documentedQueriesPass() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> queries = new java.util.ArrayList<>();
        java.util.regex.Matcher readme = java.util.regex.Pattern.compile("bin/sweep sql [^\"\n]*\"([^\"]+)\"")
                .matcher(Files.readString(root.resolve("README.md")));
        while (readme.find()) {
            queries.add(readme.group(1));
        }
        int fromReadme = queries.size();
        try (Stream<Path> files = Files.list(root.resolve("notebooks"))) {
            for (Path nb : files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList()) {
                // The JSON text of a cell's source: lines as "...\n" strings; join them back.
                String text = Files.readString(nb).replaceAll("\\\\n\",\\s*\"", "\n").replace("\\\"", "\"");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("sql\\(f?\"\"\"(.*?)\"\"\"\\)|sql\\(f?\"([^\"]+)\"\\)",
                        java.util.regex.Pattern.DOTALL).matcher(text);
                while (m.find()) {
                    String q = m.group(1) != null ? m.group(1) : m.group(2);
                    queries.add(q.replace("\\n", "\n").replace("{PASS}", "coalesce(lambda_min_h_min >= lambda0 / 2, false)")
                            .replaceAll("\\{[A-Z_]+\\}", "views"));
                }
            }
        }
        assertTrue(fromReadme >= 4 && queries.size() >= fromReadme + 8, "found " + queries);
        SparkSession g = guarded();
        for (String q : queries) {
            assertDoesNotThrow(() -> SqlGuard.check(g, q), q);
        }
    }

    @Test
    void functionListCoversEveryBuiltin() {
        java.util.Set<String> allowed = SqlGuard.allowedFunctions();
        java.util.Set<String> excluded = SqlGuard.excludedFunctions();
        assertTrue(excluded.containsAll(List.of("reflect", "java_method", "try_reflect")), excluded.toString());
        java.util.Set<String> builtin = new java.util.TreeSet<>();
        for (var id : scala.jdk.javaapi.CollectionConverters.asJava(
                org.apache.spark.sql.catalyst.analysis.FunctionRegistry$.MODULE$.builtin().listFunction())) {
            builtin.add(id.funcName());
        }
        for (var id : scala.jdk.javaapi.CollectionConverters.asJava(
                org.apache.spark.sql.catalyst.analysis.TableFunctionRegistry$.MODULE$.builtin().listFunction())) {
            builtin.add(id.funcName());
        }
        for (String f : builtin) {
            assertTrue(allowed.contains(f) ^ excluded.contains(f), "builtin " + f + " must be either allowed or"
                    + " excluded in sql-functions.txt, not both");
        }
        SparkSession g = guarded();
        java.util.Set<String> left = new java.util.TreeSet<>();
        for (var id : scala.jdk.javaapi.CollectionConverters.asJava(g.sessionState().functionRegistry().listFunction())) {
            left.add(id.funcName());
        }
        for (var id : scala.jdk.javaapi.CollectionConverters.asJava(
                g.sessionState().tableFunctionRegistry().listFunction())) {
            left.add(id.funcName());
        }
        assertTrue(allowed.containsAll(left), "only allowed functions stay in the sql session");
        for (String f : excluded) {
            assertFalse(left.contains(f), f);
        }
        // Everyday functions of every kind stay available.
        assertDoesNotThrow(() -> SqlGuard.check(g, "SELECT width, percentile_approx(loss_final, 0.5) OVER (PARTITION BY n), stddev(eta) OVER (),"
                + " row_number() OVER (PARTITION BY n ORDER BY width), ceil(log10(width)), concat_ws('-', sweep, task_id),"
                + " CASE WHEN status = 'ok' THEN 1 ELSE 0 END, date_format(current_timestamp(), 'yyyy')"
                + " FROM runs LATERAL VIEW explode(array(1, 2)) e AS k"));
    }

    @Test
    void filesByPathAndSyntaxErrorsAreRejected() throws Exception {
        Result r = sweep("sql", "--out", out.toString(), "SELECT * FROM parquet.`" + out.resolve("runs") + "`");
        assertEquals(Main.USAGE, r.code(), "reading files by path is refused: " + r.out());
        assertEquals(1, r.err().lines().count(), "one line, no plan: " + r.err());
        Result bad = sweep("sql", "--out", out.toString(), "SELEC 1");
        assertEquals(Main.USAGE, bad.code());
        assertTrue(bad.err().contains("syntax error"), bad.err());
        assertDoesNotThrow(() -> SqlGuard.check(guarded(), "/* comment */ SELECT 1"));
    }

    @Test
    void statementsFromStdinAreAnsweredOneAfterAnotherWithOneSession() {
        String input = "SELECT count(*) AS n FROM runs;\n"
                + "SELECT 'a;b' AS s -- a comment; with a semicolon\n;\n"
                + "SELEC 1;\n"
                + "SELECT nosuchcolumn FROM runs;\n"
                + "DROP VIEW runs;\n"
                + "SELECT width FROM runs WHERE width = 8 ORDER BY width";
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.execute(new String[] {"sql", "--out", out.toString(), "--format", "csv"},
                new java.io.ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(Main.USAGE, code, "three statements failed");
        List<String> lines = o.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("n", Long.toString(RUNS), "-- ok", "s", "a;b", "-- ok"), lines.subList(0, 6));
        assertTrue(lines.get(6).startsWith("-- error: ") && lines.get(6).contains("syntax error"), lines.get(6));
        assertTrue(lines.get(7).startsWith("-- error: ") && lines.get(7).contains("nosuchcolumn"), lines.get(7));
        assertTrue(lines.get(8).startsWith("-- error: ") && lines.get(8).contains("refused"), lines.get(8));
        assertEquals(List.of("width", "8", "8", "-- ok"), lines.subList(9, lines.size()));
        assertEquals(3, e.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("sweep: ")).count());
    }

    @Test
    void sqlErrorsAreSparksOneLineMessageWithExitCode2() {
        Result r = sweep("sql", "--out", out.toString(), "SELECT nosuchcolumn FROM runs");
        assertEquals(Main.USAGE, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("sweep: [UNRESOLVED_COLUMN"), r.err());
        assertTrue(r.err().contains("nosuchcolumn"), r.err());
    }

    @Test
    void statusCountsStoredAndPlannedTasks() throws Exception {
        Result r = sweep("status", "--out", out.toString());
        assertEquals(Main.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("sweep  stored  last_planned  ok  diverged  failed"), lines.get(0));
        assertTrue(lines.get(2).matches("views\\s+6\\s+6\\s+6\\s+0\\s+0\\s+.*"), lines.get(2));
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().equals("_lock")), "sql/status take no lock");
        }
    }
}
