package org.sweep.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertUsage("unknown command 'rnu' (did you mean 'run'?)", "rnu");
        assertUsage("unknown command 'stauts' (did you mean 'status'?)", "stauts");
        assertUsage("run expects exactly one sweep file, got 0", "run");
        assertUsage("run expects exactly one sweep file, got 2", "run", "a.yaml", "b.yaml");
        assertUsage("--out needs a value", "run", "a.yaml", "--out");
        assertUsage("unknown option '--bogus' for run", "run", "a.yaml", "--bogus");
        assertUsage("--set expects key=value, got 'width'", "plan", "a.yaml", "--set", "width");
        assertUsage("--format must be table, csv or json, got 'xml'", "sql", "--format", "xml", "SELECT 1");
        assertUsage("sql expects exactly one quoted statement, got 2", "sql", "SELECT 1", "SELECT 2");
        assertUsage("--set applies to run, plan and status only", "sql", "--set", "a=1", "SELECT 1");
        assertUsage("--conf expects spark.key=value", "run", "a.yaml", "--conf", "x=1");
        assertUsage("sweep file " + dir.resolve("missing.yaml") + " does not exist", "run",
                dir.resolve("missing.yaml").toString());
        assertUsage("no results at", "status", "--out", dir.resolve("nothing").toString());
        // The analysis tables are local only: a Hadoop URI is refused before anything connects to it.
        assertUsage("--out hdfs://127.0.0.1:1/results: analyze writes its analysis tables to a local directory only",
                "analyze", "threshold", "--sweep", "s", "--out", "hdfs://127.0.0.1:1/results");
        Path file = Files.writeString(dir.resolve("out-is-a-file"), "x");
        Path sweepFile = Files.writeString(dir.resolve("s.yaml"), TINY);
        assertUsage("exists and is not a directory", "run", sweepFile.toString(), "--out", file.toString());
        assertTrue(Files.isRegularFile(file), "the file given as --out is left alone");
        // A port nothing listens on (bound and released just now): fails at once, before Spark starts.
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        assertUsage("cannot reach the Spark master spark://127.0.0.1:" + port, "run", sweepFile.toString(), "--out",
                dir.resolve("o").toString(), "--master", "spark://127.0.0.1:" + port);
        assertTrue((System.nanoTime() - t0) / 1e9 < MasterCheck.CONNECT_TIMEOUT_MILLIS / 1000.0 + 5, "fails fast");
        assertTrue(Files.notExists(dir.resolve("o")), "nothing written");
    }

    static final String TINY = """
            name: s
            grid:
              width: [16, 64]
            data: {kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian}
            train: {steps: 20, eta_mode: stability, eta: 0.5, checkpoints: 4, spectrum_checkpoints: 1}
            """;

    @Test
    void configErrorsAreOneLineWithFileLineAndKeyBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), TINY.replace("width: [16, 64]", "width: [16, -1]"));
        Path out = dir.resolve("out");
        SqlViewsTest.Result r = sweep("run", bad.toString(), "--out", out.toString());
        assertEquals(Main.USAGE, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("sweep: " + bad + ":3: "), r.err());
        assertTrue(r.err().contains("width"), r.err());
        assertTrue(Files.notExists(out), "nothing written for a bad sweep file");
        SqlViewsTest.Result set = sweep("plan", bad.toString(),
                "--set", "grid.widht=[4]");
        assertEquals(Main.USAGE, set.code());
        assertTrue(set.err().contains("widht"), set.err());
    }

    @Test
    void helpPrintsUsageGeneratedFromTheOptions() {
        SqlViewsTest.Result r = sweep("help");
        assertEquals(Main.OK, r.code());
        for (String command : List.of("run", "plan", "sql", "status", "analyze", "search", "bench", "completion", "help")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + command + " ")), command + " in " + r.out());
        }
        SqlViewsTest.Result runHelp = sweep("run", "--help");
        assertEquals(Main.OK, runHelp.code());
        for (String option : List.of("--out=DIR", "--master=URL", "--set=key=value", "--conf=spark.key=value",
                "--executor-memory=SIZE", "--[no-]ui", "FILE")) {
            assertTrue(runHelp.out().contains(option), option + " in " + runHelp.out());
        }
        assertEquals(runHelp.out(), sweep("help", "run").out(), "help run is run --help");
        assertTrue(sweep("sql", "--help").out().contains("--format=table|csv|json"));
    }

    @Test
    void analyzeAndSearchRejectBadOptionsBeforeAnyWork() {
        SqlViewsTest.Result none = sweep("analyze", "threshold");
        assertEquals(Main.USAGE, none.code());
        assertTrue(none.err().contains("--sweep"), none.err());
        SqlViewsTest.Result crit = sweep("analyze", "threshold", "--sweep", "x", "--criterion", "nope");
        assertEquals(Main.USAGE, crit.code());
        assertTrue(crit.err().contains("--criterion must be one of bound_holds, lemma, target, kernel"), crit.err());
        SqlViewsTest.Result delta = sweep("analyze", "threshold", "--sweep", "x", "--delta", "0");
        assertEquals(Main.USAGE, delta.code());
        assertTrue(delta.err().contains("--delta 0.0"), delta.err());
        SqlViewsTest.Result which = sweep("analyze");
        assertEquals(Main.USAGE, which.code());
        assertTrue(which.err().contains("threshold or calibrate"), which.err());
        SqlViewsTest.Result search = sweep("search");
        assertEquals(Main.USAGE, search.code());
        assertTrue(search.err().contains("exactly one sweep file"), search.err());
        SqlViewsTest.Result rounds = sweep("search", "../conf/tiny.yaml", "--rounds", "-1");
        assertEquals(Main.USAGE, rounds.code());
        assertTrue(rounds.err().contains("--rounds -1"), rounds.err());
    }

    @Test
    void completionScriptCoversTheCommandsAndTheirOptions() {
        SqlViewsTest.Result r = sweep("completion");
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().lines().findFirst().orElse(""));
        assertTrue(r.out().contains("complete -F _complete_sweep"), "registers the completion function");
        assertTrue(r.out().contains("--executor-memory"), "options of run");
        assertTrue(r.out().contains("--format"), "options of sql");
    }

    @Test
    void hydraStyleListsAndYamlColonHints(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("s.yaml"), TINY);
        SqlViewsTest.Result r = sweep("plan", file.toString(), "--set", "grid.width=8,16,32");
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains(": 3 tasks"), r.out());
        assertTrue(r.out().contains("--set grid.width=[8,16,32]"), "the list as YAML in the echoed command: " + r.out());
        Path noSpace = Files.writeString(dir.resolve("n.yaml"), TINY.replace("[16, 64]", "{from:8, to: 64, factor: 2}"));
        SqlViewsTest.Result bad = sweep("plan", noSpace.toString());
        assertEquals(Main.USAGE, bad.code());
        assertTrue(bad.err().contains("unknown key 'from:8' in a range (write 'from: 8' with a space after ':'"),
                bad.err());
    }

    @Test
    void insideYarnsApplicationMasterMainReturnsOnSuccessAndThrowsOtherwise() {
        java.util.Properties am = new java.util.Properties();
        am.setProperty("spark.submit.deployMode", "cluster");
        am.setProperty("spark.yarn.app.id", "application_1_0001");
        assertTrue(Main.inYarnApplicationMaster(am));
        java.util.Properties client = new java.util.Properties();
        client.putAll(am);
        client.setProperty("spark.submit.deployMode", "client");
        assertFalse(Main.inYarnApplicationMaster(client), "client mode: bin/sweep's or spark-submit's own JVM");
        java.util.Properties clusterNotYarn = new java.util.Properties();
        clusterNotYarn.setProperty("spark.submit.deployMode", "cluster");
        assertFalse(Main.inYarnApplicationMaster(clusterNotYarn), "cluster mode elsewhere (standalone, Kubernetes)");
        assertFalse(Main.inYarnApplicationMaster(new java.util.Properties()), "bin/sweep");
        assertFalse(Main.inYarnApplicationMaster(System.getProperties()), "this test JVM");

        Main.endInApplicationMaster(Main.OK);
        for (int code : new int[] {Main.FAILED, Main.USAGE, Main.LOCKED}) {
            Main.DriverFailedException e = assertThrows(Main.DriverFailedException.class,
                    () -> Main.endInApplicationMaster(code));
            assertEquals(code, e.exitCode());
            assertTrue(e.getMessage().startsWith("sweep ended with exit code " + code + " ("), e.getMessage());
        }
        assertEquals("sweep ended with exit code 3 (output directory locked by another run); the driver's messages"
                + " are in this container's stderr",
                assertThrows(Main.DriverFailedException.class, () -> Main.endInApplicationMaster(3)).getMessage());
    }
}
