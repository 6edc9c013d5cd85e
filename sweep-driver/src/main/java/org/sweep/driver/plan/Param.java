package org.sweep.driver.plan;

import java.util.Arrays;
import java.util.List;

import org.sweep.worker.Activation;
import org.sweep.worker.EtaMode;
import org.sweep.worker.Keyed;
import org.sweep.worker.Loss;
import org.sweep.worker.TaskSpec;
import org.sweep.worker.TrainLayers;

/**
 * The task parameters a sweep file sets, in the canonical order of grid expansion (first = slowest).
 *
 * <p>Each parameter has a grid name (its key under {@code grid}, also its column name) and a home
 * section with a key there. They are the same except for the two seeds:
 * <pre>
 *   grid key              home                    grid key              home
 *   width                 network.width           eta_mode              train.eta_mode
 *   n                     data.n                  steps                 train.steps
 *   d                     data.d                  target_loss_ratio     train.target_loss_ratio
 *   data_seed             data.seed               checkpoints           train.checkpoints
 *   labels                data.labels             spectrum_checkpoints  train.spectrum_checkpoints
 *   kappa                 network.kappa           loss                  train.loss
 *   seed                  train.seed              activation            network.activation
 *   eta                   train.eta               batch_size            train.batch_size
 *                                                 train_layers          network.train_layers
 * </pre>
 */
enum Param {
    WIDTH("width", Section.NETWORK, "width", Type.INT, null),
    N("n", Section.DATA, "n", Type.INT, null),
    D("d", Section.DATA, "d", Type.INT, null),
    DATA_SEED("data_seed", Section.DATA, "seed", Type.LONG, 0L),
    LABELS("labels", Section.DATA, "labels", Type.WORD, null), // default and allowed values from the data kind
    KAPPA("kappa", Section.NETWORK, "kappa", Type.DOUBLE, 1.0),
    SEED("seed", Section.TRAIN, "seed", Type.LONG, 0L),
    ETA("eta", Section.TRAIN, "eta", Type.DOUBLE, 0.5),
    ETA_MODE("eta_mode", Section.TRAIN, "eta_mode", EtaMode.STABILITY, EtaMode.values()),
    STEPS("steps", Section.TRAIN, "steps", Type.INT, 1000L),
    TARGET_LOSS_RATIO("target_loss_ratio", Section.TRAIN, "target_loss_ratio", Type.DOUBLE, 1e-6),
    CHECKPOINTS("checkpoints", Section.TRAIN, "checkpoints", Type.INT, 30L),
    SPECTRUM_CHECKPOINTS("spectrum_checkpoints", Section.TRAIN, "spectrum_checkpoints", Type.INT, 6L),
    LOSS("loss", Section.TRAIN, "loss", TaskIds.DEFAULT_LOSS, Loss.values()),
    ACTIVATION("activation", Section.NETWORK, "activation", TaskIds.DEFAULT_ACTIVATION, Activation.values()),
    BATCH_SIZE("batch_size", Section.TRAIN, "batch_size", Type.INT, (long) TaskIds.DEFAULT_BATCH_SIZE),
    TRAIN_LAYERS("train_layers", Section.NETWORK, "train_layers", TaskIds.DEFAULT_TRAIN_LAYERS, TrainLayers.values());

    /** Sections of a sweep file that hold task parameters. */
    enum Section {
        DATA("data"), NETWORK("network"), TRAIN("train");

        final String key;

        Section(String key) {
            this.key = key;
        }
    }

    /** Value types: INT fits a Java int, LONG a long (seeds); both are held as Long. */
    enum Type {
        INT, LONG, DOUBLE, WORD
    }

    final String gridKey;
    final Section section;
    final String sectionKey;
    final Type type;
    /** Default value (Long, Double or String), or null when required or supplied by the data kind. */
    final Object defaultValue;
    /** Accepted words for WORD parameters with a fixed set (the keys of the option's enum); empty otherwise. */
    final List<String> allowed;

    Param(String gridKey, Section section, String sectionKey, Type type, Object defaultValue) {
        this.gridKey = gridKey;
        this.section = section;
        this.sectionKey = sectionKey;
        this.type = type;
        this.defaultValue = defaultValue;
        this.allowed = List.of();
    }

    /** A WORD parameter whose values are the keys of an option enum, in declaration order. */
    Param(String gridKey, Section section, String sectionKey, Keyed defaultValue, Keyed[] choices) {
        this.gridKey = gridKey;
        this.section = section;
        this.sectionKey = sectionKey;
        this.type = Type.WORD;
        this.defaultValue = defaultValue.key();
        this.allowed = Arrays.stream(choices).map(Keyed::key).toList();
    }

    /** Dotted path of the home key, e.g. {@code data.seed}. */
    String homePath() {
        return section.key + "." + sectionKey;
    }

    /** Dotted path of the grid key, e.g. {@code grid.data_seed}. */
    String gridPath() {
        return "grid." + gridKey;
    }

    boolean numeric() {
        return type != Type.WORD;
    }

    boolean integral() {
        return type == Type.INT || type == Type.LONG;
    }

    /** This parameter's value in a spec. */
    Object of(TaskSpec s) {
        return switch (this) {
            case WIDTH -> s.width();
            case N -> s.n();
            case D -> s.d();
            case DATA_SEED -> s.dataSeed();
            case LABELS -> s.labels();
            case KAPPA -> s.kappa();
            case SEED -> s.seed();
            case ETA -> s.eta();
            case ETA_MODE -> s.etaMode();
            case STEPS -> s.steps();
            case TARGET_LOSS_RATIO -> s.targetLossRatio();
            case CHECKPOINTS -> s.checkpoints();
            case SPECTRUM_CHECKPOINTS -> s.spectrumCheckpoints();
            case LOSS -> s.loss();
            case ACTIVATION -> s.activation();
            case BATCH_SIZE -> s.batchSize();
            case TRAIN_LAYERS -> s.trainLayers();
        };
    }

    static Param byGridKey(String key) {
        for (Param p : values()) {
            if (p.gridKey.equals(key)) {
                return p;
            }
        }
        return null;
    }

    static Param byHome(Section section, String key) {
        for (Param p : values()) {
            if (p.section == section && p.sectionKey.equals(key)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Checks a typed value against this parameter's own bounds (relations between parameters,
     * such as batch_size &lt;= n, are checked per task). Returns the problem, or null when fine.
     */
    String check(Object value) {
        switch (type) {
            case INT -> {
                long v = (Long) value;
                if (v > Integer.MAX_VALUE) {
                    return "must be at most " + Integer.MAX_VALUE + ", got " + v;
                }
                long min = switch (this) {
                    case N, CHECKPOINTS -> 2;
                    case WIDTH, D, STEPS -> 1;
                    default -> 0;
                };
                if (v < min) {
                    String why = switch (this) {
                        case CHECKPOINTS -> " (step 0 and the last step)";
                        case BATCH_SIZE -> " (0 means full batch)";
                        default -> "";
                    };
                    return "must be >= " + min + why + ", got " + v;
                }
                return null;
            }
            case DOUBLE -> {
                double v = (Double) value;
                if (this == TARGET_LOSS_RATIO) {
                    return v >= 0 && v < 1 ? null
                            : "must be in [0, 1) (0 disables early stopping), got " + TaskIds.formatDouble(v);
                }
                return v > 0 ? null : "must be > 0, got " + TaskIds.formatDouble(v);
            }
            case WORD -> {
                if (allowed.isEmpty() || allowed.contains((String) value)) {
                    return null;
                }
                return Names.unknownValue(gridKey, (String) value, allowed);
            }
            default -> {
                return null;
            }
        }
    }
}
