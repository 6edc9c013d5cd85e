package org.sweep.worker;

import java.io.Serializable;

/**
 * Trajectory statistics at one checkpoint step k (science.md sections 2-5). One row of the
 * {@code trajectories} table.
 *
 * @param step          k, gradient-descent steps taken (0 = initialisation)
 * @param loss          L(k) on the full data: 1/2 ||u(k) - y||^2, or (1/n) sum_i log(1 + exp(-y_i u_i(k))) for the
 *                      logistic loss (also with mini-batch SGD)
 * @param lossPred      kernel-regime prediction 1/2 ||(I - eta H_inf)^k (u(0) - y)||^2; null for the logistic
 *                      loss (the prediction is the square loss's)
 * @param gradNormSq    ||grad L(W(k))||_F^2
 * @param plRatio       ||grad L||^2 / (2 L)  (PL* convention of science.md section 5)
 * @param maxDist       max_r ||w_r(k) - w_r(0)||_2
 * @param patternChange fraction of (i, r) with 1{w_r(k).x_i >= 0} != 1{w_r(0).x_i >= 0}
 * @param lambdaMinH    lambda_min(H(k)), null where not computed at this checkpoint
 * @param hDrift        ||H(k) - H(0)||_2 (operator norm), null where not computed
 * @param trainError    logistic loss only (else null): fraction of i with y_i u_i &lt;= 0
 * @param margin        logistic loss only: min_i y_i u_i
 * @param proxyG        logistic loss only: g(W) = (1/n) sum_i -l'(y_i u_i) (science.md section 6)
 * @param gradRatio     logistic loss only: ||grad L|| / g(W)
 */
public record Checkpoint(
        int step,
        double loss,
        Double lossPred,
        double gradNormSq,
        double plRatio,
        double maxDist,
        double patternChange,
        Double lambdaMinH,
        Double hDrift,
        Double trainError,
        Double margin,
        Double proxyG,
        Double gradRatio) implements Serializable {
}
