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
 * @param tasks      the tasks in the stable expansion order of {@link SweepPlanner} (not ordered by
 *                   cost; the executor sorts). Task ids are distinct.
 */
public record SweepPlan(String name, Path source, String configText, List<String> overrides,
                        List<PlannedTask> tasks) {

    public SweepPlan {
        overrides = List.copyOf(overrides);
        tasks = List.copyOf(tasks);
    }

    /** Largest estimated memory of one task, in bytes (0 for no tasks). */
    public long peakBytes() {
        long peak = 0;
        for (PlannedTask t : tasks) {
            peak = Math.max(peak, t.estimatedBytes());
        }
        return peak;
    }

    /**
     * The grid's shape in words, axes with more than one value in expansion order, e.g.
     * {@code "4 width x 2 n x 4 seed = 32 tasks"}; {@code "1 task"} for a single task.
     */
    public String shape() {
        StringBuilder sb = new StringBuilder();
        for (Param p : Param.values()) {
            long distinct = tasks.stream().map(t -> p.of(t.spec())).distinct().count();
            if (distinct > 1) {
                sb.append(sb.length() == 0 ? "" : " x ").append(distinct).append(' ').append(p.gridKey);
            }
        }
        int n = tasks.size();
        String count = n + (n == 1 ? " task" : " tasks");
        return sb.length() == 0 ? count : sb + " = " + count;
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
