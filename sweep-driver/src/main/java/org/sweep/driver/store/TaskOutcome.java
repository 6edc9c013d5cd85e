package org.sweep.driver.store;

import java.io.Serializable;
import org.sweep.worker.TaskResult;

/**
 * A task's result together with where and when it ran: everything one {@code runs} row, its
 * {@code trajectories} rows and its {@code spectra} rows are built from. Created on the executor.
 *
 * @param taskId        hash of the canonical task spec
 * @param configJson    canonical JSON of the task spec
 * @param result        what the worker returned
 * @param secondsTotal  wall seconds around the worker call, on the executor
 * @param executor      {@code <executor id>@<host>}
 * @param attempt       Spark task attempt number (0 = first attempt)
 * @param createdAtMillis epoch milliseconds when the task finished
 * @param javaVersion   {@code java.version} of the executor JVM
 * @param osArch        {@code os.name/os.arch} of the executor
 */
public record TaskOutcome(
        String taskId,
        String configJson,
        TaskResult result,
        double secondsTotal,
        String executor,
        int attempt,
        long createdAtMillis,
        String javaVersion,
        String osArch) implements Serializable {
}
