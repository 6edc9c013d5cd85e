package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sweep.driver.plan.Sweeps.lines;
import static org.sweep.driver.plan.Sweeps.message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.worker.Activation;
import org.sweep.worker.DataKind;
import org.sweep.worker.EtaMode;
import org.sweep.worker.Loss;
import org.sweep.worker.TaskSpec;
import org.sweep.worker.TrainLayers;

/**
 * Every validation error of a sweep file, with the exact message the user sees. Each sweep text
 * starts from a valid one (below) with one thing wrong, so the message must come from that thing.
 */
class ValidationTest {

    /** A valid sweep; tests replace one line. Line numbers: 1 name, 2 grid, 3 width, 4 seed, 5 data, 6 network, 7 train. */
    private static String sweep(String grid3, String grid4, String data5, String network6, String train7) {
        return lines("name: v", "grid:", grid3, grid4, data5, network6, train7);
    }

    private static final String W = "  width: [16, 64]";
    private static final String S = "  seed: {from: 0, count: 2}";
    private static final String DATA = "data: {kind: sphere, n: 20, d: 10}";
    private static final String NET = "network: {kappa: 1}";
    private static final String TRAIN = "train: {steps: 100}";

    private static String withData(String data) {
        return sweep(W, S, data, NET, TRAIN);
    }

    private static String withNetwork(String network) {
        return sweep(W, S, DATA, network, TRAIN);
    }

    private static String withTrain(String train) {
        return sweep(W, S, DATA, NET, train);
    }

    private static String withWidthAxis(String axis) {
        return sweep("  width: " + axis, S, DATA, NET, TRAIN);
    }

    @Test
    void theBaseSweepIsValid() throws Exception {
        assertEquals(4, Sweeps.plan(sweep(W, S, DATA, NET, TRAIN)).tasks().size());
    }

    // ---- the file itself ----

    @Test
    void missingFile(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> SweepPlanner.plan(file, List.of(), 1L << 30));
        assertEquals(file + ": file not found", e.getMessage());
        assertEquals(0, e.line());
        assertEquals("", e.key());
    }

    @Test
    void directoryInsteadOfFile(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> SweepPlanner.plan(dir, List.of(), 1L << 30));
        assertEquals(dir + ": is a directory, not a sweep file", e.getMessage());
    }

    @Test
    void binaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("b.yaml");
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        ConfigException e = assertThrows(ConfigException.class, () -> SweepPlanner.plan(file, List.of(), 1L << 30));
        assertEquals(file + ": not a text file (not valid UTF-8)", e.getMessage());
    }

    @Test
    void emptyFile() {
        String expected = "s.yaml: the file is empty; a sweep needs at least a name and the sizes width, n and d";
        assertEquals(expected, message(""));
        assertEquals(expected, message("# only a comment\n\n"));
    }

    @Test
    void notAMapping() {
        assertEquals("s.yaml:1: expected a mapping of sections (name, description, grid, data, network, train), got a list",
                message("- width\n- n\n"));
        assertEquals("s.yaml:1: expected a mapping of sections (name, description, grid, data, network, train), got 'hello'",
                message("hello\n"));
    }

    @Test
    void malformedYaml() {
        assertEquals("s.yaml:4: malformed YAML: while parsing a flow sequence (line 3), expected ',' or ']', but got <stream end>",
                message(lines("name: v", "grid:", "  width: [16, 64")));
        assertEquals("s.yaml:3: malformed YAML: mapping values are not allowed here",
                message(lines("name: v", "grid:", "  width: n: 3")));
    }

    @Test
    void severalDocuments() {
        assertEquals("s.yaml:2: malformed YAML: expected a single document in the stream (line 1), but found another document",
                message(lines("name: v", "---", "name: w")));
    }

    @Test
    void tabIndentation() {
        assertEquals("s.yaml:3: malformed YAML: while scanning for the next token, found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)",
                message("name: v\ngrid:\n\twidth: [16]\n"));
    }

    @Test
    void truncatedFile() {
        assertEquals("s.yaml:2: malformed YAML: while parsing a flow node (line 2), expected the node content, but found '<stream end>'",
                message("name: v\ndata: {n: 20, d:"));
    }

    @Test
    void duplicateKeys() {
        assertEquals("s.yaml:3: name: duplicate key (first given at line 1)",
                message(lines("name: v", "network: {width: 8}", "name: w", "data: {n: 4, d: 2}")));
        assertEquals("s.yaml:5: data.n: duplicate key (first given at line 5)",
                message(withData("data: {n: 20, d: 10, n: 30}")));
    }

    // ---- keys ----

    @Test
    void unknownTopLevelKeyWithSuggestion() {
        assertEquals("s.yaml:7: trian: unknown key 'trian' (did you mean 'train'?); expected one of name, description, "
                + "grid, data, network, train", message(sweep(W, S, DATA, NET, "trian: {steps: 100}")));
    }

    @Test
    void parameterAtTheTopLevel() {
        assertEquals("s.yaml:7: steps: unknown key 'steps' (steps belongs in train.steps, or under grid as grid.steps); "
                + "expected one of name, description, grid, data, network, train", message(sweep(W, S, DATA, NET, "steps: 100")));
    }

    @Test
    void unknownSectionKeyWithSuggestion() {
        assertEquals("s.yaml:7: train.stpes: unknown key 'stpes' in train (did you mean 'steps'?); expected one of "
                + "seed, eta, eta_mode, steps, target_loss_ratio, checkpoints, spectrum_checkpoints, loss, batch_size",
                message(withTrain("train: {stpes: 100}")));
    }

    @Test
    void unknownSectionKeyWithoutSuggestion() {
        assertEquals("s.yaml:6: network.depth: unknown key 'depth' in network; expected one of width, kappa, "
                + "activation, train_layers", message(withNetwork("network: {depth: 3}")));
    }

    @Test
    void parameterInTheWrongSection() {
        assertEquals("s.yaml:7: train.width: unknown key 'width' in train (width belongs in network.width, or under "
                + "grid as grid.width); expected one of seed, eta, eta_mode, steps, target_loss_ratio, checkpoints, "
                + "spectrum_checkpoints, loss, batch_size", message(withTrain("train: {width: 8}")));
    }

    @Test
    void gridNameUsedInItsSection() {
        assertEquals("s.yaml:5: data.data_seed: unknown key 'data_seed' in data (in data it is called 'seed'; "
                + "'data_seed' is its name under grid); expected one of kind, n, d, seed, labels",
                message(withData("data: {n: 20, d: 10, data_seed: 3}")));
    }

    @Test
    void unknownGridKeyWithSuggestion() {
        assertEquals("s.yaml:3: grid.widht: unknown key 'widht' in grid (did you mean 'width'?); expected one of "
                + "width, n, d, data_seed, labels, kappa, seed, eta, eta_mode, steps, target_loss_ratio, checkpoints, "
                + "spectrum_checkpoints, loss, activation, batch_size, train_layers",
                message(sweep("  widht: [16]", S, DATA, NET, TRAIN)));
    }

    @Test
    void unknownRangeKey() {
        assertEquals("s.yaml:3: grid.width.fator: unknown key 'fator' in a range (did you mean 'factor'?); a range is "
                + "{from, count}, {from, to}, either with an optional step, or {from, to, factor}",
                message(withWidthAxis("{from: 16, to: 64, fator: 2}")));
    }

    @Test
    void missingName() {
        assertEquals("s.yaml: name: missing; every sweep needs a name (letters, digits, '_', '.' and '-')",
                message(lines("network: {width: 8}", "data: {n: 4, d: 2}")));
    }

    @Test
    void invalidName() {
        assertEquals("s.yaml:1: name: 'my sweep' is not a valid name; use at most 128 letters, digits, '_', '.' and '-' "
                + "(it becomes a directory name)", message(lines("name: my sweep", "network: {width: 8}", "data: {n: 4, d: 2}")));
    }

    @Test
    void messagesAreOneLine() {
        assertEquals("s.yaml:1: name: 'a\\tb\\nc' is not a valid name; use at most 128 letters, digits, '_', '.' and '-' "
                + "(it becomes a directory name)", message(lines("name: \"a\\tb\\nc\"", "network: {width: 8}", "data: {n: 4, d: 2}")));
    }

    @Test
    void missingRequiredSize() {
        assertEquals("s.yaml: data.d: missing; give data.d or a list under grid.d",
                message(withData("data: {n: 20}")));
        assertEquals("s.yaml: network.width: missing; give network.width or a list under grid.width",
                message(sweep("  n: [20]", S, "data: {d: 10}", NET, TRAIN)));
    }

    @Test
    void sectionThatIsNotAMapping() {
        assertEquals("s.yaml:7: train: expected a mapping of keys, got a list", message(withTrain("train: [1, 2]")));
    }

    @Test
    void gridThatIsNotAMapping() {
        assertEquals("s.yaml:2: grid: expected a mapping of axes, got a list",
                message(lines("name: v", "grid: [16, 64]", DATA, "network: {width: 8}")));
    }

    // ---- types ----

    @Test
    void wrongTypeInAGridList() {
        assertEquals("s.yaml:3: grid.width: expected an integer, got 'abc'", message(withWidthAxis("[16, abc]")));
    }

    @Test
    void wrongTypeInASection() {
        assertEquals("s.yaml:7: train.steps: expected an integer, got 'many'", message(withTrain("train: {steps: many}")));
        assertEquals("s.yaml:7: train.eta: expected a number, got 'fast'", message(withTrain("train: {eta: fast}")));
        assertEquals("s.yaml:7: train.steps: expected an integer, got 'true'", message(withTrain("train: {steps: true}")));
    }

    @Test
    void fractionForAnInteger() {
        assertEquals("s.yaml:3: grid.width: expected an integer, got '16.5'", message(withWidthAxis("[16.5]")));
        assertEquals("s.yaml:3: grid.width: expected an integer, got '1e-999999999'",
                message(withWidthAxis("[1e-999999999]")));
    }

    @Test
    void quotedNumber() {
        assertEquals("s.yaml:7: train.steps: expected an integer, got the quoted string \"100\"",
                message(withTrain("train: {steps: \"100\"}")));
    }

    @Test
    void integerOutOfRange() {
        assertEquals("s.yaml:5: data.seed: integer out of range, got '1e30'", message(withData("data: {n: 20, d: 10, seed: 1e30}")));
        assertEquals("s.yaml:5: data.seed: integer out of range, got '1e999999999'",
                message(withData("data: {n: 20, d: 10, seed: 1e999999999}")));
        assertEquals("s.yaml:5: data.seed: integer out of range, got '1e99999999999'",
                message(withData("data: {n: 20, d: 10, seed: 1e99999999999}")));
        assertEquals("s.yaml:5: data.seed: integer out of range, got '9223372036854775808'",
                message(withData("data: {n: 20, d: 10, seed: 9223372036854775808}")));
        assertEquals("s.yaml:7: train.steps: must be at most 2147483647, got 3000000000",
                message(withTrain("train: {steps: 3000000000}")));
    }

    @Test
    void missingValue() {
        assertEquals("s.yaml:7: train.steps: missing value; expected an integer", message(withTrain("train: {steps: }")));
    }

    @Test
    void listInASection() {
        assertEquals("s.yaml:7: train.steps: expected a single value, got a list (to sweep over several values, use "
                + "grid.steps)", message(withTrain("train: {steps: [10, 20]}")));
    }

    @Test
    void listInsideAGridList() {
        assertEquals("s.yaml:3: grid.width: list items must be single values, got a list",
                message(withWidthAxis("[16, [32]]")));
    }

    @Test
    void rangeForAWordParameter() {
        assertEquals("s.yaml:4: grid.loss: ranges need numbers; give a list of values",
                message(sweep(W, "  loss: {from: 1, count: 2}", DATA, NET, TRAIN)));
    }

    @Test
    void descriptionThatIsNotText() {
        assertEquals("s.yaml:2: description: expected text, got a list",
                message(lines("name: v", "description: [a, b]", "network: {width: 8}", "data: {n: 4, d: 2}")));
    }

    // ---- NaN and infinity ----

    @Test
    void nanAndInfinityAreRejectedEverywhere() {
        assertEquals("s.yaml:7: train.eta: expected a finite number, got '.nan'", message(withTrain("train: {eta: .nan}")));
        assertEquals("s.yaml:6: network.kappa: expected a finite number, got '.inf'", message(withNetwork("network: {kappa: .inf}")));
        assertEquals("s.yaml:7: train.target_loss_ratio: expected a finite number, got '-.Inf'",
                message(withTrain("train: {target_loss_ratio: -.Inf}")));
        assertEquals("s.yaml:7: train.eta: expected a finite number, got 'NaN'", message(withTrain("train: {eta: NaN}")));
        assertEquals("s.yaml:7: train.eta: expected a finite number, got '1e999'", message(withTrain("train: {eta: 1e999}")));
        assertEquals("s.yaml:3: grid.width: expected a finite number, got '.nan'", message(withWidthAxis("[16, .nan]")));
        assertEquals("s.yaml:3: grid.width.to: expected a finite number, got '.inf'",
                message(withWidthAxis("{from: 16, to: .inf, factor: 2}")));
        assertEquals("s.yaml:3: grid.eta.to: expected a finite number, got '.inf'",
                message(sweep("  eta: {from: 0.1, to: .inf, factor: 2}", S, DATA, "network: {width: 8}", TRAIN)));
    }

    // ---- values out of range ----

    @Test
    void sizesTooSmall() {
        assertEquals("s.yaml:3: grid.width: must be >= 1, got 0", message(withWidthAxis("[0, 16]")));
        assertEquals("s.yaml:3: grid.width: must be >= 1, got -4", message(withWidthAxis("[-4]")));
        assertEquals("s.yaml:5: data.n: must be >= 2, got 1", message(withData("data: {n: 1, d: 10}")));
        assertEquals("s.yaml:5: data.d: must be >= 1, got 0", message(withData("data: {n: 20, d: 0}")));
        assertEquals("s.yaml:7: train.steps: must be >= 1, got 0", message(withTrain("train: {steps: 0}")));
        assertEquals("s.yaml:7: train.checkpoints: must be >= 2 (step 0 and the last step), got 1",
                message(withTrain("train: {checkpoints: 1}")));
        assertEquals("s.yaml:7: train.spectrum_checkpoints: must be >= 0, got -1",
                message(withTrain("train: {spectrum_checkpoints: -1}")));
        assertEquals("s.yaml:7: train.batch_size: must be >= 0 (0 means full batch), got -2",
                message(withTrain("train: {batch_size: -2}")));
    }

    @Test
    void etaAndKappaMustBePositive() {
        assertEquals("s.yaml:7: train.eta: must be > 0, got 0.0", message(withTrain("train: {eta: 0}")));
        assertEquals("s.yaml:7: train.eta: must be > 0, got -0.1", message(withTrain("train: {eta: -0.1}")));
        assertEquals("s.yaml:6: network.kappa: must be > 0, got 0.0", message(withNetwork("network: {kappa: 0.0}")));
        assertEquals("s.yaml:3: grid.eta: must be > 0, got -1.0E-4",
                message(sweep("  eta: [0.5, -1e-4]", S, DATA, "network: {width: 8}", TRAIN)));
    }

    @Test
    void targetLossRatioOutsideZeroOne() {
        assertEquals("s.yaml:7: train.target_loss_ratio: must be in [0, 1) (0 disables early stopping), got 1.0",
                message(withTrain("train: {target_loss_ratio: 1}")));
        assertEquals("s.yaml:7: train.target_loss_ratio: must be in [0, 1) (0 disables early stopping), got -1.0E-6",
                message(withTrain("train: {target_loss_ratio: -1e-6}")));
    }

    @Test
    void spectrumCheckpointsMoreThanCheckpoints() {
        assertEquals("s.yaml:7: train.spectrum_checkpoints: 12 is more than checkpoints = 10 (train.checkpoints at "
                + "line 7); spectra are computed at some of the checkpoints",
                message(withTrain("train: {checkpoints: 10, spectrum_checkpoints: 12}")));
        assertEquals("s.yaml:7: train.spectrum_checkpoints: 31 is more than checkpoints = 30 (the default of "
                + "train.checkpoints); spectra are computed at some of the checkpoints",
                message(withTrain("train: {spectrum_checkpoints: 31}")));
    }

    @Test
    void spectrumCheckpointsMoreThanSomeGridCheckpoints() {
        assertEquals("s.yaml:7: train.spectrum_checkpoints: 6 is more than checkpoints = 4 (grid.checkpoints at "
                + "line 4); spectra are computed at some of the checkpoints",
                message(sweep(W, "  checkpoints: [30, 4]", DATA, NET, "train: {spectrum_checkpoints: 6}")));
    }

    @Test
    void batchSizeLargerThanN() {
        assertEquals("s.yaml:7: train.batch_size: 25 is more than n = 20 (data.n at line 5); use 0 for full batch",
                message(withTrain("train: {batch_size: 25}")));
    }

    // ---- unknown words ----

    @Test
    void unknownDataKind() {
        assertEquals("s.yaml:5: data.kind: unknown data kind 'mnist'; expected one of sphere, idx, csv, parquet",
                message(withData("data: {kind: mnist, n: 20, d: 10}")));
        assertEquals("s.yaml:5: data.kind: unknown data kind 'spere' (did you mean 'sphere'?); expected one of sphere, idx, csv, parquet",
                message(withData("data: {kind: spere, n: 20, d: 10}")));
    }

    @Test
    void unknownLabels() {
        assertEquals("s.yaml:5: data.labels: unknown labels 'gausian' (did you mean 'gaussian'?); expected one of "
                + "gaussian, sign, random-sign for sphere data", message(withData("data: {n: 20, d: 10, labels: gausian}")));
        assertEquals("s.yaml:4: grid.labels: unknown labels 'permuted'; expected one of gaussian, sign, random-sign "
                + "for sphere data", message(sweep(W, "  labels: [sign, permuted]", DATA, NET, TRAIN)));
    }

    @Test
    void unknownEtaModeLossActivationTrainLayers() {
        assertEquals("s.yaml:7: train.eta_mode: unknown eta_mode 'stable' (did you mean 'stability'?); expected one of "
                + "absolute, stability, theory", message(withTrain("train: {eta_mode: stable}")));
        assertEquals("s.yaml:7: train.loss: unknown loss 'hinge'; expected one of square, logistic",
                message(withTrain("train: {loss: hinge}")));
        assertEquals("s.yaml:6: network.activation: unknown activation 'reul' (did you mean 'relu'?); expected one of "
                + "relu, softplus, tanh, gelu, leaky_relu", message(withNetwork("network: {activation: reul}")));
        assertEquals("s.yaml:6: network.train_layers: unknown train_layers 'all'; expected one of first, both",
                message(withNetwork("network: {train_layers: all}")));
    }

    // ---- grid structure ----

    @Test
    void scalarAndGridAxisForTheSameParameter() {
        assertEquals("s.yaml:6: network.width: also given as grid.width at line 3; give a parameter either in its "
                + "section or under grid, not both", message(withNetwork("network: {width: 32}")));
        assertEquals("s.yaml:5: data.seed: also given as grid.data_seed at line 4; give a parameter either in its "
                + "section or under grid, not both",
                message(sweep(W, "  data_seed: [1, 2]", "data: {n: 20, d: 10, seed: 3}", NET, TRAIN)));
    }

    @Test
    void emptyList() {
        assertEquals("s.yaml:3: grid.width: empty list; give at least one value", message(withWidthAxis("[]")));
    }

    @Test
    void emptyGrid() {
        String expected = "s.yaml:2: grid: empty; give at least one axis (e.g. width: [16, 64]), or remove grid for a "
                + "single task";
        assertEquals(expected, message(lines("name: v", "grid:", DATA, "network: {width: 8}")));
        assertEquals(expected, message(lines("name: v", "grid: {}", DATA, "network: {width: 8}")));
    }

    @Test
    void valueGivenTwiceOnAnAxis() {
        assertEquals("s.yaml:3: grid.width: 16 is given twice", message(withWidthAxis("[16, 32, 16.0]")));
    }

    @Test
    void rangeThatNeverReachesItsEnd() {
        assertEquals("s.yaml:3: grid.width: range never reaches 'to': from 64 to 16 with step 1 (count down with a "
                + "negative step)", message(withWidthAxis("{from: 64, to: 16}")));
        assertEquals("s.yaml:3: grid.width: range never reaches 'to': from 16 to 64 with step -8",
                message(withWidthAxis("{from: 16, to: 64, step: -8}")));
        assertEquals("s.yaml:3: grid.width: range never reaches 'to': from 64 to 16 with factor 2 only grows",
                message(withWidthAxis("{from: 64, to: 16, factor: 2}")));
        assertEquals("s.yaml:3: grid.eta: range never reaches 'to': from 1.0 to 0.1 with factor 10.0 only grows",
                message(sweep("  eta: {from: 1, to: 0.1, factor: 10}", S, DATA, "network: {width: 8}", TRAIN)));
    }

    @Test
    void rangeWithZeroStepOrBadFactor() {
        assertEquals("s.yaml:3: grid.width.step: must not be 0", message(withWidthAxis("{from: 16, to: 64, step: 0}")));
        assertEquals("s.yaml:3: grid.width.factor: must be > 1, got 1", message(withWidthAxis("{from: 16, to: 64, factor: 1}")));
        assertEquals("s.yaml:3: grid.width.factor: expected an integer, got '1.5'",
                message(withWidthAxis("{from: 16, to: 64, factor: 1.5}")));
        assertEquals("s.yaml:3: grid.width.from: a geometric range needs from > 0, got 0",
                message(withWidthAxis("{from: 0, to: 64, factor: 2}")));
    }

    @Test
    void rangeWithMissingOrConflictingParts() {
        assertEquals("s.yaml:3: grid.width: a range needs 'from'", message(withWidthAxis("{to: 64}")));
        assertEquals("s.yaml:3: grid.width: a range needs exactly one of 'to' and 'count'",
                message(withWidthAxis("{from: 16}")));
        assertEquals("s.yaml:3: grid.width: a range needs exactly one of 'to' and 'count'",
                message(withWidthAxis("{from: 16, to: 64, count: 3}")));
        assertEquals("s.yaml:3: grid.width: a range has either 'step' or 'factor', not both",
                message(withWidthAxis("{from: 16, to: 64, step: 2, factor: 2}")));
        assertEquals("s.yaml:3: grid.width.count: must be >= 1, got 0", message(withWidthAxis("{from: 16, count: 0}")));
    }

    @Test
    void tooManyTasks() {
        assertEquals("s.yaml:2: grid: expands to 12000000 tasks (3000 width x 4000 seed), more than the limit of "
                + "10000000; split the sweep into several files",
                message(sweep("  width: {from: 1, count: 3000}", "  seed: {from: 0, count: 4000}", DATA, NET, TRAIN)));
        assertEquals("s.yaml:4: grid.seed: range has 20000000 values, more than the limit of 10000000 tasks per sweep",
                message(sweep(W, "  seed: {from: 0, to: 19999999}", DATA, NET, TRAIN)));
        assertEquals("s.yaml:4: grid.seed: range has 18000000000000000001 values, more than the limit of 10000000 "
                + "tasks per sweep", message(sweep(W, "  seed: {from: -9000000000000000000, to: 9000000000000000000}",
                DATA, NET, TRAIN)));
        assertEquals("s.yaml:4: grid.seed: range has 100000000000 values, more than the limit of 10000000 tasks per "
                + "sweep", message(sweep(W, "  seed: {from: 0, count: 100000000000}", DATA, NET, TRAIN)));
    }

    @Test
    void byteCountsForMessages() {
        assertEquals("512 bytes", SweepPlanner.Estimates.human(512));
        assertEquals("1.0 KiB", SweepPlanner.Estimates.human(1024));
        assertEquals("1.5 MiB", SweepPlanner.Estimates.human(3L << 19));
        assertEquals("9.6 GiB", SweepPlanner.Estimates.human(10_255_687_680L));
    }

    @Test
    void absurdSizes() {
        String text = sweep("  width: [16, 2000000000]", S, "data: {n: 2000000000, d: 1000000}", NET, TRAIN);
        ConfigException e = assertThrows(ConfigException.class,
                () -> SweepPlanner.plan("s.yaml", text, List.of(), 1L << 30));
        assertEquals("s.yaml:5: data.n: task width=2000000000 n=2000000000 d=1000000 needs more than 2.0 EiB, more "
                + "than the executor memory of 1.0 GiB (4 of 4 tasks are too large)", e.getMessage());
    }

    @Test
    void taskLargerThanExecutorMemory() {
        String text = sweep("  width: [16, 4096]", "  n: [100, 20000]", "data: {d: 10}", NET, TRAIN);
        ConfigException e = assertThrows(ConfigException.class,
                () -> SweepPlanner.plan("s.yaml", text, List.of(), 1L << 30));
        // The largest task is width 4096, n 20000: about 8 (n m + m d + 3 n^2) = 1.03e10 bytes, where
        // the 3 n^2 term dominates, so n is blamed. Its exact figure is the worker's estimate.
        long bytes = SweepPlanner.Estimates.bytes(new TaskSpec(4096, 20000, 10, DataKind.SPHERE, "", 0, "gaussian", 1.0, 0,
                0.5, EtaMode.STABILITY, 100, 1e-6, 30, 6, Loss.SQUARE, Activation.RELU, 0, TrainLayers.FIRST));
        assertTrue(bytes > 8.0 * 3 * 20000 * 20000 && bytes < 2 * 8.0 * (20000.0 * 4096 + 3.0 * 20000 * 20000));
        assertEquals("s.yaml:4: grid.n: task width=4096 n=20000 d=10 needs an estimated "
                + SweepPlanner.Estimates.human(bytes) + ", more than the executor memory of 1.0 GiB "
                + "(2 of 4 tasks are too large)", e.getMessage());
        assertEquals("grid.n", e.key());
        assertEquals(4, e.line());
    }
}
