package org.sweep.driver.plan;

import java.io.Serializable;

import org.sweep.worker.TaskSpec;

/**
 * One expanded task of a sweep.
 *
 * @param taskId         {@link TaskIds#taskId} of the spec
 * @param spec           the validated task spec
 * @param estimatedBytes peak memory estimate of the task in bytes
 * @param estimatedFlops floating-point operation estimate of the task
 */
public record PlannedTask(String taskId, TaskSpec spec, long estimatedBytes, double estimatedFlops)
        implements Serializable {
}
