package org.sweep.worker;

import java.io.Serializable;

/**
 * Per-task statistics (science.md sections 2-5). Field names map to {@code runs} columns in
 * snake_case. Boxed fields are null when not measured (for example after a failure, or
 * stepsToTarget when the target was never reached).
 *
 * <p>Data / kernel: lambda0 = lambda_min(H_inf); lambdaMaxInf = lambda_max(H_inf); maxCos = max_{i!=j} |x_i.x_j|;
 * yHinvY = y^T H_inf^{-1} y.
 * <p>Init: loss0 = L(0); lambdaMinH0 = lambda_min(H(0)); h0Dev = ||H(0) - H_inf||_2.
 * <p>Run: lossFinal; stepsRun; stepsToTarget; rateTheory = 1 - eta lambda0 / 2; rateKernel = (1 - eta lambda0)^2;
 * rateEmpirical = (L(end)/L(0))^(1/stepsRun); rateTail = per-step factor fitted (least squares on log L)
 * over the last half of the checkpoints; boundHolds = L(k) &lt;= rateTheory^k L(0) (1 + tolerance) at every
 * checkpoint; lambdaMinHMin, lambdaMinHFinal, hDriftMax over spectrum checkpoints; maxDistFinal;
 * radiusBound = 4 sqrt(n) ||y - u(0)|| / (sqrt(m) lambda0); patternChangeFinal; plMin = min over every step
 * of ||grad L||^2 / (2L); kernelDev = max over checkpoints with ||pred(k)|| >= 1e-6 ||pred(0)|| of | ||u(k)-y|| - ||pred(k)|| | / ||pred(k)||;
 * mDu = n^6 / lambda0^4; etaTheory = lambda0 / n^2; etaStable = 2 / lambdaMaxInf.
 * <p>Logistic loss (null otherwise): trainErrorFinal, marginFinal, proxyGFinal, gradRatioFinal are the
 * checkpoint statistics of the last checkpoint; rateTheory, rateKernel, boundHolds, kernelDev and radiusBound
 * (square-loss theory) are null.
 * <p>hInfMethod: how H_inf was computed, {@code closed_form} or the quadrature rule (see NtkInf).
 */
public record Summary(
        Double lambda0,
        Double lambdaMaxInf,
        Double maxCos,
        Double yHinvY,
        Double loss0,
        Double lambdaMinH0,
        Double h0Dev,
        Double lossFinal,
        Integer stepsRun,
        Integer stepsToTarget,
        Double rateTheory,
        Double rateKernel,
        Double rateEmpirical,
        Double rateTail,
        Boolean boundHolds,
        Double lambdaMinHMin,
        Double lambdaMinHFinal,
        Double hDriftMax,
        Double maxDistFinal,
        Double radiusBound,
        Double patternChangeFinal,
        Double plMin,
        Double kernelDev,
        Double mDu,
        Double etaTheory,
        Double etaStable,
        Double trainErrorFinal,
        Double marginFinal,
        Double proxyGFinal,
        Double gradRatioFinal,
        String hInfMethod) implements Serializable {

    /** A summary where nothing was measured (a task that failed before training). */
    public static Summary empty() {
        return new Summary(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }
}
