package org.sweep.driver.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.sweep.worker.TaskSpec;

/** Stand-in until the real config package lands. */
public final class TaskIds {
    private TaskIds() {
    }

    public static String canonicalJson(TaskSpec s) {
        return "{\"width\":" + s.width() + ",\"n\":" + s.n() + ",\"d\":" + s.d() + ",\"data_kind\":\"" + s.dataKind()
                + "\",\"dataset\":\"" + s.dataset() + "\",\"data_seed\":" + s.dataSeed() + ",\"labels\":\"" + s.labels()
                + "\",\"kappa\":" + s.kappa() + ",\"seed\":" + s.seed() + ",\"eta\":" + s.eta() + ",\"eta_mode\":\""
                + s.etaMode().key() + "\",\"steps\":" + s.steps() + ",\"target_loss_ratio\":" + s.targetLossRatio()
                + ",\"checkpoints\":" + s.checkpoints() + ",\"spectrum_checkpoints\":" + s.spectrumCheckpoints()
                + ",\"loss\":\"" + s.loss() + "\",\"activation\":\"" + s.activation() + "\",\"batch_size\":"
                + s.batchSize() + ",\"train_layers\":\"" + s.trainLayers() + "\"}";
    }

    public static String taskId(TaskSpec spec) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonicalJson(spec).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
