package org.sweep.driver.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.sweep.driver.plan.Yaml.YMap;
import org.sweep.worker.DataKind;
import org.sweep.worker.TaskSpec;

/**
 * The kinds of data a sweep can train on ({@code data.kind}), each knowing its own keys and label kinds.
 *
 * <p>To add a kind (for example a file format), implement {@link Kind} in this package and
 * register it in {@link #KINDS}: its extra keys (e.g. {@code path}) become valid in the data section,
 * its label kinds are checked for every {@code labels} value, {@link Kind#dataset} turns the
 * section into the {@code TaskSpec.dataset} identifier (reading its own keys with {@link Values} so
 * that errors carry lines), {@link Kind#defaults} may supply n and d from the data, and
 * {@link Kind#check} may refuse a task (n larger than the file, for example).
 */
final class DataKinds {
    private DataKinds() {
    }

    /** One data kind. */
    interface Kind {
        /** Value of {@code data.kind}. */
        String name();

        /**
         * Value of {@code TaskSpec.dataKind}: the kind of the same name ({@code sphere}, {@code idx},
         * {@code csv}, {@code parquet}); for the file formats the worker receives the rows as a
         * {@code Dataset}.
         */
        default DataKind specKind() {
            return DataKind.parse(name());
        }

        /** Keys this kind accepts in the data section besides kind, n, d, seed and labels. */
        Set<String> extraKeys();

        /** Accepted values of labels; the first is the default. */
        List<String> labelKinds();

        /**
         * The dataset identifier recorded in every task ({@code ""} for generated data). Reads and
         * checks the kind's extra keys (with {@link Values}, so that errors carry file, line and key).
         */
        String dataset(YMap data) throws ConfigException;

        /**
         * As {@link #dataset(YMap)} for a sweep file in folder {@code baseDir}, against which a kind
         * that reads files resolves relative paths (null: the working directory). By default the
         * folder is not needed.
         */
        default String dataset(YMap data, java.nio.file.Path baseDir) throws ConfigException {
            return dataset(data);
        }

        /**
         * Values this kind supplies for parameters that the sweep leaves out (for a file: d from its
         * columns, n from its rows). Called after {@link #dataset}; the defaults of {@link Param} apply
         * to what is missing here too. Values are {@code Long} for integer parameters, {@code Double}
         * for real ones and {@code String} for words; they are checked like values from the file.
         */
        default Map<Param, Object> defaults(YMap data) throws ConfigException {
            return Map.of();
        }

        /**
         * As {@link #defaults(YMap)}, given the identifier {@link #dataset(YMap, java.nio.file.Path)}
         * returned for the same section (a file kind takes its shape from it instead of reading the
         * file again).
         */
        default Map<Param, Object> defaults(YMap data, String dataset) throws ConfigException {
            return defaults(data);
        }

        /**
         * Checks one expanded task against the data (for a file: n no more than its rows, d equal to
         * its columns). Returns null when fine, else the parameter at fault and the problem; the
         * planner adds the file, line and key of that parameter's value.
         */
        default Problem check(TaskSpec spec) {
            return null;
        }
    }

    /** A problem with one parameter of a task, found by {@link Kind#check}. */
    record Problem(Param param, String text) {
    }

    /** Points drawn uniformly on the unit sphere in R^d, labels generated (science.md section 1). */
    static final Kind SPHERE = new Kind() {
        @Override
        public String name() {
            return DataKind.SPHERE.key();
        }

        @Override
        public Set<String> extraKeys() {
            return Set.of();
        }

        @Override
        public List<String> labelKinds() {
            return List.of("gaussian", "sign", "random-sign");
        }

        @Override
        public String dataset(YMap data) {
            return "";
        }
    };

    /** Registered kinds by name, in the order listed in messages. */
    static final Map<String, Kind> KINDS;

    static {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        kinds.put(SPHERE.name(), SPHERE);
        kinds.put(FileKinds.IDX.name(), FileKinds.IDX);
        kinds.put(FileKinds.CSV.name(), FileKinds.CSV);
        kinds.put(FileKinds.PARQUET.name(), FileKinds.PARQUET);
        KINDS = java.util.Collections.unmodifiableMap(kinds);
    }

    /** The kind used when {@code data.kind} is absent. */
    static final String DEFAULT_KIND = SPHERE.name();
}
