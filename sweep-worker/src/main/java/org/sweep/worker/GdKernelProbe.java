package org.sweep.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Benchmark access to the package-private {@link GdKernel}: builds a random problem of a given
 * shape and times gradient-descent steps. Used by {@code org.sweep.worker.bench.Bench} only; not
 * part of the worker's task API.
 */
public final class GdKernelProbe {
    private final GdKernel kernel;
    private final double[] w;
    private final double eta;
    private final int n;
    private final int d;
    private final int m;

    private GdKernelProbe(int n, int d, int m, double[] x, double[] a, double[] y, double[] w) {
        this.n = n;
        this.d = d;
        this.m = m;
        this.kernel = new GdKernel(n, d, m, x, a, y);
        this.w = w;
        // Well below 2 / lambda_max(H_inf) (lambda_max <= n/2): the run converges, no overflow or NaN.
        this.eta = 0.5 / n;
    }

    /** Random problem: unit rows x (Gaussian direction), a in {-1,+1}, y ~ N(0,1), W ~ N(0, I). */
    public static GdKernelProbe random(int n, int d, int m, long seed) {
        double[][] p = randomProblem(n, d, m, seed);
        return new GdKernelProbe(n, d, m, p[0], p[1], p[2], p[3]);
    }

    /** The arrays {x, a, y, w} of {@link #random}'s problem (also the kernel tests' random problems). */
    static double[][] randomProblem(int n, int d, int m, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int k = 0; k < d; k++) {
                double v = gaussian(rnd);
                x[i * d + k] = v;
                s += v * v;
            }
            s = Math.sqrt(s);
            for (int k = 0; k < d; k++) {
                x[i * d + k] /= s;
            }
        }
        double[] a = new double[m];
        for (int r = 0; r < m; r++) {
            a[r] = rnd.nextBoolean() ? 1.0 : -1.0;
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = gaussian(rnd);
        }
        double[] w = new double[m * d];
        for (int j = 0; j < w.length; j++) {
            w[j] = gaussian(rnd);
        }
        return new double[][] {x, a, y, w};
    }

    /** N(0, 1) by Box-Muller from two uniforms of rnd. */
    static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * Runs a warm-up (at least 0.5 s and 3 steps, so the JIT has compiled the kernels), then
     * {@code rounds} rounds of {@code steps} steps.
     *
     * @return {best, median} wall seconds per step and {best, median} thread CPU seconds per step
     *         over the rounds (CPU time excludes the time the thread waited for a core)
     */
    public double[] timeSteps(int steps, int rounds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported();
        long warmEnd = System.nanoTime() + 500_000_000L;
        int warm = 0;
        while (warm < 3 || (System.nanoTime() < warmEnd && warm < 100000)) {
            kernel.step(w, eta);
            warm++;
        }
        double[] t = new double[rounds];
        double[] ct = new double[rounds];
        double sink = 0.0;
        for (int r = 0; r < rounds; r++) {
            long c0 = cpu ? mx.getCurrentThreadCpuTime() : 0L;
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                sink += kernel.step(w, eta);
            }
            t[r] = (System.nanoTime() - t0) * 1e-9 / steps;
            ct[r] = cpu ? (mx.getCurrentThreadCpuTime() - c0) * 1e-9 / steps : Double.NaN;
        }
        if (!Double.isFinite(sink)) {
            throw new IllegalStateException("benchmark run diverged (loss " + sink + ")");
        }
        Arrays.sort(t);
        Arrays.sort(ct);
        return new double[] {t[0], t[rounds / 2], ct[0], ct[rounds / 2]};
    }

    /** Which path the kernel takes for this shape (e.g. the BLAS class or the pure-Java kernel). */
    public String implementation() {
        return kernel.implementation();
    }

    /** Bytes of the kernel's preallocated workspaces for this shape. */
    public long workspaceBytes() {
        return GdKernel.workspaceBytes(n, d, m);
    }
}
