package org.sweep.driver.run;

import org.sweep.driver.store.TaskOutcome;

import org.sweep.driver.store.Provenance;

import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.TaskIds;
import org.sweep.worker.Cost;
import org.sweep.worker.Status;
import org.sweep.worker.Summary;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * Runs one planned task on an executor and records where and when it ran. A task function that
 * throws (the worker never should) becomes a {@code failed} outcome, so one bad task cannot abort
 * the sweep; an {@link OutOfMemoryError} is left to Spark, which loses the executor and retries.
 */
final class ExecuteTask implements Function<Integer, TaskOutcome> {
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

    @Override
    public TaskOutcome call(Integer index) {
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
        double seconds = (System.nanoTime() - t0) / 1e9;
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
