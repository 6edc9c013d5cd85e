package org.sweep.driver.store;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sweep.worker.Checkpoint;
import org.sweep.worker.Cost;
import org.sweep.worker.Spectrum;
import org.sweep.worker.Summary;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;

/**
 * The four result tables: explicit schemas (never inferred) and the conversion of a
 * {@link TaskOutcome} into rows. Every table is partitioned by {@code sweep}; the partition column
 * is part of the schemas below but is stored in the directory name ({@code sweep=<name>}), not in
 * the Parquet files. Columns are documented in the README; new columns may only be appended
 * (nullable) so that old files still read with these schemas.
 */
public final class Tables {
    private Tables() {
    }

    public static final String RUNS = "runs";
    public static final String TRAJECTORIES = "trajectories";
    public static final String SPECTRA = "spectra";
    public static final String SWEEPS = "sweeps";
    /** The tables a wave writes (one pass over the wave's results each). */
    public static final List<String> WAVE_TABLES = List.of(RUNS, TRAJECTORIES, SPECTRA);
    public static final List<String> ALL = List.of(RUNS, TRAJECTORIES, SPECTRA, SWEEPS);

    /** The partition column of every table. */
    public static final String PARTITION = "sweep";

    private static StructField f(String name, DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }

    private static StructField req(String name, DataType type) {
        return f(name, type, false);
    }

    private static StructField opt(String name, DataType type) {
        return f(name, type, true);
    }

    private static final DataType I = DataTypes.IntegerType;
    private static final DataType L = DataTypes.LongType;
    private static final DataType D = DataTypes.DoubleType;
    private static final DataType S = DataTypes.StringType;
    private static final DataType B = DataTypes.BooleanType;
    private static final DataType T = DataTypes.TimestampType;
    private static final DataType DOUBLES = DataTypes.createArrayType(DataTypes.DoubleType, false);

    /** One row per task. Column order: identity, task spec, step size, summary, outcome, cost, provenance. */
    public static final StructType RUNS_SCHEMA = DataTypes.createStructType(new StructField[] {
        req("sweep", S), req("task_id", S),
        // task spec (TaskSpec fields in snake_case; eta is replaced by the step size used)
        req("width", I), req("n", I), req("d", I), req("data_kind", S), req("dataset", S), req("data_seed", L),
        req("labels", S), req("kappa", D), req("seed", L),
        opt("eta", D), opt("eta_factor", D), req("eta_mode", S),
        req("steps", I), req("target_loss_ratio", D), req("checkpoints", I), req("spectrum_checkpoints", I),
        req("loss", S), req("activation", S), req("batch_size", I), req("train_layers", S),
        // summary statistics (Summary fields in snake_case; null = not measured)
        opt("lambda0", D), opt("lambda_max_inf", D), opt("max_cos", D), opt("y_hinv_y", D),
        opt("loss0", D), opt("lambda_min_h0", D), opt("h0_dev", D),
        opt("loss_final", D), opt("steps_run", I), opt("steps_to_target", I),
        opt("rate_theory", D), opt("rate_kernel", D), opt("rate_empirical", D), opt("rate_tail", D),
        opt("bound_holds", B), opt("lambda_min_h_min", D), opt("lambda_min_h_final", D), opt("h_drift_max", D),
        opt("max_dist_final", D), opt("radius_bound", D), opt("pattern_change_final", D), opt("pl_min", D),
        opt("kernel_dev", D), opt("m_du", D), opt("eta_theory", D), opt("eta_stable", D),
        // outcome and cost
        req("status", S), opt("message", S),
        req("seconds_train", D), req("seconds_spectra", D), req("seconds_total", D), req("gflops", D),
        req("executor", S), req("attempt", I),
        // provenance
        req("code_version", S), req("java_version", S), req("os_arch", S), opt("blas", S), opt("lapack", S),
        req("created_at", T), req("config_json", S),
        // appended later (nullable, so older files still read): logistic-loss summary, how H_inf was computed
        opt("train_error_final", D), opt("margin_final", D), opt("proxy_g_final", D), opt("grad_ratio_final", D),
        opt("h_inf_method", S),
        // appended later (nullable): content fingerprint of file data; null for generated data and for
        // rows stored before fingerprints existed
        opt("data_fingerprint", S),
    });

    /** One row per (task, checkpoint). */
    public static final StructType TRAJECTORIES_SCHEMA = DataTypes.createStructType(new StructField[] {
        req("sweep", S), req("task_id", S), req("step", I),
        req("loss", D), opt("loss_pred", D), req("grad_norm_sq", D), req("pl_ratio", D), req("max_dist", D),
        req("pattern_change", D), opt("lambda_min_h", D), opt("h_drift", D),
        // appended later (nullable): logistic-loss statistics; loss_pred is null for the logistic loss
        opt("train_error", D), opt("margin", D), opt("proxy_g", D), opt("grad_ratio", D),
    });

    /** One row per (task, matrix): full ascending spectra of h_inf, h_0, h_final. */
    public static final StructType SPECTRA_SCHEMA = DataTypes.createStructType(new StructField[] {
        req("sweep", S), req("task_id", S), req("matrix", S), req("step", I),
        req("eigenvalues", DOUBLES), opt("label_proj", DOUBLES),
    });

    /** One row per run of a sweep file; finished_at is null while running or when the run was killed. */
    public static final StructType SWEEPS_SCHEMA = DataTypes.createStructType(new StructField[] {
        req("sweep", S), req("config", S), req("tasks", I), req("started_at", T), opt("finished_at", T),
        req("code_version", S), req("master", S),
    });

    public static StructType schema(String table) {
        return switch (table) {
            case RUNS -> RUNS_SCHEMA;
            case TRAJECTORIES -> TRAJECTORIES_SCHEMA;
            case SPECTRA -> SPECTRA_SCHEMA;
            case SWEEPS -> SWEEPS_SCHEMA;
            default -> throw new IllegalArgumentException("unknown table " + table);
        };
    }

    /** The schema of the Parquet files: the table schema without the partition column. */
    public static StructType fileSchema(String table) {
        StructType s = schema(table);
        List<StructField> fields = new ArrayList<>();
        for (StructField field : s.fields()) {
            if (!field.name().equals(PARTITION)) {
                fields.add(field);
            }
        }
        return DataTypes.createStructType(fields);
    }

    /**
     * The {@code runs} row of a task, without the partition column (matches {@link #fileSchema}).
     *
     * @param codeVersion git commit of the code that ran
     */
    public static Row runsRow(TaskOutcome o, String codeVersion) {
        TaskResult r = o.result();
        TaskSpec s = r.spec();
        Summary m = r.summary();
        Cost c = r.cost();
        double busy = c.secondsTrain() + c.secondsSpectra();
        double gflops = busy > 0 ? c.flops() / busy / 1e9 : 0.0;
        return RowFactory.create(
                o.taskId(),
                s.width(), s.n(), s.d(), s.dataKind().key(), s.dataset(), s.dataSeed(),
                s.labels(), s.kappa(), s.seed(),
                r.etaValue(), r.etaFactor(), s.etaMode().key(),
                s.steps(), s.targetLossRatio(), s.checkpoints(), s.spectrumCheckpoints(),
                s.loss().key(), s.activation().key(), s.batchSize(), s.trainLayers().key(),
                m.lambda0(), m.lambdaMaxInf(), m.maxCos(), m.yHinvY(),
                m.loss0(), m.lambdaMinH0(), m.h0Dev(),
                m.lossFinal(), m.stepsRun(), m.stepsToTarget(),
                m.rateTheory(), m.rateKernel(), m.rateEmpirical(), m.rateTail(),
                m.boundHolds(), m.lambdaMinHMin(), m.lambdaMinHFinal(), m.hDriftMax(),
                m.maxDistFinal(), m.radiusBound(), m.patternChangeFinal(), m.plMin(),
                m.kernelDev(), m.mDu(), m.etaTheory(), m.etaStable(),
                r.status().key(), r.message(),
                c.secondsTrain(), c.secondsSpectra(), o.secondsTotal(), gflops,
                o.executor(), o.attempt(),
                codeVersion, o.javaVersion(), o.osArch(), c.blas(), c.lapack(),
                new Timestamp(o.createdAtMillis()), o.configJson(),
                m.trainErrorFinal(), m.marginFinal(), m.proxyGFinal(), m.gradRatioFinal(), m.hInfMethod(),
                dataFingerprint(s.dataset()));
    }

    /**
     * The {@code sha256} parameter of a dataset identifier ({@code kind?key=value&...&sha256=<hex>},
     * written by {@code DataSource.id()}), or null when it has none (generated data, older identifiers).
     */
    static String dataFingerprint(String dataset) {
        int q = dataset.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String part : dataset.substring(q + 1).split("&")) {
            if (part.startsWith("sha256=")) {
                return part.substring("sha256=".length());
            }
        }
        return null;
    }

    /** The {@code trajectories} rows of a task, without the partition column. */
    public static List<Row> trajectoryRows(TaskOutcome o) {
        List<Row> rows = new ArrayList<>(o.result().trajectory().size());
        for (Checkpoint k : o.result().trajectory()) {
            rows.add(RowFactory.create(o.taskId(), k.step(), k.loss(), k.lossPred(), k.gradNormSq(), k.plRatio(),
                    k.maxDist(), k.patternChange(), k.lambdaMinH(), k.hDrift(),
                    k.trainError(), k.margin(), k.proxyG(), k.gradRatio()));
        }
        return rows;
    }

    /** The {@code spectra} rows of a task, without the partition column. */
    public static List<Row> spectraRows(TaskOutcome o) {
        List<Row> rows = new ArrayList<>(o.result().spectra().size());
        for (Spectrum sp : o.result().spectra()) {
            rows.add(RowFactory.create(o.taskId(), sp.matrix(), sp.step(), sp.eigenvalues(), sp.labelProj()));
        }
        return rows;
    }

    /** The {@code sweeps} row of one run of a sweep file, without the partition column. */
    public static Row sweepsRow(String config, int tasks, long startedAtMillis, Long finishedAtMillis,
                                String codeVersion, String master) {
        return RowFactory.create(config, tasks, new Timestamp(startedAtMillis),
                finishedAtMillis == null ? null : new Timestamp(finishedAtMillis), codeVersion, master);
    }
}
