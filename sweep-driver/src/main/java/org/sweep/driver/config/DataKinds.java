package org.sweep.driver.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.sweep.driver.config.Yaml.YMap;

/**
 * The kinds of data a sweep can train on ({@code data.kind}), each knowing its own keys and label kinds.
 *
 * <p>To add a kind (for example a file format), implement {@link DataKind} and register it in
 * {@link #KINDS}: its extra keys (e.g. {@code path}) become valid in the data section, its label
 * kinds are checked for every {@code labels} value, and {@link DataKind#dataset} turns the section
 * into the {@code TaskSpec.dataset} identifier (validating its own keys, with lines, on the way).
 */
final class DataKinds {
    private DataKinds() {
    }

    /** One data kind. */
    interface DataKind {
        /** Value of {@code data.kind} and of {@code TaskSpec.dataKind}. */
        String name();

        /** Keys this kind accepts in the data section besides kind, n, d, seed and labels. */
        Set<String> extraKeys();

        /** Accepted values of labels; the first is the default. */
        List<String> labelKinds();

        /**
         * The dataset identifier recorded in every task ({@code ""} for generated data). Reads and
         * checks the kind's extra keys; {@code location} names the sweep file for messages.
         */
        String dataset(YMap data) throws ConfigException;
    }

    /** Points drawn uniformly on the unit sphere in R^d, labels generated (science.md section 1). */
    static final DataKind SPHERE = new DataKind() {
        @Override
        public String name() {
            return "sphere";
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
    static final Map<String, DataKind> KINDS;

    static {
        Map<String, DataKind> kinds = new LinkedHashMap<>();
        kinds.put(SPHERE.name(), SPHERE);
        KINDS = java.util.Collections.unmodifiableMap(kinds);
    }

    /** The kind used when {@code data.kind} is absent. */
    static final String DEFAULT_KIND = "sphere";
}
