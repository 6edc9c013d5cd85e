package org.sweep.worker;

import java.io.Serializable;
import java.util.Objects;

/**
 * Everything that defines one training run. Immutable; the same spec gives bit-identical results.
 *
 * <p>Field names map to table columns in snake_case (dataSeed -> data_seed). Random streams derive
 * only from {@code dataSeed} (inputs and labels, point i from (dataSeed, i)) and {@code seed}
 * (network initialisation: a_r and w_r(0)); see science.md section 1.
 *
 * @param width             m, hidden units
 * @param n                 number of training points
 * @param d                 input dimension
 * @param dataKind          generated ({@link DataKind#SPHERE}) or rows of a file supplied as a {@link Dataset}
 * @param dataset           identifier of a supplied dataset (path and selection), {@code ""} for generated data
 * @param dataSeed          seed of the data stream
 * @param labels            label kind: {@code gaussian}, {@code sign}, {@code random-sign} for generated
 *                          data; {@code true} or {@code permuted} for supplied data
 * @param kappa             init scale: w_r(0) ~ N(0, kappa^2 I)
 * @param seed              seed of the initialisation stream
 * @param eta               step size (ABSOLUTE) or factor (STABILITY, THEORY)
 * @param etaMode           how {@code eta} becomes a step size
 * @param steps             gradient-descent step budget
 * @param targetLossRatio   stop when L(k) &lt;= targetLossRatio * L(0); 0 disables early stopping
 * @param checkpoints       number of trajectory checkpoints (step 0, log-spaced steps, last step)
 * @param spectrumCheckpoints number of those checkpoints where lambda_min(H(k)) and ||H(k)-H(0)|| are computed
 * @param loss              {@link Loss#SQUARE} (1/2 sum) or {@link Loss#LOGISTIC}
 * @param activation        {@link Activation#RELU} (Du et al.) or another activation
 * @param batchSize         0 for full-batch gradient descent, else the mini-batch size of SGD
 * @param trainLayers       {@link TrainLayers#FIRST} (only W, as Du et al.) or {@link TrainLayers#BOTH}
 */
public record TaskSpec(
        int width,
        int n,
        int d,
        DataKind dataKind,
        String dataset,
        long dataSeed,
        String labels,
        double kappa,
        long seed,
        double eta,
        EtaMode etaMode,
        int steps,
        double targetLossRatio,
        int checkpoints,
        int spectrumCheckpoints,
        Loss loss,
        Activation activation,
        int batchSize,
        TrainLayers trainLayers) implements Serializable {

    public TaskSpec {
        Objects.requireNonNull(dataKind, "data_kind");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(etaMode, "eta_mode");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(trainLayers, "train_layers");
        require(width >= 1, "width", width, "must be >= 1");
        require(n >= 2, "n", n, "must be >= 2");
        require(d >= 1, "d", d, "must be >= 1");
        require(Double.isFinite(kappa) && kappa > 0, "kappa", kappa, "must be finite and > 0");
        require(Double.isFinite(eta) && eta > 0, "eta", eta, "must be finite and > 0");
        require(steps >= 1, "steps", steps, "must be >= 1");
        require(Double.isFinite(targetLossRatio) && targetLossRatio >= 0 && targetLossRatio < 1,
                "target_loss_ratio", targetLossRatio, "must be in [0, 1)");
        require(checkpoints >= 2, "checkpoints", checkpoints, "must be >= 2 (step 0 and the last step)");
        require(spectrumCheckpoints >= 0 && spectrumCheckpoints <= checkpoints,
                "spectrum_checkpoints", spectrumCheckpoints, "must be in [0, checkpoints]");
        require(batchSize >= 0 && batchSize <= n, "batch_size", batchSize, "must be 0 (full batch) or in [1, n]");
    }

    private static void require(boolean ok, String key, Object value, String what) {
        if (!ok) {
            throw new IllegalArgumentException(key + " = " + value + ": " + what);
        }
    }

    /** Defaults of the Du et al. setting for the given sizes and seeds; other fields via withers. */
    public static TaskSpec sphere(int width, int n, int d, long dataSeed, long seed) {
        return new TaskSpec(width, n, d, DataKind.SPHERE, "", dataSeed, "gaussian", 1.0, seed, 0.5,
                EtaMode.STABILITY, 1000, 1e-6, 30, 6, Loss.SQUARE, Activation.RELU, 0, TrainLayers.FIRST);
    }

    public TaskSpec withEta(double eta, EtaMode mode) {
        return new TaskSpec(width, n, d, dataKind, dataset, dataSeed, labels, kappa, seed, eta, mode, steps,
                targetLossRatio, checkpoints, spectrumCheckpoints, loss, activation, batchSize, trainLayers);
    }

    public TaskSpec withSteps(int steps) {
        return new TaskSpec(width, n, d, dataKind, dataset, dataSeed, labels, kappa, seed, eta, etaMode, steps,
                targetLossRatio, checkpoints, spectrumCheckpoints, loss, activation, batchSize, trainLayers);
    }

    public TaskSpec withLabels(String labels) {
        return new TaskSpec(width, n, d, dataKind, dataset, dataSeed, labels, kappa, seed, eta, etaMode, steps,
                targetLossRatio, checkpoints, spectrumCheckpoints, loss, activation, batchSize, trainLayers);
    }

    public TaskSpec withCheckpoints(int checkpoints, int spectrumCheckpoints) {
        return new TaskSpec(width, n, d, dataKind, dataset, dataSeed, labels, kappa, seed, eta, etaMode, steps,
                targetLossRatio, checkpoints, spectrumCheckpoints, loss, activation, batchSize, trainLayers);
    }

    public TaskSpec withTargetLossRatio(double targetLossRatio) {
        return new TaskSpec(width, n, d, dataKind, dataset, dataSeed, labels, kappa, seed, eta, etaMode, steps,
                targetLossRatio, checkpoints, spectrumCheckpoints, loss, activation, batchSize, trainLayers);
    }

    public TaskSpec withKappa(double kappa) {
        return new TaskSpec(width, n, d, dataKind, dataset, dataSeed, labels, kappa, seed, eta, etaMode, steps,
                targetLossRatio, checkpoints, spectrumCheckpoints, loss, activation, batchSize, trainLayers);
    }
}
