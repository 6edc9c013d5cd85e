package org.sweep.worker;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One task: kernel statistics, full-batch gradient descent and the trajectory statistics of science.md
 * sections 2-5. A trainer is used once; {@link #run} never throws (failure is a FAILED result that keeps
 * whatever was measured before the exception).
 *
 * <p>Order of work: G = X X^T, H_inf and its eigenpairs, the step size; then steps k = 0, 1, ...: each
 * step evaluates the loss, gradient and preactivations at W(k) and moves to W(k+1) (the kernel's fused
 * {@code step}); at the end of the budget W(steps) is only evaluated. At step 0 the residual u(0) - y is
 * projected on the eigenvectors of H_inf (for the kernel prediction) and H(0) is built and fully
 * diagonalised. At checkpoints the trajectory statistics are taken; at spectrum checkpoints also
 * lambda_min(H(k)) and ||H(k) - H(0)||_2; at the last step the full spectrum of H(final).
 *
 * <p>Flop count (Cost.flops): 4 n m d per kernel evaluation (steps run, plus the final evaluation when
 * the budget ends), n^2 d for X X^T, 2 n^2 m per H(k), 9 n^3 for the eigendecomposition of H_inf with
 * vectors, 4/3 n^3 (one reduction to tridiagonal form) for every values-only spectrum, lambda_min or
 * operator norm. The same model gives {@link #estimateFlops}.
 *
 * <p>Beyond Du et al. (other losses, activations, mini-batches, both layers): tasks other than relu / square / full batch / first layer run on
 * {@link GeneralKernel} (the fused {@link GdKernel} keeps the default case); H_inf comes from {@link NtkInf}.
 * With the logistic loss, loss_pred and the square-loss theory statistics are null and the classification
 * statistics of {@link Loss#classification} are recorded. With mini-batch SGD (batch_size > 0) the steps between
 * checkpoints are SGD steps without full-data statistics: the loss, gradient and all statistics are evaluated on
 * the full data at checkpoints only, so divergence and the early-stopping target are detected there and pl_min is
 * the minimum over checkpoints; each SGD step counts 4 b m d flops.
 *
 * <p>Structure: {@link DataStats} (the data-level statistics, shareable between tasks on the same data),
 * {@link #begin} (step size, checkpoint plan, buffers, kernel), the step loop, {@link #observe} (what follows
 * every evaluation: divergence, PL ratio, early stopping, checkpoints), {@link #checkpoint} and
 * {@link #spectraAt} (the trajectory row and its spectra), and the pure {@link #summarize}.
 */
final class Trainer {
    /** Divergence: loss not finite or above this multiple of L(0) (the task then stops with status diverged). */
    static final double DIVERGENCE_FACTOR = 1e6;
    /** Relative slack of bound_holds, L(k) <= rate_theory^k L(0) (1 + BOUND_TOL): rounding in L(k) itself is
     *  about 1e-15 relative; 1e-9 leaves room for n-term sums without hiding any real violation. */
    static final double BOUND_TOL = 1e-9;
    /** kernel_dev compares residual norms only at checkpoints whose predicted residual norm is at least this
     *  fraction of the initial one (predicted loss >= 1e-12 L(0)): below it both norms sit at the rounding floor
     *  of the residual (about 1e-16 ||y||), and their ratio measures rounding, not the distance from the kernel
     *  regime (a converged run would otherwise report deviations of 1e4 and more). */
    static final double KERNEL_DEV_FLOOR = 1e-6;

    /** Largest array length this JVM allocates reliably. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    static final double FLOPS_FULL_EIGEN_WITH_VECTORS = 9.0;
    static final double FLOPS_TRIDIAGONAL = 4.0 / 3.0;

    private final TaskSpec spec;
    private final BLAS blas;
    private final LAPACK lapack;
    private final SymEigen eig;

    // Everything measured so far; null until measured.
    private Status status = Status.OK;
    private String message;
    private Double etaValue;
    private Double etaFactor;
    private Double lambda0;
    private Double lambdaMaxInf;
    private Double maxCos;
    private Double yHinvY;
    private Double loss0;
    private Double lambdaMinH0;
    private Double h0Dev;
    private Integer stepsRun;
    private Integer stepsToTarget;
    private Double lambdaMinHFinal;
    private String hInfMethod;
    private double plMin = Double.POSITIVE_INFINITY;
    private final List<Checkpoint> trajectory = new ArrayList<>();
    private final List<Spectrum> spectra = new ArrayList<>();
    private double flops;
    private String kernelImplementation;
    private long nanosSpectra;
    private long nanosTotal;
    private long nanosShared;    // time of data statistics built for a pack and carried by this task

    // State of the step loop, set by begin().
    private DataStats data;
    private Problem problem;
    private Activation act;
    private boolean square;
    private double eta;
    private int[] plan;
    private boolean[] planSpectral;
    private int next;
    private double[] w;
    private double[] wPrev;
    private double[] grad;
    private double[] proj0;     // v_i . (u(0) - y)
    private long[] bits0;
    private long[] bitsK;
    private double[] work;
    private double[] h0;
    private double[] hk;
    private GeneralKernel general;

    Trainer(TaskSpec spec, BLAS blas, LAPACK lapack) {
        this.spec = spec;
        this.blas = blas;
        this.lapack = lapack;
        this.eig = new SymEigen(lapack);
    }

    /** Checks the options this version implements; the message names the first unsupported one. */
    static void checkSupported(TaskSpec spec) {
        long n = spec.n();
        long m = spec.width();
        long d = spec.d();
        if (n * n > MAX_ARRAY || n * m > MAX_ARRAY || m * d > MAX_ARRAY || n * d > MAX_ARRAY) {
            throw new IllegalArgumentException("n = " + n + ", width = " + m + ", d = " + d
                    + ": an n x n, n x width, width x d or n x d array exceeds the Java array limit " + MAX_ARRAY);
        }
    }

    /** True for the Du et al. setting the fused {@link GdKernel} runs: relu, square loss, full batch, first layer. */
    static boolean fusedCase(TaskSpec spec) {
        return spec.activation() == Activation.RELU && spec.loss() == Loss.SQUARE && spec.batchSize() == 0
                && spec.trainLayers() == TrainLayers.FIRST;
    }

    /** Runs the task on generated data ({@code data_kind = sphere}). Never throws. */
    TaskResult runGenerated() {
        return guarded(() -> {
            if (!spec.dataKind().generated()) {
                throw new IllegalArgumentException("data_kind = " + spec.dataKind().key()
                        + ": generated data needs data_kind = sphere (supplied rows need run(spec, dataset))");
            }
            train(DataGen.problem(spec, null));
        });
    }

    /** Runs the task on the first n rows of supplied data. Never throws. */
    TaskResult runSupplied(Dataset data) {
        return guarded(() -> {
            if (data == null) {
                throw new IllegalArgumentException("dataset is null (data_kind = " + spec.dataKind().key() + ")");
            }
            if (spec.dataKind().generated()) {
                throw new IllegalArgumentException("data_kind = sphere generates its data; a dataset ("
                        + data.name() + ") was supplied");
            }
            train(DataGen.problem(spec, data));
        });
    }

    /** Runs the training loop on explicit inputs (the reference-trajectory test uses this). Never throws. */
    TaskResult runProblem(Problem p) {
        return guarded(() -> train(p));
    }

    /**
     * Runs the task on data statistics shared with other tasks of a pack (built by
     * {@link #dataStats} of a task with the same data identity) and its own problem; the result equals that of
     * {@link #runGenerated} or {@link #runSupplied} for the same spec bit for bit. {@code timed}: this task
     * carries the time of the shared statistics. Never throws.
     */
    TaskResult runShared(DataStats s, Problem p, boolean timed) {
        nanosShared = timed ? s.nanos : 0;
        return guarded(() -> {
            adopt(s, timed);
            stepLoop(begin(p));
        });
    }

    /**
     * First half of a packed run: adopts the shared statistics and prepares the step loop without a kernel
     * (a {@link GdVectorPack} steps the network). False when that failed; the caller then runs the task on
     * its own, which reproduces the failure exactly.
     */
    boolean startPacked(DataStats s, Problem p, boolean timed) {
        try {
            checkSupported(spec);
            nanosShared = timed ? s.nanos : 0;
            adopt(s, timed);
            begin(p, false);
            kernelImplementation = "java-vector-" + GdVectorKernel.S.vectorBitSize();
            return true;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            return false;
        }
    }

    /** The step size a packed network moves with (resolved by {@link #startPacked}). */
    double eta() {
        return eta;
    }

    /** Adds the flops of one packed evaluation, 4 n m d, as the single-network loop counts them. */
    void countPackedStep() {
        flops += 4.0 * problem.n() * problem.m() * problem.d();
    }

    /** Last half of a packed run: the result, with the task's share of the pack's wall time. */
    TaskResult finishPacked(long nanos) {
        nanosTotal = nanos + nanosShared;
        return result();
    }

    private TaskResult guarded(Runnable body) {
        long start = System.nanoTime();
        try {
            checkSupported(spec);
            body.run();
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            status = Status.FAILED;
            message = (e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException)
                    && e.getMessage() != null ? e.getMessage() : e.toString();
        }
        nanosTotal = System.nanoTime() - start + nanosShared;
        return result();
    }

    /** The whole task on one problem: data statistics, then the step loop. */
    private void train(Problem p) {
        adopt(dataStats(p.x(), p.y(), p.n(), p.d(), true), true);
        stepLoop(begin(p));
    }

    /** The kernel statistics of the spec's data (shared by every task with the same data identity). */
    DataStats dataStats(double[] x, double[] y, int n, int d, boolean owned) {
        Activation act = spec.activation();
        spec.loss().checkLabels(y, spec.labels());
        return DataStats.of(blas, eig, x, y, n, d, act, spec.kappa(), spec.trainLayers() == TrainLayers.BOTH, owned);
    }

    /**
     * Takes the data-level statistics: records them, adds their flops (the flop model counts them for every
     * task) and, when {@code timed}, their time.
     */
    void adopt(DataStats s, boolean timed) {
        int n = s.n;
        data = s;
        maxCos = s.maxCos;
        hInfMethod = s.hInfMethod;
        flops += (double) n * n * s.d + FLOPS_FULL_EIGEN_WITH_VECTORS * cube(n);
        lambda0 = s.evInf[0];
        lambdaMaxInf = s.evInf[n - 1];
        yHinvY = s.yHinvY;
        spectra.add(new Spectrum("h_inf", 0, s.evInf, s.projY));
        if (timed) {
            nanosSpectra += s.nanos;
        }
    }

    /**
     * Prepares the step loop of a problem whose data statistics were adopted: resolves the step size, the
     * checkpoint plan and the per-run buffers, and returns the kernel the single-network loop uses (null when
     * {@code withKernel} is false: a pack's fused kernel drives the steps).
     */
    StepKernel begin(Problem p) {
        return begin(p, true);
    }

    StepKernel begin(Problem p, boolean withKernel) {
        final int n = p.n();
        final int d = p.d();
        final int m = p.m();
        problem = p;
        act = spec.activation();
        Loss lossFn = spec.loss();
        square = lossFn == Loss.SQUARE;
        eta = resolveEta(n);
        plan = Schedule.checkpoints(spec.steps(), spec.checkpoints());
        planSpectral = Schedule.spectrumFlags(plan.length, spec.spectrumCheckpoints());
        next = 0;
        w = p.w0().clone();
        wPrev = new double[m * d];
        grad = new double[m * d];
        proj0 = new double[n];
        int words = Grams.words(m);
        bits0 = new long[n * words];
        bitsK = new long[n * words];
        work = new double[n * n];
        boolean both = spec.trainLayers() == TrainLayers.BOTH;
        general = fusedCase(spec) ? null
                : new GeneralKernel(n, d, m, p.x(), p.y(), p.a(), act, lossFn, both, spec.batchSize(), spec.seed(),
                        blas);
        if (general != null) {
            kernelImplementation = "GeneralKernel/" + blas.getClass().getSimpleName();
            return general;
        }
        if (!withKernel) {
            return null;
        }
        GdKernel fused = new GdKernel(n, d, m, p.x(), p.a(), p.y());
        kernelImplementation = fused.implementation();
        return fused;
    }

    /** The single-network step loop: one kernel step per iteration, {@link #observe} after each. */
    private void stepLoop(StepKernel kernel) {
        final int n = problem.n();
        final int m = problem.m();
        final int d = problem.d();
        final int batch = spec.batchSize();
        for (int k = 0; ; k++) {
            boolean budgetEnd = k == spec.steps();
            double[] wk;
            double loss;
            if (batch > 0 && !budgetEnd && !(next < plan.length && plan[next] == k)) {
                // Mini-batch SGD between checkpoints: no full-data statistics (see the class comment).
                general.sgdStep(w, eta);
                flops += general.flopsBatch();
                continue;
            }
            if (budgetEnd) {
                loss = kernel.evaluate(w, grad);
                wk = w;
            } else if (batch > 0) {
                loss = kernel.evaluate(w, grad);
                System.arraycopy(w, 0, wPrev, 0, w.length);
                general.sgdStep(w, eta);
                flops += general.flopsBatch();
                wk = wPrev;
            } else {
                System.arraycopy(w, 0, wPrev, 0, w.length);
                loss = kernel.step(w, eta);
                wk = wPrev;
            }
            flops += general == null ? 4.0 * n * m * d : general.flopsFull();
            double[] wkFinal = wk;
            if (observe(k, loss, kernel.gradNormSq(), kernel, () -> wkFinal, budgetEnd)) {
                break;
            }
        }
    }

    /**
     * Everything after the kernel's evaluation at step k (weights wk): L(0), divergence, PL ratio, early
     * stopping and, at planned or final checkpoints, {@link #checkpoint}. Returns true when step k is the last.
     */
    boolean observe(int k, double loss, double gns, StepKernel kernel, Supplier<double[]> wk, boolean budgetEnd) {
        if (k == 0) {
            loss0 = loss;
        }
        boolean diverged = !Double.isFinite(loss) || loss > DIVERGENCE_FACTOR * loss0;
        if (!diverged && loss > 0) {
            plMin = Math.min(plMin, gns / (2 * loss));
        }
        boolean target = !diverged && spec.targetLossRatio() > 0 && loss <= spec.targetLossRatio() * loss0;
        if (target) {
            stepsToTarget = k;
        }
        boolean last = budgetEnd || diverged || target;
        boolean planned = next < plan.length && plan[next] == k;
        if (!planned && !last) {
            return false;
        }
        boolean spectral = (planned && planSpectral[next]) || (last && spec.spectrumCheckpoints() >= 2);
        if (planned) {
            next++;
        }
        if (diverged) {
            status = Status.DIVERGED;
            message = "loss " + loss + " at step " + k + (Double.isFinite(loss)
                    ? " exceeds " + DIVERGENCE_FACTOR + " L(0) = " + DIVERGENCE_FACTOR * loss0 : " is not finite");
        }
        checkpoint(k, loss, gns, kernel, wk, spectral, last, diverged);
        if (last) {
            stepsRun = k;
        }
        return last;
    }

    /** The trajectory statistics of a checkpoint at step k (science.md section 4) and its trajectory row. */
    private void checkpoint(int k, double loss, double gns, StepKernel kernel, Supplier<double[]> wk, boolean spectral,
                            boolean last, boolean diverged) {
        final int n = problem.n();
        final int m = problem.m();
        final int d = problem.d();
        // The pattern without Z where the kernel can (the vector engines read it from P); Z itself only
        // where H(k) needs the activation's derivative at Z (smooth activations).
        kernel.pattern(bitsK);
        if (k == 0) {
            double[] e0 = kernel.residual();
            for (int i = 0; i < n; i++) {
                proj0[i] = dot(data.vecs, i * n, e0, n);
            }
            System.arraycopy(bitsK, 0, bits0, 0, bits0.length);
        }
        double patternChange = (double) Grams.patternDifference(bits0, bitsK, n, m) / ((double) n * m);
        double maxDist = maxRowDistance(wk.get(), problem.w0(), m, d);
        Double lossPred = square ? predictedLoss(data.evInf, proj0, eta, k) : null;

        long t = System.nanoTime();
        Double[] lh = spectraAt(k, kernel, spectral, last, diverged);
        nanosSpectra += System.nanoTime() - t;

        Double trainError = null;
        Double margin = null;
        Double proxyG = null;
        Double gradRatio = null;
        if (!square) {
            double[] cls = Loss.classification(kernel.u(), problem.y(), n);
            trainError = cls[0];
            margin = cls[1];
            proxyG = cls[2];
            gradRatio = Math.sqrt(gns) / cls[2];
        }
        trajectory.add(new Checkpoint(k, loss, lossPred, gns, gns / (2 * loss), maxDist, patternChange,
                lh[0], lh[1], trainError, margin, proxyG, gradRatio));
    }

    /**
     * The spectra of a checkpoint: at step 0 H(0) fully (lambda_min(H(0)), ||H(0) - H_inf||, the h_0 spectrum);
     * later, when spectral or last and not diverged, H(k): lambda_min(H(k)), ||H(k) - H(0)|| and at the last
     * step the h_final spectrum. Returns {lambda_min(H(k)), ||H(k) - H(0)||} of the trajectory row (null where
     * not computed).
     */
    private Double[] spectraAt(int k, StepKernel kernel, boolean spectral, boolean last, boolean diverged) {
        final int n = problem.n();
        final int m = problem.m();
        Double lambdaMinH = null;
        Double hDrift = null;
        if (k == 0) {
            // A private data instance lends its storage: the eigenvectors are no longer needed after the
            // projections above and hold H(0); H_inf is not needed after ||H(0) - H_inf|| and holds H(k).
            h0 = data.owned ? data.vecs : new double[n * n];
            buildH(act, general, data.g, kernel, n, m, bitsK, h0);
            double[] ev0 = eig.all(h0, n, work, null);
            h0Dev = eig.normOfDifference(h0, data.hInf, n, work);
            flops += 2 * FLOPS_TRIDIAGONAL * cube(n);
            lambdaMinH0 = ev0[0];
            spectra.add(new Spectrum("h_0", 0, ev0, null));
            hk = data.owned ? data.hInf : new double[n * n];
            if (spectral) {
                lambdaMinH = ev0[0];
                hDrift = 0.0;
            }
            if (last) {
                spectra.add(new Spectrum("h_final", 0, ev0, null));
                lambdaMinHFinal = ev0[0];
            }
        } else if (!diverged && (spectral || last)) {
            buildH(act, general, data.g, kernel, n, m, bitsK, hk);
            if (last) {
                double[] evk = eig.all(hk, n, work, null);
                flops += FLOPS_TRIDIAGONAL * cube(n);
                spectra.add(new Spectrum("h_final", k, evk, null));
                lambdaMinHFinal = evk[0];
                if (spectral) {
                    lambdaMinH = evk[0];
                }
            } else {
                lambdaMinH = eig.min(hk, n, work);
                flops += FLOPS_TRIDIAGONAL * cube(n);
            }
            if (spectral) {
                hDrift = eig.normOfDifference(hk, h0, n, work);
                flops += FLOPS_TRIDIAGONAL * cube(n);
            }
        }
        return new Double[] {lambdaMinH, hDrift};
    }

    private void buildH(Activation act, GeneralKernel general, double[] g, StepKernel kernel, int n, int m,
                        long[] bits, double[] h) {
        if (general != null) {
            general.gram(g, h);
            flops += spec.trainLayers() == TrainLayers.BOTH ? 4.0 * n * n * m : 2.0 * n * n * m;
            return;
        } else if (act.derivativeIsIndicator()) {
            Grams.hFromPattern(g, bits, n, m, h);
        } else {
            Grams.hFromDerivatives(blas, g, kernel.preactivations(), n, m, act, new double[n * m], h);
        }
        flops += 2.0 * n * n * m;
    }

    private double resolveEta(int n) {
        double eta;
        switch (spec.etaMode()) {
            case ABSOLUTE:
                eta = spec.eta();
                break;
            case STABILITY:
                etaFactor = spec.eta();
                eta = spec.eta() * 2.0 / lambdaMaxInf;
                break;
            case THEORY:
                etaFactor = spec.eta();
                eta = spec.eta() * lambda0 / ((double) n * n);
                break;
            default:
                throw new IllegalStateException("eta_mode " + spec.etaMode());
        }
        if (!(Double.isFinite(eta) && eta > 0)) {
            throw new IllegalArgumentException("eta = " + spec.eta() + " (" + spec.etaMode().key()
                    + ") resolves to step size " + eta + " (lambda0 = " + lambda0 + ", lambda_max_inf = "
                    + lambdaMaxInf + ")");
        }
        etaValue = eta;
        return eta;
    }

    /** Kernel-regime prediction 1/2 sum_i (1 - eta lambda_i)^(2k) (v_i . (u(0) - y))^2 (Arora et al. 2019). */
    static double predictedLoss(double[] lambda, double[] proj0, double eta, int k) {
        double s = 0;
        for (int i = 0; i < lambda.length; i++) {
            double f = StrictMath.pow(1.0 - eta * lambda[i], 2.0 * k);
            s += f * proj0[i] * proj0[i];
        }
        return 0.5 * s;
    }

    /** max_r ||w_r - w0_r||_2 over rows of two m x d row-major matrices. */
    static double maxRowDistance(double[] w, double[] w0, int m, int d) {
        double max = 0;
        for (int r = 0; r < m; r++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double v = w[r * d + j] - w0[r * d + j];
                s += v * v;
            }
            max = Math.max(max, s);
        }
        return Math.sqrt(max);
    }

    static double dot(double[] a, int offset, double[] b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[offset + i] * b[i];
        }
        return s;
    }

    private static double cube(int n) {
        return (double) n * n * n;
    }

    /**
     * Per-step loss factor fitted on the last half of the checkpoints (the last ceil(len/2), at least 2):
     * exp of the least-squares slope of ln L(k) against k. Checkpoints with non-positive or non-finite loss
     * are skipped; null when fewer than two distinct steps remain.
     */
    static Double tailRate(List<Checkpoint> cps) {
        int len = cps.size();
        int from = Math.max(0, Math.min(len - 2, len / 2));
        double sk = 0;
        double sl = 0;
        int cnt = 0;
        for (int i = from; i < len; i++) {
            Checkpoint c = cps.get(i);
            if (c.loss() > 0 && Double.isFinite(c.loss())) {
                sk += c.step();
                sl += StrictMath.log(c.loss());
                cnt++;
            }
        }
        if (cnt < 2) {
            return null;
        }
        double mk = sk / cnt;
        double ml = sl / cnt;
        double sxx = 0;
        double sxy = 0;
        for (int i = from; i < len; i++) {
            Checkpoint c = cps.get(i);
            if (c.loss() > 0 && Double.isFinite(c.loss())) {
                double dk = c.step() - mk;
                sxx += dk * dk;
                sxy += dk * (StrictMath.log(c.loss()) - ml);
            }
        }
        return sxx > 0 ? StrictMath.exp(sxy / sxx) : null;
    }

    /** The values a run measured, the input of the pure {@link #summarize}. */
    record Measured(Double etaValue, Double lambda0, Double lambdaMaxInf, Double maxCos, Double yHinvY, Double loss0,
                    Double lambdaMinH0, Double h0Dev, Integer stepsRun, Integer stepsToTarget,
                    Double lambdaMinHFinal, double plMin, String hInfMethod) {
    }

    TaskResult result() {
        Summary summary = summarize(spec, new Measured(etaValue, lambda0, lambdaMaxInf, maxCos, yHinvY, loss0,
                lambdaMinH0, h0Dev, stepsRun, stepsToTarget, lambdaMinHFinal, plMin, hInfMethod), trajectory);
        String blasName = SymEigen.implementationName(blas);
        Cost cost = new Cost((nanosTotal - nanosSpectra) * 1e-9, nanosSpectra * 1e-9, flops,
                kernelImplementation == null ? blasName : kernelImplementation + " (training), " + blasName
                        + " (Gram matrices)", eig.implementation());
        return new TaskResult(spec, status, message, etaValue, etaFactor, summary, trajectory, spectra, cost);
    }

    /** The per-task statistics of science.md section 5 from the measured values and the checkpoints. Pure. */
    static Summary summarize(TaskSpec spec, Measured v, List<Checkpoint> trajectory) {
        final Double etaValue = v.etaValue();
        final Double lambda0 = v.lambda0();
        final Double lambdaMaxInf = v.lambdaMaxInf();
        final Double loss0 = v.loss0();
        final Double lambdaMinH0 = v.lambdaMinH0();
        final Integer stepsRun = v.stepsRun();
        final Double lambdaMinHFinal = v.lambdaMinHFinal();
        final double plMin = v.plMin();
        Checkpoint lastCp = trajectory.isEmpty() ? null : trajectory.get(trajectory.size() - 1);
        Double rateTheory = null;
        Double rateKernel = null;
        boolean square = spec.loss() == Loss.SQUARE;
        if (etaValue != null && square) {
            rateTheory = 1 - etaValue * lambda0 / 2;
            rateKernel = (1 - etaValue * lambda0) * (1 - etaValue * lambda0);
        }
        Double rateEmpirical = null;
        Boolean boundHolds = null;
        Double kernelDev = null;
        Double lambdaMinHMin = null;
        Double hDriftMax = null;
        if (lastCp != null) {
            if (stepsRun != null && stepsRun > 0) {
                rateEmpirical = StrictMath.pow(lastCp.loss() / loss0, 1.0 / stepsRun);
            }
            boolean holds = true;
            double dev = Double.NEGATIVE_INFINITY;
            double lmin = lambdaMinH0 != null ? lambdaMinH0 : Double.POSITIVE_INFINITY;
            double drift = Double.NEGATIVE_INFINITY;
            double predFloor = trajectory.get(0).lossPred() != null
                    ? KERNEL_DEV_FLOOR * Math.sqrt(2 * trajectory.get(0).lossPred()) : Double.NaN;
            for (Checkpoint c : trajectory) {
                if (rateTheory != null) {
                    holds &= c.loss() <= StrictMath.pow(rateTheory, c.step()) * loss0 * (1 + BOUND_TOL);
                }
                double pred = c.lossPred() != null ? Math.sqrt(2 * c.lossPred()) : Double.NaN;
                if (pred > 0 && Double.isFinite(pred) && pred >= predFloor) {
                    dev = Math.max(dev, Math.abs(Math.sqrt(2 * c.loss()) - pred) / pred);
                }
                if (c.lambdaMinH() != null) {
                    lmin = Math.min(lmin, c.lambdaMinH());
                }
                if (c.hDrift() != null) {
                    drift = Math.max(drift, c.hDrift());
                }
            }
            if (lambdaMinHFinal != null) {
                lmin = Math.min(lmin, lambdaMinHFinal);
            }
            boundHolds = rateTheory != null ? holds : null;
            kernelDev = dev > Double.NEGATIVE_INFINITY ? dev : null;
            lambdaMinHMin = lmin < Double.POSITIVE_INFINITY ? lmin : null;
            hDriftMax = drift > Double.NEGATIVE_INFINITY ? drift : null;
        }
        int n = spec.n();
        Double radiusBound = square && loss0 != null && lambda0 != null
                ? 4 * Math.sqrt(n) * Math.sqrt(2 * loss0) / (Math.sqrt(spec.width()) * lambda0) : null;
        return new Summary(
                lambda0, lambdaMaxInf, v.maxCos(), v.yHinvY(),
                loss0, lambdaMinH0, v.h0Dev(),
                lastCp != null ? lastCp.loss() : null,
                stepsRun, v.stepsToTarget(),
                rateTheory, rateKernel, rateEmpirical, lastCp != null ? tailRate(trajectory) : null,
                boundHolds, lambdaMinHMin, lambdaMinHFinal, hDriftMax,
                lastCp != null ? lastCp.maxDist() : null,
                radiusBound,
                lastCp != null ? lastCp.patternChange() : null,
                plMin < Double.POSITIVE_INFINITY ? plMin : null,
                kernelDev,
                lambda0 != null ? StrictMath.pow(n, 6) / StrictMath.pow(lambda0, 4) : null,
                lambda0 != null ? lambda0 / ((double) n * n) : null,
                lambdaMaxInf != null ? 2 / lambdaMaxInf : null,
                lastCp != null ? lastCp.trainError() : null,
                lastCp != null ? lastCp.margin() : null,
                lastCp != null ? lastCp.proxyG() : null,
                lastCp != null ? lastCp.gradRatio() : null,
                v.hInfMethod());
    }

    /** The flop model of the class comment for a run that uses its full step budget. */
    static double estimateFlops(TaskSpec spec) {
        double n = spec.n();
        double m = spec.width();
        double d = spec.d();
        int[] plan = Schedule.checkpoints(spec.steps(), spec.checkpoints());
        boolean[] spectral = Schedule.spectrumFlags(plan.length, spec.spectrumCheckpoints());
        double n3 = n * n * n;
        double f = spec.batchSize() > 0                             // training
                ? spec.steps() * 4.0 * spec.batchSize() * m * d + plan.length * 4 * n * m * d
                : (spec.steps() + 1.0) * 4 * n * m * d;
        f += n * n * d + FLOPS_FULL_EIGEN_WITH_VECTORS * n3;      // G, H_inf eigenpairs
        f += 2 * n * n * m + 2 * FLOPS_TRIDIAGONAL * n3;          // H(0): spectrum, ||H(0) - H_inf||
        f += 2 * n * n * m + FLOPS_TRIDIAGONAL * n3;              // H(final) spectrum
        for (int i = 1; i < plan.length; i++) {
            if (spectral[i]) {
                boolean last = i == plan.length - 1;
                f += (last ? 0 : 2 * n * n * m + FLOPS_TRIDIAGONAL * n3) + FLOPS_TRIDIAGONAL * n3;
            }
        }
        return f;
    }

    /**
     * Peak bytes: 8 (4 n^2 + 4 m d + n d + 64 n) + n m / 4 plus the kernel's workspaces
     * ({@code GdKernel.workspaceBytes}: its n x m preactivations, gradient and engine buffers). Four n x n
     * matrices live at once (X X^T, H_inf or H(k), H(0), the LAPACK copy; the eigenvectors of H_inf reuse
     * H(0)'s slot); W, W(0), the previous W and a gradient buffer (m x d); X; two bit-packed activation
     * patterns (n m / 64 longs each); O(n) LAPACK workspace.
     */
    static long estimateBytes(TaskSpec spec) {
        long n = spec.n();
        long m = spec.width();
        long d = spec.d();
        long b = spec.batchSize();
        long kernelBytes = fusedCase(spec) ? GdKernel.workspaceBytes(spec.n(), spec.d(), spec.width())
                // GeneralKernel: Z, S, P (n x m), Xs, gradient, 3 n-vectors, a and its gradient; with SGD the same
                // for the batch (b x m, b x d) and the permutation
                : 8 * (3 * n * m + n * d + m * d + 3 * n + 2 * m + 3 * b * m + 2 * b * d + 4 * b) + 4 * (n + b);
        return 8 * (4 * n * n + 4 * m * d + n * d + 64 * n) + n * m / 4 + kernelBytes;
    }
}
