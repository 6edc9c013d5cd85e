package org.sweep.driver.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WavePolicyTest {
    @Test
    void firstWaveIsFewRoundsPerCore() {
        WavePolicy p = new WavePolicy(2);
        assertEquals(WavePolicy.FIRST_ROUNDS * 2, p.nextSize(1000));
        assertEquals(3, p.nextSize(3), "never more than remain");
    }

    @Test
    void laterWavesTargetTheWaveDuration() {
        WavePolicy p = new WavePolicy(2);
        p.record(60, 60.0); // 1 task/s, a full-length wave -> 60 tasks per 60 s wave
        assertEquals((int) WavePolicy.TARGET_SECONDS, p.nextSize(1000));
        WavePolicy grow = new WavePolicy(2);
        grow.record(8, 4.0); // 2 tasks/s, but the wave took under half the target: at least double
        assertEquals(Math.max(16, (int) (2 * WavePolicy.TARGET_SECONDS)), grow.nextSize(1000));
        grow.record(120, 29.0); // short again: doubles past the rate-based size
        assertEquals(240, grow.nextSize(1000));
        WavePolicy slow = new WavePolicy(4);
        slow.record(16, 160.0); // 0.1 task/s -> floor of FIRST_ROUNDS per core
        assertEquals(WavePolicy.FIRST_ROUNDS * 4, slow.nextSize(1000));
        WavePolicy odd = new WavePolicy(4);
        odd.record(10, 10.0 * 60 / 61); // 61 tasks per minute -> rounded up to a multiple of 4
        assertEquals(64, odd.nextSize(1000));
    }

    @Test
    void tinyTasksAreCappedSoFilesStayFew() {
        WavePolicy p = new WavePolicy(2);
        p.record(8, 0.001); // 8,000 tasks/s: 480,000 tasks in the target time
        assertEquals(WavePolicy.MAX_TASKS, p.nextSize(10 * WavePolicy.MAX_TASKS));
        assertEquals(50_000, p.nextSize(50_000));
    }
}
