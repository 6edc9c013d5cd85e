package org.sweep.driver.plan;

import java.util.Locale;

import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskSpec;

/** Cost estimates of a task (from the worker) and the one human-readable size format of the driver. */
public final class Estimates {
    private Estimates() {
    }

    /**
     * Sizes whose memory is at least this many bytes are reported as {@link Long#MAX_VALUE}: the
     * worker's estimate is computed in long arithmetic and would overflow near 2^63.
     */
    static final double OVERFLOW_GUARD_BYTES = 0x1p61;

    /** The worker's peak-memory estimate; {@link Long#MAX_VALUE} for sizes where it cannot be represented. */
    static long bytes(TaskSpec s) {
        // size() is a lower bound of any estimate (the n x n kernel, the m x d weights, the n x m activations).
        if (size(s) >= OVERFLOW_GUARD_BYTES) {
            return Long.MAX_VALUE;
        }
        long b = SweepWorker.estimateBytes(s);
        return b < 0 ? Long.MAX_VALUE : b;
    }

    static double flops(TaskSpec s) {
        return SweepWorker.estimateFlops(s);
    }

    /** A size measure in floating point, 8 (n m + m d + n^2), to rank tasks whose estimate overflows. */
    static double size(TaskSpec s) {
        double n = s.n();
        double m = s.width();
        return 8 * (n * m + m * s.d() + n * n);
    }

    /** A byte count for people: "512 bytes", "3.0 MiB", "9.6 GiB" (powers of 1024, one decimal). */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
