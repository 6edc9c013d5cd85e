package org.sweep.driver.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.sweep.worker.EtaMode;
import org.sweep.worker.TaskSpec;

/** Stand-in until the real config package lands: lists under grid only, no validation. */
public final class SweepPlanner {
    private SweepPlanner() {
    }

    @SuppressWarnings("unchecked")
    public static SweepPlan plan(Path file, List<String> setOverrides, long executorMemoryBytes) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "file", "cannot read: " + e.getMessage());
        }
        Map<String, Object> root = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
        String name = (String) root.get("name");
        Map<String, Object> grid = (Map<String, Object>) root.getOrDefault("grid", Map.of());
        Map<String, Object> data = (Map<String, Object>) root.getOrDefault("data", Map.of());
        Map<String, Object> train = (Map<String, Object>) root.getOrDefault("train", Map.of());
        List<Object> widths = (List<Object>) grid.getOrDefault("width", List.of(16));
        List<Object> ns = (List<Object>) grid.getOrDefault("n", List.of(10));
        List<Object> seeds = (List<Object>) grid.getOrDefault("seed", List.of(0));
        List<Object> etas = (List<Object>) grid.getOrDefault("eta", List.of(0.5));
        int d = ((Number) data.getOrDefault("d", 5)).intValue();
        int steps = ((Number) train.getOrDefault("steps", 100)).intValue();
        List<PlannedTask> tasks = new ArrayList<>();
        for (Object w : widths) {
            for (Object n : ns) {
                for (Object s : seeds) {
                    for (Object e : etas) {
                        TaskSpec spec = TaskSpec.sphere(((Number) w).intValue(), ((Number) n).intValue(), d, 0,
                                ((Number) s).longValue()).withEta(((Number) e).doubleValue(), EtaMode.STABILITY)
                                .withSteps(steps).withCheckpoints(10, 3);
                        long bytes = 8L * (spec.n() * (long) spec.width() + spec.width() * (long) spec.d() + 3L * spec.n() * spec.n());
                        double flops = 4.0 * spec.n() * spec.width() * spec.d() * spec.steps();
                        tasks.add(new PlannedTask(TaskIds.taskId(spec), spec, bytes, flops));
                    }
                }
            }
        }
        return new SweepPlan(name, file, text, List.copyOf(setOverrides), tasks);
    }
}
