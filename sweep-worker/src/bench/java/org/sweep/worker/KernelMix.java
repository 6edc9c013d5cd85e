package org.sweep.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The bare kernel's rate at a sweep's own network shapes, to set the training rate measured inside runs
 * against. Reads a shapes file ({@code n d m useful_flops [seconds_train]} per line, as {@code WarmSweeps}
 * in the driver's bench jar writes it, with optional comment lines {@code # inrun LABEL FLOPS_PER_SECOND}),
 * times every shape, largest share of the flops first until {@code --coverage} of them is covered, on
 * {@code --threads} threads at once (as many as the run had cores busy with tasks, since tasks running side
 * by side share caches and memory bandwidth), each stepping its own {@link GdKernel} ({@code bin/sweep
 * bench}'s kernel), and prints the flop-weighted rate per core: total flops / sum over shapes of
 * (flops / rate), the time those flops take at the kernel's rate. With seconds_train it prints each shape's
 * rate inside the run beside the kernel's; per {@code inrun} line, the run's training rate as a fraction of
 * the flop-weighted kernel rate.
 *
 * <p>Usage: {@code KernelMix [--threads C] [--seconds S] [--coverage F] FILE}; run with the worker's jar,
 * its bench jar and the driver's lib folder on the class path (see {@link PackProbe}).
 */
public final class KernelMix {
    private KernelMix() {
    }

    /** A network shape, its useful flops in the run and the seconds the run's rows trained it (NaN if not given). */
    private record Shape(int n, int d, int m, double flops, double train) {
    }

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        double seconds = 0.2;
        double coverage = 0.99;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--coverage" -> coverage = Double.parseDouble(args[++i]);
                default -> {
                    if (args[i].startsWith("--") || file != null) {
                        throw new IllegalArgumentException("KernelMix: unexpected argument " + args[i]);
                    }
                    file = Path.of(args[i]);
                }
            }
        }
        if (file == null || threads < 1 || !(coverage > 0 && coverage <= 1) || !(seconds > 0)) {
            throw new IllegalArgumentException(
                    "usage: KernelMix [--threads C >= 1] [--seconds S > 0] [--coverage 0 < F <= 1] FILE");
        }
        List<Shape> shapes = new ArrayList<>();
        List<String[]> inrun = new ArrayList<>();
        read(file, shapes, inrun);
        shapes.sort((a, b) -> Double.compare(b.flops, a.flops));
        double all = 0;
        for (Shape s : shapes) {
            all += s.flops;
        }
        double covered = 0;
        double time = 0;
        int timed = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // An untimed pass over the largest shape first: in a fresh JVM the half second of warm-up in
            // GdKernelProbe.timeSteps is not always enough for every kernel method to reach C2, and the
            // first shape timed had read about half its rate.
            if (!shapes.isEmpty()) {
                rate(pool, threads, shapes.get(0), seconds);
            }
            for (Shape s : shapes) {
                if (covered >= coverage * all) {
                    break;
                }
                double rate = rate(pool, threads, s, seconds);
                String inRun = Double.isNaN(s.train) ? "" : String.format(Locale.ROOT,
                        ", inside the run %.1f (%.2f of it)", s.flops / s.train / 1e9, s.flops / s.train / rate);
                System.out.printf(Locale.ROOT, "    n=%d d=%d m=%d: %.1f%% of the flops, kernel %.1f GFLOP/s per core"
                        + "%s%n", s.n, s.d, s.m, 100 * s.flops / all, rate / 1e9, inRun);
                covered += s.flops;
                time += s.flops / rate;
                timed++;
            }
        } finally {
            pool.shutdownNow();
        }
        double kernel = covered / time;
        System.out.printf(Locale.ROOT, "  bare kernel at the sweep's shapes (%d of %d shapes, %.1f%% of the flops;"
                        + " %d threads at once): %.2f GFLOP/s per core, flop-weighted%n",
                timed, shapes.size(), 100 * covered / all, threads, kernel / 1e9);
        for (String[] r : inrun) {
            double g = Double.parseDouble(r[1]);
            System.out.printf(Locale.ROOT, "  training inside %s runs: %.2f GFLOP/s per core = %.2f of the bare"
                    + " kernel%n", r[0], g / 1e9, g / kernel);
        }
    }

    private static void read(Path file, List<Shape> shapes, List<String[]> inrun) throws IOException {
        int line = 0;
        for (String l : Files.readAllLines(file)) {
            line++;
            String t = l.trim();
            if (t.isEmpty()) {
                continue;
            }
            String[] f = t.split("\\s+");
            if (t.startsWith("#")) {
                if (f.length == 4 && f[1].equals("inrun")) {
                    inrun.add(new String[] {f[2], f[3]});
                }
                continue;
            }
            if (f.length != 4 && f.length != 5) {
                throw new IllegalArgumentException(file + ":" + line + ": expected 'n d m flops [seconds_train]', got '"
                        + t + "'");
            }
            shapes.add(new Shape(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    Double.parseDouble(f[3]), f.length == 5 ? Double.parseDouble(f[4]) : Double.NaN));
        }
    }

    /**
     * Flops per second of one shape's step, per thread, with {@code threads} threads stepping kernels of
     * that shape at once: the mean over threads of 4 n m d / (median wall seconds per step of 3 rounds).
     */
    private static double rate(ExecutorService pool, int threads, Shape s, double seconds) throws Exception {
        double stepFlops = 4.0 * s.n * s.m * s.d;
        // Rounds of about `seconds` each at an assumed 20 GFLOP/s.
        int steps = (int) Math.max(3, Math.min(1_000_000, seconds * 20e9 / stepFlops));
        List<CompletableFuture<Double>> runs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = 1 + t;
            runs.add(CompletableFuture.supplyAsync(() -> {
                GdKernelProbe probe = GdKernelProbe.random(s.n, s.d, s.m, seed);
                return stepFlops / probe.timeSteps(steps, 3)[1];
            }, pool));
        }
        double sum = 0;
        for (CompletableFuture<Double> r : runs) {
            sum += r.get();
        }
        return sum / threads;
    }
}
