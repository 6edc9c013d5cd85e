package org.sweep.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bounded draws of the shared generator keep the streams that stored results were made with. */
class SplitMix64Test {
    /**
     * First four nextInt(bound) draws for seeds 0, 42, -5: the values the driver's dataset subsample
     * and bootstrap drew before the driver and worker shared this class (computed with that code).
     */
    @Test
    void nextIntKeepsTheDriverStreams() {
        assertArrayEquals(new int[] {7, 0, 9, 2}, draws(0, 10));
        assertArrayEquals(new int[] {7, 10, 7, 6}, draws(0, 16));
        assertArrayEquals(new int[] {767, 850, 839, 222}, draws(0, 1000));
        assertArrayEquals(new int[] {531599122, 1062556005, 1187577791, 833747360}, draws(0, Integer.MAX_VALUE));
        assertArrayEquals(new int[] {706, 145, 929, 882}, draws(42, 1000));
        assertArrayEquals(new int[] {10, 1, 9, 10}, draws(42, 16));
        assertArrayEquals(new int[] {257, 452, 584, 217}, draws(-5, 1000));
    }

    /**
     * Independent reference: the JDK's SplittableRandom(seed) has the same word stream, and its
     * nextLong(bound) reduces the same way for bounds that are not powers of two.
     */
    @Test
    void nextIntMatchesSplittableRandomForBoundsThatAreNotPowersOfTwo() {
        for (long seed : new long[] {0, 1, -5, 123456789}) {
            for (int bound : new int[] {3, 10, 1000, 12345, Integer.MAX_VALUE}) {
                SplitMix64 ours = new SplitMix64(seed);
                SplittableRandom jdk = new SplittableRandom(seed);
                for (int i = 0; i < 100; i++) {
                    assertEquals(jdk.nextLong(bound), ours.nextInt(bound), "seed " + seed + " bound " + bound);
                }
            }
        }
    }

    /** The worker's derivation (label permutation, mini-batches) is a different, also pinned, stream. */
    @Test
    void nextIntUnsignedKeepsTheWorkerStreams() {
        SplitMix64 r = new SplitMix64(0);
        int[] got = new int[4];
        for (int i = 0; i < got.length; i++) {
            got[i] = r.nextIntUnsigned(1000);
        }
        // 2^64 mod 1000 = 616, so no word of the first four is rejected: each is its unsigned remainder.
        SplitMix64 words = new SplitMix64(0);
        for (int i = 0; i < got.length; i++) {
            assertEquals((int) Long.remainderUnsigned(words.nextLong(), 1000), got[i]);
        }
    }

    private static int[] draws(long seed, int bound) {
        SplitMix64 r = new SplitMix64(seed);
        int[] out = new int[4];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.nextInt(bound);
        }
        return out;
    }
}
