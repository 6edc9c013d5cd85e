package org.sweep.driver.run;

import org.sweep.driver.data.DataException;
import org.sweep.driver.data.DataLoader;
import org.sweep.driver.data.DataSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.SweepPlan;
import org.sweep.worker.Dataset;
import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * Supplies file data to the tasks of a sweep: every distinct (dataset, data seed) of the plan's
 * file tasks is loaded once on the driver, with the largest n any task asks for (smaller n use a
 * prefix, see {@link DataLoader}), and broadcast to the executors; a task then runs
 * {@link SweepWorker#run(org.sweep.worker.TaskSpec, Dataset)} on its broadcast rows. Tasks on
 * generated data ({@code sphere}) go to the given function unchanged.
 */
public final class FileData {
    private FileData() {
    }

    /** The key of a loaded dataset: identifier and data seed. */
    static String key(String dataset, long dataSeed) {
        return dataSeed + "|" + dataset;
    }

    /**
     * The task function for a plan: {@code generated} itself when the plan has no file tasks, else a
     * function that runs file tasks on broadcast rows. Loading happens here, on the driver, before
     * any Spark job; a file problem is a {@link DataException}.
     */
    public static TaskFunction taskFunction(SparkSession spark, SweepPlan plan, TaskFunction generated) {
        Map<String, Integer> maxN = new LinkedHashMap<>();
        for (PlannedTask t : plan.tasks()) {
            if (!t.spec().dataKind().generated()) {
                maxN.merge(key(t.spec().dataset(), t.spec().dataSeed()), t.spec().n(), Math::max);
            }
        }
        if (maxN.isEmpty()) {
            return generated;
        }
        Map<String, Dataset> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : maxN.entrySet()) {
            String k = e.getKey();
            int bar = k.indexOf('|');
            long seed = Long.parseLong(k.substring(0, bar));
            loaded.put(k, DataLoader.load(DataSource.parse(k.substring(bar + 1)), seed, e.getValue()));
        }
        Broadcast<Map<String, Dataset>> rows = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(loaded);
        return new FileFunction(generated, rows);
    }

    /** Runs file tasks on the broadcast rows, packs of one dataset through {@link SweepWorker#runPack}. */
    private static final class FileFunction implements TaskFunction {
        private static final long serialVersionUID = 1L;
        private final TaskFunction generated;
        private final Broadcast<Map<String, Dataset>> rows;

        FileFunction(TaskFunction generated, Broadcast<Map<String, Dataset>> rows) {
            this.generated = generated;
            this.rows = rows;
        }

        private Dataset rows(TaskSpec spec) {
            Dataset data = rows.value().get(key(spec.dataset(), spec.dataSeed()));
            if (data == null) {
                throw new IllegalStateException("no rows loaded for dataset " + spec.dataset() + " data_seed "
                        + spec.dataSeed());
            }
            return data;
        }

        @Override
        public TaskResult apply(TaskSpec spec) {
            if (spec.dataKind().generated()) {
                return generated.apply(spec);
            }
            return SweepWorker.run(spec, rows(spec));
        }

        @Override
        public List<TaskResult> applyPack(List<TaskSpec> specs) {
            TaskSpec first = specs.get(0);
            for (TaskSpec s : specs) {
                if (s.dataKind().generated() != first.dataKind().generated()
                        || !key(s.dataset(), s.dataSeed()).equals(key(first.dataset(), first.dataSeed()))) {
                    return TaskFunction.super.applyPack(specs);
                }
            }
            return first.dataKind().generated() ? generated.applyPack(specs)
                    : SweepWorker.runPack(specs, rows(first));
        }
    }
}
