package org.sweep.driver.analysis;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sqrt;

import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The kernel criterion's statistic, derived from stored tables:
 * <pre>  kernel_dev_init = max_k | ||u(k) - y|| - ||pred(k)|| | / ||u(0) - y||</pre>
 * over the checkpoints k of a run, with ||u(k) - y|| = sqrt(2 loss(k)) and ||pred(k)|| =
 * sqrt(2 loss_pred(k)) from {@code trajectories} (pred(k) = (I - eta H_inf)^k (u(0) - y), science.md 4)
 * and ||u(0) - y|| = sqrt(2 loss0) from {@code runs}. Relative to the initial residual, the deviation
 * shrinks like 1/sqrt(m) as the network widens; the stored {@code kernel_dev} divides by ||pred(k)||
 * instead, which goes to zero as training converges, so that it grows late in training and never
 * passes a fixed tolerance. Every run that stored trajectories with {@code loss_pred} has it (old
 * tables included); the worker computes nothing new. Null for runs without a prediction (logistic
 * loss) or without checkpoints.
 */
public final class KernelDeviation {
    private KernelDeviation() {
    }

    public static final String COLUMN = "kernel_dev_init";

    /**
     * {@code runs} with the column {@value #COLUMN} (left join on sweep and task_id); runs unchanged
     * when they already have it.
     */
    public static Dataset<Row> withColumn(Dataset<Row> runs, Dataset<Row> trajectories) {
        List<String> names = Arrays.asList(runs.columns());
        if (names.contains(COLUMN)) {
            return runs;
        }
        Dataset<Row> dev = trajectories.where(col("loss_pred").isNotNull())
                .groupBy(col("sweep"), col("task_id"))
                .agg(max(abs(sqrt(col("loss").multiply(2)).minus(sqrt(col("loss_pred").multiply(2))))).as("kernel_abs_dev"));
        return runs.join(dev, runs.col("sweep").equalTo(dev.col("sweep")).and(runs.col("task_id").equalTo(dev.col("task_id"))),
                        "left")
                .select(runs.col("*"), dev.col("kernel_abs_dev").divide(sqrt(runs.col("loss0").multiply(2))).as(COLUMN));
    }
}
