package org.sweep.driver.run;

import org.sweep.driver.store.TaskOutcome;

import org.sweep.driver.store.Provenance;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.TaskIds;
import org.sweep.worker.Cost;
import org.sweep.worker.Status;
import org.sweep.worker.Summary;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * Runs a pack of planned tasks (or one) on an executor and records where and when it ran. A task function that
 * throws (the worker never should) becomes a {@code failed} outcome, so one bad task cannot abort
 * the sweep; an {@link OutOfMemoryError} is left to Spark, which loses the executor and retries.
 */
final class ExecuteTask implements FlatMapFunction<List<Integer>, TaskOutcome> {
    private static final long serialVersionUID = 1L;

    private final TaskFunction fn;
    private final Broadcast<List<PlannedTask>> wave;
    private final TaskTally tally;

    /**
     * @param wave the wave's tasks, broadcast once per executor; partition i runs task i (the
     *             partitions themselves carry only the index, so coalescing thousands of them into
     *             one writer task stays small)
     */
    ExecuteTask(TaskFunction fn, Broadcast<List<PlannedTask>> wave, Progress progress) {
        this.fn = fn;
        this.wave = wave;
        this.tally = progress == null ? null : progress.tally;
    }

    static TaskResult failedResult(TaskSpec spec, Throwable e) {
        String msg = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new TaskResult(spec, Status.FAILED, msg, null, null, Summary.empty(), List.of(), List.of(),
                new Cost(0.0, 0.0, 0.0, null, null));
    }

    /** Runs one task of the wave alone. */
    TaskOutcome runOne(int index) {
        PlannedTask task = wave.value().get(index);
        long t0 = System.nanoTime();
        TaskResult r;
        try {
            r = fn.apply(task.spec());
            if (r == null) {
                r = failedResult(task.spec(), new IllegalStateException("task function returned null"));
            }
        } catch (Exception | StackOverflowError e) {
            r = failedResult(task.spec(), e);
        }
        return outcome(task, r, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Runs a pack (indices into the wave) and returns one outcome per task, in the pack's order. A pack of one
     * runs exactly as {@link #runOne}. If the pack function throws or returns the wrong number of results,
     * every task of the pack runs alone instead. A packed task's seconds are its result's own time (its share of
     * the pack).
     */
    @Override
    public Iterator<TaskOutcome> call(List<Integer> pack) {
        return runAll(pack).iterator();
    }

    /** {@link #call} as one list: the element a wave persists per pack (see {@code SweepRunner}). */
    ArrayList<TaskOutcome> runAll(List<Integer> pack) {
        ArrayList<TaskOutcome> out = new ArrayList<>(pack.size());
        if (pack.size() == 1) {
            out.add(runOne(pack.get(0)));
            return out;
        }
        List<PlannedTask> tasks = new ArrayList<>(pack.size());
        List<TaskSpec> specs = new ArrayList<>(pack.size());
        for (int i : pack) {
            PlannedTask t = wave.value().get(i);
            tasks.add(t);
            specs.add(t.spec());
        }
        List<TaskResult> results;
        try {
            results = fn.applyPack(specs);
        } catch (Exception | StackOverflowError e) {
            results = null;
        }
        // (contains(null) would throw on immutable lists.)
        if (results == null || results.size() != specs.size() || results.stream().anyMatch(r -> r == null)) {
            for (int i : pack) {
                out.add(runOne(i));
            }
            return out;
        }
        for (int j = 0; j < tasks.size(); j++) {
            TaskResult r = results.get(j);
            out.add(outcome(tasks.get(j), r, r.cost().secondsTrain() + r.cost().secondsSpectra()));
        }
        return out;
    }

    private TaskOutcome outcome(PlannedTask task, TaskResult r, double seconds) {
        TaskContext tc = TaskContext.get();
        SparkEnv env = SparkEnv.get();
        String executor = env == null ? "driver"
                : env.executorId() + "@" + env.blockManager().blockManagerId().host();
        TaskOutcome o = new TaskOutcome(task.taskId(), TaskIds.canonicalJson(task.spec()), r, seconds, executor,
                tc == null ? 0 : tc.attemptNumber(), System.currentTimeMillis(), Provenance.javaVersion(),
                Provenance.osArch());
        if (tally != null) {
            tally.add(new TaskTally.Done(task.taskId(), task.estimatedFlops(), r.status() == Status.FAILED,
                    r.status() == Status.DIVERGED));
        }
        return o;
    }
}
