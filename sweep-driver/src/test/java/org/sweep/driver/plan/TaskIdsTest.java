package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sweep.driver.plan.Sweeps.lines;
import static org.sweep.driver.plan.Sweeps.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.sweep.worker.Activation;
import org.sweep.worker.DataKind;
import org.sweep.worker.EtaMode;
import org.sweep.worker.Loss;
import org.sweep.worker.TaskSpec;
import org.sweep.worker.TrainLayers;

class TaskIdsTest {

    /** The Du et al. default task written out by hand in the documented canonical form. */
    private static final String DEFAULT_JSON = "{\"width\":16,\"n\":20,\"d\":10,\"data_kind\":\"sphere\",\"dataset\":\"\","
            + "\"data_seed\":0,\"labels\":\"gaussian\",\"kappa\":1.0,\"seed\":0,\"eta\":0.5,\"eta_mode\":\"stability\","
            + "\"steps\":1000,\"target_loss_ratio\":1.0E-6,\"checkpoints\":30,\"spectrum_checkpoints\":6}";

    /**
     * Regression anchors: ids that were stored must never change. Computed outside Java with
     * {@code printf '%s' "$JSON" | sha256sum | cut -c1-16} from the JSON texts in this test.
     */
    private static final String DEFAULT_ID = "f4be1f6a7b209999";
    private static final String EXTENDED_ID = "320d8a90d4ceacfb";

    private static final TaskSpec DEFAULT = TaskSpec.sphere(16, 20, 10, 0, 0);

    /** Random doubles checked for exact round trip of the canonical number form. */
    private static final int ROUND_TRIP_SAMPLES = 1_500;

    private static TaskSpec with(Loss loss, Activation activation, int batchSize, TrainLayers trainLayers) {
        return new TaskSpec(16, 20, 10, DataKind.SPHERE, "", 0, "gaussian", 1.0, 0, 0.5, EtaMode.STABILITY, 1000, 1e-6, 30, 6,
                loss, activation, batchSize, trainLayers);
    }

    @Test
    void canonicalJsonHasTheDocumentedForm() {
        assertEquals(DEFAULT_JSON, TaskIds.canonicalJson(DEFAULT));
    }

    @Test
    void idsNeverChange() {
        assertEquals(DEFAULT_ID, TaskIds.taskId(DEFAULT));
        assertEquals(EXTENDED_ID, TaskIds.taskId(with(Loss.LOGISTIC, Activation.TANH, 4, TrainLayers.BOTH)));
    }

    @Test
    void extensionFieldsAtTheirDefaultDoNotEnterTheCanonicalForm() {
        assertEquals(DEFAULT_JSON, TaskIds.canonicalJson(with(Loss.SQUARE, Activation.RELU, 0, TrainLayers.FIRST)));
        String head = DEFAULT_JSON.substring(0, DEFAULT_JSON.length() - 1);
        assertEquals(head + ",\"loss\":\"logistic\"}", TaskIds.canonicalJson(with(Loss.LOGISTIC, Activation.RELU, 0, TrainLayers.FIRST)));
        assertEquals(head + ",\"activation\":\"gelu\"}", TaskIds.canonicalJson(with(Loss.SQUARE, Activation.GELU, 0, TrainLayers.FIRST)));
        assertEquals(head + ",\"batch_size\":5}", TaskIds.canonicalJson(with(Loss.SQUARE, Activation.RELU, 5, TrainLayers.FIRST)));
        assertEquals(head + ",\"train_layers\":\"both\"}", TaskIds.canonicalJson(with(Loss.SQUARE, Activation.RELU, 0, TrainLayers.BOTH)));
        assertEquals(head + ",\"loss\":\"logistic\",\"activation\":\"tanh\",\"batch_size\":4,\"train_layers\":\"both\"}",
                TaskIds.canonicalJson(with(Loss.LOGISTIC, Activation.TANH, 4, TrainLayers.BOTH)));
    }

    @Test
    void everyFieldChangesTheId() {
        Set<String> ids = new HashSet<>();
        ids.add(TaskIds.taskId(DEFAULT));
        List<TaskSpec> variants = List.of(
                TaskSpec.sphere(17, 20, 10, 0, 0), TaskSpec.sphere(16, 21, 10, 0, 0), TaskSpec.sphere(16, 20, 11, 0, 0),
                TaskSpec.sphere(16, 20, 10, 1, 0), TaskSpec.sphere(16, 20, 10, 0, 1),
                new TaskSpec(16, 20, 10, DataKind.CSV, "", 0, "gaussian", 1.0, 0, 0.5, EtaMode.STABILITY, 1000, 1e-6, 30, 6,
                        Loss.SQUARE, Activation.RELU, 0, TrainLayers.FIRST),
                new TaskSpec(16, 20, 10, DataKind.SPHERE, "x", 0, "gaussian", 1.0, 0, 0.5, EtaMode.STABILITY, 1000, 1e-6, 30, 6,
                        Loss.SQUARE, Activation.RELU, 0, TrainLayers.FIRST),
                DEFAULT.withLabels("sign"), DEFAULT.withKappa(2.0), DEFAULT.withEta(0.25, EtaMode.STABILITY),
                DEFAULT.withEta(0.5, EtaMode.THEORY), DEFAULT.withSteps(999), DEFAULT.withTargetLossRatio(0),
                DEFAULT.withCheckpoints(31, 6), DEFAULT.withCheckpoints(30, 5),
                with(Loss.LOGISTIC, Activation.RELU, 0, TrainLayers.FIRST), with(Loss.SQUARE, Activation.TANH, 0, TrainLayers.FIRST),
                with(Loss.SQUARE, Activation.RELU, 1, TrainLayers.FIRST), with(Loss.SQUARE, Activation.RELU, 0, TrainLayers.BOTH));
        for (TaskSpec s : variants) {
            assertTrue(ids.add(TaskIds.taskId(s)), () -> "id of " + s + " collides");
            assertTrue(TaskIds.taskId(s).matches("[0-9a-f]{16}"));
        }
    }

    @Test
    void stringsAreEscaped() {
        TaskSpec s = new TaskSpec(16, 20, 10, DataKind.CSV, "a\"b\\c\td\u0001é", 0, "true", 1.0, 0, 0.5, EtaMode.ABSOLUTE,
                1000, 1e-6, 30, 6, Loss.SQUARE, Activation.RELU, 0, TrainLayers.FIRST);
        assertTrue(TaskIds.canonicalJson(s).contains("\"dataset\":\"a\\\"b\\\\c\\td\\u0001é\""),
                TaskIds.canonicalJson(s));
    }

    @Test
    void doublesUseTheShortestRoundTripForm() {
        assertEquals("0.5", TaskIds.formatDouble(0.5));
        assertEquals("1.0", TaskIds.formatDouble(1.0));
        assertEquals("0.0", TaskIds.formatDouble(0.0));
        assertEquals("0.0", TaskIds.formatDouble(-0.0));
        assertEquals("-2.5", TaskIds.formatDouble(-2.5));
        assertEquals("1.0E-6", TaskIds.formatDouble(1e-6));
        assertEquals("0.001", TaskIds.formatDouble(1e-3));
        assertEquals("9.99E-4", TaskIds.formatDouble(9.99e-4));
        assertEquals("1234567.0", TaskIds.formatDouble(1234567.0));
        assertEquals("1.0E7", TaskIds.formatDouble(1e7));
        assertEquals("1.25E10", TaskIds.formatDouble(1.25e10));
        assertEquals("0.1", TaskIds.formatDouble(0.1));
        assertEquals("0.30000000000000004", TaskIds.formatDouble(0.1 + 0.2));
        // Double.toString prints 4.9E-324 here, but one digit already reads back as MIN_VALUE
        assertEquals("5.0E-324", TaskIds.formatDouble(Double.MIN_VALUE));
        assertEquals("1.7976931348623157E308", TaskIds.formatDouble(Double.MAX_VALUE));
        // Java 17's Double.toString gives "2.0E-3"-like forms correctly but is not always shortest:
        // this one is a known case (JDK-4511638) where it prints 18 digits.
        assertEquals("2.0E23", TaskIds.formatDouble(2e23));
    }

    @Test
    void doublesRoundTripExactlyAndAreNeverLongerThanDoubleToString() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < ROUND_TRIP_SAMPLES; i++) {
            double x = i % 2 == 0 ? Double.longBitsToDouble(random.nextLong()) : random.nextDouble() * Math.pow(10, random.nextInt(-8, 9));
            if (!Double.isFinite(x)) {
                continue;
            }
            String text = TaskIds.formatDouble(x);
            assertEquals(x == 0 ? 0.0 : x, Double.parseDouble(text), text);
            assertTrue(text.length() <= Double.toString(x).length(), text + " vs " + x);
        }
    }

    @Test
    void idsDoNotDependOnKeyOrderOrOnHowANumberIsWritten() throws Exception {
        String v1 = lines("name: a", "network: {width: 16, kappa: 1}", "data: {n: 20, d: 10}",
                "train: {eta: 0.5, steps: 1000, target_loss_ratio: 1.0e-6}");
        String v2 = lines("train: {target_loss_ratio: 0.000001, steps: 1.0e3, eta: 5e-1}", "data: {d: 10.0, n: 20}",
                "network: {kappa: 1.00, width: 1.6e1}", "name: b");
        assertEquals(List.of(DEFAULT_ID), plan(v1).tasks().stream().map(PlannedTask::taskId).toList());
        assertEquals(List.of(DEFAULT_ID), plan(v2).tasks().stream().map(PlannedTask::taskId).toList());
    }
}
