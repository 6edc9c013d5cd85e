package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sweep.driver.plan.Sweeps.lines;
import static org.sweep.driver.plan.Sweeps.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.sweep.worker.Activation;
import org.sweep.worker.DataKind;
import org.sweep.worker.EtaMode;
import org.sweep.worker.Loss;
import org.sweep.worker.TaskSpec;
import org.sweep.worker.TrainLayers;

class GridExpansionTest {

    private static final String QUICKSTART = lines(
            "name: quickstart",
            "grid:",
            "  width: {from: 16, to: 1024, factor: 4}",
            "  n: [20, 40]",
            "  seed: {from: 0, count: 4}",
            "  eta: [0.5]",
            "data: {kind: sphere, d: 10, seed: 0, labels: gaussian}",
            "train: {steps: 1000, eta_mode: stability, checkpoints: 30, spectrum_checkpoints: 6, target_loss_ratio: 1.0e-6}");

    private static <T> List<T> column(SweepPlan plan, Function<TaskSpec, T> f) {
        return plan.tasks().stream().map(t -> f.apply(t.spec())).toList();
    }

    private static List<Long> widths(String axis) throws ConfigException {
        return column(plan(lines("name: r", "grid:", "  width: " + axis, "data: {n: 4, d: 2}")), s -> (long) s.width());
    }

    private static List<Double> etas(String axis) throws ConfigException {
        return column(plan(lines("name: r", "grid:", "  eta: " + axis, "data: {n: 4, d: 2}", "network: {width: 8}")),
                TaskSpec::eta);
    }

    @Test
    void quickstartExpandsToThirtyTwoTasksInCanonicalOrder() throws Exception {
        SweepPlan plan = plan(QUICKSTART);
        // 4 widths x 2 n x 4 seeds x 1 eta = 32 tasks; width slowest, then n, then seed.
        List<TaskSpec> expected = new ArrayList<>();
        for (int width : new int[] {16, 64, 256, 1024}) {
            for (int n : new int[] {20, 40}) {
                for (long seed = 0; seed < 4; seed++) {
                    expected.add(TaskSpec.sphere(width, n, 10, 0, seed));
                }
            }
        }
        assertEquals(expected, plan.tasks().stream().map(PlannedTask::spec).toList());
        assertEquals("quickstart", plan.name());
        assertEquals(QUICKSTART, plan.configText());
        assertEquals(List.of(), plan.overrides());
        for (PlannedTask t : plan.tasks()) {
            assertEquals(TaskIds.taskId(t.spec()), t.taskId());
        }
    }

    @Test
    void shapeNamesTheAxesInExpansionOrder() throws Exception {
        assertEquals("4 width x 2 n x 4 seed = 32 tasks", plan(QUICKSTART).shape());
        assertEquals("1 task", plan(lines("name: a", "network: {width: 8}", "data: {n: 4, d: 2}")).shape());
        assertEquals("2 labels x 3 eta = 6 tasks", plan(lines("name: a", "grid:", "  eta: [0.1, 0.2, 0.3]",
                "  labels: [sign, gaussian]", "network: {width: 8}", "data: {n: 4, d: 2}")).shape());
    }

    @Test
    void confQuickstartIsTheDocumentedExample() throws Exception {
        SweepPlan fromFile = SweepPlanner.plan(Path.of("../conf/quickstart.yaml"), List.of(), Sweeps.NO_LIMIT);
        assertEquals(plan(QUICKSTART).tasks(), fromFile.tasks());
        assertEquals(Path.of("../conf/quickstart.yaml"), fromFile.source());
    }

    @Test
    void confTinyIsSmall() throws Exception {
        SweepPlan tiny = SweepPlanner.plan(Path.of("../conf/tiny.yaml"), List.of(), Sweeps.NO_LIMIT);
        assertEquals(4, tiny.tasks().size());
    }

    @Test
    void orderDoesNotDependOnKeyOrderInTheFile() throws Exception {
        String reordered = lines(
                "train: {target_loss_ratio: 1.0e-6, spectrum_checkpoints: 6, checkpoints: 30, eta_mode: stability, steps: 1000}",
                "data: {labels: gaussian, seed: 0, d: 10, kind: sphere}",
                "grid:",
                "  eta: [0.5]",
                "  seed: {count: 4, from: 0}",
                "  n: [20, 40]",
                "  width: {factor: 4, to: 1024, from: 16}",
                "name: quickstart");
        assertEquals(plan(QUICKSTART).tasks(), plan(reordered).tasks());
    }

    @Test
    void defaultsAreTheDuEtAlSetting() throws Exception {
        SweepPlan plan = plan(lines("name: one", "network: {width: 16}", "data: {n: 20, d: 10}"));
        assertEquals(List.of(TaskSpec.sphere(16, 20, 10, 0, 0)), column(plan, s -> s));
    }

    @Test
    void everyParameterHasItsHome() throws Exception {
        SweepPlan plan = plan(lines("name: all",
                "data: {kind: sphere, n: 12, d: 3, seed: 7, labels: sign}",
                "network: {width: 32, kappa: 0.25, activation: tanh, train_layers: both}",
                "train: {eta: 0.01, eta_mode: absolute, seed: 9, steps: 50, target_loss_ratio: 0,",
                "        checkpoints: 5, spectrum_checkpoints: 5, loss: logistic, batch_size: 4}"));
        TaskSpec expected = new TaskSpec(32, 12, 3, DataKind.SPHERE, "", 7, "sign", 0.25, 9, 0.01, EtaMode.ABSOLUTE, 50,
                0.0, 5, 5, Loss.LOGISTIC, Activation.TANH, 4, TrainLayers.BOTH);
        assertEquals(List.of(expected), column(plan, s -> s));
    }

    @Test
    void everyParameterCanBeAGridAxis() throws Exception {
        // two halves of the parameters, each swept over two values (2^9 and 2^8 tasks)
        SweepPlan first = plan(lines("name: all",
                "grid:",
                "  width: [8, 9]", "  n: [4, 5]", "  d: [2, 3]", "  data_seed: [0, 1]", "  labels: [gaussian, sign]",
                "  kappa: [1, 2]", "  seed: [3, 4]", "  eta: [0.5, 1]", "  eta_mode: [stability, theory]"));
        assertEquals(1 << 9, first.tasks().size());
        TaskSpec base = TaskSpec.sphere(8, 4, 2, 0, 3);
        assertEquals(base, first.tasks().get(0).spec());
        // last axis fastest, first axis slowest
        assertEquals(base.withEta(0.5, EtaMode.THEORY), first.tasks().get(1).spec());
        assertEquals(new TaskSpec(9, 5, 3, DataKind.SPHERE, "", 1, "sign", 2.0, 4, 1.0, EtaMode.THEORY, 1000, 1e-6, 30, 6,
                Loss.SQUARE, Activation.RELU, 0, TrainLayers.FIRST), first.tasks().get((1 << 9) - 1).spec());
        assertEquals(8, first.tasks().get((1 << 8) - 1).spec().width());
        assertEquals(9, first.tasks().get(1 << 8).spec().width());

        SweepPlan second = plan(lines("name: all",
                "network: {width: 8}", "data: {n: 4, d: 2, labels: sign}", // the logistic loss needs +-1 labels
                "grid:",
                "  steps: [10, 20]", "  target_loss_ratio: [0, 0.5]", "  checkpoints: [4, 5]",
                "  spectrum_checkpoints: [0, 2]", "  loss: [square, logistic]", "  activation: [relu, gelu]",
                "  batch_size: [0, 2]", "  train_layers: [first, both]"));
        assertEquals(1 << 8, second.tasks().size());
        assertEquals(new TaskSpec(8, 4, 2, DataKind.SPHERE, "", 0, "sign", 1.0, 0, 0.5, EtaMode.STABILITY, 10, 0.0, 4, 0,
                Loss.SQUARE, Activation.RELU, 0, TrainLayers.BOTH), second.tasks().get(1).spec());
        assertEquals(new TaskSpec(8, 4, 2, DataKind.SPHERE, "", 0, "sign", 1.0, 0, 0.5, EtaMode.STABILITY, 20, 0.5, 5, 2,
                Loss.LOGISTIC, Activation.GELU, 2, TrainLayers.BOTH), second.tasks().get((1 << 8) - 1).spec());
        assertEquals(1 << 8, second.tasks().stream().map(PlannedTask::taskId).distinct().count());
    }

    @Test
    void noGridIsOneTaskAndAScalarAxisIsOneValue() throws Exception {
        assertEquals(1, plan(lines("name: a", "network: {width: 8}", "data: {n: 4, d: 2}")).tasks().size());
        assertEquals(List.of(8L), widths("8"));
    }

    @Test
    void listsKeepTheirOrder() throws Exception {
        assertEquals(List.of(64L, 16L, 32L), widths("[64, 16, 32]"));
    }

    @Test
    void countRanges() throws Exception {
        assertEquals(List.of(3L, 4L, 5L), widths("{from: 3, count: 3}"));
        assertEquals(List.of(3L, 8L, 13L), widths("{from: 3, count: 3, step: 5}"));
        assertEquals(List.of(30L, 20L, 10L), widths("{from: 30, count: 3, step: -10}"));
    }

    @Test
    void toRangesIncludeTheEndWhenHitAndStopBeforeItOtherwise() throws Exception {
        assertEquals(List.of(1L, 2L, 3L, 4L), widths("{from: 1, to: 4}"));
        assertEquals(List.of(2L, 5L, 8L, 11L), widths("{from: 2, to: 11, step: 3}"));
        assertEquals(List.of(2L, 5L, 8L), widths("{from: 2, to: 10, step: 3}"));
        assertEquals(List.of(10L, 7L, 4L, 1L), widths("{from: 10, to: 1, step: -3}"));
        assertEquals(List.of(7L), widths("{from: 7, to: 7}"));
    }

    @Test
    void geometricIntegerRanges() throws Exception {
        assertEquals(List.of(16L, 64L, 256L, 1024L), widths("{from: 16, to: 1024, factor: 4}"));
        assertEquals(List.of(16L, 64L, 256L), widths("{from: 16, to: 1023, factor: 4}"));
        assertEquals(List.of(1L, 3L, 9L, 27L, 81L), widths("{from: 1, count: 5, factor: 3}"));
        assertEquals(List.of(5L), widths("{from: 5, to: 9, factor: 2}"));
    }

    @Test
    void geometricRealRangesHitTheDecimalsAUserWouldWrite() throws Exception {
        assertEquals(List.of(0.01, 0.1, 1.0), etas("{from: 0.01, to: 1, factor: 10}"));
        assertEquals(List.of(0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0), etas("{from: 1.0e-3, to: 1.0e3, factor: 10}"));
        assertEquals(List.of(0.1, 0.2, 0.4, 0.8), etas("{from: 0.1, to: 1, factor: 2}"));
        assertEquals(List.of(0.3, 0.9, 2.7), etas("{from: 0.3, count: 3, factor: 3}"));
        // the end is included within a relative tolerance, and then is exactly the written end
        assertEquals(List.of(0.1, 0.3, 0.9000000001), etas("{from: 0.1, to: 0.9000000001, factor: 3}"));
        assertEquals(List.of(0.1, 0.3), etas("{from: 0.1, to: 0.8999, factor: 3}"));
    }

    @Test
    void linearRealRangesHitTheDecimalsAUserWouldWrite() throws Exception {
        assertEquals(List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), etas("{from: 0.1, to: 1.0, step: 0.1}"));
        assertEquals(List.of(0.25, 0.5, 0.75), etas("{from: 0.25, count: 3, step: 0.25}"));
        assertEquals(List.of(0.5, 1.5), etas("{from: 0.5, to: 2}"));
        assertEquals(List.of(0.9, 0.6, 0.3), etas("{from: 0.9, to: 0.3, step: -0.3}"));
    }

    @Test
    void aRangeGivesTheSameTasksAsTheListOfItsValues() throws Exception {
        String base = lines("name: same", "data: {n: 4, d: 2}", "network: {width: 8}", "grid:");
        assertEquals(plan(base + "  eta: [0.01, 0.1, 1]\n").tasks(),
                plan(base + "  eta: {from: 0.01, to: 1, factor: 10}\n").tasks());
        assertEquals(plan(base + "  seed: [0, 1, 2]\n").tasks(), plan(base + "  seed: {from: 0, to: 2}\n").tasks());
    }

    @Test
    void integersMayBeWrittenAsIntegralNumbers() throws Exception {
        assertEquals(List.of(1000L, 16L, 5L), widths("[1.0e3, 16.0, 5]"));
    }

    @Test
    void expansionIsAPureFunction() throws Exception {
        assertEquals(plan(QUICKSTART).tasks(), plan(QUICKSTART).tasks());
    }

    @Test
    void planReportsPeakBytesAndTotalFlops() throws Exception {
        SweepPlan plan = plan(QUICKSTART);
        long peak = plan.tasks().stream().mapToLong(PlannedTask::estimatedBytes).max().orElseThrow();
        double sum = plan.tasks().stream().mapToDouble(PlannedTask::estimatedFlops).sum();
        assertEquals(peak, plan.peakBytes());
        assertEquals(sum, plan.totalFlops(), 0.0);
        // the largest task is width 1024, n 40: it must also be the largest estimate
        PlannedTask largest = plan.tasks().stream().filter(t -> t.estimatedBytes() == peak).findFirst().orElseThrow();
        assertEquals(1024, largest.spec().width());
        assertEquals(40, largest.spec().n());
    }

    @Test
    void anchorsAndAliasesAreValues() throws Exception {
        SweepPlan p = plan(lines("name: a", "grid:", "  width: &sizes [8, 16]", "  n: *sizes", "data: {d: 2}"));
        assertEquals(List.of(8L, 8L, 16L, 16L), column(p, s -> (long) s.width()));
        assertEquals(List.of(8L, 16L, 8L, 16L), column(p, s -> (long) s.n()));
    }

    @Test
    void recursiveAnchorsAreRefused() {
        assertEquals("s.yaml:3: grid.width[0]: nested too deeply (recursive anchor?)",
                Sweeps.message(lines("name: a", "grid:", "  width: &w [*w]", "data: {n: 4, d: 2}", "network: {}")));
    }

    @Test
    void blockAndFlowStylesAreTheSame() throws Exception {
        String block = lines("name: quickstart", "grid:", "  width:", "    from: 16", "    to: 1024", "    factor: 4",
                "  n:", "    - 20", "    - 40", "  seed: {from: 0, count: 4}", "  eta: [0.5]",
                "data:", "  kind: sphere", "  d: 10", "  seed: 0", "  labels: gaussian",
                "train:", "  steps: 1000", "  eta_mode: stability", "  checkpoints: 30", "  spectrum_checkpoints: 6",
                "  target_loss_ratio: 1.0e-6");
        assertEquals(plan(QUICKSTART).tasks(), plan(block).tasks());
    }

    @Test
    void descriptionIsFreeText() throws Exception {
        assertEquals(1, plan(lines("name: a", "description: 'eta: .nan is fine here'", "network: {width: 8}",
                "data: {n: 4, d: 2}")).tasks().size());
    }
}
