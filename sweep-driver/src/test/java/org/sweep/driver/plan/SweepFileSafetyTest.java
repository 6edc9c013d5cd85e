package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sweep.driver.plan.Sweeps.lines;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweep files are data: YAML tags never construct Java objects or run code, and planning reads no
 * path other than those a data section names.
 */
class SweepFileSafetyTest {

    @Test
    void javaTagsConstructNothing(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("created-by-yaml");
        // With a constructing YAML library, these tags would build a ProcessBuilder / a FileOutputStream that
        // creates the marker file. Here they are values with unknown tags, refused as the wrong type.
        String text = lines("name: safe", "grid:", "  width: [16]",
                "data: {kind: sphere, n: 4, d: 2}",
                "network: {kappa: !!java.io.FileOutputStream [\"" + marker + "\"]}",
                "train: {steps: 5, eta_mode: !!java.lang.ProcessBuilder [touch, \"" + marker + "\"]}");
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> SweepPlanner.plan("safe.yaml", text, java.util.List.of(), 1L << 30));
        assertTrue(e.getMessage().startsWith("safe.yaml:5: network.kappa:"), e.getMessage());
        assertFalse(Files.exists(marker), "a YAML tag created a file");
    }

    @Test
    void generatedDataReadsNoFile(@TempDir Path dir) throws Exception {
        // A sphere sweep names no path; keys that would name one are unknown keys, refused before anything is read.
        String text = lines("name: safe", "grid:", "  width: [16]",
                "data: {kind: sphere, n: 4, d: 2, path: /etc/shadow}", "train: {steps: 5}");
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> SweepPlanner.plan("safe.yaml", text, java.util.List.of(), 1L << 30));
        assertEquals("data.path", e.key(), e.getMessage());
        assertEquals(4, e.line());
    }
}
