package org.sweep.driver.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
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
    /**
     * The numerical core on generated data: {@link SweepWorker#run(TaskSpec)}, and for a pack
     * {@link SweepWorker#runPack}, which shares the data-level work among the pack's tasks.
     */
    TaskFunction WORKER = new TaskFunction() {
        private static final long serialVersionUID = 1L;

        @Override
        public TaskResult apply(TaskSpec spec) {
            return SweepWorker.run(spec);
        }

        @Override
        public List<TaskResult> applyPack(List<TaskSpec> specs) {
            for (TaskSpec s : specs) {
                if (!s.dataKind().generated()) {
                    return TaskFunction.super.applyPack(specs);
                }
            }
            return SweepWorker.runPack(specs);
        }
    };

    TaskResult apply(TaskSpec spec);

    /**
     * Runs a pack of tasks (one data identity, see {@link Packs}) and returns one result per spec, in
     * order. Each result must equal {@link #apply} of its spec; the default runs them one after another,
     * the production functions share the data-level work ({@link SweepWorker#runPack}).
     */
    default List<TaskResult> applyPack(List<TaskSpec> specs) {
        List<TaskResult> out = new ArrayList<>(specs.size());
        for (TaskSpec s : specs) {
            out.add(apply(s));
        }
        return out;
    }
}
