package org.sweep.driver.config;

import java.nio.file.Path;
import java.util.List;

/** Stand-in until the real config package lands. */
public record SweepPlan(String name, Path source, String configText, List<String> overrides, List<PlannedTask> tasks) {
    public long peakBytes() {
        return tasks.stream().mapToLong(PlannedTask::estimatedBytes).max().orElse(0);
    }

    public double totalFlops() {
        return tasks.stream().mapToDouble(PlannedTask::estimatedFlops).sum();
    }
}
