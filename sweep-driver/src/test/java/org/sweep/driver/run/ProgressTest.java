package org.sweep.driver.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {
    static final double W = Progress.TASK_OVERHEAD_FLOPS;

    @Test
    void largeTasksAreWeightedByTheirFlops() {
        // 1/4 of the estimated flops done in 10 s -> about 30 s left, although half of the tasks are done:
        // 10 * (3e12 + 2W) / (1e12 + 2W) = 29.97 s.
        String s = Progress.line(2, 4, 0, 1, 0, 10.0, 1e12, 4e12, 10);
        assertEquals("[#####.....] 2/4 tasks  failed 1  diverged 0  elapsed 0:10  ETA 0:30", s);
        assertEquals("[##########] 4/4 tasks  failed 0  diverged 2  elapsed 1:01:05  ETA 0:00",
                Progress.line(4, 4, 4, 0, 2, 3665.0, 4e12, 4e12, 10));
        assertEquals("[..........] 0/4 tasks  failed 0  diverged 0  elapsed 0:00  ETA --:--",
                Progress.line(0, 4, 0, 0, 0, 0.0, 0.0, 4e12, 10));
    }

    @Test
    void smallTasksAreWeightedByTheirFixedCost() {
        // Tasks of a few MFLOP take mostly their fixed cost: 8 of 32 done in 10 s leaves about 30 s.
        // The 8 done are the largest (longest first) with half of all flops, so flops alone would say 10 s.
        String s = Progress.line(8, 32, 8, 0, 0, 10.0, 16e6, 32e6, 10);
        double expected = 10.0 * (16e6 + 24 * W) / (16e6 + 8 * W);
        assertEquals(Progress.clock(expected), s.substring(s.lastIndexOf("ETA ") + 4));
        assertEquals("0:30", Progress.clock(expected), "about the remaining task count's share");
    }

    @Test
    void committedCountShownOnlyWhileSomeFinishedTasksAreNotOnDisk() {
        assertEquals("[###.......] 3/10 tasks (2 committed)  failed 0  diverged 0  elapsed 0:03  ETA 0:07",
                Progress.line(3, 10, 2, 0, 0, 3.0, 3 * 1e9, 10 * 1e9, 10));
    }

    @Test
    void tasksRerunAfterAnExecutorLossCountOnce() {
        // The driver's tally merges the updates of each successful Spark task; after an executor loss
        // Spark runs finished tasks again and their updates arrive a second time.
        TaskTally driver = new TaskTally();
        TaskTally first = driver.copy();
        for (int i = 0; i < 24; i++) {
            first.add(new TaskTally.Done("t" + i, 10.0, i == 3, i == 5 || i == 6));
        }
        TaskTally rerun = driver.copy();
        for (int i = 19; i < 24; i++) { // the 5 tasks of the lost executor, again
            rerun.add(new TaskTally.Done("t" + i, 10.0, false, false));
        }
        driver.merge(first);
        driver.merge(rerun);
        assertEquals(24, driver.done(), "24 distinct tasks, not 29");
        assertEquals(1, driver.failed());
        assertEquals(2, driver.diverged());
        assertEquals(240.0, driver.doneFlops());
        driver.reset();
        assertEquals(0, driver.done());
    }
}
