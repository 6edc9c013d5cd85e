package org.sweep.driver.plan;

import java.io.IOException;
import java.nio.file.Files;
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
 * the rows left after the class filter. Relative paths are resolved against the working directory.
 * The file is read while planning (headers and labels for IDX, every row for CSV and Parquet), so a
 * missing or malformed file is an error with the line of its key before any work starts.
 */
final class FileKinds {
    private FileKinds() {
    }

    static final Kind IDX = new FileKind(DataFormat.IDX);
    static final Kind CSV = new FileKind(DataFormat.CSV);
    static final Kind PARQUET = new FileKind(DataFormat.PARQUET);

    /** Shapes of files already read, keyed by identifier, size and modification time of the file(s). */
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
            DataSource src = source(data);
            shape(src, data);
            return src.id();
        }

        @Override
        public Map<Param, Object> defaults(YMap data) throws ConfigException {
            return Map.of(Param.D, (long) shape(source(data), data).d());
        }

        @Override
        public Problem check(TaskSpec spec) {
            DataSource src = DataSource.parse(spec.dataset());
            DataShape shape = SHAPES.get(cacheKey(src));
            if (shape == null) {
                return null; // read in dataset(); only absent if the file changed meanwhile, caught when loading
            }
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

        private DataSource source(YMap data) throws ConfigException {
            String path = required(data, "path");
            String labelsPath = format == DataFormat.IDX ? required(data, "labels_path") : null;
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

        /** Reads the file's shape once (a {@link DataException} becomes an error at the key it concerns). */
        private DataShape shape(DataSource src, YMap data) throws ConfigException {
            String key = cacheKey(src);
            DataShape s = SHAPES.get(key);
            if (s != null) {
                return s;
            }
            try {
                s = DataLoader.describe(src);
            } catch (DataException e) {
                String msg = e.getMessage();
                String blame = msg.contains(": unknown class '") ? "classes"
                        : src.labelsPath() != null && msg.startsWith(src.labelsPath() + ":") ? "labels_path"
                        : msg.contains("label column") && data.get("label_column") != null ? "label_column"
                        : msg.contains("feature column") && data.get("feature_column") != null ? "feature_column"
                        : "path";
                Entry e2 = data.get(blame);
                throw new ConfigException(e2 != null ? e2.value().origin() : data.origin(), "data." + blame, msg);
            }
            SHAPES.put(key, s);
            return s;
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

    private static String cacheKey(DataSource src) {
        return src.id() + "|" + stamp(src.path()) + "|" + (src.labelsPath() == null ? "" : stamp(src.labelsPath()));
    }

    private static String stamp(String path) {
        try {
            Path p = Path.of(path);
            return Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException | RuntimeException e) {
            return "absent";
        }
    }
}
