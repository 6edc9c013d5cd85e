package org.sweep.driver.reliability;

import org.sweep.driver.store.Tables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The sweep the reliability tests run: 2 widths x 24 seeds = 48 small tasks (n = 40, d = 10, 300 steps),
 * some 10-50 ms each on one core, so a run has several waves and lasts long enough to be killed
 * mid-sweep. Its uninterrupted {@code local[1]} run is the reference every other run must equal.
 */
final class ReliabilitySweep {
    static final String NAME = "reliability";
    static final int TASKS = 48;
    static final String YAML = """
            # Reliability tests: 2 widths x 24 seeds = 48 tasks of some 10-50 ms.
            name: reliability
            grid:
              width: [64, 128]
              seed: {from: 0, count: 24}
            data: {kind: sphere, n: 40, d: 10, seed: 0, labels: gaussian}
            train: {steps: 300, eta: 0.5, eta_mode: stability, checkpoints: 8, spectrum_checkpoints: 2, target_loss_ratio: 0}
            """;

    private static StoredTables reference;

    private ReliabilitySweep() {
    }

    static Path base() {
        return Path.of("target", "reliability").toAbsolutePath();
    }

    static Path writeFile(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("reliability.yaml");
        Files.writeString(f, YAML);
        return f;
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                s.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
            }
        }
    }

    /** The tables of an uninterrupted local[1] run, computed once per test JVM. */
    static synchronized StoredTables reference() throws Exception {
        if (reference == null) {
            Path dir = base().resolve("reference");
            deleteTree(dir);
            Path file = writeFile(dir);
            Path out = dir.resolve("out");
            SweepCli.Result r = SweepCli.run(dir, null, "run", file.toString(), "--out", out.toString(),
                    "--master", "local[1]");
            if (r.rc() != 0) {
                throw new AssertionError("reference run failed (rc " + r.rc() + "):\n" + r.output());
            }
            StoredTables t = StoredTables.read(out, NAME);
            t.assertNoDuplicatesNoOrphans();
            if (t.rows(org.sweep.driver.store.Tables.RUNS) != TASKS) {
                throw new AssertionError("reference run stored " + t.rows(org.sweep.driver.store.Tables.RUNS) + " runs");
            }
            reference = t;
        }
        return reference;
    }
}
