package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

import java.util.List;

/**
 * The one public entry point of the numerical core: a task spec in, a result out.
 * Pure Java: no Spark, no Hadoop, no I/O. Thread-safe; results depend only on the spec.
 *
 * <p>What a task does and measures is documented on {@code Trainer} (order of work, statistics, flop
 * model), {@code Schedule} (checkpoints), {@code DataGen} (random streams) and {@code Activation}
 * (kernels). Conventions: NTK parameterisation 1/sqrt(m), loss 1/2 sum (u - y)^2, only the first layer
 * trained, float64, PL* ratio ||grad L||^2 / (2 L).
 *
 * <p>Options: loss {@code square} or {@code logistic} (labels +-1), activation {@code relu}, {@code leaky_relu},
 * {@code softplus}, {@code tanh} or {@code gelu}, batch size 0 (full batch) or b in [1, n] (SGD), train layers
 * {@code first} or {@code both} ({@code GeneralKernel}, {@code NtkInf}); other values give a FAILED result whose
 * message names the key and value.
 *
 * <p>The spec must not be null (a result cannot be built without it); everything else that can go wrong
 * becomes a result with status {@code failed} or {@code diverged}.
 */
public final class SweepWorker {
    private SweepWorker() {
    }

    /** Runs a task on generated data ({@code dataKind = sphere}). Never throws: failures become FAILED results. */
    public static TaskResult run(TaskSpec spec) {
        return new Trainer(spec, BLAS.getInstance(), LAPACK.getInstance()).runGenerated();
    }

    /** Runs a task on supplied rows (the first {@code spec.n()} rows of {@code data}). Never throws. */
    public static TaskResult run(TaskSpec spec, Dataset data) {
        return new Trainer(spec, BLAS.getInstance(), LAPACK.getInstance()).runSupplied(data);
    }

    /** Peak bytes one task needs: about 8 (n m + m d + 3 n^2) plus the spectra's workspace
     *  (exact model on {@code Trainer.estimateBytes}). */
    public static long estimateBytes(TaskSpec spec) {
        return Trainer.estimateBytes(spec);
    }

    /** Estimated floating-point operations of a task run to its full step budget, by the flop model of
     *  {@link Cost#flops()}. */
    public static double estimateFlops(TaskSpec spec) {
        return Trainer.estimateFlops(spec);
    }

    /**
     * Runs a pack of tasks on generated data and returns one result per spec, in order, each equal bit for
     * bit to {@link #run(TaskSpec)} of that spec: tasks with the same {@link #dataKey} share their data and
     * its kernel statistics (X X^T, H_inf, eigenpairs, label projections), and full-batch relu networks with
     * the same step budget are stepped together (see {@code Pack}). Never throws.
     */
    public static List<TaskResult> runPack(List<TaskSpec> specs) {
        return new Pack(BLAS.getInstance(), LAPACK.getInstance()).run(specs, null);
    }

    /** {@link #runPack(List)} for tasks on supplied rows (every spec's {@code run(spec, data)}). Never throws. */
    public static List<TaskResult> runPack(List<TaskSpec> specs, Dataset data) {
        return new Pack(BLAS.getInstance(), LAPACK.getInstance()).run(specs, data);
    }

    /** The data identity of a task: tasks with equal keys share their data-level work in a pack. */
    public static String dataKey(TaskSpec spec) {
        return Pack.dataKey(spec);
    }

    /**
     * Peak bytes of a pack's member beyond the shared data: its trainer's buffers and, when it joins a fused
     * kernel, that kernel's per-network buffers ({@link #estimateBytes} counts a whole single task).
     */
    public static long estimatePackMemberBytes(TaskSpec spec) {
        long n = spec.n();
        return Trainer.estimateBytes(spec) - 8 * 2 * n * n
                + (Pack.fusable(spec) ? GdVectorPack.netBytes(spec.n(), spec.d(), spec.width()) : 0);
    }
}
