package org.sweep.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line errors: exit code 2 and a message naming the problem, before any Spark work. */
class MainTest {
    static SqlViewsTest.Result sweep(String... args) {
        return SqlViewsTest.sweep(args);
    }

    static void assertUsage(String expected, String... args) {
        SqlViewsTest.Result r = sweep(args);
        assertEquals(Main.USAGE, r.code(), String.join(" ", args));
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void usageErrors(@TempDir Path dir) throws Exception {
        assertUsage("no command given");
        assertUsage("unknown command 'frobnicate'", "frobnicate");
        assertUsage("run expects exactly one sweep file, got 0", "run");
        assertUsage("run expects exactly one sweep file, got 2", "run", "a.yaml", "b.yaml");
        assertUsage("--out needs a value", "run", "a.yaml", "--out");
        assertUsage("unknown option '--bogus' for run", "run", "a.yaml", "--bogus");
        assertUsage("--set expects key=value, got 'width'", "plan", "a.yaml", "--set", "width");
        assertUsage("--format must be table, csv or json, got 'xml'", "sql", "--format", "xml", "SELECT 1");
        assertUsage("sql expects exactly one quoted statement, got 0", "sql");
        assertUsage("--set applies to run and plan only", "sql", "--set", "a=1", "SELECT 1");
        assertUsage("--conf expects spark.key=value", "run", "a.yaml", "--conf", "x=1");
        assertUsage("sweep file " + dir.resolve("missing.yaml") + " does not exist", "run",
                dir.resolve("missing.yaml").toString());
        assertUsage("no results at", "status", "--out", dir.resolve("nothing").toString());
        Path file = Files.writeString(dir.resolve("out-is-a-file"), "x");
        Path sweepFile = Files.writeString(dir.resolve("s.yaml"), "name: s\n");
        assertUsage("exists and is not a directory", "run", sweepFile.toString(), "--out", file.toString());
    }

    @Test
    void helpPrintsUsage() {
        SqlViewsTest.Result r = sweep("help");
        assertEquals(Main.OK, r.code());
        assertTrue(r.out().contains("run FILE [--out DIR]"));
    }
}
