package org.sweep.driver.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.driver.plan.TaskIds;
import org.sweep.worker.Checkpoint;
import org.sweep.worker.Cost;
import org.sweep.worker.EtaMode;
import org.sweep.worker.Spectrum;
import org.sweep.worker.Status;
import org.sweep.worker.Summary;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * A synthetic, deterministic task function for tests of the storage logic: its outputs are simple
 * closed forms of the spec, so tests can predict every stored value. eta >= 2 gives a diverged task,
 * eta >= 3 a task that throws.
 */
public final class FakeWorker {
    private FakeWorker() {
    }

    /** Calls in this JVM (local masters run tasks in the test JVM). */
    static final AtomicInteger CALLS = new AtomicInteger();

    public static TaskResult run(TaskSpec s) {
        CALLS.incrementAndGet();
        if (s.eta() >= 3) {
            throw new IllegalStateException("synthetic failure for eta " + s.eta());
        }
        int k = s.checkpoints();
        List<Checkpoint> traj = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int step = (int) ((long) i * s.steps() / (k - 1));
            traj.add(new Checkpoint(step, loss(s, step), loss(s, step), 2.0 * loss(s, step), 1.0, 0.01 * i,
                    0.0, i == k - 1 ? 1.0 / s.width() : null, null, null, null, null, null));
        }
        double[] eig = new double[s.n()];
        double[] proj = new double[s.n()];
        for (int i = 0; i < s.n(); i++) {
            eig[i] = (i + 1.0) / s.n();
            proj[i] = 1.0 / s.n();
        }
        List<Spectrum> spectra = List.of(new Spectrum("h_inf", 0, eig, proj), new Spectrum("h_0", 0, eig.clone(), null),
                new Spectrum("h_final", s.steps(), eig.clone(), null));
        boolean diverged = s.eta() >= 2;
        Summary m = new Summary(eig[0], eig[s.n() - 1], 0.5, 1.0, loss(s, 0), eig[0], 0.0, loss(s, s.steps()),
                s.steps(), null, rate(s), rate(s), rate(s), rate(s), s.seed() % 2 == 0, eig[0], eig[0], 0.0,
                1.0 / Math.sqrt(s.width()), 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, null, null, null, null, "closed_form");
        return new TaskResult(s, diverged ? Status.DIVERGED : Status.OK, diverged ? "loss exceeded 1e6 L(0)" : null,
                s.eta() * 2, s.eta(), m, traj, spectra, new Cost(0.5, 0.25, 1.5e9, "FakeBLAS", "FakeLAPACK"));
    }

    static double rate(TaskSpec s) {
        return 1.0 - 1.0 / s.width();
    }

    static double loss(TaskSpec s, int step) {
        return Math.pow(rate(s), step) * s.n();
    }

    public static TaskSpec spec(int width, int n, long seed, double eta) {
        return TaskSpec.sphere(width, n, 3, 0, seed).withEta(eta, EtaMode.STABILITY).withSteps(20)
                .withCheckpoints(4, 1);
    }

    static PlannedTask planned(TaskSpec s) {
        return new PlannedTask(TaskIds.taskId(s), s, 8L * s.n() * s.width(), 4.0 * s.n() * s.width() * s.d() * s.steps());
    }

    /** A plan over widths x seeds with n = 4 and the given eta. */
    public static SweepPlan plan(String name, int[] widths, int seeds, double eta) {
        List<PlannedTask> tasks = new ArrayList<>();
        for (int w : widths) {
            for (int seed = 0; seed < seeds; seed++) {
                tasks.add(planned(spec(w, 4, seed, eta)));
            }
        }
        return new SweepPlan(name, Path.of(name + ".yaml"), "name: " + name + "\n", List.of(), tasks);
    }
}
