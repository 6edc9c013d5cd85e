package org.sweep.worker;

/**
 * The SplitMix64 generator (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014), written out here so that every seeded stream of the project (the worker's data,
 * initialisation and mini-batches, the driver's dataset subsample and bootstrap) is defined by this
 * file alone and gives the same numbers in any JVM. Gaussians use the Box-Muller transform with
 * {@link StrictMath}.
 *
 * <p>Bounded integers come in two derivations that stored results depend on, so both stay:
 * {@link #nextInt(int)} (the driver's streams: 63-bit words reduced by remainder with rejection, as
 * {@code java.util.SplittableRandom.nextLong(bound)} for bounds that are not powers of two) and
 * {@link #nextIntUnsigned(int)} (the worker's streams: unsigned 64-bit words with rejection).
 *
 * <p>Not thread-safe; each task or stream creates its own instance.
 */
public final class SplitMix64 {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final double TWO_PI = 2.0 * Math.PI;

    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    /** The stream whose first word is mix(seed + golden gamma). */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** Stream for the ordered key (seed, index): the keys are combined by {@link #mix}, so neighbours are unrelated. */
    static SplitMix64 of(long seed, long index) {
        return new SplitMix64(mix(mix(seed) + (index + 1) * GOLDEN));
    }

    /** The SplitMix64 output function (a bijection of 64-bit words). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** +1 or -1 with probability 1/2 each (the top bit of the next word). */
    double nextSign() {
        return nextLong() < 0 ? -1.0 : 1.0;
    }

    /**
     * Uniform in [0, bound) without modulo bias: the top 63 bits of a word reduced by remainder,
     * rejected when they fall in the incomplete last block (the driver's dataset subsample and
     * bootstrap draw with this).
     */
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

    /** Uniform integer in [0, bound) from unsigned 64-bit words by rejection, no modulo bias (the worker's streams). */
    int nextIntUnsigned(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound = " + bound + " must be > 0");
        }
        long rem = (Long.remainderUnsigned(-1L, bound) + 1) % bound; // 2^64 mod bound
        while (true) {
            long r = nextLong();
            if (rem == 0 || Long.compareUnsigned(r, -rem) < 0) { // r < 2^64 - rem: unbiased
                return (int) Long.remainderUnsigned(r, bound);
            }
        }
    }

    /** Standard normal by Box-Muller: pairs (r cos t, r sin t), r = sqrt(-2 ln(1-u1)), t = 2 pi u2. */
    double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u1 = nextDouble();
        double u2 = nextDouble();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u1));
        double t = TWO_PI * u2;
        spareGaussian = r * StrictMath.sin(t);
        hasSpare = true;
        return r * StrictMath.cos(t);
    }
}
