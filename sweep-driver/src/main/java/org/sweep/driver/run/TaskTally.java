package org.sweep.driver.run;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.util.AccumulatorV2;

/**
 * Counts finished tasks by task_id for the progress bar. Spark merges the accumulator updates of
 * every successful Spark task, also of one it runs again after an executor was lost (its output
 * went with the executor): plain counters would then show more tasks done than there are (29/24).
 * Keyed by task_id, a task is counted once however often it ran.
 */
public final class TaskTally extends AccumulatorV2<TaskTally.Done, Map<String, TaskTally.Done>> {
    private static final long serialVersionUID = 1L;

    /** One finished task: its id, estimated flops and outcome. */
    public record Done(String taskId, double flops, boolean failed, boolean diverged) implements Serializable {
    }

    private final ConcurrentHashMap<String, Done> seen = new ConcurrentHashMap<>();
    private final LongAdder failed = new LongAdder();
    private final LongAdder diverged = new LongAdder();
    private final DoubleAdder flops = new DoubleAdder();

    @Override
    public boolean isZero() {
        return seen.isEmpty();
    }

    @Override
    public TaskTally copy() {
        TaskTally t = new TaskTally();
        seen.values().forEach(t::add);
        return t;
    }

    @Override
    public void reset() {
        seen.clear();
        failed.reset();
        diverged.reset();
        flops.reset();
    }

    @Override
    public void add(Done d) {
        if (seen.putIfAbsent(d.taskId(), d) == null) {
            flops.add(d.flops());
            if (d.failed()) {
                failed.increment();
            } else if (d.diverged()) {
                diverged.increment();
            }
        }
    }

    @Override
    public void merge(AccumulatorV2<Done, Map<String, Done>> other) {
        other.value().values().forEach(this::add);
    }

    @Override
    public Map<String, Done> value() {
        return seen;
    }

    /** Distinct tasks finished. */
    public long done() {
        return seen.size();
    }

    public long failed() {
        return failed.sum();
    }

    public long diverged() {
        return diverged.sum();
    }

    /** Estimated flops of the distinct tasks finished. */
    public double doneFlops() {
        return flops.sum();
    }
}
