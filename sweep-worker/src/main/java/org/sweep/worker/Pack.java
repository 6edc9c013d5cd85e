package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the tasks of a pack: tasks are grouped by data identity ({@link #dataKey}); each group's data,
 * X X^T, H_inf, its eigenpairs and label projections ({@link DataStats}) are built once and shared. Within
 * a group, the networks that the fused kernel would train on the vector engine (relu, square loss, full
 * batch, first layer, {@link GdKernel.Path#JAVA_VECTOR}) and that have the same step budget are stepped
 * together by one {@link GdVectorPack}; every other task runs its own step loop on the shared statistics,
 * one after another. The native BLAS engine never fuses: dgemm's blocking and its small-matrix kernels may
 * depend on the width, so a network's rounding could depend on its neighbours (see PackTest).
 *
 * <p>Every result equals, bit for bit, that of the same spec run alone ({@link SweepWorker#run}): the
 * shared statistics are the values a single run computes, the fused kernel reproduces the single kernel's
 * arithmetic per network, and anything that fails on the shared path is rerun alone. Timing differs:
 * the first task of a group carries the time of its statistics, and a fused network's seconds are its share
 * (by width) of each fused step.
 */
final class Pack {
    private final BLAS blas;
    private final LAPACK lapack;

    Pack(BLAS blas, LAPACK lapack) {
        this.blas = blas;
        this.lapack = lapack;
    }

    /**
     * The data identity of a task: everything its data statistics depend on (data kind, dataset, n, d, data
     * seed, labels, activation, kappa, trained layers) and the loss (which checks the labels).
     */
    static String dataKey(TaskSpec s) {
        return s.dataKind() + "|" + s.dataset() + "|" + s.n() + "|" + s.d() + "|" + s.dataSeed() + "|" + s.labels()
                + "|" + s.activation() + "|" + Double.doubleToLongBits(s.kappa()) + "|" + s.trainLayers() + "|"
                + s.loss();
    }

    /** True when a task's network can join a fused pack kernel. */
    static boolean fusable(TaskSpec s) {
        return Trainer.fusedCase(s) && GdKernel.VECTOR_AVAILABLE
                && GdKernel.choosePath(s.n(), s.d(), s.width()) == GdKernel.Path.JAVA_VECTOR;
    }

    /** One result per spec, in order. {@code data}: the supplied rows of file tasks, null for generated data. */
    List<TaskResult> run(List<TaskSpec> specs, Dataset data) {
        TaskResult[] out = new TaskResult[specs.size()];
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            TaskSpec s = specs.get(i);
            boolean dataMatches = data == null ? s.dataKind().generated() : !s.dataKind().generated();
            boolean supported;
            try {
                Trainer.checkSupported(s);
                supported = true;
            } catch (RuntimeException e) {
                supported = false;
            }
            if (!dataMatches || !supported) {
                out[i] = single(s, data);
            } else {
                groups.computeIfAbsent(dataKey(s), k -> new ArrayList<>()).add(i);
            }
        }
        for (List<Integer> g : groups.values()) {
            runGroup(specs, g, data, out);
        }
        return List.of(out);
    }

    private TaskResult single(TaskSpec s, Dataset data) {
        Trainer t = new Trainer(s, blas, lapack);
        return data == null ? t.runGenerated() : t.runSupplied(data);
    }

    private void runGroup(List<TaskSpec> specs, List<Integer> idx, Dataset data, TaskResult[] out) {
        TaskSpec first = specs.get(idx.get(0));
        if (idx.size() == 1) {
            out[idx.get(0)] = single(first, data);
            return;
        }
        int n = first.n();
        int d = first.d();
        DataStats stats;
        try {
            double[][] xy = data == null ? DataGen.sphere(first) : DataGen.supplied(first, data);
            stats = new Trainer(first, blas, lapack).dataStats(xy[0], xy[1], n, d, false);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            for (int i : idx) {
                out[i] = single(specs.get(i), data);
            }
            return;
        }
        boolean timed = true;
        Map<Integer, List<Integer>> fused = new LinkedHashMap<>();
        for (int i : idx) {
            TaskSpec s = specs.get(i);
            if (fusable(s)) {
                fused.computeIfAbsent(s.steps(), k -> new ArrayList<>()).add(i);
            } else {
                out[i] = new Trainer(s, blas, lapack).runShared(stats, problem(s, stats), timed);
                timed = false;
            }
        }
        for (List<Integer> f : fused.values()) {
            runFused(specs, f, stats, timed, data, out);
            timed = false;
        }
    }

    private static Problem problem(TaskSpec s, DataStats stats) {
        double[][] aw = DataGen.init(s.width(), s.d(), s.kappa(), s.seed());
        return new Problem(s.n(), s.d(), s.width(), stats.x, stats.y, aw[0], aw[1]);
    }

    /**
     * Bytes of per-network kernel state ({@link GdVectorPack#netBytes}) one fused kernel steps together: the
     * networks of a group are cut, in order, into chunks of at most this many bytes (a wider network forms a
     * chunk of its own), and each chunk runs its whole step loop before the next starts. A chunk's weights,
     * P and gradient then stay in the core's private cache (1 MiB and more per core on current x86 cores)
     * from one step to the next; stepping all networks of a large group at every step streams them all
     * through the shared cache or memory once per step, which made the fused kernel memory-bound at small d
     * (29 networks of width 1024 at n = 30, d = 8 stepped at about half the rate of four). Networks are
     * independent, so the chunking changes no bit of any result.
     */
    static final long CHUNK_BYTES = 640L << 10;

    /** Networks with the same step budget, stepped in chunks of {@link #CHUNK_BYTES} by {@link GdVectorPack}s. */
    private void runFused(List<TaskSpec> specs, List<Integer> idx, DataStats stats, boolean timed, Dataset data,
                          TaskResult[] out) {
        List<Integer> members = new ArrayList<>();
        List<Trainer> trainers = new ArrayList<>();
        long[] nanos = new long[idx.size()];
        try {
            int steps = specs.get(idx.get(0)).steps();
            GdVectorPack pack = null;
            long bytes = 0;
            List<Trainer> chunkTrainers = new ArrayList<>();
            List<GdVectorPack.Net> chunkNets = new ArrayList<>();
            for (int i : idx) {
                TaskSpec s = specs.get(i);
                Trainer t = new Trainer(s, blas, lapack);
                Problem p = problem(s, stats);
                if (!t.startPacked(stats, p, timed)) {
                    out[i] = single(s, data);
                    continue;
                }
                timed = false;
                long b = GdVectorPack.netBytes(stats.n, stats.d, s.width());
                if (pack != null && bytes + b > CHUNK_BYTES) {
                    loop(pack, chunkTrainers, chunkNets, steps, nanos, members.size() - chunkNets.size());
                    pack = null;
                }
                if (pack == null) {
                    pack = new GdVectorPack(stats.n, stats.d, stats.x, stats.y);
                    bytes = 0;
                    chunkTrainers = new ArrayList<>();
                    chunkNets = new ArrayList<>();
                }
                bytes += b;
                members.add(i);
                trainers.add(t);
                chunkTrainers.add(t);
                chunkNets.add(pack.add(s.width(), p.a(), p.w0(), t.eta()));
            }
            if (pack != null) {
                loop(pack, chunkTrainers, chunkNets, steps, nanos, members.size() - chunkNets.size());
            }
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            // Nothing of a failed pack is kept: every member reruns alone.
            for (int i : members) {
                out[i] = single(specs.get(i), data);
            }
            return;
        }
        for (int j = 0; j < members.size(); j++) {
            out[members.get(j)] = trainers.get(j).finishPacked(nanos[j]);
        }
    }

    /**
     * The fused step loop of one chunk; adds each network's wall time into {@code nanos[offset + j]}:
     * its share (by width) of the fused steps, plus the time of its own observations (loss checks,
     * checkpoints, spectra), so that a network's training time never counts another network's
     * checkpoints and never falls below its own spectra time.
     */
    static void loop(GdVectorPack pack, List<Trainer> trainers, List<GdVectorPack.Net> nets, int steps, long[] nanos,
                     int offset) {
        int count = nets.size();
        int[] stepping = new int[count];
        int active = count;
        for (int k = 0; active > 0; k++) {
            long t0 = System.nanoTime();
            boolean budgetEnd = k == steps;
            pack.step(!budgetEnd);
            long shared = System.nanoTime() - t0;
            int c = 0;
            long widths = 0;
            for (int j = 0; j < count; j++) {
                GdVectorPack.Net s = nets.get(j);
                if (!s.active) {
                    continue;
                }
                long o0 = System.nanoTime();
                stepping[c++] = j;
                widths += s.m;
                Trainer t = trainers.get(j);
                t.countPackedStep();
                if (t.observe(k, s.loss, s.gradNormSq, pack.view(s), () -> pack.weights(s), budgetEnd)) {
                    pack.drop(s);
                    active--;
                }
                nanos[offset + j] += System.nanoTime() - o0;
            }
            if (!budgetEnd) {
                long a0 = System.nanoTime();
                pack.advance();
                shared += System.nanoTime() - a0;
            }
            for (int q = 0; q < c; q++) {
                nanos[offset + stepping[q]] += shared * nets.get(stepping[q]).m / widths;
            }
        }
    }
}
