package org.sweep.driver.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.driver.cli.Main;

/**
 * Bad input tried on purpose: each case runs {@code bin/sweep run FILE --out OUT} (the same code,
 * in-process) and checks the exact one-line message the user sees on stderr, the exit code, and
 * that the output directory was not created.
 */
class BadInputCatalogTest {
    /** A valid sweep: every case changes one thing in it. */
    static final String BASE = """
            name: bad
            grid:
              width: [16, 32]
              seed: [0, 1]
            data: {kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian}
            train: {steps: 20, eta: 0.5, eta_mode: stability, checkpoints: 4, spectrum_checkpoints: 1}
            """;

    record Case(String name, String yaml, List<String> args, int code, String message) {
    }

    record Outcome(int code, String out, String err) {
    }

    static Outcome sweep(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static String replace(String what, String with) {
        if (!BASE.contains(what)) {
            throw new IllegalArgumentException(what);
        }
        return BASE.replace(what, with);
    }

    /** Files the dataset cases read, written into the temporary folder as {@code DIR/...}. */
    static void writeDataFiles(Path dir) throws Exception {
        Files.writeString(dir.resolve("ok.csv"), "x1,x2,label\n1,0,1\n0,1,-1\n0.6,0.8,1\n");
        Files.writeString(dir.resolve("empty.csv"), "");
        Files.writeString(dir.resolve("ragged.csv"), "x1,x2,label\n1,0,1\n0,1\n");
        Files.writeString(dir.resolve("word.csv"), "x1,x2,label\n1,0,1\n0,abc,-1\n");
        Files.writeString(dir.resolve("nan.csv"), "x1,x2,label\n1,0,1\n0,NaN,-1\n");
        Files.writeString(dir.resolve("zero.csv"), "x1,x2,label\n1,0,1\n0,0,-1\n");
        // IDX images: magic 0x00000803, 3 images of 2x2, but only 2 images of data (truncated).
        byte[] head = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2};
        byte[] truncated = new byte[head.length + 8];
        System.arraycopy(head, 0, truncated, 0, head.length);
        for (int i = head.length; i < truncated.length; i++) {
            truncated[i] = (byte) (i * 7);
        }
        Files.write(dir.resolve("images.idx"), truncated);
        Files.write(dir.resolve("labels.idx"), new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 0});
        Files.write(dir.resolve("garbage.parquet"), "this is not a parquet file".getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("huge.csv"), "x1,x2,label\n1,0,1\n1e200,1e200,-1\n");
        Files.writeString(dir.resolve("hex.csv"), "x1,x2,label\n1,0,1\n0x1p3,1,-1\n");
        Files.writeString(dir.resolve("suffix.csv"), "x1,x2,label\n1,0,1\n1,2f,-1\n");
        Files.writeString(dir.resolve("hugelabel.csv"), "x1,x2,label\n1,0,1\n1,1,1e200\n");
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        List<String> none = List.of();
        c.add(new Case("malformed YAML", replace("width: [16, 32]", "width: [16, 32"), none, 2, "FILE:4: malformed YAML: while parsing a flow sequence (line 3), expected ',' or ']', but got :"));
        c.add(new Case("tab indentation", replace("  seed: [0, 1]", "\tseed: [0, 1]"), none, 2, "FILE:4: malformed YAML: while scanning for the next token, found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)"));
        c.add(new Case("unknown top-level key with suggestion", BASE + "trian: {steps: 5}\n", none, 2, "FILE:7: trian: unknown key 'trian' (did you mean 'train'?); expected one of name, description, grid, data, network, train"));
        c.add(new Case("unknown section key with suggestion", replace("steps: 20", "stpes: 20"), none, 2, "FILE:6: train.stpes: unknown key 'stpes' in train (did you mean 'steps'?); expected one of seed, eta, eta_mode, steps, target_loss_ratio, checkpoints, spectrum_checkpoints, loss, batch_size"));
        c.add(new Case("unknown grid key with suggestion", replace("  width: [16, 32]", "  widht: [16, 32]"), none, 2, "FILE:3: grid.widht: unknown key 'widht' in grid (did you mean 'width'?); expected one of width, n, d, data_seed, labels, kappa, seed, eta, eta_mode, steps, target_loss_ratio, checkpoints, spectrum_checkpoints, loss, activation, batch_size, train_layers"));
        c.add(new Case("wrong type", replace("steps: 20", "steps: many"), none, 2, "FILE:6: train.steps: expected an integer, got 'many'"));
        c.add(new Case("fraction for an integer", replace("[16, 32]", "[16, 32.5]"), none, 2, "FILE:3: grid.width: expected an integer, got '32.5'"));
        c.add(new Case("zero width", replace("[16, 32]", "[16, 0]"), none, 2, "FILE:3: grid.width: must be >= 1, got 0"));
        c.add(new Case("negative n", replace("n: 10", "n: -4"), none, 2, "FILE:5: data.n: must be >= 2, got -4"));
        c.add(new Case("n = 1", replace("n: 10", "n: 1"), none, 2, "FILE:5: data.n: must be >= 2, got 1"));
        c.add(new Case("zero steps", replace("steps: 20", "steps: 0"), none, 2, "FILE:6: train.steps: must be >= 1, got 0"));
        c.add(new Case("eta = 0", replace("eta: 0.5", "eta: 0"), none, 2, "FILE:6: train.eta: must be > 0, got 0.0"));
        c.add(new Case("negative eta", replace("eta: 0.5", "eta: -0.1"), none, 2, "FILE:6: train.eta: must be > 0, got -0.1"));
        c.add(new Case("NaN in YAML", replace("eta: 0.5", "eta: .nan"), none, 2, "FILE:6: train.eta: expected a finite number, got '.nan'"));
        c.add(new Case("Infinity in YAML", replace("eta: 0.5", "eta: .inf"), none, 2, "FILE:6: train.eta: expected a finite number, got '.inf'"));
        c.add(new Case("empty list", replace("[16, 32]", "[]"), none, 2, "FILE:3: grid.width: empty list; give at least one value"));
        c.add(new Case("range that never reaches its end", replace("[16, 32]", "{from: 64, to: 16}"), none, 2, "FILE:3: grid.width: range never reaches 'to': from 64 to 16 with step 1 (count down with a negative step)"));
        c.add(new Case("geometric range that never reaches its end", replace("[16, 32]", "{from: 64, to: 16, factor: 2}"), none, 2, "FILE:3: grid.width: range never reaches 'to': from 64 to 16 with factor 2 only grows"));
        c.add(new Case("axis both scalar and grid", replace("data: {", "network: {width: 8}\ndata: {"), none, 2, "FILE:5: network.width: also given as grid.width at line 3; give a parameter either in its section or under grid, not both"));
        c.add(new Case("duplicate grid axis", replace("  seed: [0, 1]", "  seed: [0, 1]\n  width: [8]"), none, 2, "FILE:5: grid.width: duplicate key (first given at line 3)"));
        c.add(new Case("duplicate value in a list", replace("[16, 32]", "[16, 16]"), none, 2, "FILE:3: grid.width: 16 is given twice"));
        c.add(new Case("absurd size beyond memory", replace("[16, 32]", "[16, 100000000]").replace("n: 10", "n: 100000"),
                List.of("--executor-memory", "1g"), 2, "re:FILE:3: grid.width: task width=100000000 n=100000 d=5 needs an estimated [0-9.]+ TiB, more than the executor memory of 1.0 GiB \\(4 of 4 tasks are too large\\)"));
        c.add(new Case("unknown data kind", replace("kind: sphere", "kind: spiral"), none, 2, "FILE:5: data.kind: unknown data kind 'spiral'; expected one of sphere, idx, csv, parquet"));
        c.add(new Case("unknown label kind", replace("labels: gaussian", "labels: zebra"), none, 2, "FILE:5: data.labels: unknown labels 'zebra'; expected one of gaussian, sign, random-sign for sphere data"));
        c.add(new Case("spectrum checkpoints above checkpoints", replace("spectrum_checkpoints: 1", "spectrum_checkpoints: 9"), none, 2, "FILE:6: train.spectrum_checkpoints: 9 is more than checkpoints = 4 (train.checkpoints at line 6); spectra are computed at some of the checkpoints"));
        c.add(new Case("logistic loss with real-valued labels", replace("checkpoints: 4,", "checkpoints: 4, loss: logistic,"),
                none, 2, "FILE:6: train.loss: logistic needs labels +-1, but labels = gaussian (data.labels at line 5); use labels sign or random-sign"));
        c.add(new Case("override with a bad value", BASE, List.of("--set", "train.steps=abc"), 2, "--set train.steps=abc: train.steps: expected an integer, got 'abc'"));
        c.add(new Case("override of an unknown key", BASE, List.of("--set", "train.stesp=5"), 2, "--set train.stesp=5: train.stesp: unknown key 'stesp' in train (did you mean 'steps'?); expected one of seed, eta, eta_mode, steps, target_loss_ratio, checkpoints, spectrum_checkpoints, loss, batch_size"));
        c.add(new Case("YAML tag that would construct a Java object",
                replace("name: bad", "name: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:9/\"]]]]"),
                none, 2, "FILE:1: name: expected a single value, got a list"));
        c.add(new Case("sweep name that would leave the output directory", replace("name: bad", "name: ../../etc/x"),
                none, 2, "FILE:1: name: '../../etc/x' is not a valid name; use at most 128 letters, digits, '_', '.' and '-' (it becomes a directory name)"));
        c.add(new Case("missing dataset file", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/missing.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/missing.csv: CSV file does not exist"));
        c.add(new Case("empty dataset file", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/empty.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/empty.csv: CSV file is empty (0 bytes)"));
        c.add(new Case("ragged CSV row", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/ragged.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/ragged.csv:3: 2 columns, the header has 3"));
        c.add(new Case("malformed number in CSV", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/word.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/word.csv:3: column 'x2': 'abc' is not a number"));
        c.add(new Case("NaN feature in dataset", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/nan.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/nan.csv:3: column 'x2': NaN is not finite"));
        c.add(new Case("zero vector in dataset", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/zero.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/zero.csv:3: all features are zero; a zero vector cannot be normalized to unit norm"));
        c.add(new Case("truncated IDX file", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: idx, path: DIR/images.idx, labels_path: DIR/labels.idx, n: 2"), none, 2, "FILE:5: data.path: DIR/images.idx: truncated IDX file: header declares 3 items (shape 3x2x2) but the data ends after 2 complete items"));
        c.add(new Case("not a Parquet file", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: parquet, path: DIR/garbage.parquet, n: 2"), none, 2, "FILE:5: data.path: DIR/garbage.parquet: cannot read as Parquet: not a Parquet file, or a corrupt one (its footer cannot be read)"));
        c.add(new Case("n larger than the dataset", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/ok.csv, n: 50"), none, 2, "FILE:5: data.n: n = 50 is more than the 3 rows of DIR/ok.csv"));
        // relative data paths are resolved against the sweep file's folder (DIR/<case>/), and errors name the result
        c.add(new Case("relative dataset path that is missing", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: missing.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/relative-dataset-path-that-is-missing/missing.csv: CSV file does not exist"));
        c.add(new Case("relative dataset path beside the sweep file", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: ../ok.csv, n: 50"), none, 2, "FILE:5: data.n: n = 50 is more than the 3 rows of DIR/ok.csv"));
        c.add(new Case("unreachable master", BASE, List.of("--master", "spark://127.0.0.1:CLOSED"), 2, "cannot reach the Spark master spark://127.0.0.1:CLOSED (127.0.0.1:CLOSED: Connection refused); is the cluster running? (bin/cluster status)"));
        c.add(new Case("malformed master URL", BASE, List.of("--master", "spark://127.0.0.1"), 2, "--master spark://127.0.0.1: '127.0.0.1' is not HOST:PORT (e.g. spark://127.0.0.1:7077)"));
        c.add(new Case("YAML alias bomb", BASE + aliasBomb(), none, 2, "FILE:7: b9: the document expands to more than 100000 values (aliases of aliases?)"));
        c.add(new Case("200000 nested brackets", replace("[16, 32]", "[".repeat(200_000) + "]".repeat(200_000)), none, 2, "FILE:3: malformed YAML: nested too deeply (more than 32 levels of [ or {)"));
        c.add(new Case("range of more values than a long holds", replace("  seed: [0, 1]", "  seed: [0, 1]\n  kappa: {from: 1, to: 2, step: 1e-300}"), none, 2, "FILE:5: grid.kappa: range has 1.00e+300 values, more than the limit of 1000000 tasks per sweep"));
        c.add(new Case("hexadecimal number in YAML", replace("eta: 0.5", "eta: 0x1p3"), none, 2, "FILE:6: train.eta: expected a number, got '0x1p3'"));
        c.add(new Case("Java double suffix in YAML", replace("steps: 20", "steps: 20d"), none, 2, "FILE:6: train.steps: expected an integer, got '20d'"));
        c.add(new Case("features whose squares overflow", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/huge.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/huge.csv:3: the sum of squares of the features overflows a double (a feature of magnitude above about 1e154); features are normalized to unit norm, scale the row down"));
        c.add(new Case("hexadecimal number in CSV", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/hex.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/hex.csv:3: column 'x1': '0x1p3' is not a number"));
        c.add(new Case("Java float suffix in CSV", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/suffix.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/suffix.csv:3: column 'x2': '2f' is not a number"));
        c.add(new Case("label too large for the loss", replace("kind: sphere, n: 10, d: 5, seed: 0, labels: gaussian",
                "kind: csv, path: DIR/hugelabel.csv, n: 2"), none, 2, "FILE:5: data.path: DIR/hugelabel.csv:3: label 1e200 is too large; |label| must be at most 1.0E100 so that the squared loss stays finite"));
        c.add(new Case("master local[0]", BASE, List.of("--master", "local[0]"), 2, "--master local[0]: needs at least 1 thread (local[1], local[*])"));
        c.add(new Case("unknown master", BASE, List.of("--master", "mesos://127.0.0.1:5050"), 2, "--master mesos://127.0.0.1:5050: unknown master URL; expected local, local[N], local[*], local-cluster[WORKERS,CORES,MB] or spark://HOST:PORT"));
        c.add(new Case("master with a typo", BASE, List.of("--master", "locl[2]"), 2, "--master locl[2]: unknown master URL; expected local, local[N], local[*], local-cluster[WORKERS,CORES,MB] or spark://HOST:PORT"));
        c.add(new Case("local-cluster without workers", BASE, List.of("--master", "local-cluster[0,1,1024]"), 2, "--master local-cluster[0,1,1024]: local-cluster[WORKERS,CORES,MB] needs numbers of at least 1"));
        return c;
    }

    /** 16 levels of 3 aliases each (3^16 values once expanded) in under 500 bytes, after BASE's 6 lines. */
    static String aliasBomb() {
        StringBuilder b = new StringBuilder("b0: &b0 [x, x, x]\n");
        for (int i = 1; i < 16; i++) {
            b.append("b").append(i).append(": &b").append(i).append(" [*b").append(i - 1).append(", *b").append(i - 1)
                    .append(", *b").append(i - 1).append("]\n");
        }
        return b.toString();
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputGetsItsMessageAndWritesNothing(@TempDir Path dir) throws Exception {
        writeDataFiles(dir);
        int closedPort = StandaloneCluster.freePort();
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            Path caseDir = Files.createDirectories(dir.resolve(k.name().replaceAll("[^A-Za-z0-9]+", "-")));
            Path file = Files.writeString(caseDir.resolve("sweep.yaml"), k.yaml().replace("DIR", dir.toString()));
            Path out = caseDir.resolve("out");
            List<String> args = new ArrayList<>(List.of("run", file.toString(), "--out", out.toString(), "--master", "local[1]"));
            for (String a : k.args()) {
                args.add(a.replace("CLOSED", Integer.toString(closedPort)));
            }
            Outcome r = sweep(args.toArray(new String[0]));
            String msg = k.message().replace("FILE", file.toString()).replace("DIR", dir.toString())
                    .replace("CLOSED", Integer.toString(closedPort));
            if (k.message().startsWith("re:FILE")) {
                // the number in this message is the worker's memory estimate, checked by its own tests
                String pattern = "sweep: " + java.util.regex.Pattern.quote(file.toString())
                        + k.message().substring("re:FILE".length()) + "\n";
                assertTrue(r.err().matches(pattern), k.name() + ": " + r.err());
            } else {
                assertEquals("sweep: " + msg + "\n", r.err(), k.name());
            }
            assertEquals(k.code(), r.code(), k.name());
            assertEquals("", r.out(), k.name());
            assertFalse(Files.exists(out), k.name() + ": the output directory was created");
        }));
    }

    @Test
    void outputPathThatIsAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sweep.yaml"), BASE);
        Path out = Files.writeString(dir.resolve("results"), "keep me");
        Outcome r = sweep("run", file.toString(), "--out", out.toString(), "--master", "local[1]");
        assertEquals("sweep: output path " + out + " exists and is not a directory\n", r.err());
        assertEquals(Main.USAGE, r.code());
        assertEquals("keep me", Files.readString(out), "the file given as --out is left alone");
    }

    @Test
    void outputDirectoryThatCannotBeCreated(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sweep.yaml"), BASE);
        Files.writeString(dir.resolve("plain-file"), "x");
        Path out = dir.resolve("plain-file").resolve("out");
        Outcome r = sweep("run", file.toString(), "--out", out.toString(), "--master", "local[1]");
        assertEquals("sweep: cannot create output directory " + out + ": Not a directory\n", r.err());
        assertEquals(Main.USAGE, r.code());
    }

    @Test
    void outputDirectoryThatIsNotWritable(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sweep.yaml"), BASE);
        Path out = Files.createDirectories(dir.resolve("read-only"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(out), "running as root: permissions do not apply");
            Outcome r = sweep("run", file.toString(), "--out", out.toString(), "--master", "local[1]");
            assertEquals("sweep: output directory " + out + " is not writable\n", r.err());
            assertEquals(Main.USAGE, r.code());
            try (var l = Files.list(out)) {
                assertEquals(0, l.count());
            }
        } finally {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
