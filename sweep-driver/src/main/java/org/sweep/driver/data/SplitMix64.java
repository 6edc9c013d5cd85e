package org.sweep.driver.data;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
 * the driver's seeded streams (dataset subsampling, bootstrap resampling). Defined here rather than
 * taken from the JDK so a seed gives the same stream in every Java version. Not thread-safe.
 */
public final class SplitMix64 {
    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound) without modulo bias (rejection as in java.util.SplittableRandom). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound = " + bound + ": must be > 0");
        }
        long bits;
        long val;
        do {
            bits = nextLong() >>> 1;
            val = bits % bound;
        } while (bits - val + (bound - 1) < 0);
        return (int) val;
    }
}
