package org.sweep.worker;

import java.util.Arrays;

/**
 * Where statistics are taken. Planned checkpoints for a budget of {@code steps} and a requested count c:
 * step 0 and the c - 1 steps round(steps^(j/(c-2))), j = 0..c-2 (log-spaced from 1 to steps; for c = 2 just
 * 0 and steps), each raised to at least the previous checkpoint + 1 while room remains: exactly c distinct
 * steps when steps >= c - 1, and every step 0..steps for shorter budgets. When training stops early
 * (target reached or divergence) at step k, the planned checkpoints after k are dropped and k is added.
 *
 * <p>Spectrum checkpoints (lambda_min(H(k)) and ||H(k) - H(0)||) are s of the planned checkpoints spread
 * evenly over their index, which is even in log-step: planned index round(j (len-1)/(s-1)), j = 0..s-1.
 * With s >= 2 they include step 0 and the last step (also after an early stop, where planned spectrum
 * checkpoints after the stop are dropped); with s = 1 only step 0; with s = 0 none.
 */
final class Schedule {
    private Schedule() {
    }

    /** Planned checkpoint steps, strictly increasing, first 0, last {@code steps}. */
    static int[] checkpoints(int steps, int count) {
        int[] out = new int[count];
        int len = 0;
        out[len++] = 0;
        for (int j = 0; j <= count - 2; j++) {
            int remaining = count - 2 - j; // checkpoints still to place after this one
            long s = count == 2 || remaining == 0 ? steps
                    : Math.round(StrictMath.pow(steps, (double) j / (count - 2)));
            s = Math.max(out[len - 1] + 1L, s);
            s = Math.min(s, (long) steps - remaining);
            if (s > out[len - 1]) {
                out[len++] = (int) s;
            }
        }
        return Arrays.copyOf(out, len);
    }

    /** Flags over the planned checkpoints: true where a spectrum is taken. */
    static boolean[] spectrumFlags(int len, int count) {
        boolean[] flags = new boolean[len];
        if (count == 1) {
            flags[0] = true;
        } else if (count >= 2) {
            for (int j = 0; j < count; j++) {
                flags[(int) Math.round((double) j * (len - 1) / (count - 1))] = true;
            }
        }
        return flags;
    }
}
