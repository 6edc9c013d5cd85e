package org.sweep.worker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {
    @Test
    void checkpointsAreZeroThenLogSpacedUpToTheBudget() {
        // 1000^(j/3), j = 0..3: 1, 10, 100, 1000.
        assertArrayEquals(new int[] {0, 1, 10, 100, 1000}, Schedule.checkpoints(1000, 5));
        assertArrayEquals(new int[] {0, 7}, Schedule.checkpoints(7, 2));
        assertArrayEquals(new int[] {0, 1}, Schedule.checkpoints(1, 30));
        // More requested than distinct steps: every step once.
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, Schedule.checkpoints(5, 30));
        // Early points that would round to the same step are pushed apart: exactly c distinct steps.
        int[] c = Schedule.checkpoints(40, 30);
        assertEquals(30, c.length);
        assertEquals(40, c[c.length - 1]);
        for (int i = 1; i < c.length; i++) {
            assertTrue(c[i] > c[i - 1]);
        }
        int[] big = Schedule.checkpoints(100_000, 30);
        assertEquals(30, big.length);
        // Log spacing: consecutive ratios of the later steps are all about 100000^(1/28) = 1.51.
        for (int i = 15; i < big.length; i++) { // steps above 300: rounding below 0.2%
            assertEquals(Math.pow(100_000, 1.0 / 28), (double) big[i] / big[i - 1], 0.02);
        }
    }

    @Test
    void spectrumCheckpointsAreSpreadAndIncludeTheEnds() {
        assertArrayEquals(new boolean[] {true, false, true, false, true}, Schedule.spectrumFlags(5, 3));
        assertArrayEquals(new boolean[] {true, false, false, false, true}, Schedule.spectrumFlags(5, 2));
        assertArrayEquals(new boolean[] {true, false, false}, Schedule.spectrumFlags(3, 1));
        assertArrayEquals(new boolean[] {false, false, false}, Schedule.spectrumFlags(3, 0));
        assertArrayEquals(new boolean[] {true, true, true}, Schedule.spectrumFlags(3, 6));
        int count = 0;
        for (boolean f : Schedule.spectrumFlags(30, 6)) {
            count += f ? 1 : 0;
        }
        assertEquals(6, count);
    }
}
