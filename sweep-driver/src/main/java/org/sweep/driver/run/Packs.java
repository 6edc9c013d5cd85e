package org.sweep.driver.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskSpec;

/**
 * Groups a wave's tasks into packs, one Spark task each. A pack holds tasks of one data identity
 * ({@link SweepWorker#dataKey}: data kind, dataset, n, d, data seed, labels, activation, kappa, trained
 * layers, loss), so the worker builds their data and its kernel statistics once and steps same-budget
 * full-batch networks together ({@link SweepWorker#runPack}). Within a data group the tasks are ordered by
 * step budget (same budgets side by side, so they fuse) and then filled greedily into packs bounded by
 *
 * <ul>
 *   <li>memory: the shared data plus every member's buffers ({@link SweepWorker#estimatePackMemberBytes})
 *       stays within {@code memoryBytes} (a single task above it still forms its own pack);</li>
 *   <li>time: the estimated pack time stays within {@link #MAX_PACK_SECONDS} and within the wave's
 *       estimated time per core / {@link #PACKS_PER_CORE}, so a small wave still spreads over all cores;
 *       a task is estimated at {@link #TASK_OVERHEAD_SECONDS} plus its flops at
 *       {@link #ASSUMED_FLOPS_PER_SECOND}.</li>
 * </ul>
 * Packs are returned longest estimated first. A pure function of its inputs.
 */
public final class Packs {
    /** Upper bound of a pack's estimated time: long enough to amortise, short enough to balance cores. */
    public static final double MAX_PACK_SECONDS = 30.0;
    /** Packs per core a wave is cut into at least (when it has enough tasks). */
    public static final int PACKS_PER_CORE = 3;
    /** Flop rate assumed for the time estimate of a pack (per core). */
    public static final double ASSUMED_FLOPS_PER_SECOND = 10e9;
    /** Fixed cost assumed per task (its trainer, spectra set-up, result rows). */
    public static final double TASK_OVERHEAD_SECONDS = 2e-4;

    private Packs() {
    }

    /** Estimated seconds of one task on one core. */
    static double seconds(PlannedTask t) {
        return TASK_OVERHEAD_SECONDS + t.estimatedFlops() / ASSUMED_FLOPS_PER_SECOND;
    }

    /** One pack per task, in the wave's order: execution as without packing. */
    public static List<List<Integer>> singletons(int tasks) {
        List<List<Integer>> out = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            out.add(List.of(i));
        }
        return out;
    }

    /**
     * Packs of indices into {@code wave}.
     *
     * @param memoryBytes memory one Spark task may use
     * @param cores       parallelism of the cluster
     */
    public static List<List<Integer>> of(List<PlannedTask> wave, long memoryBytes, int cores) {
        double total = 0;
        for (PlannedTask t : wave) {
            total += seconds(t);
        }
        double limit = Math.min(MAX_PACK_SECONDS, total / (Math.max(1, cores) * PACKS_PER_CORE));
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < wave.size(); i++) {
            groups.computeIfAbsent(SweepWorker.dataKey(wave.get(i).spec()), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> packs = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        for (List<Integer> g : groups.values()) {
            g.sort(Comparator.comparingInt((Integer i) -> wave.get(i).spec().steps())
                    .thenComparing(Comparator.comparingDouble((Integer i) -> wave.get(i).estimatedFlops()).reversed()));
            TaskSpec first = wave.get(g.get(0)).spec();
            long dataBytes = 8L * (3L * first.n() * first.n() + 4L * first.n() + (long) first.n() * first.d());
            List<Integer> cur = new ArrayList<>();
            double curSeconds = 0;
            long curBytes = dataBytes;
            for (int i : g) {
                PlannedTask t = wave.get(i);
                double s = seconds(t);
                long b = SweepWorker.estimatePackMemberBytes(t.spec());
                if (!cur.isEmpty() && (curSeconds + s > limit || curBytes + b > memoryBytes)) {
                    packs.add(cur);
                    times.add(curSeconds);
                    cur = new ArrayList<>();
                    curSeconds = 0;
                    curBytes = dataBytes;
                }
                cur.add(i);
                curSeconds += s;
                curBytes += b;
            }
            packs.add(cur);
            times.add(curSeconds);
        }
        Integer[] order = new Integer[packs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> times.get(i)).reversed());
        List<List<Integer>> out = new ArrayList<>(packs.size());
        for (int i : order) {
            out.add(List.copyOf(packs.get(i)));
        }
        return out;
    }
}
