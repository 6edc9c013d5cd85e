package org.sweep.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whole packed tasks in one JVM: the workload of {@code bin/bench-driver --packing}'s small sweep
 * (n = 30, d = 8, widths 16..1024, 300 steps, 10 checkpoints, 2 spectrum checkpoints), cut into packs
 * the way the driver cuts a wave (one data identity, widest first, {@code packSize} networks a pack), run
 * through {@link SweepWorker#runPack} (or {@link SweepWorker#run} one by one) for several rounds. Per round
 * it prints thread CPU seconds, the useful training rate 4 n m d steps_run / CPU second, the sum of the
 * rows' seconds_train, and the same networks stepped by the bare {@link GdVectorPack} kernel (no trainer,
 * no checkpoints), so in-task overhead shows as a ratio measured in one process.
 *
 * <p>Usage: {@code PackProbe [--nets N] [--pack P] [--rounds R] [--single] [--no-bare] [--n N] [--d D]
 * [--steps S]}; {@code --widths [--only M]} instead times, per width, a bare pack of P networks (whole and
 * cut into {@link Pack#CHUNK_BYTES} chunks) and the same networks on {@link GdKernel} one by one, against
 * a 1000^3 dgemm in the same process. After {@code mvn package -DskipTests}, from the repository root:
 * <pre>
 *   OPENBLAS_NUM_THREADS=1 java @bin/jvm.options -cp "sweep-worker/target/sweep-worker-0.1.0-SNAPSHOT-bench.jar:\
 *     sweep-worker/target/sweep-worker-0.1.0-SNAPSHOT.jar:sweep-driver/target/lib/*" org.sweep.worker.PackProbe
 * </pre>
 * Add {@code -XX:StartFlightRecording=filename=p.jfr,settings=profile} and read the hot methods with
 * {@code jfr print --events jdk.ExecutionSample p.jfr}.
 */
public final class PackProbe {
    private PackProbe() {
    }

    public static void main(String[] args) {
        int nets = 2002;
        int packSize = 29;
        int rounds = 4;
        int n = 30;
        int d = 8;
        int steps = 300;
        boolean single = false;
        boolean bare = true;
        boolean widthsMode = false;
        int only = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nets" -> nets = Integer.parseInt(args[++i]);
                case "--pack" -> packSize = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--d" -> d = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--single" -> single = true;
                case "--no-bare" -> bare = false;
                case "--widths" -> widthsMode = true;
                case "--only" -> only = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int[] widths = only > 0 ? new int[] {only} : new int[] {16, 32, 64, 128, 256, 512, 1024};
        int seeds = (nets + widths.length - 1) / widths.length;
        List<TaskSpec> specs = new ArrayList<>();
        for (int w = widths.length - 1; w >= 0; w--) {
            for (int s = 0; s < seeds; s++) {
                specs.add(TaskSpec.sphere(widths[w], n, d, 0, s).withSteps(steps).withCheckpoints(10, 2)
                        .withTargetLossRatio(0));
            }
        }
        List<List<TaskSpec>> packs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i += packSize) {
            packs.add(specs.subList(i, Math.min(specs.size(), i + packSize)));
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (widthsMode) {
            widths(widths, packSize, n, d, steps, rounds, mx);
            return;
        }
        System.out.printf(Locale.ROOT, "# %d networks (n=%d d=%d, %d steps) in %d packs of <= %d; %s%n",
                specs.size(), n, d, steps, packs.size(), packSize, single ? "SweepWorker.run one by one" : "runPack");
        for (int r = 0; r < rounds; r++) {
            double useful = 0;
            double train = 0;
            double total = 0;
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (List<TaskSpec> p : packs) {
                List<TaskResult> res;
                if (single) {
                    res = new ArrayList<>();
                    for (TaskSpec s : p) {
                        res.add(SweepWorker.run(s));
                    }
                } else {
                    res = SweepWorker.runPack(p);
                }
                for (TaskResult t : res) {
                    if (t.status() != Status.OK) {
                        throw new IllegalStateException(t.status() + " " + t.message());
                    }
                    TaskSpec s = t.spec();
                    useful += 4.0 * s.n() * s.width() * s.d() * t.summary().stepsRun();
                    train += t.cost().secondsTrain();
                    total += t.cost().secondsTrain() + t.cost().secondsSpectra();
                }
            }
            double cpu = (mx.getCurrentThreadCpuTime() - c0) * 1e-9;
            double wall = (System.nanoTime() - t0) * 1e-9;
            double bareCpu = bare ? bare(packs, n, d, steps, mx, Pack.CHUNK_BYTES) : Double.NaN;
            System.out.printf(Locale.ROOT,
                    "round %d: cpu %.2f s (wall %.2f), %.3f ms/network; useful %.2f GFLOP/s per cpu s;"
                            + " rows: train %.2f s total %.2f s (%.2f GFLOP/s by seconds_train);"
                            + " bare pack kernel %.2f s cpu (%.2f GFLOP/s), tasks/bare %.2f%n",
                    r, cpu, wall, 1e3 * cpu / specs.size(), useful / cpu / 1e9, train, total, useful / train / 1e9,
                    bareCpu, useful / bareCpu / 1e9, cpu / bareCpu);
        }
    }

    /**
     * Per width: GFLOP/s (thread CPU) of a bare pack of {@code packSize} networks of that width, of the same
     * networks stepped one by one by {@link GdKernel}, and a 1000^3 dgemm in the same process.
     */
    private static void widths(int[] widths, int packSize, int n, int d, int steps, int rounds, ThreadMXBean mx) {
        double[][] xy = DataGen.sphere(n, d, 0, "gaussian");
        dev.ludovic.netlib.blas.BLAS blas = dev.ludovic.netlib.blas.BLAS.getInstance();
        int big = 1000;
        double[] ga = new double[big * big];
        double[] gb = new double[big * big];
        double[] gc = new double[big * big];
        java.util.Arrays.fill(ga, 0.5);
        java.util.Arrays.fill(gb, 0.25);
        for (int r = 0; r < rounds; r++) {
            long c0 = mx.getCurrentThreadCpuTime();
            for (int q = 0; q < 3; q++) {
                blas.dgemm("N", "N", big, big, big, 1.0, ga, big, gb, big, 0.0, gc, big);
            }
            double dg = 3 * 2.0 * big * big * big / ((mx.getCurrentThreadCpuTime() - c0) * 1e-9) / 1e9;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d: dgemm %.1f GFLOP/s;", r, dg));
            for (int m : widths) {
                double flops = (steps + 1.0) * 4.0 * n * m * d * packSize;
                GdVectorPack pack = new GdVectorPack(n, d, xy[0], xy[1]);
                for (int q = 0; q < packSize; q++) {
                    double[][] aw = DataGen.init(m, d, 1.0, q);
                    pack.add(m, aw[0], aw[1], 0.5 / n);
                }
                c0 = mx.getCurrentThreadCpuTime();
                for (int k = 0; k <= steps; k++) {
                    pack.step(k < steps);
                    pack.advance();
                }
                double packRate = flops / ((mx.getCurrentThreadCpuTime() - c0) * 1e-9) / 1e9;
                GdKernel[] ks = new GdKernel[packSize];
                double[][] ws = new double[packSize][];
                for (int q = 0; q < packSize; q++) {
                    double[][] aw = DataGen.init(m, d, 1.0, q);
                    ks[q] = new GdKernel(n, d, m, xy[0], aw[0], xy[1]);
                    ws[q] = aw[1];
                }
                c0 = mx.getCurrentThreadCpuTime();
                for (int q = 0; q < packSize; q++) {
                    for (int k = 0; k <= steps; k++) {
                        ks[q].step(ws[q], 0.5 / n);
                    }
                }
                double singleRate = flops / ((mx.getCurrentThreadCpuTime() - c0) * 1e-9) / 1e9;
                List<List<TaskSpec>> one = List.of(java.util.Collections.nCopies(packSize, TaskSpec.sphere(m, n, d, 0, 0)));
                double chunked = flops / bare(one, n, d, steps, mx, Pack.CHUNK_BYTES) / 1e9;
                line.append(String.format(Locale.ROOT, " m=%d pack %.1f chunked %.1f single %.1f;", m, packRate, chunked,
                        singleRate));
            }
            System.out.println(line);
        }
    }

    /** The same networks stepped by bare GdVectorPack kernels, steps + 1 evaluations each; thread CPU seconds. */
    private static double bare(List<List<TaskSpec>> packs, int n, int d, int steps, ThreadMXBean mx, long chunkBytes) {
        double[][] xy = DataGen.sphere(n, d, 0, "gaussian");
        long c0 = mx.getCurrentThreadCpuTime();
        double sink = 0;
        for (List<TaskSpec> p : packs) {
            // Chunks of Pack.CHUNK_BYTES, as Pack.runFused cuts a group.
            List<List<TaskSpec>> chunks = new ArrayList<>();
            long bytes = 0;
            for (TaskSpec s : p) {
                long b = GdVectorPack.netBytes(n, d, s.width());
                if (chunks.isEmpty() || bytes + b > chunkBytes) {
                    chunks.add(new ArrayList<>());
                    bytes = 0;
                }
                chunks.get(chunks.size() - 1).add(s);
                bytes += b;
            }
            for (List<TaskSpec> c : chunks) {
                GdVectorPack pack = new GdVectorPack(n, d, xy[0], xy[1]);
                for (TaskSpec s : c) {
                    double[][] aw = DataGen.init(s.width(), d, 1.0, s.seed());
                    pack.add(s.width(), aw[0], aw[1], 0.5 / n);
                }
                for (int k = 0; k <= steps; k++) {
                    pack.step(k < steps);
                    pack.advance();
                }
            }
        }
        return (mx.getCurrentThreadCpuTime() - c0) * 1e-9 + 0 * sink;
    }
}
