package org.sweep.driver.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sweep.driver.plan.TaskIds;
import org.sweep.driver.run.TaskFunction;
import org.sweep.driver.store.Provenance;
import org.sweep.driver.store.ResultStore;
import org.sweep.driver.store.TaskOutcome;
import org.sweep.driver.store.Tables;
import org.sweep.worker.EtaMode;
import org.sweep.worker.TaskResult;
import org.sweep.worker.TaskSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code sweep rerun TASK_ID}: runs one stored task again in this process from its config_json with
 * the worker, and compares the new runs row with the stored one column by column, bit for bit
 * (doubles by their bits). When they differ it says why they may: another BLAS/LAPACK, Java, CPU
 * architecture or code version. Exit code 0 when bit-identical, 1 when not.
 */
@Command(name = "rerun", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Run one stored task again (in this process, from its config_json) and say whether",
                "its results are bit-identical to the stored row, column by column, and why not."})
final class RerunCommand implements Callable<Integer> {
    /** Columns that record when, where and how fast a task ran, not what it computed. */
    static final Set<String> NOT_COMPARED = Set.of("seconds_train", "seconds_spectra", "seconds_total", "gflops",
            "executor", "attempt", "code_version", "java_version", "os_arch", "blas", "lapack", "created_at");

    private final Main.Io io;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "TASK_ID", description = "a task_id, or a unique prefix of one (at least 4 characters)")
    String taskId;

    RerunCommand(Main.Io io) {
        this.io = io;
    }

    /** A differing column: its name, the stored and the recomputed value. */
    record Difference(String column, Object stored, Object now) {
    }

    @Override
    public Integer call() throws Exception {
        ResultStore store = Main.existingStore(common, io.err());
        SparkSession spark = Main.session(Main.forQueries(common), "sweep rerun");
        Row stored = ShowCommand.find(spark, store, taskId);
        String config = stored.getAs("config_json");
        TaskSpec spec = spec(config);
        PrintStream out = io.out();
        out.println("rerunning task " + stored.getAs("task_id") + " of sweep " + stored.getAs("sweep") + ": " + config);
        out.flush();
        TaskResult result = TaskFunction.WORKER.apply(spec);
        TaskOutcome o = new TaskOutcome(TaskIds.taskId(spec), config, result, 0.0, "driver", 0,
                System.currentTimeMillis(), Provenance.javaVersion(), Provenance.osArch());
        Row now = Tables.runsRow(o, Provenance.codeVersion());
        List<Difference> diffs = compare(stored, now, Tables.fileSchema(Tables.RUNS));
        int compared = Tables.fileSchema(Tables.RUNS).fieldNames().length - NOT_COMPARED.size();
        if (diffs.isEmpty()) {
            out.println("bit-identical: all " + compared + " compared columns equal the stored row"
                    + " (timings and provenance not compared)");
            return Main.OK;
        }
        out.println("NOT bit-identical: " + diffs.size() + " of " + compared + " compared columns differ:");
        for (Difference d : diffs) {
            out.println("  " + d.column() + ": stored " + Values.csv(d.stored()) + ", now " + Values.csv(d.now()));
        }
        List<String> why = reasons(stored, now);
        out.println(why.isEmpty() ? "same BLAS, LAPACK, Java, architecture and code version as the stored row:"
                + " the difference is not explained by the environment"
                : "why: " + String.join("; ", why));
        return Main.FAILED;
    }

    /** The columns (by the file schema's names) whose values differ; doubles compared by their bits. */
    static List<Difference> compare(Row stored, Row now, StructType fileSchema) {
        List<Difference> diffs = new ArrayList<>();
        String[] names = fileSchema.fieldNames();
        for (int i = 0; i < names.length; i++) {
            if (NOT_COMPARED.contains(names[i])) {
                continue;
            }
            Object a = stored.getAs(names[i]);
            Object b = now.get(i);
            boolean same = a instanceof Double x && b instanceof Double y
                    ? Double.doubleToLongBits(x) == Double.doubleToLongBits(y)
                    : Objects.equals(a, b);
            if (!same) {
                diffs.add(new Difference(names[i], a, b));
            }
        }
        return diffs;
    }

    /** Differences of environment between the stored row and this process that change the last bits. */
    static List<String> reasons(Row stored, Row now) {
        List<String> why = new ArrayList<>();
        Map<String, String> label = new LinkedHashMap<>();
        label.put("blas", "BLAS");
        label.put("lapack", "LAPACK");
        label.put("java_version", "Java");
        label.put("os_arch", "architecture");
        label.put("code_version", "code version");
        String[] names = Tables.fileSchema(Tables.RUNS).fieldNames();
        for (Map.Entry<String, String> e : label.entrySet()) {
            Object a = stored.getAs(e.getKey());
            Object b = now.get(java.util.Arrays.asList(names).indexOf(e.getKey()));
            if (!Objects.equals(a, b)) {
                why.add(e.getValue() + " differs (stored " + a + ", now " + b + ")");
            }
        }
        return why;
    }

    /** The task spec of a canonical config_json (see {@link TaskIds}); checked to write back identically. */
    static TaskSpec spec(String configJson) throws Main.UsageException {
        Map<String, String> f = flatJson(configJson);
        try {
            TaskSpec spec = new TaskSpec(
                    Integer.parseInt(f.get("width")), Integer.parseInt(f.get("n")), Integer.parseInt(f.get("d")),
                    org.sweep.worker.DataKind.parse(f.get("data_kind")), f.get("dataset"), Long.parseLong(f.get("data_seed")), f.get("labels"),
                    Double.parseDouble(f.get("kappa")), Long.parseLong(f.get("seed")), Double.parseDouble(f.get("eta")),
                    EtaMode.parse(f.get("eta_mode")), Integer.parseInt(f.get("steps")),
                    Double.parseDouble(f.get("target_loss_ratio")), Integer.parseInt(f.get("checkpoints")),
                    Integer.parseInt(f.get("spectrum_checkpoints")),
                    org.sweep.worker.Loss.parse(f.getOrDefault("loss", "square")),
                    org.sweep.worker.Activation.parse(f.getOrDefault("activation", "relu")),
                    Integer.parseInt(f.getOrDefault("batch_size", "0")),
                    org.sweep.worker.TrainLayers.parse(f.getOrDefault("train_layers", "first")));
            if (!TaskIds.canonicalJson(spec).equals(configJson)) {
                throw new Main.UsageException("config_json " + configJson + " has fields this version does not know"
                        + " (it reads back as " + TaskIds.canonicalJson(spec) + ")");
            }
            return spec;
        } catch (RuntimeException e) {
            throw new Main.UsageException("cannot read config_json " + configJson + ": " + e.getMessage());
        }
    }

    /** A flat JSON object of numbers and strings (the canonical form) as key to text. */
    static Map<String, String> flatJson(String json) throws Main.UsageException {
        Map<String, String> m = new LinkedHashMap<>();
        String s = json.strip();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new Main.UsageException("config_json is not a JSON object: " + json);
        }
        int i = 1;
        while (i < s.length() - 1) {
            int[] end = new int[1];
            String key = readString(s, i, end);
            i = end[0];
            if (s.charAt(i) != ':') {
                throw new Main.UsageException("config_json: ':' expected at " + i + ": " + json);
            }
            i++;
            String value;
            if (s.charAt(i) == '"') {
                value = readString(s, i, end);
                i = end[0];
            } else {
                int j = i;
                while (j < s.length() - 1 && s.charAt(j) != ',') {
                    j++;
                }
                value = s.substring(i, j);
                i = j;
            }
            m.put(key, value);
            if (s.charAt(i) == ',') {
                i++;
            }
        }
        return m;
    }

    private static String readString(String s, int start, int[] end) throws Main.UsageException {
        if (s.charAt(start) != '"') {
            throw new Main.UsageException("config_json: string expected at " + start + ": " + s);
        }
        StringBuilder b = new StringBuilder();
        int i = start + 1;
        while (s.charAt(i) != '"') {
            char c = s.charAt(i);
            if (c == '\\') {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
            i++;
        }
        end[0] = i + 1;
        return b.toString();
    }
}
