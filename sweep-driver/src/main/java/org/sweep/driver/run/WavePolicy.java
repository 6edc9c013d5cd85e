package org.sweep.driver.run;

/**
 * How many tasks go into the next wave. A wave is the unit of commit: killing the driver loses at
 * most the wave in flight, and every wave costs a few seconds of writing and one file per table.
 *
 * <p>The first wave holds {@code FIRST_ROUNDS} tasks per core, so the first results are committed
 * early. Every later wave is sized so that it takes about {@link #TARGET_SECONDS} at the throughput
 * (tasks per second) measured on the waves so far; while the last wave took less than half the
 * target, the size at least doubles (the measured throughput includes each wave's fixed commit
 * cost, so it underestimates what larger waves achieve). A wave has never less than
 * {@code FIRST_ROUNDS} tasks per core nor more than {@link #MAX_TASKS}, rounded up to a whole
 * number of tasks per core so no core idles in a partial last round. Examples on 2 cores: tasks of
 * 1 s give waves of 120 tasks; tiny tasks (n=10, d=5, width 16) give waves of 8, about 80, 500, 2,600,
 * 12,000, 40,000, 90,000, then 100,000 (measured: 10^6 tasks in 16 waves, compacted at the end into one
 * file per table).
 */
public final class WavePolicy {
    /** Tasks per core in the first wave. */
    public static final int FIRST_ROUNDS = 4;
    /** Wall seconds a wave should take once the throughput is known. */
    public static final double TARGET_SECONDS = 60.0;
    /**
     * Upper bound of a wave: bounds the wave's task list the driver broadcasts and the outcomes the
     * executors hold until the wave is written (a few KiB per small task). Large enough that a sweep
     * of 10^6 tiny tasks pays its per-wave costs (Spark jobs, commit, one file per table) about 15 times.
     */
    public static final int MAX_TASKS = 100_000;

    private final int parallelism;
    private long tasksDone;
    private double secondsSpent;
    private int lastTasks;
    private double lastSeconds;

    public WavePolicy(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism = " + parallelism + ": must be >= 1");
        }
        this.parallelism = parallelism;
    }

    /** Records a finished wave: its task count and its wall seconds including the commit. */
    public void record(int tasks, double seconds) {
        tasksDone += tasks;
        secondsSpent += Math.max(seconds, 1e-3);
        lastTasks = tasks;
        lastSeconds = seconds;
    }

    /** Size of the next wave, at most {@code remaining}. */
    public int nextSize(int remaining) {
        long size;
        int floor = FIRST_ROUNDS * parallelism;
        if (tasksDone == 0) {
            size = floor;
        } else {
            double rate = tasksDone / secondsSpent;
            size = Math.max(floor, (long) Math.ceil(rate * TARGET_SECONDS));
            if (lastSeconds < TARGET_SECONDS / 2) {
                size = Math.max(size, 2L * lastTasks);
            }
            size = Math.min(size, MAX_TASKS);
            size = (size + parallelism - 1) / parallelism * parallelism;
        }
        return (int) Math.min(size, remaining);
    }
}
