package org.sweep.worker;

/**
 * What the training loop needs from a gradient kernel: the loss and gradient at the current weights, a
 * gradient step, and views of the last full-data evaluation. Two implementations: the fused ReLU /
 * square-loss / full-batch / first-layer kernel {@link GdKernel} and the general
 * {@link GeneralKernel} for every other task.
 */
interface StepKernel {
    /** L at w (and the kernel's current output weights); writes dL/dW into grad (m x d). Does not move. */
    double evaluate(double[] w, double[] grad);

    /** Full-batch step: returns L at the incoming weights and moves them by -eta grad L. */
    double step(double[] w, double eta);

    /** ||grad L||^2 of the last evaluate/step (all trained parameters). */
    double gradNormSq();

    /** Predictions u of the last full-data evaluation. */
    double[] u();

    /** Residuals u - y of the last full-data evaluation. */
    double[] residual();

    /** Preactivations Z (index i*m + r) of the last full-data evaluation. */
    double[] preactivations();

    /**
     * The activation pattern 1{Z_ir >= 0} of the last full-data evaluation, bit-packed into {@code bits} as
     * {@link Grams#pattern} writes it (a NaN preactivation gives 0). The same bits as
     * {@code Grams.pattern(preactivations(), n, m, bits)}; a kernel that keeps the pattern in another form
     * reads it from there instead of computing Z.
     */
    void pattern(long[] bits);
}
