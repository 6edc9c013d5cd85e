package org.sweep.driver;

import java.io.Serializable;
import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * What an executor runs for one task. Serializable so Spark can ship it inside the task closure;
 * the production function is {@link #WORKER} (tests substitute synthetic ones).
 */
@FunctionalInterface
public interface TaskFunction extends Serializable {
    /** {@link SweepWorker#run(TaskSpec)}: the numerical core on generated data. */
    TaskFunction WORKER = SweepWorker::run;

    TaskResult apply(TaskSpec spec);
}
