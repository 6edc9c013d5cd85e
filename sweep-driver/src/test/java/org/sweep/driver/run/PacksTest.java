package org.sweep.driver.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sweep.driver.plan.PlannedTask;
import org.sweep.driver.plan.TaskIds;
import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskSpec;

/** The pack planner's invariants on random waves: a partition of the wave, one data identity per pack, bounds. */
class PacksTest {
    private static PlannedTask planned(TaskSpec s) {
        return new PlannedTask(TaskIds.taskId(s), s, SweepWorker.estimateBytes(s), SweepWorker.estimateFlops(s));
    }

    private static List<PlannedTask> wave(Random rnd, int size) {
        List<PlannedTask> wave = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int n = rnd.nextBoolean() ? 30 : 60;
            TaskSpec s = TaskSpec.sphere(16 << rnd.nextInt(7), n, 8, rnd.nextInt(2), i)
                    .withSteps(rnd.nextBoolean() ? 300 : 1000);
            wave.add(planned(s));
        }
        return wave;
    }

    @Test
    void packsPartitionTheWaveByDataIdentityWithinTheBounds() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            List<PlannedTask> wave = wave(rnd, 1 + rnd.nextInt(400));
            long memory = (1L << 20) + rnd.nextInt(8 << 20);
            List<List<Integer>> packs = Packs.of(wave, memory, 2);
            Set<Integer> seen = new HashSet<>();
            double total = wave.stream().mapToDouble(Packs::seconds).sum();
            double limit = Math.min(Packs.MAX_PACK_SECONDS, total / (2 * Packs.PACKS_PER_CORE));
            double previous = Double.POSITIVE_INFINITY;
            for (List<Integer> p : packs) {
                String key = SweepWorker.dataKey(wave.get(p.get(0)).spec());
                double seconds = 0;
                long bytes = 0;
                for (int i : p) {
                    assertTrue(seen.add(i), "task " + i + " in two packs");
                    assertEquals(key, SweepWorker.dataKey(wave.get(i).spec()), "one data identity per pack");
                    seconds += Packs.seconds(wave.get(i));
                    bytes += SweepWorker.estimatePackMemberBytes(wave.get(i).spec());
                }
                if (p.size() > 1) {
                    assertTrue(seconds <= limit * (1 + 1e-12), "pack time " + seconds + " > " + limit);
                    assertTrue(bytes <= memory, "pack memory " + bytes + " > " + memory);
                }
                assertTrue(seconds <= previous * (1 + 1e-12), "longest first");
                previous = seconds;
            }
            assertEquals(wave.size(), seen.size(), "every task in a pack");
        }
    }

    @Test
    void singletonsAreOneTaskPerPackInWaveOrder() {
        assertEquals(List.of(List.of(0), List.of(1), List.of(2)), Packs.singletons(3));
    }
}
