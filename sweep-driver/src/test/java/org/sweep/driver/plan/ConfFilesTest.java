package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sweep file shipped in conf/ is valid and opens with a comment saying what it studies and how long it takes. */
class ConfFilesTest {

    /** conf/ seen from the sweep-driver module, where surefire runs. */
    private static final Path CONF = Path.of("../conf");

    static Stream<Path> confFiles() throws IOException {
        try (Stream<Path> files = Files.list(CONF)) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertFalse(yaml.isEmpty(), "no sweep files in " + CONF.toAbsolutePath());
            return yaml.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("confFiles")
    void plansAndIsDescribed(Path file) throws Exception {
        SweepPlan plan = SweepPlanner.plan(file, List.of(), Long.MAX_VALUE);
        assertFalse(plan.tasks().isEmpty());
        assertEquals(plan.tasks().size(), plan.tasks().stream().map(PlannedTask::taskId).distinct().count());
        String first = Files.readAllLines(file).get(0);
        assertTrue(first.startsWith("# "), file + " must open with a comment describing it");
        String header = String.join(" ", Files.readAllLines(file).stream().takeWhile(l -> l.startsWith("#")).toList());
        assertTrue(header.matches("(?s).*\\b(second|seconds|minute|minutes|hour|hours)\\b.*"),
                file + " must say in its opening comment how long it takes");
    }
}
