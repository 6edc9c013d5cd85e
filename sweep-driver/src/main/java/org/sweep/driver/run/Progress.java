package org.sweep.driver.run;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.SparkContext;

/**
 * The progress bar on stderr. Executors count finished tasks in accumulators (merged on the driver
 * as each Spark task completes); a daemon thread polls them. On a terminal the line is redrawn in
 * place with {@code \r} every {@link #TTY_PERIOD_MS}; otherwise a plain line is printed every
 * {@link #PLAIN_PERIOD_MS}. {@link #finish()} prints one final line.
 *
 * <p>The ETA weighs each task by its estimated flops plus a fixed per-task cost
 * ({@link #TASK_OVERHEAD_FLOPS}: scheduling, data generation, statistics, writing a row), and scales
 * the measured rate: ETA = elapsed * (remaining weight) / (finished weight). Counting tasks alone would
 * overestimate (tasks run longest first); flops alone underestimate sweeps of many small tasks, whose
 * time is mostly that fixed cost. "(N committed)" counts the finished tasks whose wave is already
 * on disk (shown while some finished tasks are not yet).
 * Finished tasks are counted by task_id ({@link TaskTally}), so a task that Spark re-executes after
 * an executor loss counts once; the bar is a display only: the stored rows are exact.
 */
public final class Progress implements AutoCloseable {
    static final long TTY_PERIOD_MS = 250;
    static final long PLAIN_PERIOD_MS = 10_000;

    /** Finished tasks by task_id (a task Spark re-ran after an executor loss counts once). */
    public final TaskTally tally = new TaskTally();

    private final PrintStream err;
    private final boolean tty;
    private final long total;
    private final double totalFlops;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile long committed;
    /** Counts of the waves folded in by {@link #waveCommitted}, whose task ids the tally no longer holds. */
    private long doneBefore;
    private long failedBefore;
    private long divergedBefore;
    private double flopsBefore;
    private int lastWidth;

    /**
     * @param total      tasks to run in this invocation
     * @param totalFlops their estimated flops
     */
    public Progress(SparkContext sc, long total, double totalFlops, PrintStream err, boolean tty) {
        // Unnamed: Spark reports named accumulators to its status listener, which turns the driver's
        // value (every task_id of the wave) into a string after each Spark task; at 10^6 tiny tasks
        // that backlog filled the default heap.
        sc.register(tally);
        this.err = err;
        this.tty = tty;
        this.total = total;
        this.totalFlops = totalFlops;
        long period = tty ? TTY_PERIOD_MS : PLAIN_PERIOD_MS;
        this.thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    draw(false);
                }
            }
        }, "sweep-progress");
        thread.setDaemon(true);
    }

    public Progress startDrawing() {
        started = true;
        thread.start();
        return this;
    }

    /** Tasks of this invocation whose wave is committed (shown next to the finished count). */
    public void setCommitted(long committed) {
        this.committed = committed;
    }

    /**
     * A wave is committed: its counts join the totals and the tally forgets its task ids, so the driver
     * holds the ids of one wave at most (Spark re-runs a task only while its wave's jobs run).
     */
    public synchronized void waveCommitted(long committed) {
        doneBefore += tally.done();
        failedBefore += tally.failed();
        divergedBefore += tally.diverged();
        flopsBefore += tally.doneFlops();
        tally.reset();
        this.committed = committed;
    }

    /** Whether stderr is a terminal: bin/sweep passes {@code -Dsweep.tty=true} when {@code [ -t 2 ]}. */
    public static boolean stderrIsTerminal() {
        return Boolean.getBoolean("sweep.tty");
    }

    /**
     * The fixed cost of one task, in flops of work at the planner's assumed 10 GFLOP/s per core: about
     * 50 ms per task, as measured on small tasks (the quickstart's 32 tasks average 25 MFLOP each
     * yet take well over a second of wall time per wave).
     */
    static final double TASK_OVERHEAD_FLOPS = 5e8;

    public static String clock(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** The text of the bar for the given counts (pure; tested). */
    static String line(long done, long total, long committed, long failed, long diverged, double elapsed,
                       double doneFlops, double totalFlops, int barWidth) {
        double frac = total == 0 ? 1.0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(frac * barWidth);
        double doneWeight = doneFlops + done * TASK_OVERHEAD_FLOPS;
        double remainingWeight = Math.max(0.0, totalFlops - doneFlops) + (total - done) * TASK_OVERHEAD_FLOPS;
        double eta = done >= total ? 0.0 : done > 0 ? elapsed * remainingWeight / doneWeight : Double.NaN;
        return "[" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "] "
                + done + "/" + total + " tasks" + (committed > 0 && committed < done ? " (" + committed + " committed)" : "")
                + "  failed " + failed + "  diverged " + diverged
                + "  elapsed " + clock(elapsed) + "  ETA " + clock(eta);
    }

    private synchronized void draw(boolean last) {
        if (Interruption.shuttingDown()) {
            return;   // the interruption's line is the last one a stopped run prints
        }
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        String s = line(Math.min(doneBefore + tally.done(), total), total, committed, failedBefore + tally.failed(),
                divergedBefore + tally.diverged(), elapsed, flopsBefore + tally.doneFlops(), totalFlops, 30);
        if (tty) {
            String pad = s.length() < lastWidth ? " ".repeat(lastWidth - s.length()) : "";
            err.print("\r" + s + pad + (last ? "\n" : ""));
            lastWidth = s.length();
        } else {
            err.println(s);
        }
        err.flush();
    }

    /** Stops the thread and prints the final line (nothing when drawing never started). */
    public void finish() {
        if (running) {
            running = false;
            if (started) {
                thread.interrupt();
                draw(true);
            }
        }
    }

    @Override
    public void close() {
        finish();
    }

}
