package org.sweep.driver.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerApplicationStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.executor.TaskMetrics;

/**
 * Measures how much of the cores' time a run spends inside tasks. Registered with
 * {@code --conf spark.extraListeners=org.sweep.driver.bench.CoreTimeListener} and
 * {@code --conf spark.sweep.bench.out=FILE}; at application end it writes FILE as
 * {@code key=value} lines:
 * <ul>
 *   <li>{@code tasks}: finished Spark tasks (all jobs: sweep waves and table writes);</li>
 *   <li>{@code run_ms}: sum of the tasks' executorRunTime (wall time inside the task, ms);</li>
 *   <li>{@code cpu_ms}: sum of executorCpuTime (thread CPU time, ms);</li>
 *   <li>{@code app_ms}: application start to end (SparkContext lifetime, ms);</li>
 *   <li>{@code span_ms}: first task launch to last task end (ms).</li>
 * </ul>
 * The fraction of core time inside tasks is {@code run_ms / (wall_ms * cores)} for a chosen wall.
 */
public final class CoreTimeListener extends SparkListener {
    private final Path out;
    private long tasks;
    private long runMs;
    private long cpuNs;
    private long appStart = -1;
    private long firstLaunch = Long.MAX_VALUE;
    private long lastFinish = Long.MIN_VALUE;

    public CoreTimeListener(SparkConf conf) {
        this.out = Path.of(conf.get("spark.sweep.bench.out"));
    }

    @Override
    public synchronized void onApplicationStart(SparkListenerApplicationStart e) {
        appStart = e.time();
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
        TaskMetrics m = e.taskMetrics();
        tasks++;
        if (m != null) {
            runMs += m.executorRunTime();
            cpuNs += m.executorCpuTime();
        }
        firstLaunch = Math.min(firstLaunch, e.taskInfo().launchTime());
        lastFinish = Math.max(lastFinish, e.taskInfo().finishTime());
    }

    @Override
    public synchronized void onApplicationEnd(SparkListenerApplicationEnd e) {
        String s = String.format(Locale.ROOT, "tasks=%d%nrun_ms=%d%ncpu_ms=%d%napp_ms=%d%nspan_ms=%d%n", tasks, runMs,
                cpuNs / 1_000_000, appStart < 0 ? -1 : e.time() - appStart,
                tasks == 0 ? 0 : lastFinish - firstLaunch);
        try {
            Files.writeString(out, s, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
