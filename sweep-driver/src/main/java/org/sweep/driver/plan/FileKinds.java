package org.sweep.driver.plan;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.sweep.driver.plan.DataKinds.Kind;
import org.sweep.driver.plan.DataKinds.Problem;
import org.sweep.driver.plan.Yaml.Entry;
import org.sweep.driver.plan.Yaml.YMap;
import org.sweep.driver.plan.Yaml.YNode;
import org.sweep.driver.plan.Yaml.YSeq;
import org.sweep.driver.data.DataException;
import org.sweep.driver.data.DataFingerprint;
import org.sweep.driver.data.DataFormat;
import org.sweep.driver.data.DataLoader;
import org.sweep.driver.data.DataShape;
import org.sweep.driver.data.DataSource;
import org.sweep.worker.TaskSpec;

/**
 * Data kinds {@code idx}, {@code csv} and {@code parquet}: tasks train on rows of a file, loaded on
 * the driver by {@link DataLoader} (unit-norm inputs, seeded subsample, first listed class +1).
 * <pre>
 * data: {kind: idx, path: .../train-images-idx3-ubyte.gz, labels_path: .../train-labels-idx1-ubyte.gz,
 *        classes: [0, 6], labels: true, seed: 0, n: 500}
 * data: {kind: csv, path: points.csv, label_column: y, classes: [cat, dog]}
 * data: {kind: parquet, path: table.parquet, label_column: y, feature_column: pixels}
 * </pre>
 * Keys: path (required), labels_path (idx, required), label_column (csv and parquet, default
 * {@code label}), feature_column (parquet, optional), classes (optional, two values). labels is
 * {@code true} (the file's labels) or {@code permuted} (the same labels randomly permuted with the
 * data seed). d defaults to the file's feature count and must equal it when given; n must not exceed
 * the rows left after the class filter. Relative paths are resolved against the folder of the sweep
 * file; the identifier holds the absolute path, which every message names. The file is read while
 * planning (its bytes once for the fingerprint, then headers and labels for IDX, every row for CSV
 * and Parquet), so a missing or malformed file is an error with the line of its key before any work
 * starts.
 *
 * <p>The identifier ({@link DataSource#id()}) ends with the content fingerprint
 * ({@link DataFingerprint}, SHA-256 of the file bytes), so it, the canonical task JSON and the
 * task_id change when the file's content changes, and new data never trains under the id of old data.
 */
final class FileKinds {
    private FileKinds() {
    }

    static final Kind IDX = new FileKind(DataFormat.IDX);
    static final Kind CSV = new FileKind(DataFormat.CSV);
    static final Kind PARQUET = new FileKind(DataFormat.PARQUET);

    /** Shapes of files already read, keyed by identifier (which holds the content fingerprint). */
    private static final Map<String, DataShape> SHAPES = new ConcurrentHashMap<>();

    private static final class FileKind implements Kind {
        private final DataFormat format;

        FileKind(DataFormat format) {
            this.format = format;
        }

        @Override
        public String name() {
            return format.key();
        }

        @Override
        public Set<String> extraKeys() {
            return switch (format) {
                case IDX -> Set.of("path", "labels_path", "classes");
                case CSV -> Set.of("path", "label_column", "classes");
                case PARQUET -> Set.of("path", "label_column", "feature_column", "classes");
            };
        }

        @Override
        public List<String> labelKinds() {
            return List.of("true", "permuted");
        }

        @Override
        public String dataset(YMap data) throws ConfigException {
            return dataset(data, null);
        }

        @Override
        public String dataset(YMap data, Path baseDir) throws ConfigException {
            DataSource src = source(data, baseDir);
            src = src.withSha256(fingerprint(src, data));
            shape(src, data);
            return src.id();
        }

        @Override
        public Map<Param, Object> defaults(YMap data) throws ConfigException {
            return defaults(data, dataset(data));
        }

        @Override
        public Map<Param, Object> defaults(YMap data, String dataset) throws ConfigException {
            DataShape shape = SHAPES.get(dataset);
            return Map.of(Param.D, (long) (shape != null ? shape : shape(DataSource.parse(dataset), data)).d());
        }

        @Override
        public Problem check(TaskSpec spec) {
            DataShape shape = SHAPES.get(spec.dataset());
            if (shape == null) {
                return null; // read in dataset(); absent only for identifiers not made by this planner
            }
            DataSource src = DataSource.parse(spec.dataset());
            if (spec.d() != shape.d()) {
                return new Problem(Param.D, "d = " + spec.d() + " but " + src.path() + " has " + shape.d()
                        + " features per row (leave d out to take it from the file)");
            }
            if (spec.n() > shape.rows()) {
                return new Problem(Param.N, "n = " + spec.n() + " is more than the " + shape.rows() + " rows of "
                        + src.path() + (src.classes().isEmpty() ? "" : " with classes " + src.classes()));
            }
            return null;
        }

        private DataSource source(YMap data, Path baseDir) throws ConfigException {
            String path = resolve(data, "path", required(data, "path"), baseDir);
            String labelsPath = format == DataFormat.IDX
                    ? resolve(data, "labels_path", required(data, "labels_path"), baseDir) : null;
            String labelColumn = format == DataFormat.IDX ? null : optional(data, "label_column", "label");
            String featureColumn = format == DataFormat.PARQUET ? optional(data, "feature_column", null) : null;
            List<String> classes = new ArrayList<>();
            Entry c = data.get("classes");
            if (c != null) {
                if (!(c.value() instanceof YSeq seq) || seq.items().size() != 2) {
                    throw new ConfigException(c.value().origin(), "data.classes", "expected a list of two classes "
                            + "(first -> +1, second -> -1), got " + (c.value() instanceof YSeq s
                            ? "a list of " + s.items().size() : c.value().describe()));
                }
                for (YNode item : seq.items()) {
                    classes.add(Values.word(item, "data.classes"));
                }
                if (classes.get(0).equals(classes.get(1))) {
                    throw new ConfigException(c.value().origin(), "data.classes", "the two classes must differ, got "
                            + classes);
                }
            }
            return new DataSource(format, path, labelsPath, labelColumn, featureColumn, classes);
        }

        /** The file's content fingerprint (a {@link DataException} becomes an error at the key it concerns). */
        private String fingerprint(DataSource src, YMap data) throws ConfigException {
            try {
                return DataFingerprint.of(src);
            } catch (DataException e) {
                throw atKey(e, src, data);
            }
        }

        /** Reads the file's shape once (a {@link DataException} becomes an error at the key it concerns). */
        private DataShape shape(DataSource src, YMap data) throws ConfigException {
            String key = src.id();
            DataShape s = SHAPES.get(key);
            if (s != null) {
                return s;
            }
            try {
                s = DataLoader.describe(src);
            } catch (DataException e) {
                throw atKey(e, src, data);
            }
            SHAPES.put(key, s);
            return s;
        }

        /** A data problem as an error at the line of the key it concerns. */
        private static ConfigException atKey(DataException e, DataSource src, YMap data) {
            String msg = e.getMessage();
            String blame = msg.contains(": unknown class '") ? "classes"
                    : src.labelsPath() != null && msg.startsWith(src.labelsPath() + ":") ? "labels_path"
                    : msg.contains("label column") && data.get("label_column") != null ? "label_column"
                    : msg.contains("feature column") && data.get("feature_column") != null ? "feature_column"
                    : "path";
            Entry e2 = data.get(blame);
            return new ConfigException(e2 != null ? e2.value().origin() : data.origin(), "data." + blame, msg);
        }

        /**
         * {@code path} as an absolute, normalized path: relative to {@code baseDir} (the sweep file's
         * folder) when given, else to the working directory.
         */
        private static String resolve(YMap data, String key, String path, Path baseDir) throws ConfigException {
            try {
                Path p = Path.of(path);
                if (!p.isAbsolute() && baseDir != null) {
                    p = baseDir.resolve(p);
                }
                return p.toAbsolutePath().normalize().toString();
            } catch (InvalidPathException e) {
                throw new ConfigException(data.get(key).value().origin(), "data." + key, "not a valid path: "
                        + e.getMessage());
            }
        }

        private static String required(YMap data, String key) throws ConfigException {
            Entry e = data.get(key);
            if (e == null) {
                throw new ConfigException(data.origin(), "data." + key, "missing; file data needs " + key);
            }
            String v = Values.word(e.value(), "data." + key);
            if (v.isBlank()) {
                throw new ConfigException(e.value().origin(), "data." + key, "must not be empty");
            }
            return v;
        }

        private static String optional(YMap data, String key, String dflt) throws ConfigException {
            Entry e = data.get(key);
            return e == null ? dflt : Values.word(e.value(), "data." + key);
        }
    }

}
