package org.sweep.driver.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sweep.driver.store.Tables;

/**
 * The driver dies or has company: kill -9 of a running {@code bin/sweep run} followed by a second
 * run, and two runs started at once on one output directory. Both must end with exactly the tables
 * of an uninterrupted run.
 */
class DriverFailureTest {
    /** Bound on waiting for the first committed wave of a run (JVM and Spark start-up included). */
    private static final long FIRST_WAVE_TIMEOUT_MILLIS = 120_000;

    /** Committed waves of task results (marker files {@code _commits/w...}; s... are sweep records). */
    static long committedWaves(Path out) throws Exception {
        Path commits = out.resolve("_commits");
        if (!Files.isDirectory(commits)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(commits)) {
            // w<wave>.pending is written before a wave's files move: not a commit yet
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("w") && !n.endsWith(".tmp") && !n.endsWith(".pending")).count();
        }
    }

    /** Waits until a run has committed its first wave (and is still running); false if it ended first. */
    static boolean awaitFirstWave(Process p, Path out) throws Exception {
        long deadline = System.currentTimeMillis() + FIRST_WAVE_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            if (committedWaves(out) > 0) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    static void assertSameAsReference(StoredTables ref, StoredTables got) {
        for (String table : List.of(Tables.RUNS, Tables.TRAJECTORIES, Tables.SPECTRA)) {
            List<List<Object>> want = ref.rows.get(table);
            List<List<Object>> have = got.rows.get(table);
            assertEquals(want.size(), have.size(), table + " row count");
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i), have.get(i), table + " row " + i + " differs from the uninterrupted run");
            }
        }
    }

    @Test
    void killedDriverResumesWithOnlyTheMissingTasks() throws Exception {
        StoredTables ref = ReliabilitySweep.reference();
        Path dir = ReliabilitySweep.base().resolve("driver-kill");
        ReliabilitySweep.deleteTree(dir);
        Path file = ReliabilitySweep.writeFile(dir);
        Path out = dir.resolve("out");
        Path log = dir.resolve("killed.log");
        Process p = SweepCli.start(dir, log, null, "run", file.toString(), "--out", out.toString(), "--master", "local[2]");
        try {
            assertTrue(awaitFirstWave(p, out), "no wave committed before the run ended:\n" + Files.readString(log));
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup, lock left behind
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, p.exitValue(), "the driver was killed by SIGKILL");
        StoredTables before = StoredTables.read(out, ReliabilitySweep.NAME);
        before.assertNoDuplicatesNoOrphans();
        long stored = before.rows(Tables.RUNS);
        assertTrue(stored > 0 && stored < ReliabilitySweep.TASKS, "killed mid-sweep: " + stored + " runs committed");
        assertTrue(Files.exists(out.resolve("_lock")), "a killed driver leaves its lock");

        SweepCli.Result again = SweepCli.run(dir, null, "run", file.toString(), "--out", out.toString(),
                "--master", "local[2]");
        assertEquals(0, again.rc(), again.output());
        assertTrue(again.output().contains("sweep " + ReliabilitySweep.NAME + ": " + stored + " of "
                + ReliabilitySweep.TASKS + " tasks already stored in " + out + "; running the other "
                + (ReliabilitySweep.TASKS - stored)), again.output());
        StoredTables after = StoredTables.read(out, ReliabilitySweep.NAME);
        after.assertNoDuplicatesNoOrphans();
        assertSameAsReference(ref, after);
        // Rows committed before the kill were kept, not recomputed: same creation times.
        before.createdAt.forEach((id, t) -> assertEquals(t, after.createdAt.get(id), "runs row " + id + " rewritten"));
        assertFalse(Files.exists(out.resolve("_lock")), "lock released after the run");
        try (Stream<Path> s = Files.list(out)) {
            assertFalse(s.anyMatch(q -> q.getFileName().toString().equals("_staging") && q.toFile().list().length > 0),
                    "staging folders left behind");
        }
    }

    @Test
    void twoRunsOnOneOutputDirectory() throws Exception {
        StoredTables ref = ReliabilitySweep.reference();
        Path dir = ReliabilitySweep.base().resolve("two-runs");
        ReliabilitySweep.deleteTree(dir);
        Path file = ReliabilitySweep.writeFile(dir);
        Path out = dir.resolve("out");
        Path log1 = dir.resolve("first.log");
        Path log2 = dir.resolve("second.log");
        String[] args = {"run", file.toString(), "--out", out.toString(), "--master", "local[1]"};
        Process p1 = SweepCli.start(dir, log1, null, args);
        Process p2 = SweepCli.start(dir, log2, null, args);
        SweepCli.Result r1 = SweepCli.await(p1, log1);
        SweepCli.Result r2 = SweepCli.await(p2, log2);
        String both = "first (rc " + r1.rc() + "):\n" + r1.output() + "\nsecond (rc " + r2.rc() + "):\n" + r2.output();
        boolean bothFinished = r1.rc() == 0 && r2.rc() == 0;
        boolean oneRefused = r1.rc() + r2.rc() == 3 && (r1.rc() == 3 || r2.rc() == 3);
        assertTrue(bothFinished || oneRefused, both);
        if (oneRefused) {
            String refused = r1.rc() == 3 ? r1.output() : r2.output();
            assertTrue(refused.contains("sweep: output directory " + out + " is in use by another sweep run (pid "), both);
        }
        StoredTables got = StoredTables.read(out, ReliabilitySweep.NAME);
        got.assertNoDuplicatesNoOrphans();
        assertSameAsReference(ref, got);
        assertFalse(Files.exists(out.resolve("_lock")), "lock released");
    }
}
