package org.sweep.driver.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sweep.driver.store.Tables;

/**
 * What a user's shell sees from separate driver JVMs: an interrupt (Ctrl-C's SIGINT) prints one line and keeps what was
 * committed; {@code sql} and {@code status} leave no spark-warehouse/ in the working directory; a
 * UI without SPARK_LOCAL_IP is refused before anything listens.
 */
class ProcessEnvironmentTest {
    @Test
    void interruptPrintsOneLineAndTheNextRunResumes() throws Exception {
        StoredTables ref = ReliabilitySweep.reference();
        Path dir = ReliabilitySweep.base().resolve("ctrl-c");
        ReliabilitySweep.deleteTree(dir);
        Path file = ReliabilitySweep.writeFile(dir);
        Path out = dir.resolve("out");
        Path log = dir.resolve("interrupted.log");
        // Ctrl-C is SIGINT. A process started in the background by a non-interactive shell (as test
        // runners may be) inherits SIGINT ignored, and the JVM then never sees it; Python resets it
        // to the default disposition and execs the driver (same pid), as an interactive shell would.
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3 to undo an inherited SIG_IGN");
        ProcessBuilder pb = SweepCli.builder(dir, log, null,
                List.of("run", file.toString(), "--out", out.toString(), "--master", "local[2]"));
        List<String> cmd = new ArrayList<>(List.of(python.toString(), "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"));
        cmd.addAll(pb.command());
        Process p = pb.command(cmd).start();
        try {
            assertTrue(DriverFailureTest.awaitFirstWave(p, out), "no wave committed before the run ended:\n"
                    + Files.readString(log));
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -INT sent");
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run stops on SIGINT");
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(log);
        Matcher m = Pattern.compile("sweep: interrupted; ([0-9]+) tasks stored; rerun to resume").matcher(text);
        assertTrue(m.find(), text);
        assertFalse(text.contains(" ERROR "), "no ERROR lines after the interrupt:\n" + text);
        assertFalse(text.contains("\tat "), "no stack traces after the interrupt:\n" + text);
        assertTrue(text.strip().endsWith("rerun to resume"), "the interruption's line is the last one:\n" + text);
        StoredTables before = StoredTables.read(out, ReliabilitySweep.NAME);
        before.assertNoDuplicatesNoOrphans();
        assertTrue(Long.parseLong(m.group(1)) <= before.rows(Tables.RUNS), "the count printed was stored: " + text);

        SweepCli.Result again = SweepCli.run(dir, null, "run", file.toString(), "--out", out.toString(),
                "--master", "local[2]");
        assertEquals(0, again.rc(), again.output());
        StoredTables after = StoredTables.read(out, ReliabilitySweep.NAME);
        after.assertNoDuplicatesNoOrphans();
        DriverFailureTest.assertSameAsReference(ref, after);
    }

    @Test
    void sqlAndStatusLeaveNoWarehouseInTheWorkingDirectory() throws Exception {
        Path dir = ReliabilitySweep.base().resolve("warehouse");
        ReliabilitySweep.deleteTree(dir);
        Path out = ReliabilitySweep.base().resolve("warehouse-out");
        ReliabilitySweep.deleteTree(out);
        Files.createDirectories(dir);
        // A small sweep (4 tasks of 20 steps): only the working directory matters here.
        Path file = Files.writeString(Files.createDirectories(ReliabilitySweep.base().resolve("warehouse-file"))
                .resolve("sweep.yaml"), BadInputCatalogTest.BASE);
        SweepCli.Result run = SweepCli.run(dir, null, "run", file.toString(), "--out", out.toString(), "--master", "local[2]");
        assertEquals(0, run.rc(), run.output());
        for (List<String> args : List.of(List.of("sql", "--out", out.toString(), "SELECT count(*) FROM runs"),
                List.of("status", "--out", out.toString()))) {
            SweepCli.Result r = SweepCli.run(dir, null, args.toArray(new String[0]));
            assertEquals(0, r.rc(), r.output());
        }
        try (var s = Files.list(dir)) {
            List<String> names = s.map(q -> q.getFileName().toString()).filter(n -> !n.endsWith(".log")).toList();
            assertEquals(List.of(), names, "nothing but the logs in the working directory");
        }
        assertFalse(Files.exists(out.resolve("spark-warehouse")));
    }

    @Test
    void uiWithoutSparkLocalIpIsRefusedBeforeAnythingListens() throws Exception {
        Path dir = ReliabilitySweep.base().resolve("ui");
        ReliabilitySweep.deleteTree(dir);
        Path file = ReliabilitySweep.writeFile(dir);
        Path out = dir.resolve("out");
        Path log = dir.resolve("ui.log");
        ProcessBuilder pb = SweepCli.builder(dir, log, null, List.of("run", file.toString(), "--out", out.toString(),
                "--master", "local[1]", "--conf", "spark.ui.enabled=true"));
        pb.environment().remove("SPARK_LOCAL_IP");
        SweepCli.Result r = SweepCli.await(pb.start(), log);
        assertEquals(2, r.rc(), r.output());
        assertTrue(r.output().contains("sweep: the Spark UI would listen on all network interfaces: set"
                + " SPARK_LOCAL_IP=127.0.0.1 (bin/sweep does) or the address it should listen on\n"), r.output());
        assertFalse(Files.exists(out), "nothing written");
    }
}
