package org.sweep.driver.plan;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated, expanded sweep.
 *
 * @param name       the sweep's name (a Parquet partition value)
 * @param source     the sweep file
 * @param configText the sweep file's text as read (before overrides)
 * @param overrides  the {@code --set key=value} overrides applied, in order
 * @param tasks      the tasks in the stable expansion order of {@link Grid} (not ordered by
 *                   cost; the executor sorts). Task ids are distinct.
 * @param shape      the grid's shape in words, axes with more than one value in expansion order,
 *                   e.g. {@code "4 width x 2 n x 4 seed = 32 tasks"}; {@code "1 task"} for a single task
 */
public record SweepPlan(String name, Path source, String configText, List<String> overrides,
                        List<PlannedTask> tasks, String shape) {

    public SweepPlan {
        overrides = List.copyOf(overrides);
        tasks = List.copyOf(tasks);
    }

    /** A plan whose tasks were not expanded from a grid (tests, hand-made lists): the shape is the count. */
    public SweepPlan(String name, Path source, String configText, List<String> overrides, List<PlannedTask> tasks) {
        this(name, source, configText, overrides, tasks, tasks.size() + (tasks.size() == 1 ? " task" : " tasks"));
    }

    /** Largest estimated memory of one task, in bytes (0 for no tasks). */
    public long peakBytes() {
        long peak = 0;
        for (PlannedTask t : tasks) {
            peak = Math.max(peak, t.estimatedBytes());
        }
        return peak;
    }

    /** Sum of the tasks' estimated floating-point operations. */
    public double totalFlops() {
        double sum = 0;
        for (PlannedTask t : tasks) {
            sum += t.estimatedFlops();
        }
        return sum;
    }
}
