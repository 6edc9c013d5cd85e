package org.sweep.worker.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.netlib.util.intW;
import org.sweep.worker.GdKernelProbe;

/**
 * The speed benchmark of the worker's kernels ({@code bin/sweep bench}).
 *
 * <p>Per shape (n,d,m) it prints the gradient-descent kernel's engine, seconds per step, GFLOP/s by
 * the 4 n m d count, the single-core dgemm rate measured in the same run (a 1000 x 1000 x 1000
 * product, and the two dgemm calls of the BLAS engine at the same shape) and the ratios, and for
 * small shapes the per-step time of a straightforward NumPy loop ({@code src/bench/gd_numpy.py},
 * run with python3). Then it times lambda_min of an n = 2000 symmetric matrix through
 * dev.ludovic.netlib LAPACK dsyevr against the same call from C ({@code src/bench/dsyevr_native.c},
 * compiled with gcc into {@code sweep-worker/target/bench} at run time), and reports which OpenBLAS
 * kernel family both BLAS libraries picked.
 *
 * <p>Every figure comes as wall time and as thread (process, for NumPy and C) CPU time: on a shared
 * machine the wall time includes waiting for a core, the CPU time does not, so ratios of CPU times
 * are the meaningful ones there. Rates are the best of a few rounds after a warm-up.
 *
 * <p>Usage: {@code Bench [n,d,m ...] [--steps N] [--quick] [--no-numpy] [--no-eigen]}; default shapes
 * 1000,100,4096 2000,100,10000 100,10,1000 1000,1000,1000. Run single-threaded:
 * OPENBLAS_NUM_THREADS=1 (the launcher sets it). The bench sources are found next to the classes
 * (the module's or the launcher's layout) or through {@code -Dsweep.bench.src=DIR}.
 */
public final class Bench {
    private static final int[][] DEFAULT_SHAPES = {{1000, 100, 4096}, {2000, 100, 10000}, {100, 10, 1000}, {1000, 1000, 1000}};
    /** Shapes whose step costs below this many flops are compared with the NumPy loop. */
    private static final double NUMPY_FLOP_LIMIT = 1e8;
    /** Target wall seconds of one timed round. */
    private static final double ROUND_SECONDS = 1.0;
    private static final int ROUNDS = 3;
    private static final int EIGEN_N = 2000;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        List<int[]> shapes = new ArrayList<>();
        int steps = -1;
        boolean quick = false;
        boolean numpy = true;
        boolean eigen = true;
        for (int i = 0; i < args.length; i++) {
            String s = args[i];
            switch (s) {
                case "--steps" -> {
                    if (i + 1 >= args.length) {
                        usage("--steps needs a value");
                    }
                    steps = parsePositive("--steps", args[++i]);
                }
                case "--quick" -> quick = true;
                case "--no-numpy" -> numpy = false;
                case "--no-eigen" -> eigen = false;
                case "-h", "--help" -> {
                    usage(null);
                }
                default -> {
                    String[] p = s.split(",");
                    if (p.length != 3) {
                        usage("bad argument '" + s + "': expected a shape n,d,m (e.g. 1000,100,4096) or an option");
                    }
                    shapes.add(new int[] {parsePositive("n", p[0]), parsePositive("d", p[1]), parsePositive("m", p[2])});
                }
            }
        }
        if (shapes.isEmpty()) {
            shapes.addAll(Arrays.asList(DEFAULT_SHAPES));
        }
        double roundSeconds = quick ? 0.25 * ROUND_SECONDS : ROUND_SECONDS;
        int rounds = quick ? 2 : ROUNDS;

        BLAS blas = BLAS.getInstance();
        LAPACK lapack = LAPACK.getInstance();
        Path srcDir = findBenchSources();
        Path workDir = workDir(srcDir);
        String coreName = null;

        System.out.println("# sweep bench: gradient-descent kernel of the two-layer ReLU network (4nmd flops per step)");
        System.out.printf(Locale.ROOT, "# java %s, %s %s, %d cpus%n", System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "# BLAS %s, LAPACK %s, OPENBLAS_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s%n",
                blas.getClass().getName(), lapack.getClass().getName(), env("OPENBLAS_NUM_THREADS"),
                env("OPENBLAS_CORETYPE"));
        String core = parseString(nativeProgram(srcDir, workDir, List.of("--corename")), "corename");
        System.out.println("# OpenBLAS kernel family chosen at run time (same libopenblas, asked from C): "
                + ("?".equals(core) ? "unknown (no gcc or no dsyevr_native.c)" : core));
        if (!"1".equals(System.getenv("OPENBLAS_NUM_THREADS"))) {
            System.out.println("# WARNING: OPENBLAS_NUM_THREADS is not 1: native GEMM may use several cores");
        }
        System.out.println("# figures are best of " + rounds + " rounds (median in brackets); other processes on the machine add noise");

        double[] ref = gemmRate(blas, 1000, 1000, 1000, rounds);
        double gemmRef = ref[0];
        double gemmRefCpu = ref[1];
        System.out.printf(Locale.ROOT, "reference dgemm 1000x1000x1000 (%s, 1 thread): %.1f GFLOP/s wall, %.1f GFLOP/s by thread CPU time%n",
                blas.getClass().getSimpleName(), gemmRef, gemmRefCpu);
        System.out.println();

        for (int[] s : shapes) {
            int n = s[0], d = s[1], m = s[2];
            double flops = 4.0 * n * m * d;
            GdKernelProbe probe = GdKernelProbe.random(n, d, m, 20190101L);
            // Shape-matched GEMMs: Z = X W^T (m x n x d) and G = P^T Xs (d x m x n).
            double[] tz = gemmTimes(blas, "T", "N", m, n, d, rounds);
            double[] tg = gemmTimes(blas, "N", "T", d, m, n, rounds);
            double matched = flops / (tz[0] + tg[0]) * 1e-9;
            double matchedCpu = flops / (tz[1] + tg[1]) * 1e-9;

            int nSteps = steps > 0 ? steps : Math.max(3, (int) Math.min(100000, roundSeconds * 4e10 / flops));
            double[] t = probe.timeSteps(nSteps, rounds);
            double best = t[0];
            double rate = flops / best * 1e-9;
            double rateCpu = flops / t[2] * 1e-9;
            System.out.printf(Locale.ROOT, "shape n=%d d=%d m=%d  path=%s  steps=%dx%d%n", n, d, m, probe.implementation(),
                    rounds, nSteps);
            System.out.printf(Locale.ROOT, "  GD step        %.4e s wall (median %.4e), %.4e s CPU  =  %.1f GFLOP/s wall, %.1f GFLOP/s CPU%n",
                    best, t[1], t[2], rate, rateCpu);
            System.out.printf(Locale.ROOT, "  vs dgemm 1000^3  %.1f wall / %.1f CPU GFLOP/s  ->  ratio %.2f wall, %.2f CPU%s%n",
                    gemmRef, gemmRefCpu, rate / gemmRef, rateCpu / gemmRefCpu,
                    flops < NUMPY_FLOP_LIMIT ? " (small shape: its target is the NumPy speedup)" : " (target >= 0.70)");
            System.out.printf(Locale.ROOT, "  vs matched     the step's two dgemm calls alone: %.1f wall / %.1f CPU GFLOP/s  ->  ratio %.2f wall, %.2f CPU%n",
                    matched, matchedCpu, rate / matched, rateCpu / matchedCpu);
            long kernelBytes = probe.workspaceBytes();
            double issueBytes = 8.0 * ((double) n * m + (double) m * d + 3.0 * n * (double) n);
            System.out.printf(Locale.ROOT, "  memory         task estimate 8(nm+md+3n^2) = %.1f MB, kernel workspace %.1f MB%n",
                    issueBytes / 1e6, kernelBytes / 1e6);
            if (flops < NUMPY_FLOP_LIMIT) {
                if (numpy) {
                    int npSteps = Math.max(3, (int) Math.min(20000, roundSeconds * 1e9 / flops));
                    String out = runNumpy(srcDir, n, d, m, npSteps, rounds);
                    double np = parseDouble(out, "seconds_per_step");
                    double npCpu = parseDouble(out, "cpu_per_step");
                    if (Double.isNaN(np)) {
                        System.out.println("  numpy loop     unavailable: " + out);
                    } else {
                        System.out.printf(Locale.ROOT, "  numpy loop     %.4e s wall, %.4e s CPU per step  ->  speedup %.1fx wall, %.1fx CPU (target >= 5)%n",
                                np, npCpu, np / best, npCpu / t[2]);
                        System.out.println("                 " + out.replace("status=ok ", ""));
                    }
                } else {
                    System.out.println("  numpy loop     skipped (--no-numpy)");
                }
            }
            System.out.println();
        }

        if (eigen) {
            eigenBench(lapack, srcDir, workDir, quick ? 2 : 3);
        }
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("bench: " + error);
        }
        System.err.println("usage: bench [n,d,m ...] [--steps N] [--quick] [--no-numpy] [--no-eigen]");
        System.err.println("  default shapes: 1000,100,4096 2000,100,10000 100,10,1000 1000,1000,1000");
        System.exit(error == null ? 0 : 2);
    }

    private static int parsePositive(String what, String v) {
        try {
            int x = Integer.parseInt(v.trim());
            if (x < 1) {
                usage(what + " must be >= 1, got '" + v + "'");
            }
            return x;
        } catch (NumberFormatException ex) {
            usage(what + " is not an integer: '" + v + "'");
            return -1;
        }
    }

    private static String env(String k) {
        String v = System.getenv(k);
        return v == null ? "unset" : v;
    }

    /** {best wall, best CPU} GFLOP/s of C = A B with C m x n, inner dimension k. */
    static double[] gemmRate(BLAS blas, int m, int n, int k, int rounds) {
        double[] t = gemmTimes(blas, "N", "N", m, n, k, rounds);
        double flops = 2.0 * m * n * k;
        return new double[] {flops / t[0] * 1e-9, flops / t[1] * 1e-9};
    }

    /**
     * Best wall and best thread-CPU seconds of one dgemm with the given transposes (column-major C
     * is m x n, inner dimension k), over {@code rounds} rounds of repeated calls after a warm-up call.
     */
    static double[] gemmTimes(BLAS blas, String ta, String tb, int m, int n, int k, int rounds) {
        SplittableRandom rnd = new SplittableRandom(1);
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        double[] c = new double[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextDouble() - 0.5;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextDouble() - 0.5;
        }
        int lda = ta.equals("N") ? m : k;
        int ldb = tb.equals("N") ? k : n;
        double flops = 2.0 * m * n * k;
        int reps = Math.max(1, (int) Math.min(1000, 0.2 * 5e10 / flops));
        blas.dgemm(ta, tb, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, m);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported();
        double[] t = new double[rounds];
        double[] ct = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long c0 = cpu ? mx.getCurrentThreadCpuTime() : 0L;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                blas.dgemm(ta, tb, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, m);
            }
            t[r] = (System.nanoTime() - t0) * 1e-9 / reps;
            ct[r] = cpu ? (mx.getCurrentThreadCpuTime() - c0) * 1e-9 / reps : Double.NaN;
        }
        Arrays.sort(t);
        Arrays.sort(ct);
        return new double[] {t[0], ct[0]};
    }

    private static Path findBenchSources() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("sweep.bench.src");
        if (prop != null) {
            candidates.add(Paths.get(prop));
        }
        try {
            Path loc = Paths.get(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // .../sweep-worker/target/classes or .../sweep-worker/target/sweep-worker.jar
            for (Path p = loc; p != null; p = p.getParent()) {
                candidates.add(p.resolve("src").resolve("bench"));
                candidates.add(p.resolve("sweep-worker").resolve("src").resolve("bench"));
            }
        } catch (Exception ignored) {
            // no code source: fall back to the working directory
        }
        Path cwd = Paths.get("").toAbsolutePath();
        candidates.add(cwd.resolve("sweep-worker").resolve("src").resolve("bench"));
        candidates.add(cwd.resolve("src").resolve("bench"));
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve("gd_numpy.py"))) {
                return c;
            }
        }
        return null;
    }

    private static Path workDir(Path srcDir) throws IOException {
        Path dir;
        if (srcDir != null && Files.isDirectory(srcDir.getParent().getParent().resolve("target"))) {
            dir = srcDir.getParent().getParent().resolve("target").resolve("bench");
        } else {
            dir = Paths.get(System.getProperty("java.io.tmpdir"), "sweep-bench");
        }
        Files.createDirectories(dir);
        return dir;
    }

    /** Runs a command, returns its last non-empty stdout line, or a reason it could not run. */
    private static String run(List<String> cmd, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectErrorStream(true);
            if (System.getenv("OPENBLAS_NUM_THREADS") == null) {
                pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            }
            Process p = pb.start();
            String last = "";
            StringBuilder all = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.append(line).append('\n');
                    if (!line.isBlank()) {
                        last = line.trim();
                    }
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out: " + String.join(" ", cmd);
            }
            if (p.exitValue() != 0) {
                return "exit " + p.exitValue() + " from " + cmd.get(0) + ": " + all.toString().trim().replace('\n', ' ');
            }
            return last;
        } catch (IOException ex) {
            return "cannot run " + cmd.get(0) + " (" + ex.getMessage() + ")";
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String runNumpy(Path srcDir, int n, int d, int m, int steps, int rounds) {
        if (srcDir == null) {
            return "gd_numpy.py not found (set -Dsweep.bench.src=<sweep-worker/src/bench>)";
        }
        return run(List.of("python3", srcDir.resolve("gd_numpy.py").toString(), Integer.toString(n), Integer.toString(d),
                Integer.toString(m), Integer.toString(steps), Integer.toString(rounds)), 600);
    }

    private static double parseDouble(String line, String key) {
        for (String kv : line.split("\\s+")) {
            if (kv.startsWith(key + "=")) {
                try {
                    return Double.parseDouble(kv.substring(key.length() + 1));
                } catch (NumberFormatException ex) {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }

    private static String parseString(String line, String key) {
        for (String kv : line.split("\\s+")) {
            if (kv.startsWith(key + "=")) {
                return kv.substring(key.length() + 1);
            }
        }
        return "?";
    }

    /** lambda_min of an n = 2000 infinite-width Gram matrix: JNI dsyevr versus dsyevr from C. */
    private static void eigenBench(LAPACK lapack, Path srcDir, Path workDir, int reps) throws IOException {
        int n = EIGEN_N;
        double[] h = GdKernelProbe.reluHInf(n, 10, 7L);
        double[] a = new double[n * n];
        double[] w = new double[n];
        double[] z = new double[n]; // not referenced for jobz = N, but the Java wrapper checks its length
        int[] isuppz = new int[2 * n];
        intW found = new intW(0);
        intW info = new intW(0);
        double[] wq = new double[1];
        int[] iwq = new int[1];
        lapack.dsyevr("N", "I", "L", n, a, n, 0.0, 0.0, 1, 1, 0.0, found, w, z, 1, isuppz, wq, -1, iwq, -1, info);
        double[] work = new double[(int) wq[0]];
        int[] iwork = new int[iwq[0]];
        double[] t = new double[reps];
        double[] ct = new double[reps];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int k = 0; k < reps; k++) {
            System.arraycopy(h, 0, a, 0, h.length);
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            lapack.dsyevr("N", "I", "L", n, a, n, 0.0, 0.0, 1, 1, 0.0, found, w, z, 1, isuppz, work, work.length, iwork,
                    iwork.length, info);
            t[k] = (System.nanoTime() - t0) * 1e-9;
            ct[k] = (mx.getCurrentThreadCpuTime() - c0) * 1e-9;
            if (info.val != 0) {
                System.out.println("lambda_min n=" + n + ": dsyevr failed, info=" + info.val);
                return;
            }
        }
        Arrays.sort(t);
        Arrays.sort(ct);
        double lamJava = w[0];
        System.out.printf(Locale.ROOT, "lambda_min n=%d (H_inf of d=10 sphere data, dsyevr range I il=iu=1, jobz N)%n", n);
        System.out.printf(Locale.ROOT, "  %-12s %.3f s wall (median %.3f), %.3f s CPU  lambda_min=%.12e%n",
                lapack.getClass().getSimpleName(), t[0], t[reps / 2], ct[0], lamJava);

        String nativeOut = nativeDsyevr(h, n, reps, srcDir, workDir);
        double tn = parseDouble(nativeOut, "seconds");
        if (Double.isNaN(tn)) {
            System.out.println("  native reference unavailable: " + nativeOut);
            return;
        }
        double lamC = parseDouble(nativeOut, "lambda_min");
        double tnCpu = parseDouble(nativeOut, "cpu");
        System.out.printf(Locale.ROOT, "  %-12s %.3f s wall (median %.3f), %.3f s CPU  lambda_min=%.12e  OpenBLAS core %s%n",
                "C dsyevr_", tn, parseDouble(nativeOut, "median"), tnCpu, lamC, parseString(nativeOut, "corename"));
        System.out.printf(Locale.ROOT, "  ratio JNI/C  %.2f wall, %.2f CPU (target <= 1.5)%n", t[0] / tn, ct[0] / tnCpu);
    }

    /** Compiles src/bench/dsyevr_native.c into workDir once per run and runs it with the given arguments. */
    private static String nativeProgram(Path srcDir, Path workDir, List<String> args) {
        if (srcDir == null || !Files.isRegularFile(srcDir.resolve("dsyevr_native.c"))) {
            return "dsyevr_native.c not found (set -Dsweep.bench.src=<sweep-worker/src/bench>)";
        }
        Path exe = workDir.resolve("dsyevr_native");
        if (!nativeBuilt) {
            nativeBuilt = true;
            try {
                Files.deleteIfExists(exe);
            } catch (IOException ex) {
                return "cannot replace " + exe + ": " + ex.getMessage();
            }
            nativeBuild = run(List.of("gcc", "-O2", "-o", exe.toString(), srcDir.resolve("dsyevr_native.c").toString(),
                    "-llapack", "-lopenblas"), 120);
        }
        if (!Files.isExecutable(exe)) {
            return "gcc could not build it: " + nativeBuild;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(args);
        return run(cmd, 600);
    }

    private static boolean nativeBuilt;
    private static String nativeBuild = "";

    private static String nativeDsyevr(double[] h, int n, int reps, Path srcDir, Path workDir) throws IOException {
        Path matrix = workDir.resolve("dsyevr_matrix_" + n + ".bin");
        ByteBuffer buf = ByteBuffer.allocate(8 * h.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asDoubleBuffer().put(h);
        try (FileChannel ch = FileChannel.open(matrix, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        try {
            return nativeProgram(srcDir, workDir, List.of(matrix.toString(), Integer.toString(n), Integer.toString(reps)));
        } finally {
            Files.deleteIfExists(matrix);
        }
    }
}
