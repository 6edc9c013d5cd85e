package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.sweep.driver.plan.Sweeps.lines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.data.DataSource;
import org.sweep.worker.DataKind;
import org.sweep.worker.TaskSpec;

/** Sweep files on file data: keys, d from the file, errors with the line of the key at fault. */
class FileKindsTest {
    @TempDir
    Path dir;

    private Path csv() throws IOException {
        Path p = dir.resolve("pts.csv");
        StringBuilder sb = new StringBuilder("a,b,c,y\n");
        for (int i = 0; i < 30; i++) {
            sb.append(i + 1).append(',').append(i % 3).append(',').append(1).append(',').append(i % 2 == 0 ? "cat" : "dog").append('\n');
        }
        Files.writeString(p, sb.toString());
        return p;
    }

    @Test
    void csvSweepExpandsToFileTasksWithDFromTheHeader() throws Exception {
        Path f = csv();
        SweepPlan p = Sweeps.plan(lines("name: f",
                "grid: {labels: [true, permuted], n: [5, 15]}",
                "data: {kind: csv, path: '" + f + "', label_column: y, classes: [dog, cat], seed: 3}",
                "network: {width: 8}"));
        assertEquals(4, p.tasks().size());
        TaskSpec s = p.tasks().get(0).spec();
        assertEquals(DataKind.CSV, s.dataKind());
        assertEquals(3, s.d(), "d = feature columns of the header");
        assertEquals(3L, s.dataSeed());
        assertEquals(DataSource.csv(f.toString(), "y", List.of("dog", "cat")).withSha256(sha256(f)),
                DataSource.parse(s.dataset()));
        assertEquals(List.of("true", "permuted"), p.tasks().stream().map(t -> t.spec().labels()).distinct().toList());
    }

    @Test
    void fileProblemsAreErrorsAtTheLineOfTheirKey() throws Exception {
        Path f = csv();
        String missing = dir.resolve("none.csv").toString();
        String m = Sweeps.message(lines("name: f", "data:", "  kind: csv", "  n: 5", "  path: '" + missing + "'",
                "network: {width: 8}"));
        assertEquals("s.yaml:5: data.path: " + missing + ": CSV file does not exist", m);

        m = Sweeps.message(lines("name: f", "data:", "  kind: csv", "  n: 5", "  path: '" + f + "'", "  label_column: y",
                "  classes: [cat, bird]", "network: {width: 8}"));
        assertTrue(m.startsWith("s.yaml:7: data.classes: " + f + ": unknown class 'bird'"), m);

        m = Sweeps.message(lines("name: f", "data:", "  kind: csv", "  n: 31", "  path: '" + f + "'", "  label_column: y",
                "  classes: [dog, cat]", "network: {width: 8}"));
        assertEquals("s.yaml:4: data.n: n = 31 is more than the 30 rows of " + f + " with classes [dog, cat]", m);

        m = Sweeps.message(lines("name: f", "data:", "  kind: csv", "  n: 4", "  d: 5", "  path: '" + f + "'",
                "  label_column: y", "  classes: [cat, dog]", "network: {width: 8}"));
        assertTrue(m.startsWith("s.yaml:5: data.d: d = 5 but " + f + " has 3 features per row"), m);

        m = Sweeps.message(lines("name: f", "data:", "  kind: csv", "  n: 4", "  path: '" + f + "'",
                "network: {width: 8}"));
        assertTrue(m.startsWith("s.yaml:5: data.path: " + f + ":1: label column 'label' is not in the header"), m);

        m = Sweeps.message(lines("name: f", "data: {kind: idx, n: 4, path: x.gz}", "network: {width: 8}"));
        assertTrue(m.startsWith("s.yaml:2: data.labels_path: missing"), m);

        m = Sweeps.message(lines("name: f", "data: {kind: csv, n: 4, path: '" + f + "', label_column: y, classes: [cat, dog], labels: gaussian}",
                "network: {width: 8}"));
        assertTrue(m.contains("data.labels") && m.contains("true") && m.contains("permuted"), m);

        m = Sweeps.message(lines("name: f", "data: {kind: csv, n: 4, path: '" + f + "', label_column: y, classes: [cat]}",
                "network: {width: 8}"));
        assertTrue(m.startsWith("s.yaml:2: data.classes: expected a list of two classes"), m);
    }

    @Test
    void fashionMnistSweepTakesDFromTheIdxHeader() throws Exception {
        Path images = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
        assumeTrue(Files.isReadable(images), "Fashion-MNIST not installed (dataset-fashion-mnist): test skipped");
        SweepPlan p = Sweeps.plan(lines("name: fm",
                "data: {kind: idx, path: " + images + ", labels_path: /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz,",
                "       classes: [0, 6], n: 200, labels: permuted}",
                "network: {width: 64}"));
        assertEquals(784, p.tasks().get(0).spec().d());
        assertEquals(DataKind.IDX, p.tasks().get(0).spec().dataKind());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static Set<String> ids(SweepPlan p) {
        return p.tasks().stream().map(PlannedTask::taskId).collect(Collectors.toSet());
    }

    private static SweepPlan planFile(Path sweep, String dataLine) throws Exception {
        Files.writeString(sweep, lines("name: f", "grid: {labels: [true, permuted]}", dataLine, "network: {width: 8}"));
        return SweepPlanner.plan(sweep, List.of(), Sweeps.NO_LIMIT);
    }

    /**
     * The task identity holds the content: the same path with other bytes gives other ids, the same
     * bytes at another path the same fingerprint (in the dataset identifier). Relative paths are
     * resolved against the sweep file's folder, and errors name the resolved path.
     */
    @Test
    void theContentFingerprintIsPartOfTheTaskIdentity() throws Exception {
        Path f = csv();
        Path sub = Files.createDirectories(dir.resolve("studies"));
        Path sweep = sub.resolve("s.yaml");
        String data = "data: {kind: csv, path: ../pts.csv, label_column: y, classes: [dog, cat], n: 10}";
        SweepPlan before = planFile(sweep, data);
        DataSource src = DataSource.parse(before.tasks().get(0).spec().dataset());
        assertEquals(f.toAbsolutePath().toString(), src.path(), "relative to the sweep file's folder");
        assertEquals(sha256(f), src.sha256());
        assertEquals(ids(before), ids(planFile(sweep, data)), "same bytes, same ids");

        Files.writeString(f, Files.readString(f).replace("cat", "cAt").replace("dog", "cat").replace("cAt", "dog"));
        SweepPlan after = planFile(sweep, data);
        assertEquals(sha256(f), DataSource.parse(after.tasks().get(0).spec().dataset()).sha256());
        assertNotEquals(src.sha256(), sha256(f));
        assertTrue(java.util.Collections.disjoint(ids(before), ids(after)), "an edited file gives new ids");

        Path copy = Files.copy(f, sub.resolve("copy.csv"));
        SweepPlan moved = planFile(sweep, "data: {kind: csv, path: copy.csv, label_column: y, classes: [dog, cat], n: 10}");
        DataSource movedSrc = DataSource.parse(moved.tasks().get(0).spec().dataset());
        assertEquals(copy.toAbsolutePath().toString(), movedSrc.path());
        assertEquals(sha256(f), movedSrc.sha256(), "same bytes at another path: same fingerprint");

        Files.writeString(sweep, lines("name: f", "data: {kind: csv, n: 5, label_column: y,", "  path: nothere.csv}",
                "network: {width: 8}"));
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> SweepPlanner.plan(sweep, List.of(), Sweeps.NO_LIMIT));
        assertEquals(sweep + ":3: data.path: " + sub.resolve("nothere.csv").toAbsolutePath()
                + ": CSV file does not exist", e.getMessage());
    }
}
