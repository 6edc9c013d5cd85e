package org.sweep.driver.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void lineShowsCountsAndFlopWeightedEta() {
        // 1/4 of the estimated flops done in 10 s -> 30 s left, although half of the tasks are done.
        String s = Progress.line(2, 4, 0, 1, 0, 10.0, 25.0, 100.0, 10);
        assertEquals("[#####.....] 2/4 tasks (0 stored)  failed 1  diverged 0  elapsed 0:10  ETA 0:30", s);
        assertEquals("[##########] 4/4 tasks (4 stored)  failed 0  diverged 2  elapsed 1:01:05  ETA 0:00",
                Progress.line(4, 4, 4, 0, 2, 3665.0, 100.0, 100.0, 10));
        assertEquals("[..........] 0/4 tasks (0 stored)  failed 0  diverged 0  elapsed 0:00  ETA --:--",
                Progress.line(0, 4, 0, 0, 0, 0.0, 0.0, 100.0, 10));
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
