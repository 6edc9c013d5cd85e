package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

/** Test helpers: plan a sweep text, or get the message of the error it raises. */
final class Sweeps {
    private Sweeps() {
    }

    /** File name used in messages of the texts planned here. */
    static final String FILE = "s.yaml";

    /** No memory limit. */
    static final long NO_LIMIT = Long.MAX_VALUE;

    static SweepPlan plan(String yaml, String... overrides) throws ConfigException {
        return SweepPlanner.plan(FILE, yaml, List.of(overrides), NO_LIMIT);
    }

    static ConfigException error(String yaml, String... overrides) {
        return assertThrows(ConfigException.class, () -> plan(yaml, overrides));
    }

    static String message(String yaml, String... overrides) {
        return error(yaml, overrides).getMessage();
    }

    /** Lines joined with newlines (keeps the line numbers of the YAML visible in tests). */
    static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }
}
