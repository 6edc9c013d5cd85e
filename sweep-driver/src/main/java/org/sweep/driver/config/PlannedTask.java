package org.sweep.driver.config;

import java.io.Serializable;
import org.sweep.worker.TaskSpec;

/** Stand-in until the real config package lands. */
public record PlannedTask(String taskId, TaskSpec spec, long estimatedBytes, double estimatedFlops) implements Serializable {
}
