package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sweep.driver.plan.Sweeps.lines;
import static org.sweep.driver.plan.Sweeps.message;
import static org.sweep.driver.plan.Sweeps.plan;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.sweep.worker.TaskSpec;

class OverrideTest {

    /** Lines: 1 name, 2 grid, 3 width, 4 data, 5 train. */
    private static final String BASE = lines(
            "name: base",
            "grid:",
            "  width: {from: 16, to: 64, factor: 2}",
            "data: {n: 20, d: 10}",
            "train: {steps: 1000}");

    private static List<Integer> widths(SweepPlan p) {
        return p.tasks().stream().map(t -> t.spec().width()).toList();
    }

    @Test
    void noOverride() throws Exception {
        SweepPlan p = plan(BASE);
        assertEquals(List.of(16, 32, 64), widths(p));
        assertEquals(1000, p.tasks().get(0).spec().steps());
    }

    @Test
    void sectionValueIsReplaced() throws Exception {
        SweepPlan p = plan(BASE, "train.steps=200", "data.d=5");
        assertEquals(List.of(200, 200, 200), p.tasks().stream().map(t -> t.spec().steps()).toList());
        assertEquals(5, p.tasks().get(0).spec().d());
        assertEquals(List.of("train.steps=200", "data.d=5"), p.overrides());
        assertEquals(BASE, p.configText());
    }

    @Test
    void gridAxisIsReplacedByAList() throws Exception {
        assertEquals(List.of(16, 64), widths(plan(BASE, "grid.width=[16,64]")));
        assertEquals(List.of(8), widths(plan(BASE, "grid.width=8")));
        assertEquals(List.of(1, 2, 3), widths(plan(BASE, "grid.width={from: 1, count: 3}")));
    }

    @Test
    void partOfARangeIsReplaced() throws Exception {
        assertEquals(List.of(16, 32, 64, 128), widths(plan(BASE, "grid.width.to=128")));
    }

    @Test
    void nameIsReplaced() throws Exception {
        assertEquals("x", plan(BASE, "name=x").name());
    }

    @Test
    void missingSectionsAndAxesAreCreated() throws Exception {
        SweepPlan p = plan(BASE, "network.kappa=0.5", "grid.seed=[0, 1]");
        assertEquals(6, p.tasks().size());
        assertEquals(TaskSpec.sphere(16, 20, 10, 0, 1).withKappa(0.5), p.tasks().get(1).spec());
    }

    @Test
    void laterOverridesWin() throws Exception {
        assertEquals(300, plan(BASE, "train.steps=200", "train.steps=300").tasks().get(0).spec().steps());
    }

    @Test
    void anEmptyValueRemovesAnEntrySoAGridAxisCanBecomeAScalar() throws Exception {
        SweepPlan p = plan(BASE, "grid.width=", "network.width=128");
        assertEquals(List.of(128), widths(p));
    }

    @Test
    void theFileIsNotChangedByOverrides() throws Exception {
        plan(BASE, "grid.width=[8]");
        assertEquals(List.of(16, 32, 64), widths(plan(BASE)));
    }

    @Test
    void overrideIdsEqualThoseOfTheSameFile() throws Exception {
        String edited = BASE.replace("steps: 1000", "steps: 200");
        assertEquals(plan(edited).tasks(), plan(BASE, "train.steps=200").tasks());
    }

    // ---- errors name the override ----

    @Test
    void sectionValueWhileTheGridHasTheAxis() {
        assertEquals("--set network.width=32: network.width: also given as grid.width at s.yaml:3; to change a grid "
                + "axis, override grid.width instead (--set grid.width=...), or remove it first (--set grid.width=)",
                message(BASE, "network.width=32"));
    }

    @Test
    void gridAxisWhileTheSectionHasTheValue() {
        assertEquals("--set grid.steps=[10,20]: grid.steps: also given as train.steps at s.yaml:5; remove it first "
                + "(--set train.steps=) to sweep over it", message(BASE, "grid.steps=[10,20]"));
    }

    @Test
    void wrongTypeInAnOverride() {
        assertEquals("--set train.steps=abc: train.steps: expected an integer, got 'abc'", message(BASE, "train.steps=abc"));
    }

    @Test
    void invalidValueInAnOverride() {
        assertEquals("--set grid.width=[0,16]: grid.width: must be >= 1, got 0", message(BASE, "grid.width=[0,16]"));
    }

    @Test
    void unknownKeyInAnOverride() {
        assertEquals("--set train.stpes=5: train.stpes: unknown key 'stpes' in train (did you mean 'steps'?); expected "
                + "one of seed, eta, eta_mode, steps, target_loss_ratio, checkpoints, spectrum_checkpoints, loss, "
                + "batch_size", message(BASE, "train.stpes=5"));
    }

    @Test
    void overrideWithoutEquals() {
        assertEquals("--set train.steps: expected key=value, e.g. --set train.steps=200", message(BASE, "train.steps"));
    }

    @Test
    void overrideWithABadKey() {
        assertEquals("--set train..steps=5: train..steps: not a key; expected a dotted path such as train.steps or "
                + "grid.width", message(BASE, "train..steps=5"));
        assertEquals("--set =5: not a key; expected a dotted path such as train.steps or grid.width", message(BASE, "=5"));
    }

    @Test
    void malformedOverrideValue() {
        assertEquals("--set grid.width=[16: grid.width: malformed YAML: while parsing a flow sequence (line 1), "
                + "expected ',' or ']', but got <stream end>", message(BASE, "grid.width=[16"));
    }

    @Test
    void overrideBelowAScalar() {
        assertEquals("--set name.first=a: name.first: name is 'base', not a mapping, so name.first cannot be set",
                message(BASE, "name.first=a"));
    }

    @Test
    void removingSomethingThatIsNotThere() {
        assertEquals("--set grid.seed=: grid.seed: nothing to remove: the sweep has no grid.seed",
                message(BASE, "grid.seed="));
    }
}
