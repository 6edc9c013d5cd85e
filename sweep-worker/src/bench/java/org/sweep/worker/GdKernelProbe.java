package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Benchmark access to the package-private {@link GdKernel}: builds a random problem of a given
 * shape and times gradient-descent steps. Used by {@code org.sweep.worker.bench.Bench} only; part of
 * the bench source set, not of the worker's jar.
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

    /**
     * Random problem drawn by the worker's own streams ({@link DataGen}): the {@code sphere} generator's
     * unit rows x and Gaussian labels y for data seed {@code seed}, and the initialisation a in {-1,+1},
     * W ~ N(0, I) for init seed {@code seed}.
     */
    public static GdKernelProbe random(int n, int d, int m, long seed) {
        double[][] xy = DataGen.sphere(n, d, seed, "gaussian");
        double[][] aw = DataGen.init(m, d, 1.0, seed);
        return new GdKernelProbe(n, d, m, xy[0], aw[0], xy[1], aw[1]);
    }

    /**
     * H_inf of the ReLU network (science.md section 2) for n inputs of the {@code sphere} generator in
     * R^d with data seed {@code seed}, n x n, through {@link Grams} as the worker computes it.
     */
    public static double[] reluHInf(int n, int d, long seed) {
        double[] x = DataGen.sphere(n, d, seed, "gaussian")[0];
        return Grams.hInf(Grams.inputGram(BLAS.getInstance(), x, n, d), n, Activation.RELU);
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
