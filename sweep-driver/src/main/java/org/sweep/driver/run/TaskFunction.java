package org.sweep.driver.run;

import java.io.Serializable;
import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * What an executor runs for one task. Serializable so Spark can ship it inside the task closure;
 * the production function is {@link #WORKER} for generated data, wrapped by
 * {@link FileData#taskFunction} for tasks on file rows (which the driver loads once and
 * broadcasts). Tests substitute synthetic functions.
 */
@FunctionalInterface
public interface TaskFunction extends Serializable {
    /** The numerical core on generated data: {@link SweepWorker#run(TaskSpec)}. */
    TaskFunction WORKER = SweepWorker::run;

    TaskResult apply(TaskSpec spec);
}
