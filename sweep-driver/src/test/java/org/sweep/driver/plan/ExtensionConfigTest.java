package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sweep.driver.plan.Sweeps.lines;

import org.junit.jupiter.api.Test;
import org.sweep.worker.Activation;
import org.sweep.worker.Loss;
import org.sweep.worker.TaskSpec;
import org.sweep.worker.TrainLayers;

/** Sweep files with the extension parameters of issue 6 (loss, activation, batch size, trained layers). */
class ExtensionConfigTest {

    @Test
    void logisticLossWithGaussianLabelsFailsAtPlanTimeNamingTheKeys() {
        String msg = Sweeps.message(lines(
                "name: x",
                "grid: {width: [8], loss: [square, logistic]}",
                "data: {kind: sphere, n: 4, d: 2}"));
        assertTrue(msg.contains("grid.loss") && msg.contains("logistic needs labels +-1")
                && msg.contains("the default of data.labels"), msg);
        String explicit = Sweeps.message(lines(
                "name: x",
                "grid: {width: [8]}",
                "train: {loss: logistic}",
                "data: {kind: sphere, n: 4, d: 2, labels: gaussian}"));
        assertTrue(explicit.contains("train.loss") && explicit.contains("line 4"), explicit);
    }

    @Test
    void extensionAxesExpandIntoSpecs() throws ConfigException {
        SweepPlan plan = Sweeps.plan(lines(
                "name: x",
                "grid: {width: [8], loss: [square, logistic], activation: [relu, gelu], batch_size: [0, 2],"
                        + " train_layers: [first, both]}",
                "data: {kind: sphere, n: 4, d: 2, labels: sign}"));
        assertEquals(16, plan.tasks().size());
        TaskSpec last = plan.tasks().get(plan.tasks().size() - 1).spec();
        assertEquals(Loss.LOGISTIC, last.loss());
        assertEquals(Activation.GELU, last.activation());
        assertEquals(2, last.batchSize());
        assertEquals(TrainLayers.BOTH, last.trainLayers());
    }
}
