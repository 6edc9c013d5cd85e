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
}
