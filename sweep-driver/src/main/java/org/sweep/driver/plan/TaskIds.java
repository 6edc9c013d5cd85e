package org.sweep.driver.plan;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;

import org.sweep.worker.Activation;
import org.sweep.worker.Loss;
import org.sweep.worker.TaskSpec;
import org.sweep.worker.TrainLayers;

/**
 * Canonical form and stable identifier of a task.
 *
 * <h2>Canonical JSON</h2>
 * One JSON object on one line, no spaces, keys in snake_case in this fixed order:
 * <pre>
 * width, n, d, data_kind, dataset, data_seed, labels, kappa, seed, eta, eta_mode, steps,
 * target_loss_ratio, checkpoints, spectrum_checkpoints, [loss, activation, batch_size, train_layers]
 * </pre>
 * for example
 * <pre>
 * {"width":16,"n":20,"d":10,"data_kind":"sphere","dataset":"","data_seed":0,"labels":"gaussian","kappa":1.0,"seed":0,"eta":0.5,"eta_mode":"stability","steps":1000,"target_loss_ratio":1.0E-6,"checkpoints":30,"spectrum_checkpoints":6}
 * </pre>
 * Integers are written in decimal. Doubles are written as the shortest decimal that reads back as
 * the same double (found with exact BigDecimal arithmetic, so the text does not depend on the JDK's
 * {@code Double.toString}), formatted like {@code Double.toString}: plain with at least one digit
 * after the point for 1e-3 &lt;= |x| &lt; 1e7 ({@code 0.5}, {@code 1.0}), otherwise
 * {@code d.dddE<exp>} ({@code 1.0E-6}); {@code -0.0} is written {@code 0.0}. Strings are JSON strings
 * (quote, backslash and control characters escaped; other characters as UTF-8). eta_mode is written
 * in its sweep-file spelling ({@code stability}), as are the other options ({@code key()}).
 *
 * <h2>Stability rule</h2>
 * A task_id must never change for a task that has been stored. Therefore fields added to
 * {@link TaskSpec} in the future are <em>extension fields</em>: they are appended at the end of the
 * canonical form and omitted while they have their default value, so every task that existed before
 * the field keeps its canonical JSON and its id. Already now {@code loss} ({@code square}),
 * {@code activation} ({@code relu}), {@code batch_size} (0) and {@code train_layers} ({@code first})
 * are extension fields. The order, spelling and number format above must never change.
 */
public final class TaskIds {
    private TaskIds() {
    }

    /** Defaults of the extension fields: a field equal to its default is left out of the canonical JSON. */
    static final Loss DEFAULT_LOSS = Loss.SQUARE;
    static final Activation DEFAULT_ACTIVATION = Activation.RELU;
    static final int DEFAULT_BATCH_SIZE = 0;
    static final TrainLayers DEFAULT_TRAIN_LAYERS = TrainLayers.FIRST;

    /** Number of hex characters of the SHA-256 digest kept in a task_id (64 bits). */
    static final int ID_HEX_CHARS = 16;

    /** Formatted doubles; sweeps reuse few distinct values, so this stays small (bounded anyway). */
    private static final ConcurrentHashMap<Long, String> DOUBLE_TEXT = new ConcurrentHashMap<>();
    private static final int DOUBLE_TEXT_MAX = 100_000;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    });

    /** Canonical JSON of a spec (see the class comment). Used as the config_json column. */
    public static String canonicalJson(TaskSpec spec) {
        StringBuilder sb = new StringBuilder(320);
        sb.append('{');
        field(sb, "width").append(spec.width());
        field(sb, "n").append(spec.n());
        field(sb, "d").append(spec.d());
        string(field(sb, "data_kind"), spec.dataKind().key());
        string(field(sb, "dataset"), spec.dataset());
        field(sb, "data_seed").append(spec.dataSeed());
        string(field(sb, "labels"), spec.labels());
        field(sb, "kappa").append(formatDouble(spec.kappa()));
        field(sb, "seed").append(spec.seed());
        field(sb, "eta").append(formatDouble(spec.eta()));
        string(field(sb, "eta_mode"), spec.etaMode().key());
        field(sb, "steps").append(spec.steps());
        field(sb, "target_loss_ratio").append(formatDouble(spec.targetLossRatio()));
        field(sb, "checkpoints").append(spec.checkpoints());
        field(sb, "spectrum_checkpoints").append(spec.spectrumCheckpoints());
        // Extension fields: only when not at their default (see the stability rule).
        if (spec.loss() != DEFAULT_LOSS) {
            string(field(sb, "loss"), spec.loss().key());
        }
        if (spec.activation() != DEFAULT_ACTIVATION) {
            string(field(sb, "activation"), spec.activation().key());
        }
        if (spec.batchSize() != DEFAULT_BATCH_SIZE) {
            field(sb, "batch_size").append(spec.batchSize());
        }
        if (spec.trainLayers() != DEFAULT_TRAIN_LAYERS) {
            string(field(sb, "train_layers"), spec.trainLayers().key());
        }
        return sb.append('}').toString();
    }

    /** Stable id: the first {@value #ID_HEX_CHARS} hex characters of SHA-256 of {@link #canonicalJson}. */
    public static String taskId(TaskSpec spec) {
        return idOf(canonicalJson(spec));
    }

    /** The id of a canonical JSON text. */
    static String idOf(String canonicalJson) {
        MessageDigest sha = SHA256.get();
        byte[] digest = sha.digest(canonicalJson.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder(ID_HEX_CHARS);
        for (int i = 0; i < ID_HEX_CHARS / 2; i++) {
            hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16)).append(Character.forDigit(digest[i] & 0xF, 16));
        }
        return hex.toString();
    }

    private static StringBuilder field(StringBuilder sb, String name) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        return sb.append('"').append(name).append("\":");
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * The shortest decimal that reads back as {@code x}, formatted like {@code Double.toString}
     * ({@code 0.5}, {@code 1.0}, {@code 1.0E-6}, {@code 1.5E7}); {@code -0.0} gives {@code 0.0}.
     * Non-finite values give {@code NaN}/{@code Infinity} (never in a valid spec).
     */
    public static String formatDouble(double x) {
        if (!Double.isFinite(x)) {
            return Double.toString(x);
        }
        if (x == 0) {
            return "0.0";
        }
        long bits = Double.doubleToLongBits(x);
        String cached = DOUBLE_TEXT.get(bits);
        if (cached != null) {
            return cached;
        }
        String text = shortest(x);
        if (DOUBLE_TEXT.size() < DOUBLE_TEXT_MAX) {
            DOUBLE_TEXT.put(bits, text);
        }
        return text;
    }

    private static String shortest(double x) {
        BigDecimal exact = new BigDecimal(x);
        BigDecimal r = exact;
        for (int p = 1; p <= 17; p++) {
            BigDecimal candidate = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == x) {
                r = candidate;
                break;
            }
        }
        r = r.stripTrailingZeros();
        String sign = r.signum() < 0 ? "-" : "";
        String digits = r.unscaledValue().abs().toString();
        int exp10 = digits.length() - r.scale() - 1; // value = d.ddd x 10^exp10
        double ax = Math.abs(x);
        if (ax >= 1e-3 && ax < 1e7) {
            String plain = r.abs().toPlainString();
            return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
        }
        String mantissa = digits.charAt(0) + "." + (digits.length() > 1 ? digits.substring(1) : "0");
        return sign + mantissa + "E" + exp10;
    }
}
