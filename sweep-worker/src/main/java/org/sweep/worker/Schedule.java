package org.sweep.worker;

import java.util.Arrays;

/**
 * Where statistics are taken. Planned checkpoints for a budget of {@code steps} and a requested count c:
 * step 0 and the c - 1 steps round(steps^(j/(c-2))), j = 0..c-2 (log-spaced from 1 to steps; for c = 2 just
 * 0 and steps), deduplicated, so short budgets get fewer than c checkpoints. When training stops early
 * (target reached or divergence) at step k, the planned checkpoints after k are dropped and k is added.
 *
 * <p>Spectrum checkpoints (lambda_min(H(k)) and ||H(k) - H(0)||) are s of the planned checkpoints spread
 * evenly over their index, which is even in log-step: planned index round(j (len-1)/(s-1)), j = 0..s-1.
 * With s >= 2 they include step 0 and the last planned step; with s = 1 only step 0; with s = 0 none.
 * After an early stop the final step is a spectrum checkpoint whenever s >= 1.
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
            int s;
            if (count == 2) {
                s = steps;
            } else if (j == count - 2) {
                s = steps; // exact end, whatever the rounding of the power
            } else {
                s = (int) Math.round(StrictMath.pow(steps, (double) j / (count - 2)));
            }
            s = Math.max(1, Math.min(steps, s));
            if (s > out[len - 1]) {
                out[len++] = s;
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
