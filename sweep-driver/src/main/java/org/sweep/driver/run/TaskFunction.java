package org.sweep.driver.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sweep.driver.data.DataLoader;
import org.sweep.driver.data.DataSource;
import org.sweep.worker.Dataset;
import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * What an executor runs for one task. Serializable so Spark can ship it inside the task closure;
 * the production function is {@link #WORKER} (tests substitute synthetic ones).
 */
@FunctionalInterface
public interface TaskFunction extends Serializable {
    /**
     * The numerical core: {@link SweepWorker#run(TaskSpec)} on generated data, or for
     * {@code data_kind = file} {@link SweepWorker#run(TaskSpec, Dataset)} on the rows
     * {@link DataLoader#load} selects from the file named by {@code spec.dataset()} (read on the
     * executor, so the path must be visible there; loaded datasets are kept per JVM, see
     * {@link Loaded}).
     */
    TaskFunction WORKER = new TaskFunction() {
        private static final long serialVersionUID = 1L;

        @Override
        public TaskResult apply(TaskSpec spec) {
            return runWorker(spec);
        }

        @Override
        public List<TaskResult> applyPack(List<TaskSpec> specs) {
            for (TaskSpec s : specs) {
                if (!s.dataKind().equals("sphere")) {
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

    private static TaskResult runWorker(TaskSpec spec) {
        if (spec.dataKind().generated()) {
            return SweepWorker.run(spec);
        }
        return SweepWorker.run(spec, Loaded.get(spec));
    }

    /** Datasets loaded in this JVM, by (dataset, data_seed, n); a few are kept so tasks that share one read it once. */
    final class Loaded {
        private static final int KEEP = 4;
        private static final Map<String, Dataset> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Dataset> eldest) {
                return size() > KEEP;
            }
        };

        private Loaded() {
        }

        static Dataset get(TaskSpec spec) {
            String key = spec.dataset() + "|" + spec.dataSeed() + "|" + spec.n();
            synchronized (CACHE) {
                Dataset d = CACHE.get(key);
                if (d == null) {
                    d = DataLoader.load(DataSource.parse(spec.dataset()), spec.dataSeed(), spec.n());
                    CACHE.put(key, d);
                }
                return d;
            }
        }
    }
}
