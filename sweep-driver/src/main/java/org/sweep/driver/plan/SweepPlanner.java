package org.sweep.driver.plan;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.sweep.driver.plan.DataKinds.Kind;
import org.sweep.driver.plan.Values.Value;
import org.sweep.driver.plan.Yaml.Entry;
import org.sweep.driver.plan.Yaml.YMap;
import org.sweep.driver.plan.Yaml.YNode;
import org.sweep.driver.plan.Yaml.YScalar;
import org.sweep.driver.plan.Yaml.YSeq;
import org.sweep.worker.Activation;
import org.sweep.worker.EtaMode;
import org.sweep.worker.Loss;
import org.sweep.worker.SweepWorker;
import org.sweep.worker.TaskSpec;
import org.sweep.worker.TrainLayers;

/**
 * Turns a sweep file into a validated list of tasks: parse, apply {@code --set} overrides, validate,
 * expand. A pure function of its inputs (plus the worker's cost estimates): nothing is run or written.
 *
 * <h2>Sweep file</h2>
 * <pre>
 * # Quick look at width vs convergence on small sphere data. About 1 minute on 2 cores.
 * name: quickstart              # required; [A-Za-z0-9_.-]+ (a Parquet partition value)
 * description: free text        # optional
 * grid:                         # the Cartesian product of every axis below
 *   width: {from: 16, to: 1024, factor: 4}    # 16, 64, 256, 1024
 *   n: [20, 40]
 *   seed: {from: 0, count: 4}
 *   eta: [0.5]
 * data: {kind: sphere, d: 10, seed: 0, labels: gaussian}
 * network: {kappa: 1.0}
 * train: {steps: 1000, eta_mode: stability, checkpoints: 30, spectrum_checkpoints: 6, target_loss_ratio: 1.0e-6}
 * </pre>
 * Every task parameter has a home key in a section and may be given either there as a single value
 * or under {@code grid} as a list or range (see {@link Axes}), never both. Home keys and grid keys
 * are the same except for the seeds: {@code data.seed} is {@code grid.data_seed} and
 * {@code train.seed} is {@code grid.seed} (the full table is in {@link Param}):
 * <ul>
 *   <li>data: kind (sphere, or a file: idx, csv, parquet, see {@link FileKinds}; default sphere), n, d,
 *       seed (data seed, default 0), labels (gaussian, sign,
 *       random-sign; default gaussian)</li>
 *   <li>network: width, kappa (default 1), activation (relu, softplus, tanh, gelu, leaky_relu; default
 *       relu), train_layers (first, both; default first)</li>
 *   <li>train: eta (default 0.5), eta_mode (absolute, stability, theory; default stability), seed
 *       (initialisation seed, default 0), steps (default 1000), target_loss_ratio (default 1e-6),
 *       checkpoints (default 30), spectrum_checkpoints (default 6), loss (square, logistic; default
 *       square), batch_size (0 = full batch, default 0)</li>
 * </ul>
 * width, n and d have no default. How numbers are read (1000 and 1.0e3 are the same integer) is in
 * {@link Values}. A missing {@code grid} means a single task; an empty one is an error.
 *
 * <h2>Expansion order</h2>
 * Tasks are the Cartesian product of all axes (a single value is an axis of length 1), in the fixed
 * canonical axis order of {@link Param}: width, n, d, data_seed, labels, kappa, seed, eta, eta_mode,
 * steps, target_loss_ratio, checkpoints, spectrum_checkpoints, loss, activation, batch_size,
 * train_layers; the first axis varies slowest and the last fastest, and each axis keeps its values in
 * the order written (ranges in increasing order of their index). The order therefore does not depend
 * on the order of keys in the file. For the example above: 4 widths x 2 n x 4 seeds x 1 eta = 32 tasks,
 * (width 16, n 20, seed 0), (16, 20, 1), (16, 20, 2), (16, 20, 3), (16, 40, 0), ..., (1024, 40, 3).
 *
 * <h2>Overrides</h2>
 * {@code --set key=value}: key is a dotted path ({@code train.steps}, {@code grid.width},
 * {@code data.d}, {@code name}, even {@code grid.width.to}); value is YAML flow text
 * ({@code 200}, {@code [16,64]}, {@code {from: 16, count: 3}}) and replaces the entry (creating
 * sections as needed). An empty value removes the entry ({@code --set grid.width=}), which is how a
 * grid axis is replaced by a section value: {@code --set grid.width= --set network.width=64}.
 * Overrides apply in order, before validation; errors in them name the override.
 *
 * <h2>Validation</h2>
 * Everything is checked before any task runs, and one problem is thrown as a {@link ConfigException}
 * naming file, line and key (structure first, then parameter values, earliest line first, then the
 * relations inside each task in expansion order, then memory): malformed YAML, an empty file or one that is
 * not a mapping, duplicate and unknown keys (with a did-you-mean), wrong types, NaN/infinity,
 * out-of-range values, unknown words (data kind, labels, eta_mode, loss, activation, train_layers),
 * a parameter both in its section and under grid, empty lists or grids, ranges that never reach
 * their end, spectrum_checkpoints &gt; checkpoints, batch_size &gt; n, more than {@value #MAX_TASKS}
 * tasks, and tasks whose estimated memory exceeds the executor memory.
 */
public final class SweepPlanner {
    private SweepPlanner() {
    }

    /** Largest number of tasks one sweep may expand to. */
    public static final long MAX_TASKS = 10_000_000L;

    private static final List<String> TOP_KEYS = List.of("name", "description", "grid", "data", "network", "train");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final int NAME_MAX_LENGTH = 128;
    private static final Pattern KEY_PATH = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    /**
     * Reads, overrides, validates and expands a sweep file.
     *
     * @param file                the sweep file (YAML, UTF-8)
     * @param setOverrides        {@code key=value} overrides, applied in order
     * @param executorMemoryBytes memory one task may use; tasks estimated above it are errors
     *                            ({@code <= 0} or {@link Long#MAX_VALUE} disables the check)
     */
    public static SweepPlan plan(Path file, List<String> setOverrides, long executorMemoryBytes)
            throws ConfigException {
        String location = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(location, 0, "", "file not found");
        } catch (CharacterCodingException e) {
            throw new ConfigException(location, 0, "", "not a text file (not valid UTF-8)");
        } catch (AccessDeniedException e) {
            throw new ConfigException(location, 0, "", "permission denied");
        } catch (IOException e) {
            throw new ConfigException(location, 0, "", Files.isDirectory(file)
                    ? "is a directory, not a sweep file" : "cannot read: " + e.getMessage());
        }
        return plan(location, file, text, setOverrides, executorMemoryBytes, DataKinds.KINDS);
    }

    /**
     * Same as {@link #plan(Path, List, long)} for a text already read; {@code fileName} is used in
     * messages and as the plan's source.
     */
    public static SweepPlan plan(String fileName, String yamlText, List<String> setOverrides,
                                 long executorMemoryBytes) throws ConfigException {
        Path source;
        try {
            source = Path.of(fileName);
        } catch (InvalidPathException e) {
            source = null;
        }
        return plan(fileName, source, yamlText, setOverrides, executorMemoryBytes, DataKinds.KINDS);
    }

    /** As {@link #plan(String, String, List, long)} with a given set of data kinds (for tests of new kinds). */
    static SweepPlan plan(String fileName, String yamlText, List<String> setOverrides, long executorMemoryBytes,
                          Map<String, Kind> kinds) throws ConfigException {
        return plan(fileName, Path.of(fileName), yamlText, setOverrides, executorMemoryBytes, kinds);
    }

    private static SweepPlan plan(String location, Path source, String text, List<String> setOverrides,
                                  long executorMemoryBytes, Map<String, Kind> kinds) throws ConfigException {
        List<String> overrides = setOverrides == null ? List.of() : setOverrides;
        Optional<YNode> parsed = Yaml.parse(location, text, false);
        if (parsed.isEmpty() || parsed.get() instanceof YScalar s && s.isNull()) {
            throw new ConfigException(location, 0, "", "the file is empty; a sweep needs at least a name "
                    + "and the sizes width, n and d");
        }
        if (!(parsed.get() instanceof YMap fileRoot)) {
            throw new ConfigException(parsed.get().origin(), "", "expected a mapping of sections ("
                    + String.join(", ", TOP_KEYS) + "), got " + parsed.get().describe());
        }
        YMap root = Yaml.copy(fileRoot);
        for (String o : overrides) {
            applyOverride(root, o);
        }
        return new Builder(location, root, kinds).build(source, text, overrides, executorMemoryBytes);
    }

    /** Applies one {@code key=value} override to the tree (see the class comment). */
    static void applyOverride(YMap root, String override) throws ConfigException {
        String loc = "--set " + override;
        Origin o = new Origin(loc, 0);
        int eq = override.indexOf('=');
        if (eq < 0) {
            throw new ConfigException(loc, 0, "", "expected key=value, e.g. --set train.steps=200");
        }
        String key = override.substring(0, eq).trim();
        if (!KEY_PATH.matcher(key).matches()) {
            throw new ConfigException(loc, 0, key, "not a key; expected a dotted path such as train.steps or grid.width");
        }
        Optional<YNode> value;
        try {
            value = Yaml.parse(loc, override.substring(eq + 1), true);
        } catch (ConfigException e) {
            throw new ConfigException(loc, 0, key, e.problem());
        }
        boolean remove = value.isEmpty() || value.get() instanceof YScalar s && s.isNull();
        String[] parts = key.split("\\.");
        YMap cur = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Entry e = cur.get(parts[i]);
            String path = String.join(".", Arrays.copyOf(parts, i + 1));
            if (e == null || e.value() instanceof YScalar s && s.isNull()) {
                if (remove) {
                    throw new ConfigException(loc, 0, key, "nothing to remove: the sweep has no " + key);
                }
                YMap m = new YMap(new LinkedHashMap<>(), o);
                cur.entries().put(parts[i], new Entry(parts[i], e == null ? o : e.keyOrigin(), m));
                cur = m;
            } else if (e.value() instanceof YMap m) {
                cur = m;
            } else {
                throw new ConfigException(loc, 0, key, path + " is " + e.value().describe()
                        + ", not a mapping, so " + key + " cannot be set");
            }
        }
        String last = parts[parts.length - 1];
        if (remove) {
            if (cur.entries().remove(last) == null) {
                throw new ConfigException(loc, 0, key, "nothing to remove: the sweep has no " + key);
            }
            if (parts.length == 2 && parts[0].equals("grid") && cur.entries().isEmpty()) {
                root.entries().remove("grid"); // removing the last axis leaves a single task, not an empty grid
            }
        } else {
            cur.entries().put(last, new Entry(last, o, value.get()));
        }
    }

    /** Validation and expansion of one parsed (and overridden) sweep. */
    private static final class Builder {
        private final String location;
        private final YMap root;
        private final Map<Param.Section, YMap> sections = new EnumMap<>(Param.Section.class);
        private YMap grid; // null when the file has no grid
        private final Map<Param, List<Value>> axes = new EnumMap<>(Param.class);
        private final List<ConfigException> problems = new ArrayList<>();

        private final Map<String, Kind> kinds;

        Builder(String location, YMap root, Map<String, Kind> kinds) {
            this.location = location;
            this.root = root;
            this.kinds = kinds;
        }

        SweepPlan build(Path source, String text, List<String> overrides, long executorMemoryBytes)
                throws ConfigException {
            for (Entry e : root.entries().values()) {
                if (!TOP_KEYS.contains(e.key())) {
                    throw unknownKey(e, e.key(), "", TOP_KEYS, null);
                }
            }
            String name = name();
            Entry description = root.get("description");
            if (description != null && !(description.value() instanceof YScalar)) {
                throw new ConfigException(description.value().origin(), "description",
                        "expected text, got " + description.value().describe());
            }
            for (Param.Section s : Param.Section.values()) {
                sections.put(s, section(s.key));
            }
            Kind kind = dataKind();
            checkSectionKeys(kind);
            grid = grid();
            // relative data paths are resolved against the sweep file's folder (null: the working directory)
            Path baseDir = source == null ? null : source.toAbsolutePath().getParent();
            String dataset = kind.dataset(sections.get(Param.Section.DATA), baseDir);
            Map<Param, Object> kindDefaults = kind.defaults(sections.get(Param.Section.DATA), dataset);
            for (Param p : Param.values()) {
                try {
                    axes.put(p, axis(p, kind, kindDefaults.get(p)));
                } catch (ConfigException e) {
                    problems.add(e);
                }
            }
            throwFirstProblem();
            checkCount();
            List<PlannedTask> tasks = expand(kind, dataset, executorMemoryBytes);
            return new SweepPlan(name, source, text, overrides, tasks);
        }

        /** Throws the collected problem that comes first in the file (overrides and whole-file problems first). */
        private void throwFirstProblem() throws ConfigException {
            ConfigException first = null;
            for (ConfigException e : problems) {
                if (first == null || e.line() < first.line()) {
                    first = e;
                }
            }
            if (first != null) {
                throw first;
            }
        }

        private String name() throws ConfigException {
            Entry e = root.get("name");
            if (e == null) {
                throw new ConfigException(location, 0, "name", "missing; every sweep needs a name "
                        + "(letters, digits, '_', '.' and '-')");
            }
            String name = Values.word(e.value(), "name");
            if (!NAME.matcher(name).matches() || name.length() > NAME_MAX_LENGTH) {
                throw new ConfigException(e.value().origin(), "name", "'" + name + "' is not a valid name; use "
                        + "at most " + NAME_MAX_LENGTH + " letters, digits, '_', '.' and '-' (it becomes a directory name)");
            }
            return name;
        }

        /** The section mapping, empty when absent or empty. */
        private YMap section(String key) throws ConfigException {
            Entry e = root.get(key);
            if (e == null || e.value() instanceof YScalar s && s.isNull()) {
                return new YMap(new LinkedHashMap<>(), e == null ? new Origin(location, 0) : e.keyOrigin());
            }
            if (!(e.value() instanceof YMap m)) {
                throw new ConfigException(e.value().origin(), key, "expected a mapping of keys, got "
                        + e.value().describe());
            }
            return m;
        }

        private Kind dataKind() throws ConfigException {
            Entry e = sections.get(Param.Section.DATA).get("kind");
            if (e == null) {
                return kinds.get(DataKinds.DEFAULT_KIND);
            }
            String kind = Values.word(e.value(), "data.kind");
            Kind k = kinds.get(kind);
            if (k == null) {
                throw new ConfigException(e.value().origin(), "data.kind",
                        Names.unknownValue("data kind", kind, kinds.keySet()));
            }
            return k;
        }

        private void checkSectionKeys(Kind kind) throws ConfigException {
            for (Param.Section s : Param.Section.values()) {
                List<String> allowed = new ArrayList<>();
                if (s == Param.Section.DATA) {
                    allowed.add("kind");
                }
                for (Param p : Param.values()) {
                    if (p.section == s) {
                        allowed.add(p.sectionKey);
                    }
                }
                if (s == Param.Section.DATA) {
                    allowed.addAll(kind.extraKeys().stream().sorted().toList());
                }
                for (Entry e : sections.get(s).entries().values()) {
                    if (!allowed.contains(e.key())) {
                        throw unknownKey(e, e.key(), s.key, allowed, s);
                    }
                }
            }
        }

        private ConfigException unknownKey(Entry e, String key, String where, List<String> allowed,
                                           Param.Section section) {
            String path = where.isEmpty() ? key : where + "." + key;
            String in = where.isEmpty() ? "" : " in " + where;
            Param p = Param.byGridKey(key);
            if (p == null && section == null && where.isEmpty()) {
                for (Param q : Param.values()) {
                    if (q.sectionKey.equals(key)) {
                        p = q;
                    }
                }
            }
            String hint;
            if (p != null && where.equals("grid")) {
                hint = "";
            } else if (p != null && p.section == section) {
                hint = " (in " + where + " it is called '" + p.sectionKey + "'; '" + key + "' is its name under grid)";
            } else if (p != null) {
                hint = " (" + key + " belongs in " + p.homePath() + ", or under grid as " + p.gridPath() + ")";
            } else if (Names.missingSpace(key, allowed) != null) {
                hint = Names.missingSpace(key, allowed);
            } else {
                String guess = Names.closest(key, allowed);
                hint = guess == null ? "" : " (did you mean '" + guess + "'?)";
            }
            return new ConfigException(e.keyOrigin(), path, "unknown key '" + key + "'" + in + hint
                    + "; expected one of " + String.join(", ", allowed));
        }

        private YMap grid() throws ConfigException {
            Entry e = root.get("grid");
            if (e == null) {
                return null;
            }
            if (!(e.value() instanceof YMap m) || m.entries().isEmpty()) {
                if (e.value() instanceof YScalar s && s.isNull() || e.value() instanceof YMap) {
                    throw new ConfigException(e.keyOrigin(), "grid", "empty; give at least one axis "
                            + "(e.g. width: [16, 64]), or remove grid for a single task");
                }
                throw new ConfigException(e.value().origin(), "grid", "expected a mapping of axes, got "
                        + e.value().describe());
            }
            List<String> allowed = Arrays.stream(Param.values()).map(p -> p.gridKey).toList();
            for (Entry a : m.entries().values()) {
                if (!allowed.contains(a.key())) {
                    throw unknownKey(a, a.key(), "grid", allowed, null);
                }
            }
            return m;
        }

        /** The values of one parameter: its grid axis, its section value or its default. */
        private List<Value> axis(Param p, Kind kind, Object kindDefault) throws ConfigException {
            Entry home = sections.get(p.section).get(p.sectionKey);
            Entry axis = grid == null ? null : grid.get(p.gridKey);
            if (home != null && axis != null) {
                throw both(p, home, axis);
            }
            List<Value> values;
            if (axis != null) {
                values = Axes.read(p, axis.value(), p.gridPath(), MAX_TASKS);
            } else if (home != null) {
                if (home.value() instanceof YSeq || home.value() instanceof YMap) {
                    throw new ConfigException(home.value().origin(), p.homePath(), "expected a single value, got "
                            + home.value().describe() + " (to sweep over several values, use " + p.gridPath() + ")");
                }
                values = List.of(Values.of(p, home.value(), p.homePath()));
            } else {
                Object def = kindDefault != null ? kindDefault
                        : p == Param.LABELS ? kind.labelKinds().get(0) : p.defaultValue;
                if (def == null) {
                    throw new ConfigException(location, 0, p.homePath(), "missing; give " + p.homePath()
                            + " or a list under " + p.gridPath());
                }
                // Defaults of the data kind come from the data (e.g. a file's columns): check them too.
                values = List.of(kindDefault != null
                        ? Values.checked(p, def, sections.get(Param.Section.DATA).origin(), p.homePath())
                        : new Value(def, new Origin(location, 0), p.homePath()));
            }
            if (p == Param.LABELS) {
                for (Value v : values) {
                    if (!kind.labelKinds().contains((String) v.value())) {
                        throw new ConfigException(v.origin(), v.key(), Names.unknownValue("labels",
                                (String) v.value(), kind.labelKinds()) + " for " + kind.name() + " data");
                    }
                }
            }
            return values;
        }

        private ConfigException both(Param p, Entry home, Entry axis) {
            Origin h = home.keyOrigin();
            Origin g = axis.keyOrigin();
            if (h.fromOverride() && !g.fromOverride()) {
                return new ConfigException(h, p.homePath(), "also given as " + p.gridPath() + " at " + g.where(h)
                        + "; to change a grid axis, override " + p.gridPath() + " instead (--set " + p.gridPath()
                        + "=...), or remove it first (--set " + p.gridPath() + "=)");
            }
            if (g.fromOverride() && !h.fromOverride()) {
                return new ConfigException(g, p.gridPath(), "also given as " + p.homePath() + " at " + h.where(g)
                        + "; remove it first (--set " + p.homePath() + "=) to sweep over it");
            }
            return new ConfigException(h, p.homePath(), "also given as " + p.gridPath() + " at " + g.where(h)
                    + "; give a parameter either in its section or under grid, not both");
        }

        private void checkCount() throws ConfigException {
            double count = 1;
            StringBuilder shape = new StringBuilder();
            for (Param p : Param.values()) {
                int size = axes.get(p).size();
                count *= size;
                if (grid != null && grid.get(p.gridKey) != null) {
                    shape.append(shape.length() == 0 ? "" : " x ").append(size).append(' ').append(p.gridKey);
                }
            }
            if (count > MAX_TASKS) {
                Entry g = root.get("grid");
                throw new ConfigException(g.keyOrigin(), "grid", String.format(Locale.ROOT,
                        "expands to %.0f tasks (%s), more than the limit of %d; split the sweep into several files",
                        count, shape, MAX_TASKS));
            }
        }

        private List<PlannedTask> expand(Kind kind, String dataset, long executorMemoryBytes)
                throws ConfigException {
            Param[] params = Param.values();
            int[] sizes = new int[params.length];
            long total = 1;
            for (int i = 0; i < params.length; i++) {
                sizes[i] = axes.get(params[i]).size();
                total *= sizes[i];
            }
            List<PlannedTask> tasks = new ArrayList<>((int) total);
            long[] ids = new long[(int) total];
            int[] idx = new int[params.length];
            Value[] v = new Value[params.length];
            long overLimit = 0;
            // Estimates depend on few fields and sweeps repeat them across seeds etc.: compute each once.
            Map<CostKey, Estimate> costs = new java.util.HashMap<>();
            PlannedTask worst = null;
            Value[] worstValues = null;
            for (long t = 0; t < total; t++) {
                for (int i = 0; i < params.length; i++) {
                    v[i] = axes.get(params[i]).get(idx[i]);
                }
                TaskSpec spec = spec(kind, dataset, v);
                DataKinds.Problem problem = kind.check(spec);
                if (problem != null) {
                    Value culprit = v[problem.param().ordinal()];
                    throw new ConfigException(culprit.origin(), culprit.key(), problem.text());
                }
                String id = TaskIds.taskId(spec);
                Estimate cost = costs.computeIfAbsent(new CostKey(spec),
                        k -> new Estimate(Estimates.bytes(spec), Estimates.flops(spec)));
                PlannedTask task = new PlannedTask(id, spec, cost.bytes(), cost.flops());
                if (executorMemoryBytes > 0 && task.estimatedBytes() > executorMemoryBytes) {
                    overLimit++;
                    if (worst == null || task.estimatedBytes() > worst.estimatedBytes()
                            || task.estimatedBytes() == worst.estimatedBytes()
                            && Estimates.size(spec) > Estimates.size(worst.spec())) {
                        worst = task;
                        worstValues = v.clone();
                    }
                }
                ids[(int) t] = Long.parseUnsignedLong(id, 16);
                tasks.add(task);
                for (int i = params.length - 1; i >= 0; i--) { // odometer: last axis fastest
                    if (++idx[i] < sizes[i]) {
                        break;
                    }
                    idx[i] = 0;
                }
            }
            if (worst != null) {
                TaskSpec s = worst.spec();
                double widthTerms = (double) s.n() * s.width() + (double) s.width() * s.d();
                double nTerms = 3.0 * s.n() * s.n();
                Value blame = nTerms > widthTerms ? worstValues[Param.N.ordinal()] : worstValues[Param.WIDTH.ordinal()];
                throw new ConfigException(blame.origin(), blame.key(), String.format(Locale.ROOT,
                        "task width=%d n=%d d=%d needs %s, more than the executor memory of %s "
                                + "(%d of %d tasks are too large)",
                        s.width(), s.n(), s.d(), worst.estimatedBytes() == Long.MAX_VALUE
                                ? "more than " + Estimates.human((long) Estimates.OVERFLOW_GUARD_BYTES)
                                : "an estimated " + Estimates.human(worst.estimatedBytes()),
                        Estimates.human(executorMemoryBytes), overLimit, total));
            }
            Arrays.sort(ids);
            for (int i = 1; i < ids.length; i++) {
                if (ids[i] == ids[i - 1]) {
                    throw new IllegalStateException("two different tasks of one sweep share the task_id "
                            + Long.toHexString(ids[i]) + "; the id scheme needs more bits");
                }
            }
            return tasks;
        }

        /** The fields of a spec that the worker's cost estimates can depend on. */
        private record CostKey(int width, int n, int d, int steps, int checkpoints, int spectrumCheckpoints,
                               int batchSize, Loss loss, Activation activation, TrainLayers trainLayers) {
            CostKey(TaskSpec s) {
                this(s.width(), s.n(), s.d(), s.steps(), s.checkpoints(), s.spectrumCheckpoints(), s.batchSize(),
                        s.loss(), s.activation(), s.trainLayers());
            }
        }

        private record Estimate(long bytes, double flops) {
        }

        /** Builds one spec after the checks that relate parameters of one task. */
        private TaskSpec spec(Kind kind, String dataset, Value[] v) throws ConfigException {
            Value width = v[Param.WIDTH.ordinal()];
            Value n = v[Param.N.ordinal()];
            Value checkpoints = v[Param.CHECKPOINTS.ordinal()];
            Value spectrum = v[Param.SPECTRUM_CHECKPOINTS.ordinal()];
            Value batch = v[Param.BATCH_SIZE.ordinal()];
            if ((Long) spectrum.value() > (Long) checkpoints.value()) {
                throw new ConfigException(spectrum.origin(), spectrum.key(), spectrum.value()
                        + " is more than checkpoints = " + checkpoints.value() + " (" + source(checkpoints, spectrum)
                        + "); spectra are computed at some of the checkpoints");
            }
            if ((Long) batch.value() > (Long) n.value()) {
                throw new ConfigException(batch.origin(), batch.key(), batch.value() + " is more than n = "
                        + n.value() + " (" + source(n, batch) + "); use 0 for full batch");
            }
            Value loss = v[Param.LOSS.ordinal()];
            Value labels = v[Param.LABELS.ordinal()];
            if (Loss.parse((String) loss.value()) == Loss.LOGISTIC && "gaussian".equals(labels.value())) {
                // The logistic loss needs labels +-1; for supplied data the worker checks the values themselves.
                throw new ConfigException(loss.origin(), loss.key(), "logistic needs labels +-1, but labels = gaussian ("
                        + source(labels, loss) + "); use labels sign or random-sign");
            }
            try {
                return new TaskSpec(
                        intOf(width), intOf(n), intOf(v[Param.D.ordinal()]), kind.specKind(), dataset,
                        (Long) v[Param.DATA_SEED.ordinal()].value(),
                        (String) v[Param.LABELS.ordinal()].value(),
                        (Double) v[Param.KAPPA.ordinal()].value(),
                        (Long) v[Param.SEED.ordinal()].value(),
                        (Double) v[Param.ETA.ordinal()].value(),
                        EtaMode.parse((String) v[Param.ETA_MODE.ordinal()].value()),
                        intOf(v[Param.STEPS.ordinal()]),
                        (Double) v[Param.TARGET_LOSS_RATIO.ordinal()].value(),
                        intOf(checkpoints), intOf(spectrum),
                        Loss.parse((String) loss.value()),
                        Activation.parse((String) v[Param.ACTIVATION.ordinal()].value()),
                        intOf(batch),
                        TrainLayers.parse((String) v[Param.TRAIN_LAYERS.ordinal()].value()));
            } catch (IllegalArgumentException e) {
                // The checks above and in Param should make this impossible; name the key anyway.
                String msg = String.valueOf(e.getMessage());
                int eq = msg.indexOf(" = ");
                Param p = eq < 0 ? null : Param.byGridKey(msg.substring(0, eq));
                Value culprit = p == null ? width : v[p.ordinal()];
                throw new ConfigException(culprit.origin(), p == null ? "" : culprit.key(), msg);
            }
        }

        /** "train.checkpoints at line 9", "grid.n at line 4", "the default", "--set train.steps=5". */
        private static String source(Value other, Origin relativeTo) {
            if (other.origin().line() > 0) {
                return other.key() + " at " + other.origin().where(relativeTo);
            }
            if (other.origin().location().startsWith("--set ")) {
                return other.key() + " from " + other.origin().location();
            }
            return "the default of " + other.key();
        }

        private static String source(Value other, Value relativeTo) {
            return source(other, relativeTo.origin());
        }

        private static int intOf(Value v) {
            return Math.toIntExact((Long) v.value());
        }
    }

    /** Cost estimates of a task, from the worker. */
    static final class Estimates {
        private Estimates() {
        }

        /**
         * Sizes whose memory is at least this many bytes are reported as {@link Long#MAX_VALUE}: the
         * worker's estimate is computed in long arithmetic and would overflow near 2^63.
         */
        static final double OVERFLOW_GUARD_BYTES = 0x1p61;

        /** The worker's peak-memory estimate; {@link Long#MAX_VALUE} for sizes where it cannot be represented. */
        static long bytes(TaskSpec s) {
            // size() is a lower bound of any estimate (the n x n kernel, the m x d weights, the n x m activations).
            if (size(s) >= OVERFLOW_GUARD_BYTES) {
                return Long.MAX_VALUE;
            }
            long b = SweepWorker.estimateBytes(s);
            return b < 0 ? Long.MAX_VALUE : b;
        }

        static double flops(TaskSpec s) {
            return SweepWorker.estimateFlops(s);
        }

        /** A size measure in floating point, 8 (n m + m d + n^2), to rank tasks whose estimate overflows. */
        static double size(TaskSpec s) {
            double n = s.n();
            double m = s.width();
            return 8 * (n * m + m * s.d() + n * n);
        }

        /** "512 bytes", "3.0 MiB", "9.6 GiB". */
        static String human(long bytes) {
            if (bytes < 1024) {
                return bytes + " bytes";
            }
            String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
            double v = bytes;
            int u = -1;
            while (v >= 1024 && u < units.length - 1) {
                v /= 1024;
                u++;
            }
            return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
        }
    }
}
